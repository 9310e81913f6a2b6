import type {
  Bulletin,
  BulletinDifferenceEntry,
  BulletinPublication,
  BulletinReproduction,
  BulletinView,
} from '../../application/bulletin.js';
import type { RecordedEvent } from '../../application/index.js';
import type {
  BulletinCounts,
  BulletinFigure,
  BulletinFigures,
  BulletinHotlineFigure,
  BulletinInterview,
  BulletinLine,
  BulletinOverdueItem,
  BulletinRedUnit,
  BulletinUnitLine,
} from '../../projections/bulletin.js';
import { bulletinHash } from '../../projections/bulletin.js';
import type { Context } from '../context.js';
import { LightEnum } from './battleMap.js';
import { builder } from './builder.js';
import { LedgerEventRef } from './event.js';
import { InterviewLevelEnum, InterviewRuleEnum } from './interviewTrigger.js';
import { CheckpointRef } from './ledgerVerification.js';
import { commandContext, commandIdArg } from './mutations.js';

/*
 * 月通报: the monthly bulletin, as the application builds it (projections/bulletin.ts). Every
 * signed-in role reads the whole bulletin (it is sent to every unit); a unit head's own line is
 * marked. The office publishes it (the scheduler does too, at each month's end).
 */

const FigureRef = builder.objectRef<BulletinFigure>('BulletinFigure').implement({
  description: 'A count that drills down: each counted thing is one event; the problems it is about, by ledger number.',
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'How many (the number of eventIds).' }),
    ledgerNumbers: t.exposeStringList('ledgerNumbers', { description: 'The problems counted (台账编号), each once, in order.' }),
    eventIds: t.exposeStringList('eventIds', { description: 'The events counted: one per counted thing.' }),
  }),
});

const HotlineFigureRef = builder.objectRef<BulletinHotlineFigure>('BulletinHotlineFigure').implement({
  description: '12317 reports counted: one event per report, the problems they became, and the reports’ ids.',
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'How many reports.' }),
    ledgerNumbers: t.exposeStringList('ledgerNumbers', { description: 'The problems the accepted ones became.' }),
    eventIds: t.exposeStringList('eventIds', { description: 'The submission, or the triage or dismissal that ended it.' }),
    reportIds: t.exposeStringList('reportIds', { description: 'The reports.' }),
  }),
});

const CountsRef = builder.objectRef<BulletinCounts>('BulletinCounts').implement({
  description: 'A line’s headline counts: last month’s, or the change from them (this month − last month).',
  fields: (t) => ({
    raised: t.exposeInt('raised', { description: '新增' }),
    closed: t.exposeInt('closed', { description: '销号' }),
    overdue: t.exposeInt('overdue', { description: '逾期 at the month’s end' }),
    onTimeClosureRate: t.exposeFloat('onTimeClosureRate', {
      nullable: true,
      description: '按期销号率 (0–1); null when nothing was closed.',
    }),
  }),
});

const FiguresRef = builder.objectRef<BulletinFigures>('BulletinFigures').implement({
  description: 'A line’s figures for the month.',
  fields: (t) => ({
    raised: t.field({ type: FigureRef, description: '新增: raised in the month.', resolve: (f) => f.raised }),
    closed: t.field({ type: FigureRef, description: '销号: closed in the month and still closed at its end.', resolve: (f) => f.closed }),
    closedOnTime: t.field({ type: FigureRef, description: 'Of those, closed on time.', resolve: (f) => f.closedOnTime }),
    overdue: t.field({ type: FigureRef, description: '逾期: overdue at the month’s end, as the wall says it.', resolve: (f) => f.overdue }),
    onTimeClosureRate: t.exposeFloat('onTimeClosureRate', {
      nullable: true,
      description: '按期销号率: closed on time ÷ closed in the month; null when nothing was closed.',
    }),
  }),
});

const LineRef = builder.interfaceRef<BulletinLine>('BulletinLine').implement({
  description: 'A line of the bulletin (the county’s or a unit’s): the month’s figures, last month’s counts, and the change.',
  fields: (t) => ({
    figures: t.field({ type: FiguresRef, description: 'The month’s figures.', resolve: (l) => l.figures }),
    previous: t.field({ type: CountsRef, description: 'Last month’s counts.', resolve: (l) => l.previous }),
    change: t.field({ type: CountsRef, description: 'This month − last month.', resolve: (l) => l.change }),
    light: t.field({ type: LightEnum, description: 'The light on the wall at the month’s end.', resolve: (l) => l.light }),
  }),
});

const CountyLineRef = builder.objectRef<BulletinLine>('BulletinCountyLine').implement({
  description: 'The county’s line.',
  interfaces: [LineRef],
  isTypeOf: (l) => !('unitId' in (l as object)),
  fields: () => ({}),
});

/** The unit of the signed-in unit head, whose line is theirs. */
const ownUnit = (ctx: Context) => (ctx.auth.kind === 'signed_in' ? ctx.auth.user.unitId : null);

const UnitLineRef = builder.objectRef<BulletinUnitLine>('BulletinUnitLine').implement({
  description: 'A unit’s line, ranked (docs/policies.md, “The monthly bulletin”).',
  interfaces: [LineRef],
  isTypeOf: (l) => 'unitId' in (l as object),
  fields: (t) => ({
    unitId: t.exposeID('unitId', { description: 'The unit.' }),
    name: t.exposeString('name', { description: 'Its name at the month’s end.' }),
    rank: t.exposeInt('rank', { description: 'Its rank (equal lines share one).' }),
    mine: t.boolean({ description: 'This is your own unit’s line.', resolve: (l, _a, ctx) => ownUnit(ctx) === l.unitId }),
  }),
});

const RedUnitRef = builder.objectRef<BulletinRedUnit>('BulletinRedUnit').implement({
  description: '红灯单位: a unit red on the wall at the month’s end, named, with its red items.',
  fields: (t) => ({
    unitId: t.exposeID('unitId', { description: 'The unit.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
    red: t.field({ type: FigureRef, description: 'Its red items.', resolve: (r) => r.red }),
  }),
});

const OverdueItemRef = builder.objectRef<BulletinOverdueItem>('BulletinOverdueItem').implement({
  description: 'One of the items overdue longest at the month’s end.',
  fields: (t) => ({
    problemId: t.exposeID('problemId', { description: 'The problem.' }),
    ledgerNumber: t.exposeString('ledgerNumber', { description: '台账编号' }),
    unitId: t.exposeID('unitId', { nullable: true, description: '责任单位' }),
    unitName: t.exposeString('unitName', { nullable: true, description: 'Its name.' }),
    deadline: t.exposeString('deadline', { description: 'The deadline it missed.' }),
    overdueSince: t.exposeString('overdueSince', { description: 'The first day it counted as overdue.' }),
    daysOverdue: t.exposeInt('daysOverdue', { description: 'Days overdue at the month’s end, the first included.' }),
    deadlineEventId: t.exposeString('deadlineEventId', { description: 'The event that fixed that deadline.' }),
  }),
});

const InterviewRef = builder.objectRef<BulletinInterview>('BulletinInterview').implement({
  description: '约谈: one held in the month.',
  fields: (t) => ({
    interviewId: t.exposeID('interviewId', { description: 'The interview.' }),
    eventId: t.exposeString('eventId', { description: 'The InterviewHeld event.' }),
    unitId: t.exposeID('unitId', { description: 'The unit interviewed.' }),
    unitName: t.exposeString('unitName', { description: 'Its name.' }),
    heldOn: t.exposeString('heldOn', { description: 'The day it was held.' }),
    rule: t.field({ type: InterviewRuleEnum, description: 'The trigger’s rule.', resolve: (i) => i.rule }),
    level: t.field({ type: InterviewLevelEnum, description: 'The level it was held at.', resolve: (i) => i.level }),
    interviewee: t.exposeString('interviewee', { description: '被约谈人' }),
    interviewer: t.exposeString('interviewer', { description: '约谈人' }),
    ledgerNumbers: t.exposeStringList('ledgerNumbers', { description: 'The problems it covered.' }),
  }),
});

const SupervisionRef = builder.objectRef<Bulletin['supervision']>('BulletinSupervision').implement({
  description: '督办 in the month.',
  fields: (t) => ({
    issued: t.field({ type: FigureRef, description: 'Orders issued in the month.', resolve: (s) => s.issued }),
    answered: t.field({ type: FigureRef, description: 'Replies given in the month.', resolve: (s) => s.answered }),
  }),
});

const InterviewsRef = builder.objectRef<Bulletin['interviews']>('BulletinInterviews').implement({
  description: '约谈 held in the month.',
  fields: (t) => ({
    held: t.field({ type: FigureRef, description: 'How many, and the problems they covered.', resolve: (i) => i.held }),
    list: t.field({ type: [InterviewRef], description: 'Each one, in the order held.', resolve: (i) => i.list }),
  }),
});

const HotlineRef = builder.objectRef<Bulletin['hotline']>('BulletinHotline').implement({
  description: '12317 reports received in the month, and how they stood at its end.',
  fields: (t) => ({
    received: t.field({ type: HotlineFigureRef, description: 'Received in the month.', resolve: (h) => h.received }),
    accepted: t.field({ type: HotlineFigureRef, description: 'Of those, accepted into the ledger (受理).', resolve: (h) => h.accepted }),
    dismissed: t.field({ type: HotlineFigureRef, description: 'Of those, dismissed (不予受理).', resolve: (h) => h.dismissed }),
    pending: t.field({ type: HotlineFigureRef, description: 'Of those, not yet triaged at the month’s end.', resolve: (h) => h.pending }),
  }),
});

const RecurrencesRef = builder.objectRef<Bulletin['recurrences']>('BulletinRecurrences').implement({
  description: '反弹 in the month.',
  fields: (t) => ({
    raised: t.field({ type: FigureRef, description: 'Raised as a recurrence of an earlier problem.', resolve: (r) => r.raised }),
    reopened: t.field({ type: FigureRef, description: 'Closed problems reopened.', resolve: (r) => r.reopened }),
  }),
});

const PublicationRef = builder.objectRef<BulletinPublication>('BulletinPublication').implement({
  description: '印发: the bulletin as published and fixed.',
  fields: (t) => ({
    at: t.exposeString('at', { description: 'When it was published.' }),
    by: t.exposeString('by', { description: 'Who published it (the scheduler at the month’s end, or the office).' }),
    position: t.field({ type: 'Float', description: 'The log position it was built at.', resolve: (p) => p.position }),
    hash: t.exposeString('hash', { description: 'SHA-256 of its canonical JSON.' }),
    policyVersion: t.exposeInt('policyVersion', { description: 'The policy in force at the month’s end.' }),
    eventId: t.exposeString('eventId', { description: 'The BulletinPublished event.' }),
  }),
});

const DifferenceRef = builder.objectRef<BulletinDifferenceEntry>('BulletinDifferenceEntry').implement({
  description: 'One thing the log as it now stands tells differently about the month than the published bulletin.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'The value, e.g. county.figures.overdue.count or units[unitId=…].rank.' }),
    before: t.exposeString('before', { nullable: true, description: 'Its JSON in the published bulletin (null: not there).' }),
    after: t.exposeString('after', { nullable: true, description: 'Its JSON now (null: no longer there).' }),
    added: t.exposeStringList('added', { description: 'For a list of ledger numbers or ids: what is in it now and was not.' }),
    removed: t.exposeStringList('removed', { description: 'For such a list: what was in it and is not now.' }),
  }),
});

const BulletinRef = builder.objectRef<BulletinView>('MonthlyBulletin').implement({
  description:
    '月通报: the county’s monthly bulletin. The published one (fixed) once the month was published, with what changed since beside it; else the draft as the log now tells the month.',
  fields: (t) => ({
    month: t.string({ description: 'YYYY-MM, in the county’s calendar.', resolve: (v) => v.bulletin.month }),
    from: t.string({ description: 'The month’s first day.', resolve: (v) => v.bulletin.from }),
    through: t.string({ description: 'The last day counted (today for the month under way).', resolve: (v) => v.bulletin.through }),
    asOf: t.string({ description: 'The instant the figures are as of.', resolve: (v) => v.bulletin.asOf }),
    complete: t.boolean({ description: 'The month is over.', resolve: (v) => v.bulletin.complete }),
    policyVersion: t.int({ description: 'The policy whose light rules make the wall’s red.', resolve: (v) => v.bulletin.policyVersion }),
    hash: t.string({ description: 'SHA-256 of its canonical JSON.', resolve: (v) => bulletinHash(v.bulletin) }),
    county: t.field({ type: CountyLineRef, description: 'The county’s line.', resolve: (v) => v.bulletin.county }),
    units: t.field({ type: [UnitLineRef], description: 'Every unit’s line, ranked.', resolve: (v) => v.bulletin.units }),
    myLine: t.field({
      type: UnitLineRef,
      nullable: true,
      description: 'Your own unit’s line (null when you have no unit, or it has none).',
      resolve: (v, _a, ctx) => v.bulletin.units.find((l) => l.unitId === ownUnit(ctx)) ?? null,
    }),
    redUnits: t.field({ type: [RedUnitRef], description: '红灯单位, named.', resolve: (v) => v.bulletin.redUnits }),
    longestOverdue: t.field({
      type: [OverdueItemRef],
      description: 'The items overdue longest at the month’s end, longest first.',
      resolve: (v) => v.bulletin.longestOverdue,
    }),
    supervision: t.field({ type: SupervisionRef, description: '督办 issued and answered.', resolve: (v) => v.bulletin.supervision }),
    interviews: t.field({ type: InterviewsRef, description: '约谈 held.', resolve: (v) => v.bulletin.interviews }),
    hotline: t.field({ type: HotlineRef, description: '12317 reports and how they ended.', resolve: (v) => v.bulletin.hotline }),
    recurrences: t.field({ type: RecurrencesRef, description: '反弹', resolve: (v) => v.bulletin.recurrences }),
    published: t.field({
      type: PublicationRef,
      nullable: true,
      description: 'The publication; null for a draft.',
      resolve: (v) => v.published,
    }),
    reproduced: t.boolean({
      nullable: true,
      description: 'Built again at the pinned position, it hashes to what was published (null for a draft).',
      resolve: (v) => v.reproduced,
    }),
    difference: t.field({
      type: [DifferenceRef],
      nullable: true,
      description: 'For a published bulletin: what the log as it now stands tells differently (empty: nothing). Null for a draft.',
      resolve: (v, _a, ctx) => ctx.services.bulletins.difference(v),
    }),
    docx: t.string({
      description: 'Where to download it as a 通报 (.docx), with the same token; a draft is marked 草稿.',
      resolve: (v) => `/reports/bulletin/${v.bulletin.month}.docx`,
    }),
    xlsx: t.string({ description: 'Where to download its tables (.xlsx).', resolve: (v) => `/reports/bulletin/${v.bulletin.month}.xlsx` }),
  }),
});

const monthArg = (t: { arg: { string: (o: { required: true; description: string }) => unknown } }) =>
  t.arg.string({ required: true, description: 'The month, YYYY-MM (county calendar), e.g. 2020-06.' });

builder.queryField('bulletin', (t) =>
  t.field({
    type: BulletinRef,
    description: '月通报 of a month: the published one when there is one, else the draft (the month under way: so far).',
    args: { month: monthArg(t) as never },
    resolve: (_root, args, ctx) => ctx.services.bulletins.bulletin(args.month as string),
  }),
);

const PublishedMonthRef = builder.objectRef<{ month: string; published: BulletinPublication }>('PublishedBulletinMonth').implement({
  description: 'A month whose bulletin was published.',
  fields: (t) => ({
    month: t.exposeString('month', { description: 'YYYY-MM' }),
    published: t.field({ type: PublicationRef, description: 'Its publication.', resolve: (m) => m.published }),
  }),
});

builder.queryField('bulletinPublications', (t) =>
  t.field({
    type: [PublishedMonthRef],
    description: 'The months whose bulletin was published (印发), the latest first.',
    resolve: (_root, _args, ctx) => ctx.services.bulletins.publications(),
  }),
);

const PublishPayloadRef = builder
  .objectRef<{ bulletin: BulletinView; events: RecordedEvent[]; replayed: boolean }>('PublishBulletinPayload')
  .implement({
    description: 'The bulletin as published, and the events appended.',
    fields: (t) => ({
      bulletin: t.field({ type: BulletinRef, description: 'The published bulletin.', resolve: (p) => p.bulletin }),
      events: t.field({
        type: [LedgerEventRef],
        description: 'Appended by this command; empty when the month was already published.',
        resolve: (p) => p.events,
      }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
    }),
  });

builder.mutationField('publishBulletin', (t) =>
  t.field({
    type: PublishPayloadRef,
    description:
      '印发: publish the month’s bulletin as the log now tells it, fixing it (position, policy version, hash). Once the month is over; a month already published is answered as it was.',
    args: { month: monthArg(t) as never, commandId: commandIdArg(t) as never },
    resolve: async (_root, args, ctx) => {
      const { result, view } = await ctx.services.bulletins.publish(
        args.month as string,
        commandContext(ctx, args.commandId as string | undefined),
      );
      return { bulletin: view, events: result?.events ?? [], replayed: result?.replayed ?? false };
    },
  }),
);

const ReproductionRef = builder.objectRef<BulletinReproduction>('BulletinReproduction').implement({
  description:
    'A published bulletin built again from the raw log up to its pinned position and held against its hash; the log checked against the checkpoint covering the publication; what changed since, beside it.',
  fields: (t) => ({
    month: t.exposeString('month', { description: 'YYYY-MM' }),
    position: t.field({ type: 'Float', description: 'The pinned log position.', resolve: (r) => r.position }),
    publishedHash: t.exposeString('publishedHash', { description: 'The hash recorded when it was published.' }),
    recomputedHash: t.exposeString('recomputedHash', { description: 'The hash of the bulletin built again now.' }),
    identical: t.exposeBoolean('identical', { description: 'The two hashes are the same.' }),
    checkpoint: t.field({
      type: CheckpointRef,
      nullable: true,
      description: 'The checkpoint covering the publication; null while none is recorded yet.',
      resolve: (r) => r.checkpoint,
    }),
    chainIntact: t.exposeBoolean('chainIntact', { description: 'The whole log holds against that checkpoint (false without one).' }),
    verified: t.exposeBoolean('verified', { description: 'identical and chainIntact.' }),
    summary: t.exposeString('summary', { description: 'In words.' }),
    difference: t.field({
      type: [DifferenceRef],
      description: 'What the log as it now stands tells differently about the month (empty: nothing).',
      resolve: (r) => r.difference,
    }),
  }),
});

builder.queryField('verifyBulletin', (t) =>
  t.field({
    type: ReproductionRef,
    description: 'Builds a published bulletin again from the log at its pinned position and checks it (walks the whole log).',
    args: { month: monthArg(t) as never },
    resolve: (_root, args, ctx) => ctx.services.bulletins.verify(args.month as string),
  }),
);
