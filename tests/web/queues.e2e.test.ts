import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { OFFICE_NAV, openDesktopPage, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * The work queues in a real browser: a unit head's items by what needs doing, a verifier's queue
 * without their own unit's work, and the office's hotline in-tray (triage into a problem; dismiss).
 * The clock starts on 1 March 2019 to raise the items, then moves to 10 March so some are overdue.
 */
let now = '2019-03-01T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', headA: '', headB: '', headBureau: '', verifier: '' };
const units = { a: '', b: '', bureau: '' };
/** Ledger numbers by what each item is for. */
const items: Record<string, { id: string; ledgerNumber: string }> = {};
const receipts = { triage: '', dismiss: '' };

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

/** Raised by the office, assigned to `unit` with `deadline`. */
async function assigned(name: string, unit: string, deadline: string, description: string) {
  const raised = await ok(
    `mutation($d: String!) { raiseProblem(source: county_self_check, category: roads, description: $d) { problem { id ledgerNumber } } }`,
    { d: description },
    tokens.office,
  );
  items[name] = raised.raiseProblem.problem;
  const p = items[name]!.id;
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "负责人") { problem { id } } }`,
    { p, u: unit },
    tokens.office,
  );
  await ok(
    `mutation($p: ID!, $d: String!) { setDeadline(problemId: $p, deadline: $d) { problem { id } } }`,
    { p, d: deadline },
    tokens.office,
  );
}

/** The unit's head acknowledges, plans and reports it fixed: it awaits verification. */
async function reportedFixed(name: string, head: string) {
  const p = items[name]!.id;
  await ok(`mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "负责人") { problem { id } } }`, { p }, head);
  await ok(`mutation($p: ID!) { submitPlan(problemId: $p, measures: "硬化路面") { problem { id } } }`, { p }, head);
  await ok(`mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已完工" }) { problem { id } } }`, { p }, head);
}

const rowsOf = (queue: string) =>
  page
    .locator(`[data-queue="${queue}"] tr[data-ledger-number]`)
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ledger-number')));
const navLinks = () => page.locator('header nav a').allTextContents();

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  const unit = async (name: string, kind: string) =>
    (await ok(`mutation($n: String!) { registerUnit(name: $n, kind: ${kind}) { unit { id } } }`, { n: name }, admin)).registerUnit.unit
      .id as string;
  units.a = await unit('诸佛庵镇', 'township');
  units.b = await unit('落儿岭镇', 'township');
  units.bureau = await unit('县交通运输局', 'department');
  const logins = {
    office: (await addUser(server, { roles: ['office'] })).login,
    headA: (await addUser(server, { roles: ['unit_head'], unitId: units.a, displayName: '诸佛庵镇 李镇长' })).login,
    headB: (await addUser(server, { roles: ['unit_head'], unitId: units.b })).login,
    headBureau: (await addUser(server, { roles: ['unit_head'], unitId: units.bureau })).login,
    verifier: (await addUser(server, { roles: ['verifier'], unitId: units.bureau, displayName: '县交通运输局 赵' })).login,
  };
  // Tokens expire by the server's clock: sign in again once it has moved.
  const logInAll = async () => {
    for (const key of Object.keys(logins) as (keyof typeof logins)[]) tokens[key] = await logIn(server, logins[key]);
  };
  await logInAll();

  await assigned('overdueA', units.a, '2019-03-05', '诸佛庵镇通村道路损毁未修复');
  await assigned('overdueB', units.b, '2019-03-05', '落儿岭镇桥梁护栏缺失');
  await assigned('dueSoonA', units.a, '2019-03-15', '诸佛庵镇村道路灯不亮');
  await assigned('awaitingA', units.a, '2019-04-30', '诸佛庵镇道路排水沟堵塞');
  await assigned('awaitingBureau', units.bureau, '2019-04-30', '县道养护不到位');
  await reportedFixed('awaitingA', tokens.headA);
  await reportedFixed('awaitingBureau', tokens.headBureau);
  await assigned('rejectedA', units.a, '2019-04-30', '诸佛庵镇危桥加固');
  await reportedFixed('rejectedA', tokens.headA);
  await ok(
    `mutation($p: ID!) { rejectVerification(problemId: $p, reasons: "缺少验收报告") { problem { id } } }`,
    { p: items.rejectedA!.id },
    tokens.verifier,
  );
  now = '2019-03-10T09:00:00+08:00';
  await logInAll();

  for (const [key, text] of [
    ['triage', '诸佛庵镇某村道路修了一半就停工了，村民出行困难'],
    ['dismiss', '我想咨询一下今年的低保政策'],
  ] as const) {
    const response = await server.gql(`mutation($t: String!, $u: ID) { submitHotlineReport(text: $t, unitId: $u) { receiptCode } }`, {
      t: text,
      u: key === 'triage' ? units.a : null,
    });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    receipts[key] = response.data!.submitHotlineReport.receiptCode;
  }
  ({ browser, page } = await openDesktopPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('work queues in the web app', () => {
  it('a unit head sees their own unit’s overdue item under overdue, not another unit’s, and what is due soon', async () => {
    await signInPage(page, server.url, tokens.headA, '/ledger');
    await page.getByRole('link', { name: '我的事项' }).click();
    await page.getByRole('heading', { name: '我的事项', level: 1 }).waitFor();
    expect(await navLinks()).toEqual(['整改台账', '我的事项', '月通报', '本单位考核']);
    await page.locator('[data-queue="overdue"]').waitFor();
    expect(await rowsOf('overdue')).toEqual([items.overdueA!.ledgerNumber]);
    expect(await rowsOf('dueSoon')).toEqual([items.dueSoonA!.ledgerNumber]);
    // Assigned, not yet acknowledged: both wait for the head; the ones reported fixed or planned do not.
    expect(await rowsOf('waiting')).toEqual([items.overdueA!.ledgerNumber, items.dueSoonA!.ledgerNumber]);
    // Rejected once and back to rectifying, its plan still standing: rejected, not waiting.
    expect(await rowsOf('rejected')).toEqual([items.rejectedA!.ledgerNumber]);
    expect(await page.locator('[data-queue="dueSoon"]').textContent()).toContain('还剩 5 天');
  });

  it('a verifier sees another unit’s item awaiting verification, not their own unit’s, and it opens the item page', async () => {
    await signInPage(page, server.url, tokens.verifier, '/verify');
    await page.getByRole('heading', { name: '验收与回头看', level: 1 }).waitFor();
    expect(await navLinks()).toEqual(['整改台账', '验收与回头看', '月通报']);
    await page.locator('[data-queue="verify"]').waitFor();
    expect(await rowsOf('verify')).toEqual([items.awaitingA!.ledgerNumber]);
    await page.getByRole('link', { name: items.awaitingA!.ledgerNumber }).click();
    await page.getByRole('heading', { name: items.awaitingA!.ledgerNumber }).waitFor();
    expect(await page.locator('button[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')))).toEqual([
      'pass',
      'reject',
    ]);
  });

  it('the office triages a hotline report into a problem (RX-…) assigned to the unit, and dismisses another with a reason', async () => {
    await signInPage(page, server.url, tokens.office, '/hotline');
    await page.getByRole('heading', { name: '12317 举报', level: 1 }).waitFor();
    expect(await navLinks()).toEqual(OFFICE_NAV);

    const first = page.locator(`[data-report="${receipts.triage}"]`);
    await first.locator('button[data-action="triage"]').click();
    const triage = first.locator('form[data-form="triage"]');
    await triage.getByLabel('问题类别').selectOption({ label: '道路' });
    expect(await triage.getByLabel('交办给').inputValue()).toBe(units.a);
    await triage.getByLabel('责任人').fill('李镇长');
    await triage.locator('button[type="submit"]').click();
    const done = page.locator(`[data-done="${receipts.triage}"]`);
    await done.waitFor();
    const ledgerNumber = (await done.getByRole('link').textContent())!;
    expect(ledgerNumber).toMatch(/^RX-2019-\d{3}$/);
    await first.waitFor({ state: 'detached' });

    const second = page.locator(`[data-report="${receipts.dismiss}"]`);
    await second.locator('button[data-action="dismiss"]').click();
    await second.locator('form[data-form="dismiss"]').getByLabel('不予受理的原因').fill('政策咨询，不属于问题线索');
    await second.locator('form[data-form="dismiss"] button[type="submit"]').click();
    await page.locator(`[data-done="${receipts.dismiss}"]`).waitFor();
    await page.getByText('没有举报。').waitFor();

    const data = await ok(
      `{ hotlineReports { receiptCode status dismissalReason problem { ledgerNumber source category status responsibleUnit { id } responsiblePerson } } }`,
      {},
      tokens.office,
    );
    const byCode = Object.fromEntries(data.hotlineReports.map((r: { receiptCode: string }) => [r.receiptCode, r]));
    expect(byCode[receipts.triage]).toEqual({
      receiptCode: receipts.triage,
      status: 'accepted',
      dismissalReason: null,
      problem: {
        ledgerNumber,
        source: 'hotline',
        category: 'roads',
        status: 'assigned',
        responsibleUnit: { id: units.a },
        responsiblePerson: '李镇长',
      },
    });
    expect(byCode[receipts.dismiss]).toEqual({
      receiptCode: receipts.dismiss,
      status: 'dismissed',
      dismissalReason: '政策咨询，不属于问题线索',
      problem: null,
    });

    // The dismissed one, with its reason, under its status.
    await page.locator('select[name="status"]').selectOption('dismissed');
    await page.locator(`[data-report="${receipts.dismiss}"]`).getByText('政策咨询，不属于问题线索').waitFor();
  });

  it('the queues fit a phone’s width, and read in English', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    phone.setDefaultTimeout(10_000);
    for (const [token, path, heading] of [
      [tokens.headA, '/mine', '我的事项'],
      [tokens.verifier, '/verify', '验收与回头看'],
      [tokens.office, '/hotline', '12317 举报'],
    ] as const) {
      await signInPage(phone, server.url, token, path);
      await phone.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await phone.locator('[data-queue], .empty').first().waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    }
    await signInPage(phone, server.url, tokens.headA, '/mine');
    await phone.locator('button[data-lang="en"]').click();
    await phone.getByRole('heading', { name: 'Overdue' }).waitFor();
    expect(await phone.locator('header nav a').allTextContents()).toEqual(['Ledger', 'My items', 'Monthly bulletin', 'My unit’s card']);
    await phone.close();
  });
});
