import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, bearer, tokenFor } from '../support/accounts.js';
import { launchBrowser, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * An item brought in from an office's earlier ledger (迁移导入) says so on its page, beside the
 * dates the ledger recorded.
 */
let server: TestServer;
let browser: Browser;
let page: Page;
let office: string;

async function importLedger(): Promise<{ id: string; ledgerNumber: string }[]> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('整改台账');
  sheet.addRow(['序号', '问题来源', '文号', '原编号', '问题描述', '责任单位', '责任人', '整改时限', '交办日期', '整改状态', '销号时间']);
  sheet.addRow([
    1,
    '国家反馈',
    '国开发〔2019〕1号',
    '1',
    '扶贫资金拨付滞后',
    '衡山镇',
    '王明',
    '2019-06-30',
    '2019-01-10',
    '已办结',
    '2019-05-20',
  ]);
  const form = new FormData();
  const query = 'mutation($f: File!) { importProblems(file: $f) { problems { id ledgerNumber } } }';
  form.append('operations', JSON.stringify({ query, variables: { f: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', new Blob([new Uint8Array(await workbook.xlsx.writeBuffer())]), '台账.xlsx');
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', body: form, headers: bearer(office) });
  const result = (await response.json()) as { data?: any; errors?: unknown[] };
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data.importProblems.problems;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => '2021-01-04T09:00:00+08:00' });
  await addUnit(server, '衡山镇');
  await addUnit(server, '佛子岭镇');
  await addUnit(server, '县住建局', 'department');
  office = await tokenFor(server, ['office']);
  const registered = await server.gql(
    `mutation { registerSourceDocument(issuingBody: "国务院扶贫办", title: "反馈问题", documentNumber: "国开发〔2019〕1号", issuedOn: "2019-01-02") { document { id } } }`,
    {},
    bearer(office),
  );
  if (registered.errors) throw new Error(JSON.stringify(registered.errors));
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await signInPage(page, server.url, office);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('an item migrated from an earlier ledger', () => {
  it('the import page shows each row’s state and dates as the ledger has them, and the rows it leaves out', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('台账');
    sheet.addRow(['霍山县问题整改台账']);
    const header = ['序号', '问题来源', '文号', '原编号', '问题描述', '牵头单位', '配合单位', '责任人', '整改时限', '交办日期', '整改状态'];
    sheet.addRow([...header, '销号时间']);
    sheet.addRow(['一、国家反馈问题']);
    sheet.addRow([
      1,
      '国家反馈',
      '国开发〔2019〕1号',
      '2',
      '危房改造验收不严',
      '衡山镇、佛子岭镇',
      '县住建局',
      '王明',
      '6月底前',
      '2019年1月10日',
      '正在办理',
      '',
    ]);
    sheet.addRow(['填报人：张三']);
    await page.goto(`${server.url}/import`);
    await page.locator('input[name="file"]').setInputFiles({
      name: '台账.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await workbook.xlsx.writeBuffer()),
    });
    await page.getByRole('button', { name: '检查' }).click();
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    const cells = await preview.locator('tbody tr td').allTextContents();
    expect(cells).toContain('2019-06-30 (6月底前)');
    expect(cells).toContain('2019-01-10');
    expect(cells).toContain('整改中');
    // 牵头单位 first; beside it the 配合单位 (the others of 牵头单位, then 配合单位).
    expect(await preview.locator('[data-co-units]').textContent()).toBe('配合：佛子岭镇、县住建局');
    expect(await page.getByTestId('import-skipped').textContent()).toBe('略过 2 行分组标题或备注（第 3、5 行）。');
  });

  it('says 迁移导入 on its page, with the ledger’s own raise and 销号 days', async () => {
    const [item] = await importLedger();
    await page.goto(`${server.url}/problems/${item!.id}`);
    await page.locator('.badge.migrated').waitFor();
    expect((await page.locator('.badge.migrated').textContent())?.trim()).toBe('迁移导入');
    expect(await page.locator('.migrated-note').textContent()).toContain('原台账');
    const facts = await page.locator('dl.facts').textContent();
    expect(facts).toContain('2019-01-10');
    expect(facts).toContain('2019-05-20');
  });
});
