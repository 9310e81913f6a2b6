import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../domain/index.js';
import { addUnit, addUser, bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * 容错纠错 as a reviewed application and further assessment items (考核事项), over real HTTP, for
 * every role. A township's provincial-review problem, extended once, costs it two deductions in
 * ordinary time (平时): −1 for the problem found and −0.5 for the extension. Under the default
 * policy, before the year is over: 平时 100 − 1.5 = 98.5, 集中考核 100, score 0.4 × 98.5 + 0.6 × 100
 * = 39.4 + 60 = 99.4.
 */
let server: TestServer;
let now = '2019-03-01T09:00:00+08:00';
let township: string;
let other: string;
const logins = {} as Record<Role | 'otherHead', string>;
const tokens = {} as Record<Role | 'otherHead', string>;
let found: string;
let extended: string;

async function signInAll() {
  for (const [who, login] of Object.entries(logins)) tokens[who as Role] = await logIn(server, login);
}

async function call(who: keyof typeof tokens, query: string, variables: Record<string, unknown> = {}) {
  return server.gql(query, variables, bearer(tokens[who]));
}
async function ok(who: keyof typeof tokens, query: string, variables: Record<string, unknown> = {}) {
  const response = await call(who, query, variables);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as Record<string, any>;
}
/** The error code of a call that must fail, having appended nothing. */
async function refused(who: keyof typeof tokens, query: string, variables: Record<string, unknown> = {}) {
  return (await server.refused(query, variables, bearer(tokens[who]))).code;
}

const CARD = `query($u: ID!) { scorecard(unitId: $u, year: 2019) {
  score ordinaryScore yearEndScore availableActions
  lines { id rule points contribution explanation availableActions
    item { title recordedBy kindLabel { zh } }
    application { id status overdue reviewBy distinction statement decision { reasons decidedBy } } } } }`;
const card = async (who: keyof typeof tokens = 'committee') => (await ok(who, CARD, { u: township })).scorecard;
const line = async (id: string, who: keyof typeof tokens = 'committee') => (await card(who)).lines.find((l: { id: string }) => l.id === id);

const APPLY = `mutation($u: ID!, $l: String!, $d: ExemptionDistinction!, $s: String!, $f: [EvidenceFileInput!]) {
  applyForExemption(unitId: $u, year: 2019, lineId: $l, distinction: $d, statement: $s, files: $f) {
    application { id status reviewBy reviewDays reviewDayKind appliedBy files { name sha256 } } scorecard { score } } }`;
const apply = (who: keyof typeof tokens, lineId: string, unitId = township) => ({
  query: APPLY,
  variables: {
    u: unitId,
    l: lineId,
    d: 'unintentional_for_development',
    s: '春节期间施工队停工，非主观拖延',
    f: [{ name: '停工通知.pdf', sha256: 'd'.repeat(64), size: 2048, contentType: 'application/pdf' }],
  },
  who,
});
const DECIDE = `mutation($a: ID!, $d: ExemptionDecision!, $r: String!, $t: ID) {
  decideExemptionApplication(year: 2019, applicationId: $a, decision: $d, reasons: $r, decidedBy: "县考核委员会", resolveTriggerId: $t) {
    application { status decision { reasons decidedBy recordedBy } } scorecard { score } events { type } } }`;
const WITHDRAW = `mutation($a: ID!) { withdrawExemptionApplication(year: 2019, applicationId: $a) { application { status } } }`;
const ITEM = `mutation($u: ID!, $k: AssessmentItemKind!, $p: Float!, $y: Int = 2019) {
  recordAssessmentItem(unitId: $u, year: $y, kind: $k, points: $p, title: "易地扶贫搬迁任务未按期完成", evidence: "县发改委核查记录") {
    item { kind part points recordedBy } scorecard { score yearEndScore } } }`;

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, notifications: false });
  township = await addUnit(server, '磨子潭镇');
  other = await addUnit(server, '但家庙镇');
  const people: [keyof typeof tokens, Role, string | null, string][] = [
    ['office', 'office', null, '县督查办 陈'],
    ['unit_head', 'unit_head', township, '磨子潭镇 王镇长'],
    ['otherHead', 'unit_head', other, '但家庙镇 刘镇长'],
    ['verifier', 'verifier', other, '验收 周'],
    ['committee', 'committee', null, '考核委员会 李'],
    ['admin', 'admin', null, '管理员'],
  ];
  for (const [who, role, unitId, displayName] of people)
    logins[who] = (await addUser(server, { roles: [role], unitId, displayName })).login;
  await signInAll();
  const raised = await ok(
    'office',
    `mutation { raiseProblem(source: provincial_review, category: housing, description: "黄河村3户危房改造未按期完成") { problem { id } } }`,
  );
  const p = raised.raiseProblem.problem.id;
  await ok(
    'office',
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王镇长") { problem { id } } }`,
    {
      p,
      u: township,
    },
  );
  await ok('office', `mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-03-20") { problem { id } } }`, { p });
  await ok('office', `mutation($p: ID!) { extendDeadline(problemId: $p, deadline: "2019-04-30", reason: "春节停工") { problem { id } } }`, {
    p,
  });
  const lines = (await card()).lines as { id: string; rule: string }[];
  found = lines.find((l) => l.rule === 'problem_found')!.id;
  extended = lines.find((l) => l.rule === 'deadline_extended')!.id;
}, 60_000);
afterAll(() => server?.stop());

describe('容错纠错 applications over HTTP', () => {
  it('the card offers the township’s head to apply on each deduction, the committee to grant it, and nobody else anything', async () => {
    expect((await line(extended, 'unit_head')).availableActions).toEqual(['applyForExemption']);
    expect((await line(extended, 'committee')).availableActions).toEqual(['grantExemption']);
    for (const who of ['office', 'otherHead', 'verifier', 'admin'] as const)
      expect((await line(extended, who)).availableActions).toEqual([]);
    expect((await card('unit_head')).score).toBe(99.4);
  });

  it('the unit head applies on the extension; the review deadline is 10 working days later; the card shows it pending beside the line', async () => {
    const { query, variables, who } = apply('unit_head', extended);
    const { applyForExemption } = await ok(who, query, variables);
    // Friday 1 March 2019 + 10 working days (no calendar adopted: Monday to Friday) = Friday 15 March.
    expect(applyForExemption.application).toMatchObject({
      status: 'pending',
      reviewBy: '2019-03-15',
      reviewDays: 10,
      reviewDayKind: 'working',
      appliedBy: '磨子潭镇 王镇长',
      files: [{ name: '停工通知.pdf', sha256: 'd'.repeat(64) }],
    });
    expect(applyForExemption.scorecard.score).toBe(99.4);
    const l = await line(extended, 'unit_head');
    expect(l.application).toMatchObject({ status: 'pending', overdue: false, distinction: 'unintentional_for_development' });
    expect(l.contribution).toBe(-0.2);
    expect(l.availableActions).toEqual(['withdrawExemptionApplication']);
    expect((await line(extended, 'committee')).availableActions).toEqual(['decideExemptionApplication']);
  });

  it('a second application on the same line is refused; so is one by another unit’s head, and by every other role', async () => {
    const again = apply('unit_head', extended);
    expect(await refused('unit_head', again.query, again.variables)).toBe('APPLICATION_PENDING');
    const otherUnit = apply('otherHead', found);
    expect(await refused('otherHead', otherUnit.query, otherUnit.variables)).toBe('FORBIDDEN');
    for (const who of ['office', 'verifier', 'committee', 'admin'] as const) {
      const attempt = apply(who, found);
      expect(await refused(who, attempt.query, attempt.variables)).toBe('FORBIDDEN');
    }
  });

  it('everyone signed in sees the queue; another unit’s head does not see the statement nor the files', async () => {
    const QUEUE = `{ exemptionApplications(year: 2019, status: pending) { id statement files { name } unit { name } } }`;
    const mine = (await ok('unit_head', QUEUE)).exemptionApplications;
    expect(mine).toHaveLength(1);
    expect(mine[0].statement).toBe('春节期间施工队停工，非主观拖延');
    for (const who of ['office', 'verifier', 'committee', 'admin'] as const)
      expect((await ok(who, QUEUE)).exemptionApplications[0].files).toEqual([{ name: '停工通知.pdf' }]);
    const theirs = (await ok('otherHead', QUEUE)).exemptionApplications[0];
    expect([theirs.statement, theirs.files]).toEqual(['EVIDENCE_OF_ANOTHER_UNIT', []]);
  });

  it('only the committee decides; it refuses with reasons, the deduction stays, and the line takes no second application', async () => {
    const id = (await line(extended)).application.id;
    for (const who of ['office', 'unit_head', 'otherHead', 'verifier', 'admin'] as const)
      expect(await refused(who, DECIDE, { a: id, d: 'refuse', r: '理由不成立' })).toBe('FORBIDDEN');
    const { decideExemptionApplication } = await ok('committee', DECIDE, { a: id, d: 'refuse', r: '停工已预见，应提前安排' });
    expect(decideExemptionApplication.application).toMatchObject({
      status: 'refused',
      decision: { reasons: '停工已预见，应提前安排', decidedBy: '县考核委员会', recordedBy: '考核委员会 李' },
    });
    expect(decideExemptionApplication.scorecard.score).toBe(99.4);
    // The same decision again changes nothing; the other one is refused.
    expect((await ok('committee', DECIDE, { a: id, d: 'refuse', r: '停工已预见，应提前安排' })).decideExemptionApplication.events).toEqual(
      [],
    );
    expect(await refused('committee', DECIDE, { a: id, d: 'approve', r: '改判' })).toBe('ALREADY_DECIDED');
    const again = apply('unit_head', extended);
    expect(await refused('unit_head', again.query, again.variables)).toBe('APPLICATION_REFUSED');
    expect((await line(extended, 'unit_head')).availableActions).toEqual([]);
  });

  it('a withdrawn application cannot be decided; only its own unit withdraws it', async () => {
    const { query, variables } = apply('unit_head', found);
    const id = (await ok('unit_head', query, variables)).applyForExemption.application.id;
    expect(await refused('otherHead', WITHDRAW, { a: id })).toBe('FORBIDDEN');
    expect(await refused('committee', WITHDRAW, { a: id })).toBe('FORBIDDEN');
    expect((await ok('unit_head', WITHDRAW, { a: id })).withdrawExemptionApplication.application.status).toBe('withdrawn');
    expect(await refused('committee', DECIDE, { a: id, d: 'approve', r: '属实' })).toBe('APPLICATION_WITHDRAWN');
  });

  it('an application left undecided past its review deadline shows as overdue; approving it removes the deduction', async () => {
    const { query, variables } = apply('unit_head', found);
    const id = (await ok('unit_head', query, variables)).applyForExemption.application.id;
    now = '2019-03-18T09:00:00+08:00'; // Monday after Friday 15 March
    await signInAll();
    expect((await line(found)).application).toMatchObject({ status: 'pending', overdue: true, reviewBy: '2019-03-15' });
    // A trigger to resolve must exist and be about the deduction's problem.
    expect(await refused('committee', DECIDE, { a: id, d: 'approve', r: '属实', t: `item_overdue:${township}` })).toBe('TRIGGER_NOT_FOUND');
    const { decideExemptionApplication } = await ok('committee', DECIDE, { a: id, d: 'approve', r: '属实，符合三个区分开来' });
    // 平时 98.5 + 1 = 99.5: 0.4 × 99.5 + 60 = 99.8.
    expect(decideExemptionApplication.scorecard.score).toBe(99.8);
    const l = await line(found);
    expect([l.contribution, l.application.status, l.application.overdue]).toEqual([0, 'approved', false]);
  });
});

describe('further assessment items (考核事项) over HTTP', () => {
  it('only the committee records one; it counts in the part the policy gives its kind and is explained on the card', async () => {
    for (const who of ['office', 'unit_head', 'verifier', 'admin'] as const)
      expect(await refused(who, ITEM, { u: township, k: 'task_completion', p: -2.5 })).toBe('FORBIDDEN');
    const { recordAssessmentItem } = await ok('committee', ITEM, { u: township, k: 'task_completion', p: -2.5 });
    expect(recordAssessmentItem.item).toMatchObject({
      kind: 'task_completion',
      part: 'year_end',
      points: -2.5,
      recordedBy: '考核委员会 李',
    });
    // 集中考核 100 − 2.5 = 97.5: 0.4 × 99.5 + 0.6 × 97.5 = 39.8 + 58.5 = 98.3.
    expect(recordAssessmentItem.scorecard).toEqual({ score: 98.3, yearEndScore: 97.5 });
    const l = (await card('unit_head')).lines.find((x: { rule: string }) => x.rule === 'task_completion');
    expect(l).toMatchObject({
      points: -2.5,
      contribution: -1.5,
      item: { recordedBy: '考核委员会 李', kindLabel: { zh: '年度任务完成情况' } },
    });
    expect(l.explanation).toContain('易地扶贫搬迁任务未按期完成');
    expect(l.availableActions).toEqual(['applyForExemption']);
  });

  it('refuses points beyond the policy’s bound for the kind, and a year not begun', async () => {
    expect(await refused('committee', ITEM, { u: township, k: 'inspection_result', p: -6 })).toBe('POINTS_OUT_OF_RANGE');
    expect(await refused('committee', ITEM, { u: township, k: 'inspection_result', p: 0 })).toBe('VALIDATION_FAILED');
    expect(await refused('committee', ITEM, { u: township, k: 'inspection_result', p: -1, y: 2020 })).toBe('YEAR_NOT_STARTED');
  });
});

describe('a finalized year', () => {
  it('is not finalized while an application waits; once decided and finalized, it takes no application, decision or item', async () => {
    const extensionOfItem = (await card()).lines.find((x: { rule: string }) => x.rule === 'task_completion').id;
    const { query, variables } = apply('unit_head', extensionOfItem);
    const id = (await ok('unit_head', query, variables)).applyForExemption.application.id;
    now = '2020-01-15T10:00:00+08:00';
    await signInAll();
    const FINALIZE = `mutation { finalizeAssessment(year: 2019) { finalization { year } } }`;
    expect(await refused('committee', FINALIZE)).toBe('APPLICATIONS_PENDING');
    await ok('committee', DECIDE, { a: id, d: 'refuse', r: '任务未完成属实' });
    await ok('committee', FINALIZE);
    const late = apply('unit_head', (await card()).lines.find((x: { rule: string }) => x.rule === 'unfinished_at_year_end').id);
    expect(await refused('unit_head', late.query, late.variables)).toBe('ASSESSMENT_FINALIZED');
    expect(await refused('committee', ITEM, { u: township, k: 'inspection_result', p: -1 })).toBe('ASSESSMENT_FINALIZED');
    expect((await card('unit_head')).lines.every((l: { availableActions: string[] }) => l.availableActions.length === 0)).toBe(true);
  });
});

describe('the committee’s own exemption', () => {
  it('is an application the committee files and approves at once', async () => {
    now = '2020-03-02T09:00:00+08:00';
    await signInAll();
    const raised = await ok(
      'office',
      `mutation { raiseProblem(source: hotline, category: housing, description: "危房改造资金发放不及时") { problem { id } } }`,
    );
    const p = raised.raiseProblem.problem.id;
    await ok(
      'office',
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "刘镇长") { problem { id } } }`,
      {
        p,
        u: other,
      },
    );
    const otherCard = `query { scorecard(unitId: "${other}", year: 2020) { score lines { id rule application { status byCommittee appliedBy } } } }`;
    const lineId = (await ok('committee', otherCard)).scorecard.lines.find((l: { rule: string }) => l.rule === 'problem_found').id;
    const granted = await ok(
      'committee',
      `mutation($u: ID!, $l: String!) { grantExemption(unitId: $u, year: 2020, lineId: $l, reason: "群众误报", approvedBy: "县考核委员会") { events { type } scorecard { score } } }`,
      { u: other, l: lineId },
    );
    expect(granted.grantExemption.events.map((e: { type: string }) => e.type)).toEqual(['ExemptionApplied', 'ExemptionGranted']);
    expect(granted.grantExemption.scorecard.score).toBe(100);
    const l = (await ok('committee', otherCard)).scorecard.lines.find((x: { id: string }) => x.id === lineId);
    expect(l.application).toEqual({ status: 'approved', byCommittee: true, appliedBy: '考核委员会 李' });
  });
});
