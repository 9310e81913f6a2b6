import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * 督办 with its reply, and 巩固 at the 回头看, over real HTTP: an order with a finish-by day
 * (办结时限) answered by the unit head resolves a 督办-level trigger; bad input (a reply from another
 * unit, a finish-by day before the order) is refused with nothing appended; a closed item awaits its
 * 回头看 in the ledger and on the wall until the office or a verifier confirms 巩固.
 */
let server: TestServer;
const now = { value: '2019-03-01T09:00:00+08:00' };
let township: string;
const as = { office: '', admin: '', head: '', otherHead: '', verifier: '' };
const logins = new Map<keyof typeof as, string>();

/** Moves the server's clock; sign-ins expire with it, so everyone signs in again. */
async function clockAt(instant: string) {
  now.value = instant;
  for (const [who, login] of logins) as[who] = await logIn(server, login);
}

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = as.office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

/** Runs a mutation that must be refused: its error's extensions, and the proof that nothing was appended. */
const refused = (query: string, variables: Record<string, unknown>, token: string) => server.refused(query, variables, bearer(token));

async function newProblem(description: string, deadline: string): Promise<string> {
  const p = (
    await ok(`mutation($d: String!) { raiseProblem(source: audit, category: roads, description: $d) { problem { id } } }`, {
      d: description,
    })
  ).raiseProblem.problem.id as string;
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任") { problem { id } } }`,
    {
      p,
      u: township,
    },
  );
  await ok(`mutation($p: ID!, $d: String!) { setDeadline(problemId: $p, deadline: $d) { problem { id } } }`, { p, d: deadline });
  await ok(`mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "王主任") { problem { id } } }`, { p }, as.head);
  return p;
}

const ORDER = `mutation($p: ID!, $f: String!) { orderSupervision(problemId: $p, instruction: "责成限期办结", finishBy: $f) {
  problem { supervisionCount openSupervision { supervisionCount finishBy } } events { type } } }`;
const REPLY = `mutation($p: ID!, $r: String!, $files: [EvidenceFileInput!]) { replyToSupervision(problemId: $p, reply: $r, files: $files) {
  problem { openSupervision { supervisionCount } supervisionOrders { supervisionCount finishBy reply { reply repliedOn files { name sha256 } } } }
  events { type } } }`;

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.value, notifications: false });
  logins.set('admin', (await addUser(server, { roles: ['admin'] })).login);
  await clockAt(now.value);
  township = (await ok(`mutation { registerUnit(name: "磨子潭镇", kind: township) { unit { id } } }`, {}, as.admin)).registerUnit.unit.id;
  const other = (await ok(`mutation { registerUnit(name: "黄尾镇", kind: township) { unit { id } } }`, {}, as.admin)).registerUnit.unit.id;
  const bureau = (await ok(`mutation { registerUnit(name: "县扶贫局", kind: department) { unit { id } } }`, {}, as.admin)).registerUnit.unit
    .id;
  logins.set('office', (await addUser(server, { roles: ['office'] })).login);
  logins.set('head', (await addUser(server, { roles: ['unit_head'], unitId: township })).login);
  logins.set('otherHead', (await addUser(server, { roles: ['unit_head'], unitId: other })).login);
  logins.set('verifier', (await addUser(server, { roles: ['verifier'], unitId: bureau })).login);
  await clockAt(now.value);
});
afterAll(() => server.stop());

describe('督办: an order with a finish-by day and the unit’s reply', () => {
  it('an order answered by the unit head resolves the 督办-level trigger; the reply and its files show on the item', async () => {
    await clockAt('2019-03-01T09:00:00+08:00');
    const p = await newProblem('村道硬化工程滞后', '2019-03-10');
    // Overdue from 03-11; long overdue (督办 by the default policy's 30 days) from 04-09.
    await clockAt('2019-04-10T09:00:00+08:00');
    const trigger = async () =>
      (
        (
          await ok(`query { interviewTriggers(includeResolved: true) { id rule level resolved resolvedBySupervisionOn
          supervisionOrders { ledgerNumber supervisionCount orderedOn finishBy repliedOn } } }`)
        ).interviewTriggers as any[]
      ).find((t) => t.rule === 'item_long_overdue');
    expect(await trigger()).toMatchObject({ level: 'supervision', resolved: false, supervisionOrders: [] });

    const ordered = await ok(ORDER, { p, f: '2019-04-15' });
    expect(ordered.orderSupervision.problem).toEqual({
      supervisionCount: 1,
      openSupervision: { supervisionCount: 1, finishBy: '2019-04-15' },
    });
    expect(await trigger()).toMatchObject({
      resolved: false,
      supervisionOrders: [{ supervisionCount: 1, orderedOn: '2019-04-10', repliedOn: null }],
    });
    // The unit's queue: the items with a 督办 waiting for its reply.
    const queue = await ok(`query { problems(awaitingSupervisionReply: true) { edges { node { id } } } }`, {}, as.head);
    expect(queue.problems.edges).toEqual([{ node: { id: p } }]);

    await clockAt('2019-04-12T09:00:00+08:00');
    const upload = await fetch(`${server.url}/files?name=${encodeURIComponent('开工照片.png')}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', ...bearer(as.head) },
      body: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    });
    const file = (await upload.json()) as { name: string; sha256: string; size: number; contentType: string };
    const text = '  已完成路基施工，\n附开工照片。 ';
    const replied = await ok(REPLY, { p, r: text, files: [file] }, as.head);
    expect(replied.replyToSupervision.events).toEqual([{ type: 'SupervisionReplied' }]);
    expect(replied.replyToSupervision.problem.openSupervision).toBeNull();
    expect(replied.replyToSupervision.problem.supervisionOrders).toEqual([
      {
        supervisionCount: 1,
        finishBy: '2019-04-15',
        reply: { reply: text, repliedOn: '2019-04-12', files: [{ name: file.name, sha256: file.sha256 }] },
      },
    ]);
    // The same reply again (a retry) appends nothing.
    expect((await ok(REPLY, { p, r: text, files: [file] }, as.head)).replyToSupervision.events).toEqual([]);

    expect(await trigger()).toMatchObject({
      level: 'supervision',
      resolved: true,
      resolvedBySupervisionOn: '2019-04-12',
      supervisionOrders: [{ supervisionCount: 1, orderedOn: '2019-04-10', finishBy: '2019-04-15', repliedOn: '2019-04-12' }],
    });
    const open = (await ok(`query { interviewTriggers { rule } }`)).interviewTriggers.map((t: { rule: string }) => t.rule);
    expect(open).not.toContain('item_long_overdue');
    expect((await ok(`query { problems(awaitingSupervisionReply: true) { edges { node { id } } } }`, {}, as.head)).problems.edges).toEqual(
      [],
    );

    // Another unit's head sees the reply but not its files (evidence of another unit).
    const seen = await ok(
      `query($id: ID) { problem(id: $id) { supervisionOrders { reply { reply files { sha256 } } } } }`,
      { id: p },
      as.otherHead,
    );
    expect(seen.problem.supervisionOrders[0].reply).toEqual({ reply: text, files: [] });
  });

  it('an order unanswered past its finish-by day is a 约谈 trigger (supervision_unanswered)', async () => {
    await clockAt('2019-05-01T09:00:00+08:00');
    const p = await newProblem('饮水工程未通水', '2019-06-30');
    await ok(ORDER, { p, f: '2019-05-05' });
    await clockAt('2019-05-06T09:00:00+08:00');
    const triggers = (await ok(`query { interviewTriggers { id rule level } }`)).interviewTriggers as any[];
    expect(triggers.filter((t) => t.rule === 'supervision_unanswered')).toEqual([
      { id: `supervision_unanswered:${p}:1`, rule: 'supervision_unanswered', level: 'interview' },
    ]);
  });

  it('a reply from another unit’s head is refused, and nothing is appended', async () => {
    await clockAt('2019-05-01T09:00:00+08:00');
    const p = await newProblem('危房改造未完成', '2019-06-30');
    await ok(ORDER, { p, f: '2019-05-10' });
    const error = await refused(REPLY, { p, r: '不是我们的' }, as.otherHead);
    expect(error.code).toBe('FORBIDDEN');
    // The office cannot answer on the unit's behalf either.
    expect((await refused(REPLY, { p, r: '代为回复' }, as.office)).code).toBe('FORBIDDEN');
  });

  it('a finish-by day before the order’s county day is refused, naming the field, and nothing is appended', async () => {
    await clockAt('2019-05-01T09:00:00+08:00');
    const p = await newProblem('产业项目推进滞后', '2019-06-30');
    const error = await refused(ORDER, { p, f: '2019-04-30' }, as.office);
    expect(error).toMatchObject({ code: 'FINISH_BY_BEFORE_ORDER', field: 'finishBy' });
    expect(error.message).toContain('2019-04-30');
    const malformed = await refused(ORDER, { p, f: '2019-02-30' }, as.office);
    expect(malformed.code).toBe('VALIDATION_FAILED');
  });

  it('a reply with no open order is refused', async () => {
    await clockAt('2019-05-01T09:00:00+08:00');
    const p = await newProblem('教育资助未发放', '2019-06-30');
    expect((await refused(REPLY, { p, r: '已发放' }, as.head)).code).toBe('NO_OPEN_SUPERVISION');
  });
});

describe('巩固: the 回头看 after 销号', () => {
  it('closed → awaiting 回头看 in the ledger and on the wall → a verifier of another unit confirms → consolidated', async () => {
    await clockAt('2019-06-01T09:00:00+08:00');
    const p = await newProblem('低保评定不公', '2019-06-30');
    await ok(`mutation($p: ID!) { submitPlan(problemId: $p, measures: "重新评议") { problem { id } } }`, { p }, as.head);
    await ok(
      `mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已重新评议" }) { problem { id } } }`,
      { p },
      as.head,
    );
    await ok(`mutation($p: ID!) { passVerification(problemId: $p, opinion: "符合要求") { problem { id } } }`, { p }, as.verifier);
    await ok(`mutation($p: ID!) { closeProblem(problemId: $p) { problem { id } } }`, { p });

    const row = async () =>
      (await ok(`query($id: ID) { problem(id: $id) { ledgerNumber status consolidation recheckDueOn recheckOverdue } }`, { id: p }))
        .problem;
    const { ledgerNumber } = await row();
    // The 回头看 falls due 90 days after 销号 (the default policy's recheckAfterDays): 06-01 + 90 days.
    expect(await row()).toMatchObject({
      status: 'closed',
      consolidation: 'awaiting_recheck',
      recheckDueOn: '2019-08-30',
      recheckOverdue: false,
    });
    const awaiting = await ok(`query { problems(consolidation: awaiting_recheck) { edges { node { id } } } }`);
    expect(awaiting.problems.edges).toEqual([{ node: { id: p } }]);
    const wall = async () =>
      (
        await ok(
          `query { battleMap { awaitingRecheck { ledgerNumbers } recheckOverdue { count ledgerNumbers } items { ledgerNumber consolidation } } }`,
        )
      ).battleMap;
    expect((await wall()).awaitingRecheck.ledgerNumbers).toEqual([ledgerNumber]);
    expect((await wall()).recheckOverdue).toEqual({ count: 0, ledgerNumbers: [] });
    expect((await wall()).items.find((i: { ledgerNumber: string }) => i.ledgerNumber === ledgerNumber).consolidation).toBe(
      'awaiting_recheck',
    );

    // The responsible unit does not check its own work.
    expect(
      (await refused(`mutation($p: ID!) { confirmConsolidation(problemId: $p, opinion: "自查无反弹") { problem { id } } }`, { p }, as.head))
        .code,
    ).toBe('FORBIDDEN');
    // On its day it is not late yet; from the next it is, on the item and on the wall (and on the wall as of the day before, not).
    await clockAt('2019-08-30T23:00:00+08:00');
    expect(await row()).toMatchObject({ recheckDueOn: '2019-08-30', recheckOverdue: false });
    await clockAt('2019-09-01T09:00:00+08:00');
    expect(await row()).toMatchObject({ recheckDueOn: '2019-08-30', recheckOverdue: true });
    expect((await wall()).recheckOverdue).toEqual({ count: 1, ledgerNumbers: [ledgerNumber] });
    const asOf = `query($at: String) { battleMap(asOf: $at) { recheckOverdue { count } } }`;
    expect((await ok(asOf, { at: '2019-08-30T12:00:00+08:00' })).battleMap.recheckOverdue.count).toBe(0);
    const confirmed = await ok(
      `mutation($p: ID!) { confirmConsolidation(problemId: $p, opinion: "回头看：未反弹") { problem { consolidation } events { type data } } }`,
      { p },
      as.verifier,
    );
    expect(confirmed.confirmConsolidation.problem.consolidation).toBe('confirmed');
    expect(confirmed.confirmConsolidation.events).toMatchObject([
      { type: 'ConsolidationConfirmed', data: { confirmedOn: '2019-09-01', opinion: '回头看：未反弹' } },
    ]);
    expect((await ok(`query { problems(consolidation: awaiting_recheck) { edges { node { id } } } }`)).problems.edges).toEqual([]);
    expect((await wall()).awaitingRecheck.ledgerNumbers).toEqual([]);
    expect((await wall()).recheckOverdue.count).toBe(0);
    expect(await row()).toMatchObject({ consolidation: 'confirmed', recheckDueOn: null, recheckOverdue: false });
    // A later recurrence can still reopen it.
    await ok(`mutation($p: ID!) { reopenProblem(problemId: $p, reason: "再次发现") { problem { status consolidation } } }`, { p });
    expect(await row()).toMatchObject({ status: 'rectifying', consolidation: null });
  });
});
