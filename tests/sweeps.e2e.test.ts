import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * 举一反三排查 over real HTTP, role by role: the office orders a sweep from T1's problem (every
 * township but T1 by default), the heads of T2 and T3 answer for their own units, the sweep shows
 * overdue on the wall, in the triggers and on the card, and the office closes it.
 */
let server: TestServer;
const now = { value: '2019-07-01T10:00:00+08:00' };
const tokens: Record<string, string> = {};
const units: Record<string, string> = {};
let originId: string;
let sweepId: string;

const as = (who: string, query: string, variables: Record<string, unknown> = {}) => server.gql<any>(query, variables, bearer(tokens[who]!));
const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
const ORDER = `mutation($p: ID!, $u: [ID!], $d: String!, $i: String!) {
  orderSweep(originProblemId: $p, unitIds: $u, answerBy: $d, instruction: $i) { id answerBy units { unit { name } } }
}`;
const ANSWER = `mutation($s: ID!, $a: SweepAnswerKind!, $t: String!) {
  answerSweep(sweepId: $s, answer: $a, text: $t) { sweep { answeredCount } problem { ledgerNumber source category status responsibleUnit { name } raisedBySweep { id } } }
}`;
const PENDING = `{ pendingSweeps { id originLedgerNumber canAnswer } }`;

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.value, tokenTtlSeconds: 30 * 86_400, notifications: false });
  units.T1 = await addUnit(server, '磨子潭镇');
  units.T2 = await addUnit(server, '佛子岭镇');
  units.T3 = await addUnit(server, '但家庙镇');
  units.D1 = await addUnit(server, '县扶贫局', 'department');
  tokens.office = await tokenFor(server, ['office']);
  tokens.headT1 = await tokenFor(server, ['unit_head'], units.T1);
  tokens.headT2 = await tokenFor(server, ['unit_head'], units.T2);
  tokens.headT3 = await tokenFor(server, ['unit_head'], units.T3);
  tokens.verifier = await tokenFor(server, ['verifier'], units.D1);
  tokens.committee = await tokenFor(server, ['committee']);
  const raised = await as(
    'office',
    `mutation { raiseProblem(source: national_feedback, category: housing, description: "危房改造对象识别不准") { problem { id } } }`,
  );
  originId = raised.data.raiseProblem.problem.id;
  const assigned = await as(
    'office',
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "储") { problem { id } } }`,
    { p: originId, u: units.T1 },
  );
  expect(assigned.errors).toBeUndefined();
});
afterAll(() => server.stop());

describe('the office orders a sweep', () => {
  it('refuses an answer-by day already past and an empty unit list, appending nothing', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const past = await as('office', ORDER, { p: originId, d: '2019-06-30', i: '排查' });
    expect(code(past)).toBe('SWEEP_ANSWER_BY_PAST');
    expect(past.errors![0]!.message).toBe('The answer-by day 2019-06-30 is already past (today is 2019-07-01).');
    expect(code(await as('office', ORDER, { p: originId, u: [], d: '2019-07-10', i: '排查' }))).toBe('SWEEP_WITHOUT_UNITS');
    expect(code(await as('office', ORDER, { p: originId, d: '2019-07-32', i: '排查' }))).toBe('VALIDATION_FAILED');
    expect(await server.store.headPosition()).toBe(head);
  });

  it('is refused to a unit head', async () => {
    expect(code(await as('headT2', ORDER, { p: originId, d: '2019-07-10', i: '排查' }))).toBe('FORBIDDEN');
  });

  it('asks every township but the origin’s own by default (not the department)', async () => {
    const r = await as('office', ORDER, { p: originId, d: '2019-07-10', i: '对照危房改造问题，逐户排查' });
    expect(r.errors).toBeUndefined();
    sweepId = r.data.orderSweep.id;
    expect(r.data.orderSweep.units.map((u: { unit: { name: string } }) => u.unit.name).sort()).toEqual(['但家庙镇', '佛子岭镇'].sort());
    const item = await as('office', `query($p: ID!) { problem(id: $p) { canOrderSweep sweeps { id } } }`, { p: originId });
    expect(item.data.problem).toEqual({ canOrderSweep: true, sweeps: [{ id: sweepId }] });
    const asHead = await as('headT1', `query($p: ID!) { problem(id: $p) { canOrderSweep } }`, { p: originId });
    expect(asHead.data.problem.canOrderSweep).toBe(false);
  });
});

describe('unit heads answer for their own unit', () => {
  it('each asked unit sees it pending; the origin’s unit does not', async () => {
    expect((await as('headT2', PENDING)).data.pendingSweeps).toEqual([{ id: sweepId, originLedgerNumber: 'GJ-2019-001', canAnswer: true }]);
    expect((await as('headT1', PENDING)).data.pendingSweeps).toEqual([]);
  });

  it('"none": the statement, signed by the head; once', async () => {
    const r = await as('headT2', ANSWER, { s: sweepId, a: 'none', t: '经逐户排查，未发现同类问题' });
    expect(r.errors).toBeUndefined();
    expect(r.data.answerSweep).toEqual({ sweep: { answeredCount: 1 }, problem: null });
    expect(code(await as('headT2', ANSWER, { s: sweepId, a: 'none', t: '补充' }))).toBe('SWEEP_ALREADY_ANSWERED');
    expect((await as('headT2', PENDING)).data.pendingSweeps).toEqual([]);
  });

  it('a unit the sweep did not ask is refused; so are the other roles', async () => {
    expect(code(await as('headT1', ANSWER, { s: sweepId, a: 'none', t: '无' }))).toBe('SWEEP_UNIT_NOT_ASKED');
    for (const who of ['office', 'verifier', 'committee'])
      expect(code(await as(who, ANSWER, { s: sweepId, a: 'none', t: '无' })), who).toBe('FORBIDDEN');
  });
});

describe('a sweep left unanswered past its day', () => {
  it('shows on the wall as a count per unit, in the triggers, and costs a point of 平时 on the card', async () => {
    now.value = '2019-07-11T09:00:00+08:00';
    const wall = await as('office', `{ battleMap { overdueSweeps { unit { name } count sweeps { id } } } }`);
    expect(wall.data.battleMap.overdueSweeps).toEqual([{ unit: { name: '但家庙镇' }, count: 1, sweeps: [{ id: sweepId }] }]);
    const triggers = await as('office', `query($u: ID!) { interviewTriggers(unitId: $u) { id rule level } }`, { u: units.T3 });
    expect(triggers.data.interviewTriggers).toEqual([
      { id: `sweep_unanswered:${units.T3}:${sweepId}`, rule: 'sweep_unanswered', level: 'reminder' },
    ]);
    const card = await as('office', `query($u: ID!) { scorecard(unitId: $u, year: 2019) { score lines { rule points } } }`, {
      u: units.T3,
    });
    expect(card.data.scorecard.lines.filter((l: { rule: string }) => l.rule.startsWith('sweep'))).toEqual([
      { rule: 'sweep_not_answered_in_time', points: -1 },
    ]);
    // 平时 99, 集中 100: 0.4 × 99 + 0.6 × 100.
    expect(card.data.scorecard.score).toBe(99.6);
    // The scheduler, catching up, reminded T3 (never answered) 7, 3 and 1 days before; T2 had answered on the 1st.
    await server.scheduler.pass();
    const reminders = (await server.store.readStream(`schedule-sweep-${sweepId}`)).map((e) => {
      const d = e.data as { unitId: string; daysBefore: number; dueAt: string };
      return [e.type, d.unitId === units.T3 ? 'T3' : d.unitId, d.daysBefore, d.dueAt];
    });
    expect(reminders).toEqual([
      ['SweepAnswerDue', 'T3', 7, '2019-07-03T09:00:00.000+08:00'],
      ['SweepAnswerDue', 'T3', 3, '2019-07-07T09:00:00.000+08:00'],
      ['SweepAnswerDue', 'T3', 1, '2019-07-09T09:00:00.000+08:00'],
    ]);
    // The day before, nothing was owed: as of 10 July.
    const before = await as('office', `{ battleMap(asOf: "2019-07-10T23:00:00+08:00") { overdueSweeps { count } } }`);
    expect(before.data.battleMap.overdueSweeps).toEqual([]);
  });

  it('"found", late: raises a self-report problem assigned to the unit, linked to the sweep; the wall and triggers clear', async () => {
    const r = await as('headT3', ANSWER, { s: sweepId, a: 'found', t: '发现2户危房改造对象识别不准' });
    expect(r.errors).toBeUndefined();
    expect(r.data.answerSweep.problem).toEqual({
      ledgerNumber: 'XZ-2019-001',
      source: 'county_self_check',
      category: 'housing',
      status: 'assigned',
      responsibleUnit: { name: '但家庙镇' },
      raisedBySweep: { id: sweepId },
    });
    expect((await as('office', `{ battleMap { overdueSweeps { count } } }`)).data.battleMap.overdueSweeps).toEqual([]);
    // The live card followed the answer: still late (one line, now naming the answer), the self-report costs nothing.
    const card = await as('office', `query($u: ID!) { scorecard(unitId: $u, year: 2019) { score lines { rule eventIds } } }`, {
      u: units.T3,
    });
    expect(card.data.scorecard.score).toBe(99.6);
    expect(
      card.data.scorecard.lines
        .filter((l: { rule: string }) => l.rule.startsWith('sweep'))
        .map((l: { eventIds: string[] }) => l.eventIds.length),
    ).toEqual([2]);
    const triggers = await as('office', `query($u: ID!) { interviewTriggers(unitId: $u) { rule } }`, { u: units.T3 });
    expect(triggers.data.interviewTriggers.filter((t: { rule: string }) => t.rule === 'sweep_unanswered')).toEqual([]);
    // An exemption (容错纠错) of that line takes it off the live card at once.
    const lineId = (
      await as('office', `query($u: ID!) { scorecard(unitId: $u, year: 2019) { lines { id rule } } }`, { u: units.T3 })
    ).data.scorecard.lines.find((l: { rule: string }) => l.rule === 'sweep_not_answered_in_time').id;
    const exempted = await as(
      'committee',
      `mutation($u: ID!, $l: String!) { grantExemption(unitId: $u, year: 2019, lineId: $l, reason: "汛期交通中断", approvedBy: "县考核委员会") { __typename } }`,
      { u: units.T3, l: lineId },
    );
    expect(exempted.errors).toBeUndefined();
    const after = await as('office', `query($u: ID!) { scorecard(unitId: $u, year: 2019) { score } }`, { u: units.T3 });
    expect(after.data.scorecard.score).toBe(100);
    const sweep = await as('office', `query($s: ID!) { sweep(id: $s) { answers { unit { name } answer late signedBy } overdueCount } }`, {
      s: sweepId,
    });
    expect(sweep.data.sweep.overdueCount).toBe(0);
    expect(
      sweep.data.sweep.answers.map((a: { unit: { name: string }; answer: string; late: boolean }) => [a.unit.name, a.answer, a.late]),
    ).toEqual([
      ['佛子岭镇', 'none', false],
      ['但家庙镇', 'found', true],
    ]);
  });
});

describe('the office closes the sweep', () => {
  it('no answer is taken afterwards; closing again changes nothing', async () => {
    const other = await as('office', ORDER, { p: originId, u: [units.T2, units.T3], d: '2019-07-20', i: '第二轮排查' });
    const second = other.data.orderSweep.id;
    const closed = await as('office', `mutation($s: ID!) { closeSweep(sweepId: $s, reason: "已覆盖") { closed closedOn canClose } }`, {
      s: second,
    });
    expect(closed.data.closeSweep).toEqual({ closed: true, closedOn: '2019-07-11', canClose: false });
    expect(code(await as('headT2', ANSWER, { s: second, a: 'none', t: '无' }))).toBe('SWEEP_CLOSED');
    await server.settled();
    const head = await server.store.headPosition();
    expect((await as('office', `mutation($s: ID!) { closeSweep(sweepId: $s) { closed } }`, { s: second })).errors).toBeUndefined();
    expect(await server.store.headPosition()).toBe(head);
    expect(code(await as('headT2', `mutation($s: ID!) { closeSweep(sweepId: $s) { closed } }`, { s: second }))).toBe('FORBIDDEN');
    const open = await as('committee', `{ sweeps(status: open) { id } }`);
    expect(open.data.sweeps).toEqual([{ id: sweepId }]);
  });
});
