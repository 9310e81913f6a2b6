import { z } from 'zod';
import type { Label, ProblemSource } from '../problem/vocabulary.js';
import type { PolicyDocument } from './document.js';

/** 基础分, 平时 (ordinary-time performance) or 集中考核 (year-end assessment): the parts of a scorecard. */
export const ScorePart = z.enum(['base', 'ordinary', 'year_end']);
export type ScorePart = z.infer<typeof ScorePart>;

export const scorePartLabels: Record<ScorePart, Label> = {
  base: { zh: '基础分', en: 'Base' },
  ordinary: { zh: '平时', en: 'Ordinary time' },
  year_end: { zh: '集中考核', en: 'Year-end' },
};

/** The scoring rules (计分规则) behind the lines of a scorecard; the policy gives each its points. */
export const ScoreRule = z.enum([
  'base',
  'problem_found',
  'verification_rejected',
  'deadline_extended',
  'supervision_ordered',
  'problem_reopened',
  'recurrence',
  'interview_held',
  'closed_on_time',
  'finished_late',
  'unfinished_at_year_end',
  // Further assessment items (考核事项), entered by the committee: the policy says their part.
  'task_completion',
  'inspection_result',
  'sweep_not_answered_in_time',
  'sweep_none_contradicted',
]);
export type ScoreRule = z.infer<typeof ScoreRule>;

type Scoring = PolicyDocument['scoring'];

/**
 * Each rule: its part, its label, and where the policy keeps its points (`problem_found` has points
 * per source: 国家反馈 weighs more than 县自查; a further assessment item has the points the committee
 * entered, null here, and the part the policy gives its kind).
 */
export const scoreRules: Record<
  ScoreRule,
  {
    part: ScorePart;
    label: Label;
    points: (s: Scoring) => number | Record<ProblemSource, number> | null;
    partIn?: (s: Scoring) => ScorePart;
  }
> = {
  base: { part: 'base', label: { zh: '基础分', en: 'Base score' }, points: (s) => s.base },
  problem_found: { part: 'ordinary', label: { zh: '发现问题', en: 'Problem found' }, points: (s) => s.ordinary.problemFound },
  verification_rejected: {
    part: 'ordinary',
    label: { zh: '验收不通过', en: 'Verification rejected' },
    points: (s) => s.ordinary.verificationRejected,
  },
  deadline_extended: { part: 'ordinary', label: { zh: '延期', en: 'Deadline extended' }, points: (s) => s.ordinary.deadlineExtended },
  supervision_ordered: { part: 'ordinary', label: { zh: '督办', en: 'Supervision ordered' }, points: (s) => s.ordinary.supervisionOrdered },
  problem_reopened: { part: 'ordinary', label: { zh: '重新打开', en: 'Reopened' }, points: (s) => s.ordinary.problemReopened },
  recurrence: { part: 'ordinary', label: { zh: '同类问题再次出现', en: 'Same kind again' }, points: (s) => s.ordinary.recurrence },
  interview_held: { part: 'ordinary', label: { zh: '被约谈', en: 'Interviewed' }, points: (s) => s.ordinary.interviewHeld },
  closed_on_time: { part: 'year_end', label: { zh: '按期销号', en: 'Closed on time' }, points: (s) => s.yearEnd.closedOnTime },
  finished_late: { part: 'year_end', label: { zh: '逾期完成', en: 'Finished late' }, points: (s) => s.yearEnd.finishedLate },
  unfinished_at_year_end: {
    part: 'year_end',
    label: { zh: '年底未完成', en: 'Unfinished at year end' },
    points: (s) => s.yearEnd.unfinishedAtYearEnd,
  },
  task_completion: {
    part: 'year_end',
    label: { zh: '年度任务完成情况', en: 'Task completion' },
    points: () => null,
    partIn: (s) => s.items.task_completion.part,
  },
  inspection_result: {
    part: 'ordinary',
    label: { zh: '督查检查结果', en: 'Inspection result' },
    points: () => null,
    partIn: (s) => s.items.inspection_result.part,
  },
  sweep_not_answered_in_time: {
    part: 'ordinary',
    label: { zh: '举一反三排查未按时反馈', en: 'Sweep not answered in time' },
    points: (s) => s.sweeps.notAnsweredInTime,
  },
  sweep_none_contradicted: {
    part: 'ordinary',
    label: { zh: '排查反馈“未发现”后被查出', en: '“None found” contradicted' },
    points: (s) => s.sweeps.noneContradicted,
  },
};

/** The part a rule's lines count in under a policy's scoring. */
export const scoreRulePart = (rule: ScoreRule, s: Scoring): ScorePart => scoreRules[rule].partIn?.(s) ?? scoreRules[rule].part;

/** The Chinese labels alone, as the scorecards and their exports print them. */
export const scorePartLabel = Object.fromEntries(ScorePart.options.map((p) => [p, scorePartLabels[p].zh])) as Record<ScorePart, string>;
export const scoreRuleLabel = Object.fromEntries(ScoreRule.options.map((r) => [r, scoreRules[r].label.zh])) as Record<ScoreRule, string>;
