import type { Actor, UnitKind } from '../../domain/index.js';
import type { Random } from './random.js';

/**
 * The sample county: 霍山县 with its real townships and the county departments the seed names,
 * 43 poor villages (贫困村) with invented names, a few assisting units (帮扶单位) and village work
 * teams (驻村工作队). Unit ids come from stable keys, so the same unit has the same id in every run.
 */
export type DemoUnit = {
  key: string;
  unitId: string;
  name: string;
  kind: UnitKind;
  parent: DemoUnit | null;
  /** Where its items are (a village's township is the township itself). */
  township: DemoUnit | null;
  village: DemoUnit | null;
  /** 主要负责人: acknowledges, plans and reports the unit's items. */
  head: Actor;
  /** The unit's verifier (验收人), for items of other units. */
  verifier: Actor;
};

export type Department = (typeof DEPARTMENTS)[number];

export type County = {
  units: DemoUnit[];
  county: DemoUnit;
  /** 县督查办: the supervision office. */
  office: DemoUnit;
  officeStaff: Actor[];
  /** Registers the units (the office's system administrator). */
  registrar: Actor;
  departments: Record<Department, DemoUnit>;
  townships: DemoUnit[];
  villages: DemoUnit[];
  assistingUnits: DemoUnit[];
  /** 县供电公司: answerable for power items. */
  powerCompany: DemoUnit;
  workTeams: DemoUnit[];
  /** 牵头领导: county leaders who lead on items. */
  leadingOfficials: string[];
};

export const DEPARTMENTS = [
  '县督查办',
  '县扶贫局',
  '县教育局',
  '县卫健委',
  '县住建局',
  '县水利局',
  '县交通运输局',
  '县人社局',
  '县民政局',
  '县财政局',
  '县农业农村局',
  '县医保局',
  '县审计局',
  '县纪委监委',
  '县经信局',
  '县残联',
] as const;

/** The county's townships, each with its poor villages (43 in all, as in the seed). */
const TOWNSHIPS: readonly (readonly [string, readonly string[]])[] = [
  ['衡山镇', ['南岭村']],
  ['佛子岭镇', ['青枫岭村', '石门冲村', '龙潭湾村']],
  ['下符桥镇', ['杨柳畈村', '石桥畈村']],
  ['但家庙镇', ['马家畈村', '油坊店村']],
  ['与儿街镇', ['银山畈村', '团结村']],
  ['黑石渡镇', ['大河湾村', '双河口村']],
  ['诸佛庵镇', ['黄栗杆村', '茶园冲村', '仙姑岭村']],
  ['落儿岭镇', ['桃源河村', '枫香树村', '板栗园村']],
  ['磨子潭镇', ['白莲岩村', '燕子河村', '黑龙潭村', '葛藤山村']],
  ['大化坪镇', ['金竹坪村', '高山岗村', '百家冲村']],
  ['漫水河镇', ['三岔河村', '鹿吐石村', '上河坪村', '铜锣寨村']],
  ['上土市镇', ['松树岗村', '长岭冲村', '西河口村']],
  ['单龙寺镇', ['竹林湾村', '柳林湾村', '狮子岗村']],
  ['东西溪乡', ['红石岩村', '清水河村', '望江岭村']],
  ['太平畈乡', ['花园冲村', '槐树湾村']],
  ['太阳乡', ['杜鹃岭村', '东冲村', '和平村']],
];

/** 帮扶单位, with the village each one is paired with (定点帮扶村). */
const ASSISTING_UNITS: readonly (readonly [string, string])[] = [
  ['六安市财政局', '白莲岩村'],
  ['六安市人社局', '三岔河村'],
  ['国网霍山县供电公司', '鹿吐石村'],
  ['霍山农商银行', '黄栗杆村'],
];

/** 驻村工作队, named after the unit that sends them; the first is deliberately long. */
const WORK_TEAMS: readonly (readonly [string, string])[] = [
  ['国网安徽省电力有限公司霍山县供电公司驻漫水河镇鹿吐石村脱贫攻坚驻村扶贫工作队', '鹿吐石村'],
  ['六安市财政局驻磨子潭镇白莲岩村扶贫工作队', '白莲岩村'],
  ['六安市人社局驻漫水河镇三岔河村扶贫工作队', '三岔河村'],
  ['县扶贫局驻太阳乡杜鹃岭村扶贫工作队', '杜鹃岭村'],
  ['县住建局驻东西溪乡红石岩村扶贫工作队', '红石岩村'],
];

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢汪储汤方童'];
const GIVEN = [...'建国志明华军伟强平刚勇杰涛斌超辉俊峰磊鹏海波静丽娟敏燕霞红芳玲婷文武德兴家立新春秋金玉龙凤晓东宏'];

export function personName(random: Random): string {
  const given = random.chance(0.75) ? random.pick(GIVEN) + random.pick(GIVEN) : random.pick(GIVEN);
  return random.pick(SURNAMES) + given;
}

/** Builds the catalogue; `unitIdFor` is the ledger's, so ids follow from the stable keys. */
export function buildCounty(random: Random, unitIdFor: (key: string) => string): County {
  const units: DemoUnit[] = [];
  const add = (key: string, name: string, kind: UnitKind, parent: DemoUnit | null, village: DemoUnit | null = null) => {
    const unitId = unitIdFor(`demo/${key}`);
    const index = units.length + 1;
    const unit: DemoUnit = {
      key,
      unitId,
      name,
      kind,
      parent,
      township: kind === 'township' ? null : (village?.township ?? null),
      village,
      head: { userId: `demo-head-${index}`, name: personName(random), unitId, role: 'unit_head' },
      verifier: { userId: `demo-verifier-${index}`, name: personName(random), unitId, role: 'verifier' },
    };
    if (kind === 'township') unit.township = unit;
    if (kind === 'village') unit.village = unit;
    units.push(unit);
    return unit;
  };

  const county = add('county/霍山县', '霍山县', 'county', null);
  const departments = Object.fromEntries(
    DEPARTMENTS.map((name) => [name, add(`department/${name}`, name, 'department', county)]),
  ) as Record<Department, DemoUnit>;
  const townships: DemoUnit[] = [];
  const villages: DemoUnit[] = [];
  for (const [townshipName, villageNames] of TOWNSHIPS) {
    const township = add(`township/${townshipName}`, townshipName, 'township', county);
    townships.push(township);
    for (const villageName of villageNames) {
      const village = add(`village/${townshipName}/${villageName}`, villageName, 'village', township);
      village.township = township;
      villages.push(village);
    }
  }
  const villageNamed = (name: string) => {
    const village = villages.find((v) => v.name === name);
    if (!village) throw new Error(`No demo village ${name}`);
    return village;
  };
  const assistingUnits = ASSISTING_UNITS.map(([name, village]) =>
    add(`assisting_unit/${name}`, name, 'assisting_unit', null, villageNamed(village)),
  );
  const workTeams = WORK_TEAMS.map(([name, village]) =>
    add(`work_team/${name}`, name, 'work_team', villageNamed(village), villageNamed(village)),
  );

  const office = departments.县督查办;
  const officeStaff: Actor[] = [1, 2, 3].map((n) => ({
    userId: `demo-office-${n}`,
    name: personName(random),
    unitId: office.unitId,
    role: 'office',
  }));
  const titles = ['县委副书记', '常务副县长', '副县长', '副县长', '县委常委', '县人大常委会副主任'];
  return {
    units,
    county,
    office,
    officeStaff,
    registrar: { userId: 'demo-admin', name: '督查办系统管理员', unitId: null, role: 'office' },
    departments,
    townships,
    villages,
    assistingUnits,
    powerCompany: assistingUnits.find((u) => u.name === '国网霍山县供电公司')!,
    workTeams,
    leadingOfficials: titles.map((title) => title + personName(random)),
  };
}
