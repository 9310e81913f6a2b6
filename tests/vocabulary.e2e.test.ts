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
      'unit_self_report',
      'county_inspection',
      'unannounced_visit',
    ]);
    expect(sources[0]).toEqual({ value: 'national_feedback', code: 'GJ', label: { zh: '国家反馈', en: 'National feedback' } });
    expect(sources[6]).toEqual({ value: 'hotline', code: 'RX', label: { zh: '12317举报', en: '12317 hotline' } });
    // Who found it: the county's own findings split three ways, each with its prefix; 县自查 stays readable, no longer offered.
    expect(sources.slice(7)).toEqual([
      { value: 'unit_self_report', code: 'ZC', label: { zh: '自查上报', en: 'Unit self-report' } },
      { value: 'county_inspection', code: 'DC', label: { zh: '县级督查', en: 'County inspection' } },
      { value: 'unannounced_visit', code: 'AF', label: { zh: '督查暗访', en: 'Unannounced visit' } },
    ]);
    const offered = await server.gql(`{ vocabulary { sources { value offered } } }`, {}, bearer(token));
    expect(offered.data!.vocabulary.sources.filter((s: { offered: boolean }) => !s.offered)).toEqual([
      { value: 'county_self_check', offered: false },
    ]);
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
    expect(scoreRules).toHaveLength(15);
    expect(rule('base')).toMatchObject({ part: 'base', points: 100, pointsBySource: [] });
    expect(rule('verification_rejected')).toMatchObject({
      part: 'ordinary',
      label: { zh: '验收不通过', en: 'Verification rejected' },
      points: -1,
    });
    expect(rule('unfinished_at_year_end')).toMatchObject({ part: 'year_end', points: -3 });
    expect(rule('sweep_not_answered_in_time')).toMatchObject({ part: 'ordinary', points: -1 });
    expect(rule('sweep_none_contradicted')).toMatchObject({ part: 'ordinary', points: -2 });
    expect(rule('problem_found').points).toBeNull();
    expect(rule('problem_found').pointsBySource).toContainEqual({ source: 'national_feedback', points: -2 });
    expect(rule('problem_found').pointsBySource).toContainEqual({ source: 'hotline', points: -0.5 });
    // Further assessment items: points entered with each item, in the part the policy gives their kind.
    expect(rule('task_completion')).toMatchObject({ part: 'year_end', points: null, pointsBySource: [] });
    expect(rule('inspection_result')).toMatchObject({ part: 'ordinary', points: null, pointsBySource: [] });
  });

  it('lists the statuses, grades, interview levels and rules and hotline report statuses in their order, labelled', async () => {
    const { data, errors } = await server.gql(
      `{ vocabulary {
        problemStatuses { value label { zh en } }
        grades { value label { zh en } }
        interviewLevels { value label { zh en } }
        interviewRules { value label { zh en } }
        hotlineReportStatuses { value label { zh en } }
      } }`,
      {},
      bearer(token),
    );
    expect(errors).toBeUndefined();
    const v = data!.vocabulary;
    const values = (terms: { value: string }[]) => terms.map((term) => term.value);
    expect(values(v.problemStatuses)).toEqual(['raised', 'assigned', 'rectifying', 'awaiting_verification', 'verified', 'closed']);
    expect(v.problemStatuses.at(-1)).toEqual({ value: 'closed', label: { zh: '已销号', en: 'Closed' } });
    expect(values(v.grades)).toEqual(['good', 'fairly_good', 'average', 'poor']);
    expect(v.grades.at(-1).label).toEqual({ zh: '较差', en: 'Poor' });
    expect(v.interviewLevels).toEqual([
      { value: 'reminder', label: { zh: '提醒', en: 'Reminder' } },
      { value: 'supervision', label: { zh: '督办', en: 'Supervision order' } },
      { value: 'interview', label: { zh: '约谈', en: 'Interview' } },
    ]);
    expect(v.interviewRules).toHaveLength(9);
    expect(v.interviewRules.at(-1)).toEqual({ value: 'sweep_unanswered', label: { zh: '举一反三排查逾期未反馈', en: 'Sweep unanswered' } });
    expect(v.interviewRules).toContainEqual({ value: 'recurrence', label: { zh: '同类问题再次出现', en: 'Same kind again' } });
    expect(v.hotlineReportStatuses).toEqual([
      { value: 'received', label: { zh: '待处理', en: 'To triage' } },
      { value: 'accepted', label: { zh: '已受理', en: 'Accepted' } },
      { value: 'dismissed', label: { zh: '不予受理', en: 'Dismissed' } },
    ]);
  });

  it('is for signed-in users', async () => {
    const { errors } = await server.gql('{ vocabulary { sources { value } } }');
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
