import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { openDesktopPage, screenshot, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * 督办 and 巩固 in a real browser: the office orders supervision with a finish-by day, the unit head
 * finds it in 督办待回复 and answers it with a file on the item page; a closed item shows 待回头看 in
 * the ledger (and under its 回头看 filter), on the item with the day it falls due, and in the
 * verifier's 待回头看 list. Then the clock moves: an overdue item's 督办 shows on the wall (awaiting
 * reply, then past its 办结时限) and on its interview trigger, whose reply resolves the trigger; past
 * the 回头看 day the wall's 待回头看 tile turns red, the late item leads the verifier's list, and a
 * verifier of another unit confirms 巩固 from there.
 */
let now = '2019-03-01T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', head: '', verifier: '' };
const logins = { office: '', head: '', verifier: '' };
const items: Record<'supervised' | 'closed' | 'late', { id: string; ledgerNumber: string }> = {} as never;
const REPLY_FILE = Buffer.from('%PDF-1.4 拨付凭证');

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

/** Moves the clock (tokens live 8 hours on it, so each jump needs fresh ones). */
async function at(instant: string) {
  now = instant;
  tokens.office = await logIn(server, logins.office);
  tokens.head = await logIn(server, logins.head);
  tokens.verifier = await logIn(server, logins.verifier);
}

/** The ledger numbers of a work queue's rows, in order. */
const queueRows = (queue: string) =>
  page
    .locator(`[data-queue="${queue}"] tr[data-ledger-number]`)
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ledger-number')));

const actionsOnPage = () => page.locator('button[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')));

async function act(action: string, fill: (form: ReturnType<Page['locator']>) => Promise<void>, expectEvent: string) {
  await page.locator(`button[data-action="${action}"]`).click();
  const form = page.locator(`form[data-form="${action}"]`);
  await fill(form);
  await form.locator('button[type="submit"]').click();
  await page.locator(`li[data-event-type="${expectEvent}"]`).first().waitFor();
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  const unit = async (name: string, kind: string) =>
    (await ok(`mutation($n: String!) { registerUnit(name: $n, kind: ${kind}) { unit { id } } }`, { n: name }, admin)).registerUnit.unit
      .id as string;
  const township = await unit('单龙寺镇', 'township');
  const bureau = await unit('县民政局', 'department');
  logins.office = (await addUser(server, { roles: ['office'] })).login;
  tokens.office = await logIn(server, logins.office);
  logins.head = (await addUser(server, { roles: ['unit_head'], unitId: township, displayName: '单龙寺镇 周镇长' })).login;
  tokens.head = await logIn(server, logins.head);
  logins.verifier = (await addUser(server, { roles: ['verifier'], unitId: bureau })).login;
  tokens.verifier = await logIn(server, logins.verifier);
  for (const [key, description] of [
    ['supervised', '单龙寺镇低保资金发放滞后'],
    ['closed', '单龙寺镇村级公益岗位未落实'],
    ['late', '单龙寺镇敬老院消防设施未整改'],
  ] as const) {
    const raised = await ok(
      `mutation($d: String!) { raiseProblem(source: county_self_check, category: social_protection, description: $d) { problem { id ledgerNumber } } }`,
      { d: description },
      tokens.office,
    );
    items[key] = raised.raiseProblem.problem;
    const p = items[key].id;
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "周") { problem { id } } }`,
      { p, u: township },
      tokens.office,
    );
    await ok(`mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "周") { problem { id } } }`, { p }, tokens.head);
  }
  await ok(
    `mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-03-05") { problem { id } } }`,
    { p: items.late.id },
    tokens.office,
  );
  const p = items.closed.id;
  await ok(`mutation($p: ID!) { submitPlan(problemId: $p, measures: "落实岗位") { problem { id } } }`, { p }, tokens.head);
  await ok(
    `mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已落实" }) { problem { id } } }`,
    { p },
    tokens.head,
  );
  await ok(`mutation($p: ID!) { passVerification(problemId: $p, opinion: "符合要求") { problem { id } } }`, { p }, tokens.verifier);
  await ok(`mutation($p: ID!) { closeProblem(problemId: $p) { problem { id } } }`, { p }, tokens.office);

  ({ browser, page } = await openDesktopPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('督办 and 巩固 in the web app', () => {
  it('the office orders supervision with a finish-by day; the unit head answers it from 督办待回复 with a file', async () => {
    await signInPage(page, server.url, tokens.office, `/problems/${items.supervised.id}`);
    await page.getByRole('heading', { name: items.supervised.ledgerNumber }).waitFor();
    expect(await actionsOnPage()).not.toContain('reply');
    await act(
      'supervise',
      async (f) => {
        await f.getByLabel('督办意见').fill('责成3月10日前发放到位');
        await f.getByLabel('办结时限').fill('2019-03-10');
      },
      'SupervisionOrdered',
    );
    await page.locator('li.supervision-order[data-answered="false"]').waitFor();
    expect(await page.locator('li.supervision-order').textContent()).toContain('2019-03-10');

    await signInPage(page, server.url, tokens.head, '/mine');
    await page.locator('[data-queue="supervision"]').waitFor();
    const queued = await page
      .locator('[data-queue="supervision"] tr[data-ledger-number]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ledger-number')));
    expect(queued).toEqual([items.supervised.ledgerNumber]);
    await page.locator(`[data-queue="supervision"] a:has-text("${items.supervised.ledgerNumber}")`).first().click();
    await page.getByRole('heading', { name: items.supervised.ledgerNumber }).waitFor();
    expect(await actionsOnPage()).toContain('reply');
    await act(
      'reply',
      async (f) => {
        await f.getByLabel('办理情况').fill('已全部发放到位，附拨付凭证');
        await f.locator('input[type="file"]').setInputFiles({ name: '拨付凭证.pdf', mimeType: 'application/pdf', buffer: REPLY_FILE });
      },
      'SupervisionReplied',
    );
    const order = page.locator('li.supervision-order[data-answered="true"]');
    await order.waitFor();
    expect(await order.textContent()).toContain('已全部发放到位，附拨付凭证');
    expect(await order.locator('ul.files a').textContent()).toBe('拨付凭证.pdf');
    expect(await actionsOnPage()).not.toContain('reply');
    await screenshot(page, 'supervision-replied');
  });

  it('a closed item shows 待回头看 in the ledger, under its 回头看 filter, on the item with its day and in the verifier’s list', async () => {
    await signInPage(page, server.url, tokens.verifier, '/ledger');
    const row = page.locator(`tr[data-ledger-number="${items.closed.ledgerNumber}"]`);
    await row.waitFor();
    expect(await row.locator('[data-consolidation]').textContent()).toBe('待回头看');
    // The 回头看 filter, kept in the address: awaiting lists the closed item alone; confirmed, nothing yet.
    await page.locator('select[name="consolidation"]').selectOption({ label: '待回头看' });
    await page.waitForURL(/consolidation=awaiting_recheck/);
    await page.getByTestId('ledger-count').getByText('共 1 条').waitFor();
    expect(await page.locator('table.ledger tr[data-ledger-number]').count()).toBe(1);
    await row.waitFor();
    await page.locator('select[name="consolidation"]').selectOption('confirmed');
    await page.locator('.empty').waitFor();
    await page.locator('select[name="consolidation"]').selectOption('');
    await row.waitFor();

    await row.locator('a').first().click();
    await page.getByRole('heading', { name: items.closed.ledgerNumber }).waitFor();
    expect(await page.locator('.page-head [data-consolidation]').textContent()).toBe('待回头看');
    // Closed 03-01: the 回头看 falls due 90 days later (the default policy).
    await page.getByText('2019-05-30').waitFor();
    expect(await actionsOnPage()).toEqual(['confirmConsolidation']);

    // The verifier's page: nothing awaits verification; the closed item awaits its 回头看, not yet due.
    await page.getByRole('link', { name: '验收与回头看' }).click();
    await page.locator('[data-queue="recheck"] tr[data-ledger-number]').first().waitFor();
    expect(await queueRows('verify')).toEqual([]);
    expect(await queueRows('recheck')).toEqual([items.closed.ledgerNumber]);
    const queued = page.locator(`[data-queue="recheck"] tr[data-ledger-number="${items.closed.ledgerNumber}"]`);
    expect(await queued.locator('[data-col="recheckDue"]').textContent()).toBe('2019-05-30');
    // The responsible unit's head has no such list, and may not confirm its own work.
    await signInPage(page, server.url, tokens.head, `/problems/${items.closed.id}`);
    await page.getByRole('heading', { name: items.closed.ledgerNumber }).waitFor();
    expect(await actionsOnPage()).toEqual([]);
  });

  it('an overdue item’s 督办 shows on the wall and on its interview trigger; the reply resolves the trigger', async () => {
    const tile = page.locator('[data-tile="supervision"]');
    const openWall = async (path = '/wall') => {
      await signInPage(page, server.url, tokens.office, path);
      await tile.waitFor();
    };
    // Overdue from 03-06: an item_overdue trigger (提醒); the office orders supervision that day, to finish by 03-08.
    await at('2019-03-06T09:00:00+08:00');
    await ok(
      `mutation($p: ID!) { orderSupervision(problemId: $p, instruction: "3月8日前完成消防整改", finishBy: "2019-03-08") { problem { id } } }`,
      { p: items.late.id },
      tokens.office,
    );
    await openWall();
    // The first test's order was answered: only this one awaits a reply, not yet past its 办结时限.
    expect(await tile.locator('dd').first().textContent()).toBe('1');
    expect(await tile.getAttribute('class')).not.toContain('red');
    await tile.getByRole('button').click();
    const drill = page.locator('[data-drill="supervision"]');
    expect(await drill.locator('a[data-ledger-number]').evaluateAll((a) => a.map((x) => x.textContent))).toEqual([items.late.ledgerNumber]);

    await page.goto(`${server.url}/interviews`);
    const trigger = page.locator('tr[data-trigger="item_overdue"]');
    const order = trigger.locator(`li[data-order="${items.late.ledgerNumber}#1"]`);
    await order.waitFor();
    expect(await order.textContent()).toContain('办结时限 2019-03-08');
    expect(await order.textContent()).toContain('3月8日前完成消防整改');
    expect(await order.textContent()).toContain('尚未回复');
    // The 情形 in the UI's language: the county office's words in Chinese, the English sentence in English.
    expect(await trigger.textContent()).toContain(`${items.late.ledgerNumber} 已逾期：整改时限`);
    await page.locator('button[data-lang="en"]').click();
    await trigger.getByText(`${items.late.ledgerNumber} is overdue: deadline`).waitFor();
    expect(await trigger.textContent()).not.toContain('已逾期');
    await page.locator('button[data-lang="zh"]').click();
    await trigger.getByText(`${items.late.ledgerNumber} 已逾期：整改时限`).waitFor();

    // 03-09: past its 办结时限 and still unanswered.
    await at('2019-03-09T09:00:00+08:00');
    await openWall();
    expect(await tile.getAttribute('class')).toContain('red');
    expect(await tile.textContent()).toContain('其中 1 件超过办结时限');
    await tile.getByRole('button').click();
    expect(await page.locator(`[data-drill="supervision"] li[data-late]`).textContent()).toContain(items.late.ledgerNumber);
    await screenshot(page, 'wall-supervision-overdue');
    await signInPage(page, server.url, tokens.office, '/interviews');
    await order.waitFor();
    expect(await order.getAttribute('data-overdue')).toBe('true');
    expect(await order.textContent()).toContain('已超过办结时限，尚未回复');

    // The unit replies: nothing awaits a reply now, while the wall as of 03-07 still counts the order.
    await ok(
      `mutation($p: ID!) { replyToSupervision(problemId: $p, reply: "灭火器已配齐，消防通道已清理") { problem { id } } }`,
      { p: items.late.id },
      tokens.head,
    );
    await openWall();
    expect(await tile.locator('dd').first().textContent()).toBe('0');
    await openWall('/wall?asOf=2019-03-07');
    await page.locator('[data-wall-day="2019-03-07"]').waitFor();
    expect(await tile.locator('dd').first().textContent()).toBe('1');

    // Below 约谈 level, the order and its reply resolve the trigger: it leaves the open list and says so among the resolved.
    await signInPage(page, server.url, tokens.office, '/interviews');
    // (The reply also ends the supervision_unanswered trigger of 03-09.)
    await page.getByText('目前没有需要约谈的情形。').waitFor();
    await page.getByLabel('显示已处理的').check();
    await order.waitFor();
    expect(await order.getAttribute('data-answered')).toBe('true');
    expect(await order.textContent()).toContain('2019-03-09 回复：灭火器已配齐，消防通道已清理');
    expect(await trigger.locator('[data-resolved-by-supervision]').textContent()).toBe('2019-03-09 督办已获回复，按督办办结');
    expect(await trigger.getByRole('button', { name: '登记约谈' }).count()).toBe(0);
    await screenshot(page, 'trigger-resolved-by-supervision');
  });

  it('past its 回头看 day the wall’s 待回头看 tile turns red and the late item leads the verifier’s list; 巩固 confirmed there', async () => {
    // 06-01: the closed item's 回头看 (due 05-30) is late; the supervised one is closed today, due 08-30.
    await at('2019-06-01T09:00:00+08:00');
    const p = items.supervised.id;
    await ok(`mutation($p: ID!) { submitPlan(problemId: $p, measures: "按月发放") { problem { id } } }`, { p }, tokens.head);
    await ok(
      `mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已发放" }) { problem { id } } }`,
      { p },
      tokens.head,
    );
    await ok(`mutation($p: ID!) { passVerification(problemId: $p, opinion: "符合要求") { problem { id } } }`, { p }, tokens.verifier);
    await ok(`mutation($p: ID!) { closeProblem(problemId: $p) { problem { id } } }`, { p }, tokens.office);

    const tile = page.locator('[data-tile="recheck"]');
    const openWall = async (path = '/wall') => {
      await signInPage(page, server.url, tokens.office, path);
      await tile.waitFor();
    };
    await openWall();
    expect(await tile.locator('dd').first().textContent()).toBe('2');
    expect(await tile.getAttribute('class')).toContain('red');
    expect(await tile.textContent()).toContain('其中 1 件超过回头看日期');
    await tile.getByRole('button').click();
    expect(await page.locator('[data-drill="recheck"] li[data-late]').allTextContents()).toEqual([
      `${items.closed.ledgerNumber}超过回头看日期`,
    ]);
    await screenshot(page, 'wall-recheck-overdue');
    // As of 05-30, the due day itself, nothing was late yet.
    await openWall('/wall?asOf=2019-05-30');
    await page.locator('[data-wall-day="2019-05-30"]').waitFor();
    expect(await tile.getAttribute('class')).not.toContain('red');

    // The verifier's list: the late one first (though its ledger number comes second), marked.
    await signInPage(page, server.url, tokens.verifier, '/verify');
    await page.locator('[data-queue="recheck"] tr[data-ledger-number]').nth(1).waitFor();
    expect(await queueRows('recheck')).toEqual([items.closed.ledgerNumber, items.supervised.ledgerNumber]);
    const late = page.locator(`[data-queue="recheck"] tr[data-ledger-number="${items.closed.ledgerNumber}"]`);
    expect(await late.locator('[data-recheck-overdue]').textContent()).toBe('已过回头看日期');
    const next = page.locator(`[data-queue="recheck"] tr[data-ledger-number="${items.supervised.ledgerNumber}"]`);
    expect(await next.locator('[data-col="recheckDue"]').textContent()).toBe('2019-08-30');
    await screenshot(page, 'verify-recheck-queue');
    await late.getByRole('link', { name: items.closed.ledgerNumber }).click();
    await page.getByRole('heading', { name: items.closed.ledgerNumber }).waitFor();
    await act('confirmConsolidation', (f) => f.getByLabel('回头看意见').fill('回头看：岗位已落实，未反弹'), 'ConsolidationConfirmed');
    await page.locator('.page-head [data-consolidation="confirmed"]').waitFor();
    expect(await page.locator('.page-head [data-consolidation]').textContent()).toBe('已巩固');
    expect(await actionsOnPage()).toEqual([]);
    await screenshot(page, 'consolidation-confirmed');

    // Off the list, and the tile is no longer red.
    await page.getByRole('link', { name: '验收与回头看' }).click();
    await page.locator(`[data-queue="recheck"] tr[data-ledger-number="${items.supervised.ledgerNumber}"]`).waitFor();
    expect(await queueRows('recheck')).toEqual([items.supervised.ledgerNumber]);
    await openWall();
    expect(await tile.locator('dd').first().textContent()).toBe('1');
    expect(await tile.getAttribute('class')).not.toContain('red');
  });
});
