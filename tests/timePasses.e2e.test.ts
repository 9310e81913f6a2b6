import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryIdFor } from '../application/notifications/notifier.js';
import { addUnit, addUser, bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { eventually, parseMail, startReceiver, startSmtpServer } from './support/receivers.js';

/**
 * Issue 11 end to end: the ledger acts as time passes. On a real SQLite store behind the real HTTP
 * server, with a clock the test moves a day at a time and the scheduler's pass run at each step, one
 * item goes through its reminders 7, 3 and 1 days before the deadline, the deadline passing, the
 * escalation to an automatic 督办 (with its finish-by day), the unit head's reply, the fix, its
 * verification by another unit, 销号, and the 回头看 confirmed; a second item's 回头看 goes past due;
 * the year ends unfinalized. At each step: who got which notification in the inbox, exactly once,
 * and the unit head's messages each reached the real SMTP server and the DingTalk robot exactly once.
 */
let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let robot: Awaited<ReturnType<typeof startReceiver>>;
let digestHook: Awaited<ReturnType<typeof startReceiver>>;
const clock = { now: '2019-06-01T10:00:00+08:00' };
const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
const DINGTALK_SECRET = 'SECwalkthrough0123456789';
const HEAD_EMAIL = 'zhenzhang@mozitan.example.cn';

type Who = 'office' | 'head' | 'digestHead' | 'verifier' | 'committee';
const users = {} as Record<Who, { userId: string; token: string }>;
let township: string;

async function ok<T = any>(query: string, variables: Record<string, unknown>, who: Who): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(users[who].token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

beforeAll(async () => {
  server = await startTestServer({
    clock: () => clock.now,
    scheduler: false,
    checkpoints: false,
    tokenTtlSeconds: 400 * 24 * 3600,
    notifications: { pollMs: 50, backoffMs: 50, timeoutMs: 2000 },
  });
  smtp = await startSmtpServer();
  robot = await startReceiver({ dingtalkSecret: DINGTALK_SECRET });
  digestHook = await startReceiver();
  township = await addUnit(server, '磨子潭镇');
  const bureau = await addUnit(server, '县住建局', 'department');
  const admin = await addUser(server, { roles: ['admin'] });
  const adminAuth = bearer(await logIn(server, admin.login));
  const roles: Record<Who, Parameters<typeof addUser>[1]> = {
    office: { roles: ['office'] },
    head: { roles: ['unit_head'], unitId: township },
    digestHead: { roles: ['unit_head'], unitId: township },
    verifier: { roles: ['verifier'], unitId: bureau },
    committee: { roles: ['committee'] },
  };
  for (const [who, spec] of Object.entries(roles) as [Who, Parameters<typeof addUser>[1]][]) {
    const user = await addUser(server, spec);
    users[who] = { userId: user.userId, token: await logIn(server, user.login) };
  }
  const configure = `mutation($id: String!, $name: String!, $kind: NotificationChannelKind!, $url: String!, $from: String, $format: WebhookFormat, $secret: String) {
    configureNotificationChannel(id: $id, name: $name, kind: $kind, url: $url, from: $from, format: $format, secret: $secret) { id } }`;
  for (const channel of [
    { id: 'county-mail', name: '县邮件', kind: 'smtp', url: smtp.url, from: 'taizhang@county.example.cn' },
    { id: 'dingtalk-mozitan', name: '磨子潭镇钉钉群', kind: 'webhook', format: 'dingtalk', url: robot.url, secret: DINGTALK_SECRET },
    { id: 'digest-hook', name: '汇总接口', kind: 'webhook', format: 'json', url: digestHook.url },
  ])
    expect((await server.gql(configure, channel, adminAuth)).errors).toBeUndefined();
  const prefer = `mutation($c: [String!]!, $d: Boolean!, $e: String) { setNotificationPreferences(channels: $c, dailyDigest: $d, email: $e) { channels } }`;
  await ok(prefer, { c: ['county-mail', 'dingtalk-mozitan'], d: false, e: HEAD_EMAIL }, 'head');
  await ok(prefer, { c: ['digest-hook'], d: true, e: null }, 'digestHead');
}, 30_000);

afterAll(async () => {
  await server.stop();
  await smtp.close();
  await robot.close();
  await digestHook.close();
});

/** Waits until the log stops growing and every delivery is delivered: the notifier and the dispatcher are done. */
async function settle() {
  let last = -2;
  await eventually(
    async () => {
      await server.settled();
      const head = await server.store.headPosition();
      await server.runner.waitFor(head);
      const done = head === last && server.notifications.deliveries().every((d) => d.state.status === 'delivered');
      last = head;
      if (!done) await new Promise((resolve) => setTimeout(resolve, 60));
      return done;
    },
    20_000,
    'the notifier and the dispatcher to settle',
  );
}

/** Every notification seen so far, by user: what a step adds is compared against it. */
const seen = new Map<string, Set<string>>();

/** The unit head's inbox, over HTTP as their web page reads it. */
async function headInbox() {
  return (await ok(`{ myNotifications(first: 500) { id kind subject body problemId channels } }`, {}, 'head')).myNotifications as {
    id: string;
    kind: string;
    subject: string;
    body: string;
    problemId: string | null;
    channels: string[];
  }[];
}

/** The notifications each user got since the last call, as `kind` (or `kind:problem`) lists, sorted. */
async function newNotifications(): Promise<Partial<Record<Who, string[]>>> {
  const out: Partial<Record<Who, string[]>> = {};
  for (const who of Object.keys(users) as Who[]) {
    const rows = who === 'head' ? await headInbox() : server.notifications.inbox(users[who].userId, { first: 1000 });
    const ids = rows.map((r) => ('id' in r ? r.id : r.notificationId));
    // Exactly once: no notification twice in an inbox.
    expect(new Set(ids).size).toBe(ids.length);
    const before = seen.get(who) ?? new Set();
    const fresh = rows.filter((r) => !before.has('id' in r ? r.id : r.notificationId));
    seen.set(who, new Set(ids));
    if (fresh.length > 0) out[who] = fresh.map((r) => `${r.kind}${r.problemId ? `:${names.get(r.problemId) ?? r.problemId}` : ''}`).sort();
  }
  return out;
}
const names = new Map<string, string>();
const ledgerNumbers = new Map<string, string>();
const ledgerNumberOf = (p: string) => ledgerNumbers.get(p)!;

/** Moves the clock to an instant, runs the scheduler's pass, lets the notifications go out: what each user got. */
async function step(instant: string) {
  clock.now = instant;
  await server.scheduler.pass();
  await settle();
  return newNotifications();
}

/** The unit head's outward messages: each of their notifications once by e-mail and once to the DingTalk robot, nothing else. */
async function expectHeadDeliveries() {
  const inbox = await headInbox();
  const expected = inbox.map((n) => n.id);
  const mails = smtp.mails.filter((m) => m.to.includes(HEAD_EMAIL)).map((m) => parseMail(m.raw));
  expect(smtp.mails).toHaveLength(mails.length);
  expect(mails.map((m) => m.headers['x-taizhang-delivery-id']).sort()).toEqual(
    expected.map((id) => deliveryIdFor(id, 'county-mail')).sort(),
  );
  expect(robot.hits.every((h) => h.status === 200)).toBe(true);
  expect(robot.hits.map((h) => h.deliveryId).sort()).toEqual(expected.map((id) => deliveryIdFor(id, 'dingtalk-mozitan')).sort());
  const accepted = robot.accepted();
  expect([...accepted.values()].every((count) => count === 1)).toBe(true);
  // The e-mail and the robot carry the inbox's subject.
  for (const n of inbox) {
    expect(mails.find((m) => m.headers['x-taizhang-delivery-id'] === deliveryIdFor(n.id, 'county-mail'))!.subject).toBe(n.subject);
    expect(robot.hits.find((h) => h.deliveryId === deliveryIdFor(n.id, 'dingtalk-mozitan'))!.body.markdown.title).toBe(n.subject);
  }
}

async function raise(name: string, deadline: string): Promise<string> {
  const raised = await ok(
    `mutation($d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d) { problem { id ledgerNumber } } }`,
    { d: `危房改造 ${name}` },
    'office',
  );
  const p = raised.raiseProblem.problem.id as string;
  ledgerNumbers.set(p, raised.raiseProblem.problem.ledgerNumber);
  names.set(p, name);
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "镇长") { problem { id } } }`,
    { p, u: township },
    'office',
  );
  await ok(`mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "镇长") { problem { id } } }`, { p }, 'head');
  await ok(`mutation($p: ID!, $d: String!) { setDeadline(problemId: $p, deadline: $d) { problem { id } } }`, { p, d: deadline }, 'office');
  await ok(`mutation($p: ID!) { submitPlan(problemId: $p, measures: "加固改造") { problem { id } } }`, { p }, 'head');
  return p;
}
const reportFixed = (p: string) =>
  ok(`mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已完成改造" }) { problem { id } } }`, { p }, 'head');
const pass = (p: string) =>
  ok(`mutation($p: ID!) { passVerification(problemId: $p, opinion: "符合要求") { problem { id } } }`, { p }, 'verifier');
const close = (p: string) => ok(`mutation($p: ID!) { closeProblem(problemId: $p) { problem { status } } }`, { p }, 'office');

describe('the ledger acts as time passes', () => {
  it('walks one item from its reminders to the 回头看, telling each person once on each of their channels', async () => {
    const P = await raise('P', '2019-06-30');
    // Q is fixed and closed at once: its 回头看 will go past due.
    const Q = await raise('Q', '2019-08-31');
    await reportFixed(Q);
    await pass(Q);
    await close(Q);
    const log: Record<string, Partial<Record<Who, string[]>>> = {};
    const walk = async (from: string, to: string, actions: Record<string, () => Promise<unknown>> = {}) => {
      for (let day = from; day <= to; day = nextDay(day)) {
        const got = await step(at(day));
        if (Object.keys(got).length > 0) log[day] = got;
        if (actions[day]) {
          clock.now = at(day, '11:00');
          await actions[day]!();
        }
      }
    };
    const office = (n: number) => Array.from({ length: n }, () => 'daily_overdue_digest');

    await walk('2019-06-01', '2019-07-20', {
      // The unit head answers the automatic 督办 the day after, reports it fixed; another unit's verifier passes it; 销号.
      '2019-07-16': async () => {
        await ok(
          `mutation($p: ID!) { replyToSupervision(problemId: $p, reply: "已开工，月底前完成") { events { type } } }`,
          { p: P },
          'head',
        );
        await reportFixed(P);
      },
      '2019-07-17': () => pass(P),
      '2019-07-18': () => close(P),
    });
    // 月通报: at 00:00 of each month's first day the scheduler publishes the month's bulletin, and every unit (and the office)
    // is told; the digest reader reads it in the next day's digest (the day's 09:00 digest was appended before it in the pass).
    const bulletin = ['bulletin_published'];
    const told = { office: bulletin, head: bulletin, digestHead: bulletin };
    expect(log).toEqual({
      '2019-06-01': { verifier: ['awaiting_verification:Q'], ...told },
      '2019-06-02': { digestHead: ['daily_digest'] },
      // 7, 3 and 1 days before 06-30, at 09:00; the digest reader gets them in the inbox, and outward as the next day's digest.
      '2019-06-23': { head: ['deadline_reminder:P'], digestHead: ['deadline_reminder:P'] },
      '2019-06-24': { digestHead: ['daily_digest'] },
      '2019-06-27': { head: ['deadline_reminder:P'], digestHead: ['deadline_reminder:P'] },
      '2019-06-28': { digestHead: ['daily_digest'] },
      '2019-06-29': { head: ['deadline_reminder:P'], digestHead: ['deadline_reminder:P'] },
      '2019-06-30': { digestHead: ['daily_digest'] },
      // 00:00: the deadline passed; 09:00: the office's overdue digest, and the digest reader's 每日汇总 with the passing in it.
      '2019-07-01': {
        office: ['bulletin_published', ...office(1)],
        head: ['bulletin_published', 'deadline_passed:P'],
        digestHead: ['bulletin_published', 'daily_digest', 'deadline_passed:P'],
      },
      '2019-07-02': { office: office(1), digestHead: ['daily_digest'] },
      ...Object.fromEntries(
        ['03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14'].map((d) => [`2019-07-${d}`, { office: office(1) }]),
      ),
      // Overdue 14 days (item_overdue, 提醒 → 督办): the escalation and the automatic 督办 order, both at 00:00.
      '2019-07-15': {
        office: ['daily_overdue_digest', 'escalation_reached'],
        head: ['escalation_reached', 'supervision_ordered:P'],
        digestHead: ['daily_digest', 'escalation_reached', 'supervision_ordered:P'],
      },
      // The automatic order is appended after the pass's schedule events (the 09:00 digest among them): in the next day's digest.
      '2019-07-16': { office: office(1), digestHead: ['daily_digest'] },
      // Replied and reported fixed on 07-16 at 11:00: the office is told of the reply; no longer overdue, awaiting verification by another unit.
      '2019-07-17': { office: ['supervision_replied:P'], verifier: ['awaiting_verification:P'] },
    });
    const headInboxNow = await headInbox();
    const order = headInboxNow.find((n) => n.kind === 'supervision_ordered')!;
    expect(order.body).toContain('2019-07-25');
    expect(headInboxNow.find((n) => n.kind === 'escalation_reached')!.body).toContain('已升级为督办');
    const problem = await ok(
      `query($id: ID) { problem(id: $id) { status supervisionOrders { finishBy reply { repliedOn } } } }`,
      { id: P },
      'office',
    );
    expect(problem.problem).toEqual({
      status: 'closed',
      supervisionOrders: [{ finishBy: '2019-07-25', reply: { repliedOn: '2019-07-16' } }],
    });
    await expectHeadDeliveries();

    // Q closed on 06-01: its 回头看 falls due 90 days later (08-30, 09:00), and is past due at 00:00 of 08-31.
    await walk('2019-07-21', '2019-10-20', {
      // P closed on 07-18: its 回头看 falls due on 10-16; the verifier confirms 巩固 that day.
      '2019-10-16': () =>
        ok(
          `mutation($p: ID!) { confirmConsolidation(problemId: $p, opinion: "回头看：未反弹") { problem { consolidation } } }`,
          { p: P },
          'verifier',
        ),
    });
    const after = Object.fromEntries(Object.entries(log).filter(([day]) => day > '2019-07-20'));
    expect(after).toEqual({
      '2019-08-01': told,
      '2019-08-02': { digestHead: ['daily_digest'] },
      '2019-09-01': told,
      '2019-09-02': { digestHead: ['daily_digest'] },
      '2019-10-01': told,
      '2019-10-02': { digestHead: ['daily_digest'] },
      '2019-08-30': { verifier: ['recheck_due:Q'] },
      '2019-08-31': { office: ['recheck_overdue:Q'] },
      '2019-10-16': { verifier: ['recheck_due:P'] },
    });
    expect((await ok(`query($id: ID) { problem(id: $id) { consolidation } }`, { id: P }, 'office')).problem.consolidation).toBe(
      'confirmed',
    );

    // The year ends with 2019 not finalized: the committee is told on 1 January at 09:00, once.
    await walk('2019-12-30', '2020-01-02');
    // The pass on 12-30 catches up with the ends of October and November: two bulletins at once.
    const twice = ['bulletin_published', 'bulletin_published'];
    expect(Object.fromEntries(Object.entries(log).filter(([day]) => day > '2019-10-20'))).toEqual({
      '2019-12-30': { office: twice, head: twice, digestHead: twice },
      '2019-12-31': { digestHead: ['daily_digest'] },
      '2020-01-01': { committee: ['year_not_finalized'], ...told },
      '2020-01-02': { digestHead: ['daily_digest'] },
    });
    const [year] = server.notifications.inbox(users.committee.userId);
    expect(year).toMatchObject({ subject: '【考核未定档】2019 年度' });

    // Outward: the unit head's every notification once by e-mail and once to the DingTalk robot; the digest reader only digests.
    await expectHeadDeliveries();
    expect(headInboxNow.length).toBe(8);
    const digests = server.notifications
      .inbox(users.digestHead.userId, { first: 100 })
      .filter((n) => n.kind === 'daily_digest')
      .reverse();
    expect(digestHook.hits.map((h) => h.body.kind)).toEqual(digests.map(() => 'daily_digest'));
    expect(digestHook.hits.map((h) => h.deliveryId).sort()).toEqual(
      digests.map((n) => deliveryIdFor(n.notificationId, 'digest-hook')).sort(),
    );
    // Each digest lists what came since the one before: every single message is in exactly one digest.
    expect(digests.map((n) => n.body)).toEqual([
      '1. 【月通报】2019年05月',
      `1. 【即将到期】${ledgerNumberOf(P)}`,
      `1. 【即将到期】${ledgerNumberOf(P)}`,
      `1. 【即将到期】${ledgerNumberOf(P)}`,
      `1. 【已逾期】${ledgerNumberOf(P)}`,
      '1. 【月通报】2019年06月',
      '1. 【升级督办】磨子潭镇',
      `1. 【督办】${ledgerNumberOf(P)}`,
      '1. 【月通报】2019年07月',
      '1. 【月通报】2019年08月',
      '1. 【月通报】2019年09月',
      '1. 【月通报】2019年10月\n2. 【月通报】2019年11月',
      '1. 【月通报】2019年12月',
    ]);
  }, 300_000);
});

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
