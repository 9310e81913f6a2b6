import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { openDesktopPage, screenshot, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * 批示 and 回复 in a real browser: the office posts an instruction with a file on the item page, the
 * unit head answers it there, and both show in the item's timeline with their files. The interviews
 * page names whom to interview: a village's overdue item, its township's principal leader.
 */
let now = '2019-03-01T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', head: '' };
let item = { id: '', ledgerNumber: '' };

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

const actionsOnPage = () => page.locator('button[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')));

async function act(action: string, label: string, text: string, file: string) {
  await page.locator(`button[data-action="${action}"]`).click();
  const form = page.locator(`form[data-form="${action}"]`);
  await form.getByLabel(label).fill(text);
  await form
    .locator('input[type="file"]')
    .setInputFiles({ name: file, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4 ${file}`) });
  await form.locator('button[type="submit"]').click();
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  const unit = async (name: string, kind: string, parent: string | null = null) =>
    (
      await ok(
        `mutation($n: String!, $p: ID) { registerUnit(name: $n, kind: ${kind}, parentUnitId: $p) { unit { id } } }`,
        { n: name, p: parent },
        admin,
      )
    ).registerUnit.unit.id as string;
  const township = await unit('单龙寺镇', 'township');
  const village = await unit('竹林湾村', 'village', township);
  tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  tokens.head = await logIn(
    server,
    (await addUser(server, { roles: ['unit_head'], unitId: village, displayName: '竹林湾村 刘书记' })).login,
  );
  await ok(
    `mutation($u: ID!) { appointUnitLeader(unitId: $u, role: principal, name: "吴建华", title: "镇党委书记", from: "2018-03-01") { events { type } } }`,
    { u: township },
    tokens.office,
  );
  item = (
    await ok(
      `mutation { raiseProblem(source: county_self_check, category: roads, description: "竹林湾村村道损毁未修复") { problem { id ledgerNumber } } }`,
      {},
      tokens.office,
    )
  ).raiseProblem.problem;
  const p = item.id;
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "刘") { problem { id } } }`,
    { p, u: village },
    tokens.office,
  );
  await ok(`mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-03-05") { problem { id } } }`, { p }, tokens.office);
  ({ browser, page } = await openDesktopPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('批示 and 回复 in the web app', () => {
  it('an instruction posted by the office and answered by the unit head appears in the timeline, with their files', async () => {
    await signInPage(page, server.url, tokens.office, `/problems/${item.id}`);
    await page.getByRole('heading', { name: item.ledgerNumber }).waitFor();
    expect(await actionsOnPage()).toContain('instruct');
    expect(await actionsOnPage()).not.toContain('answer');
    await act('instruct', '批示内容', '请于3月10日前修复并报送照片。', '批示附件.pdf');
    await page.locator('li[data-comment="instruction"]').waitFor();

    await signInPage(page, server.url, tokens.head, `/problems/${item.id}`);
    await page.getByRole('heading', { name: item.ledgerNumber }).waitFor();
    expect(await actionsOnPage()).toContain('answer');
    expect(await actionsOnPage()).not.toContain('instruct');
    await act('answer', '回复内容', '已组织修复，附照片。', '修复照片.pdf');
    const answer = page.locator('li[data-comment="answer"]');
    await answer.waitFor();

    const instruction = page.locator('li[data-comment="instruction"]');
    expect(await instruction.textContent()).toContain('批示 #1: 请于3月10日前修复并报送照片。');
    expect(await instruction.locator('ul.files a').textContent()).toBe('批示附件.pdf');
    expect(await answer.textContent()).toContain('回复 #2（答批示 #1）: 已组织修复，附照片。');
    expect(await answer.textContent()).toContain('竹林湾村 刘书记');
    expect(await answer.locator('ul.files a').textContent()).toBe('修复照片.pdf');
    await screenshot(page, 'comments-answered');
  });

  it('the interviews page names the township’s principal leader for the village’s overdue item', async () => {
    now = '2019-03-08T09:00:00+08:00';
    tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
    await signInPage(page, server.url, tokens.office, '/interviews');
    const row = page.locator('tr[data-trigger="item_overdue"]');
    await row.waitFor();
    expect(await row.locator('[data-interviewee]').getAttribute('data-interviewee')).toBe('吴建华');
    expect(await row.locator('[data-interviewee]').textContent()).toContain('主要负责人 镇党委书记吴建华');
    expect(await row.locator('[data-interviewee]').textContent()).toContain('单龙寺镇');
  });
});
