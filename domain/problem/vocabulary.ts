import { z } from 'zod';

/**
 * Where a problem came from (问题来源). The code prefixes its ledger number: `GJ-2019-007` is the
 * 7th national-feedback problem raised in 2019.
 */
export const ProblemSource = z.enum([
  'national_feedback', // 国家反馈问题
  'provincial_review', // 省级查摆问题
  'municipal_review', // 市级查摆问题
  'county_self_check', // 县自查问题
  'audit', // 审计发现问题
  'discipline_inspection', // 纪检监察发现问题
  'hotline', // 12317 举报
]);
export type ProblemSource = z.infer<typeof ProblemSource>;

export const sourceCode: Record<ProblemSource, string> = {
  national_feedback: 'GJ',
  provincial_review: 'SJ',
  municipal_review: 'SH',
  county_self_check: 'XZ',
  audit: 'AU',
  discipline_inspection: 'JJ',
  hotline: 'RX',
};

export const sourceLabel: Record<ProblemSource, string> = {
  national_feedback: '国家反馈',
  provincial_review: '省级查摆',
  municipal_review: '市级查摆',
  county_self_check: '县自查',
  audit: '审计',
  discipline_inspection: '纪检监察',
  hotline: '12317举报',
};

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

export const categoryLabel: Record<ProblemCategory, string> = {
  data_mismatch: '数据质量',
  wrongful_inclusion_exclusion: '错评漏评',
  wrongful_exit: '错退',
  fund_misuse: '资金使用',
  project_delay: '项目滞后',
  work_style: '作风问题',
  supervision_findings: '督查问题整改',
  education: '教育',
  health: '健康医疗',
  housing: '住房安全',
  drinking_water: '饮水安全',
  roads: '道路',
  power: '电力',
  network: '网络',
  industry: '产业',
  employment: '就业',
  social_protection: '社会保障',
};
