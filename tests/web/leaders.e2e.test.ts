import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { openDesktopPage, screenshot, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * 单位与领导班子 in a real browser: the office sees the units by kind with their parent and leaders;
 * a new principal leader (主要负责人) is refused while the predecessor is in post, recorded once the
 * predecessor's last day (离任) is; a leader in charge (分管领导) comes with a portfolio. The interviews
 * page then names the new leaders for the village's overdue item (rolled up to its township).
 * Server's today: 2019-03-08; the village's item was due 2019-03-05.
 */
const now = '2019-03-08T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
let township = '';
const tokens = { office: '', admin: '' };

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

/** The township's leaders on record, as the server has them (every record, in the order appointed). */
const leadersOnRecord = async () =>
  (await ok(`query { units { id leaders { name role from until } } }`, {}, tokens.office)).units.find(
    (u: { id: string }) => u.id === township,
  ).leaders;

const card = (name: string) => page.locator(`article[data-unit="${name}"]`);

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  tokens.admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  const unit = async (name: string, kind: string, parent: string | null = null) =>
    (
      await ok(
        `mutation($n: String!, $p: ID) { registerUnit(name: $n, kind: ${kind}, parentUnitId: $p) { unit { id } } }`,
        { n: name, p: parent },
        tokens.admin,
      )
    ).registerUnit.unit.id as string;
  township = await unit('单龙寺镇', 'township');
  const village = await unit('竹林湾村', 'village', township);
  tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  await ok(
    `mutation($u: ID!) { appointUnitLeader(unitId: $u, role: principal, name: "吴建华", title: "镇党委书记", from: "2018-03-01") { replayed } }`,
    { u: township },
    tokens.office,
  );
  const p = (
    await ok(
      `mutation { raiseProblem(source: county_self_check, category: roads, description: "竹林湾村村道损毁未修复", raisedOn: "2019-03-01") { problem { id } } }`,
      {},
      tokens.office,
    )
  ).raiseProblem.problem.id;
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

describe('单位与领导班子 in the web app', () => {
  it('the office sees the units by kind, with the parent and the leader in post; the page is in both languages', async () => {
    await signInPage(page, server.url, tokens.office, '/wall');
    await page.getByRole('link', { name: '单位与领导班子' }).click();
    await page.getByRole('heading', { name: '单位与领导班子', level: 1 }).waitFor();
    expect(await page.locator('section[data-kind]').evaluateAll((s) => s.map((x) => x.getAttribute('data-kind')))).toEqual([
      'township',
      'village',
    ]);
    expect(await card('竹林湾村').locator('h3').textContent()).toContain('隶属 单龙寺镇');
    expect(await card('竹林湾村').locator('[data-leaders="none"]').textContent()).toBe('该日没有登记在任领导。');
    const inPost = card('单龙寺镇').locator('[data-leaders="in-post"] li');
    expect(await inPost.allTextContents()).toEqual(['主要负责人 镇党委书记吴建华2018-03-01 起在任离任']);

    await page.locator('button[data-lang="en"]').click();
    await page.getByRole('heading', { name: 'Units and leaders', level: 1 }).waitFor();
    expect(await card('单龙寺镇').locator('[data-days]').textContent()).toBe('In post since 2018-03-01');
    await page.locator('button[data-lang="zh"]').click();
    await page.getByRole('heading', { name: '单位与领导班子', level: 1 }).waitFor();
  });

  it('a new principal leader is refused in words while the predecessor is in post, and recorded after the predecessor’s last day', async () => {
    const township = card('单龙寺镇');
    const appoint = async (fields: { name: string; title: string; from: string; role?: string; portfolio?: string }) => {
      await township.locator('button[data-action="appoint"]').click();
      const form = township.locator('form[data-form="appoint"]');
      if (fields.role) await form.getByLabel('职责').selectOption({ label: fields.role });
      await form.getByLabel('姓名').fill(fields.name);
      await form.getByLabel('职务').fill(fields.title);
      if (fields.portfolio) {
        await form.getByLabel('分管内容').fill(fields.portfolio);
        await form.getByLabel('道路').check();
      }
      await form.getByLabel('任职日期').fill(fields.from);
      await form.locator('button[type="submit"]').click();
      return form;
    };

    // 吴建华 is still in post: refused, nothing recorded.
    const refused = await appoint({ name: '李志明', title: '镇党委书记', from: '2019-03-06' });
    const error = refused.locator('[role="alert"]');
    await error.waitFor();
    expect(await error.getAttribute('data-error-code')).toBe('PRINCIPAL_LEADER_OVERLAP');
    expect(await error.textContent()).toBe('该单位此时已有在任的主要负责人：请先登记前任的最后在任日期（早于新任职日期）。');
    expect(await leadersOnRecord()).toEqual([{ name: '吴建华', role: 'principal', from: '2018-03-01', until: null }]);
    await refused.getByRole('button', { name: '取消' }).click();

    // 离任: a day after the server's today is refused in words; 2019-03-05 is recorded.
    const wu = township.locator('li[data-leader="吴建华"]');
    await wu.locator('button[data-action="leave"]').click();
    const leave = wu.locator('form[data-form="leave"]');
    await leave.getByLabel('最后在任日期').fill('2019-03-09');
    await leave.locator('button[type="submit"]').click();
    await leave.locator('[data-error-code="LEAVING_DAY_IN_FUTURE"]').waitFor();
    expect(await leave.locator('[role="alert"]').textContent()).toBe('最后在任日期不能晚于今天，请到当天再登记。');
    await leave.getByLabel('最后在任日期').fill('2019-03-05');
    await leave.locator('button[type="submit"]').click();
    await township.locator('[data-leaders="none"]').waitFor();
    expect(await township.locator('[data-leaders="others"] li').allTextContents()).toEqual([
      '主要负责人 镇党委书记吴建华2018-03-01 至 2019-03-05',
    ]);
    expect(await township.locator('[data-leaders="others"] li [data-days]').textContent()).toBe('2018-03-01 至 2019-03-05');

    // Now the successor, and a leader in charge of roads.
    await appoint({ name: '李志明', title: '镇党委书记', from: '2019-03-06' });
    await township.locator('li[data-leader="李志明"]').waitFor();
    await appoint({ name: '张强', title: '副镇长', from: '2019-03-06', role: '分管领导', portfolio: '分管交通、村道建设' });
    await township.locator('li[data-leader="张强"]').waitFor();
    expect(await township.locator('[data-leaders="in-post"] li').evaluateAll((l) => l.map((x) => x.getAttribute('data-leader')))).toEqual([
      '李志明',
      '张强',
    ]);
    expect(await township.locator('li[data-leader="张强"]').textContent()).toContain('分管领导 副镇长张强 · 分管交通、村道建设（道路）');
    expect(await leadersOnRecord()).toEqual([
      { name: '吴建华', role: 'principal', from: '2018-03-01', until: '2019-03-05' },
      { name: '李志明', role: 'principal', from: '2019-03-06', until: null },
      { name: '张强', role: 'in_charge', from: '2019-03-06', until: null },
    ]);

    // A day chosen in the past shows who was in post then.
    await page.locator('input[data-field="on"]').fill('2019-03-01');
    await township.locator('[data-leaders="in-post"] li[data-leader="吴建华"]').waitFor();
    expect(await township.locator('[data-leaders="in-post"] li').evaluateAll((l) => l.map((x) => x.getAttribute('data-leader')))).toEqual([
      '吴建华',
    ]);
    await screenshot(page, 'units-leaders');
  });

  it('the interviews page names the new principal leader and the leader in charge of roads for the village’s overdue item', async () => {
    await page.getByRole('link', { name: '约谈' }).click();
    const row = page.locator('tr[data-trigger="item_overdue"]');
    await row.waitFor();
    const interviewee = row.locator('[data-interviewee]');
    expect(await interviewee.getAttribute('data-interviewee')).toBe('李志明');
    expect(await interviewee.textContent()).toContain('主要负责人 镇党委书记李志明 · 分管领导 副镇长张强');
  });

  it('the admin has the page in the navigation too', async () => {
    await signInPage(page, server.url, tokens.admin, '/units');
    await page.getByRole('heading', { name: '单位与领导班子', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: '单位与领导班子' }).count()).toBe(1);
    await card('单龙寺镇').locator('li[data-leader="李志明"]').waitFor();
  });
});
