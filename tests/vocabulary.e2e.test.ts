import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/** The vocabulary query over real HTTP: the ledger's words and labels come from the server, once. */
let server: TestServer;
let token: string;

const QUERY = `{ vocabulary {
  policyVersion
  sources { value code label { zh en } }
  categories { value label { zh en } }
  scoreParts { value label { zh en } }
  scoreRules { value part label { zh en } points pointsBySource { source points } }
} }`;

beforeAll(async () => {
  server = await startTestServer();
  token = await tokenFor(server, ['committee']);
});
afterAll(() => server.stop());

describe('Query.vocabulary', () => {
  it('lists the sources with their ledger-number codes and labels in both languages', async () => {
    const { data, errors } = await server.gql(QUERY, {}, bearer(token));
    expect(errors).toBeUndefined();
    const sources = data!.vocabulary.sources;
    expect(sources.map((s: { value: string }) => s.value)).toEqual([
      'national_feedback',
      'provincial_review',
      'municipal_review',
      'county_self_check',
      'audit',
      'discipline_inspection',
      'hotline',
    ]);
    expect(sources[0]).toEqual({ value: 'national_feedback', code: 'GJ', label: { zh: '国家反馈', en: 'National feedback' } });
    expect(sources.at(-1)).toEqual({ value: 'hotline', code: 'RX', label: { zh: '12317举报', en: '12317 hotline' } });
  });

  it('lists every category the ledger accepts, labelled', async () => {
    const { data } = await server.gql(QUERY, {}, bearer(token));
    const categories = data!.vocabulary.categories;
    expect(categories).toHaveLength(17);
    expect(categories).toContainEqual({ value: 'fund_misuse', label: { zh: '资金使用', en: 'Misuse of funds' } });
  });

  it('gives the scoring rules their part, label and the points of the policy in force (the built-in default here)', async () => {
    const { data } = await server.gql(QUERY, {}, bearer(token));
    const { scoreRules, scoreParts, policyVersion } = data!.vocabulary;
    expect(policyVersion).toBe(0);
    expect(scoreParts.map((p: { value: string }) => p.value)).toEqual(['base', 'ordinary', 'year_end']);
    const rule = (value: string) => scoreRules.find((r: { value: string }) => r.value === value);
    expect(scoreRules).toHaveLength(11);
    expect(rule('base')).toMatchObject({ part: 'base', points: 100, pointsBySource: [] });
    expect(rule('verification_rejected')).toMatchObject({ part: 'ordinary', label: { zh: '验收不通过', en: 'Verification rejected' }, points: -1 });
    expect(rule('unfinished_at_year_end')).toMatchObject({ part: 'year_end', points: -3 });
    expect(rule('problem_found').points).toBeNull();
    expect(rule('problem_found').pointsBySource).toContainEqual({ source: 'national_feedback', points: -2 });
    expect(rule('problem_found').pointsBySource).toContainEqual({ source: 'hotline', points: -0.5 });
  });

  it('is for signed-in users', async () => {
    const { errors } = await server.gql('{ vocabulary { sources { value } } }');
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
