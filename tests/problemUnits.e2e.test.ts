import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * 牵头单位 / 配合单位, 转办 and 延期申请 over real HTTP, each step tried by every role: the office
 * assigns with co-responsible units, transfers and decides requests; the lead unit's head requests
 * an extension; a co-responsible unit's head reports progress on its part but not the fix. Every
 * refusal appends nothing.
 */
let server: TestServer;
const now = { value: '2019-03-01T09:00:00+08:00' };
let township: string;
let other: string;
let bureau: string;
const as: Record<'office' | 'admin' | 'committee' | 'verifier' | 'head' | 'otherHead' | 'bureauHead', string> = {
  office: '',
  admin: '',
  committee: '',
  verifier: '',
  head: '',
  otherHead: '',
  bureauHead: '',
};

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

/** A mutation that must be refused: its error code, and the proof that nothing was appended. */
async function refusedCode(query: string, variables: Record<string, unknown>, token: string): Promise<string> {
  return String((await server.refused(query, variables, bearer(token))).code);
}

const ASSIGN = `mutation($p: ID!, $u: ID!, $co: [ID!]) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任", coResponsibleUnitIds: $co) {
  problem { responsibleUnit { id } coResponsibleUnits { id } } } }`;
const PROGRESS = `mutation($p: ID!) { reportProgress(problemId: $p, progress: "已完成入户核查") { events { type data } } }`;
const RECTIFIED = `mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已整改到位" }) { events { type } } }`;
const TRANSFER = `mutation($p: ID!, $u: ID!) { transferProblem(problemId: $p, toUnitId: $u, responsiblePerson: "赵科长", reason: "职责调整") {
  problem { responsibleUnit { id } responsiblePerson transfers { fromUnit { id } toUnit { id } reason } } events { type } } }`;
const REQUEST = `mutation($p: ID!, $d: String!) { requestExtension(problemId: $p, proposedDeadline: $d, reason: "汛期施工受阻") {
  problem { extensionRequestPending extensionRequest { status proposedDeadline unit { id } } } events { type } } }`;
const APPROVE = `mutation($p: ID!) { approveExtensionRequest(problemId: $p) { problem { deadline extensionCount extensionRequestPending extensionRequest { status } } events { type } } }`;
const REFUSE = `mutation($p: ID!) { refuseExtensionRequest(problemId: $p, reason: "理由不充分") { problem { deadline extensionRequest { status refusal } } events { type } } }`;
const QUEUE = '{ extensionRequests { id ledgerNumber extensionRequest { proposedDeadline reason } } }';

/** A problem of the township (lead) with the bureau helping (配合), acknowledged, with a plan and the deadline 2019-06-30. */
async function newProblem(description: string): Promise<string> {
  const p = (
    await ok(
      'mutation($d: String!) { raiseProblem(source: audit, category: roads, description: $d) { problem { id } } }',
      { d: description },
      as.office,
    )
  ).raiseProblem.problem.id as string;
  await ok(ASSIGN, { p, u: township, co: [bureau] }, as.office);
  await ok('mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-06-30") { problem { id } } }', { p }, as.office);
  await ok('mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "王主任") { problem { id } } }', { p }, as.head);
  await ok('mutation($p: ID!) { submitPlan(problemId: $p, measures: "一、排查；二、整改") { problem { id } } }', { p }, as.head);
  return p;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.value, notifications: false });
  township = await addUnit(server, '磨子潭镇');
  other = await addUnit(server, '黄尾镇');
  bureau = await addUnit(server, '县交通局', 'department');
  as.office = await tokenFor(server, ['office']);
  as.admin = await tokenFor(server, ['admin']);
  as.committee = await tokenFor(server, ['committee']);
  as.verifier = await tokenFor(server, ['verifier'], other);
  as.head = await tokenFor(server, ['unit_head'], township);
  as.otherHead = await tokenFor(server, ['unit_head'], other);
  as.bureauHead = await tokenFor(server, ['unit_head'], bureau);
});
afterAll(() => server.stop());

describe('lead and co-responsible units (牵头单位 / 配合单位)', () => {
  it('the assignment names them; the co-responsible unit sees the item in its queue', async () => {
    const p = await newProblem('道路破损未修复（配合）');
    const item = await ok('query($p: ID!) { problem(id: $p) { responsibleUnit { id } coResponsibleUnits { id } } }', { p }, as.bureauHead);
    expect(item.problem).toEqual({ responsibleUnit: { id: township }, coResponsibleUnits: [{ id: bureau }] });
    const queue = await ok('query($u: ID!) { problems(unitId: $u) { edges { node { id } } } }', { u: bureau }, as.bureauHead);
    expect(queue.problems.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(p);
  });

  it('the co-responsible unit head reports progress on its part, recorded with the unit; another unit head is refused', async () => {
    const p = await newProblem('道路破损未修复（进展）');
    const done = await ok(PROGRESS, { p }, as.bureauHead);
    expect(done.reportProgress.events).toEqual([{ type: 'ProgressReported', data: expect.objectContaining({ unitId: bureau }) }]);
    expect(await refusedCode(PROGRESS, { p }, as.otherHead)).toBe('FORBIDDEN');
    for (const role of ['office', 'admin', 'committee', 'verifier'] as const)
      expect(await refusedCode(PROGRESS, { p }, as[role])).toBe('FORBIDDEN');
  });

  it('only the lead unit reports the fix', async () => {
    const p = await newProblem('道路破损未修复（整改）');
    expect(await refusedCode(RECTIFIED, { p }, as.bureauHead)).toBe('FORBIDDEN');
    expect((await ok(RECTIFIED, { p }, as.head)).reportRectified.events).toEqual([{ type: 'RectificationReported' }]);
  });

  it('the office changes them; nobody else may', async () => {
    const p = await newProblem('道路破损未修复（变更）');
    const CHANGE =
      'mutation($p: ID!, $co: [ID!]!) { changeCoResponsibleUnits(problemId: $p, coResponsibleUnitIds: $co) { problem { coResponsibleUnits { id } } } }';
    for (const role of ['admin', 'committee', 'verifier', 'head', 'bureauHead'] as const)
      expect(await refusedCode(CHANGE, { p, co: [other] }, as[role])).toBe('FORBIDDEN');
    expect(await refusedCode(CHANGE, { p, co: [township] }, as.office)).toBe('CO_RESPONSIBLE_IS_LEAD');
    expect((await ok(CHANGE, { p, co: [other] }, as.office)).changeCoResponsibleUnits.problem.coResponsibleUnits).toEqual([{ id: other }]);
  });
});

describe('transfer (转办)', () => {
  it('the office transfers to another lead unit; the history keeps both, and the unit heads’ rights follow', async () => {
    const p = await newProblem('道路破损未修复（转办）');
    for (const role of ['admin', 'committee', 'verifier', 'head', 'otherHead'] as const)
      expect(await refusedCode(TRANSFER, { p, u: other }, as[role])).toBe('FORBIDDEN');
    expect(await refusedCode(TRANSFER, { p, u: township }, as.office)).toBe('TRANSFER_TO_SAME_UNIT');
    const done = (await ok(TRANSFER, { p, u: other }, as.office)).transferProblem;
    expect(done.events).toEqual([{ type: 'ProblemTransferred' }]);
    expect(done.problem).toEqual({
      responsibleUnit: { id: other },
      responsiblePerson: '赵科长',
      transfers: [{ fromUnit: { id: township }, toUnit: { id: other }, reason: '职责调整' }],
    });
    expect(await refusedCode(RECTIFIED, { p }, as.head)).toBe('FORBIDDEN');
    expect((await ok(RECTIFIED, { p }, as.otherHead)).reportRectified.events).toEqual([{ type: 'RectificationReported' }]);
    const queue = await ok('query($u: ID!) { problems(unitId: $u) { edges { node { id } } } }', { u: township }, as.head);
    expect(queue.problems.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(p);
  });
});

describe('extension requests (延期申请), decided by the office', () => {
  it('the lead unit head requests; the office sees it in its queue and approves: the deadline moves', async () => {
    const p = await newProblem('道路破损未修复（延期）');
    for (const role of ['office', 'admin', 'committee', 'verifier', 'otherHead', 'bureauHead'] as const)
      expect(await refusedCode(REQUEST, { p, d: '2019-09-30' }, as[role])).toBe('FORBIDDEN');
    expect(await refusedCode(REQUEST, { p, d: '2019-05-31' }, as.head)).toBe('EXTENSION_NOT_LATER');
    const asked = (await ok(REQUEST, { p, d: '2019-09-30' }, as.head)).requestExtension;
    expect(asked).toEqual({
      problem: {
        extensionRequestPending: true,
        extensionRequest: { status: 'pending', proposedDeadline: '2019-09-30', unit: { id: township } },
      },
      events: [{ type: 'ExtensionRequested' }],
    });
    expect(await refusedCode(REQUEST, { p, d: '2019-10-31' }, as.head)).toBe('EXTENSION_REQUEST_PENDING');
    const queue = (await ok(QUEUE, {}, as.office)).extensionRequests;
    expect(queue.filter((q: { id: string }) => q.id === p)).toEqual([
      expect.objectContaining({ extensionRequest: { proposedDeadline: '2019-09-30', reason: '汛期施工受阻' } }),
    ]);
    for (const role of ['admin', 'committee', 'verifier', 'head'] as const) {
      expect(await refusedCode(APPROVE, { p }, as[role])).toBe('FORBIDDEN');
      expect((await server.gql(QUEUE, {}, bearer(as[role]))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const approved = (await ok(APPROVE, { p }, as.office)).approveExtensionRequest;
    expect(approved).toEqual({
      problem: { deadline: '2019-09-30', extensionCount: 1, extensionRequestPending: false, extensionRequest: { status: 'approved' } },
      events: [{ type: 'ExtensionRequestApproved' }, { type: 'DeadlineExtended' }],
    });
    expect((await ok(QUEUE, {}, as.office)).extensionRequests.map((q: { id: string }) => q.id)).not.toContain(p);
    expect(await refusedCode(REFUSE, { p }, as.office)).toBe('EXTENSION_REQUEST_DECIDED');
  });

  it('the office refuses with a reason: the deadline stays', async () => {
    const p = await newProblem('道路破损未修复（不同意）');
    await ok(REQUEST, { p, d: '2019-09-30' }, as.head);
    for (const role of ['admin', 'committee', 'verifier', 'head'] as const)
      expect(await refusedCode(REFUSE, { p }, as[role])).toBe('FORBIDDEN');
    expect((await ok(REFUSE, { p }, as.office)).refuseExtensionRequest).toEqual({
      problem: { deadline: '2019-06-30', extensionRequest: { status: 'refused', refusal: '理由不充分' } },
      events: [{ type: 'ExtensionRequestRefused' }],
    });
  });

  it('what the item offers follows the state and the role', async () => {
    const p = await newProblem('道路破损未修复（可做）');
    const actions = async (token: string) =>
      (await ok('query($p: ID!) { problem(id: $p) { availableActions } }', { p }, token)).problem.availableActions as string[];
    expect(await actions(as.head)).toContain('requestExtension');
    expect(await actions(as.bureauHead)).toEqual(['reportProgress']);
    expect(await actions(as.office)).toEqual(expect.arrayContaining(['transferProblem', 'changeCoResponsibleUnits']));
    await ok(REQUEST, { p, d: '2019-09-30' }, as.head);
    expect(await actions(as.head)).not.toContain('requestExtension');
    expect(await actions(as.office)).toEqual(expect.arrayContaining(['approveExtensionRequest', 'refuseExtensionRequest']));
  });
});
