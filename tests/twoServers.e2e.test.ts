import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../application/config.js';
import { deliveryIdFor } from '../application/notifications/notifier.js';
import { type ScheduleEvent, scheduleEventKey, scheduleEventTypes } from '../domain/index.js';
import { eventually, startReceiver } from './support/receivers.js';
import { type ServerProcess, spawnServer, stopServer } from './support/serverProcess.js';

/**
 * Issue 11's "two server processes on one store issue each reminder once", with real processes:
 * problems are raised on one server at a clock of 2019-06-03, then two servers start at once on the
 * same SQLite folder with the clock at 2019-07-20, both with SCHEDULER on: the scheduler catches up
 * the weeks of reminders (到期提醒), deadlines passing (逾期) and escalations (督办) on the one holding
 * the once-only lease (eventstore/lease.ts), both notifiers recording and both dispatchers delivering
 * them; then, both running, the clock moves three weeks and the passes go over the 30-day overdue,
 * the unanswered 督办 and the escalations to 约谈. In the log each moment is written once, each
 * notification once per recipient, and the unit head's webhook receives each delivery id once. Two
 * schedulers racing on one store (as during a hand-over of the lease) are raced in
 * tests/scheduler.int.test.ts ("two applications on one store write each event once"). The server
 * processes read their clock from the file TAIZHANG_CLOCK_FILE names (a test hook, refused in production).
 */
const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-two-servers-'));
const clockFile = join(dataDir, 'clock');
const setClock = (instant: string) => {
  // Written whole, then renamed: a server reading the clock never sees half an instant.
  writeFileSync(`${clockFile}.tmp`, instant);
  renameSync(`${clockFile}.tmp`, clockFile);
};
const env = {
  DATA_DIR: dataDir,
  DEMO_DATA: 'off',
  EVENT_STORE: 'sqlite',
  TAIZHANG_CLOCK_FILE: clockFile,
  NOTIFICATIONS_POLL_MS: '50',
  NOTIFICATIONS_BACKOFF_MS: '50',
};
const servers: ServerProcess[] = [];
const receiver = await startReceiver();
afterAll(async () => {
  for (const server of servers) await stopServer(server, 'SIGKILL');
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function gql(server: ServerProcess, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
const login = async (server: ServerProcess, name: string, password: string) =>
  (await gql(server, '', `mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }`, { l: name, p: password })).login
    .token as string;

type Row = { id: string; streamId: string; type: string; data: any; metadata: any };
function readLog(): Row[] {
  const db = new Database(join(dataDir, 'taizhang.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT event_id, stream_id, type, data, metadata FROM events ORDER BY position').all() as any[]).map((r) => ({
      id: r.event_id,
      streamId: r.stream_id,
      type: r.type,
      data: JSON.parse(r.data),
      metadata: JSON.parse(r.metadata),
    }));
  } finally {
    db.close();
  }
}
/** How many times each key occurs. */
const counts = (keys: readonly string[]) => {
  const map = new Map<string, number>();
  for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
  return map;
};
const repeated = (keys: readonly string[]) => [...counts(keys)].filter(([, n]) => n > 1);

/**
 * Waits until the log holds at least `atLeast` notifications to the webhook, each has reached it and its success is
 * recorded, and nothing more was recorded for a second (the notifiers record a fact's notifications one fact at a time).
 */
async function allDelivered(atLeast: number) {
  let last = '';
  let since = Date.now();
  await eventually(
    () => {
      const log = readLog();
      const recorded = log.filter((e) => e.type === 'NotificationRecorded' && e.data.channels.includes('json-hook')).length;
      const succeeded = log.filter((e) => e.type === 'DeliverySucceeded').length;
      const now = `${log.length}/${recorded}/${succeeded}/${receiver.accepted().size}`;
      if (now !== last) [last, since] = [now, Date.now()];
      return recorded >= atLeast && succeeded === recorded && receiver.accepted().size === recorded && Date.now() - since >= 1000;
    },
    20_000,
    'every notification delivered to the webhook',
  );
}

/**
 * Problems of one township, due 2019-06-27 … 07-04: every reminder, passing and 14-day escalation falls in the catch-up's 31 days
 * before 07-20. Enough of them that a catch-up pass takes longer than the two processes' start differs, so the passes overlap.
 */
const PROBLEMS = 40;
const deadlineOf = (i: number) =>
  ['2019-06-27', '2019-06-28', '2019-06-29', '2019-06-30', '2019-07-01', '2019-07-02', '2019-07-03', '2019-07-04'][i % 8]!;

describe('two server processes on one SQLite store', () => {
  it('write each scheduled moment once, record each notification once per recipient, and deliver each once', async () => {
    setClock('2019-06-03T10:00:00+08:00');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', 'chief', '--roles', 'office,admin', '--password', 'two-servers-password'],
      { env: { ...process.env, ...env } },
    );

    // Seeding, on one server whose scheduler is off.
    const seeder = await spawnServer({ ...env, SCHEDULER: 'off' });
    servers.push(seeder);
    const chief = await login(seeder, 'chief', 'two-servers-password');
    const unit = (await gql(seeder, chief, `mutation { registerUnit(name: "佛子岭镇", kind: township) { unit { id } } }`)).registerUnit.unit
      .id;
    const head = (
      await gql(
        seeder,
        chief,
        `mutation($u: ID!) { registerUser(login: "head", displayName: "钱镇长", roles: [unit_head], unitId: $u, password: "head-password-1") { user { id } } }`,
        { u: unit },
      )
    ).registerUser.user.id as string;
    await gql(
      seeder,
      chief,
      `mutation($url: String!) { configureNotificationChannel(id: "json-hook", name: "json-hook", kind: webhook, format: json, url: $url) { id } }`,
      { url: receiver.url },
    );
    const headToken = await login(seeder, 'head', 'head-password-1');
    await gql(seeder, headToken, `mutation { setNotificationPreferences(channels: ["json-hook"], dailyDigest: false) { channels } }`);
    const problems = await Promise.all(
      Array.from({ length: PROBLEMS }, async (_, i) => {
        const raised = await gql(
          seeder,
          chief,
          `mutation($d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d) { problem { id } } }`,
          { d: `危房改造未完成 ${i + 1}` },
        );
        const p = raised.raiseProblem.problem.id as string;
        await gql(
          seeder,
          chief,
          `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "钱") { problem { id } } }`,
          { p, u: unit },
        );
        await gql(seeder, chief, `mutation($p: ID!, $d: String!) { setDeadline(problemId: $p, deadline: $d) { problem { id } } }`, {
          p,
          d: deadlineOf(i),
        });
        return p;
      }),
    );
    await stopServer(seeder);
    servers.length = 0;
    expect(readLog().filter((e) => scheduleEventTypes.has(e.type))).toEqual([]);

    // Seven weeks later both start at once: the scheduler of the one that takes the lease catches up on start.
    // A clock 50 ms before a full hour has the scheduler pass again every 100 ms (it passes at every full hour), so
    // once running, it passes within 100 ms of a move of the clock.
    setClock('2019-07-20T09:59:59.950+08:00');
    servers.push(...(await Promise.all([spawnServer({ ...env, SCHEDULER: 'on' }), spawnServer({ ...env, SCHEDULER: 'on' })])));
    await allDelivered(PROBLEMS * 4);
    const caughtUp = readLog().filter((e) => scheduleEventTypes.has(e.type)).length;
    // Three weeks on, both running: the passes go over 30-day overdue (item_long_overdue), unanswered 督办 and escalations to 约谈.
    setClock('2019-08-10T09:59:59.950+08:00');
    await eventually(() => readLog().some((e) => e.type === 'SupervisionReplyOverdue'), 20_000, 'the later passes');
    await allDelivered(PROBLEMS * 4);
    await Promise.all(servers.map((server) => stopServer(server)));
    servers.length = 0;

    const log = readLog();
    const scheduled = log.filter((e) => scheduleEventTypes.has(e.type));
    // Each moment once: by what it is about and when, not only by id (the store refuses a second event with one id).
    expect(repeated(scheduled.map((e) => scheduleEventKey({ type: e.type, data: e.data } as ScheduleEvent)))).toEqual([]);
    const nineAm = (day: string, back: number) =>
      `${new Date(Date.parse(`${day}T09:00:00+08:00`) - back * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10)}T09:00:00.000+08:00`;
    for (const [i, p] of problems.entries()) {
      const mine = scheduled.filter((e) => e.data.problemId === p && (e.type === 'DeadlineReminderDue' || e.type === 'DeadlinePassed'));
      const deadline = deadlineOf(i);
      const passedAt = `${new Date(Date.parse(`${deadline}T00:00:00+08:00`) + 32 * 3_600_000).toISOString().slice(0, 10)}T00:00:00.000+08:00`;
      expect(mine.map((e) => `${e.type} ${e.data.dueAt}`)).toEqual([
        `DeadlineReminderDue ${nineAm(deadline, 7)}`,
        `DeadlineReminderDue ${nineAm(deadline, 3)}`,
        `DeadlineReminderDue ${nineAm(deadline, 1)}`,
        `DeadlinePassed ${passedAt}`,
      ]);
    }
    // The later passes wrote more; overdue for 14 days rose to 督办: each automatic order once (by its command id), each problem ordered.
    expect(scheduled.length).toBeGreaterThan(caughtUp);
    const escalations = scheduled.filter((e) => e.type === 'EscalationReached');
    expect(escalations.length).toBeGreaterThanOrEqual(problems.length);
    const orders = log.filter((e) => e.type === 'SupervisionOrdered');
    expect(repeated(orders.map((e) => e.metadata.commandId))).toEqual([]);
    expect(new Set(orders.map((e) => e.data.problemId))).toEqual(new Set(problems));
    expect(repeated(orders.map((e) => `${e.data.problemId}/${e.data.supervisionCount}`))).toEqual([]);

    // Each fact's notifications once per recipient; the unit head told of every reminder and passing.
    const notifications = log.filter((e) => e.type === 'NotificationRecorded');
    expect(repeated(notifications.map((e) => `${e.data.sourceEventId}/${e.data.recipientUserId}/${e.data.kind}`))).toEqual([]);
    const toHead = notifications.filter((e) => e.data.recipientUserId === head);
    for (const fact of scheduled.filter((e) => e.type === 'DeadlineReminderDue' || e.type === 'DeadlinePassed'))
      expect(toHead.filter((n) => n.data.sourceEventId === fact.id)).toHaveLength(1);
    for (const order of orders) expect(toHead.filter((n) => n.data.sourceEventId === order.id)).toHaveLength(1);

    // Each delivery claimed, sent and succeeded once, by one of the two dispatchers; the receiver saw each delivery id once.
    const deliveryIds = toHead.map((n) => deliveryIdFor(n.data.notificationId, 'json-hook'));
    expect(toHead.every((n) => n.data.channels.includes('json-hook'))).toBe(true);
    const succeeded = log.filter((e) => e.type === 'DeliverySucceeded').map((e) => e.data.deliveryId as string);
    expect(succeeded.toSorted()).toEqual(deliveryIds.toSorted());
    expect(repeated(log.filter((e) => e.type === 'DeliveryClaimed').map((e) => e.data.deliveryId))).toEqual([]);
    expect(receiver.hits.map((h) => h.deliveryId).toSorted()).toEqual(deliveryIds.toSorted());
    expect(receiver.hits.every((h) => h.status === 200)).toBe(true);
    // How many of the two dispatchers took part (each claim names its dispatcher): both, as a rule, but that is not required.
    const claimants = new Set(log.filter((e) => e.type === 'DeliveryClaimed').map((e) => e.data.claimedBy));
    console.log(
      `two servers: ${scheduled.length} scheduled moments, ${notifications.length} notifications, ${receiver.hits.length} deliveries by ${claimants.size} dispatchers`,
    );
  }, 60_000);

  it('the clock file is a test hook: a production server refuses it', () => {
    expect(configFromEnv({ TAIZHANG_CLOCK_FILE: clockFile }).clockFile).toBe(clockFile);
    expect(() => configFromEnv({ TAIZHANG_CLOCK_FILE: clockFile, NODE_ENV: 'production' })).toThrow(/test hook/);
  });
});
