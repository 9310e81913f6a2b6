import type { CardView } from '../../application/assessment.js';
import type { RecordedEvent } from '../../application/index.js';
import type { FileInput } from '../../application/review.js';
import {
  AssessmentItemKind,
  Distinction,
  ExemptionApplicationStatus,
  type ScoreRule,
  assessmentItemKindLabels,
  distinctionLabels,
  exemptionApplicationStatusLabels,
  scoreRulePart,
} from '../../domain/index.js';
import type { AssessmentItemFacts, ExemptionApplicationFacts } from '../../projections/problemFacts.js';
import type { ScoreLine } from '../../projections/scorecards/card.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { permits } from '../authz.js';
import type { Context } from '../context.js';
import { knownUnit, unitRow } from './args.js';
import { builder } from './builder.js';
import { LedgerEventRef } from './event.js';
import { InterviewTriggerRef } from './interviewTrigger.js';
import { LabelRef } from './label.js';
import { EvidenceFileInput, commandContext, commandIdArg } from './mutations.js';
import { EvidenceFileRef, ProblemRef } from './problem.js';
import { ExemptionRef, ScoreLineRef, ScorePartEnum, ScoreRuleEnum, ScorecardRef, lineCard } from './scorecard.js';
import { UnitRef } from './unit.js';

/*
 * 容错纠错 as a reviewed application, and further assessment items (考核事项): the types, the
 * queries and the mutations (application/review.ts), and the fields they add to a card's lines.
 */

export const DistinctionEnum = builder.enumType('ExemptionDistinction', {
  description:
    '三个区分开来: inexperience_in_reform (a mistake made for lack of experience while trying something new), exploratory_trial (in a trial nothing above had forbidden), unintentional_for_development (an unintended slip while pushing development, not for private gain).',
  values: Distinction.options,
});
export const ApplicationStatusEnum = builder.enumType('ExemptionApplicationStatus', {
  description: 'pending 待审核, approved 已批准, refused 未批准, withdrawn 已撤回.',
  values: ExemptionApplicationStatus.options,
});
export const AssessmentItemKindEnum = builder.enumType('AssessmentItemKind', {
  description: 'task_completion 年度任务完成情况; inspection_result 督查检查结果. The policy says which part each counts in.',
  values: AssessmentItemKind.options,
});
const DecisionEnum = builder.enumType('ExemptionDecision', {
  description: 'approve: remove the deduction; refuse: keep it.',
  values: ['approve', 'refuse'] as const,
});

/** What may be done with an application or a deduction, by root field name, as the authorization table and its state allow. */
const ApplicationActionEnum = builder.enumType('ExemptionApplicationAction', {
  description:
    'An operation on a deduction or its application, by its root field’s name: applyForExemption, withdrawExemptionApplication, decideExemptionApplication, grantExemption.',
  values: ['applyForExemption', 'withdrawExemptionApplication', 'decideExemptionApplication', 'grantExemption'] as const,
});
type ApplicationAction = 'applyForExemption' | 'withdrawExemptionApplication' | 'decideExemptionApplication' | 'grantExemption';

function applicationActions(a: ExemptionApplicationFacts, ctx: Context): ApplicationAction[] {
  if (ctx.auth.kind !== 'signed_in' || a.status !== 'pending' || !ctx.services.assessment.isOpen(a.year)) return [];
  const { user } = ctx.auth;
  const out: ApplicationAction[] = [];
  if (a.applicantUnitId === user.unitId && permits('Mutation.withdrawExemptionApplication', user, null))
    out.push('withdrawExemptionApplication');
  if (permits('Mutation.decideExemptionApplication', user, null)) out.push('decideExemptionApplication');
  return out;
}

/** A deduction with no application, or only a withdrawn one, is open to one; a pending one to its decision or withdrawal. */
function lineActions(l: ScoreLine, ctx: Context): ApplicationAction[] {
  const view = lineCard.get(l);
  if (ctx.auth.kind !== 'signed_in' || !view || view.frozen || l.points >= 0 || l.exemption !== null) return [];
  if (!ctx.services.assessment.isOpen(view.card.year)) return [];
  if (l.application && l.application.status !== 'withdrawn') return applicationActions(l.application, ctx);
  const { user } = ctx.auth;
  const out: ApplicationAction[] = [];
  if (user.unitId === view.card.unitId && permits('Mutation.applyForExemption', user, null)) out.push('applyForExemption');
  if (permits('Mutation.grantExemption', user, null)) out.push('grantExemption');
  return out;
}

const DecisionRef = builder.objectRef<NonNullable<ExemptionApplicationFacts['decision']>>('ExemptionApplicationDecision').implement({
  description: 'The committee’s answer to an application, or the unit’s withdrawal of it.',
  fields: (t) => ({
    reasons: t.exposeString('reasons', { nullable: true, description: 'The committee’s reasons (none for a withdrawal).' }),
    decidedBy: t.exposeString('decidedBy', { nullable: true, description: '审批人, as the committee signed it.' }),
    recordedBy: t.exposeString('by', { description: 'Who recorded it.' }),
    at: t.exposeString('occurredAt', { description: 'When it was recorded.' }),
    eventId: t.exposeString('eventId', { description: 'The ExemptionGranted, ExemptionRefused or ExemptionApplicationWithdrawn event.' }),
  }),
});

export const ExemptionApplicationRef = builder.objectRef<ExemptionApplicationFacts>('ExemptionApplication').implement({
  description:
    '容错纠错 applied for: a unit asks the committee to remove one deduction of its card, claiming one of the three distinctions (三个区分开来), with a statement and files; the committee decides by reviewBy.',
  fields: (t) => ({
    id: t.exposeID('applicationId', { description: 'Application id.' }),
    year: t.exposeInt('year', { description: 'Assessment year.' }),
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The unit whose card it is.',
      resolve: (a, _x, ctx) => unitRow(ctx, a.unitId),
    }),
    lineId: t.exposeString('lineId', { description: 'The deduction (rule:eventId), as the card lists it.' }),
    rule: t.field({ type: ScoreRuleEnum, description: 'The deduction’s rule.', resolve: (a) => a.rule as ScoreRule }),
    points: t.exposeFloat('points', { description: 'The points the deduction takes, within its part.' }),
    problem: t.field({
      type: ProblemRef,
      nullable: true,
      description: 'The problem the deduction is about, if any.',
      resolve: (a, _x, ctx) => (a.problemId ? (ctx.services.runner.state(ledgerView).problems.get(a.problemId) ?? null) : null),
    }),
    byCommittee: t.boolean({
      description: 'Filed by the committee itself (its own exemption, decided at once).',
      resolve: (a) => a.applicantUnitId === null,
    }),
    distinction: t.field({ type: DistinctionEnum, nullable: true, description: 'The distinction claimed.', resolve: (a) => a.distinction }),
    distinctionLabel: t.field({
      type: LabelRef,
      nullable: true,
      description: 'The distinction in words.',
      resolve: (a) => (a.distinction ? distinctionLabels[a.distinction] : null),
    }),
    statement: t.exposeString('statement', { description: '情况说明 (withheld from other units’ heads).' }),
    files: t.field({ type: [EvidenceFileRef], description: 'Evidence files (withheld from other units’ heads).', resolve: (a) => a.files }),
    appliedBy: t.exposeString('appliedBy', { description: 'Who filed it.' }),
    appliedAt: t.exposeString('occurredAt', { description: 'When it was filed.' }),
    appliedOn: t.exposeString('appliedOn', { description: 'County day it was filed.' }),
    reviewBy: t.exposeString('reviewBy', { description: '审核时限: the last county day of the committee’s review.' }),
    reviewDays: t.exposeInt('reviewDays', { description: 'The review period the policy gave it.' }),
    reviewDayKind: t.exposeString('reviewDayKind', { description: 'working (工作日, on the county calendar) or calendar days.' }),
    status: t.field({ type: ApplicationStatusEnum, description: 'Where it stands.', resolve: (a) => a.status }),
    statusLabel: t.field({
      type: LabelRef,
      description: 'Where it stands, in words.',
      resolve: (a) => exemptionApplicationStatusLabels[a.status],
    }),
    overdue: t.boolean({
      description: 'Still pending after its review deadline (逾期未审), on today’s county day.',
      resolve: (a, _x, ctx) => ctx.services.review.overdue(a),
    }),
    decision: t.field({ type: DecisionRef, nullable: true, description: 'The answer, or the withdrawal.', resolve: (a) => a.decision }),
    triggers: t.field({
      type: [InterviewTriggerRef],
      description: 'The open interview triggers about the deduction’s problem: what an approval may resolve (resolveTriggerId).',
      resolve: (a, _x, ctx) => (a.status === 'pending' ? ctx.services.review.triggersFor(a) : []),
    }),
    availableActions: t.field({
      type: [ApplicationActionEnum],
      description: 'What you may do with it now.',
      resolve: (a, _x, ctx) => applicationActions(a, ctx),
    }),
    eventId: t.exposeString('eventId', { description: 'The ExemptionApplied event.' }),
  }),
});

export const AssessmentItemRef = builder.objectRef<AssessmentItemFacts>('AssessmentItem').implement({
  description: '考核事项: a further assessment item the committee recorded for a unit and year, with its points and evidence.',
  fields: (t) => ({
    id: t.exposeID('itemId', { description: 'Item id.' }),
    year: t.exposeInt('year', { description: 'Assessment year.' }),
    unit: t.field({ type: UnitRef, nullable: true, description: 'The unit assessed.', resolve: (i, _x, ctx) => unitRow(ctx, i.unitId) }),
    kind: t.field({ type: AssessmentItemKindEnum, description: 'What kind of item.', resolve: (i) => i.kind }),
    kindLabel: t.field({ type: LabelRef, description: 'Its kind in words.', resolve: (i) => assessmentItemKindLabels[i.kind] }),
    part: t.field({
      type: ScorePartEnum,
      description: 'The part it counts in under the policy in force now.',
      resolve: (i, _x, ctx) => scoreRulePart(i.kind, ctx.services.assessment.policy(null).document.scoring),
    }),
    points: t.exposeFloat('points', { description: 'Points given (+) or taken (−) within its part.' }),
    title: t.exposeString('title', { description: 'What was assessed.' }),
    evidence: t.exposeString('evidence', { description: '考核依据: the evidence, described.' }),
    files: t.field({ type: [EvidenceFileRef], description: 'Evidence files.', resolve: (i) => i.files }),
    recordedBy: t.exposeString('recordedBy', { description: 'Who entered it.' }),
    recordedAt: t.exposeString('occurredAt', { description: 'When it was entered.' }),
    eventId: t.exposeString('eventId', { description: 'The AssessmentItemRecorded event.' }),
  }),
});

builder.objectFields(ScoreLineRef, (t) => ({
  application: t.field({
    type: ExemptionApplicationRef,
    nullable: true,
    description: 'The latest 容错纠错 application on this deduction: pending, approved, refused (with reasons) or withdrawn.',
    resolve: (l) => l.application,
  }),
  item: t.field({
    type: AssessmentItemRef,
    nullable: true,
    description: 'The further assessment item this line is.',
    resolve: (l) => l.item,
  }),
  availableActions: t.field({
    type: [ApplicationActionEnum],
    description: 'What you may do with this deduction now: apply (its unit’s head), grant or decide (the committee), withdraw.',
    resolve: (l, _a, ctx) => lineActions(l, ctx),
  }),
}));

builder.objectField(InterviewTriggerRef, 'resolvedByExemption', (t) =>
  t.field({
    type: ExemptionRef,
    nullable: true,
    description: 'The approved 容错纠错 exemption that resolved it.',
    resolve: (x) => x.resolvedByExemption,
  }),
);

const year = (t: { arg: { int: (o: { required: true; description: string }) => unknown } }) =>
  t.arg.int({ required: true, description: 'The assessment year, e.g. 2019.' }) as never;

builder.queryField('exemptionApplications', (t) =>
  t.field({
    type: [ExemptionApplicationRef],
    description: 'The year’s 容错纠错 applications in filing order: the committee’s queue with status: pending.',
    args: {
      year: year(t),
      unitId: t.arg.id({ required: false, description: 'Only this unit’s.' }),
      status: t.arg({ type: ApplicationStatusEnum, required: false, description: 'Only those in this status.' }),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.review.applications(args.year as number, { unitId: knownUnit(ctx, args.unitId), status: args.status }),
  }),
);

builder.queryField('assessmentItems', (t) =>
  t.field({
    type: [AssessmentItemRef],
    description: 'The year’s further assessment items (考核事项), in recording order.',
    args: { year: year(t), unitId: t.arg.id({ required: false, description: 'Only this unit’s.' }) },
    resolve: (_r, args, ctx) => ctx.services.review.items(args.year as number, knownUnit(ctx, args.unitId)),
  }),
);

type ApplicationPayload = {
  application: ExemptionApplicationFacts | null;
  scorecard: CardView | null;
  events: RecordedEvent[];
  replayed: boolean;
};
const ApplicationPayloadRef = builder.objectRef<ApplicationPayload>('ExemptionApplicationPayload').implement({
  description: 'The application as it now stands, the card, and the events appended.',
  fields: (t) => ({
    application: t.field({ type: ExemptionApplicationRef, nullable: true, description: 'The application.', resolve: (p) => p.application }),
    scorecard: t.field({ type: ScorecardRef, nullable: true, description: 'The card as it now stands.', resolve: (p) => p.scorecard }),
    events: t.field({
      type: [LedgerEventRef],
      description: 'Appended by this command; empty when nothing changed.',
      resolve: (p) => p.events,
    }),
    replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
  }),
});

const payload = ({
  result,
  application,
  scorecard,
}: { result: { events: RecordedEvent[]; replayed: boolean } } & Omit<ApplicationPayload, 'events' | 'replayed'>) => ({
  application,
  scorecard,
  events: result.events,
  replayed: result.replayed,
});
const fileList = (files: readonly FileInput[] | null | undefined): FileInput[] => [...(files ?? [])];

builder.mutationField('applyForExemption', (t) =>
  t.field({
    type: ApplicationPayloadRef,
    description:
      '容错纠错: as a unit’s head, ask the committee to remove one deduction of your unit’s card, saying which of the three distinctions it falls under, with a statement and files uploaded to /files. The committee decides by the review deadline the policy gives.',
    args: {
      unitId: t.arg.id({ required: true, description: 'Your unit, whose card carries the deduction.' }),
      year: year(t),
      lineId: t.arg.string({ required: true, description: 'The deduction’s line id (rule:eventId), as the card lists it.' }),
      distinction: t.arg({ type: DistinctionEnum, required: true, description: '三个区分开来: which one it claims.' }),
      statement: t.arg.string({ required: true, description: '情况说明: what happened and why it is an honest mistake.' }),
      files: t.arg({ type: [EvidenceFileInput], required: false, description: 'Evidence files.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_r, args, ctx) =>
      payload(
        await ctx.services.review.apply(
          {
            unitId: knownUnit(ctx, args.unitId)!,
            year: args.year as number,
            lineId: args.lineId,
            distinction: args.distinction,
            statement: args.statement,
            files: fileList(args.files as FileInput[] | null | undefined),
          },
          commandContext(ctx, args.commandId as string | undefined),
        ),
      ),
  }),
);

builder.mutationField('withdrawExemptionApplication', (t) =>
  t.field({
    type: ApplicationPayloadRef,
    description: 'Take back your unit’s application while it waits for the committee.',
    args: {
      year: year(t),
      applicationId: t.arg.id({ required: true, description: 'The application.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_r, args, ctx) =>
      payload(
        await ctx.services.review.withdraw(
          { year: args.year as number, applicationId: String(args.applicationId) },
          commandContext(ctx, args.commandId as string | undefined),
        ),
      ),
  }),
);

builder.mutationField('decideExemptionApplication', (t) =>
  t.field({
    type: ApplicationPayloadRef,
    description:
      'The committee approves (the deduction is removed, and the trigger named in resolveTriggerId resolved) or refuses an application, with its reasons. Deciding it the same way again changes nothing.',
    args: {
      year: year(t),
      applicationId: t.arg.id({ required: true, description: 'The application.' }),
      decision: t.arg({ type: DecisionEnum, required: true, description: 'approve or refuse.' }),
      reasons: t.arg.string({ required: true, description: 'The committee’s reasons.' }),
      decidedBy: t.arg.string({ required: true, description: '审批人' }),
      resolveTriggerId: t.arg.id({
        required: false,
        description: 'On approval: an open trigger about the deduction’s problem to resolve.',
      }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_r, args, ctx) =>
      payload(
        await ctx.services.review.decide(
          {
            year: args.year as number,
            applicationId: String(args.applicationId),
            decision: args.decision,
            reasons: args.reasons,
            decidedBy: args.decidedBy,
            resolveTriggerId: args.resolveTriggerId == null ? null : String(args.resolveTriggerId),
          },
          commandContext(ctx, args.commandId as string | undefined),
        ),
      ),
  }),
);

const ItemPayloadRef = builder
  .objectRef<{ item: AssessmentItemFacts | null; scorecard: CardView | null; events: RecordedEvent[]; replayed: boolean }>(
    'AssessmentItemPayload',
  )
  .implement({
    description: 'The item recorded, the unit’s card, and the events appended.',
    fields: (t) => ({
      item: t.field({ type: AssessmentItemRef, nullable: true, description: 'The item.', resolve: (p) => p.item }),
      scorecard: t.field({ type: ScorecardRef, nullable: true, description: 'The card as it now stands.', resolve: (p) => p.scorecard }),
      events: t.field({ type: [LedgerEventRef], description: 'Appended by this command.', resolve: (p) => p.events }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
    }),
  });

builder.mutationField('recordAssessmentItem', (t) =>
  t.field({
    type: ItemPayloadRef,
    description:
      '考核事项: the committee records a further assessment item for a unit and year (a task’s completion, an inspection’s result) with points (+/−, within what the policy allows its kind) and evidence. Refused once the year is finalized.',
    args: {
      unitId: t.arg.id({ required: true, description: 'The unit assessed.' }),
      year: year(t),
      kind: t.arg({ type: AssessmentItemKindEnum, required: true, description: 'What kind of item.' }),
      points: t.arg.float({ required: true, description: 'Points given (+) or taken (−), one decimal place at most.' }),
      title: t.arg.string({ required: true, description: 'What was assessed, in one line.' }),
      evidence: t.arg.string({ required: true, description: '考核依据: the evidence, described.' }),
      files: t.arg({ type: [EvidenceFileInput], required: false, description: 'Evidence files.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_r, args, ctx) => {
      const { result, item, scorecard } = await ctx.services.review.recordItem(
        {
          unitId: knownUnit(ctx, args.unitId)!,
          year: args.year as number,
          kind: args.kind,
          points: args.points,
          title: args.title,
          evidence: args.evidence,
          files: fileList(args.files as FileInput[] | null | undefined),
        },
        commandContext(ctx, args.commandId as string | undefined),
      );
      return { item, scorecard, events: result.events, replayed: result.replayed };
    },
  }),
);
