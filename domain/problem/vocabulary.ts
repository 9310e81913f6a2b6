import { z } from 'zod';
import type { ProblemStatus } from './events.js';

/**
 * Where a problem came from (问题来源), i.e. who found it. The code prefixes its ledger number:
 * `GJ-2019-007` is the 7th national-feedback problem raised in 2019.
 *
 * `county_self_check` (县自查) is the source problems found by the county were recorded under before
 * the county's own findings were split by who found them: a unit about itself (`unit_self_report`,
 * 自查上报), the county's inspection (`county_inspection`, 县级督查) and unannounced visits
 * (`unannounced_visit`, 督查暗访). It stays readable and raisable (stored raises and scripts name it;
 * its numbers keep their XZ prefix, its points stay the policy's), but the forms no longer offer it
 * and the API marks it deprecated: see `deprecatedSources` and docs/sources.md.
 */
export const ProblemSource = z.enum([
  'national_feedback', // 国家反馈问题
  'provincial_review', // 省级查摆问题
  'municipal_review', // 市级查摆问题
  'county_self_check', // 县自查问题 (retired: split into the three below)
  'audit', // 审计发现问题
  'discipline_inspection', // 纪检监察发现问题
  'hotline', // 12317 举报
  'unit_self_report', // 自查上报: a unit's own report about itself (自查自纠)
  'county_inspection', // 县级督查
  'unannounced_visit', // 督查暗访
]);
export type ProblemSource = z.infer<typeof ProblemSource>;

/** Sources kept for what was recorded under them, no longer offered for new raises (the forms leave them out). */
export const deprecatedSources: ReadonlySet<ProblemSource> = new Set(['county_self_check']);

/** 自查上报: raised by the unit head for their own unit, assigned to it at once. */
export const SELF_REPORT_SOURCE = 'unit_self_report' satisfies ProblemSource;

export const sourceCode: Record<ProblemSource, string> = {
  national_feedback: 'GJ',
  provincial_review: 'SJ',
  municipal_review: 'SH',
  county_self_check: 'XZ',
  audit: 'AU',
  discipline_inspection: 'JJ',
  hotline: 'RX',
  unit_self_report: 'ZC',
  county_inspection: 'DC',
  unannounced_visit: 'AF',
};

/** A label in the ledger's language (Chinese) and in English. */
export type Label = { zh: string; en: string };

/** The Chinese labels alone, for the county's documents. */
export const zhOf = <K extends string>(labels: Record<K, Label>) =>
  Object.fromEntries(Object.entries<Label>(labels).map(([key, label]) => [key, label.zh])) as Record<K, string>;

export const sourceLabels: Record<ProblemSource, Label> = {
  national_feedback: { zh: '国家反馈', en: 'National feedback' },
  provincial_review: { zh: '省级查摆', en: 'Provincial review' },
  municipal_review: { zh: '市级查摆', en: 'Municipal review' },
  county_self_check: { zh: '县自查', en: 'County self-check' },
  audit: { zh: '审计', en: 'Audit' },
  discipline_inspection: { zh: '纪检监察', en: 'Discipline inspection' },
  hotline: { zh: '12317举报', en: '12317 hotline' },
  unit_self_report: { zh: '自查上报', en: 'Unit self-report' },
  county_inspection: { zh: '县级督查', en: 'County inspection' },
  unannounced_visit: { zh: '督查暗访', en: 'Unannounced visit' },
};
export const sourceLabel: Record<ProblemSource, string> = zhOf(sourceLabels);

/**
 * What kind of problem it is: the seed's seven special campaigns (七个专项治理) and the sector
 * projects. "The same kind" in 同类问题第二次 means the same category in the same unit.
 */
export const ProblemCategory = z.enum([
  'data_mismatch', // 数据质量不一致
  'wrongful_inclusion_exclusion', // 错评漏评
  'wrongful_exit', // 错退
  'fund_misuse', // 资金使用不规范
  'project_delay', // 行业项目推进滞后
  'work_style', // 腐败和作风问题
  'supervision_findings', // 督查巡查问题整改
  'education', // 教育
  'health', // 健康医疗
  'housing', // 住房安全
  'drinking_water', // 饮水安全
  'roads', // 道路
  'power', // 电力
  'network', // 网络
  'industry', // 产业
  'employment', // 就业
  'social_protection', // 社会保障
]);
export type ProblemCategory = z.infer<typeof ProblemCategory>;

export const categoryLabels: Record<ProblemCategory, Label> = {
  data_mismatch: { zh: '数据质量', en: 'Data mismatch' },
  wrongful_inclusion_exclusion: { zh: '错评漏评', en: 'Wrongly included or left out' },
  wrongful_exit: { zh: '错退', en: 'Wrongful exit' },
  fund_misuse: { zh: '资金使用', en: 'Misuse of funds' },
  project_delay: { zh: '项目滞后', en: 'Projects behind schedule' },
  work_style: { zh: '作风问题', en: 'Corruption and work style' },
  supervision_findings: { zh: '督查问题整改', en: 'Supervision findings' },
  education: { zh: '教育', en: 'Education' },
  health: { zh: '健康医疗', en: 'Health' },
  housing: { zh: '住房安全', en: 'Housing' },
  drinking_water: { zh: '饮水安全', en: 'Drinking water' },
  roads: { zh: '道路', en: 'Roads' },
  power: { zh: '电力', en: 'Power' },
  network: { zh: '网络', en: 'Network' },
  industry: { zh: '产业', en: 'Industry' },
  employment: { zh: '就业', en: 'Employment' },
  social_protection: { zh: '社会保障', en: 'Social protection' },
};
export const categoryLabel: Record<ProblemCategory, string> = zhOf(categoryLabels);

/** A raised problem's status (整改状态); the states before the raise have no label. */
export type LedgerStatus = Exclude<ProblemStatus, 'not_raised'>;

/** The statuses in the order of a problem's life: 待交办 → 待签收 → 整改中 → 待验收 → 已验收 → 已销号. */
export const problemStatusLabels: Record<LedgerStatus, Label> = {
  raised: { zh: '待交办', en: 'Raised' },
  assigned: { zh: '待签收', en: 'Assigned' },
  rectifying: { zh: '整改中', en: 'Rectifying' },
  awaiting_verification: { zh: '待验收', en: 'Awaiting verification' },
  verified: { zh: '已验收', en: 'Verified' },
  closed: { zh: '已销号', en: 'Closed' },
};
export const problemStatuses = Object.keys(problemStatusLabels) as LedgerStatus[];
