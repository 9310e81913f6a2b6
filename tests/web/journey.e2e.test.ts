import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, addUser, bearer, logIn } from '../support/accounts.js';
import { launchBrowser, screenshot, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * The item's whole life through the web app in a real browser: the office raises and assigns (over
 * GraphQL), then acknowledge, plan, progress, report fixed with an evidence file, reject once,
 * report again, pass, close — all clicked in the page. The ledger then shows it closed, and its
 * export opens in exceljs with the county's columns.
 */
let server: TestServer;
let browser: Browser;
let page: Page;
let township: string;
let bureau: string;
let problemId: string;
let ledgerNumber: string;
const LONG_UNIT = '霍山县扶贫开发领导小组办公室驻磨子潭镇黄河村脱贫攻坚帮扶工作队';
const EVIDENCE = Buffer.from('%PDF-1.4\n% 黄河村危房改造验收照片与入住登记表\n', 'utf8');
/** Each step is clicked by the one whose work it is: the office, the township's head, a verifier of the bureau. */
const tokens = { office: '', head: '', verifier: '' };
let signedInAs: keyof typeof tokens = 'office';

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = tokens.office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

async function act(
  who: keyof typeof tokens,
  action: string,
  fill: (form: ReturnType<Page['locator']>) => Promise<void>,
  expectEvent: string,
) {
  if (who !== signedInAs) {
    await signInPage(page, server.url, tokens[who], `/problems/${problemId}`);
    await page.getByRole('heading', { name: ledgerNumber }).waitFor();
    signedInAs = who;
  }
  const before = await page.locator(`li[data-event-type="${expectEvent}"]`).count();
  await page.locator(`button[data-action="${action}"]`).click();
  const form = page.locator(`form[data-form="${action}"]`);
  await fill(form);
  await form.locator('button[type="submit"]').click();
  await page.locator(`li[data-event-type="${expectEvent}"]`).nth(before).waitFor();
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => '2019-03-01T09:00:00+08:00' });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  township = (await ok(`mutation { registerUnit(name: "磨子潭镇", kind: township) { unit { id } } }`, {}, admin)).registerUnit.unit.id;
  bureau = (await ok(`mutation { registerUnit(name: "县扶贫局", kind: department) { unit { id } } }`, {}, admin)).registerUnit.unit.id;
  await ok(`mutation($n: String!) { registerUnit(name: $n, kind: work_team) { unit { id } } }`, { n: LONG_UNIT }, admin);
  await addUser(server, { roles: ['office'], login: 'chen', displayName: '县督查办 陈督查' });
  tokens.office = await logIn(server, 'chen');
  tokens.head = await logIn(server, (await addUser(server, { roles: ['unit_head'], unitId: township, displayName: '王镇长' })).login);
  tokens.verifier = await logIn(server, (await addUser(server, { roles: ['verifier'], unitId: bureau, displayName: '县扶贫局 吴' })).login);
  const raised = await ok(
    `mutation { raiseProblem(source: national_feedback, category: housing, description: "黄河村3户贫困户住房仍为C级危房，未按期完成改造") { problem { id ledgerNumber } } }`,
  );
  problemId = raised.raiseProblem.problem.id;
  ledgerNumber = raised.raiseProblem.problem.ledgerNumber;
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王镇长") { problem { id } } }`,
    {
      p: problemId,
      u: township,
    },
  );
  await ok(`mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-06-30") { problem { id } } }`, { p: problemId });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('an item’s life through the web app', () => {
  it('asks for a sign-in, then opens from the ledger, in Chinese by default', async () => {
    await page.goto(`${server.url}/`);
    const login = page.locator('form[data-form="login"]');
    await login.getByLabel('登录名').fill('chen');
    await login.getByLabel('密码').fill('wrong-password');
    await login.locator('button[type="submit"]').click();
    await page.getByText('登录名或密码不对。').waitFor();
    await login.getByLabel('密码').fill(TEST_PASSWORD);
    await login.locator('button[type="submit"]').click();
    expect(await page.locator('[data-user]').textContent()).toBe('县督查办 陈督查');
    // The office lands on the battle-map wall; the ledger is one click away.
    await page.getByRole('heading', { name: '挂图作战', level: 1 }).waitFor();
    await page.locator('header nav').getByRole('link', { name: '整改台账' }).click();
    await page.getByRole('heading', { name: '整改台账', level: 1 }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByRole('link', { name: ledgerNumber }).click();
    await page.getByRole('heading', { name: ledgerNumber }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/problems/${problemId}`);
    expect(await page.locator('[data-status]').first().textContent()).toBe('待签收');
  });

  it('acknowledge, plan, progress, report fixed with a file, reject, report again, pass and close — all in the page', async () => {
    // The office is not offered the unit's work; the township's head is.
    expect(await page.locator('button[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')))).not.toContain(
      'acknowledge',
    );
    await act('head', 'acknowledge', (f) => f.getByLabel('签收人').fill('王镇长'), 'AssignmentAcknowledged');
    await act('head', 'plan', (f) => f.getByLabel('整改措施').fill('拆除重建3户危房，6月底前入住'), 'RectificationPlanSubmitted');
    await act(
      'head',
      'progress',
      async (f) => {
        await f.getByLabel('进展情况').fill('2户已入住，1户正在装修');
        await f.getByLabel('完成百分比').fill('70');
      },
      'ProgressReported',
    );
    await act(
      'head',
      'rectified',
      async (f) => {
        await f.getByLabel('整改情况说明').fill('3户已全部入住新房');
        await f.locator('input[type="file"]').setInputFiles({ name: '入住照片.pdf', mimeType: 'application/pdf', buffer: EVIDENCE });
      },
      'RectificationReported',
    );
    await act(
      'verifier',
      'reject',
      async (f) => {
        await f.getByLabel('不通过的原因').fill('缺少入住登记表');
      },
      'VerificationRejected',
    );
    await act('head', 'rectified', (f) => f.getByLabel('整改情况说明').fill('补充了入住登记表'), 'RectificationReported');
    await act(
      'verifier',
      'pass',
      async (f) => {
        await f.getByLabel('验收意见').fill('符合要求，同意销号');
      },
      'VerificationPassed',
    );
    page.once('dialog', (dialog) => void dialog.accept());
    await act('office', 'close', async () => {}, 'ProblemClosed');

    expect(await page.locator('[data-status]').first().textContent()).toBe('已销号');
    const timeline = await page.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-event-type')));
    expect(timeline).toEqual([
      'ProblemRaised',
      'ProblemAssigned',
      'DeadlineSet',
      'AssignmentAcknowledged',
      'RectificationPlanSubmitted',
      'ProgressReported',
      'RectificationReported',
      'VerificationRejected',
      'RectificationReported',
      'VerificationPassed',
      'ProblemClosed',
    ]);
    // Who and when, on every entry.
    expect(await page.locator('ol.timeline li').first().textContent()).toContain('县督查办');
    expect(await page.locator('ol.timeline li time').first().textContent()).toContain('2019');
    // Once closed, what is left is the 回头看: confirm 巩固, or reopen; and an instruction (批示) it may call for.
    expect(await page.locator('button[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')))).toEqual([
      'confirmConsolidation',
      'reopen',
      'instruct',
    ]);
  });

  it('the evidence file is stored by its SHA-256, linked from the event, and served back unchanged', async () => {
    const sha256 = createHash('sha256').update(EVIDENCE).digest('hex');
    const data = await ok(`query($id: ID) { problem(id: $id) { history { type data } } }`, { id: problemId });
    const reports = data.problem.history.filter((e: { type: string }) => e.type === 'RectificationReported');
    expect(reports[0].data.evidence.files).toEqual([
      { name: '入住照片.pdf', sha256, size: EVIDENCE.length, contentType: 'application/pdf' },
    ]);
    expect(reports[1].data.evidence.files).toEqual([]);

    const link = page.getByRole('link', { name: '入住照片.pdf' });
    const href = await link.getAttribute('href');
    expect(href).toBe(`/files/${sha256}?name=${encodeURIComponent('入住照片.pdf')}`);
    const response = await fetch(`${server.url}${href}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await response.arrayBuffer()).equals(EVIDENCE)).toBe(true);
  });

  it('keeps screenshots of the item page in Chinese and in English', async () => {
    await page.reload();
    await page.getByRole('heading', { name: ledgerNumber }).waitFor();
    const zh = await screenshot(page, 'item-zh');
    await page.locator('button[data-lang="en"]').click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('[data-status]').first().textContent()).toBe('Closed');
    const en = await screenshot(page, 'item-en');
    expect(readFileSync(zh).length).toBeGreaterThan(10_000);
    expect(readFileSync(en).length).toBeGreaterThan(10_000);
    await page.locator('button[data-lang="zh"]').click();
  });

  it('the ledger shows it closed (已销号) with its closing day, and filters by status', async () => {
    await page.goto(`${server.url}/ledger?status=closed`);
    const row = page.locator(`tr[data-ledger-number="${ledgerNumber}"]`);
    await row.waitFor();
    // Closed and awaiting its 回头看 (巩固 not confirmed yet).
    expect(await row.locator('[data-col="status"] [data-status]').textContent()).toBe('已销号');
    expect(await row.locator('[data-col="status"] [data-consolidation]').textContent()).toBe('待回头看');
    expect(await row.textContent()).toContain('2019-03-01');
    expect(await row.textContent()).toContain('磨子潭镇');
    await page.goto(`${server.url}/ledger?status=rectifying`);
    await page.getByText('没有符合条件的问题。').waitFor();
  });

  it('exports the ledger to .xlsx with the county’s columns, and exceljs reads it back', async () => {
    await page.goto(`${server.url}/ledger`);
    await page.locator(`tr[data-ledger-number="${ledgerNumber}"]`).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^整改台账-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.getWorksheet('整改台账')!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([
      '序号',
      '问题来源',
      '问题描述',
      '责任单位',
      '责任人',
      '整改措施',
      '整改时限',
      '整改进展',
      '整改状态',
      '销号时间',
      '台账编号',
    ]);
    expect(values(2)).toEqual([
      1,
      '国家反馈',
      '黄河村3户贫困户住房仍为C级危房，未按期完成改造',
      '磨子潭镇',
      '王镇长',
      '拆除重建3户危房，6月底前入住',
      '2019-06-30',
      '2户已入住，1户正在装修',
      '已销号（待回头看）',
      '2019-03-01',
      ledgerNumber,
    ]);
    expect(sheet.rowCount).toBe(2);
  });

  it('stays within a phone’s width, long unit names included', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await signInPage(phone, server.url, tokens.office, `/problems/${problemId}`);
    await phone.getByRole('heading', { name: ledgerNumber }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.goto(`${server.url}/ledger`);
    await phone.locator('select[name="unitId"]').selectOption({ label: LONG_UNIT });
    await phone.getByText('没有符合条件的问题。').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await phone.close();
  });
});
