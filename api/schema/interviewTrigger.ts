import type { RecordedEvent } from '../../application/index.js';
import { InterviewLevel, InterviewRule, interviewLevelLabel } from '../../domain/index.js';
import type { Trigger, TriggerOrder } from '../../projections/interviewTriggers.js';
import { type LedgerViewState, ledgerView } from '../../projections/ledgerView.js';
import type { InterviewFacts } from '../../projections/problemFacts.js';
import { builder } from './builder.js';
import { asOfDescription, knownUnit, parseAsOf, unitRow } from './args.js';
import { LedgerEventRef } from './event.js';
import { LabelRef } from './label.js';
import { commandContext, commandIdArg } from './mutations.js';
import { SupervisionReplyRef } from './problem.js';
import { UnitRef } from './unit.js';

export const InterviewLevelEnum = builder.enumType('InterviewLevel', {
  description: 'reminder 提醒 → supervision 督办 → interview 约谈 (of the unit’s principal leader).',
  values: InterviewLevel.options,
});

export const InterviewRuleEnum = builder.enumType('InterviewRule', {
  description:
    'item_overdue; item_long_overdue; unit_many_overdue; rejected_repeatedly (verification rejected several times on one item); recurrence (同类问题第二次); problem_found (a problem from a named source, e.g. national feedback); year_end_unfinished; supervision_unanswered (a 督办 past its finish-by day without a reply); sweep_unanswered (a sweep, 举一反三排查, past its answer-by day without the unit’s answer).',
  values: InterviewRule.options,
});

const InterviewRef = builder.objectRef<InterviewFacts>('Interview').implement({
  description: 'An interview (约谈), supervision talk or reminder held about a trigger.',
  fields: (t) => ({
    id: t.exposeID('interviewId', { description: 'Interview id.' }),
    triggerId: t.exposeString('triggerId', { description: 'The trigger it answered.' }),
    rule: t.field({ type: InterviewRuleEnum, description: 'The trigger’s rule.', resolve: (i) => i.rule }),
    level: t.field({ type: InterviewLevelEnum, description: 'The level the trigger stood at.', resolve: (i) => i.level }),
    unit: t.field({ type: UnitRef, nullable: true, description: 'The unit interviewed.', resolve: (i, _a, ctx) => unitRow(ctx, i.unitId) }),
    ledgerNumbers: t.exposeStringList('ledgerNumbers', { description: 'The problems it covered.' }),
    interviewee: t.exposeString('interviewee', { description: '被约谈人' }),
    interviewer: t.exposeString('interviewer', { description: '约谈人' }),
    heldOn: t.exposeString('heldOn', { description: 'County day it was held.' }),
    outcome: t.exposeString('outcome', { description: '约谈结果' }),
    eventId: t.exposeString('eventId', { description: 'The InterviewHeld event.' }),
    recordedAt: t.exposeString('occurredAt', { description: 'When it was recorded.' }),
  }),
});

/** The order as the item shows it (its instruction and reply never change once recorded, so the ledger's row serves any instant). */
const orderRow = (o: TriggerOrder, ledger: LedgerViewState) =>
  ledger.problems.get(o.problemId)?.supervisionOrders.find((r) => r.supervisionCount === o.supervisionCount) ?? null;

const TriggerOrderRef = builder.objectRef<TriggerOrder>('TriggerSupervisionOrder').implement({
  description: 'A 督办 on one of a trigger’s items since the trigger began, and whether the unit replied.',
  fields: (t) => ({
    ledgerNumber: t.exposeString('ledgerNumber', { description: 'The item.' }),
    problemId: t.exposeID('problemId', { description: 'The item’s id.' }),
    supervisionCount: t.exposeInt('supervisionCount', { description: 'The order’s number on the item.' }),
    instruction: t.string({
      nullable: true,
      description: '督办意见',
      resolve: (o, _a, ctx) => orderRow(o, ctx.services.runner.state(ledgerView))?.instruction ?? null,
    }),
    orderedOn: t.exposeString('day', { description: 'County day of the order.' }),
    finishBy: t.string({ nullable: true, description: '办结时限', resolve: (o) => o.finishBy }),
    eventId: t.exposeString('eventId', { description: 'The SupervisionOrdered event.' }),
    repliedOn: t.string({
      nullable: true,
      description: 'County day of the reply; null while unanswered (at the instant asked about).',
      resolve: (o) => o.reply?.day ?? null,
    }),
    replyEventId: t.string({ nullable: true, description: 'The SupervisionReplied event.', resolve: (o) => o.reply?.id ?? null }),
    reply: t.field({
      type: SupervisionReplyRef,
      nullable: true,
      description: 'The reply (督办回复) with its text and files; null while unanswered (at the instant asked about).',
      resolve: (o, _a, ctx) => (o.reply === null ? null : (orderRow(o, ctx.services.runner.state(ledgerView))?.reply ?? null)),
    }),
    overdue: t.exposeBoolean('overdue', { description: 'Unanswered past its 办结时限 on the day asked about (county calendar).' }),
  }),
});

export const InterviewTriggerRef = builder.objectRef<Trigger>('InterviewTrigger').implement({
  description:
    'A reason to talk to a unit (约谈 trigger) as of an instant: the rule, the evidence and the level. Unresolved, it rises one level per escalation period; an interview covering all its evidence resolves it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id while the condition holds; name it in recordInterview.' }),
    rule: t.field({ type: InterviewRuleEnum, description: 'The rule that fired.', resolve: (x) => x.rule }),
    unit: t.field({ type: UnitRef, nullable: true, description: 'The unit concerned.', resolve: (x, _a, ctx) => unitRow(ctx, x.unitId) }),
    level: t.field({ type: InterviewLevelEnum, description: 'The level now, after escalation.', resolve: (x) => x.level }),
    levelLabel: t.string({ description: '提醒 / 督办 / 约谈', resolve: (x) => interviewLevelLabel[x.level] }),
    ruleLevel: t.field({
      type: InterviewLevelEnum,
      description: 'The level the rule sets, before escalation.',
      resolve: (x) => x.ruleLevel,
    }),
    escalations: t.exposeInt('escalations', { description: 'How many levels it rose for being left unresolved.' }),
    since: t.exposeString('since', { description: 'County day the condition began to hold.' }),
    summary: t.string({ description: 'The trigger in one sentence, in English.', resolve: (x) => x.summary.en }),
    summaryLabel: t.field({
      type: LabelRef,
      description: 'The trigger in one sentence (情形), in Chinese as the county office writes it and in English.',
      resolve: (x) => x.summary,
    }),
    ledgerNumbers: t.exposeStringList('ledgerNumbers', { description: 'Evidence: the problems.' }),
    eventIds: t.exposeStringList('eventIds', { description: 'Evidence: the events (deadlines, rejections, raises, assignments).' }),
    evidence: t.field({
      type: [LedgerEventRef],
      description: 'The evidence events themselves, read from the log.',
      resolve: (x, _a, ctx) => ctx.services.assessment.triggerEvidence(x),
    }),
    resolved: t.boolean({
      description:
        'An interview covered all of today’s evidence, or (below 约谈 level) every item had a 督办 answered by the unit, or an approved 容错纠错 exemption resolved it.',
      resolve: (x) => x.resolvedBy !== null || x.resolvedBySupervisionOn !== null || x.resolvedByExemption !== null,
    }),
    supervisionOrders: t.field({
      type: [TriggerOrderRef],
      description:
        'The 督办 on its items since it began, with their replies: below 约谈 level, an order answered on each item resolves it.',
      resolve: (x) => x.supervisionOrders,
    }),
    resolvedBySupervisionOn: t.string({
      nullable: true,
      description: 'The county day the last of those replies came, when they resolved it.',
      resolve: (x) => x.resolvedBySupervisionOn,
    }),
    resolvedBy: t.field({
      type: InterviewRef,
      nullable: true,
      description: 'The interview that resolved it.',
      resolve: (x) => x.resolvedBy,
    }),
    earlierInterviews: t.field({
      type: [InterviewRef],
      description: 'Interviews on this trigger that covered only part of today’s evidence.',
      resolve: (x) => x.earlierInterviews,
    }),
  }),
});

builder.queryField('interviewTriggers', (t) =>
  t.field({
    type: [InterviewTriggerRef],
    description: 'Interview triggers (约谈) as of an instant, 约谈 first; unresolved ones unless includeResolved.',
    args: {
      asOf: t.arg.string({ required: false, description: asOfDescription }),
      unitId: t.arg.id({ required: false, description: 'Only this unit’s triggers.' }),
      level: t.arg({ type: InterviewLevelEnum, required: false, description: 'Only triggers at this level (after escalation).' }),
      includeResolved: t.arg.boolean({ required: false, defaultValue: false, description: 'Also list triggers an interview resolved.' }),
    },
    resolve: async (_root, args, ctx) => {
      const filter = { unitId: knownUnit(ctx, args.unitId), level: args.level ?? null, includeResolved: args.includeResolved ?? false };
      return ctx.services.assessment.triggers(parseAsOf(args.asOf), filter);
    },
  }),
);

const InterviewPayloadRef = builder
  .objectRef<{ trigger: Trigger; events: RecordedEvent[]; replayed: boolean }>('InterviewPayload')
  .implement({
    description: 'The trigger after the interview was recorded, and the events appended.',
    fields: (t) => ({
      trigger: t.field({ type: InterviewTriggerRef, description: 'The trigger as it now stands (resolved).', resolve: (p) => p.trigger }),
      events: t.field({
        type: [LedgerEventRef],
        description: 'Appended by this command; empty when the trigger was already covered.',
        resolve: (p) => p.events,
      }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
    }),
  });

builder.mutationField('recordInterview', (t) =>
  t.field({
    type: InterviewPayloadRef,
    description:
      'Record an interview held about a trigger (InterviewHeld). It covers the trigger’s evidence as it stands now, and resolves it.',
    args: {
      triggerId: t.arg.id({ required: true, description: 'The trigger, as interviewTriggers names it.' }),
      interviewee: t.arg.string({ required: true, description: '被约谈人: usually the unit’s principal leader.' }),
      interviewer: t.arg.string({ required: true, description: '约谈人' }),
      heldOn: t.arg.string({ required: false, description: 'County day it was held (YYYY-MM-DD); today when omitted.' }),
      outcome: t.arg.string({ required: true, description: '约谈结果: what was said and promised.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const { result, trigger } = await ctx.services.assessment.recordInterview(
        {
          triggerId: String(args.triggerId),
          interviewee: args.interviewee,
          interviewer: args.interviewer,
          heldOn: args.heldOn,
          outcome: args.outcome,
        },
        commandContext(ctx, args.commandId as string | undefined),
      );
      return { trigger, events: result.events, replayed: result.replayed };
    },
  }),
);
