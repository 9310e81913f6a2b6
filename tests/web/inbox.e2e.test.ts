import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { launchBrowser, screenshot, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';
import { eventually } from '../support/liveStream.js';

/**
 * Notifications in a real browser: the unit head's bell counts a 督办 the moment the office orders
 * it (pushed over the live stream, no reload), the inbox lists it with its ledger number, and reading
 * it clears the count; the admin configures a channel (the server's objection to a bad URL shown in
 * words), the unit head chooses it, and a delivery that fails shows in the admin's list and badge.
 */
const now = '2019-03-01T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { admin: '', office: '', head: '' };
const items: { id: string; ledgerNumber: string }[] = [];

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

const orderSupervision = (problemId: string) =>
  ok(
    `mutation($p: ID!) { orderSupervision(problemId: $p, instruction: "责成3月15日前办结", finishBy: "2019-03-15") { problem { id } } }`,
    { p: problemId },
    tokens.office,
  );

const bell = () => page.locator('header a.bell');
/** How many listeners the runner calls on every event: the bell's live stream adds one once the server follows it. */
const listeners = () => (server.runner as unknown as { listeners: Set<unknown> }).listeners.size;
/** Opens `path` signed in, and waits until the bell's live stream is followed on the server. */
async function openLive(token: string, path: string) {
  await page.goto(`${server.url}/healthz`); // leaves the app: its streams close
  await eventually(() => server.limits.openStreams === 0);
  const before = listeners();
  await signInPage(page, server.url, token, path);
  await eventually(() => listeners() > before, 10_000);
}

beforeAll(async () => {
  // The clock stands still: a failed delivery waits for its next attempt, so the admin sees it failed.
  server = await startTestServer({ clock: () => now, notifications: { pollMs: 100, backoffMs: 60_000, timeoutMs: 1000 } });
  tokens.admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  const township = (await ok(`mutation { registerUnit(name: "晓天镇", kind: township) { unit { id } } }`, {}, tokens.admin)).registerUnit
    .unit.id;
  tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  tokens.head = await logIn(
    server,
    (await addUser(server, { roles: ['unit_head'], unitId: township, displayName: '晓天镇 程镇长' })).login,
  );
  for (const description of ['晓天镇危房改造进度滞后', '晓天镇饮水安全工程未完工']) {
    const raised = await ok(
      `mutation($d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d) { problem { id ledgerNumber } } }`,
      { d: description },
      tokens.office,
    );
    const item = raised.raiseProblem.problem;
    items.push(item);
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "程") { problem { id } } }`,
      { p: item.id, u: township },
      tokens.office,
    );
  }
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(10_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('notifications in the web app', () => {
  it('the bell counts a 督办 live; the inbox lists it with its ledger number; reading it clears the count', async () => {
    await openLive(tokens.head, '/mine');
    await page.locator('header a.bell[data-bell="0"]').waitFor();
    expect(await bell().locator('[data-unread]').count()).toBe(0);

    await orderSupervision(items[0]!.id);
    // No reload: the live stream brings it.
    await page.locator('header a.bell[data-bell="1"]').waitFor();
    expect(await bell().locator('[data-unread]').textContent()).toBe('1');
    await screenshot(page, 'inbox-bell');

    await bell().click();
    await page.getByRole('heading', { name: '通知', exact: true }).waitFor();
    const item = page.locator('li[data-notification]');
    // The heading shows before the list has loaded (on a loaded machine the count was read in between: 0).
    await item.first().waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.getAttribute('data-read')).toBe('false');
    expect(await item.locator('strong').textContent()).toBe(`【督办】${items[0]!.ledgerNumber}`);
    expect(await item.locator('.notification-body').textContent()).toContain('责成3月15日前办结');
    expect(await item.locator('time').textContent()).toBe('2019-03-01 09:00');
    expect(await item.locator(`a[data-ledger-number="${items[0]!.ledgerNumber}"]`).count()).toBe(1);
    await screenshot(page, 'inbox-unread');

    await item.locator('button[data-mark-read]').click();
    await page.locator('li[data-notification][data-read="true"]').waitFor();
    await page.locator('header a.bell[data-bell="0"]').waitFor();
    expect(await (await server.gql('{ unreadNotificationCount }', {}, bearer(tokens.head))).data!.unreadNotificationCount).toBe(0);

    // The ledger number opens the item.
    await item.locator(`a[data-ledger-number="${items[0]!.ledgerNumber}"]`).click();
    await page.getByRole('heading', { name: items[0]!.ledgerNumber }).waitFor();
  });

  it('the admin configures a webhook channel: a bad URL is refused in words, a good one is listed', async () => {
    await signInPage(page, server.url, tokens.admin, '/notifications');
    await page.getByRole('heading', { name: '通知渠道', exact: true }).waitFor();
    expect(await page.locator('header [data-failed-count]').count()).toBe(0);
    const form = page.locator('form[data-form="channel"]');
    // The browser checks the id as the server does (its pattern compiles: Chromium compiles it with the v flag).
    const id = form.getByLabel('渠道标识');
    await id.fill('County_Robot');
    expect(await id.evaluate((input: HTMLInputElement) => input.validity.patternMismatch)).toBe(true);
    await id.fill('-robot');
    expect(await id.evaluate((input: HTMLInputElement) => input.validity.patternMismatch)).toBe(true);
    await form.getByLabel('渠道标识').fill('county-robot');
    expect(await id.evaluate((input: HTMLInputElement) => input.validity.valid)).toBe(true);
    await form.getByLabel('名称').fill('县督查办钉钉群');
    await form.getByLabel('消息格式').selectOption('json');
    await form.getByLabel(/Webhook 地址/).fill('robot.example.cn/send');
    await form.locator('button[type="submit"]').click();
    const error = form.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^填写的内容不符合要求：.*http:\/\/ or https:\/\//);
    expect(await page.locator('tr[data-channel]').count()).toBe(0);
    await screenshot(page, 'channel-bad-url');
    // Another type asks for other fields: the error about the last ones goes.
    await form.locator('select[name="kind"]').selectOption('smtp');
    expect(await form.getByRole('alert').count()).toBe(0);
    await form.locator('select[name="kind"]').selectOption('webhook');
    await form.getByLabel('消息格式').selectOption('json');

    // Nothing listens there: deliveries to it fail.
    await form.getByLabel(/Webhook 地址/).fill('http://127.0.0.1:9/robot/send?access_token=abc');
    await form.locator('button[type="submit"]').click();
    await form.getByRole('status').waitFor();
    expect(await form.getByRole('alert').count()).toBe(0);
    const row = page.locator('tr[data-channel="county-robot"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('http://127.0.0.1:9/robot/send?…');
  });

  it('the unit head chooses the channel; a delivery that fails shows in the admin’s list with its error, and in the badge', async () => {
    await openLive(tokens.head, '/inbox');
    const prefs = page.locator('form[data-form="preferences"]');
    await prefs.locator('input[data-channel="county-robot"]').check();
    await prefs.locator('button[type="submit"]').click();
    await prefs.getByRole('status').waitFor();
    const saved = await server.gql('{ myNotificationPreferences { channels dailyDigest } }', {}, bearer(tokens.head));
    expect(saved.data!.myNotificationPreferences).toEqual({ channels: ['county-robot'], dailyDigest: false });

    // A second 督办 arrives live on the open inbox, and goes to the robot too, where nothing answers.
    await orderSupervision(items[1]!.id);
    await page.locator(`li[data-notification][data-read="false"]:has-text("${items[1]!.ledgerNumber}")`).waitFor();
    await page.locator('header a.bell[data-bell="1"]').waitFor();
    await eventually(() => server.notifications.failedDeliveryCount() === 1, 10_000);

    await signInPage(page, server.url, tokens.admin, '/notifications');
    const failed = page.locator('table[data-failed-deliveries] tr[data-delivery]');
    await failed.waitFor();
    expect(await failed.count()).toBe(1);
    expect(await failed.locator('td').nth(0).textContent()).toBe('county-robot');
    expect(await failed.locator('td').nth(1).textContent()).toBe(`【督办】${items[1]!.ledgerNumber}`);
    expect(await failed.locator('td').nth(2).textContent()).toBe('1');
    // Why it failed, not only fetch's "fetch failed" (port 9 is one fetch refuses to call).
    expect(await failed.locator('td').nth(3).textContent()).toBe('fetch failed: bad port');
    expect(await page.locator('header [data-failed-count]').textContent()).toBe('1');
    await screenshot(page, 'channel-failed-delivery');

    // 删除 asks first: dismissed, the channel stays; confirmed, it goes.
    const remove = page.locator('button[data-remove-channel="county-robot"]');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await remove.click();
    expect(asked).toContain('county-robot');
    expect(await page.locator('tr[data-channel="county-robot"]').count()).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await remove.click();
    await page.locator('tr[data-channel="county-robot"]').waitFor({ state: 'detached' });
  });
});
