import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, addUser, bearer, logIn } from '../support/accounts.js';
import { openDesktopPage, screenshot, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * 举一反三排查 in a real browser: the office orders a sweep from the item page (every township but
 * the item's own checked), the head of one township finds it in 我的事项 and answers "found", which
 * raises a self-report problem in the unit; the sweep page lists the answer with its problem and the
 * other township still to answer. In English, the same page reads in English.
 */
const now = '2019-07-01T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', head: '' };
let problem: { id: string; ledgerNumber: string };

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, notifications: false });
  const origin = await addUnit(server, '单龙寺镇');
  const answering = await addUnit(server, '落儿岭镇');
  await addUnit(server, '诸佛庵镇');
  tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  tokens.head = await logIn(
    server,
    (await addUser(server, { roles: ['unit_head'], unitId: answering, displayName: '落儿岭镇 吴镇长' })).login,
  );
  const raised = await server.gql<any>(
    `mutation { raiseProblem(source: national_feedback, category: housing, description: "危房改造对象识别不准") { problem { id ledgerNumber } } }`,
    {},
    bearer(tokens.office),
  );
  problem = raised.data.raiseProblem.problem;
  await server.gql(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "周") { problem { id } } }`,
    { p: problem.id, u: origin },
    bearer(tokens.office),
  );
  ({ browser, page } = await openDesktopPage());
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a sweep (举一反三排查) in the browser', () => {
  it('the office orders it from the item page, with every township but the item’s own checked', async () => {
    await signInPage(page, server.url, tokens.office, `/problems/${problem.id}`);
    await page.locator('button[data-order-sweep]').click();
    const form = page.locator('form[data-form="orderSweep"]');
    const boxes = form.locator('input[name="unitIds"]');
    await boxes.first().waitFor();
    const checked = await boxes.evaluateAll((inputs) =>
      inputs.map((i) => [(i.parentElement?.textContent ?? '').trim(), (i as HTMLInputElement).checked]),
    );
    expect(checked.sort()).toEqual(
      [
        ['单龙寺镇', false],
        ['诸佛庵镇', true],
        ['落儿岭镇', true],
      ].sort(),
    );
    await form.locator('input[name="answerBy"]').fill('2019-07-10');
    await form.locator('textarea[name="instruction"]').fill('对照危房改造问题逐户排查');
    await form.locator('button[type="submit"]').click();
    await page.locator('[data-sweep-page]').waitFor();
    expect(await page.locator('h1').textContent()).toBe(`举一反三排查：${problem.ledgerNumber}`);
    expect(await page.locator('tr[data-unit-row]').count()).toBe(2);
  });

  it('the unit head answers “found” from 我的事项; the sweep page shows the answer and the problem it raised', async () => {
    await signInPage(page, server.url, tokens.head, '/mine');
    const pending = page.locator('[data-queue="sweeps"] [data-pending-sweep]');
    await pending.first().waitFor();
    expect(await pending.count()).toBe(1);
    await pending.locator('button[data-answer="found"]').click();
    const form = page.locator('form[data-form="answer-found"]');
    await form.locator('textarea[name="text"]').fill('发现2户危房改造对象识别不准');
    await form.locator('button[type="submit"]').click();
    const status = page.locator('[data-queue="sweeps"] p.ok[role="status"]');
    await status.waitFor();
    expect(await status.textContent()).toBe('已登记为 XZ-2019-001');
    await page.locator('[data-queue="sweeps"] p.empty').waitFor();
    // The problem it raised is the unit's own now, waiting to be acknowledged.
    await page.locator('[data-queue="waiting"] tr[data-ledger-number="XZ-2019-001"]').waitFor();
    await screenshot(page, 'sweep-answered');

    const sweeps = await server.gql<any>(`{ sweeps { id } }`, {}, bearer(tokens.office));
    await signInPage(page, server.url, tokens.head, `/sweeps/${sweeps.data.sweeps[0].id}`);
    const row = page.locator('tr[data-unit-row="落儿岭镇"]');
    await row.waitFor();
    expect(await row.getAttribute('data-answer')).toBe('found');
    expect(await row.locator('a').textContent()).toBe('已登记为 XZ-2019-001');
    expect(await page.locator('tr[data-unit-row="诸佛庵镇"]').getAttribute('data-answer')).toBe('pending');
    // Answered: no answer form for the head any more, and no close button (that is the office's).
    expect(await page.locator('[data-answer-sweep]').count()).toBe(0);
    expect(await page.locator('button[data-close-sweep]').count()).toBe(0);

    await page.locator('button[data-lang="en"]').click();
    expect(await page.locator('h1').textContent()).toBe(`Sweep from ${problem.ledgerNumber}`);
    expect(await row.locator('a').textContent()).toBe('Raised as XZ-2019-001');
  });
});
