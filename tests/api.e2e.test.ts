import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/** The ledger over real HTTP: the lifecycle, its refusals, and concurrency. */
let server: TestServer;
let township: string;
let bureau: string;
/** Each step is done by the role whose work it is (see api/authz.ts). */
const as = { office: '', admin: '', head: '', verifier: '', townshipVerifier: '' };
const now = { value: '2019-03-01T09:00:00+08:00' };

const PROBLEM_FIELDS = 'id ledgerNumber status deadline';

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = as.office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

async function raise(description = '贫困户危房改造未完成') {
  const data = await ok(
    `mutation($d: String!) { raiseProblem(source: national_feedback, category: housing, description: $d) { problem { ${PROBLEM_FIELDS} } } }`,
    { d: description },
  );
  return data.raiseProblem.problem as { id: string; ledgerNumber: string };
}

async function historyOf(id: string): Promise<string[]> {
  const data = await ok(`query($id: ID) { problem(id: $id) { history { type } } }`, { id });
  return data.problem.history.map((e: { type: string }) => e.type);
}

async function verifiedProblem() {
  const p = await raise();
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任") { problem { id } } }`,
    { p: p.id, u: township },
  );
  await ok(`mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "王主任") { problem { id } } }`, { p: p.id }, as.head);
  await ok(`mutation($p: ID!) { submitPlan(problemId: $p, measures: "拆除重建") { problem { id } } }`, { p: p.id }, as.head);
  await ok(
    `mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已入住新房" }) { problem { id } } }`,
    { p: p.id },
    as.head,
  );
  await ok(`mutation($p: ID!) { passVerification(problemId: $p, opinion: "符合要求") { problem { id } } }`, { p: p.id }, as.verifier);
  return p;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.value });
  as.admin = await tokenFor(server, ['admin']);
  township = (await ok(`mutation { registerUnit(name: "磨子潭镇", kind: township) { unit { id } } }`, {}, as.admin)).registerUnit.unit.id;
  bureau = (await ok(`mutation { registerUnit(name: "县扶贫局", kind: department) { unit { id } } }`, {}, as.admin)).registerUnit.unit.id;
  as.office = await tokenFor(server, ['office']);
  as.head = await tokenFor(server, ['unit_head'], township);
  as.verifier = await tokenFor(server, ['verifier'], bureau);
  as.townshipVerifier = await tokenFor(server, ['verifier'], township);
});
afterAll(() => server.stop());

describe('a problem’s whole life over HTTP', () => {
  it('raise → assign → acknowledge → deadline → plan → rectified → verified → closed leaves eight events with actors and times', async () => {
    const p = await raise();
    const steps: [string, Record<string, unknown>, string][] = [
      ['assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任")', { u: township }, as.office],
      ['acknowledgeAssignment(problemId: $p, acknowledgedBy: "王主任")', {}, as.head],
      ['setDeadline(problemId: $p, deadline: "2019-06-30")', {}, as.office],
      ['submitPlan(problemId: $p, measures: "拆除重建，六月底前入住")', {}, as.head],
      ['reportRectified(problemId: $p, evidence: { description: "已入住新房", files: [] })', {}, as.head],
      ['passVerification(problemId: $p, opinion: "符合要求")', {}, as.verifier],
      ['closeProblem(problemId: $p)', {}, as.office],
    ];
    for (const [call, vars, token] of steps) {
      const declared = Object.keys(vars)
        .map((k) => `, $${k}: ID!`)
        .join('');
      await ok(`mutation($p: ID!${declared}) { ${call} { problem { id } } }`, { p: p.id, ...vars }, token);
    }
    const data = await ok(
      `query($n: String) { problem(ledgerNumber: $n) { status closedOn history { type occurredAt actor { name role unitId } } } }`,
      { n: p.ledgerNumber },
    );
    expect(data.problem.status).toBe('closed');
    expect(data.problem.closedOn).toBe('2019-03-01');
    expect(data.problem.history.map((e: { type: string }) => e.type)).toEqual([
      'ProblemRaised',
      'ProblemAssigned',
      'AssignmentAcknowledged',
      'DeadlineSet',
      'RectificationPlanSubmitted',
      'RectificationReported',
      'VerificationPassed',
      'ProblemClosed',
    ]);
    for (const event of data.problem.history) {
      expect(event.occurredAt).toBe('2019-03-01T09:00:00+08:00');
      expect(event.actor.name).not.toBe('');
    }
    // The role and unit recorded are the signed-in user's, from the token.
    expect(data.problem.history.map((e: { actor: { role: string } }) => e.actor.role)).toEqual([
      'office',
      'office',
      'unit_head',
      'office',
      'unit_head',
      'unit_head',
      'verifier',
      'office',
    ]);
    expect(data.problem.history[6].actor.unitId).toBe(bureau);
    expect(data.problem.history[2].actor.unitId).toBe(township);
  });

  it('numbers problems by source and year: GJ-2019-…', async () => {
    const p = await raise();
    expect(p.ledgerNumber).toMatch(/^GJ-2019-\d{3}$/);
  });

  it('a retried command with the same commandId returns the same problem and appends nothing', async () => {
    const query = `mutation { raiseProblem(source: audit, category: fund_misuse, description: "资金拨付滞后", commandId: "retry-1") { problem { id ledgerNumber } replayed } }`;
    const first = await ok(query);
    await server.settled();
    const head = await server.store.headPosition();
    const second = await ok(query);
    expect(second.raiseProblem.problem).toEqual(first.raiseProblem.problem);
    expect(second.raiseProblem.replayed).toBe(true);
    expect(await server.store.headPosition()).toBe(head);
  });
});

describe('a commandId names one command (issue 10)', () => {
  async function inRectification() {
    const p = await raise();
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任") { problem { id } } }`,
      { p: p.id, u: township },
    );
    await ok(
      `mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "王主任") { problem { id } } }`,
      { p: p.id },
      as.head,
    );
    await ok(`mutation($p: ID!) { submitPlan(problemId: $p, measures: "拆除重建") { problem { id } } }`, { p: p.id }, as.head);
    return p;
  }
  const supervise = `mutation($p: ID!, $c: ID) { orderSupervision(problemId: $p, instruction: "五日内办结", finishBy: "2030-12-31", commandId: $c) { replayed events { type } } }`;
  const progress = `mutation($p: ID!, $c: ID, $t: String!) { reportProgress(problemId: $p, progress: $t, percentComplete: 50, commandId: $c) { replayed events { type } } }`;

  async function refusedAsReused(query: string, variables: Record<string, unknown>, problemId: string, token: string) {
    const before = await historyOf(problemId);
    await server.settled();
    const head = await server.store.headPosition();
    const response = await server.gql(query, variables, bearer(token));
    expect(response.data?.[Object.keys(response.data ?? {})[0] ?? ''] ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('COMMAND_ID_REUSED');
    expect(await server.store.headPosition()).toBe(head);
    expect(await historyOf(problemId)).toEqual(before);
  }

  it('a unit head’s reportProgress under the office’s orderSupervision id is refused, not answered with SupervisionOrdered', async () => {
    const p = await inRectification();
    const c = `supervise-${p.id}`;
    expect((await ok(supervise, { p: p.id, c })).orderSupervision.events.map((e: { type: string }) => e.type)).toEqual([
      'SupervisionOrdered',
    ]);
    await refusedAsReused(progress, { p: p.id, c, t: '已完成地基' }, p.id, as.head);
    // Under an id of its own, the report goes in.
    const reported = await ok(progress, { p: p.id, c: `progress-${p.id}`, t: '已完成地基' }, as.head);
    expect(reported.reportProgress).toEqual({ replayed: false, events: [{ type: 'ProgressReported' }] });
  });

  it('the same mutation with another payload is refused; the same one again is a retry', async () => {
    const p = await inRectification();
    const c = `progress-${p.id}`;
    const first = await ok(progress, { p: p.id, c, t: '已完成地基' }, as.head);
    await refusedAsReused(progress, { p: p.id, c, t: '已完成主体' }, p.id, as.head);
    await server.settled();
    const head = await server.store.headPosition();
    const again = await ok(progress, { p: p.id, c, t: '已完成地基' }, as.head);
    expect(again.reportProgress).toEqual({ ...first.reportProgress, replayed: true });
    expect(await server.store.headPosition()).toBe(head);
  });

  it('a raise under another raise’s id with another description is refused', async () => {
    const raiseWith = `mutation($c: ID, $d: String!) { raiseProblem(source: audit, category: fund_misuse, description: $d, commandId: $c) { problem { id } replayed } }`;
    const c = `raise-reused-${Date.now()}`;
    const first = await ok(raiseWith, { c, d: '资金拨付滞后' });
    expect((await server.refused(raiseWith, { c, d: '另一个问题' }, bearer(as.office))).code).toBe('COMMAND_ID_REUSED');
    expect((await ok(raiseWith, { c, d: '资金拨付滞后' })).raiseProblem).toEqual({ ...first.raiseProblem, replayed: true });
  });
});

describe('refusals: a clear error with a code, and the stream unchanged', () => {
  async function refused(query: string, variables: Record<string, unknown>, problemId: string | null, code: string, token = as.office) {
    const before = problemId ? await historyOf(problemId) : [];
    const error = await server.refused(query, variables, bearer(token));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
    if (problemId) expect(await historyOf(problemId)).toEqual(before);
    return error;
  }

  it('closing without verification', async () => {
    const p = await raise();
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "李") { problem { id } } }`,
      { p: p.id, u: township },
    );
    await refused(`mutation($p: ID!) { closeProblem(problemId: $p) { problem { id } } }`, { p: p.id }, p.id, 'VERIFICATION_REQUIRED');
  });

  it('verification by the responsible unit', async () => {
    const p = await raise();
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "李") { problem { id } } }`,
      { p: p.id, u: township },
    );
    await ok(`mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "李") { problem { id } } }`, { p: p.id }, as.head);
    await ok(`mutation($p: ID!) { submitPlan(problemId: $p, measures: "改") { problem { id } } }`, { p: p.id }, as.head);
    await ok(
      `mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "改好了" }) { problem { id } } }`,
      { p: p.id },
      as.head,
    );
    // A verifier of the township itself: refused by the authorization layer (the domain refuses it too).
    const error = await refused(
      `mutation($p: ID!) { passVerification(problemId: $p, opinion: "自验") { problem { id } } }`,
      { p: p.id },
      p.id,
      'FORBIDDEN',
      as.townshipVerifier,
    );
    expect(error.reason).toBe('OWN_UNIT');
  });

  it('a deadline before the raise date', async () => {
    const p = await raise();
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "李") { problem { id } } }`,
      { p: p.id, u: township },
    );
    await refused(
      `mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-02-28") { problem { id } } }`,
      { p: p.id },
      p.id,
      'DEADLINE_BEFORE_RAISE_DATE',
    );
  });

  it('an unknown unit', async () => {
    const p = await raise();
    const error = await refused(
      `mutation($p: ID!) { assignProblem(problemId: $p, responsibleUnitId: "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b", responsiblePerson: "李") { problem { id } } }`,
      { p: p.id },
      p.id,
      'UNIT_NOT_FOUND',
    );
    expect(error.message).toContain('0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b');
  });

  it('a malformed date (2019-02-30)', async () => {
    const p = await raise();
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "李") { problem { id } } }`,
      { p: p.id, u: township },
    );
    const error = await refused(
      `mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-02-30") { problem { id } } }`,
      { p: p.id },
      p.id,
      'VALIDATION_FAILED',
    );
    expect(error.message).toMatch(/deadline/);
  });

  it('a 10 MB description', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(as.office) },
      body: JSON.stringify({
        query: `mutation($d: String!) { raiseProblem(source: audit, category: housing, description: $d) { problem { id } } }`,
        variables: { d: '问'.repeat((10 * 1024 * 1024) / 3) },
      }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await server.store.headPosition()).toBe(head);
  });

  it('a description just over the 5000-character limit, inside the body limit', async () => {
    const error = await refused(
      `mutation($d: String!) { raiseProblem(source: audit, category: housing, description: $d) { problem { id } } }`,
      { d: 'x'.repeat(5001) },
      null,
      'VALIDATION_FAILED',
    );
    expect(error.message).toMatch(/description.*5000/);
  });

  it('an unknown problem', async () => {
    await refused(
      `mutation { closeProblem(problemId: "0c0c0c0c-0c0c-4c0c-8c0c-0c0c0c0c0c0c") { problem { id } } }`,
      {},
      null,
      'PROBLEM_NOT_FOUND',
    );
  });
});

describe('concurrency over HTTP', () => {
  it('20 concurrent raises get 20 distinct, consecutive ledger numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ok(
          `mutation($d: String!) { raiseProblem(source: provincial_review, category: roads, description: $d) { problem { ledgerNumber } } }`,
          { d: `道路 ${i}` },
        ),
      ),
    );
    const numbers = results.map((r) => r.raiseProblem.problem.ledgerNumber).sort();
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `SJ-2019-${String(i + 1).padStart(3, '0')}`));
  });

  it('20 concurrent closes of one verified problem produce exactly one ProblemClosed', async () => {
    const p = await verifiedProblem();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.gql(`mutation($p: ID!) { closeProblem(problemId: $p) { problem { status } } }`, { p: p.id }, bearer(as.office)),
      ),
    );
    for (const r of responses) expect(r.errors).toBeUndefined();
    expect((await historyOf(p.id)).filter((t) => t === 'ProblemClosed')).toHaveLength(1);
  });
});
