import { z } from 'zod';

/**
 * The scoring rules (考核计分规则) a policy gives points to, and the parts of the assessment they
 * fall in, with their display labels: the one place the server (and, through it, the web app)
 * names them.
 */

/** 基础分, or 平时 (ordinary-time performance) or 集中考核 (year-end assessment); the base line stands for both parts. */
export const ScorePart = z.enum(['base', 'ordinary', 'year_end']);
export type ScorePart = z.infer<typeof ScorePart>;
export const scorePartLabel: Record<ScorePart, string> = { base: '基础分', ordinary: '平时', year_end: '集中考核' };

/** The rule behind a line of a scorecard; the policy's `scoring` section gives each its points. */
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
]);
export type ScoreRule = z.infer<typeof ScoreRule>;
export const scoreRuleLabel: Record<ScoreRule, string> = {
  base: '基础分',
  problem_found: '发现问题',
  verification_rejected: '验收不通过',
  deadline_extended: '延期',
  supervision_ordered: '督办',
  problem_reopened: '重新打开',
  recurrence: '同类问题再次出现',
  interview_held: '被约谈',
  closed_on_time: '按期销号',
  finished_late: '逾期完成',
  unfinished_at_year_end: '年底未完成',
};
