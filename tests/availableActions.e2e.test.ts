import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * Problem.availableActions over real HTTP: the server, not the web app, says what the signed-in
 * caller may do to a problem now — its state's accepted commands that the authorization table lets
 * this user run.
 */
let server: TestServer;
let township: string;
let bureau: string;
const as = { office: '', admin: '', head: '', otherHead: '', verifier: '', townshipVerifier: '' };

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = as.office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

async function actions(problemId: string, token: string): Promise<string[]> {
  return (await ok(`query($id: ID) { problem(id: $id) { availableActions } }`, { id: problemId }, token)).problem.availableActions;
}

async function step(call: string, problemId: string, token: string) {
  await ok(`mutation($p: ID!) { ${call} { problem { id } } }`, { p: problemId }, token);
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => '2019-03-01T09:00:00+08:00' });
  as.admin = await tokenFor(server, ['admin']);
  township = (await ok(`mutation { registerUnit(name: "磨子潭镇", kind: township) { unit { id } } }`, {}, as.admin)).registerUnit.unit.id;
  const other = (await ok(`mutation { registerUnit(name: "黄尾镇", kind: township) { unit { id } } }`, {}, as.admin)).registerUnit.unit.id;
  bureau = (await ok(`mutation { registerUnit(name: "县扶贫局", kind: department) { unit { id } } }`, {}, as.admin)).registerUnit.unit.id;
  as.office = await tokenFor(server, ['office']);
  as.head = await tokenFor(server, ['unit_head'], township);
  as.otherHead = await tokenFor(server, ['unit_head'], other);
  as.verifier = await tokenFor(server, ['verifier'], bureau);
  as.townshipVerifier = await tokenFor(server, ['verifier'], township);
});
afterAll(() => server.stop());

describe('Problem.availableActions', () => {
  it('follows the problem through its life, for each role and unit', async () => {
    const raised = await ok(
      `mutation { raiseProblem(source: national_feedback, category: housing, description: "危房改造未完成") { problem { id availableActions } } }`,
    );
    const p = raised.raiseProblem.problem.id as string;
    // The office may link (复发 / 相关) a problem at every step once it is raised.
    expect(raised.raiseProblem.problem.availableActions).toEqual(['assignProblem', 'linkProblem']);
    expect(await actions(p, as.head)).toEqual([]);

    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任") { problem { id } } }`,
      { p, u: township },
    );
    // 配合单位 and 转办: the office's at any stage before closing.
    const unitSteps = ['changeCoResponsibleUnits', 'transferProblem'];
    expect(await actions(p, as.office)).toEqual([
      'assignProblem',
      'setDeadline',
      'orderSupervision',
      'linkProblem',
      ...unitSteps,
      'postInstruction',
    ]);
    expect(await actions(p, as.head)).toEqual(['acknowledgeAssignment']);
    expect(await actions(p, as.otherHead)).toEqual([]);

    await step('acknowledgeAssignment(problemId: $p, acknowledgedBy: "王主任")', p, as.head);
    // A unit head on their own acknowledged item reports progress, but never closes it (销号 is the office's).
    expect(await actions(p, as.head)).toEqual(['submitPlan', 'reportProgress']);
    expect(await actions(p, as.head)).not.toContain('closeProblem');
    expect(await actions(p, as.otherHead)).toEqual([]);
    expect(await actions(p, as.office)).toEqual(['setDeadline', 'orderSupervision', 'linkProblem', ...unitSteps, 'postInstruction']);

    await step('submitPlan(problemId: $p, measures: "拆除重建")', p, as.head);
    expect(await actions(p, as.head)).toEqual(['submitPlan', 'reportProgress', 'reportRectified']);
    await step('reportRectified(problemId: $p, evidence: { description: "已入住新房" })', p, as.head);
    expect(await actions(p, as.head)).toEqual([]);
    expect(await actions(p, as.verifier)).toEqual(['passVerification', 'rejectVerification']);
    // A verifier never verifies their own unit's work.
    expect(await actions(p, as.townshipVerifier)).toEqual([]);
    expect(await actions(p, as.office)).not.toContain('closeProblem');

    await step('passVerification(problemId: $p, opinion: "符合要求")', p, as.verifier);
    // The office closes only once the verification has passed.
    expect(await actions(p, as.office)).toEqual([
      'setDeadline',
      'closeProblem',
      'orderSupervision',
      'linkProblem',
      ...unitSteps,
      'postInstruction',
    ]);
    expect(await actions(p, as.verifier)).toEqual([]);

    await step('closeProblem(problemId: $p)', p, as.office);
    // 回头看: the office or a verifier of another unit confirms 巩固 (or reopens); never the unit itself.
    expect(await actions(p, as.office)).toEqual(['reopenProblem', 'confirmConsolidation', 'linkProblem', 'postInstruction']);
    expect(await actions(p, as.verifier)).toEqual(['confirmConsolidation']);
    expect(await actions(p, as.townshipVerifier)).toEqual([]);
    expect(await actions(p, as.head)).toEqual([]);

    await step('confirmConsolidation(problemId: $p, opinion: "回头看未反弹")', p, as.verifier);
    expect(await actions(p, as.office)).toEqual(['reopenProblem', 'linkProblem', 'postInstruction']);
    expect(await actions(p, as.verifier)).toEqual([]);
  });

  it('offers the reply to an open 督办 to the responsible unit’s head only', async () => {
    const p = (await ok(`mutation { raiseProblem(source: audit, category: roads, description: "道路硬化滞后") { problem { id } } }`))
      .raiseProblem.problem.id;
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任") { problem { id } } }`,
      { p, u: township },
    );
    expect(await actions(p, as.head)).not.toContain('replyToSupervision');
    await step('orderSupervision(problemId: $p, instruction: "限期办结", finishBy: "2019-03-10")', p, as.office);
    expect(await actions(p, as.head)).toEqual(['acknowledgeAssignment', 'replyToSupervision']);
    expect(await actions(p, as.otherHead)).toEqual([]);
    expect(await actions(p, as.office)).not.toContain('replyToSupervision');
    await step('replyToSupervision(problemId: $p, reply: "已开工")', p, as.head);
    expect(await actions(p, as.head)).toEqual(['acknowledgeAssignment']);
  });

  it('names only mutations the server lets the same caller run', async () => {
    const p = (await ok(`mutation { raiseProblem(source: audit, category: roads, description: "道路硬化未完成") { problem { id } } }`))
      .raiseProblem.problem.id;
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任") { problem { id } } }`,
      { p, u: township },
    );
    // Offered to the unit head: it goes through. Not offered to another unit's head: refused.
    expect(await actions(p, as.otherHead)).not.toContain('acknowledgeAssignment');
    const refused = await server.gql(
      `mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "李") { problem { id } } }`,
      { p },
      bearer(as.otherHead),
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await actions(p, as.head)).toContain('acknowledgeAssignment');
    await step('acknowledgeAssignment(problemId: $p, acknowledgedBy: "王主任")', p, as.head);
  });
});

describe('Scorecard.availableActions', () => {
  it('offers exemptions, finalizing and further assessment items to the committee while the year is open, and nothing to those who only read the cards (verifying comes once finalized)', async () => {
    const committee = await tokenFor(server, ['committee']);
    const cards = async (token: string) =>
      (await ok(`{ scorecards(year: 2019) { unit { name } availableActions } }`, {}, token)).scorecards as { availableActions: string[] }[];
    const forCommittee = await cards(committee);
    expect(forCommittee.length).toBeGreaterThan(0);
    for (const card of forCommittee)
      expect(card.availableActions).toEqual(['grantExemption', 'finalizeAssessment', 'recordAssessmentItem']);
    for (const card of await cards(as.office)) expect(card.availableActions).toEqual([]);
  });
});
