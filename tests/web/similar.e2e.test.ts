import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { openDesktopPage, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * 举一反三 in a real browser: on the item page of a township's housing problem, the office sees the
 * similar problem another township had (its unit, the words they share), links it as the recurrence
 * (复发) with one button, and both items then show the link, in their facts and their timelines. A
 * unit head sees the same list without the buttons. On the raise form (/raise) the office sees the
 * similar problems as it types the new problem's description, before raising it.
 */
const now = '2019-08-01T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', head: '' };
const items: Record<'earlier' | 'later' | 'water', { id: string; ledgerNumber: string }> = {} as never;

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

const similarRows = () => page.locator('[data-similar]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-similar')));

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  const unit = async (name: string) =>
    (await ok(`mutation($n: String!) { registerUnit(name: $n, kind: township) { unit { id } } }`, { n: name }, admin)).registerUnit.unit
      .id as string;
  const t1 = await unit('磨子潭镇');
  const t2 = await unit('诸佛庵镇');
  tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  tokens.head = await logIn(server, (await addUser(server, { roles: ['unit_head'], unitId: t2 })).login);
  for (const [key, category, description, unitId] of [
    ['earlier', 'housing', '磨子潭镇柳树村2户贫困户仍居住在危房中，危房改造未完成', t1],
    ['water', 'drinking_water', '磨子潭镇集中供水点水质浑浊，饮水不安全', t1],
    ['later', 'housing', '诸佛庵镇石桥村贫困户住房为危房，危房改造至今未实施', t2],
  ] as const) {
    items[key] = (
      await ok(
        `mutation($c: ProblemCategory!, $d: String!) { raiseProblem(source: county_self_check, category: $c, description: $d) { problem { id ledgerNumber } } }`,
        { c: category, d: description },
        tokens.office,
      )
    ).raiseProblem.problem;
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "周") { problem { id } } }`,
      { p: items[key].id, u: unitId },
      tokens.office,
    );
  }
  ({ browser, page } = await openDesktopPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('相似问题 on the item page', () => {
  it('a unit head sees the similar problem of another township, with why, and no link buttons', async () => {
    await signInPage(page, server.url, tokens.head, `/problems/${items.later.id}`);
    await page.locator('[data-similar]').first().waitFor();
    expect(await similarRows()).toEqual([items.earlier.ledgerNumber]);
    const row = page.locator(`[data-similar="${items.earlier.ledgerNumber}"]`);
    expect(await row.textContent()).toContain('磨子潭镇');
    expect(await row.textContent()).toContain('改造');
    expect(await page.locator('button[data-link]').count()).toBe(0);
  });

  it('the office links it as the recurrence (复发); both items show the link, in their facts and timelines', async () => {
    await signInPage(page, server.url, tokens.office, `/problems/${items.later.id}`);
    const row = page.locator(`[data-similar="${items.earlier.ledgerNumber}"]`);
    await row.locator('button[data-link="recurrence"]').click();
    await page.locator('ul.links li[data-link="recurrence"][data-direction="earlier"]').waitFor();
    expect(await page.locator('ul.links').textContent()).toContain(items.earlier.ledgerNumber);
    await page.locator('li[data-event-type="ProblemLinked"]').waitFor();
    expect(await row.locator('button[data-link]').count()).toBe(0);

    await page.goto(`${server.url}/problems/${items.earlier.id}`);
    await page.locator('ul.links li[data-direction="later"]').waitFor();
    expect(await page.locator('ul.links').textContent()).toContain(items.later.ledgerNumber);
    const entry = page.locator('li[data-event-type="ProblemLinked"]');
    expect(await entry.textContent()).toContain(items.later.ledgerNumber);
    // The later problem is not offered as something the earlier one repeats.
    expect(await page.locator(`[data-similar="${items.later.ledgerNumber}"] button[data-link]`).count()).toBe(0);
  });
});

describe('相似问题 on the raise form (登记问题)', () => {
  it('lists the similar problems of every township as the office types a description, not the unrelated one', async () => {
    await signInPage(page, server.url, tokens.office, '/raise');
    const form = page.locator('form[data-form="raise"]');
    await form.locator('section.similar').waitFor();
    expect(await similarRows()).toEqual([]);
    await form.locator('textarea[name="description"]').fill('但家庙镇贫困户仍住在危房里，危房改造未完成');
    await page.locator(`[data-similar="${items.earlier.ledgerNumber}"]`).waitFor();
    const listed = await similarRows();
    expect(listed).toContain(items.earlier.ledgerNumber);
    expect(listed).toContain(items.later.ledgerNumber);
    expect(listed).not.toContain(items.water.ledgerNumber);
    const row = page.locator(`[data-similar="${items.earlier.ledgerNumber}"]`);
    expect(await row.textContent()).toContain('磨子潭镇');
    expect(await row.textContent()).toContain('改造');
    // Nothing is raised yet, so there is nothing to link: no buttons.
    expect(await form.locator('button[data-link]').count()).toBe(0);
  });
});
