import type { ProblemCategory, ProblemSource } from '../../domain/index.js';
import type { Department } from './county.js';
import type { Random } from './random.js';

/**
 * The demo's words: per category, who is usually answerable, who verifies township items, and
 * templates for the description, the plan and the evidence. Placeholders: {town} {village} {hh}
 * (a household, anonymised as 张某某) {n} {n2} (counts) {m} (万元) {year} {unit}.
 */
export type Answerable = 'village' | 'township' | 'sector' | 'work_team' | 'assisting_unit' | Department;

export type CategoryText = {
  /** The unit that runs the sector (行业主管部门), when there is one. */
  sector: Department | 'power_company' | null;
  /** Verifies the items of townships, villages and teams (验收单位). */
  overseer: Department;
  /** Fixed by building something (works), so delays have construction reasons; otherwise casework. */
  works: boolean;
  answerable: readonly (readonly [Answerable, number])[];
  descriptions: readonly string[];
  measures: string;
  done: string;
  files: readonly string[];
};

export const categoryTexts: Record<ProblemCategory, CategoryText> = {
  data_mismatch: {
    sector: '县扶贫局',
    overseer: '县扶贫局',
    works: false,
    answerable: [
      ['village', 3],
      ['township', 3],
    ],
    descriptions: [
      '{town}{village}建档立卡贫困户{hh}家庭人口系统数据与《扶贫手册》记载不一致，系统登记{n}人、实际在家{n2}人，“四线合一”未落实',
      '{town}{village}{n}户贫困户收入测算数据与实际情况不符，扶贫系统内工资性收入未及时更新',
      '{town}{village}贫困户{hh}档案资料缺失，帮扶措施记录与系统数据不一致，数据与实际不一致',
    ],
    measures:
      '一是逐户入户核实家庭人口、收入等基础信息；二是对照系统数据、软件资料和《扶贫手册》逐项比对修正；三是建立数据月清洗、月通报制度，确保“四线合一”',
    done: '已完成入户核查和系统数据修正，《扶贫手册》重新填写，系统数据、软件资料、手册与实际情况一致',
    files: ['入户核查表.pdf', '系统数据修正截图.png', '扶贫手册照片.jpg'],
  },
  wrongful_inclusion_exclusion: {
    sector: '县扶贫局',
    overseer: '县扶贫局',
    works: false,
    answerable: [
      ['township', 4],
      ['village', 2],
    ],
    descriptions: [
      '{town}{village}村民{hh}家住房为危房、家庭成员患大病，符合建档立卡条件但未纳入，存在漏评',
      '{town}{village}建档立卡贫困户{hh}家有商品房和小轿车，不符合识别标准，存在错评',
      '{town}边缘户排查不到位，{village}{n}户低保户、重病户未纳入监测对象',
    ],
    measures:
      '一是按照识别标准和程序重新评议；二是对六类边缘困难群体全面摸排；三是严格履行村民代表评议、公示公告程序，做到应纳尽纳、应退尽退',
    done: '已按程序完成评议和公示，相关农户已纳入或清退，六类边缘困难群体摸排台账已建立',
    files: ['民主评议会议记录.pdf', '公示照片.jpg'],
  },
  wrongful_exit: {
    sector: '县扶贫局',
    overseer: '县扶贫局',
    works: false,
    answerable: [
      ['township', 4],
      ['village', 2],
    ],
    descriptions: [
      '{town}{village}贫困户{hh}家脱贫时“两不愁三保障”未全部实现，存在错退',
      '{town}{village}{n}户脱贫户收入刚过标准线即标注脱贫，脱贫质量不高、存在返贫风险',
    ],
    measures: '一是对退出户逐户复核“两不愁三保障”；二是对错退户按程序重新纳入并落实帮扶措施；三是对收入临界户落实防返贫监测',
    done: '错退户已按程序重新纳入并落实帮扶措施，临界户全部纳入防返贫监测',
    files: ['退出复核表.pdf', '帮扶措施台账.xlsx'],
  },
  fund_misuse: {
    sector: '县财政局',
    overseer: '县审计局',
    works: false,
    answerable: [
      ['township', 4],
      ['village', 2],
      ['县财政局', 1],
      ['县扶贫局', 1],
      ['县农业农村局', 1],
    ],
    descriptions: [
      '{town}{village}{year}年到村扶贫项目资金{m}万元拨付滞后，超过规定时限未支付到位',
      '{town}扶贫小额信贷存在“户贷企用”现象，涉及{n}户贷款{m}万元',
      '{town}{village}光伏电站收益分配不规范，{m}万元收益未按规定用于公益岗位和贫困户',
      '{year}年度涉及{town}的财政专项扶贫资金结转结余{M}万元，资金闲置未及时统筹使用',
    ],
    measures:
      '一是全面清理资金拨付和使用情况；二是限期拨付到位或收回统筹；三是严格执行项目公示公告制度，公示期不少于10天；四是建立资金支付进度月调度制度',
    done: '资金已全部拨付到位（或已收回重新统筹），支付凭证和公示材料齐全，建立了月调度台账',
    files: ['资金拨付凭证.pdf', '项目公示照片.jpg', '资金使用台账.xlsx'],
  },
  project_delay: {
    sector: '县扶贫局',
    overseer: '县扶贫局',
    works: true,
    answerable: [
      ['township', 3],
      ['县农业农村局', 1],
      ['县交通运输局', 1],
      ['县水利局', 1],
      ['县住建局', 1],
    ],
    descriptions: [
      '{town}{village}{year}年扶贫项目库中{n}个项目未按计划开工，项目推进滞后',
      '{town}{village}产业扶贫基地建设进度滞后，截至检查时完成投资不足50%',
      '{town}{village}村级道路扩面延伸工程未按期完工，影响群众出行',
    ],
    measures: '一是倒排工期、挂图作战；二是落实“月调度、季督查”，每周报送进度；三是对施工单位约谈督促，增加施工力量',
    done: '项目已全部完工并通过竣工验收，资金按进度拨付',
    files: ['竣工验收报告.pdf', '项目现场照片.jpg'],
  },
  work_style: {
    sector: null,
    overseer: '县纪委监委',
    works: false,
    answerable: [
      ['village', 3],
      ['township', 2],
      ['work_team', 2],
      ['assisting_unit', 1],
      ['县扶贫局', 1],
    ],
    descriptions: [
      '{town}{village}村干部在低保评定中优亲厚友，群众反映强烈',
      '{unit}工作人员在岗履职不到位，暗访中{n}次不在岗',
      '{town}扶贫领域填表报数过多、重复报送材料，加重基层负担，形式主义问题突出',
      '{town}{village}村干部虚报冒领贫困户产业奖补资金{m}万元',
      '{unit}帮扶责任人入户走访不到位，对帮扶户{hh}家庭情况不了解',
    ],
    measures: '一是对相关责任人进行约谈提醒并依纪依规处理；二是开展作风建设专项整治；三是建立在岗考勤和入户走访台账，定期通报',
    done: '相关责任人已依纪依规处理，违规资金已追缴，作风建设整治台账已建立并通报',
    files: ['处理决定.pdf', '约谈记录.pdf'],
  },
  supervision_findings: {
    sector: '县扶贫局',
    overseer: '县扶贫局',
    works: false,
    answerable: [
      ['township', 4],
      ['village', 1],
      ['县扶贫局', 1],
    ],
    descriptions: [
      '{town}{village}上轮督查反馈问题整改不彻底，{n}项问题仍未销号',
      '{town}整改台账不完整，整改佐证材料缺失，对账销号不规范',
      '{town}{village}问题整改举一反三不到位，同类问题在邻近村民组再次出现',
    ],
    measures: '一是对照问题清单逐项建立整改台账；二是明确责任人和完成时限，实行对账销号；三是举一反三开展自查自纠，防止同类问题再次出现',
    done: '问题清单逐项整改到位，整改台账和佐证材料完整，已对账销号',
    files: ['整改台账.xlsx', '整改报告.pdf'],
  },
  education: {
    sector: '县教育局',
    overseer: '县教育局',
    works: false,
    answerable: [
      ['县教育局', 3],
      ['township', 2],
    ],
    descriptions: [
      '{town}{village}建档立卡贫困家庭学生{hh}（就读中职）“雨露计划”补助未落实',
      '{town}{village}适龄残疾儿童{n}人未落实“送教上门”服务',
      '{town}{village}贫困家庭学生资助未做到应补尽补，{n}名学生未享受寄宿生生活补助',
    ],
    measures: '一是逐人核对建档立卡学生资助信息；二是补发应享未享的资助资金；三是落实控辍保学和送教上门责任人',
    done: '资助资金已补发到位，送教上门已按计划开展，学生资助台账已更新',
    files: ['资助发放名册.pdf', '送教上门记录.pdf'],
  },
  health: {
    sector: '县卫健委',
    overseer: '县卫健委',
    works: false,
    answerable: [
      ['县卫健委', 2],
      ['县医保局', 2],
      ['township', 2],
      ['village', 1],
    ],
    descriptions: [
      '{town}{village}贫困户{hh}慢性病卡未办理，门诊费用未按“180”政策报销',
      '{town}{village}贫困人口家庭医生签约服务履约不到位，{n}户未开展随访',
      '{town}{village}村卫生室未达标准化建设要求，药品配备不全',
      '{town}{village}{n}名贫困人口未参加城乡居民基本医疗保险',
    ],
    measures: '一是逐户排查慢性病卡办理和签约履约情况；二是补办慢性病卡、补报应报费用；三是完善村卫生室标准化建设和药品配送',
    done: '慢性病卡已办理、费用已补报，签约随访已补齐，村卫生室已达标',
    files: ['慢病卡办理名册.pdf', '随访记录.pdf', '卫生室照片.jpg'],
  },
  housing: {
    sector: '县住建局',
    overseer: '县住建局',
    works: true,
    answerable: [
      ['township', 3],
      ['village', 2],
      ['县住建局', 2],
    ],
    descriptions: [
      '{town}{village}贫困户{hh}住房为C级危房，危房改造未完成，仍居住在危房中',
      '{town}{village}{n}户危房改造补助资金未及时足额拨付到户',
      '{town}{village}危房改造档案信息不详实，改造前后照片缺失',
    ],
    measures: '一是对相关农户住房进行安全鉴定；二是落实危房改造补助资金并实施加固改造；三是完善危房改造档案，做到改造一户、销档一户',
    done: '危房改造已竣工并通过验收，补助资金已拨付到户，档案资料齐全',
    files: ['危房鉴定报告.pdf', '改造前后照片.jpg', '补助资金拨付凭证.pdf'],
  },
  drinking_water: {
    sector: '县水利局',
    overseer: '县水利局',
    works: true,
    answerable: [
      ['县水利局', 3],
      ['township', 2],
      ['village', 1],
    ],
    descriptions: [
      '{town}{village}{n}户贫困户饮水安全不达标，枯水期存在季节性缺水',
      '{town}{village}集中供水工程水质检测不合格，未落实消毒措施',
      '{town}{village}饮水工程管护责任未落实，管网破损{n}处未修复',
    ],
    measures: '一是新建或改造供水设施，解决季节性缺水；二是落实水质检测和消毒措施；三是明确工程管护责任人和管护经费',
    done: '供水工程已完工通水，水质检测合格，管护责任已落实',
    files: ['水质检测报告.pdf', '供水工程照片.jpg'],
  },
  roads: {
    sector: '县交通运输局',
    overseer: '县交通运输局',
    works: true,
    answerable: [
      ['县交通运输局', 3],
      ['township', 2],
    ],
    descriptions: [
      '{town}{village}通组道路{n}公里未硬化，雨天通行困难',
      '{town}{village}危桥改造未按期完成，存在安全隐患',
      '{town}{village}农村公路临水临崖路段未设护栏，安全防护设施缺失',
    ],
    measures: '一是纳入年度“四好农村路”建设计划；二是倒排工期组织施工；三是同步完善安全生命防护工程',
    done: '道路硬化和安全防护设施已完工并通过交工验收',
    files: ['交工验收报告.pdf', '道路现场照片.jpg'],
  },
  power: {
    sector: 'power_company',
    overseer: '县经信局',
    works: true,
    answerable: [
      ['sector', 4],
      ['township', 1],
    ],
    descriptions: ['{town}{village}小水电台区电压不稳，{n}户村民生产生活用电不足', '{town}{village}{n}个村民组未通动力电，影响产业发展'],
    measures: '一是纳入农村电网改造升级计划；二是新增或增容配电变压器；三是完善小水电台区电力基础设施',
    done: '台区改造已完成，电压合格，动力电已通到相关村民组',
    files: ['台区改造验收单.pdf', '电压测试记录.pdf'],
  },
  network: {
    sector: '县经信局',
    overseer: '县扶贫局',
    works: true,
    answerable: [
      ['县经信局', 3],
      ['township', 1],
    ],
    descriptions: ['{town}{village}{n}个20户以上自然村4G信号未覆盖', '{town}{village}宽带入户工程进度滞后，贫困村光纤网络未全覆盖'],
    measures: '一是协调基础电信企业新建基站；二是加快光纤入户施工；三是逐组测试信号覆盖情况',
    done: '基站已开通，光纤已入户，逐组测试信号覆盖达标',
    files: ['信号测试记录.pdf', '基站照片.jpg'],
  },
  industry: {
    sector: '县农业农村局',
    overseer: '县农业农村局',
    works: true,
    answerable: [
      ['township', 3],
      ['village', 2],
      ['县农业农村局', 2],
    ],
    descriptions: [
      '{town}{village}特色种养业扶贫基地带贫作用不明显，贫困户参与率低',
      '{town}{village}产业奖补资金发放不及时，{n}户贫困户未享受',
      '{town}{village}“一村一品”主导产业培育滞后，村集体经济收入未达5万元',
    ],
    measures: '一是完善新型经营主体与贫困户利益联结机制；二是补发产业奖补资金；三是培育主导产业，发展壮大村集体经济',
    done: '产业奖补资金已发放到户，带贫主体与贫困户签订联结协议，村集体经济收入达标',
    files: ['奖补资金发放名册.pdf', '利益联结协议.pdf'],
  },
  employment: {
    sector: '县人社局',
    overseer: '县人社局',
    works: false,
    answerable: [
      ['县人社局', 3],
      ['township', 2],
    ],
    descriptions: [
      '{town}{village}就业扶贫驿站运行不正常，吸纳贫困人口就业不足',
      '{town}{village}{n}名有就业意愿的贫困劳动力未落实技能培训',
      '{town}{village}公益岗位人员选聘不规范，{n}人未实际上岗',
    ],
    measures: '一是对就业扶贫驿站运行情况全面排查；二是组织有意愿的贫困劳动力参加技能培训；三是规范公益岗位选聘和考勤管理',
    done: '驿站恢复正常运行，培训已完成，公益岗位人员已规范上岗',
    files: ['培训签到表.pdf', '公益岗位考勤表.xlsx'],
  },
  social_protection: {
    sector: '县民政局',
    overseer: '县民政局',
    works: false,
    answerable: [
      ['县民政局', 3],
      ['township', 2],
      ['县人社局', 1],
      ['县残联', 1],
    ],
    descriptions: [
      '{town}{village}贫困户{hh}符合低保条件但未纳入低保兜底',
      '{town}{village}{n}名重度残疾人护理补贴未按时发放',
      '{town}{village}符合条件的贫困人口城乡居民养老保险未由财政代缴',
    ],
    measures: '一是逐户排查兜底保障对象；二是按程序纳入低保并补发资金；三是落实残疾人两项补贴和养老保险代缴政策',
    done: '相关对象已纳入低保，补贴已补发到位，养老保险已代缴',
    files: ['低保审批表.pdf', '补贴发放名册.pdf'],
  },
};

/** Which categories each source tends to find; the rest of the sources find anything. */
export const categoryWeightsBySource: Partial<Record<ProblemSource, readonly (readonly [ProblemCategory, number])[]>> = {
  audit: [
    ['fund_misuse', 6],
    ['project_delay', 3],
    ['housing', 1],
    ['drinking_water', 1],
    ['industry', 1],
    ['data_mismatch', 1],
  ],
  discipline_inspection: [
    ['work_style', 6],
    ['fund_misuse', 3],
    ['wrongful_inclusion_exclusion', 1],
  ],
  hotline: [
    ['wrongful_inclusion_exclusion', 3],
    ['housing', 3],
    ['drinking_water', 2],
    ['social_protection', 2],
    ['work_style', 2],
    ['health', 1],
    ['education', 1],
    ['roads', 1],
    ['power', 1],
    ['fund_misuse', 1],
    ['employment', 1],
  ],
};

export const generalCategoryWeights: readonly (readonly [ProblemCategory, number])[] = [
  ['data_mismatch', 4],
  ['wrongful_inclusion_exclusion', 3],
  ['wrongful_exit', 2],
  ['fund_misuse', 3],
  ['project_delay', 3],
  ['work_style', 2],
  ['supervision_findings', 3],
  ['education', 2],
  ['health', 2],
  ['housing', 4],
  ['drinking_water', 4],
  ['roads', 2],
  ['power', 1],
  ['network', 1],
  ['industry', 2],
  ['employment', 2],
  ['social_protection', 2],
];

/** Progress in words, by how far along it is (up to the percentage given). */
export const progressSteps: readonly (readonly [number, string])[] = [
  [35, '已召开专题会议研究部署，建立整改台账，明确责任人和时间节点'],
  [65, '已完成入户核查，正在组织实施整改'],
  [100, '主体整改工作已完成，正在收集整理佐证材料'],
];

export const afterRejection = '已根据验收意见逐项补充整改，补齐佐证材料';
export const reopenedFixed = '反弹问题已重新整改到位，并建立长效管护和定期回访机制';

export const rejectionReasons = [
  '佐证材料不完整，缺少入户核查记录',
  '现场核查发现问题仍然存在，整改不彻底',
  '整改措施未覆盖同类问题，未做到举一反三',
  '佐证材料与整改台账记载不一致，需进一步核实',
];

export const passOpinions = [
  '经现场核查，问题已整改到位，同意销号',
  '佐证材料齐全，随机抽查{n}户均已落实，验收通过',
  '整改措施落实到位，群众满意，同意验收',
];

/** 延期 reasons, for works and for casework. */
export const extensionReasons = {
  works: [
    '受汛期强降雨影响，工程施工中断，申请延期',
    '涉及跨部门资金调整，需提交县政府常务会研究',
    '冬季低温不具备施工条件，申请延至开春后完成',
    '项目需重新招标，申请延长整改时限',
  ],
  casework: [
    '涉及农户较多，需逐户入户核实，申请延长整改时限',
    '需经村民代表会议评议并公示，公示期未满，申请延期',
    '涉及跨部门数据比对，需等待相关部门反馈结果',
  ],
} as const;
export const epidemicExtensionReason = '受新冠肺炎疫情影响，施工人员和材料无法及时到位，申请延期';
export const reopenExtensionReason = '问题反弹，重新明确整改时限';

export const supervisionInstructions = [
  '该问题已逾期未完成整改，责成{unit}于{date}前办结，并书面报送整改情况',
  '列入县督查办跟踪督办事项，责成{unit}每周报送整改进展，于{date}前办结',
  '逾期未整改，责成{unit}主要负责同志于{date}前办结，逾期将启动约谈',
];

export const reopenReasons = [
  '{year}年脱贫攻坚“回头看”发现该问题出现反弹，巩固不到位',
  '市级交叉检查发现整改成效未巩固，问题再次出现',
  '群众通过12317平台再次反映，经核查属实',
];

export const recurrenceNote = '（此前同类问题已整改销号，属同类问题第二次出现）';

const HOUSEHOLD_SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙胡郭何高汪储程'];

/** A household as official documents write it, anonymised: 张某某. */
export function householdName(random: Random): string {
  return `${random.pick(HOUSEHOLD_SURNAMES)}某某`;
}

/** A date as a Chinese document writes it: 2019年7月26日. */
export function chineseDate(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for ${whole} in "${template}"`);
    return String(value);
  });
}
