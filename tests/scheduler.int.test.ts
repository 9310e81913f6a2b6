import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Application, createApplication } from '../application/index.js';
import { Scheduler } from '../application/scheduler.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import type { EventStore, RecordedEvent, StreamAppend } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { addUser, bearer, logIn } from './support/accounts.js';
import { openStream } from './support/liveStream.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * The scheduler (application/scheduler.ts) on real SQLite stores with a clock the test moves:
 * reminders 7, 3 and 1 days before a deadline and its passing, each written once; a scheduler
 * stopped for ten days writing on restart exactly what one that ran throughout wrote; two
 * applications on one file writing each event once; 回头看 after closing; and the live battle map
 * pushed at midnight over server-sent events.
 */
const office = { userId: 'office-1', name: '县督查办', unitId: null, role: 'supervision_office' };
const T1 = '00000000-0000-4000-8000-000000000001';
const D2 = '00000000-0000-4000-8000-000000000002';
const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
const codec = schemaCodec(domainEventDefinitions);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A clock the test sets. */
function testClock(start: string) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

async function openStore(dir: string): Promise<EventStore> {
  return openEventStore({ kind: 'sqlite', dataDir: dir }, codec);
}

async function open(dir: string, clock: () => string): Promise<Application> {
  return createApplication(await openStore(dir), { clock, checkpoints: false, notifications: false, scheduler: false });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'taizhang-scheduler-'));
  dirs.push(dir);
  return dir;
}

/** The office's commands, with command ids from their names so two stores fed the same script hold the same events. */
function office_(app: () => Application, clock: () => string) {
  const context = (commandId: string) => ({ actor: office, commandId, now: clock });
  const problem = (input: unknown, commandId: string) => app().ledger.problemCommand(input, context(commandId));
  return {
    async units() {
      await app().ledger.unitCommand(
        { type: 'RegisterUnit', data: { unitId: T1, name: '磨子潭镇', kind: 'township' } },
        context('unit-T1'),
      );
      await app().ledger.unitCommand(
        { type: 'RegisterUnit', data: { unitId: D2, name: '县住建局', kind: 'department' } },
        context('unit-D2'),
      );
    },
    /** Raised, assigned to T1, acknowledged, with a deadline: in rectification. */
    async raise(key: string, deadline: string): Promise<string> {
      await app().ledger.raiseProblem(
        { source: 'county_self_check', category: 'housing', description: `危房改造 ${key}` },
        context(`raise-${key}`),
      );
      const problemId = app().ledger.problemIdFor(`raise-${key}`);
      await problem({ type: 'AssignProblem', data: { problemId, responsibleUnitId: T1, responsiblePerson: '镇长' } }, `assign-${key}`);
      await problem({ type: 'AcknowledgeAssignment', data: { problemId, acknowledgedBy: '镇长' } }, `ack-${key}`);
      await problem({ type: 'SetDeadline', data: { problemId, deadline } }, `deadline-${key}`);
      return problemId;
    },
    extend: (problemId: string, deadline: string, key: string) =>
      problem({ type: 'ExtendDeadline', data: { problemId, deadline, reason: '汛期施工受阻' } }, key),
    async close(problemId: string, key: string) {
      await problem({ type: 'SubmitPlan', data: { problemId, measures: '加固' } }, `plan-${key}`);
      await problem({ type: 'ReportRectified', data: { problemId, evidence: { description: '已整改' } } }, `report-${key}`);
      await problem({ type: 'PassVerification', data: { problemId, verifierUnitId: D2, opinion: '通过' } }, `pass-${key}`);
      await problem({ type: 'CloseProblem', data: { problemId } }, `close-${key}`);
    },
  };
}

/** Every event the scheduler wrote (and every 督办 order), as comparable records. */
async function scheduled(store: EventStore) {
  const all: RecordedEvent[] = [];
  for (let after = -1; ; ) {
    const batch = await store.readAll({ after, maxCount: 1000 });
    if (batch.length === 0) break;
    all.push(...batch);
    after = batch.at(-1)!.position;
  }
  return all
    .filter((e) => e.streamId.startsWith('schedule-') || e.type === 'SupervisionOrdered')
    .map((e) => ({ streamId: e.streamId, revision: e.revision, id: e.id, type: e.type, data: e.data, metadata: e.metadata }))
    .sort((a, b) => a.streamId.localeCompare(b.streamId) || a.revision - b.revision);
}

const summary = (events: Awaited<ReturnType<typeof scheduled>>) =>
  events.map((e) => `${e.type} ${(e.data as { deadline?: string }).deadline ?? ''} ${e.metadata.occurredAt}`.replace('  ', ' '));

/** Moves the clock by `hours` up to `until`, running a pass at each step when `running` says so. */
async function walk(
  clock: { now: string },
  until: string,
  hours: number,
  pass: (() => Promise<unknown>) | null,
  at: Record<string, () => Promise<unknown>> = {},
) {
  for (let ms = Date.parse(clock.now); ms <= Date.parse(until); ms += hours * 3_600_000) {
    clock.now = new Date(ms).toISOString();
    for (const [when, action] of Object.entries(at)) if (Date.parse(when) === ms) await action();
    if (pass) await pass();
  }
}

describe('the scheduler', () => {
  it('walks an item through the reminders 7, 3 and 1 days before its deadline and its passing, each written once', async () => {
    const dir = tempDir();
    const clock = testClock(at('2019-06-01'));
    const app = await open(dir, clock.read);
    const cmd = office_(() => app, clock.read);
    await cmd.units();
    const p = await cmd.raise('P', '2019-06-30');
    await walk(clock, at('2019-07-02', '02:00'), 1, () => app.scheduler.pass());
    // Passes again over the same instants append nothing new.
    await app.scheduler.pass();
    const events = await scheduled(app.store);
    expect(
      events
        .filter((e) => e.streamId === `schedule-${p}`)
        .map((e) => [e.type, (e.data as { daysBefore?: number }).daysBefore, e.metadata.occurredAt]),
    ).toEqual([
      ['DeadlineReminderDue', 7, '2019-06-23T09:00:00.000+08:00'],
      ['DeadlineReminderDue', 3, '2019-06-27T09:00:00.000+08:00'],
      ['DeadlineReminderDue', 1, '2019-06-29T09:00:00.000+08:00'],
      ['DeadlinePassed', undefined, '2019-07-01T00:00:00.000+08:00'],
    ]);
    const passed = events.find((e) => e.type === 'DeadlinePassed')!;
    expect(passed.data).toEqual({ problemId: p, unitId: T1, deadline: '2019-06-30', dueAt: '2019-07-01T00:00:00.000+08:00' });
    expect(passed.metadata.actor).toEqual({ userId: 'scheduler', name: '台账 scheduler', unitId: null, role: 'system' });
    // The day's overdue digest, from the first 09:00 at which an item is overdue.
    const county = events.filter((e) => e.streamId === 'schedule-county');
    expect(county.filter((e) => e.type === 'DailyOverdueDigestDue').map((e) => e.data)).toEqual([
      { day: '2019-07-01', dueAt: '2019-07-01T09:00:00.000+08:00' },
    ]);
    // The users' 每日汇总 falls due at 09:00 every day, from the first pass's catch-up (31 days before 06-01 10:00).
    const digests = county.filter((e) => e.type === 'DailyDigestDue').map((e) => (e.data as { day: string }).day);
    expect([digests.length, digests[0], digests.at(-1)]).toEqual([61, '2019-05-02', '2019-07-01']);
    expect(county.every((e) => e.type === 'DailyDigestDue' || e.type === 'DailyOverdueDigestDue')).toBe(true);
    await app.close();
  });

  it('stopped for ten days, writes on restart exactly what a scheduler running throughout wrote', async () => {
    /** One store fed a script of commands, its scheduler running every three hours except while `down`. */
    async function run(down: [string, string][]) {
      const dir = tempDir();
      const clock = testClock(at('2019-06-01'));
      let app = await open(dir, clock.read);
      const cmd = office_(() => app, clock.read);
      await cmd.units();
      const p = await cmd.raise('P', '2019-06-30');
      const q = await cmd.raise('Q', '2019-06-30');
      const r = await cmd.raise('R', '2019-06-20');
      const isDown = () => down.some(([from, to]) => Date.parse(clock.now) > Date.parse(from) && Date.parse(clock.now) < Date.parse(to));
      let wasDown = false;
      await walk(
        clock,
        at('2019-07-26', '03:00'),
        3,
        async () => {
          if (isDown()) return void (wasDown = true);
          if (wasDown) {
            // A restart: a new process, knowing only what the log holds.
            await app.close();
            app = await open(dir, clock.read);
            wasDown = false;
          }
          await app.scheduler.pass();
        },
        {
          // Extended before its first reminder: the reminders follow the new deadline.
          [at('2019-06-22', '13:00')]: () => cmd.extend(q, '2019-07-10', 'extend-Q'),
          [at('2019-06-16', '13:00')]: () => cmd.close(r, 'R'),
        },
      );
      const events = await scheduled(app.store);
      await app.close();
      return { events, p, q };
    }
    const throughout = await run([]);
    const stopped = await run([
      [at('2019-06-20'), at('2019-06-30')],
      [at('2019-07-06'), at('2019-07-16')],
    ]);
    expect(stopped.events).toEqual(throughout.events);

    const { p, q, events } = throughout;
    const of = (id: string) => summary(events.filter((e) => e.streamId === `schedule-${id}`));
    expect(of(p)).toEqual([
      'DeadlineReminderDue 2019-06-30 2019-06-23T09:00:00.000+08:00',
      'DeadlineReminderDue 2019-06-30 2019-06-27T09:00:00.000+08:00',
      'DeadlineReminderDue 2019-06-30 2019-06-29T09:00:00.000+08:00',
      'DeadlinePassed 2019-06-30 2019-07-01T00:00:00.000+08:00',
      // The automatic 督办 of 07-15 was to be finished by 07-25 (timing.supervisionFinishByDays, 10); no reply came.
      'SupervisionReplyOverdue 2019-07-26T00:00:00.000+08:00',
    ]);
    // Q's deadline moved from 06-30 to 07-10 on 06-22, before its first reminder.
    expect(of(q)).toEqual([
      'DeadlineReminderDue 2019-07-10 2019-07-03T09:00:00.000+08:00',
      'DeadlineReminderDue 2019-07-10 2019-07-07T09:00:00.000+08:00',
      'DeadlineReminderDue 2019-07-10 2019-07-09T09:00:00.000+08:00',
      'DeadlinePassed 2019-07-10 2019-07-11T00:00:00.000+08:00',
    ]);
    // P overdue from 07-01 (提醒) rose to 督办 14 days later, Q from 07-11 on 07-25; each ordered supervision itself.
    const escalations = events.filter((e) => e.type === 'EscalationReached');
    expect(escalations.map((e) => [e.data, e.streamId])).toEqual([
      [
        {
          triggerId: `item_overdue:${p}:2019-06-30`,
          rule: 'item_overdue',
          unitId: T1,
          level: 'supervision',
          problemIds: [p],
          dueAt: '2019-07-15T00:00:00.000+08:00',
        },
        `schedule-unit-${T1}`,
      ],
      [
        {
          triggerId: `item_overdue:${q}:2019-07-10`,
          rule: 'item_overdue',
          unitId: T1,
          level: 'supervision',
          problemIds: [q],
          dueAt: '2019-07-25T00:00:00.000+08:00',
        },
        `schedule-unit-${T1}`,
      ],
    ]);
    const orders = events.filter((e) => e.type === 'SupervisionOrdered');
    expect(orders.map((e) => [e.streamId, e.metadata.commandId, e.metadata.occurredAt])).toEqual([
      [`problem-${p}`, `auto-supervision:item_overdue:${p}:2019-06-30:${p}`, '2019-07-15T00:00:00.000+08:00'],
      [`problem-${q}`, `auto-supervision:item_overdue:${q}:2019-07-10:${q}`, '2019-07-25T00:00:00.000+08:00'],
    ]);
    // Each automatic order names its trigger and a finish-by day ten days after the escalation.
    expect(orders.map((e) => e.data as { triggerId: string; finishBy: string }).map((d) => [d.triggerId, d.finishBy])).toEqual([
      [`item_overdue:${p}:2019-06-30`, '2019-07-25'],
      [`item_overdue:${q}:2019-07-10`, '2019-08-04'],
    ]);
  }, 60_000);

  it('two applications on one store write each event once', async () => {
    const dir = tempDir();
    const clock = testClock(at('2019-06-01'));
    const first = await open(dir, clock.read);
    const second = await open(dir, clock.read);
    const cmd = office_(() => first, clock.read);
    await cmd.units();
    const p = await cmd.raise('P', '2019-06-30');
    for (const when of [at('2019-06-23', '09:30'), at('2019-06-29', '12:00'), at('2019-07-01', '00:00'), at('2019-07-20')]) {
      clock.now = when;
      const [a, b] = await Promise.all([first.scheduler.pass(), second.scheduler.pass()]);
      expect(a.due).toBe(b.due);
    }
    const events = await scheduled(first.store);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(summary(events.filter((e) => e.streamId === `schedule-${p}`))).toEqual([
      'DeadlineReminderDue 2019-06-30 2019-06-23T09:00:00.000+08:00',
      'DeadlineReminderDue 2019-06-30 2019-06-27T09:00:00.000+08:00',
      'DeadlineReminderDue 2019-06-30 2019-06-29T09:00:00.000+08:00',
      'DeadlinePassed 2019-06-30 2019-07-01T00:00:00.000+08:00',
    ]);
    expect(events.filter((e) => e.type === 'SupervisionOrdered')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'EscalationReached')).toHaveLength(1);
    // 月通报: June ended at 07-01 00:00 in both processes' passes; its bulletin is published once, by the scheduler, dated then.
    const published = (await first.store.readStream('bulletin-2019-06')).map((e) => [
      e.type,
      e.metadata.actor.userId,
      e.metadata.occurredAt,
    ]);
    expect(published).toEqual([['BulletinPublished', 'scheduler', '2019-07-01T00:00:00.000+08:00']]);
    expect((await second.bulletins.bulletin('2019-06')).published?.eventId).toBe((await first.store.readStream('bulletin-2019-06'))[0]!.id);
    await second.close();
    await first.close();
  }, 30_000);

  it('a pass another process overlaps halfway writes only what is missing, each event once and in order', async () => {
    const dir = tempDir();
    const clock = testClock(at('2019-06-01'));
    const first = await open(dir, clock.read);
    const cmd = office_(() => first, clock.read);
    await cmd.units();
    const p = await cmd.raise('P', '2019-06-30');
    const q = await cmd.raise('Q', '2019-07-05');
    // Another process, whose clock reads 06-27: its first pass writes P's reminders of 06-23 and 06-27.
    const otherClock = testClock(at('2019-06-27', '09:30'));
    const other = await open(dir, otherClock.read);
    // It writes them between our pass's reading of the log and its append (the store's id check settles it).
    let fallbacks = 0;
    const racing: EventStore = {
      appendMany: async (parts: readonly StreamAppend[]) => {
        if (fallbacks === 0 && parts.some((part) => part.streamId === `schedule-${p}`)) await other.scheduler.pass();
        return first.store.appendMany(parts);
      },
      appendToStream: (...args) => {
        fallbacks += 1;
        return first.store.appendToStream(...args);
      },
      readStream: (...args) => first.store.readStream(...args),
      readAll: (...args) => first.store.readAll(...args),
      subscribeToAll: (...args) => first.store.subscribeToAll(...args),
      headPosition: () => first.store.headPosition(),
      close: async () => {},
    };
    clock.now = at('2019-06-29', '12:00');
    const result = await new Scheduler(racing, first.runner, first.readModels, first.ledger, clock.read).pass();
    expect(fallbacks).toBeGreaterThan(0);
    expect(result.due).toBeGreaterThan(0);

    const events = await scheduled(first.store);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(summary(events.filter((e) => e.streamId === `schedule-${p}`))).toEqual([
      'DeadlineReminderDue 2019-06-30 2019-06-23T09:00:00.000+08:00',
      'DeadlineReminderDue 2019-06-30 2019-06-27T09:00:00.000+08:00',
      'DeadlineReminderDue 2019-06-30 2019-06-29T09:00:00.000+08:00',
    ]);
    expect(summary(events.filter((e) => e.streamId === `schedule-${q}`))).toEqual([
      'DeadlineReminderDue 2019-07-05 2019-06-28T09:00:00.000+08:00',
    ]);
    await other.close();
    await first.close();
  }, 30_000);

  it('a closed item falls due for its 回头看 recheckAfterDays after 销号, and is overdue the day after', async () => {
    const dir = tempDir();
    const clock = testClock(at('2019-06-01'));
    const app = await open(dir, clock.read);
    const cmd = office_(() => app, clock.read);
    await cmd.units();
    const p = await cmd.raise('P', '2019-06-30');
    clock.now = at('2019-06-10');
    await cmd.close(p, 'P');
    // 90 days (the default) after 2019-06-10.
    clock.now = at('2019-09-08', '08:59');
    await app.scheduler.pass();
    clock.now = at('2019-09-08', '09:00');
    await app.scheduler.pass();
    clock.now = at('2019-09-09', '00:00');
    await app.scheduler.pass();
    const events = (await scheduled(app.store)).filter((e) => e.streamId === `schedule-${p}`);
    expect(events.map((e) => e.data)).toEqual([
      { problemId: p, unitId: T1, closedOn: '2019-06-10', dueOn: '2019-09-08', dueAt: '2019-09-08T09:00:00.000+08:00' },
      { problemId: p, unitId: T1, dueOn: '2019-09-08', dueAt: '2019-09-09T00:00:00.000+08:00' },
    ]);
    expect(events.map((e) => e.type)).toEqual(['RecheckDue', 'RecheckOverdue']);
    await app.close();
  });
});

describe('midnight is live', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('pushes the battle map when a deadline passes at the county midnight', async () => {
    const clock = testClock(at('2019-06-30', '20:00'));
    server = await startTestServer({
      clock: clock.read,
      scheduler: false,
      notifications: false,
      checkpoints: false,
      tokenTtlSeconds: 30 * 24 * 3600,
    });
    const app = server;
    const cmd = office_(() => app, clock.read);
    await cmd.units();
    await cmd.raise('P', '2019-06-30');
    await server.scheduler.pass();
    const user = await addUser(server, { roles: ['office'], displayName: '县督查办' });
    const token = await logIn(server, user.login, user.password);
    const gql = async (query: string) => (await server!.gql(query, {}, bearer(token))) as { data: any; errors?: unknown };
    expect((await gql('{ battleMap { tally { overdue { count } } } }')).data.battleMap.tally.overdue.count).toBe(0);

    const stream = await openStream(
      server.url,
      'subscription { battleMapUpdates { ledgerNumber eventType light newTriggers { rule levelLabel } } }',
      bearer(token),
    );
    const next = async () => ((await stream.next()) as { result: { data: any } }).result.data.battleMapUpdates;
    await new Promise((r) => setTimeout(r, 200));
    // Nobody acts; the county's midnight comes.
    clock.now = at('2019-07-01', '00:00');
    const pass = await server.scheduler.pass();
    expect(pass.appended).toBe(1);
    expect(await next()).toMatchObject({
      eventType: 'DeadlinePassed',
      light: 'red',
      newTriggers: [{ rule: 'item_overdue', levelLabel: '提醒' }],
    });
    stream.close();
    expect((await gql('{ battleMap { tally { overdue { count } } } }')).data.battleMap.tally.overdue.count).toBe(1);
  });
});
