import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../api/authz.js';
import type { Context } from '../api/context.js';
import { demoUsers, loadDemoUsers } from '../application/demo/users.js';
import { addUser, bearer, logIn } from './support/accounts.js';
import { TEST_TOKEN_SECRET, type TestServer, startTestServer } from './support/httpServer.js';

/**
 * Unit scope, evidence withheld from other units, and every way a sign-in stops working — with the
 * demo's own sign-ins, on units registered under the demo's keys (as api/demo.ts registers them).
 */
let server: TestServer;
const now = { value: '2019-05-06T09:00:00+08:00' };
const units: Record<string, string> = {};
const demo = (login: string) => demoUsers.find((u) => u.login === login)!;
const setup = (commandId: string) => ({
  actor: { userId: 'test', name: '测试', unitId: null, role: 'office' },
  commandId,
  now: () => now.value,
});

/** A problem assigned to a unit, acknowledged, planned and reported fixed with this evidence. */
async function reportedProblem(unitId: string, evidence: string) {
  const key = `p-${Object.keys(units).length}-${evidence}`;
  await server.ledger.raiseProblem({ source: 'county_self_check', category: 'housing', description: '危房' }, setup(key));
  const problemId = server.ledger.problemIdFor(key);
  const steps = [
    { type: 'AssignProblem', data: { problemId, responsibleUnitId: unitId, responsiblePerson: '负责人' } },
    { type: 'AcknowledgeAssignment', data: { problemId, acknowledgedBy: '负责人' } },
    { type: 'SubmitPlan', data: { problemId, measures: '拆除重建' } },
    { type: 'ReportRectified', data: { problemId, evidence: { description: evidence } } },
  ];
  for (const [i, step] of steps.entries()) await server.ledger.problemCommand(step, setup(`${key}-${i}`));
  await server.runner.waitFor(await server.store.headPosition());
  return problemId;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.value });
  for (const [key, name, kind] of [
    ['demo/department/县督查办', '县督查办', 'department'],
    ['demo/department/县扶贫局', '县扶贫局', 'department'],
    ['demo/township/磨子潭镇', '磨子潭镇', 'township'],
    ['demo/township/佛子岭镇', '佛子岭镇', 'township'],
    ['demo/township/漫水河镇', '漫水河镇', 'township'],
  ] as const) {
    units[name] = server.ledger.unitIdFor(key);
    await server.ledger.unitCommand({ type: 'RegisterUnit', data: { unitId: units[name], name, kind, parentUnitId: null } }, setup(key));
  }
  await loadDemoUsers(server.accounts, server.ledger, () => now.value);
  await server.runner.waitFor(await server.store.headPosition());
});
afterAll(() => server.stop());

describe('a unit head acts only on their own unit’s items', () => {
  it('the demo head of 磨子潭镇 reporting rectification on a 佛子岭镇 item is refused with FORBIDDEN, and nothing is appended', async () => {
    const key = 'foziling-item';
    await server.ledger.raiseProblem({ source: 'audit', category: 'roads', description: '道路未硬化' }, setup(key));
    const problemId = server.ledger.problemIdFor(key);
    await server.ledger.problemCommand(
      { type: 'AssignProblem', data: { problemId, responsibleUnitId: units.佛子岭镇, responsiblePerson: '程' } },
      setup(`${key}-a`),
    );
    await server.runner.waitFor(await server.store.headPosition());
    const token = await logIn(server, 'mozitan', demo('mozitan').password);
    const error = await server.refused(
      `mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已整改" }) { problem { status } } }`,
      { p: problemId },
      bearer(token),
    );
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'OUTSIDE_YOUR_UNIT',
      message: "Problem AU-2019-001 is not your unit's: a unit head acts only on their own unit's items.",
    });
    expect((await server.store.readStream(`problem-${problemId}`)).map((e) => e.type)).toEqual(['ProblemRaised', 'ProblemAssigned']);
  });

  it('the same head acknowledges their own unit’s item, recorded with their name, role and unit from the token', async () => {
    const key = 'mozitan-item';
    await server.ledger.raiseProblem({ source: 'audit', category: 'roads', description: '桥梁损毁' }, setup(key));
    const problemId = server.ledger.problemIdFor(key);
    await server.ledger.problemCommand(
      { type: 'AssignProblem', data: { problemId, responsibleUnitId: units.磨子潭镇, responsiblePerson: '储' } },
      setup(`${key}-a`),
    );
    const token = await logIn(server, 'mozitan', demo('mozitan').password);
    const response = await server.gql<any>(
      `mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "储") { events { type actor { userId name role unitId } } } }`,
      { p: problemId },
      bearer(token),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.acknowledgeAssignment.events).toEqual([
      {
        type: 'AssignmentAcknowledged',
        actor: { userId: server.accounts.userIdFor('mozitan'), name: '磨子潭镇 负责人 储', role: 'unit_head', unitId: units.磨子潭镇 },
      },
    ]);
  });

  it('a verifier passes another unit’s item, with their own unit recorded as the verifying unit', async () => {
    const problemId = await reportedProblem(units.漫水河镇!, '新房已入住');
    const token = await logIn(server, 'verifier', demo('verifier').password);
    const response = await server.gql<any>(
      `mutation($p: ID!) { passVerification(problemId: $p, opinion: "符合要求") { events { data actor { role unitId } } } }`,
      { p: problemId },
      bearer(token),
    );
    expect(response.errors).toBeUndefined();
    const [event] = response.data.passVerification.events;
    expect(event.data.verifierUnitId).toBe(units.县扶贫局);
    expect(event.actor).toEqual({ role: 'verifier', unitId: units.县扶贫局 });
  });
});

describe('a unit head reads the whole ledger but not other units’ evidence', () => {
  it('withholds the evidence of another unit’s rectification report, and shows their own', async () => {
    const other = await reportedProblem(units.佛子岭镇!, '佛子岭镇的佐证');
    const own = await reportedProblem(units.磨子潭镇!, '磨子潭镇的佐证');
    const head = await logIn(server, 'mozitan', demo('mozitan').password);
    const office = await logIn(server, 'office', demo('office').password);
    const evidenceOf = async (problemId: string, token: string) => {
      const response = await server.gql<any>(
        `query($p: ID) { problem(id: $p) { status history { type data } } }`,
        { p: problemId },
        bearer(token),
      );
      expect(response.errors).toBeUndefined();
      expect(response.data.problem.status).toBe('awaiting_verification');
      return response.data.problem.history.find((e: { type: string }) => e.type === 'RectificationReported').data;
    };
    expect(await evidenceOf(other, head)).toEqual({ withheld: 'EVIDENCE_OF_ANOTHER_UNIT', problemId: other });
    expect((await evidenceOf(own, head)).evidence.description).toBe('磨子潭镇的佐证');
    expect((await evidenceOf(other, office)).evidence.description).toBe('佛子岭镇的佐证');
  });

  it('lists every unit’s problems on the battle map', async () => {
    const token = await logIn(server, 'manshuihe', demo('manshuihe').password);
    const response = await server.gql<any>(`{ problems(first: 100) { edges { node { responsibleUnit { name } } } } }`, {}, bearer(token));
    const names = new Set(response.data.problems.edges.map((e: any) => e.node.responsibleUnit?.name));
    expect([...names].sort()).toEqual(['佛子岭镇', '漫水河镇', '磨子潭镇']);
  });
});

describe('reading needs a sign-in, and some reading a role', () => {
  it('refuses the ledger to a caller without a token', async () => {
    const response = await server.gql(`{ problems(first: 1) { edges { node { id } } } }`);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'NO_TOKEN' });
    expect(response.data).toBeNull();
  });

  it('refuses the hotline in-tray, the audit trail and the user list to a unit head', async () => {
    const token = await logIn(server, 'foziling', demo('foziling').password);
    for (const query of ['{ hotlineReports { id } }', '{ auditLog { type } }', '{ users { login } }']) {
      const response = await server.gql(query, {}, bearer(token));
      expect(response.errors?.[0]?.extensions, query).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
    }
  });

  it('refuses a field that has no rule at all (deny by default)', async () => {
    const ctx = { auth: { kind: 'anonymous' } } as unknown as Context;
    await expect(authorize('Mutation.somethingNew', undefined, {}, ctx)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { reason: 'NO_RULE' },
    });
  });
});

describe('a sign-in stops working', () => {
  const whoAmI = (token: string) => server.gql<any>('{ me { login roles } }', {}, bearer(token));

  it('when it expires (8 hours on the server’s clock)', async () => {
    const token = await logIn(server, 'committee', demo('committee').password);
    expect((await whoAmI(token)).data.me).toEqual({ login: 'committee', roles: ['committee'] });
    const before = now.value;
    now.value = '2019-05-06T17:00:01+08:00';
    try {
      expect((await whoAmI(token)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    } finally {
      now.value = before;
    }
  });

  it('at logout, on every device', async () => {
    const first = await logIn(server, 'admin', demo('admin').password);
    const second = await logIn(server, 'admin', demo('admin').password);
    expect((await server.gql<any>('mutation { logout }', {}, bearer(first))).data.logout).toBe(true);
    for (const token of [first, second])
      expect((await whoAmI(token)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    expect((await whoAmI(await logIn(server, 'admin', demo('admin').password))).data.me.login).toBe('admin');
  });

  it('when the password changes; the new password works and the old one does not', async () => {
    const user = await addUser(server, { roles: ['office'] });
    const token = await logIn(server, user.login);
    await server.settled();
    const head = await server.store.headPosition();
    const wrong = await server.gql(
      `mutation { changePassword(currentPassword: "not-my-password", newPassword: "a-brand-new-password") { user { login } } }`,
      {},
      bearer(token),
    );
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'WRONG_CURRENT_PASSWORD', field: 'currentPassword' });
    expect(await server.store.headPosition()).toBe(head);
    const changed = await server.gql<any>(
      `mutation { changePassword(currentPassword: "${user.password}", newPassword: "a-brand-new-password") { user { login } } }`,
      {},
      bearer(token),
    );
    expect(changed.errors).toBeUndefined();
    expect((await whoAmI(token)).errors?.[0]?.extensions?.reason).toBe('TOKEN_REVOKED');
    expect(
      (await server.gql<any>(`mutation { login(login: "${user.login}", password: "${user.password}") { token } }`)).errors?.[0]?.extensions
        ?.code,
    ).toBe('INVALID_CREDENTIALS');
    expect((await whoAmI(await logIn(server, user.login, 'a-brand-new-password'))).data.me.login).toBe(user.login);
  });

  it('when an admin disables the account, and it cannot log in again', async () => {
    const user = await addUser(server, { roles: ['office'] });
    const token = await logIn(server, user.login);
    const admin = await logIn(server, 'admin', demo('admin').password);
    const disabled = await server.gql<any>(
      `mutation($u: ID!) { disableUser(userId: $u, reason: "调离") { user { disabled } } }`,
      { u: user.userId },
      bearer(admin),
    );
    expect(disabled.data.disableUser.user.disabled).toBe(true);
    expect((await whoAmI(token)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'USER_DISABLED' });
    const again = await server.gql(`mutation { login(login: "${user.login}", password: "${user.password}") { token } }`);
    expect(again.errors?.[0]?.extensions?.code).toBe('USER_DISABLED');
  });

  it('never, when forged: another secret, no signature, or a changed claim', async () => {
    const token = await logIn(server, 'office', demo('office').password);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forgeries = {
      'another secret': await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(40))),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'claims changed, signature kept': `${header}.${b64({ ...claims, sub: server.accounts.userIdFor('admin') })}.${signature}`,
      'not a JWT': 'hello',
    };
    for (const [what, forged] of Object.entries(forgeries))
      expect((await whoAmI(forged)).errors?.[0]?.extensions, what).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    // The real secret signs it, but the account it names does not exist.
    const stranger = await new SignJWT({ ver: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('00000000-0000-4000-8000-000000000000')
      .setIssuer('taizhang')
      .setAudience('taizhang')
      .setExpirationTime(Date.parse(now.value) / 1000 + 60)
      .sign(TEST_TOKEN_SECRET);
    expect((await whoAmI(stranger)).errors?.[0]?.extensions?.reason).toBe('TOKEN_INVALID');
  });
});
