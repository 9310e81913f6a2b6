import { type ProblemCategory, type ProblemSource, categoryLabel, sourceLabel } from '../../domain/index.js';
import type { BattleMap, BattleMapItem, LightReason, ProblemSet, Tally } from '../../projections/battleMap.js';
import { mapItems } from '../../projections/battleMapWall.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { builder } from './builder.js';
import { asOfDescription, knownOnDescription, knownUnit, parseAsOf, unitRow } from './args.js';
import { ConsolidationEnum, ProblemCategoryEnum, ProblemRef, ProblemSourceEnum, ProblemStatusEnum } from './problem.js';
import { UnitRef } from './unit.js';

export const LightEnum = builder.enumType('Light', {
  description:
    'A light on the battle map: red (overdue, or sent back by verification), yellow (due soon, extended, or no deadline), green (on track or done).',
  values: ['red', 'yellow', 'green'] as const,
});

const LightReasonEnum = builder.enumType('LightReason', {
  description:
    'Why an item has its light: overdue, rejected (back in rectification after a rejected verification), due_soon, extended, no_deadline.',
  values: ['overdue', 'rejected', 'due_soon', 'extended', 'no_deadline'] as const,
});

const ProblemCountRef = builder.objectRef<ProblemSet>('ProblemCount').implement({
  description: 'A count on the battle map, with the ledger numbers behind it (对账销号).',
  fields: (t) => ({
    count: t.int({ description: 'How many problems.', resolve: (set) => set.size }),
    ledgerNumbers: t.stringList({
      description: 'Their ledger numbers, sorted: the drill-down behind the count.',
      resolve: (set) => [...set].sort(),
    }),
  }),
});

const TallyRef = builder.objectRef<Tally>('Tally').implement({
  description: 'The counts of one slice of the map (the county, a unit, a source, a category).',
  fields: (t) => ({
    total: t.expose('total', { type: ProblemCountRef, description: 'Every problem in the slice.' }),
    open: t.expose('open', { type: ProblemCountRef, description: 'Not yet reported fixed (raised, assigned or in rectification).' }),
    overdue: t.expose('overdue', { type: ProblemCountRef, description: 'Past the deadline and not reported fixed (逾期).' }),
    dueSoon: t.expose('dueSoon', { type: ProblemCountRef, description: 'Open, with the deadline within the policy’s due-soon days.' }),
    closed: t.expose('closed', { type: ProblemCountRef, description: 'Closed (销号).' }),
    red: t.expose('red', { type: ProblemCountRef, description: 'Items with a red light.' }),
    yellow: t.expose('yellow', { type: ProblemCountRef, description: 'Items with a yellow light.' }),
    green: t.expose('green', { type: ProblemCountRef, description: 'Items with a green light.' }),
  }),
});

type Sliced<K extends string, V> = { [key in K]: V } & Tally;

const SourceTallyRef = builder.objectRef<Sliced<'source', ProblemSource>>('SourceTally').implement({
  description: 'The counts for one source (问题来源).',
  fields: (t) => ({
    source: t.field({ type: ProblemSourceEnum, description: 'The source.', resolve: (s) => s.source }),
    sourceLabel: t.string({ description: 'The source in Chinese.', resolve: (s) => sourceLabel[s.source] }),
    tally: t.field({ type: TallyRef, description: 'Its counts.', resolve: (s) => s }),
  }),
});

const CategoryTallyRef = builder.objectRef<Sliced<'category', ProblemCategory>>('CategoryTally').implement({
  description: 'The counts for one category (问题类别).',
  fields: (t) => ({
    category: t.field({ type: ProblemCategoryEnum, description: 'The category.', resolve: (s) => s.category }),
    categoryLabel: t.string({ description: 'The category in Chinese.', resolve: (s) => categoryLabel[s.category] }),
    tally: t.field({ type: TallyRef, description: 'Its counts.', resolve: (s) => s }),
  }),
});

const UnitLightRef = builder.objectRef<BattleMap['units'][number]>('UnitLight').implement({
  description: 'One responsible unit on the county map: its light and counts.',
  fields: (t) => ({
    unit: t.field({ type: UnitRef, nullable: true, description: 'The unit.', resolve: (u, _a, ctx) => unitRow(ctx, u.unitId) }),
    light: t.field({
      type: LightEnum,
      description: 'Red from the policy’s number of red items, yellow from its number of yellow or red items.',
      resolve: (u) => u.light,
    }),
    tally: t.field({ type: TallyRef, description: 'Its counts.', resolve: (u) => u }),
  }),
});

const StatusCountRef = builder.objectRef<{ status: BattleMapItem['status']; problems: ProblemSet }>('StatusCount').implement({
  description: 'How many problems are in one status.',
  fields: (t) => ({
    status: t.field({ type: ProblemStatusEnum, description: 'The status.', resolve: (s) => s.status }),
    problems: t.field({ type: ProblemCountRef, description: 'The problems in it.', resolve: (s) => s.problems }),
  }),
});

const BattleMapItemRef = builder.objectRef<BattleMapItem>('BattleMapItem').implement({
  description: 'One item on the map with its light and the reasons for it.',
  fields: (t) => ({
    ledgerNumber: t.exposeString('ledgerNumber', { description: '台账编号' }),
    problem: t.field({
      type: ProblemRef,
      nullable: true,
      description: 'The problem as the ledger shows it now.',
      resolve: (i, _a, ctx) => ctx.services.runner.state(ledgerView).problems.get(i.problemId) ?? null,
    }),
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'Responsible unit at the instant asked about.',
      resolve: (i, _a, ctx) => unitRow(ctx, i.unitId),
    }),
    status: t.field({ type: ProblemStatusEnum, description: 'Status at the instant asked about.', resolve: (i) => i.status }),
    deadline: t.string({ nullable: true, description: 'Deadline at the instant asked about.', resolve: (i) => i.deadline }),
    light: t.field({ type: LightEnum, description: 'Its light.', resolve: (i) => i.light }),
    reasons: t.field({
      type: [LightReasonEnum],
      description: 'Why it has that light (empty for a plain green).',
      resolve: (i) => i.reasons as LightReason[],
    }),
    consolidation: t.field({
      type: ConsolidationEnum,
      nullable: true,
      description: 'Closed: awaiting the 回头看, or 巩固 confirmed; null while open.',
      resolve: (i) => i.consolidation,
    }),
  }),
});

export const BattleMapRef = builder.objectRef<BattleMap>('BattleMap').implement({
  description: 'The battle map (挂图作战) for the county or one unit, as of an instant. Every count drills down to its ledger numbers.',
  fields: (t) => ({
    asOf: t.exposeString('asOf', { description: 'The instant it describes.' }),
    day: t.exposeString('day', { description: 'That instant’s county calendar day (Asia/Shanghai).' }),
    policyVersion: t.exposeInt('policyVersion', { description: 'The policy whose light rules were applied (0 = built-in default).' }),
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The unit, or null for the whole county.',
      resolve: (m, _a, ctx) => unitRow(ctx, m.unitId),
    }),
    light: t.field({ type: LightEnum, description: 'The light of the whole map.', resolve: (m) => m.light }),
    tally: t.field({ type: TallyRef, description: 'Counts over every problem in the map.', resolve: (m) => m.tally }),
    byStatus: t.field({
      type: [StatusCountRef],
      description: 'Counts by status.',
      resolve: (m) => Object.entries(m.byStatus).map(([status, problems]) => ({ status: status as BattleMapItem['status'], problems })),
    }),
    extended: t.field({
      type: ProblemCountRef,
      description: 'Problems whose deadline was extended at least once.',
      resolve: (m) => m.extended,
    }),
    rejected: t.field({
      type: ProblemCountRef,
      description: 'Problems whose verification was rejected at least once.',
      resolve: (m) => m.rejected,
    }),
    withoutDeadline: t.field({
      type: ProblemCountRef,
      description: 'Open problems with no deadline yet.',
      resolve: (m) => m.withoutDeadline,
    }),
    closedOnTime: t.field({
      type: ProblemCountRef,
      description: 'Closed, reported fixed by the deadline.',
      resolve: (m) => m.closedOnTime,
    }),
    closedLate: t.field({ type: ProblemCountRef, description: 'Closed, reported fixed after the deadline.', resolve: (m) => m.closedLate }),
    awaitingRecheck: t.field({
      type: ProblemCountRef,
      description: 'Closed (销号) and awaiting the 回头看: 巩固 not confirmed yet.',
      resolve: (m) => m.awaitingRecheck,
    }),
    recheckOverdue: t.field({
      type: ProblemCountRef,
      description: 'Of those, the ones past the day their 回头看 fell due (county calendar), 巩固 still not confirmed.',
      resolve: (m) => m.recheckOverdue,
    }),
    awaitingSupervisionReply: t.field({
      type: ProblemCountRef,
      description: 'With a 督办 waiting for the responsible unit’s reply (督办待回复) at the instant asked about.',
      resolve: (m) => m.awaitingSupervisionReply,
    }),
    supervisionReplyOverdue: t.field({
      type: ProblemCountRef,
      description: 'Of those, the ones whose order is past its 办结时限 (county calendar day) and still unanswered.',
      resolve: (m) => m.supervisionReplyOverdue,
    }),
    onTimeClosureRate: t.float({
      nullable: true,
      description: 'closedOnTime ÷ closed, from 0 to 1; null when nothing is closed.',
      resolve: (m) => m.onTimeClosureRate,
    }),
    bySource: t.field({ type: [SourceTallyRef], description: 'Counts by source.', resolve: (m) => m.bySource }),
    byCategory: t.field({ type: [CategoryTallyRef], description: 'Counts by category.', resolve: (m) => m.byCategory }),
    units: t.field({ type: [UnitLightRef], description: 'Each responsible unit’s light and counts.', resolve: (m) => m.units }),
    items: t.field({
      type: [BattleMapItemRef],
      description: 'The items with their lights, in ledger-number order, a page at a time.',
      args: {
        light: t.arg({ type: LightEnum, required: false, description: 'Only items with this light.' }),
        first: t.arg.int({ required: false, defaultValue: 100, description: 'At most this many (up to 10000).' }),
        offset: t.arg.int({ required: false, defaultValue: 0, description: 'Skip this many first.' }),
      },
      resolve: (m, args) => mapItems(m, args),
    }),
  }),
});

builder.queryField('battleMap', (t) =>
  t.field({
    type: BattleMapRef,
    description: 'The battle map (挂图作战) of the county, or of one unit, as of an instant.',
    args: {
      asOf: t.arg.string({ required: false, description: asOfDescription }),
      knownOn: t.arg.string({ required: false, description: knownOnDescription }),
      unitId: t.arg.id({ required: false, description: 'Only this unit’s problems; the whole county when omitted.' }),
    },
    resolve: async (_root, args, ctx) => {
      const unitId = knownUnit(ctx, args.unitId);
      const knownOn = parseAsOf(args.knownOn, 'knownOn') ?? null;
      const { facts, at } = await ctx.services.readModels.at(parseAsOf(args.asOf), ctx.services.clock(), knownOn);
      await ctx.services.readModels.prepareBattleMap(facts, at, unitId);
      const map = ctx.services.readModels.battleMap(facts, at, unitId);
      return knownOn === null ? map : { ...map, knownOn };
    },
  }),
);
