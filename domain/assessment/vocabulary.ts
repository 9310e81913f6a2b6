import { z } from 'zod';
import type { Label } from '../problem/vocabulary.js';

/**
 * 三个区分开来: the three distinctions a 容错纠错 application claims, as the 2018 opinion the seed
 * cites (中办《关于进一步激励广大干部新时代新担当新作为的意见》) words them — each sets an honest
 * mistake apart from a violation.
 */
export const Distinction = z.enum([
  /** 因缺乏经验、先行先试出现的失误错误, not 明知故犯的违纪违法行为. */
  'inexperience_in_reform',
  /** 上级尚无明确限制的探索性试验中的失误错误, not 上级明令禁止后依然我行我素. */
  'exploratory_trial',
  /** 为推动发展的无意过失, not 为谋取私利的违纪违法行为. */
  'unintentional_for_development',
]);
export type Distinction = z.infer<typeof Distinction>;
export const distinctionLabels: Record<Distinction, Label> = {
  inexperience_in_reform: {
    zh: '推进改革中因缺乏经验、先行先试出现的失误（非明知故犯）',
    en: 'A mistake made for lack of experience while trying something new (not a knowing violation)',
  },
  exploratory_trial: {
    zh: '上级尚无明确限制的探索性试验中的失误（非明令禁止后我行我素）',
    en: 'A mistake in a trial nothing above had yet forbidden (not defying a ban)',
  },
  unintentional_for_development: {
    zh: '为推动发展的无意过失（非为谋取私利）',
    en: 'An unintended slip while pushing development forward (not for private gain)',
  },
};

/**
 * Further assessment items (考核事项) the committee records for a unit and year, beyond the
 * rectification ledger: the year's whole task, as the seed's assessment weighs it.
 */
export const AssessmentItemKind = z.enum([
  /** 年度任务完成情况: a task of the year completed, late or not done. */
  'task_completion',
  /** 督查检查结果: what an inspection (督查、检查) found. */
  'inspection_result',
]);
export type AssessmentItemKind = z.infer<typeof AssessmentItemKind>;
export const assessmentItemKindLabels: Record<AssessmentItemKind, Label> = {
  task_completion: { zh: '年度任务完成情况', en: 'Task completion' },
  inspection_result: { zh: '督查检查结果', en: 'Inspection result' },
};

/** Where a 容错纠错 application stands: waiting for the committee, decided either way, or withdrawn by the unit. */
export const ExemptionApplicationStatus = z.enum(['pending', 'approved', 'refused', 'withdrawn']);
export type ExemptionApplicationStatus = z.infer<typeof ExemptionApplicationStatus>;
export const exemptionApplicationStatusLabels: Record<ExemptionApplicationStatus, Label> = {
  pending: { zh: '待审核', en: 'Pending' },
  approved: { zh: '已批准', en: 'Approved' },
  refused: { zh: '未批准', en: 'Refused' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
};
