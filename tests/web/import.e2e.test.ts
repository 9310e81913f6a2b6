import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { launchBrowser, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * Importing a problem list through the web app: a sheet with one bad row is refused whole with the
 * row and column named; fixed, it is imported; imported again, it adds nothing.
 */
let server: TestServer;
let browser: Browser;
let page: Page;
let office: string;

type Row = [string, string, string, string, string, string | Date];

async function problemList(rows: Row[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('问题清单');
  sheet.addRow(['霍山县脱贫攻坚问题清单（2019年第一批）']); // a title line above the header, as county sheets have
  sheet.addRow(['序号', '问题来源', '问题类别', '问题描述', '责任单位', '责任人', '整改时限']);
  rows.forEach((row, i) => sheet.addRow([i + 1, ...row]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const goodRows: Row[] = [
  ['国家反馈', '住房安全', '黄河村3户危房未改造', '磨子潭镇', '王镇长', new Date(Date.UTC(2019, 5, 30))],
  ['县自查', '饮水安全', '东山村饮水工程未通水', '', '', ''],
  ['审计', '资金使用', '产业扶贫资金拨付滞后', '县扶贫局', '李局长', '2019/7/15'],
];
const badRows: Row[] = [goodRows[0]!, goodRows[1]!, ['审计', '资金使用', '产业扶贫资金拨付滞后', '不存在镇', '李局长', '2019/7/15']];

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

async function ledger() {
  const data = await ok(
    `{ problems(first: 100) { edges { node { ledgerNumber status description deadline responsiblePerson responsibleUnit { name } } } } }`,
  );
  return data.problems.edges.map((e: { node: unknown }) => e.node);
}

/** A GraphQL multipart request, as any client (not only our page) may send it. */
async function importOverHttp(bytes: Buffer, name: string) {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: 'mutation($f: File!) { importProblems(file: $f) { created alreadyImported } }', variables: { f: null } }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', body: form, headers: bearer(office) });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions: Record<string, any> }[] };
}

async function upload(bytes: Buffer) {
  await page.goto(`${server.url}/import`);
  await page.locator('input[name="file"]').setInputFiles({
    name: '问题清单.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: bytes,
  });
  await page.getByRole('button', { name: '检查' }).click();
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => '2019-03-01T09:00:00+08:00' });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  await ok(`mutation { registerUnit(name: "磨子潭镇", kind: township) { unit { id } } }`, {}, admin);
  await ok(`mutation { registerUnit(name: "县扶贫局", kind: department) { unit { id } } }`, {}, admin);
  // Importing problem lists is the office's work.
  office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await signInPage(page, server.url, office);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('importing a problem list', () => {
  it('refuses a sheet with one bad row, naming its row and column, and imports nothing', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    await upload(await problemList(badRows));
    const issues = page.getByTestId('import-issues');
    await issues.waitFor();
    const rows = await issues.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        row: tr.getAttribute('data-row'),
        column: tr.getAttribute('data-column'),
        code: tr.getAttribute('data-code'),
        text: tr.textContent,
      })),
    );
    // Row 5: the title line is row 1, the header row 2, the third problem row 5; 责任单位 is column E.
    expect(rows).toEqual([{ row: '5', column: '责任单位', code: 'UNKNOWN_UNIT', text: '5责任单位 (E)没有名为“不存在镇”的单位' }]);
    expect(await page.getByRole('button', { name: '全部导入' }).count()).toBe(0);

    const direct = await importOverHttp(await problemList(badRows), 'list.xlsx');
    expect(direct.errors?.[0]?.extensions.code).toBe('IMPORT_REFUSED');
    expect(direct.errors?.[0]?.extensions.issues).toEqual([
      {
        row: 5,
        column: '责任单位',
        columnLetter: 'E',
        code: 'UNKNOWN_UNIT',
        message: 'There is no unit named “不存在镇”.',
        value: '不存在镇',
      },
    ]);
    expect(await server.store.headPosition()).toBe(head);
    expect(await ledger()).toEqual([]);
  });

  it('imports the fixed sheet whole: raised, and assigned with their deadlines where a unit is named', async () => {
    await upload(await problemList(goodRows));
    await page.getByTestId('import-preview').waitFor();
    expect(await page.getByTestId('import-preview').locator('p[role="status"]').textContent()).toBe(
      '检查通过：3 行将新增，0 行此前已从同一文件导入。',
    );
    await page.getByRole('button', { name: '全部导入' }).click();
    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(await result.locator('p').textContent()).toBe('导入完成：新增 3 条，已存在 0 条。');
    expect(await result.getByRole('link').allTextContents()).toEqual(['GJ-2019-001', 'XZ-2019-001', 'AU-2019-001']);

    expect(await ledger()).toEqual([
      {
        ledgerNumber: 'AU-2019-001',
        status: 'assigned',
        description: '产业扶贫资金拨付滞后',
        deadline: '2019-07-15',
        responsiblePerson: '李局长',
        responsibleUnit: { name: '县扶贫局' },
      },
      {
        ledgerNumber: 'GJ-2019-001',
        status: 'assigned',
        description: '黄河村3户危房未改造',
        deadline: '2019-06-30',
        responsiblePerson: '王镇长',
        responsibleUnit: { name: '磨子潭镇' },
      },
      {
        ledgerNumber: 'XZ-2019-001',
        status: 'raised',
        description: '东山村饮水工程未通水',
        deadline: null,
        responsiblePerson: null,
        responsibleUnit: null,
      },
    ]);
  });

  it('importing the same list again adds nothing, even saved anew (a workbook’s bytes change with every save)', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const savedAgain = await problemList(goodRows);
    await upload(savedAgain);
    await page.getByTestId('import-preview').waitFor();
    expect(await page.getByTestId('import-preview').locator('p[role="status"]').textContent()).toBe(
      '此文件的所有行此前都已导入，不会新增任何问题。',
    );
    await page.getByRole('button', { name: '全部导入' }).click();
    await page.getByTestId('import-result').waitFor();
    expect(await page.getByTestId('import-result').locator('p').textContent()).toBe('导入完成：新增 0 条，已存在 3 条。');
    expect(await server.store.headPosition()).toBe(head);
    expect((await ledger()).length).toBe(3);
    // A mutation's answer says the log position it reached (read-your-writes): here the head, nothing new.
    expect(await importOverHttp(savedAgain, 'again.xlsx')).toEqual({
      data: { importProblems: { created: 0, alreadyImported: 3 } },
      extensions: { logPosition: head },
    });
    expect(await server.store.headPosition()).toBe(head);
  });

  it('reads a CSV list too (UTF-8 with a byte-order mark, as Excel saves it)', async () => {
    const csv =
      '\uFEFF问题来源,问题类别,问题描述,责任单位,责任人,整改时限\n省级查摆,教育,"控辍保学台账不全，2人未返校",磨子潭镇,张校长,2019-09-01\n';
    const result = await importOverHttp(Buffer.from(csv, 'utf8'), 'list.csv');
    expect(result.errors).toBeUndefined();
    expect(result.data.importProblems).toEqual({ created: 1, alreadyImported: 0 });
    const added = (await ledger()).find((p: { ledgerNumber: string }) => p.ledgerNumber === 'SJ-2019-001');
    expect(added).toEqual({
      ledgerNumber: 'SJ-2019-001',
      status: 'assigned',
      description: '控辍保学台账不全，2人未返校',
      deadline: '2019-09-01',
      responsiblePerson: '张校长',
      responsibleUnit: { name: '磨子潭镇' },
    });
  });

  it('shows, below a new row, the existing problems it resembles (举一反三), and nothing below an unrelated row', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    await upload(
      await problemList([
        ['县自查', '住房安全', '白莲村2户危房未改造', '磨子潭镇', '王镇长', '2019/8/31'],
        ['审计', '资金使用', '光伏电站收益未按时分配', '', '', ''],
      ]),
    );
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    expect(await preview.locator('p.muted').first().textContent()).toBe('1 行与已有问题相似（举一反三），见各行下方。');
    // Only row 3 (the first problem row) has a list below it; row 4 resembles nothing in the ledger.
    expect(
      await preview.locator('tr[data-similar-row]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-similar-row'))),
    ).toEqual(['3']);
    const similar = preview.locator('tr[data-similar-row="3"]');
    // GJ-2019-001, 黄河村3户危房未改造: 磨子潭镇's, assigned (待签收), the same category.
    expect(await similar.locator('[data-similar]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-similar')))).toEqual([
      'GJ-2019-001',
    ]);
    const match = similar.locator('[data-similar="GJ-2019-001"]');
    expect(await match.getByRole('link').textContent()).toBe('GJ-2019-001');
    const text = await match.textContent();
    expect(text).toContain('磨子潭镇 · 待签收 · 住房安全');
    expect(text).toContain('黄河村3户危房未改造');
    expect(text).toMatch(/相似度 \d\.\d\d · 同类别 · 共同词语：.*改造/);
    expect(await match.locator('button[data-link]').count()).toBe(0);
    expect(await server.store.headPosition()).toBe(head);
  });

  it('names every kind of bad cell, and a file that is no list at all', async () => {
    const result = await importOverHttp(
      await problemList([
        ['国家', '住房安全', '来源写错', '', '', ''],
        ['国家反馈', '住房安全', '', '', '', ''],
        ['国家反馈', '住房安全', '时限写错', '磨子潭镇', '王镇长', '六月底'],
        ['国家反馈', '住房安全', '时限早于今天', '磨子潭镇', '王镇长', '2019-02-01'],
        ['国家反馈', '住房安全', '有单位无责任人', '磨子潭镇', '', ''],
      ]),
      'bad.xlsx',
    );
    const issues = result.errors?.[0]?.extensions.issues.map((i: { row: number; columnLetter: string; code: string }) => [
      i.row,
      i.columnLetter,
      i.code,
    ]);
    expect(issues).toEqual([
      [3, 'B', 'UNKNOWN_SOURCE'],
      [4, 'D', 'REQUIRED'],
      [5, 'G', 'BAD_DATE'],
      [6, 'G', 'DEADLINE_BEFORE_RAISE'],
      [7, 'F', 'REQUIRED'],
    ]);
    const notAList = await importOverHttp(Buffer.from('hello'), 'notes.txt');
    expect(notAList.errors?.[0]?.extensions.issues[0].code).toBe('MISSING_HEADER');
  });
});
