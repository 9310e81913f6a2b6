import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../application/demo/index.js';
import { domainEventDefinitions } from '../../domain/index.js';
import { openEventStore } from '../../eventstore/index.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { bearer, tokenFor } from '../support/accounts.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';

/**
 * docs/policies.md walks through one card of the demo county under the default policy; these are the
 * numbers it shows, checked over HTTP so the walk-through cannot drift from what the server says.
 */
let server: TestServer;
let token = '';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
const gql = async (query: string) => (await server.gql(query, {}, bearer(token))) as { data: any; errors?: unknown[] };

beforeAll(async () => {
  const store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  server = await startTestServer({ store, clock: () => '2021-01-15T10:00:00+08:00' });
  await loadDemoData(server.ledger);
  await server.runner.waitFor(await store.headPosition(), 60_000);
  token = await tokenFor(server, ['committee']);
});
afterAll(async () => {
  await server.stop();
});

describe('the walk-through (docs/policies.md) of the demo county', () => {
  it('上土市镇 2019, as the committee saw it on 2020-01-15: 97.4, 好, rank 21 of 32', async () => {
    const result = await gql(`{ scorecards(year: 2019, asOf: "2020-01-15T10:00:00+08:00") {
      unit { name } score gradeLabel rank ordinaryScore yearEndScore lines { rule ledgerNumber points contribution } } }`);
    expect(result.errors).toBeUndefined();
    const cards = result.data.scorecards;
    expect(cards).toHaveLength(32);
    const card = cards.find((c: { unit: { name: string } }) => c.unit.name === '上土市镇');
    expect(card).toMatchObject({ score: 97.4, gradeLabel: '好', rank: 21, ordinaryScore: 98, yearEndScore: 97 });
    expect(
      card.lines.map((l: { rule: string; ledgerNumber: string | null; points: number; contribution: number }) => [
        l.rule,
        l.ledgerNumber,
        l.points,
        l.contribution,
      ]),
    ).toEqual([
      ['base', null, 100, 100],
      ['closed_on_time', 'XZ-2019-001', 1, 0.6],
      ['problem_found', 'SJ-2019-003', -1, -0.4],
      ['unfinished_at_year_end', 'SJ-2019-003', -3, -1.8],
      ['problem_found', 'SJ-2019-014', -1, -0.4],
      ['finished_late', 'SJ-2019-014', -1, -0.6],
    ]);
  });

  it('上土市镇’s triggers on 2020-01-15 all name SJ-2019-003, overdue since 2019-11-01', async () => {
    const result = await gql(`{ units { id name } }`);
    const unitId = result.data.units.find((u: { name: string }) => u.name === '上土市镇').id;
    const triggers = await gql(
      `{ interviewTriggers(asOf: "2020-01-15T10:00:00+08:00", unitId: "${unitId}") { rule ruleLevel level since ledgerNumbers } }`,
    );
    expect(
      triggers.data.interviewTriggers
        .map((t: { rule: string; ruleLevel: string; level: string; since: string; ledgerNumbers: string[] }) => [
          t.rule,
          t.ruleLevel,
          t.level,
          t.since,
          t.ledgerNumbers,
        ])
        .sort(),
    ).toEqual(
      [
        ['item_overdue', 'reminder', 'interview', '2019-11-01', ['SJ-2019-003']],
        ['item_long_overdue', 'supervision', 'interview', '2019-11-30', ['SJ-2019-003']],
        ['year_end_unfinished', 'interview', 'interview', '2020-01-01', ['SJ-2019-003']],
      ].sort(),
    );
  });

  it('2020 ends with two units graded 较差 and vetoed: 太阳乡 (78.8) and 漫水河镇 (77.2)', async () => {
    const result = await gql(`{ scorecards(year: 2020, asOf: "2021-01-15T10:00:00+08:00") { unit { name } score gradeLabel veto } }`);
    const vetoed = result.data.scorecards.filter((c: { veto: boolean }) => c.veto);
    expect(vetoed).toEqual([
      { unit: { name: '太阳乡' }, score: 78.8, gradeLabel: '较差', veto: true },
      { unit: { name: '漫水河镇' }, score: 77.2, gradeLabel: '较差', veto: true },
    ]);
  });
});

describe('the demo county’s finalized year (issue 6)', () => {
  it('2019, finalized, recomputed from its pinned position is byte-identical and verified against its checkpoint', async () => {
    const finalized = await gql(`mutation { finalizeAssessment(year: 2019, policyVersion: 0) { events { type } } }`);
    expect(finalized.errors).toBeUndefined();
    expect(finalized.data.finalizeAssessment.events.map((e: { type: string }) => e.type)).toEqual(['AssessmentFinalized']);
    let answer: { data: any; errors?: unknown[] } = { data: null };
    for (let i = 0; i < 100; i++) {
      answer = await gql(
        `{ verifyAssessment(year: 2019) { identical verified chainIntact finalizedHash recomputedHash summary checkpoint { number reason } } }`,
      );
      if (answer.errors || answer.data.verifyAssessment.checkpoint) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answer.errors).toBeUndefined();
    const result = answer.data.verifyAssessment;
    expect(result.finalizedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.recomputedHash).toBe(result.finalizedHash);
    expect(result).toMatchObject({ identical: true, verified: true, chainIntact: true });
    expect(result.checkpoint.reason).toBe('finalized');
    expect(result.summary).toBe(`verified against checkpoint ${result.checkpoint.number}`);
  }, 60_000);
});
