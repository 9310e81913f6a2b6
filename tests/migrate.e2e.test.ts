import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { addUnit, bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * Issue 13, item 2: bringing in an office's existing ledger (台账) mid-campaign, over real HTTP. The
 * same list twice — laid out as a county keeps it, then in the office's messy shape (title row, header
 * merged over two rows, group rows per document with the 文号 merged down, mixed date formats, units
 * joined by 、, notes under the table) — imports once; its items keep their states and dates as
 * migrated facts, and the wall and the scorecards as of past days count them as the sheet says
 * (counted here from the sheet's own rows, not by the code under test).
 */

const NOW = '2021-01-04T09:00:00+08:00';
const DOC_A = { documentNumber: '国开发〔2019〕1号', issuedOn: '2019-01-02', source: '国家反馈' };
const DOC_B = { documentNumber: '皖扶贫〔2019〕8号', issuedOn: '2019-03-01', source: '省级查摆' };

/** The ledger as the sheet has it: one line per item. `deadline` as the sheet writes it, `due` the day it means. */
type Item = {
  doc: typeof DOC_A;
  number: string;
  description: string;
  units: string[];
  coUnits: string;
  person: string;
  deadline: string;
  due: string | null;
  raisedOn: string;
  state: string;
  closed: boolean;
  closedOn: string | null;
};
const items: Item[] = [
  {
    doc: DOC_A,
    number: '1',
    description: '扶贫资金拨付滞后，3个村未按时到账',
    units: ['衡山镇'],
    coUnits: '',
    person: '王明',
    deadline: '2019-06-30',
    due: '2019-06-30',
    raisedOn: '2019-01-10',
    state: '已办结',
    closed: true,
    closedOn: '2019-05-20',
  },
  {
    doc: DOC_A,
    number: '2',
    description: '易地搬迁后续产业未落实',
    units: ['衡山镇', '佛子岭镇'],
    coUnits: '县财政局',
    person: '李华',
    deadline: '2019-09-30',
    due: '2019-09-30',
    raisedOn: '2019-01-10',
    state: '正在办理',
    closed: false,
    closedOn: null,
  },
  {
    doc: DOC_A,
    number: '3',
    description: '危房改造验收不严',
    units: ['佛子岭镇'],
    coUnits: '',
    person: '赵强',
    deadline: '2019-03-31',
    due: '2019-03-31',
    raisedOn: '2019-01-10',
    state: '未整改',
    closed: false,
    closedOn: null,
  },
  {
    doc: DOC_A,
    number: '4',
    description: '帮扶干部走访不实',
    units: ['佛子岭镇'],
    coUnits: '',
    person: '赵强',
    deadline: '长期坚持',
    due: null,
    raisedOn: '2019-02-15',
    state: '持续整改',
    closed: false,
    closedOn: null,
  },
  {
    doc: DOC_A,
    number: '5',
    description: '光伏收益分配不规范',
    units: ['县财政局'],
    coUnits: '',
    person: '周平',
    deadline: '6月底前',
    due: '2019-06-30',
    raisedOn: '2019-02-15',
    state: '完成整改',
    closed: true,
    closedOn: '2019-08-15',
  },
  {
    doc: DOC_A,
    number: '6',
    description: '饮水工程管护缺位',
    units: ['衡山镇'],
    coUnits: '',
    person: '王明',
    deadline: '30天',
    due: '2019-05-01',
    raisedOn: '2019-04-01',
    state: '已整改',
    closed: true,
    closedOn: '2019-04-25',
  },
  {
    doc: DOC_B,
    number: '1',
    description: '教育资助漏发',
    units: ['衡山镇'],
    coUnits: '',
    person: '王明',
    deadline: '2019-12-31',
    due: '2019-12-31',
    raisedOn: '2019-03-05',
    state: '未启动',
    closed: false,
    closedOn: null,
  },
  {
    doc: DOC_B,
    number: '2',
    description: '低保动态管理滞后',
    units: ['佛子岭镇'],
    coUnits: '',
    person: '赵强',
    deadline: '2019-10-31',
    due: '2019-10-31',
    raisedOn: '2019-03-05',
    state: '基本完成',
    closed: false,
    closedOn: null,
  },
];

const HEADER = [
  '序号',
  '问题来源',
  '文号',
  '原编号',
  '问题描述',
  '责任单位',
  '配合单位',
  '责任人',
  '整改时限',
  '交办日期',
  '整改状态',
  '销号时间',
];

/** The clean shape: one header row, one line per item, ISO dates. */
async function cleanWorkbook(rows: Item[] = items): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('整改台账');
  sheet.addRow(HEADER);
  rows.forEach((item, index) =>
    sheet.addRow([
      index + 1,
      item.doc.source,
      item.doc.documentNumber,
      item.number,
      item.description,
      item.units.join('、'),
      item.coUnits,
      item.person,
      item.deadline,
      item.raisedOn,
      item.state,
      item.closedOn ?? '',
    ]),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** 2019-01-10 written each way offices write it, one way per row in turn. */
function messyDate(day: string, index: number): ExcelJS.CellValue {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const fullWidth = (s: string) => s.replace(/[0-9-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  switch (index % 5) {
    case 0:
      return `${y}.${m}.${d}`;
    case 1:
      return `${y}年${m}月${d}日`;
    case 2:
      return new Date(Date.UTC(y, m - 1, d));
    case 3:
      return (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000; // an Excel serial day
    default:
      return fullWidth(day);
  }
}

/**
 * The same list as an office keeps it: a title row, a header merged over two rows (整改情况 over
 * 整改状态 and 销号时间), a group row per document with its 问题来源 and 文号 merged down the group,
 * dates written every which way, trailing spaces, and notes under the table.
 */
async function messyWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.getCell('A1').value = '霍山县脱贫攻坚问题整改台账（2019年）';
  sheet.mergeCells('A1:L1');
  const top = ['序号', '问题来源', '文号', '原编号', '问题描述', '牵头单位', '配合单位', '责任人', '整改时限', '交办日期', '整改情况', ''];
  sheet.getRow(2).values = top;
  sheet.getRow(3).values = ['', '', '', '', '', '', '', '', '', '', '整改状态', '销号时间'];
  for (const column of 'ABCDEFGHIJ') sheet.mergeCells(`${column}2:${column}3`);
  sheet.mergeCells('K2:L2');
  let row = 4;
  let index = 0;
  for (const [heading, doc] of [
    ['一、国家反馈问题', DOC_A],
    ['二、省级查摆问题', DOC_B],
  ] as const) {
    sheet.getCell(`A${row}`).value = `${heading}（${doc.documentNumber}）`;
    sheet.mergeCells(`A${row}:L${row}`);
    row += 1;
    const group = items.filter((i) => i.doc === doc);
    const first = row;
    for (const item of group) {
      sheet.getRow(row).values = [
        String(index + 1),
        row === first ? doc.source : null,
        row === first ? doc.documentNumber : null,
        ` ${item.number} `,
        `${item.description}  `,
        item.units.join('、'),
        item.coUnits,
        `${item.person} `,
        item.due && item.deadline === item.due ? messyDate(item.due, index + 1) : item.deadline,
        messyDate(item.raisedOn, index),
        ` ${item.state}`,
        item.closedOn ? messyDate(item.closedOn, index + 2) : null,
      ];
      row += 1;
      index += 1;
    }
    sheet.mergeCells(`B${first}:B${row - 1}`);
    sheet.mergeCells(`C${first}:C${row - 1}`);
  }
  sheet.getCell(`A${row}`).value = `合计：${items.length}项`;
  sheet.getCell(`A${row + 1}`).value = '填报人：张三        审核人：李四';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('bringing in an existing ledger (迁移导入)', () => {
  let server: TestServer;
  let office: string;
  const unitIds = new Map<string, string>();

  async function importWorkbook(
    bytes: Buffer,
    name = '整改台账.xlsx',
    query = `mutation($f: File!) { importProblems(file: $f) { created alreadyImported problems { id ledgerNumber status } } }`,
  ) {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query, variables: { f: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob([new Uint8Array(bytes)]), name);
    const response = await fetch(`${server.url}/graphql`, { method: 'POST', body: form, headers: bearer(office) });
    return (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
  }

  const mapAsOf = (asOf: string, knownOn?: string) =>
    server.gql(
      `query($asOf: String, $knownOn: String) { battleMap(asOf: $asOf, knownOn: $knownOn) {
        tally { total { count } open { count } closed { count } }
        monthly { month opened closed }
      } }`,
      { asOf, knownOn: knownOn ?? null },
      bearer(office),
    );

  beforeAll(async () => {
    server = await startTestServer({
      store: await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions)),
      clock: () => NOW,
      notifications: false,
    });
    for (const [name, kind] of [
      ['衡山镇', 'township'],
      ['佛子岭镇', 'township'],
      ['县财政局', 'department'],
      ['县住建局', 'department'],
    ] as const)
      unitIds.set(name, await addUnit(server, name, kind));
    office = await tokenFor(server, ['office']);
    for (const [doc, title] of [
      [DOC_A, '关于反馈脱贫攻坚成效考核发现问题的通知'],
      [DOC_B, '关于省级交叉检查发现问题的通报'],
    ] as const) {
      const registered = await server.gql(
        `mutation($n: String!, $d: String!, $t: String!) { registerSourceDocument(issuingBody: "上级", title: $t, documentNumber: $n, issuedOn: $d) { document { id } } }`,
        { n: doc.documentNumber, d: doc.issuedOn, t: title },
        bearer(office),
      );
      expect(registered.errors).toBeUndefined();
    }
  }, 60_000);
  afterAll(() => server.stop());

  it('refuses a list with a 交办日期 after today, one before its document’s date and a 销号时间 before its 交办日期, naming row and column, and imports nothing', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const bad = [
      { ...items[0]!, raisedOn: '2021-02-01' },
      { ...items[1]!, raisedOn: '2018-12-20' },
      { ...items[5]!, closedOn: '2019-03-30' },
      items[2]!,
    ];
    const result = await importWorkbook(await cleanWorkbook(bad));
    expect(result.errors?.[0]?.extensions?.code).toBe('IMPORT_REFUSED');
    const issues = (result.errors![0]!.extensions!.issues as { row: number; column: string; columnLetter: string; code: string }[]).map(
      ({ row, column, columnLetter, code }) => ({ row, column, columnLetter, code }),
    );
    expect(issues).toEqual([
      { row: 2, column: '交办日期', columnLetter: 'J', code: 'RAISED_ON_IN_FUTURE' },
      { row: 3, column: '交办日期', columnLetter: 'J', code: 'RAISED_BEFORE_DOCUMENT' },
      { row: 4, column: '销号时间', columnLetter: 'L', code: 'CLOSED_BEFORE_RAISE' },
    ]);
    expect(await server.store.headPosition()).toBe(head);
  });

  it('brings in the clean list with every item’s state and original dates, as migrated facts', async () => {
    const result = await importWorkbook(await cleanWorkbook());
    expect(result.errors).toBeUndefined();
    expect(result.data.importProblems.created).toBe(items.length);
    const statuses = result.data.importProblems.problems.map((p: { status: string }) => p.status);
    const expected = items.map((i) => (i.closed ? 'closed' : i.state === '未整改' || i.state === '未启动' ? 'assigned' : 'rectifying'));
    expect(statuses).toEqual(expected);
    // The items' raise years and dates as the sheet says: numbered in 2019's sequences, closed on their 销号时间.
    const ledger = await server.gql(
      `{ problems(first: 100) { edges { node { ledgerNumber raisedOn deadline closedOn migratedFrom
        responsibleUnit { id } coResponsibleUnits { id } } } } }`,
      {},
      bearer(office),
    );
    expect(ledger.errors).toBeUndefined();
    const byNumber = new Map<string, any>(
      ledger.data!.problems.edges.map(({ node }: { node: { ledgerNumber: string } }) => [node.ledgerNumber, node]),
    );
    const problems = result.data.importProblems.problems as { ledgerNumber: string }[];
    items.forEach((item, index) => {
      const p = byNumber.get(problems[index]!.ledgerNumber);
      expect(p.ledgerNumber).toMatch(item.doc === DOC_A ? /^GJ-2019-/ : /^SJ-2019-/);
      expect(p.raisedOn).toBe(item.raisedOn);
      expect(p.deadline).toBe(item.due);
      expect(p.closedOn).toBe(item.closedOn);
      expect(p.migratedFrom).toMatch(/^[0-9a-f]{64}$/);
      // 牵头单位 the first of 责任单位; 配合单位 the others there, then those of 配合单位.
      expect(p.responsibleUnit.id).toBe(unitIds.get(item.units[0]!));
      const coUnits = [...item.units.slice(1), ...(item.coUnits ? [item.coUnits] : [])];
      expect(p.coResponsibleUnits).toEqual(coUnits.map((name) => ({ id: unitIds.get(name) })));
    });
  });

  it('counts them on the wall as of past days as the sheet says, and not as known before the import', async () => {
    for (const day of ['2019-01-31', '2019-02-20', '2019-04-30', '2019-06-30', '2019-12-31']) {
      const raised = items.filter((i) => i.raisedOn <= day);
      const closed = items.filter((i) => i.closedOn !== null && i.closedOn <= day);
      const { data, errors } = await mapAsOf(`${day}T23:00:00+08:00`);
      expect(errors).toBeUndefined();
      expect(data!.battleMap.tally.total.count, day).toBe(raised.length);
      expect(data!.battleMap.tally.closed.count, day).toBe(closed.length);
      expect(data!.battleMap.tally.open.count, day).toBe(raised.length - closed.length);
      const months = new Map<string, { month: string; opened: number; closed: number }>();
      for (const i of raised) {
        const m = months.get(i.raisedOn.slice(0, 7)) ?? { month: i.raisedOn.slice(0, 7), opened: 0, closed: 0 };
        m.opened += 1;
        months.set(m.month, m);
      }
      for (const i of closed) {
        const m = months.get(i.closedOn!.slice(0, 7)) ?? { month: i.closedOn!.slice(0, 7), opened: 0, closed: 0 };
        m.closed += 1;
        months.set(m.month, m);
      }
      expect(data!.battleMap.monthly, day).toEqual([...months.values()].sort((a, b) => (a.month < b.month ? -1 : 1)));
    }
    // As known on the day before the import, the ledger held none of it.
    const known = await mapAsOf(NOW, '2021-01-03T12:00:00+08:00');
    expect(known.errors).toBeUndefined();
    expect(known.data!.battleMap.tally.total.count).toBe(0);
  });

  it('scores them as of a past day as the sheet says: each unit’s problems found by then, led or helped on (配合)', async () => {
    const day = '2019-03-31';
    const { data, errors } = await server.gql(
      `query($asOf: String) { scorecards(year: 2019, asOf: $asOf) { unit { id } lines { rule ledgerNumber points } } }`,
      { asOf: `${day}T23:00:00+08:00` },
      bearer(office),
    );
    expect(errors).toBeUndefined();
    const found = (name: string) =>
      data!.scorecards
        .find((c: { unit: { id: string } }) => c.unit.id === unitIds.get(name))
        .lines.filter((l: { rule: string }) => l.rule === 'problem_found') as { ledgerNumber: string; points: number }[];
    const coUnitsOf = (i: Item) => [...i.units.slice(1), ...(i.coUnits ? [i.coUnits] : [])];
    for (const name of ['衡山镇', '佛子岭镇']) {
      const led = items.filter((i) => i.units[0] === name && i.raisedOn <= day).length;
      const helped = items.filter((i) => coUnitsOf(i).includes(name) && i.raisedOn <= day).length;
      expect(found(name).length, name).toBe(led + helped);
    }
    // Item 2 (衡山镇 leads, 佛子岭镇 and 县财政局 help): each co-responsible unit bears half (the default share) of the lead's line.
    const lead = found('衡山镇');
    const helpedOn = found('佛子岭镇').filter((l) => lead.some((m) => m.ledgerNumber === l.ledgerNumber));
    expect(helpedOn).toHaveLength(1);
    const leadPoints = lead.find((l) => l.ledgerNumber === helpedOn[0]!.ledgerNumber)!.points;
    expect(leadPoints).toBeLessThan(0);
    expect(helpedOn[0]!.points).toBe(leadPoints / 2);
    expect(found('县财政局').find((l) => l.ledgerNumber === helpedOn[0]!.ledgerNumber)?.points).toBe(leadPoints / 2);
  });

  it('adds nothing when the same list comes again, in the same shape or in the office’s messy one', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const again = await importWorkbook(await cleanWorkbook());
    expect(again.errors).toBeUndefined();
    expect(again.data.importProblems).toMatchObject({ created: 0, alreadyImported: items.length });
    // Read as the sheet means it: two group headings and two notes left out, every row's dates, units and words as written.
    const preview = await importWorkbook(
      await messyWorkbook(),
      '台账（报送版）.xlsx',
      `mutation($f: File!) { previewImport(file: $f) {
        issues { row column code } skipped { row reason }
        rows { row raisedOn deadline closedOn originalNumber migratedStatus unitName otherUnits coResponsibleUnits { name }
          deadlineTerm alreadyImported } } }`,
    );
    expect(preview.errors).toBeUndefined();
    expect(preview.data.previewImport.issues).toEqual([]);
    expect(preview.data.previewImport.skipped).toEqual([
      { row: 4, reason: 'group_heading' },
      { row: 11, reason: 'group_heading' },
      { row: 14, reason: 'note' },
      { row: 15, reason: 'note' },
    ]);
    expect(preview.data.previewImport.rows.map((r: Record<string, unknown>) => ({ ...r, row: undefined }))).toEqual(
      items.map((i) => ({
        row: undefined,
        raisedOn: i.raisedOn,
        deadline: i.due,
        closedOn: i.closedOn,
        originalNumber: i.number,
        migratedStatus: i.closed ? 'closed' : i.state === '未整改' || i.state === '未启动' ? 'open' : 'rectifying',
        unitName: i.units[0],
        otherUnits: [...i.units.slice(1), ...(i.coUnits ? [i.coUnits] : [])].join('、') || null,
        coResponsibleUnits: [...i.units.slice(1), ...(i.coUnits ? [i.coUnits] : [])].map((name) => ({ name })),
        deadlineTerm: i.due !== null && i.deadline === i.due ? null : i.deadline,
        alreadyImported: true,
      })),
    );
    const messy = await importWorkbook(await messyWorkbook(), '台账（报送版）.xlsx');
    expect(messy.errors).toBeUndefined();
    expect(messy.data.importProblems).toMatchObject({ created: 0, alreadyImported: items.length });
    expect(messy.data.importProblems.problems.map((p: { id: string }) => p.id)).toEqual(
      again.data.importProblems.problems.map((p: { id: string }) => p.id),
    );
    expect(await server.store.headPosition()).toBe(head);
  });
  /** A problem list without 整改状态 (plain import): each row raised, assigned and given its deadline as recorded now. */
  async function plainList(rows: { description: string; units: string; coUnits: string }[]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('问题清单');
    sheet.addRow(['问题来源', '问题描述', '责任单位', '配合单位', '责任人', '整改时限']);
    for (const row of rows) sheet.addRow(['县级督查', row.description, row.units, row.coUnits, '王明', '2021-03-31']);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  it('assigns a plain list’s row to the first 责任单位 as lead, the others and its 配合单位 as co-responsible units', async () => {
    const result = await importWorkbook(
      await plainList([{ description: '农村危房改造档案不全', units: '衡山镇、佛子岭镇', coUnits: '县住建局' }]),
      '问题清单.xlsx',
      `mutation($f: File!) { importProblems(file: $f) { created problems { id status responsibleUnit { name } coResponsibleUnits { name } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.importProblems.created).toBe(1);
    const [problem] = result.data.importProblems.problems;
    expect(problem).toMatchObject({
      status: 'assigned',
      responsibleUnit: { name: '衡山镇' },
      coResponsibleUnits: [{ name: '佛子岭镇' }, { name: '县住建局' }],
    });
    // In the queue of a co-responsible unit (配合), not only on the item.
    const queue = await server.gql(
      `query($u: ID) { problems(unitId: $u, first: 100) { edges { node { id } } } }`,
      { u: unitIds.get('县住建局') },
      bearer(office),
    );
    expect(queue.errors).toBeUndefined();
    expect(queue.data!.problems.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([problem.id]);
  });

  it('refuses a list naming an unknown 配合单位, or an unknown unit after the first 责任单位, naming the cell, and imports nothing', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const result = await importWorkbook(
      await plainList([
        { description: '村级公益岗位管理不规范', units: '衡山镇', coUnits: '县住建局、县水务局' },
        { description: '产业奖补资金发放不及时', units: '佛子岭镇、黑石渡镇', coUnits: '' },
        { description: '防返贫监测不及时', units: '衡山镇', coUnits: '衡山镇' },
      ]),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('IMPORT_REFUSED');
    const issues = (
      result.errors![0]!.extensions!.issues as { row: number; column: string; columnLetter: string; code: string; value: string }[]
    ).map(({ row, column, columnLetter, code, value }) => ({ row, column, columnLetter, code, value }));
    expect(issues).toEqual([
      { row: 2, column: '配合单位', columnLetter: 'D', code: 'UNKNOWN_UNIT', value: '县住建局、县水务局' },
      { row: 3, column: '责任单位', columnLetter: 'C', code: 'UNKNOWN_UNIT', value: '佛子岭镇、黑石渡镇' },
      { row: 4, column: '配合单位', columnLetter: 'D', code: 'CO_RESPONSIBLE_IS_LEAD', value: '衡山镇' },
    ]);
    expect((result.errors![0]!.extensions!.issues as { message: string }[])[0]!.message).toContain('县水务局');
    expect(await server.store.headPosition()).toBe(head);
  });
});
