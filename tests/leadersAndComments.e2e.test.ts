import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * 领导班子 and 批示 / 回复 over real HTTP, role by role: the office and admins record a unit's leaders
 * with their days in post and the units list who was in post on a day; an interview trigger of a
 * village names its township's principal leader in post on the day asked about (before and after a
 * change); the office posts an instruction on an item and the head of its unit answers it, others
 * are refused with nothing appended.
 */
let server: TestServer;
const now = { value: '2019-01-02T09:00:00+08:00' };
let township: string;
let village: string;
let otherTownship: string;
const as = { office: '', admin: '', head: '', otherHead: '', verifier: '', committee: '' };
const logins = new Map<keyof typeof as, string>();

async function clockAt(instant: string) {
  now.value = instant;
  for (const [who, login] of logins) as[who] = await logIn(server, login);
}

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = as.office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

const refused = (query: string, variables: Record<string, unknown>, token: string) => server.refused(query, variables, bearer(token));

const APPOINT = `mutation($u: ID!, $role: LeaderRole!, $n: String!, $t: String!, $from: String!, $p: PortfolioInput) {
  appointUnitLeader(unitId: $u, role: $role, name: $n, title: $t, from: $from, portfolio: $p) {
    unit { leaders { id role name title from until portfolio { description categories } } } events { type } } }`;
const LEFT = `mutation($u: ID!, $l: ID!, $until: String!) { recordUnitLeaderLeft(unitId: $u, leaderId: $l, until: $until) {
  unit { leaders { id name until } } events { type } } }`;
const LEADERS_ON = `query($on: String) { units { id leaders(on: $on) { name role } } }`;
const INSTRUCT = `mutation($p: ID!, $t: String!, $files: [EvidenceFileInput!], $r: Int) {
  postInstruction(problemId: $p, text: $t, files: $files, replyTo: $r) { events { type data } problem { availableActions } } }`;
const ANSWER = `mutation($p: ID!, $t: String!, $files: [EvidenceFileInput!], $r: Int) {
  answerInstruction(problemId: $p, text: $t, files: $files, replyTo: $r) { events { type data } } }`;

async function unitOf(kind: string, name: string, parent: string | null = null): Promise<string> {
  return (
    await ok(
      `mutation($n: String!, $k: UnitKind!, $p: ID) { registerUnit(name: $n, kind: $k, parentUnitId: $p) { unit { id } } }`,
      { n: name, k: kind, p: parent },
      as.admin,
    )
  ).registerUnit.unit.id;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.value, notifications: false });
  logins.set('admin', (await addUser(server, { roles: ['admin'] })).login);
  await clockAt(now.value);
  township = await unitOf('township', '磨子潭镇');
  village = await unitOf('village', '白莲岩村', township);
  otherTownship = await unitOf('township', '黄尾镇');
  const bureau = await unitOf('department', '县扶贫局');
  logins.set('office', (await addUser(server, { roles: ['office'] })).login);
  logins.set('head', (await addUser(server, { roles: ['unit_head'], unitId: village })).login);
  logins.set('otherHead', (await addUser(server, { roles: ['unit_head'], unitId: otherTownship })).login);
  logins.set('verifier', (await addUser(server, { roles: ['verifier'], unitId: bureau })).login);
  logins.set('committee', (await addUser(server, { roles: ['committee'] })).login);
  await clockAt(now.value);
});
afterAll(() => server.stop());

describe('领导班子: leaders on record, by the office or an admin', () => {
  let wang = '';

  it('the office records the township’s principal leader and a leader in charge; an admin may too', async () => {
    const first = await ok(APPOINT, { u: township, role: 'principal', n: '王建国', t: '镇党委书记', from: '2018-06-01' });
    expect(first.appointUnitLeader.events).toStrictEqual([{ type: 'UnitLeaderAppointed' }]);
    wang = first.appointUnitLeader.unit.leaders[0].id;
    const second = await ok(
      APPOINT,
      {
        u: township,
        role: 'in_charge',
        n: '赵敏',
        t: '副镇长',
        from: '2019-01-01',
        p: { description: '分管农业农村、扶贫', categories: ['roads', 'fund_misuse'] },
      },
      as.admin,
    );
    expect(second.appointUnitLeader.unit.leaders).toStrictEqual([
      { id: wang, role: 'principal', name: '王建国', title: '镇党委书记', from: '2018-06-01', until: null, portfolio: null },
      {
        id: expect.any(String),
        role: 'in_charge',
        name: '赵敏',
        title: '副镇长',
        from: '2019-01-01',
        until: null,
        portfolio: { description: '分管农业农村、扶贫', categories: ['roads', 'fund_misuse'] },
      },
    ]);
  });

  it('unit heads, verifiers and the committee may not record leaders', async () => {
    for (const token of [as.head, as.verifier, as.committee])
      expect(await refused(APPOINT, { u: township, role: 'principal', n: '李四', t: '镇长', from: '2019-01-01' }, token)).toMatchObject({
        code: 'FORBIDDEN',
      });
  });

  it('a second principal leader before the first has left is refused, with nothing appended', async () => {
    expect(
      await refused(APPOINT, { u: township, role: 'principal', n: '李志明', t: '镇党委书记', from: '2019-01-01' }, as.office),
    ).toMatchObject({
      code: 'PRINCIPAL_LEADER_OVERLAP',
    });
    expect(await refused(LEFT, { u: township, l: wang, until: '2018-01-01' }, as.office)).toMatchObject({
      code: 'LEADER_LEFT_BEFORE_APPOINTED',
    });
    expect(await refused(APPOINT, { u: township, role: 'in_charge', n: '钱七', t: '副镇长', from: '2019-01-01' }, as.office)).toMatchObject(
      {
        code: 'PORTFOLIO_REQUIRED',
      },
    );
  });

  it('a village’s trigger names its township’s principal leader in post on the day asked about, before and after a change', async () => {
    // An audit item of the village, due 2019-02-10: overdue from 02-11 (item_overdue).
    await clockAt('2019-02-01T09:00:00+08:00');
    const p = (await ok(`mutation { raiseProblem(source: audit, category: roads, description: "村道硬化滞后") { problem { id } } }`))
      .raiseProblem.problem.id;
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "储") { problem { id } } }`,
      {
        p,
        u: village,
      },
    );
    await ok(`mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-02-10") { problem { id } } }`, { p });
    const TRIGGERS = `query($asOf: String) { interviewTriggers(asOf: $asOf) {
      rule unit { id } interviewee { unit { id name } rolledUp principal { name title } inCharge { name } } } }`;
    const overdue = async (asOf?: string) =>
      ((await ok(TRIGGERS, { asOf })).interviewTriggers as any[]).find((t) => t.rule === 'item_overdue');
    await clockAt('2019-02-12T09:00:00+08:00');
    // The roads item falls in 赵敏's portfolio (roads, fund_misuse).
    expect(await overdue()).toStrictEqual({
      rule: 'item_overdue',
      unit: { id: village },
      interviewee: {
        unit: { id: township, name: '磨子潭镇' },
        rolledUp: true,
        principal: { name: '王建国', title: '镇党委书记' },
        inCharge: [{ name: '赵敏' }],
      },
    });
    // 王建国's last day is 02-14, 李志明's first 02-15, both recorded on 02-15.
    await clockAt('2019-02-15T09:00:00+08:00');
    expect((await ok(LEFT, { u: township, l: wang, until: '2019-02-14' })).recordUnitLeaderLeft.events).toStrictEqual([
      { type: 'UnitLeaderLeft' },
    ]);
    await ok(APPOINT, { u: township, role: 'principal', n: '李志明', t: '镇党委书记', from: '2019-02-15' });
    await clockAt('2019-02-16T09:00:00+08:00');
    expect((await overdue()).interviewee.principal).toStrictEqual({ name: '李志明', title: '镇党委书记' });
    expect((await overdue('2019-02-14T18:00:00+08:00')).interviewee.principal).toStrictEqual({ name: '王建国', title: '镇党委书记' });
  });

  it('the units say who was in post on a day', async () => {
    const on = async (day: string) =>
      ((await ok(LEADERS_ON, { on: day }, as.head)).units as any[]).find((u) => u.id === township).leaders.map((l: any) => l.name);
    expect(await on('2018-12-31')).toStrictEqual(['王建国']);
    expect(await on('2019-02-14')).toStrictEqual(['王建国', '赵敏']);
    // In the order recorded.
    expect(await on('2019-02-15')).toStrictEqual(['赵敏', '李志明']);
    expect(await refused(LEADERS_ON, { on: '2019-02-30' }, as.head)).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('批示 and 回复: the office instructs, the unit’s head answers', () => {
  let p = '';
  const file = { name: '凭证.pdf', sha256: 'b'.repeat(64), size: 10 };

  beforeAll(async () => {
    await clockAt('2019-03-01T09:00:00+08:00');
    p = (await ok(`mutation { raiseProblem(source: audit, category: housing, description: "危房改造未验收") { problem { id } } }`))
      .raiseProblem.problem.id;
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "储") { problem { id } } }`,
      {
        p,
        u: village,
      },
    );
  });

  it('the office posts an instruction with a file; the item then offers the answer to its unit head', async () => {
    const posted = await ok(INSTRUCT, { p, t: '请于三日内上报验收材料。', files: [file] });
    expect(posted.postInstruction.events).toStrictEqual([
      {
        type: 'CommentPosted',
        data: {
          problemId: p,
          commentNumber: 1,
          kind: 'instruction',
          text: '请于三日内上报验收材料。',
          files: [file],
          replyTo: null,
          postedByUnitId: null,
          postedOn: '2019-03-01',
        },
      },
    ]);
    const actions = async (token: string) =>
      (await ok(`query($p: ID!) { problem(id: $p) { availableActions } }`, { p }, token)).problem.availableActions as string[];
    expect(await actions(as.head)).toContain('answerInstruction');
    expect(await actions(as.office)).toContain('postInstruction');
    expect(await actions(as.office)).not.toContain('answerInstruction');
    expect(await actions(as.otherHead)).not.toContain('answerInstruction');
  });

  it('only the office instructs', async () => {
    for (const token of [as.head, as.verifier, as.committee, as.admin])
      expect(await refused(INSTRUCT, { p, t: '批示' }, token)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('the head of another unit may not answer; an empty answer is refused; neither appends anything', async () => {
    expect(await refused(ANSWER, { p, t: '已上报' }, as.otherHead)).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_YOUR_UNIT' });
    expect(await refused(ANSWER, { p, t: '已上报' }, as.office)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(ANSWER, { p, t: '   ' }, as.head)).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refused(ANSWER, { p, t: '已上报', r: 7 }, as.head)).toMatchObject({ code: 'COMMENT_NOT_FOUND' });
  });

  it('the unit head answers the instruction; the answer shows in the item’s history', async () => {
    const answered = await ok(ANSWER, { p, t: '已上报验收材料，见附件。', files: [file] }, as.head);
    expect(answered.answerInstruction.events[0].data).toMatchObject({
      commentNumber: 2,
      kind: 'answer',
      replyTo: 1,
      postedByUnitId: village,
      postedOn: '2019-03-01',
    });
    const history = (await ok(`query($p: ID!) { problem(id: $p) { history { type actor { role } data } } }`, { p })).problem
      .history as any[];
    expect(history.filter((e) => e.type === 'CommentPosted').map((e) => [e.actor.role, e.data.kind, e.data.text])).toStrictEqual([
      ['office', 'instruction', '请于三日内上报验收材料。'],
      ['unit_head', 'answer', '已上报验收材料，见附件。'],
    ]);
    // Another unit's head sees that comments were posted, not what they say or their files.
    const seen = (await ok(`query($p: ID!) { problem(id: $p) { history { type data } } }`, { p }, as.otherHead)).problem.history as any[];
    expect(seen.filter((e) => e.type === 'CommentPosted').map((e) => e.data)).toStrictEqual([
      { withheld: 'EVIDENCE_OF_ANOTHER_UNIT', problemId: p },
      { withheld: 'EVIDENCE_OF_ANOTHER_UNIT', problemId: p },
    ]);
  });
});
