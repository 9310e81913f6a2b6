import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEventDefinitions } from '../../domain/index.js';
import { openEventStore } from '../../eventstore/index.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { bearer, tokenFor } from '../support/accounts.js';
import { openDesktopPage, screenshot, signInPage } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';
import { docxTables, docxText, xlsxSheets } from '../support/officeFiles.js';
import { scenario } from '../projections/scenario.js';

/**
 * The reports in a real browser, on the hand-worked county (tests/projections/scenario.ts): the
 * quarterly inspection page shows its table in either language and downloads the 通报; the
 * scorecards page offers the annual report once the year is finalized, and the file downloaded
 * reads back with the frozen ranking.
 */
const s = scenario();
const { P2, P4 } = s.problems;
const now = '2020-01-15T10:00:00+08:00';
let server: TestServer;
let browser: Browser;
let page: Page;
const tokens = { office: '', committee: '' };

beforeAll(async () => {
  const store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  for (const { streamId, event } of s.builder.entries) await store.appendToStream(streamId, [event], 'any');
  server = await startTestServer({ store, clock: () => now, tokenTtlSeconds: 365 * 24 * 3600 });
  tokens.office = await tokenFor(server, ['office']);
  tokens.committee = await tokenFor(server, ['committee']);
  ({ browser, page } = await openDesktopPage({ acceptDownloads: true }));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('reports in the web app', () => {
  it('shows the quarter’s inspection per unit with ledger numbers, in both languages, and downloads its 通报', async () => {
    await signInPage(page, server.url, tokens.office, '/inspection?quarter=2019-Q2');
    const township = page.locator('tr[data-unit="磨子潭镇"]');
    await township.waitFor();
    // Q2: the township's P2 overdue since 06-01, the bureau's P4 after two rejected verifications.
    expect(await township.locator('td[data-figure="overdue"] strong').textContent()).toBe('1');
    expect(await township.locator(`td[data-figure="overdue"] a[data-ledger-number="${P2.ledgerNumber}"]`).count()).toBe(1);
    expect(await page.locator('tr[data-unit="合计"] td[data-figure="overdue"] strong').textContent()).toBe('2');
    expect(await page.locator('h1').textContent()).toBe('2019-Q2 季度督查');
    await page.locator('button[data-lang="en"]').click();
    await page.getByRole('columnheader', { name: 'Re-checks overdue' }).waitFor();
    await page.locator('button[data-lang="zh"]').click();
    await screenshot(page, 'inspection-2019-Q2');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-download="docx"]').click()]);
    expect(download.suggestedFilename()).toBe('2019-Q2季度督查.docx');
    const docx = readFileSync(await download.path());
    expect(await docxText(docx)).toContain(`逾期未整改2项（${[P2.ledgerNumber, P4.ledgerNumber].sort().join('、')}）`);
    const [summary] = await docxTables(docx);
    expect(summary!.at(-1)).toEqual(['合计', '4', '2', '1', '2', '0', '0', '0', '0']);
  }, 60_000);

  it('offers the annual assessment report once the year is finalized, and it reads back with the frozen ranking', async () => {
    await signInPage(page, server.url, tokens.committee, '/scorecards?year=2019');
    await page.locator('tr[data-card]').first().waitFor();
    expect(await page.locator('button[data-assessment-report]').count()).toBe(0);
    const finalized = await server.gql('mutation { finalizeAssessment(year: 2019) { events { type } } }', {}, bearer(tokens.committee));
    expect(finalized.errors).toBeUndefined();
    await page.reload();
    await page.locator('button[data-assessment-report="xlsx"]').waitFor();
    expect(await page.locator('button[data-assessment-report="docx"]').textContent()).toBe('下载年度考核报告（.docx）');

    const cards = (await server.gql('{ scorecards(year: 2019) { rank score unit { name } } }', {}, bearer(tokens.committee))).data!
      .scorecards as { rank: number; score: number; unit: { name: string } }[];
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-assessment-report="xlsx"]').click()]);
    expect(download.suggestedFilename()).toBe('2019年度考核结果.xlsx');
    const [ranking] = await xlsxSheets(readFileSync(await download.path()));
    expect(ranking!.rows.slice(1).map((r) => [r[0], r[1], r[4]])).toEqual(cards.map((c) => [c.rank, c.unit.name, c.score]));
  }, 60_000);
});
