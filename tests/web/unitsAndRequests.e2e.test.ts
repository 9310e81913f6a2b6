import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { openDesktopPage, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * 配合单位, 延期申请 and 转办 in a real browser: the office assigns an item with a co-responsible unit,
 * whose head finds it under 配合事项; the lead unit's head requests an extension on the item page; the
 * office approves it from its queue of requests (the deadline moves) and refuses another; then the
 * office transfers the item to another township on its page, and the history shows both units.
 */
const now = '2019-03-01T09:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', head: '', bureauHead: '' };
const units = { township: '', other: '', bureau: '' };
let item: { id: string; ledgerNumber: string };
let second: { id: string; ledgerNumber: string };

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

async function act(action: string, fill: (form: ReturnType<Page['locator']>) => Promise<void>, expectEvent: string) {
  await page.locator(`button[data-action="${action}"]`).click();
  const form = page.locator(`form[data-form="${action}"]`);
  await fill(form);
  page.once('dialog', (d) => void d.accept());
  await form.locator('button[type="submit"]').click();
  await page.locator(`li[data-event-type="${expectEvent}"]`).first().waitFor();
}

/** A problem raised, with the deadline 2019-06-30, acknowledged by the township (assigned in the browser or here). */
async function raise(description: string) {
  return (
    await ok(
      'mutation($d: String!) { raiseProblem(source: county_self_check, category: roads, description: $d) { problem { id ledgerNumber } } }',
      { d: description },
      tokens.office,
    )
  ).raiseProblem.problem as { id: string; ledgerNumber: string };
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  const unit = async (name: string, kind: string) =>
    (await ok(`mutation($n: String!) { registerUnit(name: $n, kind: ${kind}) { unit { id } } }`, { n: name }, admin)).registerUnit.unit
      .id as string;
  units.township = await unit('漫水河镇', 'township');
  units.other = await unit('太平畈乡', 'township');
  units.bureau = await unit('县交通运输局', 'department');
  tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  tokens.head = await logIn(server, (await addUser(server, { roles: ['unit_head'], unitId: units.township })).login);
  tokens.bureauHead = await logIn(server, (await addUser(server, { roles: ['unit_head'], unitId: units.bureau })).login);
  item = await raise('漫水河镇通村道路塌方未修复');
  second = await raise('漫水河镇桥梁护栏缺失');
  await ok(
    'mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "汪") { problem { id } } }',
    { p: second.id, u: units.township },
    tokens.office,
  );
  ({ browser, page } = await openDesktopPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('lead and co-responsible units, extension requests and transfers in the web app', () => {
  it('the office assigns with a co-responsible unit; that unit’s head finds the item under 配合事项', async () => {
    await signInPage(page, server.url, tokens.office, `/problems/${item.id}`);
    await page.getByRole('heading', { name: item.ledgerNumber }).waitFor();
    await act(
      'assign',
      async (f) => {
        await f.getByLabel('牵头单位').selectOption(units.township);
        await f.getByLabel('配合单位（可多选）').selectOption([units.bureau]);
        await f.getByLabel('责任人').fill('汪镇长');
      },
      'ProblemAssigned',
    );
    expect(await page.locator('dl.facts').textContent()).toContain('县交通运输局');
    for (const p of [item, second]) {
      await ok('mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-06-30") { problem { id } } }', { p: p.id }, tokens.office);
      await ok(
        'mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "汪") { problem { id } } }',
        { p: p.id },
        tokens.head,
      );
    }
    await signInPage(page, server.url, tokens.bureauHead, '/mine');
    await page.locator('[data-queue="coResponsible"]').waitFor();
    const helping = await page
      .locator('[data-queue="coResponsible"] tr[data-ledger-number]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ledger-number')));
    expect(helping).toEqual([item.ledgerNumber]);
  });

  it('the lead unit’s head requests an extension on the item page; the item shows it pending', async () => {
    for (const p of [item, second]) {
      await signInPage(page, server.url, tokens.head, `/problems/${p.id}`);
      await page.getByRole('heading', { name: p.ledgerNumber }).waitFor();
      await act(
        'requestExtension',
        async (f) => {
          await f.getByLabel('申请延至').fill('2019-09-30');
          await f.getByLabel('申请理由').fill('汛期施工受阻，需延至九月底');
        },
        'ExtensionRequested',
      );
      await page.locator('[data-extension-pending]').waitFor();
      expect(await page.locator('button[data-action="requestExtension"]').count()).toBe(0);
    }
  });

  it('the office approves one from its queue (the deadline moves) and refuses the other with a reason', async () => {
    await signInPage(page, server.url, tokens.office, '/extension-requests');
    await page.locator(`li[data-request="${item.ledgerNumber}"]`).waitFor();
    expect(await page.locator('li[data-request]').count()).toBe(2);
    page.once('dialog', (d) => void d.accept());
    await page.locator(`li[data-request="${item.ledgerNumber}"] button[data-decision="approve"]`).click();
    await page.locator(`li[data-request="${item.ledgerNumber}"]`).waitFor({ state: 'detached' });
    const row = page.locator(`li[data-request="${second.ledgerNumber}"]`);
    await row.locator('button[data-decision="startRefusal"]').click();
    await row.getByLabel('不同意的理由').fill('理由不充分，请按期完成');
    await row.locator('button[data-decision="refuse"]').click();
    await page.getByText('没有待审的延期申请。').waitFor();

    const after = await ok(
      'query($a: ID!, $b: ID!) { a: problem(id: $a) { deadline extensionCount } b: problem(id: $b) { deadline extensionRequest { status refusal } } }',
      { a: item.id, b: second.id },
      tokens.office,
    );
    expect(after).toEqual({
      a: { deadline: '2019-09-30', extensionCount: 1 },
      b: { deadline: '2019-06-30', extensionRequest: { status: 'refused', refusal: '理由不充分，请按期完成' } },
    });
  });

  it('the office transfers the item on its page; the history keeps both units', async () => {
    await signInPage(page, server.url, tokens.office, `/problems/${item.id}`);
    await page.getByRole('heading', { name: item.ledgerNumber }).waitFor();
    await act(
      'transfer',
      async (f) => {
        await f.getByLabel('转至单位').selectOption(units.other);
        await f.getByLabel('责任人').fill('方乡长');
        await f.getByLabel('转办理由').fill('塌方路段属太平畈乡管辖');
      },
      'ProblemTransferred',
    );
    const transfer = await page.locator('li[data-transfer]').textContent();
    expect(transfer).toContain('漫水河镇');
    expect(transfer).toContain('太平畈乡');
    expect(await page.locator('dl.facts').textContent()).toContain('太平畈乡');
  });
});
