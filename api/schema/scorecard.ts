import type { CardView } from '../../application/assessment.js';
import type { RecordedEvent } from '../../application/index.js';
import { Grade, ScorePart, ScoreRule, gradeLabel, scorePartLabel } from '../../domain/index.js';
import type { ExemptionFacts, FinalizationFacts } from '../../projections/problemFacts.js';
import type { RuleTotal, ScoreLine } from '../../projections/scorecards/card.js';
import type { CardDifference } from '../../projections/scorecards/difference.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { permits } from '../authz.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { asOfDescription, knownOnDescription, knownUnit, parseAsOf, unitRow } from './args.js';
import { LedgerEventRef } from './event.js';
import { commandContext, commandIdArg } from './mutations.js';
import { ProblemRef } from './problem.js';
import { UnitRef } from './unit.js';

export const GradeEnum = builder.enumType('Grade', {
  description: '年度考核等次: good 好, fairly_good 较好, average 一般, poor 较差 (carries the one-vote veto 一票否决).',
  values: Grade.options,
});
export const ScorePartEnum = builder.enumType('ScorePart', {
  description: 'base 基础分; ordinary 平时 (ordinary-time performance); year_end 集中考核 (year-end assessment).',
  values: ScorePart.options,
});
export const ScoreRuleEnum = builder.enumType('ScoreRule', {
  description: 'The scoring rule behind a line; the policy gives each its points.',
  values: ScoreRule.options,
});

export const ExemptionRef = builder.objectRef<ExemptionFacts & { applied?: boolean }>('Exemption').implement({
  description: '容错纠错: a deduction removed by the committee, with the reason and who approved it.',
  fields: (t) => ({
    id: t.exposeID('exemptionId', { description: 'Exemption id.' }),
    lineId: t.exposeString('lineId', { description: 'The deduction it removes.' }),
    rule: t.exposeString('rule', { description: 'The deduction’s rule.' }),
    points: t.exposeFloat('points', { description: 'The points the deduction took, before it was removed.' }),
    eventIds: t.exposeStringList('eventIds', { description: 'The events behind the deduction.' }),
    reason: t.exposeString('reason', { description: '容错理由' }),
    approvedBy: t.exposeString('approvedBy', { description: '审批人' }),
    grantedBy: t.exposeString('grantedBy', { description: 'Who recorded it.' }),
    grantedAt: t.exposeString('occurredAt', { description: 'When it was recorded.' }),
    eventId: t.exposeString('eventId', { description: 'The ExemptionGranted event.' }),
  }),
});

export const ScoreLineRef = builder.objectRef<ScoreLine>('ScoreLine').implement({
  description: 'One point gained or lost on a card, with its rule and the events behind it. A card’s contributions add up to its score.',
  fields: (t) => ({
    id: t.exposeID('id', { description: '`rule:eventId`; name it in grantExemption or applyForExemption.' }),
    part: t.field({ type: ScorePartEnum, description: 'Which part of the assessment it belongs to.', resolve: (l) => l.part }),
    partLabel: t.string({ description: '基础分 / 平时 / 集中考核', resolve: (l) => scorePartLabel[l.part] }),
    rule: t.field({ type: ScoreRuleEnum, description: 'The rule.', resolve: (l) => l.rule }),
    points: t.exposeFloat('points', { description: 'Points within its part, as the policy gives them.' }),
    contribution: t.exposeFloat('contribution', { description: 'What it adds to the score after the part’s weight; 0 when exempted.' }),
    ledgerNumber: t.exposeString('ledgerNumber', { nullable: true, description: 'The problem, if the line is about one.' }),
    problem: t.field({
      type: ProblemRef,
      nullable: true,
      description: 'The problem as the ledger shows it now.',
      resolve: (l, _a, ctx) => (l.problemId ? (ctx.services.runner.state(ledgerView).problems.get(l.problemId) ?? null) : null),
    }),
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The unit it happened in (a village counts on its township’s card).',
      resolve: (l, _a, ctx) => unitRow(ctx, l.unitId),
    }),
    eventIds: t.exposeStringList('eventIds', { description: 'The events behind it; the first is the one its id names.' }),
    explanation: t.exposeString('explanation', { description: 'The line in one sentence.' }),
    exempted: t.boolean({ description: 'Removed by an exemption (still shown).', resolve: (l) => l.exemption !== null }),
    exemption: t.field({ type: ExemptionRef, nullable: true, description: 'The exemption that removed it.', resolve: (l) => l.exemption }),
  }),
});

/** The card each line served belongs to, for the line's own fields that depend on it (api/schema/review.ts: what may be done with it). */
export const lineCard = new WeakMap<ScoreLine, CardView>();

const RuleTotalRef = builder.objectRef<RuleTotal>('ScoreRuleTotal').implement({
  description: 'The lines of one rule on a card, summed: the explanation at a glance. A card’s contributions here add up to its score too.',
  fields: (t) => ({
    part: t.field({ type: ScorePartEnum, description: 'Which part.', resolve: (r) => r.part }),
    rule: t.field({ type: ScoreRuleEnum, description: 'The rule.', resolve: (r) => r.rule }),
    lines: t.exposeInt('lines', { description: 'How many lines.' }),
    exempted: t.exposeInt('exempted', { description: 'How many of them were exempted.' }),
    points: t.exposeFloat('points', { description: 'Their points within the part, exempted lines left out.' }),
    contribution: t.exposeFloat('contribution', { description: 'What they add to the score.' }),
  }),
});

const LineChangeRef = builder.objectRef<CardDifference['changed'][number]>('ScoreLineChange').implement({
  description: 'A line on both cards whose points or contribution differ.',
  fields: (t) => ({
    before: t.field({ type: ScoreLineRef, description: 'On the frozen card.', resolve: (c) => c.before }),
    after: t.field({ type: ScoreLineRef, description: 'On the card computed now.', resolve: (c) => c.after }),
  }),
});

const CardDifferenceRef = builder.objectRef<CardDifference>('ScorecardDifference').implement({
  description: 'What later events or another policy change against the finalized card: shown beside it, never rewriting it.',
  fields: (t) => ({
    scoreDelta: t.exposeFloat('scoreDelta', { description: 'Score now minus the frozen score.' }),
    gradeChanged: t.exposeBoolean('gradeChanged', { description: 'The grade would differ.' }),
    added: t.field({ type: [ScoreLineRef], description: 'Lines only on the card computed now.', resolve: (d) => d.added }),
    removed: t.field({ type: [ScoreLineRef], description: 'Lines only on the frozen card.', resolve: (d) => d.removed }),
    changed: t.field({ type: [LineChangeRef], description: 'Lines on both with other points.', resolve: (d) => d.changed }),
  }),
});

const FinalizationRef = builder.objectRef<FinalizationFacts & { reproduced: boolean | null }>('Finalization').implement({
  description: '考核定档: the year’s cards frozen by the committee.',
  fields: (t) => ({
    year: t.exposeInt('year', { description: 'Assessment year.' }),
    policyVersion: t.exposeInt('policyVersion', { description: 'The policy the frozen cards used.' }),
    asOf: t.exposeString('asOf', { description: 'The instant the cards were computed at.' }),
    position: t.field({ type: 'Float', description: 'The log position they were computed at.', resolve: (f) => f.position }),
    cardsHash: t.exposeString('cardsHash', { description: 'SHA-256 of the frozen cards with every line.' }),
    reproduced: t.boolean({
      nullable: true,
      description: 'Recomputing from the log up to the position gives the same hash (null when not checked).',
      resolve: (f) => f.reproduced,
    }),
    finalizedAt: t.exposeString('occurredAt', { description: 'When it was finalized.' }),
    finalizedBy: t.exposeString('finalizedBy', { description: 'Who finalized it.' }),
    eventId: t.exposeString('eventId', { description: 'The AssessmentFinalized event.' }),
  }),
});

/** What can be done with a year's assessment, by root field: the mutations while it is open, the check once finalized. */
const scorecardActionFields = {
  grantExemption: 'Mutation.grantExemption',
  finalizeAssessment: 'Mutation.finalizeAssessment',
  verifyAssessment: 'Query.verifyAssessment',
  recordAssessmentItem: 'Mutation.recordAssessmentItem',
} as const;
type ScorecardAction = keyof typeof scorecardActionFields;

const ScorecardActionEnum = builder.enumType('ScorecardAction', {
  description:
    'An operation on a year’s assessment, by its root field’s name (Mutation.grantExemption, Mutation.finalizeAssessment, Query.verifyAssessment, Mutation.recordAssessmentItem).',
  values: Object.keys(scorecardActionFields) as ScorecardAction[],
});

/**
 * What the caller may do with the card's year now: exempt deductions (容错纠错) and finalize it
 * (考核定档) while it is open, recompute and verify it (verifyAssessment) once finalized — as far as
 * the authorization table (`permits`) lets this user. A hint for clients, as of the read model; the
 * operation itself still decides (finalizing waits for the year's end).
 */
function scorecardActions(view: CardView, ctx: Context): ScorecardAction[] {
  if (ctx.auth.kind !== 'signed_in') return [];
  const { user } = ctx.auth;
  const offered: ScorecardAction[] = ctx.services.assessment.isOpen(view.card.year)
    ? ['grantExemption', 'finalizeAssessment', 'recordAssessmentItem']
    : ['verifyAssessment'];
  return offered.filter((action) => permits(scorecardActionFields[action], user, null));
}

export const ScorecardRef = builder.objectRef<CardView>('Scorecard');
ScorecardRef.implement({
  description:
    'A unit’s annual scorecard (年度考核): every point gained or lost with its rule and events, adding up to the score; the grade and the one-vote veto; the rank. A finalized card is frozen; what changed since shows beside it.',
  fields: (t) => ({
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The assessed unit.',
      resolve: (v, _a, ctx) => unitRow(ctx, v.card.unitId),
    }),
    year: t.int({ description: 'Assessment year.', resolve: (v) => v.card.year }),
    policyVersion: t.int({
      description: 'The policy the card was scored under (0 = built-in default).',
      resolve: (v) => v.card.policyVersion,
    }),
    asOf: t.string({ description: 'The instant it was computed at.', resolve: (v) => v.card.asOf }),
    provisional: t.boolean({
      description: 'The year was not over at asOf: unfinished items are not yet deducted.',
      resolve: (v) => v.card.provisional,
    }),
    frozen: t.boolean({ description: 'This is the finalized card.', resolve: (v) => v.frozen }),
    ordinaryScore: t.float({ description: '平时: the ordinary-time part, before weighting.', resolve: (v) => v.card.ordinaryScore }),
    yearEndScore: t.float({ description: '集中考核: the year-end part, before weighting.', resolve: (v) => v.card.yearEndScore }),
    score: t.float({ description: 'The weighted score: the sum of every line’s contribution.', resolve: (v) => v.card.score }),
    grade: t.field({ type: GradeEnum, description: 'The grade by the policy’s thresholds.', resolve: (v) => v.card.grade }),
    gradeLabel: t.string({ description: '好 / 较好 / 一般 / 较差', resolve: (v) => gradeLabel[v.card.grade] }),
    veto: t.boolean({
      description: '一票否决: graded 较差, so its cadres cannot be rated excellent this year nor promoted within a year.',
      resolve: (v) => v.card.veto,
    }),
    rank: t.int({ description: 'Rank among the year’s cards by score (equal scores share a rank).', resolve: (v) => v.card.rank }),
    lines: t.field({
      type: [ScoreLineRef],
      description: 'Every line, the base first.',
      resolve: (v) => {
        for (const l of v.card.lines) lineCard.set(l, v);
        return v.card.lines;
      },
    }),
    breakdown: t.field({
      type: [RuleTotalRef],
      description: 'The lines summed by part and rule, the base first.',
      resolve: (v) => v.card.breakdown,
    }),
    exemptions: t.field({
      type: [ExemptionRef],
      description: 'Every exemption granted on this card, applied or not.',
      resolve: (v) => v.card.exemptions,
    }),
    availableActions: t.field({
      type: [ScorecardActionEnum],
      description: 'What you may do with this card’s year now: its state accepts it and your role allows it.',
      resolve: (v, _a, ctx) => scorecardActions(v, ctx),
    }),
    finalization: t.field({
      type: FinalizationRef,
      nullable: true,
      description: 'The finalization that froze this card, if it is frozen.',
      resolve: (v) => (v.finalization ? { ...v.finalization, reproduced: v.reproduced } : null),
    }),
    finalized: t.field({
      type: ScorecardRef,
      nullable: true,
      description: 'For a card computed in a finalized year (another policy, a later instant): the frozen card beside it.',
      resolve: (v, _a, ctx) => (v.frozen ? null : ctx.services.assessment.frozenCard(v.card.unitId, v.card.year)),
    }),
    current: t.field({
      type: ScorecardRef,
      nullable: true,
      description: 'For a frozen card: the same card computed now, with every later event and the policy now in force.',
      resolve: (v, _a, ctx) => (v.frozen ? ctx.services.assessment.currentCard(v.card.unitId, v.card.year) : null),
    }),
    difference: t.field({
      type: CardDifferenceRef,
      nullable: true,
      description: 'Frozen card against the card computed now (or this card against the frozen one); null when the year is not finalized.',
      resolve: (v, _a, ctx) => ctx.services.assessment.cardDifference(v),
    }),
  }),
});

const yearArg = (t: { arg: { int: (o: { required: true; description: string }) => unknown } }) =>
  t.arg.int({ required: true, description: 'The assessment year, e.g. 2019.' });

builder.queryField('scorecards', (t) =>
  t.field({
    type: [ScorecardRef],
    description:
      'Every assessed unit’s card for a year, ranked. Frozen cards once the year is finalized (as of asOf); ask for another policyVersion to re-score the year under it, side by side (use aliases).',
    args: {
      year: yearArg(t) as never,
      asOf: t.arg.string({ required: false, description: asOfDescription }),
      knownOn: t.arg.string({ required: false, description: knownOnDescription }),
      policyVersion: t.arg.int({
        required: false,
        description: 'Score under this policy version (0 = built-in default); the one in force at asOf when omitted.',
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.assessment.cards(args.year as number, parseAsOf(args.asOf), args.policyVersion, parseAsOf(args.knownOn, 'knownOn')),
  }),
);

builder.queryField('scorecard', (t) =>
  t.field({
    type: ScorecardRef,
    nullable: true,
    description: 'One unit’s card for a year, with its full explanation.',
    args: {
      unitId: t.arg.id({ required: true, description: 'The assessed unit.' }),
      year: yearArg(t) as never,
      asOf: t.arg.string({ required: false, description: asOfDescription }),
      knownOn: t.arg.string({ required: false, description: knownOnDescription }),
      policyVersion: t.arg.int({ required: false, description: 'Score under this policy version.' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.assessment.card(
        knownUnit(ctx, args.unitId)!,
        args.year as number,
        parseAsOf(args.asOf),
        args.policyVersion,
        parseAsOf(args.knownOn, 'knownOn'),
      ),
  }),
);

const ExemptionPayloadRef = builder
  .objectRef<{ scorecard: CardView | null; events: RecordedEvent[]; replayed: boolean }>('ExemptionPayload')
  .implement({
    description: 'The card after the exemption, and the events appended.',
    fields: (t) => ({
      scorecard: t.field({ type: ScorecardRef, nullable: true, description: 'The card as it now stands.', resolve: (p) => p.scorecard }),
      events: t.field({
        type: [LedgerEventRef],
        description: 'Appended by this command; empty when already exempted.',
        resolve: (p) => p.events,
      }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
    }),
  });

builder.mutationField('grantExemption', (t) =>
  t.field({
    type: ExemptionPayloadRef,
    description:
      '容错纠错: remove one deduction from a unit’s card, with the reason and who approved it. Refused once the year is finalized.',
    args: {
      unitId: t.arg.id({ required: true, description: 'The assessed unit whose card carries the deduction.' }),
      year: yearArg(t) as never,
      lineId: t.arg.string({ required: true, description: 'The deduction’s line id (rule:eventId), as the card lists it.' }),
      reason: t.arg.string({ required: true, description: '容错理由' }),
      approvedBy: t.arg.string({ required: true, description: '审批人' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const { result, scorecard } = await ctx.services.assessment.grantExemption(
        {
          unitId: knownUnit(ctx, args.unitId)!,
          year: args.year as number,
          lineId: args.lineId,
          reason: args.reason,
          approvedBy: args.approvedBy,
        },
        commandContext(ctx, args.commandId as string | undefined),
      );
      return { scorecard, events: result.events, replayed: result.replayed };
    },
  }),
);

const FinalizationPayloadRef = builder
  .objectRef<{ finalization: FinalizationFacts; events: RecordedEvent[]; replayed: boolean }>('FinalizationPayload')
  .implement({
    description: 'The finalization, the frozen cards, and the events appended.',
    fields: (t) => ({
      finalization: t.field({
        type: FinalizationRef,
        nullable: true,
        description: 'The finalization.',
        resolve: (p) => ({ ...p.finalization, reproduced: null }),
      }),
      scorecards: t.field({
        type: [ScorecardRef],
        description: 'The frozen cards.',
        resolve: (p, _a, ctx) => ctx.services.assessment.cards(p.finalization.year),
      }),
      events: t.field({ type: [LedgerEventRef], description: 'Appended by this command.', resolve: (p) => p.events }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
    }),
  });

builder.mutationField('finalizeAssessment', (t) =>
  t.field({
    type: FinalizationPayloadRef,
    description:
      '考核定档: freeze the year’s cards as computed now. Later events and policy changes then show as a difference beside them.',
    args: {
      year: yearArg(t) as never,
      policyVersion: t.arg.int({ required: false, description: 'Score under this policy version; the one in force now when omitted.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const { result, finalization } = await ctx.services.assessment.finalize(
        { year: args.year as number, policyVersion: args.policyVersion },
        commandContext(ctx, args.commandId as string | undefined),
      );
      return { finalization, events: result.events, replayed: result.replayed };
    },
  }),
);
