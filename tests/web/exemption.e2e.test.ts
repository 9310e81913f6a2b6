import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, addUser, bearer, logIn } from '../support/accounts.js';
import { openDesktopPage, screenshot, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * 容错纠错 in a real browser: the township's head applies on the extension's deduction of the
 * township's card, with a statement and a file; the committee approves it from its queue; the card
 * gives the points back. Default policy, before the year is over: a provincial-review problem −1 and
 * its extension −0.5 in ordinary time, 平时 98.5, score 0.4 × 98.5 + 60 = 99.4; without the
 * extension's −0.5, 平时 99, score 0.4 × 99 + 60 = 99.6.
 */
let server: TestServer;
let browser: Browser;
let page: Page;
const now = '2019-03-01T09:00:00+08:00';
let township: string;
const tokens = { office: '', head: '', committee: '' };

async function ok(query: string, variables: Record<string, unknown> = {}) {
  const response = await server.gql(query, variables, bearer(tokens.office));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as Record<string, any>;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, notifications: false });
  township = await addUnit(server, '磨子潭镇');
  await addUser(server, { roles: ['office'], login: 'chen', displayName: '县督查办 陈督查' });
  await addUser(server, { roles: ['unit_head'], unitId: township, login: 'wang', displayName: '磨子潭镇 王镇长' });
  await addUser(server, { roles: ['committee'], login: 'liwei', displayName: '考核委员会 李' });
  tokens.office = await logIn(server, 'chen');
  tokens.head = await logIn(server, 'wang');
  tokens.committee = await logIn(server, 'liwei');
  const p = (
    await ok(
      `mutation { raiseProblem(source: provincial_review, category: housing, description: "黄河村3户危房改造未按期完成") { problem { id } } }`,
    )
  ).raiseProblem.problem.id;
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王镇长") { problem { id } } }`,
    {
      p,
      u: township,
    },
  );
  await ok(`mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-03-20") { problem { id } } }`, { p });
  await ok(`mutation($p: ID!) { extendDeadline(problemId: $p, deadline: "2019-04-30", reason: "春节停工") { problem { id } } }`, { p });
  ({ browser, page } = await openDesktopPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('容错纠错 in the browser', () => {
  it('the township’s head applies on the extension’s deduction, with the distinction, a statement and a file', async () => {
    await signInPage(page, server.url, tokens.head, '/ledger');
    expect(await page.getByRole('link', { name: '本单位考核' }).getAttribute('href')).toBe(`/scorecards/${township}`);
    await page.goto(`${server.url}/scorecards/${township}?year=2019`);
    const extension = page.locator('tr[data-line="deadline_extended"]');
    await extension.waitFor();
    expect(await page.locator('[data-score]').textContent()).toBe('99.4');
    expect(await page.locator('button[data-exempt]').count()).toBe(0);
    await extension.getByRole('button', { name: '申请容错纠错' }).click();
    const form = page.locator('form[data-form="apply-exemption"]');
    await form.getByLabel('属于哪一种情形').selectOption({ label: '为推动发展的无意过失（非为谋取私利）' });
    await form.getByLabel('情况说明').fill('春节期间施工队停工，非主观拖延');
    await form.getByLabel('佐证材料').setInputFiles({ name: '停工通知.txt', mimeType: 'text/plain', buffer: Buffer.from('停工通知') });
    await form.locator('button[type="submit"]').click();
    const note = extension.locator('[data-application="pending"]');
    await note.waitFor();
    expect(await note.textContent()).toContain('审核时限 2019-03-15');
    expect(await page.locator('[data-score]').textContent()).toBe('99.4');
    expect(await extension.getByRole('button', { name: '撤回申请' }).count()).toBe(1);
    await screenshot(page, 'exemption-applied-zh');
  });

  it('the committee approves it from its queue, and the card gives the 0.5 back', async () => {
    await signInPage(page, server.url, tokens.committee, '/wall');
    await page.getByRole('link', { name: '容错纠错审核' }).click();
    await page.locator('input[type="number"]').fill('2019');
    const item = page.locator('li[data-unit="磨子潭镇"]');
    await item.waitFor();
    expect(await item.textContent()).toContain('春节期间施工队停工，非主观拖延');
    expect(await item.getByRole('link', { name: '停工通知.txt' }).count()).toBe(1);
    await page.locator('button[data-lang="en"]').click();
    await item.getByRole('button', { name: 'Approve' }).waitFor();
    await screenshot(page, 'exemption-queue-en');
    await page.locator('button[data-lang="zh"]').click();
    const form = item.locator('form[data-form="decide-exemption"]');
    await form.getByLabel('审核意见').fill('属实，符合三个区分开来');
    await form.getByLabel('审批人').fill('县考核委员会');
    await form.getByRole('button', { name: '批准', exact: true }).click();
    await page.getByText('没有待审核的申请。').waitFor();

    await signInPage(page, server.url, tokens.head, `/scorecards/${township}?year=2019`);
    const extension = page.locator('tr[data-line="deadline_extended"]');
    await extension.locator('[data-application="approved"]').waitFor();
    expect(await extension.locator('[data-exemption]').textContent()).toContain('属实，符合三个区分开来');
    expect(await page.locator('[data-score]').textContent()).toBe('99.6');
  });
});
