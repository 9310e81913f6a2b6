import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../application/demo/index.js';
import { Ledger } from '../../application/ledger.js';
import { domainEventDefinitions } from '../../domain/index.js';
import { openEventStore } from '../../eventstore/index.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { SCREENSHOT_DIR, openDesktopPage, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';
import { docxText } from '../support/officeFiles.js';

/**
 * The monthly bulletin (月通报) in a real browser, on the demo county's last month: the office sees
 * the draft with the figures the bulletin query gives, opens a figure's ledger numbers, publishes it
 * and sees it frozen; a unit head finds their own line marked; printed to PDF in Chromium it is a
 * document with the bulletin's title.
 */
const MONTH = '2020-12';
const now = '2021-01-10T10:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', unitHead: '' };
let headUnit = '';

type Figure = { count: number; ledgerNumbers: string[] };
type Bulletin = {
  county: { figures: Record<'raised' | 'closed' | 'overdue', Figure> };
  units: { name: string; rank: number; figures: { overdue: Figure } }[];
  redUnits: { unitId: string; name: string; red: Figure }[];
  longestOverdue: { ledgerNumber: string; daysOverdue: number }[];
};
const QUERY = `query($m: String!) { bulletin(month: $m) {
  county { figures { raised { count ledgerNumbers } closed { count ledgerNumbers } overdue { count ledgerNumbers } } }
  units { name rank figures { overdue { count ledgerNumbers } } } redUnits { unitId name red { count ledgerNumbers } } longestOverdue { ledgerNumber daysOverdue } } }`;

beforeAll(async () => {
  const store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  await loadDemoData(new Ledger(store));
  server = await startTestServer({ store, clock: () => now, tokenTtlSeconds: 3 * 365 * 24 * 3600, notifications: false });
  headUnit = [...server.readModels.live.units.values()].find((u) => u.name === '漫水河镇')!.unitId;
  tokens.office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  tokens.unitHead = await logIn(server, (await addUser(server, { roles: ['unit_head'], unitId: headUnit })).login);
  ({ browser, page } = await openDesktopPage({ acceptDownloads: true }));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const text = async (selector: string) => (await page.locator(selector).first().textContent())?.trim();

describe('the monthly bulletin page', () => {
  it('shows the draft with the query’s figures, drills a figure down to its ledger numbers, and the office publishes it', async () => {
    const b = (await server.gql<{ bulletin: Bulletin }>(QUERY, { m: MONTH }, bearer(tokens.office))).data!.bulletin;
    expect(b.county.figures.overdue.count).toBeGreaterThan(0);
    await signInPage(page, server.url, tokens.office, `/bulletin/${MONTH}`);
    await page.locator('table[data-ranking] tbody tr').first().waitFor();
    expect(await text('[data-bulletin-title]')).toContain('草稿');
    for (const f of ['raised', 'closed', 'overdue'] as const)
      expect(await text(`[data-tile="county-${f}"] .tile-open`), f).toBe(String(b.county.figures[f].count));
    const rows = page.locator('table[data-ranking] tbody tr[data-unit]');
    expect(await rows.count()).toBe(b.units.length);
    for (const [i, u] of b.units.entries()) {
      expect(await rows.nth(i).getAttribute('data-unit')).toBe(u.name);
      expect(await rows.nth(i).getAttribute('data-rank')).toBe(String(u.rank));
    }
    for (const r of b.redUnits) expect(await page.locator(`[data-red-unit="${r.name}"]`).count()).toBe(1);
    expect(await page.locator('table[data-longest] tbody tr').count()).toBe(b.longestOverdue.length);
    await page.locator('.bulletin-charts canvas').first().waitFor();

    // The county's overdue figure opens its ledger numbers, each a link to its item.
    await page.locator('[data-tile="county-overdue"] .tile-open').click();
    const drill = page.locator('[data-drill="county:overdue"]');
    await drill.waitFor();
    expect((await drill.locator('a[data-ledger-number]').allTextContents()).sort()).toEqual(
      [...b.county.figures.overdue.ledgerNumbers].sort(),
    );

    // English, then back.
    await page.locator('button[data-lang="en"]').click();
    await page.getByRole('heading', { name: 'Units ranked' }).waitFor();
    await page.locator('button[data-lang="zh"]').click();

    // 印发: the page shows the frozen bulletin.
    await page.locator('button[data-publish]').click();
    await page.locator('[data-frozen]').waitFor();
    expect(await page.locator('button[data-publish]').count()).toBe(0);
    expect(await text('[data-bulletin-title]')).not.toContain('草稿');
    expect(await page.locator('[data-reproduced="true"]').count()).toBe(1);
    expect(await text('[data-difference]')).toContain('印发后台账未改变本月情况');
    // A red unit opens its red items.
    const red = b.redUnits[0]!;
    await page.locator(`[data-red-unit="${red.name}"]`).click();
    expect((await page.locator(`[data-drill="red:${red.unitId}"] a[data-ledger-number]`).allTextContents()).sort()).toEqual(
      [...red.red.ledgerNumbers].sort(),
    );
    // The README's picture: the head of the page as a 1366×768 screen shows it.
    await page.evaluate(() => window.scrollTo(0, 0));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'bulletin.png') });
    expect(readFileSync(join(SCREENSHOT_DIR, 'bulletin.png')).length).toBeGreaterThan(10_000);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-download="docx"]').click()]);
    expect(download.suggestedFilename()).toBe(`${MONTH}月通报.docx`);
    expect(await docxText(readFileSync(await download.path()))).toContain(`月末逾期未整改${b.county.figures.overdue.count}项`);
  }, 90_000);

  it('marks a unit head’s own line, and prints to a PDF carrying the bulletin’s title', async () => {
    await signInPage(page, server.url, tokens.unitHead, `/bulletin/${MONTH}`);
    await page.locator('tr[data-mine]').waitFor();
    expect(await page.locator('tr[data-mine]').count()).toBe(1);
    expect(await page.locator('tr[data-mine]').getAttribute('data-unit')).toBe('漫水河镇');
    expect(await text('[data-my-line]')).toContain('漫水河镇');
    expect(await page.locator('button[data-publish]').count()).toBe(0);
    expect(await page.evaluate(() => document.title)).toBe(`${MONTH} 全县问题整改工作情况通报`);

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('.page-head').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    const raw = pdf.toString('latin1');
    expect((raw.match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThan(0);
    // The document's title (/Title in the PDF's Info), as UTF-16BE: the bulletin's.
    const title = Buffer.from(`\ufeff${MONTH} 全县问题整改工作情况通报`, 'utf16le').swap16().toString('hex').toUpperCase();
    expect(raw.toUpperCase()).toContain(title);
  }, 60_000);
});
