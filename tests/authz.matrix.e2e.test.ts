import {
  type GraphQLArgument,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
} from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../api/authz.js';
import { schema } from '../api/schema/index.js';
import type { Role } from '../domain/index.js';
import { TEST_PASSWORD, addUnit, addUser, bearer, logIn } from './support/accounts.js';
import { TEST_TOKEN_SECRET, type TestServer, startTestServer } from './support/httpServer.js';
import { openStream } from './support/liveStream.js';

/**
 * Every mutation in the schema × every role, and the callers who must get nowhere (no token, an
 * expired token, a disabled user, a forged token), over real HTTP. The expectations are written
 * here, by hand, not read from api/authz.ts: a mutation added to the schema without an expectation
 * here fails, and so does one whose rule in api/authz.ts says something else.
 */
type Who = 'public' | 'signed_in' | Role[];
const expected: Record<string, Who> = {
  registerUnit: ['admin'],
  raiseProblem: ['office'],
  assignProblem: ['office'],
  acknowledgeAssignment: ['unit_head'],
  setDeadline: ['office'],
  extendDeadline: ['office'],
  submitPlan: ['unit_head'],
  reportProgress: ['unit_head'],
  reportRectified: ['unit_head'],
  passVerification: ['verifier'],
  rejectVerification: ['verifier'],
  closeProblem: ['office'],
  reopenProblem: ['office'],
  orderSupervision: ['office'],
  replyToSupervision: ['unit_head'],
  confirmConsolidation: ['office', 'verifier'],
  linkProblem: ['office'],
  login: 'public',
  logout: 'signed_in',
  changePassword: 'signed_in',
  registerUser: ['admin'],
  resetPassword: ['admin'],
  changeRoles: ['admin'],
  disableUser: ['admin'],
  enableUser: ['admin'],
  submitHotlineReport: 'public',
  triageHotlineReport: ['office'],
  dismissHotlineReport: ['office'],
  previewImport: ['office'],
  importProblems: ['office'],
  recordInterview: ['office'],
  grantExemption: ['committee'],
  finalizeAssessment: ['committee'],
  adoptPolicy: ['admin'],
  adoptCalendar: ['committee', 'office'],
  markNotificationsRead: 'signed_in',
  setNotificationPreferences: 'signed_in',
  configureNotificationChannel: ['admin'],
  removeNotificationChannel: ['admin'],
  applyForExemption: ['unit_head'],
  withdrawExemptionApplication: ['unit_head'],
  decideExemptionApplication: ['committee'],
  recordAssessmentItem: ['committee'],
  publishBulletin: ['office'],
  orderSweep: ['office'],
  closeSweep: ['office'],
  answerSweep: ['unit_head'],
  // 来源文件: registered by the office; 自查上报: a unit head, for their own unit (from the token).
  registerSourceDocument: ['office'],
  selfReportProblem: ['unit_head'],
  // 牵头单位 / 配合单位, 转办, 延期申请 (issue 13): the office assigns, transfers and decides; the lead unit's head requests.
  changeCoResponsibleUnits: ['office'],
  transferProblem: ['office'],
  requestExtension: ['unit_head'],
  approveExtensionRequest: ['office'],
  refuseExtensionRequest: ['office'],
  appointUnitLeader: ['office', 'admin'],
  recordUnitLeaderLeft: ['office', 'admin'],
  postInstruction: ['office'],
  answerInstruction: ['unit_head'],
};

/** A problem list for the import mutations (File arguments go as a GraphQL multipart request). */
const PROBLEM_LIST = '问题来源,问题类别,问题描述,责任单位,责任人,整改时限\n县自查,住房安全,矩阵测试的问题,磨子潭镇,储,2019-06-30\n';

const ROLES: Role[] = ['office', 'unit_head', 'verifier', 'committee', 'admin'];
const BAD_CALLERS = ['no token', 'expired token', 'disabled user', 'forged token'] as const;
type Caller = Role | (typeof BAD_CALLERS)[number];

let server: TestServer;
const now = { value: '2019-03-01T09:00:00+08:00' };
const logins = new Map<Role, string>();
const tokens = new Map<Caller, string | null>();
const fixture: Record<string, unknown> = {};

const mutationNames = Object.keys(schema.getMutationType()!.getFields()).sort();

/** A value for an argument: the fixture's for the ids, else something well-formed of its type. */
function valueFor(arg: { name: string; type: GraphQLInputType }): unknown {
  if (arg.name in fixture) return fixture[arg.name];
  const named = getNamedType(arg.type);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  if (isInputObjectType(named))
    return Object.fromEntries(
      Object.values(named.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, valueFor(f)]),
    );
  if (named.name === 'File') return null; // filled in by the multipart request
  const scalar = { String: '矩阵测试：一段足够长的文字', Int: 1, Float: 1, Boolean: true, ID: fixture.problemId } as Record<
    string,
    unknown
  >;
  const value = scalar[named.name];
  if (value === undefined) throw new Error(`No test value for ${arg.name}: ${String(arg.type)}`);
  return arg.type.toString().startsWith('[') ? [value] : value;
}

/** Sends the operation as JSON, or as a multipart request when it takes a file. */
async function send(name: string, token: string | null | undefined) {
  const { query, variables } = operationFor(name);
  const auth = token ? bearer(token) : {};
  const fileArgs = Object.entries(variables)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  if (fileArgs.length === 0) return server.gql(query, variables, auth);
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables }));
  form.append('map', JSON.stringify(Object.fromEntries(fileArgs.map((a, i) => [String(i), [`variables.${a}`]]))));
  fileArgs.forEach((_, i) => form.append(String(i), new Blob([PROBLEM_LIST], { type: 'text/csv' }), '问题清单.csv'));
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', body: form, headers: auth });
  return (await response.json()) as Awaited<ReturnType<typeof server.gql>>;
}

function operationFor(name: string): { query: string; variables: Record<string, unknown> } {
  const field = schema.getMutationType()!.getFields()[name]!;
  const args = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type));
  const declared = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `mutation${declared ? `(${declared})` : ''} { ${name}${passed ? `(${passed})` : ''}${selection} }`,
    variables: Object.fromEntries(args.map((a) => [a.name, valueFor(a)])),
  };
}

const allowed = (who: Who, caller: Caller) =>
  who === 'public' || (who === 'signed_in' ? ROLES.includes(caller as Role) : who.includes(caller as Role));

beforeAll(async () => {
  // No notifier: it appends notifications a moment after an allowed command (a 督办 tells the unit head),
  // which would land inside the next caller's "nothing appended" window. Its own mutations are still here.
  server = await startTestServer({ clock: () => now.value, limits: { hotlineReportsPerIpPerHour: 1000 }, notifications: false });
  const township = await addUnit(server, '磨子潭镇');
  const bureau = await addUnit(server, '县扶贫局', 'department');
  for (const role of ROLES) {
    const user = await addUser(server, { roles: [role], unitId: role === 'unit_head' ? township : role === 'verifier' ? bureau : null });
    logins.set(role, user.login);
    tokens.set(role, await logIn(server, user.login));
  }
  tokens.set('no token', null);
  const nowSeconds = Date.parse(now.value) / 1000;
  const officeId = server.accounts.userIdFor(logins.get('office')!);
  tokens.set(
    'expired token',
    await new SignJWT({ ver: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(officeId)
      .setIssuer('taizhang')
      .setAudience('taizhang')
      .setIssuedAt(nowSeconds - 10 * 3600)
      .setExpirationTime(nowSeconds - 3600)
      .sign(TEST_TOKEN_SECRET),
  );
  tokens.set(
    'forged token',
    await new SignJWT({ ver: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(officeId)
      .setIssuer('taizhang')
      .setAudience('taizhang')
      .setExpirationTime(nowSeconds + 3600)
      .sign(new TextEncoder().encode('not-the-server-secret-but-just-as-long')),
  );
  const disabled = await addUser(server, { roles: ['office', 'admin', 'unit_head', 'verifier', 'committee'], unitId: township });
  tokens.set('disabled user', await logIn(server, disabled.login));
  await server.accounts.disable(disabled.userId, '矩阵测试', {
    actor: { userId: 't', name: 't', unitId: null, role: 'admin' },
    commandId: 'disable-matrix',
    now: () => now.value,
  });

  // What the arguments point at: a problem of the township, a throwaway account, a hotline report.
  const setup = { actor: { userId: 't', name: 't', unitId: null, role: 'office' }, now: () => now.value };
  const raised = await server.ledger.raiseProblem(
    { source: 'audit', category: 'housing', description: '危房改造未完成' },
    { ...setup, commandId: 'matrix-problem' },
  );
  const problemId = server.ledger.problemIdFor('matrix-problem');
  await server.ledger.problemCommand(
    { type: 'AssignProblem', data: { problemId, responsibleUnitId: township, responsiblePerson: '储' } },
    { ...setup, commandId: 'matrix-assign' },
  );
  const throwaway = await addUser(server, { roles: ['committee'] });
  const { receiptCode } = await server.hotline.submit({ text: '低保评定不公' }, { ...setup, commandId: 'matrix-report' });
  Object.assign(fixture, {
    problemId,
    responsibleUnitId: township,
    unitId: township,
    userId: throwaway.userId,
    reportId: server.hotline.reportIdFor(receiptCode),
    deadline: '2019-06-30',
    finishBy: '2019-03-10',
    issuedOn: '2019-02-15',
    roles: ['office'],
    password: TEST_PASSWORD,
    currentPassword: TEST_PASSWORD,
    newPassword: TEST_PASSWORD,
    name: '新单位',
    text: '村干部优亲厚友',
    // Any JSON: a caller who may adopt gets VALIDATION_FAILED, the others are refused before it is read.
    document: {},
    // The month under way: the office gets MONTH_NOT_OVER (allowed, nothing to publish yet), the others are refused.
    month: '2019-03',
  });
  expect(raised.state.status).toBe('raised');
  // A sweep (举一反三排查) asking the township, for answerSweep and closeSweep.
  const sweep = await server.sweeps.order(
    { originProblemId: problemId, unitIds: [township], answerBy: '2019-03-10', instruction: '对照排查' },
    { ...setup, commandId: 'matrix-sweep' },
  );
  Object.assign(fixture, { sweepId: sweep.sweepId, originProblemId: problemId, answerBy: '2019-03-10' });
  await server.runner.waitFor(await server.store.headPosition());
});
afterAll(() => server.stop());

describe('the authorization matrix', () => {
  it('has an expectation here and a rule in api/authz.ts for every mutation in the schema', () => {
    expect(mutationNames.filter((m) => !(m in expected))).toEqual([]);
    expect(mutationNames.filter((m) => !(`Mutation.${m}` in rules))).toEqual([]);
  });

  it.each(mutationNames)('%s: allowed exactly for its roles; refused for everyone else with nothing appended', async (name) => {
    const who = expected[name]!;
    const outcomes: string[] = [];
    for (const caller of [...ROLES, ...BAD_CALLERS]) {
      // `login` signs in as the caller's own account (or the office's, for the callers without one).
      if (name === 'login') fixture.login = logins.get(caller as Role) ?? logins.get('office');
      else fixture.login = `matrix-${name.toLowerCase()}`;
      await server.settled();
      const head = await server.store.headPosition();
      const response = await send(name, tokens.get(caller));
      const code = response.errors?.[0]?.extensions?.code;
      const refused = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED';
      if (allowed(who, caller)) {
        if (refused) outcomes.push(`${caller}: expected allowed, got ${code} (${response.errors![0]!.message})`);
        // Logging out or changing the password ends the caller's sessions: sign in again.
        if ((name === 'logout' || name === 'changePassword') && ROLES.includes(caller as Role))
          tokens.set(caller, await logIn(server, logins.get(caller as Role)!));
      } else {
        const want = ROLES.includes(caller as Role) ? 'FORBIDDEN' : 'UNAUTHENTICATED';
        if (code !== want) outcomes.push(`${caller}: expected ${want}, got ${code ?? 'success'}`);
        if ((await server.store.headPosition()) !== head) outcomes.push(`${caller}: refused but appended events`);
      }
    }
    expect(outcomes).toEqual([]);
  });
});

describe('live streams in the matrix', () => {
  const SUBSCRIPTION = 'subscription { battleMapUpdates { ledgerNumber } }';

  it.each(ROLES)('%s: a stream opened before signing out ends with TOKEN_REVOKED', async (role) => {
    const token = await logIn(server, logins.get(role)!);
    const stream = await openStream(server.url, SUBSCRIPTION, bearer(token));
    await new Promise((r) => setTimeout(r, 100));
    expect((await server.gql('mutation { logout }', {}, bearer(token))).errors).toBeUndefined();
    const last = await stream.next();
    expect(last.event === 'next' && last.result.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_REVOKED',
    });
    expect((await stream.next()).event).toBe('complete');
    // The logout ended every session of the user: sign in again for the tests that follow.
    tokens.set(role, await logIn(server, logins.get(role)!));
  });

  it.each(BAD_CALLERS)('%s: no stream is opened', async (caller) => {
    const token = tokens.get(caller);
    const stream = await openStream(server.url, SUBSCRIPTION, token ? bearer(token) : {});
    const first = await stream.next();
    expect(first.event === 'next' && first.result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    stream.close();
  });
});
