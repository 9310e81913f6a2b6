import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { OFFICE_NAV, openDesktopPage, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';
import { xlsxSheets } from '../support/officeFiles.js';

/**
 * Where problems come from, in the browser: the office registers a superior's document, raises items
 * of it with their 原编号 and a past 交办日期 (one assigned, one fixed on the spot with a file), and
 * finds them on the document's reconciliation page (对账) and in its .xlsx; a unit head reports a
 * problem of their own unit (自查上报) from 我的事项 and finds it in their queue as ZC-….
 * The server's clock stands on 10 March 2019.
 */
const now = '2019-03-10T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', head: '' };
const units = { a: '', b: '' };

const DOCUMENT = {
  issuingBody: '国务院扶贫开发领导小组',
  title: '关于2018年脱贫攻坚成效考核反馈问题的通报',
  documentNumber: '国开发〔2019〕1号',
  issuedOn: '2019-01-02',
};

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

const navLinks = () => page.locator('header nav a').allTextContents();
const raiseForm = () => page.locator('form[data-form="raise"]');

/** Fills the raise form for an item of the document; `unit` assigns it at once. */
async function fillRaise(item: { originalNumber: string; raisedOn: string; description: string; unit?: string; person?: string }) {
  const form = raiseForm();
  await form.getByLabel('问题来源').selectOption({ label: '国家反馈' });
  await form.getByLabel('问题类别').selectOption({ label: '住房安全' });
  await form.getByLabel('问题描述').fill(item.description);
  await form.getByLabel('来源文件（可选）').selectOption({ label: `${DOCUMENT.documentNumber} ${DOCUMENT.title}（${DOCUMENT.issuedOn}）` });
  await form.getByLabel('原编号').fill(item.originalNumber);
  await form.getByLabel('交办日期').fill(item.raisedOn);
  if (item.unit) {
    await form.getByLabel('交办给（可选）').selectOption({ label: item.unit });
    await form.getByLabel('责任人').fill(item.person ?? '');
  }
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  const unit = async (name: string) =>
    (await ok(`mutation($n: String!) { registerUnit(name: $n, kind: township) { unit { id } } }`, { n: name }, admin)).registerUnit.unit
      .id as string;
  units.a = await unit('诸佛庵镇');
  units.b = await unit('落儿岭镇');
  tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  tokens.head = await logIn(server, (await addUser(server, { roles: ['unit_head'], unitId: units.a })).login);
  ({ browser, page } = await openDesktopPage({ acceptDownloads: true }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('source documents, raising and 对账 in the web app', () => {
  it('the office registers a source document', async () => {
    await signInPage(page, server.url, tokens.office, '/documents');
    await page.getByRole('heading', { name: '来源文件', level: 1 }).waitFor();
    await page.getByText('还没有登记来源文件。').waitFor();
    await page.locator('button[data-action="register-document"]').click();
    const form = page.locator('form[data-form="register-document"]');
    await form.getByLabel('发文机关').fill(DOCUMENT.issuingBody);
    await form.getByLabel('文件标题').fill(DOCUMENT.title);
    await form.getByLabel('文号').fill(DOCUMENT.documentNumber);
    await form.getByLabel('成文日期').fill(DOCUMENT.issuedOn);
    await form.locator('button[type="submit"]').click();
    await page.locator('[data-registered]').waitFor();
    // The list reloads after the registration: wait for the new row, then read it.
    const row = page.locator(`tr[data-document="${DOCUMENT.documentNumber}"]`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      DOCUMENT.documentNumber,
      DOCUMENT.title,
      DOCUMENT.issuingBody,
      DOCUMENT.issuedOn,
      '对账',
    ]);
    const { sourceDocuments } = await ok(`{ sourceDocuments { documentNumber issuedOn } }`, {}, tokens.office);
    expect(sourceDocuments).toEqual([{ documentNumber: DOCUMENT.documentNumber, issuedOn: DOCUMENT.issuedOn }]);
  });

  it('the office raises past-dated items of the document with their 原编号; a future 交办日期 and a second raise of one 原编号 are refused in words', async () => {
    await page.getByRole('link', { name: '登记问题' }).click();
    await page.getByRole('heading', { name: '登记问题', level: 1 }).waitFor();
    expect(await navLinks()).toEqual(OFFICE_NAV);
    // 县自查 (split in three) and 自查上报 (the unit head's) are not offered.
    const sources = await raiseForm().getByLabel('问题来源').locator('option:not([disabled])').allTextContents();
    expect(sources).toContain('督查暗访');
    expect(sources).not.toContain('县自查');
    expect(sources).not.toContain('自查上报');

    // After the server's today (10 March 2019): refused, nothing raised.
    await fillRaise({
      originalNumber: '3',
      raisedOn: '2019-03-20',
      description: '黄河村3户危房未改造',
      unit: '诸佛庵镇',
      person: '王镇长',
    });
    await raiseForm().locator('button[type="submit"]').click();
    const refused = page.locator('[data-error-code="RAISED_ON_IN_FUTURE"]');
    await refused.waitFor();
    expect(await refused.textContent()).toBe('交办日期不能晚于今天。');

    await raiseForm().getByLabel('交办日期').fill('2019-01-15');
    await raiseForm().locator('button[type="submit"]').click();
    // The ledger number is of the year of the 交办日期, and the first of its source.
    await page.locator('[data-raised="GJ-2019-001"]').waitFor();

    // Item 1, fixed on the spot (立行立改) by 落儿岭镇, with its evidence and a file.
    await fillRaise({
      originalNumber: '1',
      raisedOn: '2019-02-01',
      description: '东山村饮水工程未通水',
      unit: '落儿岭镇',
      person: '陈镇长',
    });
    await raiseForm().getByLabel('立行立改：已当场整改').check();
    await raiseForm().getByLabel('整改情况说明').fill('已当场接通水管');
    await raiseForm()
      .getByLabel('佐证材料（可多选）')
      .setInputFiles({ name: '通水照片.txt', mimeType: 'text/plain', buffer: Buffer.from('照片') });
    await raiseForm().locator('button[type="submit"]').click();
    await page.locator('[data-raised="GJ-2019-002"]').waitFor();

    // 原编号 3 again: refused, naming the item it is already.
    await fillRaise({ originalNumber: '3', raisedOn: '2019-01-15', description: '黄河村危房（重复）' });
    await raiseForm().locator('button[type="submit"]').click();
    const again = page.locator('[data-error-code="SOURCE_ITEM_ALREADY_RAISED"]');
    await again.waitFor();
    expect(await again.textContent()).toBe('来源文件的这一编号已经登记过，台账编号 GJ-2019-001。');

    const { problems } = await ok(
      `{ problems(first: 10) { edges { node { ledgerNumber source raisedOn status responsibleUnit { id } responsiblePerson history { type data } } } } }`,
      {},
      tokens.office,
    );
    const byNumber = Object.fromEntries(problems.edges.map((e: { node: { ledgerNumber: string } }) => [e.node.ledgerNumber, e.node]));
    expect(Object.keys(byNumber).sort()).toEqual(['GJ-2019-001', 'GJ-2019-002']);
    expect(byNumber['GJ-2019-001']).toMatchObject({
      source: 'national_feedback',
      raisedOn: '2019-01-15',
      status: 'assigned',
      responsibleUnit: { id: units.a },
      responsiblePerson: '王镇长',
    });
    expect(byNumber['GJ-2019-002']).toMatchObject({
      raisedOn: '2019-02-01',
      status: 'awaiting_verification',
      responsibleUnit: { id: units.b },
    });
    // 立行立改: raised, assigned, acknowledged and reported fixed in one raise, with the evidence and its uploaded file.
    const history = byNumber['GJ-2019-002'].history as { type: string; data: any }[];
    expect(history.map((e) => e.type)).toEqual(['ProblemRaised', 'ProblemAssigned', 'AssignmentAcknowledged', 'RectificationReported']);
    const { evidence } = history[3]!.data;
    expect([evidence.description, evidence.files.map((f: { name: string }) => f.name)]).toEqual(['已当场接通水管', ['通水照片.txt']]);
  }, 60_000);

  it('the document’s reconciliation page lists its items by 原编号 with totals, and downloads them as .xlsx', async () => {
    await page.getByRole('link', { name: '来源文件' }).click();
    await page.locator(`tr[data-document="${DOCUMENT.documentNumber}"]`).getByRole('link', { name: '对账' }).click();
    await page.getByRole('heading', { name: `对账：${DOCUMENT.documentNumber}`, level: 1 }).waitFor();
    const rows = page.locator('table[data-reconciliation] tbody tr');
    await rows.first().waitFor();
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('td'), (td) => td.querySelector('[data-status]')?.getAttribute('data-status') ?? td.textContent),
      ),
    );
    expect(cells).toEqual([
      ['1', 'GJ-2019-002', '东山村饮水工程未通水', '落儿岭镇', '2019-02-01', 'awaiting_verification', '—', '—'],
      ['3', 'GJ-2019-001', '黄河村3户危房未改造', '诸佛庵镇', '2019-01-15', 'assigned', '—', '—'],
    ]);
    const total = (name: string) => page.locator(`[data-total="${name}"]`).textContent();
    expect(await total('items')).toBe('2');
    expect(await total('closed')).toBe('0');
    expect(await total('assigned')).toBe('1');
    expect(await total('awaiting_verification')).toBe('1');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-download="xlsx"]').click()]);
    expect(download.suggestedFilename()).toMatch(/对账表\.xlsx$/);
    const [sheet] = await xlsxSheets(readFileSync((await download.path())!));
    const [header, ...lines] = sheet!.rows;
    expect(header).toEqual(['序号', '原编号', '问题描述', '责任单位', '整改时限', '整改状态', '销号时间', '台账编号']);
    expect(lines.map((line) => [line[0], line[1], line[3], line[7]])).toEqual([
      [1, '1', '落儿岭镇', 'GJ-2019-002'],
      [2, '3', '诸佛庵镇', 'GJ-2019-001'],
    ]);
  }, 60_000);

  it('a unit head reports a problem of their own unit (自查上报) and finds it in their queue as ZC-…', async () => {
    await signInPage(page, server.url, tokens.head, '/mine');
    await page.getByRole('heading', { name: '我的事项', level: 1 }).waitFor();
    expect(await navLinks()).toEqual(['整改台账', '我的事项', '月通报', '本单位考核']);
    await page.locator('button[data-action="self-report"]').click();
    const form = page.locator('form[data-form="self-report"]');
    await form.getByLabel('问题类别').selectOption({ label: '道路' });
    await form.getByLabel('问题描述').fill('本镇自查发现：通组道路护栏缺失');
    await form.getByLabel('责任人').fill('李镇长');
    await form.getByLabel('发现日期').fill('2019-03-01');
    await form.locator('button[type="submit"]').click();
    await page.locator('[data-reported="ZC-2019-001"]').waitFor();
    // Acknowledged at once, no plan yet: it waits for the unit.
    await page.locator('[data-queue="waiting"] tr[data-ledger-number="ZC-2019-001"]').waitFor();

    const { problems } = await ok(
      `{ problems(first: 10) { edges { node { ledgerNumber source raisedOn status responsibleUnit { id } responsiblePerson } } } }`,
      {},
      tokens.office,
    );
    expect(problems.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      ledgerNumber: 'ZC-2019-001',
      source: 'unit_self_report',
      raisedOn: '2019-03-01',
      status: 'rectifying',
      responsibleUnit: { id: units.a },
      responsiblePerson: '李镇长',
    });
  }, 60_000);

  it('the raise form and the self-report read in English', async () => {
    await page.locator('button[data-lang="en"]').click();
    await page.locator('button[data-action="self-report"]').click();
    await page.getByRole('heading', { name: 'Report our own problem', level: 2 }).waitFor();
    expect(await page.locator('form[data-form="self-report"]').textContent()).toContain('its ledger number begins with ZC');
    await signInPage(page, server.url, tokens.office, '/raise');
    await page.getByRole('heading', { name: 'Raise a problem', level: 1 }).waitFor();
    await raiseForm().getByLabel('Handed down on').waitFor();
    await page.locator('button[data-lang="zh"]').click();
  });
  it('the raise form and the reconciliation page fit a phone’s width', async () => {
    const { sourceDocuments } = await ok(`{ sourceDocuments { id } }`, {}, tokens.office);
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    phone.setDefaultTimeout(10_000);
    for (const [path, heading] of [
      ['/raise', '登记问题'],
      [`/documents/${sourceDocuments[0].id}`, `对账：${DOCUMENT.documentNumber}`],
    ] as const) {
      await signInPage(phone, server.url, tokens.office, path);
      await phone.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    }
    await phone.close();
  });
});
