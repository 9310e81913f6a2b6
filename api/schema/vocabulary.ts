import type { EnumRef } from '@pothos/core';
import {
  Grade,
  HotlineReportStatus,
  InterviewLevel,
  InterviewRule,
  type Label,
  type ProblemSource,
  ProblemCategory as Categories,
  ProblemSource as Sources,
  ScorePart,
  ScoreRule,
  categoryLabels,
  gradeLabels,
  hotlineReportStatusLabels,
  interviewLevelLabels,
  interviewRuleLabels,
  problemStatusLabels,
  problemStatuses,
  scorePartLabels,
  scoreRules,
  AssessmentItemKind,
  Distinction,
  ExemptionApplicationStatus,
  assessmentItemKindLabels,
  distinctionLabels,
  exemptionApplicationStatusLabels,
  scoreRulePart,
  sourceCode,
  sourceLabels,
  deprecatedSources,
} from '../../domain/index.js';
import type { PolicyChoice } from '../../projections/policyInForce.js';
import { builder } from './builder.js';
import { ReportStatusEnum } from './hotline.js';
import { InterviewLevelEnum, InterviewRuleEnum } from './interviewTrigger.js';
import { LabelRef } from './label.js';
import { ProblemCategoryEnum, ProblemSourceEnum, ProblemStatusEnum } from './problem.js';
import { GradeEnum, ScorePartEnum, ScoreRuleEnum } from './scorecard.js';
import { ApplicationStatusEnum, AssessmentItemKindEnum, DistinctionEnum } from './review.js';

/**
 * The ledger's words, served from the domain so a client lists and labels them without a copy of
 * its own: sources, categories, statuses, grades, interview levels and rules, hotline report
 * statuses, the scorecard's parts and rules with the points the policy in force gives them.
 */
type Vocabulary = { policy: PolicyChoice };

const SourceTermRef = builder.objectRef<ProblemSource>('SourceTerm').implement({
  description: 'A problem source (问题来源).',
  fields: (t) => ({
    value: t.field({ type: ProblemSourceEnum, description: 'The enum value.', resolve: (s) => s }),
    code: t.string({ description: 'The ledger-number prefix, e.g. GJ.', resolve: (s) => sourceCode[s] }),
    label: t.field({ type: LabelRef, description: 'Its name.', resolve: (s) => sourceLabels[s] }),
    offered: t.boolean({
      description:
        'Whether forms offer it for a new raise: false for 县自查 (county_self_check), split into 自查上报, 县级督查 and 督查暗访 (docs/sources.md).',
      resolve: (s) => !deprecatedSources.has(s),
    }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** A word that is an enum value and its labels: one GraphQL type per enum. */
function termRef<V extends string>(name: string, description: string, type: EnumRef<Types, V>, labels: Record<V, Label>) {
  return builder.objectRef<V>(name).implement({
    description,
    fields: (t) => ({
      // The value is the enum's own (V); Pothos cannot follow a generic through its resolver type.
      value: t.field({ type, description: 'The enum value.', resolve: (v) => v as never }),
      label: t.field({ type: LabelRef, description: 'Its name.', resolve: (v) => labels[v] }),
    }),
  });
}

const CategoryTermRef = termRef('CategoryTerm', 'A problem category (问题类别).', ProblemCategoryEnum, categoryLabels);
const ScorePartTermRef = termRef('ScorePartTerm', 'A part of a scorecard: 基础分, 平时 or 集中考核.', ScorePartEnum, scorePartLabels);
const StatusTermRef = termRef('ProblemStatusTerm', 'A problem’s status (整改状态).', ProblemStatusEnum, problemStatusLabels);
const GradeTermRef = termRef('GradeTerm', 'A grade of the annual assessment (年度考核等次).', GradeEnum, gradeLabels);
const LevelTermRef = termRef(
  'InterviewLevelTerm',
  'A level of an interview trigger: 提醒, 督办 or 约谈.',
  InterviewLevelEnum,
  interviewLevelLabels,
);
const InterviewRuleTermRef = termRef('InterviewRuleTerm', 'An interview rule (约谈规则).', InterviewRuleEnum, interviewRuleLabels);
const ReportStatusTermRef = termRef('HotlineReportStatusTerm', 'A hotline report’s status.', ReportStatusEnum, hotlineReportStatusLabels);

const DistinctionTermRef = termRef(
  'DistinctionTerm',
  '三个区分开来: a distinction a 容错纠错 application claims.',
  DistinctionEnum,
  distinctionLabels,
);
const ItemKindTermRef = termRef(
  'AssessmentItemKindTerm',
  'A kind of further assessment item (考核事项).',
  AssessmentItemKindEnum,
  assessmentItemKindLabels,
);
const ApplicationStatusTermRef = termRef(
  'ExemptionApplicationStatusTerm',
  'Where a 容错纠错 application stands.',
  ApplicationStatusEnum,
  exemptionApplicationStatusLabels,
);

const SourcePointsRef = builder.objectRef<{ source: ProblemSource; points: number }>('SourcePoints').implement({
  description: 'The points a rule gives a problem of one source.',
  fields: (t) => ({
    source: t.field({ type: ProblemSourceEnum, description: 'The source.', resolve: (p) => p.source }),
    points: t.exposeFloat('points', { description: 'Its points.' }),
  }),
});

const ScoreRuleTermRef = builder.objectRef<{ rule: ScoreRule; policy: PolicyChoice }>('ScoreRuleTerm').implement({
  description: 'A scoring rule (计分规则) with the points the policy in force gives it.',
  fields: (t) => ({
    value: t.field({ type: ScoreRuleEnum, description: 'The enum value (ScoreLine.rule).', resolve: (r) => r.rule }),
    part: t.field({
      type: ScorePartEnum,
      description: 'The part it counts in (for a further assessment item, the part the policy gives its kind).',
      resolve: (r) => scoreRulePart(r.rule, r.policy.document.scoring),
    }),
    label: t.field({ type: LabelRef, description: 'Its name.', resolve: (r) => scoreRules[r.rule].label }),
    points: t.float({
      nullable: true,
      description:
        'Its points per line; null when they depend on the source (see pointsBySource) or are entered with each item (task_completion, inspection_result).',
      resolve: (r) => {
        const points = scoreRules[r.rule].points(r.policy.document.scoring);
        return typeof points === 'number' ? points : null;
      },
    }),
    pointsBySource: t.field({
      type: [SourcePointsRef],
      description: 'Its points per source, for a rule that has them (problem_found); empty otherwise.',
      resolve: (r) => {
        const points = scoreRules[r.rule].points(r.policy.document.scoring);
        return typeof points === 'number' || points === null ? [] : Sources.options.map((source) => ({ source, points: points[source] }));
      },
    }),
  }),
});

const VocabularyRef = builder.objectRef<Vocabulary>('Vocabulary').implement({
  description: 'The ledger’s words in their order, with labels: what a client lists in its selects and shows beside a value.',
  fields: (t) => ({
    sources: t.field({ type: [SourceTermRef], description: 'Problem sources (问题来源).', resolve: () => Sources.options }),
    categories: t.field({ type: [CategoryTermRef], description: 'Problem categories (问题类别).', resolve: () => Categories.options }),
    problemStatuses: t.field({
      type: [StatusTermRef],
      description: 'Problem statuses (整改状态), in the order of a problem’s life.',
      resolve: () => problemStatuses,
    }),
    grades: t.field({ type: [GradeTermRef], description: 'Assessment grades (等次), best first.', resolve: () => Grade.options }),
    interviewLevels: t.field({
      type: [LevelTermRef],
      description: 'Interview trigger levels, mildest first.',
      resolve: () => InterviewLevel.options,
    }),
    interviewRules: t.field({
      type: [InterviewRuleTermRef],
      description: 'Interview rules (约谈规则).',
      resolve: () => InterviewRule.options,
    }),
    hotlineReportStatuses: t.field({
      type: [ReportStatusTermRef],
      description: 'Hotline report statuses, as the office lists them.',
      resolve: () => HotlineReportStatus.options,
    }),
    scoreParts: t.field({ type: [ScorePartTermRef], description: 'The parts of a scorecard.', resolve: () => ScorePart.options }),
    scoreRules: t.field({
      type: [ScoreRuleTermRef],
      description: 'The scoring rules, with the points of the policy in force now.',
      resolve: (v) => ScoreRule.options.map((rule) => ({ rule, policy: v.policy })),
    }),
    policyVersion: t.int({ description: 'The policy the points are from (0 = built-in default).', resolve: (v) => v.policy.version }),
    exemptionDistinctions: t.field({
      type: [DistinctionTermRef],
      description: 'The three distinctions (三个区分开来) a 容错纠错 application claims.',
      resolve: () => Distinction.options,
    }),
    assessmentItemKinds: t.field({
      type: [ItemKindTermRef],
      description: 'Kinds of further assessment items (考核事项).',
      resolve: () => AssessmentItemKind.options,
    }),
    exemptionApplicationStatuses: t.field({
      type: [ApplicationStatusTermRef],
      description: 'Where a 容错纠错 application stands.',
      resolve: () => ExemptionApplicationStatus.options,
    }),
  }),
});

builder.queryField('vocabulary', (t) =>
  t.field({
    type: VocabularyRef,
    description:
      'Sources, categories, statuses, grades, interview levels and rules, hotline statuses and scoring rules with their labels, from the domain: fetch once, list and label from it.',
    resolve: (_root, _args, ctx) => ({ policy: ctx.services.assessment.policy(null) }),
  }),
);
