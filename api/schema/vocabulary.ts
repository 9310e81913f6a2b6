import {
  type Label,
  type ProblemCategory,
  type ProblemSource,
  ProblemCategory as Categories,
  ProblemSource as Sources,
  ScorePart,
  ScoreRule,
  categoryLabels,
  scorePartLabels,
  scoreRules,
  sourceCode,
  sourceLabels,
} from '../../domain/index.js';
import { type PolicyChoice, policyInForce } from '../../projections/policyInForce.js';
import { builder } from './builder.js';
import { ProblemCategoryEnum, ProblemSourceEnum } from './problem.js';
import { ScorePartEnum, ScoreRuleEnum } from './scorecard.js';

/**
 * The ledger's words, served from the domain so a client lists and labels them without a copy of
 * its own: sources, categories, the scorecard's parts and rules with the points the policy in force
 * gives them.
 */
type Vocabulary = { policy: PolicyChoice };

const LabelRef = builder.objectRef<Label>('Label').implement({
  description: 'A label in Chinese (the ledger’s language) and in English.',
  fields: (t) => ({
    zh: t.exposeString('zh', { description: '中文' }),
    en: t.exposeString('en', { description: 'English' }),
  }),
});

const SourceTermRef = builder.objectRef<ProblemSource>('SourceTerm').implement({
  description: 'A problem source (问题来源).',
  fields: (t) => ({
    value: t.field({ type: ProblemSourceEnum, description: 'The enum value.', resolve: (s) => s }),
    code: t.string({ description: 'The ledger-number prefix, e.g. GJ.', resolve: (s) => sourceCode[s] }),
    label: t.field({ type: LabelRef, description: 'Its name.', resolve: (s) => sourceLabels[s] }),
  }),
});

const CategoryTermRef = builder.objectRef<ProblemCategory>('CategoryTerm').implement({
  description: 'A problem category (问题类别).',
  fields: (t) => ({
    value: t.field({ type: ProblemCategoryEnum, description: 'The enum value.', resolve: (c) => c }),
    label: t.field({ type: LabelRef, description: 'Its name.', resolve: (c) => categoryLabels[c] }),
  }),
});

const ScorePartTermRef = builder.objectRef<ScorePart>('ScorePartTerm').implement({
  description: 'A part of a scorecard: 基础分, 平时 or 集中考核.',
  fields: (t) => ({
    value: t.field({ type: ScorePartEnum, description: 'The enum value.', resolve: (p) => p }),
    label: t.field({ type: LabelRef, description: 'Its name.', resolve: (p) => scorePartLabels[p] }),
  }),
});

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
    part: t.field({ type: ScorePartEnum, description: 'The part it counts in.', resolve: (r) => scoreRules[r.rule].part }),
    label: t.field({ type: LabelRef, description: 'Its name.', resolve: (r) => scoreRules[r.rule].label }),
    points: t.float({
      nullable: true,
      description: 'Its points per line; null when they depend on the source (see pointsBySource).',
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
        return typeof points === 'number' ? [] : Sources.options.map((source) => ({ source, points: points[source] }));
      },
    }),
  }),
});

const VocabularyRef = builder.objectRef<Vocabulary>('Vocabulary').implement({
  description: 'The ledger’s words in their order, with labels: what a client lists in its selects and shows beside a value.',
  fields: (t) => ({
    sources: t.field({ type: [SourceTermRef], description: 'Problem sources (问题来源).', resolve: () => Sources.options }),
    categories: t.field({ type: [CategoryTermRef], description: 'Problem categories (问题类别).', resolve: () => Categories.options }),
    scoreParts: t.field({ type: [ScorePartTermRef], description: 'The parts of a scorecard.', resolve: () => ScorePart.options }),
    scoreRules: t.field({
      type: [ScoreRuleTermRef],
      description: 'The scoring rules, with the points of the policy in force now.',
      resolve: (v) => ScoreRule.options.map((rule) => ({ rule, policy: v.policy })),
    }),
    policyVersion: t.int({ description: 'The policy the points are from (0 = built-in default).', resolve: (v) => v.policy.version }),
  }),
});

builder.queryField('vocabulary', (t) =>
  t.field({
    type: VocabularyRef,
    description: 'Sources, categories and scoring rules with their labels, from the domain: fetch once, list and label from it.',
    resolve: (_root, _args, ctx) => ({ policy: policyInForce(ctx.readModels.live, ctx.clock()) }),
  }),
);
