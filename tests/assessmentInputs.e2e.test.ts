import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { addUser, bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { scenario } from './projections/scenario.js';

/*
 * The inputs of the assessment over real HTTP (issue 14, defects): every year argument within the
 * bounds finalizeAssessment applies (2000–2100, VALIDATION_FAILED naming `year`), an instant with an
 * impossible offset refused, a policy document with tied grades or an unknown key refused naming the
 * field, and a policy version asked about before it was adopted said to be not yet in force.
 */

const s = scenario();
const now = '2020-01-15T10:00:00+08:00';
let server: TestServer;
let adoptedAt = '';
const tokens = { office: '', committee: '', admin: '', unitHead: '' };
type Answer = { data: any; errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[] };
const as =
  (who: keyof typeof tokens) =>
  async (query: string, variables: Record<string, unknown> = {}) =>
    (await server.gql(query, variables, bearer(tokens[who]))) as Answer;
const office = as('office');
const committee = as('committee');
const admin = as('admin');
const unitHead = as('unitHead');
const codeOf = (a: Answer) => a.errors?.[0]?.extensions?.code;
/** The fields an error names: `field`, or the fields of its `issues`. */
const fieldsOf = (a: Answer) => {
  const ext = a.errors?.[0]?.extensions ?? {};
  const issues = (ext.issues as { field: string }[] | undefined) ?? [];
  return [...(typeof ext.field === 'string' ? [ext.field] : []), ...issues.map((i) => i.field)];
};

beforeAll(async () => {
  const store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  for (const { streamId, event } of s.builder.entries) await store.appendToStream(streamId, [event], 'any');
  server = await startTestServer({ store, clock: () => now, tokenTtlSeconds: 365 * 24 * 3600 });
  for (const [who, role] of [
    ['office', 'office'],
    ['committee', 'committee'],
    ['admin', 'admin'],
    ['unitHead', 'unit_head'],
  ] as const) {
    const user = await addUser(server, { roles: [role], unitId: role === 'unit_head' ? s.units.T1 : null });
    tokens[who] = await logIn(server, user.login, user.password);
  }
});
afterAll(async () => {
  await server.stop();
});

describe('every year argument is an assessment year (2000–2100), as finalizeAssessment says', () => {
  const outside = [99999, 2101, 1999, 1899, 0, -1];
  const asked = {
    scorecards: (year: number) => office(`query($y: Int!) { scorecards(year: $y) { score } }`, { y: year }),
    scorecard: (year: number) =>
      office(`query($u: ID!, $y: Int!) { scorecard(unitId: $u, year: $y) { score } }`, { u: s.units.T1, y: year }),
    grantExemption: (year: number) =>
      committee(
        `mutation($u: ID!, $y: Int!) { grantExemption(unitId: $u, year: $y, lineId: "unfinished_at_year_end:x", reason: "r", approvedBy: "a") { events { type } } }`,
        { u: s.units.T1, y: year },
      ),
    finalizeAssessment: (year: number) => committee(`mutation($y: Int!) { finalizeAssessment(year: $y) { events { type } } }`, { y: year }),
    verifyAssessment: (year: number) => committee(`query($y: Int!) { verifyAssessment(year: $y) { identical } }`, { y: year }),
    exemptionApplications: (year: number) => office(`query($y: Int!) { exemptionApplications(year: $y) { id } }`, { y: year }),
    assessmentItems: (year: number) => office(`query($y: Int!) { assessmentItems(year: $y) { title } }`, { y: year }),
    applyForExemption: (year: number) =>
      unitHead(
        `mutation($u: ID!, $y: Int!) { applyForExemption(unitId: $u, year: $y, lineId: "unfinished_at_year_end:x", distinction: exploratory_trial, statement: "s") { events { type } } }`,
        { u: s.units.T1, y: year },
      ),
    withdrawExemptionApplication: (year: number) =>
      unitHead(`mutation($y: Int!) { withdrawExemptionApplication(year: $y, applicationId: "a") { events { type } } }`, { y: year }),
    decideExemptionApplication: (year: number) =>
      committee(
        `mutation($y: Int!) { decideExemptionApplication(year: $y, applicationId: "a", decision: refuse, reasons: "r", decidedBy: "d") { events { type } } }`,
        { y: year },
      ),
    recordAssessmentItem: (year: number) =>
      committee(
        `mutation($u: ID!, $y: Int!) { recordAssessmentItem(unitId: $u, year: $y, kind: task_completion, points: -1, title: "t", evidence: "e") { events { type } } }`,
        { u: s.units.T1, y: year },
      ),
    assessmentReport: (year: number) => committee(`query($y: Int!) { assessmentReport(year: $y) { year } }`, { y: year }),
  };

  for (const [field, ask] of Object.entries(asked))
    it(`${field} refuses ${outside.join(', ')} with VALIDATION_FAILED on year`, async () => {
      for (const year of outside) {
        const answer = await ask(year);
        expect([year, codeOf(answer), fieldsOf(answer)]).toEqual([year, 'VALIDATION_FAILED', ['year']]);
        expect(answer.errors![0]!.message).toContain('2100');
      }
    });

  it('the bounds themselves are years: 2000 and 2100 answer with cards (empty before the units existed)', async () => {
    for (const year of [2000, 2100]) expect((await asked.scorecards(year)).errors).toBeUndefined();
    expect((await asked.scorecards(2000)).data.scorecards).toEqual([]);
  });
});

describe('an instant with its offset: the offset must be one a clock can show (−12:00 to +14:00)', () => {
  for (const asOf of ['2025-07-01T00:00:00+25:00', '2025-07-01T00:00:00+14:30', '2025-07-01T00:00:00-13:00', '2025-07-01T00:00:00+08:60'])
    it(`asOf ${asOf} is refused`, async () => {
      const answer = await office(`query($a: String) { battleMap(asOf: $a) { day } }`, { a: asOf });
      expect([codeOf(answer), fieldsOf(answer)]).toEqual(['INVALID_INSTANT', ['asOf']]);
    });

  it('real offsets are accepted: +14:00, −12:00, Z and +0800', async () => {
    for (const asOf of ['2019-07-01T00:00:00+14:00', '2019-07-01T00:00:00-12:00', '2019-07-01T00:00:00Z', '2019-07-01T08:00:00+0800'])
      expect((await office(`query($a: String) { battleMap(asOf: $a) { day } }`, { a: asOf })).errors).toBeUndefined();
  });

  it('the audit trail’s from and to are read by the same parser', async () => {
    const audit = (from: string) => admin(`query($f: String) { auditLog(from: $f) { type } }`, { f: from });
    const refused = await audit('2019-07-01T00:00:00+25:00');
    expect([codeOf(refused), fieldsOf(refused)]).toEqual(['VALIDATION_FAILED', ['from']]);
    expect((await audit('2019-07-01T00:00:00+08:00')).errors).toBeUndefined();
    expect((await audit('2019-07-01')).errors).toBeUndefined();
  });
});

describe('a policy document is refused whole, naming the field', () => {
  const adopt = (document: unknown) =>
    admin(`mutation($d: JSON!) { adoptPolicy(document: $d, reason: "试行") { policy { version } events { type } } }`, { d: document });

  it('grade thresholds that tie (好 = 较好) are refused: a grade nobody could get', async () => {
    const answer = await adopt({
      ...defaultPolicy,
      scoring: { ...defaultPolicy.scoring, grades: { good: 90, fairlyGood: 90, average: 80 } },
    });
    expect(codeOf(answer)).toBe('VALIDATION_FAILED');
    expect(fieldsOf(answer)).toEqual(['document.scoring.grades.fairlyGood']);
  });

  it('an unknown key, at the top or deep inside, is refused rather than dropped', async () => {
    const deep = await adopt({ ...defaultPolicy, scoring: { ...defaultPolicy.scoring, sweepAnswered: 1 } });
    expect(codeOf(deep)).toBe('VALIDATION_FAILED');
    expect(fieldsOf(deep)).toEqual(['document.scoring.sweepAnswered']);
    const rule = await adopt({
      ...defaultPolicy,
      interviews: {
        ...defaultPolicy.interviews,
        rules: { ...defaultPolicy.interviews.rules, item_overdue: { ...defaultPolicy.interviews.rules.item_overdue, days: 3 } },
      },
    });
    expect(fieldsOf(rule)).toEqual(['document.interviews.rules.item_overdue.days']);
    const top = await adopt({ ...defaultPolicy, bonus: true });
    expect(fieldsOf(top)).toEqual(['document.bonus']);
    expect((await server.gql(`{ policies { version } }`, {}, bearer(tokens.admin))).data?.policies).toEqual([{ version: 0 }]);
  });
});

describe('a policy version asked about before it was adopted', () => {
  beforeAll(async () => {
    const adopted = await adopt2020();
    adoptedAt = adopted.data.adoptPolicy.policy.adoptedAt;
  });
  const adopt2020 = () =>
    admin(`mutation($d: JSON!) { adoptPolicy(document: $d, reason: "从严") { policy { version adoptedAt } } }`, {
      d: {
        ...defaultPolicy,
        name: '从严考核办法',
        scoring: { ...defaultPolicy.scoring, grades: { good: 99, fairlyGood: 98, average: 97 } },
      },
    });

  it('is not yet in force then: a stable code of its own, never "there is no policy version 1"', async () => {
    expect(adoptedAt).toBe(now);
    const early = await office(`{ scorecards(year: 2019, asOf: "2020-01-10T10:00:00+08:00", policyVersion: 1) { score } }`);
    expect([codeOf(early), fieldsOf(early)]).toEqual(['POLICY_NOT_YET_IN_FORCE', ['policyVersion']]);
    expect(early.errors![0]!.message).toContain('not yet in force');
    expect(early.errors![0]!.message).not.toContain('There is no policy version');
    const policy = await office(`{ policy(version: 1, asOf: "2020-01-10T10:00:00+08:00") { version } }`);
    expect(codeOf(policy)).toBe('POLICY_NOT_YET_IN_FORCE');
  });

  it('answers once it is in force, and a version never adopted is still not found', async () => {
    const later = await office(`{ scorecards(year: 2019, asOf: "2020-01-15T10:00:00+08:00", policyVersion: 1) { policyVersion } }`);
    expect(later.errors).toBeUndefined();
    expect(later.data.scorecards[0].policyVersion).toBe(1);
    expect((await office(`{ policy(version: 1, asOf: "2020-01-16T10:00:00+08:00") { version } }`)).data.policy).toEqual({ version: 1 });
    expect(codeOf(await office(`{ scorecards(year: 2019, asOf: "2020-01-10T10:00:00+08:00", policyVersion: 7) { score } }`))).toBe(
      'POLICY_VERSION_NOT_FOUND',
    );
  });
});
