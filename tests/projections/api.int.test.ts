import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, domainEventDefinitions } from '../../domain/index.js';
import { openEventStore } from '../../eventstore/index.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';
import { openStream } from '../support/liveStream.js';
import { scenario } from './scenario.js';

const s = scenario();
const { P2, P3, P4 } = s.problems;
let now = '2020-01-15T10:00:00+08:00';
let server: TestServer;
/** Tokens of the supervision office, the assessment committee and an admin (who adopts policies). */
const tokens = { office: '', committee: '', admin: '' };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
type Answer = { data: any; errors?: { message: string; extensions?: { code?: string } }[] };
const as =
  (who: keyof typeof tokens) =>
  async (query: string, variables: Record<string, unknown> = {}) =>
    (await server.gql(query, variables, bearer(tokens[who]))) as Answer;
/** Reading and the office's commands. */
const gql = as('office');
const committee = as('committee');
const admin = as('admin');
const codeOf = (result: Awaited<ReturnType<typeof gql>>) => result.errors?.[0]?.extensions?.code;
const cents = (n: number) => Math.round(n * 1000);

beforeAll(async () => {
  // Through the one place stores are opened, so the scenario's events are hash-chained as in production.
  const store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  for (const { streamId, event } of s.builder.entries) await store.appendToStream(streamId, [event], 'any');
  // Tokens outlive the test's clock moving from January to February.
  server = await startTestServer({ store, clock: () => now, tokenTtlSeconds: 365 * 24 * 3600 });
  for (const [who, role, displayName] of [
    ['office', 'office', '县督查办'],
    ['committee', 'committee', '县考核委员会'],
    ['admin', 'admin', '系统管理员'],
  ] as const) {
    const user = await addUser(server, { roles: [role], displayName });
    tokens[who] = await logIn(server, user.login, user.password);
  }
});
afterAll(async () => {
  await server.stop();
});

describe('battle map, triggers and scorecards over GraphQL', () => {
  it('battleMap(asOf) counts and drills down to ledger numbers', async () => {
    const result = await gql(`{ battleMap(asOf: "2019-07-03T12:00:00+08:00") {
      day light policyVersion onTimeClosureRate
      tally { total { count } overdue { count ledgerNumbers } red { ledgerNumbers } }
      units { unit { name } light }
      items(light: red) { ledgerNumber reasons } } }`);
    expect(result.errors).toBeUndefined();
    const map = result.data.battleMap;
    expect(map.day).toBe('2019-07-03');
    expect(map.light).toBe('red');
    expect(map.policyVersion).toBe(0);
    expect(map.tally.total.count).toBe(4);
    expect(map.tally.overdue.ledgerNumbers.sort()).toEqual([P2.ledgerNumber, P4.ledgerNumber].sort());
    expect(map.onTimeClosureRate).toBe(1);
    expect(map.items).toEqual(
      [
        { ledgerNumber: P4.ledgerNumber, reasons: ['overdue', 'rejected'] },
        { ledgerNumber: P2.ledgerNumber, reasons: ['overdue'] },
      ].sort((a, b) => a.ledgerNumber.localeCompare(b.ledgerNumber)),
    );
    expect(map.units.map((u: { unit: { name: string }; light: string }) => [u.unit.name, u.light]).sort()).toEqual(
      [
        ['磨子潭镇', 'red'],
        ['磨子潭镇某村', 'yellow'],
        ['县扶贫局', 'red'],
      ].sort(),
    );
  });

  it('battleMap(unitId) is the unit’s map now; a bad instant or unknown unit is a clear error', async () => {
    const result = await gql(`query($u: ID) { battleMap(unitId: $u) { tally { total { ledgerNumbers } overdue { ledgerNumbers } } } }`, {
      u: s.units.T1,
    });
    expect(result.data.battleMap.tally.overdue.ledgerNumbers).toEqual([P2.ledgerNumber]);
    expect(result.data.battleMap.tally.total.ledgerNumbers).toHaveLength(3);
    expect(codeOf(await gql(`{ battleMap(asOf: "2019-02-30") { day } }`))).toBe('INVALID_INSTANT');
    expect(codeOf(await gql(`{ battleMap(unitId: "00000000-0000-4000-8000-000000000999") { day } }`))).toBe('UNIT_NOT_FOUND');
  });

  it('interviewTriggers(asOf, unitId, level) names unit, rule, evidence and level', async () => {
    const result = await gql(
      `query($u: ID) { interviewTriggers(asOf: "2019-07-01T20:00:00+08:00", unitId: $u, level: interview) {
        id rule levelLabel escalations since ledgerNumbers eventIds unit { name } evidence { type } } }`,
      { u: s.units.D1 },
    );
    expect(result.errors).toBeUndefined();
    const rules = result.data.interviewTriggers.map((t: { rule: string }) => t.rule).sort();
    expect(rules).toEqual(['item_long_overdue', 'item_overdue', 'rejected_repeatedly']);
    const repeated = result.data.interviewTriggers.find((t: { rule: string }) => t.rule === 'rejected_repeatedly');
    expect(repeated).toMatchObject({
      levelLabel: '约谈',
      escalations: 1,
      since: '2019-05-15',
      ledgerNumbers: [P4.ledgerNumber],
      unit: { name: '县扶贫局' },
    });
    expect(repeated.eventIds).toEqual([s.ids.P4reject1, s.ids.P4reject2]);
    expect(repeated.evidence.map((e: { type: string }) => e.type)).toEqual(['VerificationRejected', 'VerificationRejected']);
  });

  it('scorecards(year) ranks every assessed unit and every card adds up', async () => {
    const result = await gql(`{ scorecards(year: 2019) { unit { name } score grade gradeLabel veto rank frozen provisional
      lines { id rule points contribution eventIds exempted } } }`);
    expect(result.errors).toBeUndefined();
    const cards = result.data.scorecards;
    expect(cards.map((c: { unit: { name: string }; score: number; rank: number }) => [c.unit.name, c.score, c.rank])).toEqual([
      ['县督查办', 100, 1],
      ['县扶贫局', 98.2, 2],
      ['磨子潭镇', 95, 3],
    ]);
    for (const card of cards) {
      expect(card.lines.reduce((sum: number, l: { contribution: number }) => sum + cents(l.contribution), 0)).toBe(cents(card.score));
      for (const l of card.lines.filter((l: { points: number }) => l.points < 0)) expect(l.eventIds.length).toBeGreaterThan(0);
    }
  });

  it('adoptPolicy checks the whole document, then re-scores under the new version side by side', async () => {
    const bad = await admin(`mutation($d: JSON!) { adoptPolicy(document: $d, reason: "试行") { policy { version } } }`, {
      d: { ...defaultPolicy, scoring: { ...defaultPolicy.scoring, ordinaryWeightPercent: 50 } },
    });
    expect(codeOf(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors![0]!.message).toContain('add up to 100');
    const strict = {
      ...defaultPolicy,
      name: '2019年度从严考核办法',
      scoring: { ...defaultPolicy.scoring, grades: { good: 99, fairlyGood: 98, average: 97 } },
    };
    const adopted = await admin(
      `mutation($d: JSON!) { adoptPolicy(document: $d, reason: "从严考核") { policy { version name adoptedBy } events { type } } }`,
      { d: strict },
    );
    expect(adopted.errors).toBeUndefined();
    expect(adopted.data.adoptPolicy.policy).toEqual({ version: 1, name: '2019年度从严考核办法', adoptedBy: '系统管理员' });
    const again = await admin(`mutation($d: JSON!) { adoptPolicy(document: $d, reason: "重复") { policy { version } events { type } } }`, {
      d: strict,
    });
    expect(again.data.adoptPolicy).toEqual({ policy: { version: 1 }, events: [] });

    const sideBySide = await gql(
      `query($u: ID!) {
      before: scorecard(unitId: $u, year: 2019, policyVersion: 0) { score gradeLabel veto policyVersion }
      after: scorecard(unitId: $u, year: 2019) { score gradeLabel veto policyVersion } }`,
      { u: s.units.T1 },
    );
    expect(sideBySide.data).toEqual({
      before: { score: 95, gradeLabel: '好', veto: false, policyVersion: 0 },
      after: { score: 95, gradeLabel: '较差', veto: true, policyVersion: 1 },
    });
  });

  it('recordInterview resolves a trigger with the evidence it had; an unknown trigger is refused', async () => {
    const triggerId = `rejected_repeatedly:${P4.problemId}`;
    const missing = await gql(
      `mutation { recordInterview(triggerId: "nope:1", interviewee: "局长", interviewer: "副县长", outcome: "限期") { trigger { id } } }`,
    );
    expect(codeOf(missing)).toBe('TRIGGER_NOT_FOUND');
    // P4 was closed on 2019-08-15: its rejected-twice trigger is gone by now, so ask about one that holds.
    const open = await gql(`{ interviewTriggers(level: interview) { id rule ledgerNumbers } }`);
    const yearEnd = open.data.interviewTriggers.find((t: { rule: string }) => t.rule === 'year_end_unfinished');
    expect(yearEnd.ledgerNumbers).toEqual([P2.ledgerNumber]);
    expect(open.data.interviewTriggers.some((t: { id: string }) => t.id === triggerId)).toBe(false);
    const held = await gql(
      `mutation($t: ID!) { recordInterview(triggerId: $t, interviewee: "镇长", interviewer: "县委书记", heldOn: "2020-01-14", outcome: "年底未完成任务，限期整改") {
        trigger { id resolved resolvedBy { heldOn ledgerNumbers interviewee } } events { type } } }`,
      { t: yearEnd.id },
    );
    expect(held.errors).toBeUndefined();
    expect(held.data.recordInterview).toEqual({
      trigger: {
        id: yearEnd.id,
        resolved: true,
        resolvedBy: { heldOn: '2020-01-14', ledgerNumbers: [P2.ledgerNumber], interviewee: '镇长' },
      },
      events: [{ type: 'InterviewHeld' }],
    });
    const future = await gql(
      `mutation($t: ID!) { recordInterview(triggerId: $t, interviewee: "镇长", interviewer: "书记", heldOn: "2020-02-01", outcome: "x") { events { type } } }`,
      { t: yearEnd.id },
    );
    expect(codeOf(future)).toBe('INTERVIEW_IN_FUTURE');
  });

  it('grantExemption removes exactly its deduction and keeps it visible; a gain cannot be exempted', async () => {
    const card = await gql(`query($u: ID!) { scorecard(unitId: $u, year: 2019) { score lines { id rule ledgerNumber contribution } } }`, {
      u: s.units.T1,
    });
    const unfinished = card.data.scorecard.lines.find((l: { rule: string }) => l.rule === 'unfinished_at_year_end');
    expect(unfinished.contribution).toBe(-1.8);
    const gain = card.data.scorecard.lines.find((l: { rule: string }) => l.rule === 'closed_on_time');
    const refused = await committee(
      `mutation($u: ID!, $l: String!) { grantExemption(unitId: $u, year: 2019, lineId: $l, reason: "r", approvedBy: "a") { events { type } } }`,
      { u: s.units.T1, l: gain.id },
    );
    expect(codeOf(refused)).toBe('NOT_A_DEDUCTION');
    const granted = await committee(
      `mutation($u: ID!, $l: String!) { grantExemption(unitId: $u, year: 2019, lineId: $l, reason: "汛期道路中断，属客观原因", approvedBy: "县考核委员会") {
        scorecard { score lines { id exempted contribution points exemption { reason approvedBy } } } events { type } } }`,
      { u: s.units.T1, l: unfinished.id },
    );
    expect(granted.errors).toBeUndefined();
    expect(granted.data.grantExemption.scorecard.score).toBe(96.8);
    const line = granted.data.grantExemption.scorecard.lines.find((l: { id: string }) => l.id === unfinished.id);
    expect(line).toEqual({
      id: unfinished.id,
      exempted: true,
      contribution: 0,
      points: -3,
      exemption: { reason: '汛期道路中断，属客观原因', approvedBy: '县考核委员会' },
    });
  });

  it('finalizeAssessment freezes the cards: what changes later shows as a difference beside them, never a rewrite', async () => {
    const early = await committee(
      `{ finalizeAssessment(year: 2020) { events { type } } }`.replace('{ finalizeAssessment', 'mutation { finalizeAssessment'),
    );
    expect(codeOf(early)).toBe('YEAR_NOT_OVER');
    const finalized = await committee(`mutation { finalizeAssessment(year: 2019, policyVersion: 0) {
      finalization { policyVersion cardsHash } scorecards { unit { name } score frozen } events { type } } }`);
    expect(finalized.errors).toBeUndefined();
    expect(finalized.data.finalizeAssessment.events).toEqual([{ type: 'AssessmentFinalized' }]);
    expect(finalized.data.finalizeAssessment.scorecards.find((c: { unit: { name: string } }) => c.unit.name === '磨子潭镇')).toEqual({
      unit: { name: '磨子潭镇' },
      score: 96.8,
      frozen: true,
    });

    now = '2020-02-01T10:00:00+08:00';
    const reopened = await gql(`mutation($p: ID!) { reopenProblem(problemId: $p, reason: "回头看发现反弹") { problem { status } } }`, {
      p: P3.problemId,
    });
    expect(reopened.data.reopenProblem.problem.status).toBe('rectifying');

    const card = await gql(
      `query($u: ID!) { scorecard(unitId: $u, year: 2019) {
      score frozen finalization { reproduced policyVersion }
      current { score frozen }
      difference { scoreDelta gradeChanged removed { rule ledgerNumber } added { rule } } } }`,
      { u: s.units.T1 },
    );
    expect(card.errors).toBeUndefined();
    expect(card.data.scorecard).toEqual({
      score: 96.8,
      frozen: true,
      finalization: { reproduced: true, policyVersion: 0 },
      // Now: policy 1 is in force (same points, stricter grades). P3's reopening in 2020 takes nothing
      // from 2019: its fix passed verification and counts for its year; the −2 is on the 2020 card.
      current: { score: 96.8, frozen: false },
      difference: { scoreDelta: 0, gradeChanged: true, removed: [], added: [] },
    });
    const next = await gql(`query($u: ID!) { scorecard(unitId: $u, year: 2020) { lines { rule ledgerNumber points } } }`, {
      u: s.units.T1,
    });
    expect(next.data.scorecard.lines).toContainEqual({ rule: 'problem_reopened', ledgerNumber: P3.ledgerNumber, points: -2 });
    const late = await committee(
      `mutation($u: ID!, $l: String!) { grantExemption(unitId: $u, year: 2019, lineId: $l, reason: "r", approvedBy: "a") { events { type } } }`,
      {
        u: s.units.D1,
        l: `verification_rejected:${s.ids.P4reject1}`,
      },
    );
    expect(codeOf(late)).toBe('ASSESSMENT_FINALIZED');
    // Finalized at 2020-01-15 10:00: as of an hour before, the cards were not frozen yet.
    const asBefore = await gql(`{ scorecards(year: 2019, asOf: "2020-01-15T09:00:00+08:00") { frozen } }`);
    expect(asBefore.data.scorecards.every((c: { frozen: boolean }) => !c.frozen)).toBe(true);
  });

  it('pushes battle-map changes and new triggers over server-sent events', async () => {
    const stream = await openStream(
      server.url,
      `subscription { battleMapUpdates { ledgerNumber eventType light status newTriggers { rule levelLabel } } }`,
      bearer(tokens.office),
    );
    expect(stream.contentType).toContain('text/event-stream');
    const next = async () => ((await stream.next()) as { result: { data: any } }).result.data.battleMapUpdates;
    await new Promise((r) => setTimeout(r, 200));
    const raised = await gql(
      `mutation { raiseProblem(source: national_feedback, category: health, description: "家庭医生签约服务不到位") { problem { id ledgerNumber } } }`,
    );
    const { id, ledgerNumber } = raised.data.raiseProblem.problem;
    expect(await next()).toMatchObject({ ledgerNumber, eventType: 'ProblemRaised', status: 'raised', light: 'yellow', newTriggers: [] });
    await gql(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "镇长") { problem { id } } }`,
      { p: id, u: s.units.T1 },
    );
    expect(await next()).toMatchObject({
      ledgerNumber,
      eventType: 'ProblemAssigned',
      newTriggers: [{ rule: 'problem_found', levelLabel: '约谈' }],
    });
    stream.close();
  });
});
