import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Application, createApplication } from '../application/index.js';
import { eventIdOf, notificationIdFor } from '../application/notifications/notifier.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import type { EventStore, NewEvent, RecordedEvent, StreamAppend } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { TEST_PASSWORD } from './support/accounts.js';
import { eventually } from './support/receivers.js';

/**
 * The notifier (application/notifications/notifier.ts) records the notifications of the facts
 * pending together in few appends: a scheduler's midnight over many items sets off one commit, not
 * one per fact. Each fact's notifications stay in their own stream with ids from the fact and the
 * recipient, recorded once, also when another process recorded some of them first (then the
 * multi-stream append writes nothing and each stream goes alone).
 */
const office = { userId: 'office-1', name: '县督查办', unitId: null, role: 'supervision_office' };
const T1 = '00000000-0000-4000-8000-000000000001';
const ITEMS = 25;
const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;

const dirs: string[] = [];
const apps: Application[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * An application on a SQLite store in `dir`, its notifier on, its appends counted (notification streams only, but not
 * those of the month's bulletin (月通报) the scheduler publishes at the same midnight: they may come in the same batch or the next).
 */
async function open(dir: string, clock: () => string) {
  const store = await openEventStore({ kind: 'sqlite', dataDir: dir }, schemaCodec(domainEventDefinitions));
  const counts = { appendMany: 0, appendToStream: 0 };
  const isNotifications = (streamId: string, events: readonly NewEvent[]) =>
    streamId.startsWith('notifications-') &&
    streamId !== 'notifications-began' &&
    !events.some((e) => (e.data as { kind?: unknown }).kind === 'bulletin_published');
  const appendMany = store.appendMany.bind(store);
  const appendToStream = store.appendToStream.bind(store);
  const hooks: { beforeAppendMany?: (parts: readonly StreamAppend[]) => Promise<void> } = {};
  store.appendMany = async (parts) => {
    if (parts.some((p) => isNotifications(p.streamId, p.events))) {
      counts.appendMany += 1;
      await hooks.beforeAppendMany?.(parts);
    }
    return appendMany(parts);
  };
  store.appendToStream = async (streamId, events, expected) => {
    if (isNotifications(streamId, events)) counts.appendToStream += 1;
    return appendToStream(streamId, events, expected);
  };
  const app = await createApplication(store, { clock, checkpoints: false, scheduler: false, notifications: { pollMs: 50 } });
  apps.push(app);
  return { app, store, counts, hooks, appendToStream };
}

async function readLog(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let after = -1; ; ) {
    const batch = await store.readAll({ after, maxCount: 1000 });
    if (batch.length === 0) return all;
    all.push(...batch);
    after = batch.at(-1)!.position;
  }
}

/** Waits until the log stops growing: the notifier is done. */
async function settled(store: EventStore): Promise<void> {
  for (let last = -2, head = await store.headPosition(); head !== last; head = await store.headPosition()) {
    last = head;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

/** A unit with its head, and ITEMS items in rectification due on 2019-06-30. */
async function county(app: Application, clock: () => string): Promise<string> {
  const context = (commandId: string) => ({ actor: office, commandId, now: clock });
  await app.ledger.unitCommand({ type: 'RegisterUnit', data: { unitId: T1, name: '磨子潭镇', kind: 'township' } }, context('unit-T1'));
  await app.accounts.register(
    { login: 'head', displayName: '镇长', roles: ['unit_head'], unitId: T1, password: TEST_PASSWORD },
    { actor: office, commandId: 'user-head', now: clock },
  );
  for (let n = 1; n <= ITEMS; n++) {
    await app.ledger.raiseProblem(
      { source: 'county_self_check', category: 'housing', description: `危房改造 ${n}` },
      context(`raise-${n}`),
    );
    const problemId = app.ledger.problemIdFor(`raise-${n}`);
    const problem = (input: unknown, key: string) => app.ledger.problemCommand(input, context(`${key}-${n}`));
    await problem({ type: 'AssignProblem', data: { problemId, responsibleUnitId: T1, responsiblePerson: '镇长' } }, 'assign');
    await problem({ type: 'AcknowledgeAssignment', data: { problemId, acknowledgedBy: '镇长' } }, 'ack');
    await problem({ type: 'SetDeadline', data: { problemId, deadline: '2019-06-30' } }, 'deadline');
  }
  await app.runner.waitFor(await app.store.headPosition());
  return app.accounts.userIdFor('head');
}

/** The deadlines passing at the midnight, and the notification events recorded for them, once the notifier is done. */
async function midnight(app: Application, store: EventStore, headUserId: string) {
  let passed: RecordedEvent[] = [];
  let recorded: RecordedEvent[] = [];
  await eventually(
    async () => {
      const log = await readLog(store);
      passed = log.filter((e) => e.type === 'DeadlinePassed');
      const ids = new Set(passed.map((e) => e.id));
      recorded = log.filter((e) => e.type === 'NotificationRecorded' && ids.has((e.data as { sourceEventId: string }).sourceEventId));
      return passed.length === ITEMS && recorded.length >= ITEMS;
    },
    20_000,
    'the notifications of the deadlines passing',
  );
  await settled(store);
  recorded = (await readLog(store)).filter(
    (e) => e.type === 'NotificationRecorded' && passed.some((p) => p.id === (e.data as { sourceEventId: string }).sourceEventId),
  );
  // Exactly once, each in its fact's stream, with the id that follows from the fact and the recipient.
  expect(recorded).toHaveLength(ITEMS);
  for (const fact of passed) {
    const mine = recorded.filter((e) => e.streamId === `notifications-${fact.id}`);
    expect(mine.map((e) => e.id)).toEqual([eventIdOf(notificationIdFor(fact.id, headUserId), 'recorded')]);
    expect(mine[0]!.revision).toBe(0);
  }
  expect(app.notifications.inbox(headUserId, { first: 1000 }).filter((n) => n.kind === 'deadline_passed')).toHaveLength(ITEMS);
}

describe('the notifier', () => {
  it('records the notifications of a midnight’s facts together: one append for the 25 deadlines passing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-notifier-'));
    dirs.push(dir);
    const clock = { now: at('2019-06-01') };
    const { app, store, counts } = await open(dir, () => clock.now);
    const head = await county(app, () => clock.now);
    clock.now = at('2019-06-30', '12:00');
    await app.scheduler.pass();
    await settled(store);
    counts.appendMany = 0;
    counts.appendToStream = 0;

    clock.now = at('2019-07-01', '00:30');
    expect((await app.scheduler.pass()).appended).toBe(ITEMS);
    await midnight(app, store, head);
    // One append for the midnight's facts, none one by one.
    expect(counts.appendMany).toBe(1);
    expect(counts.appendToStream).toBe(0);
  }, 60_000);

  it('when another process recorded some first, records the rest one by one: each notification once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-notifier-'));
    dirs.push(dir);
    const clock = { now: at('2019-06-01') };
    const { app, store, counts, hooks, appendToStream } = await open(dir, () => clock.now);
    const head = await county(app, () => clock.now);
    clock.now = at('2019-06-30', '12:00');
    await app.scheduler.pass();
    await settled(store);
    counts.appendToStream = 0;

    // Between the notifier's reading and its append, "another process" records the first fact's notifications, as it
    // saw them (another text: the same events would be a no-op of the multi-stream append, by the store's contract).
    let raced = 0;
    hooks.beforeAppendMany = async (parts) => {
      if (raced++ > 0) return;
      const first = parts.find((p) => p.streamId.startsWith('notifications-'))!;
      const theirs = first.events.map((e) => ({ ...e, data: { ...(e.data as object), body: '另一进程所记' } }));
      await appendToStream(first.streamId, theirs, 'no_stream');
    };
    clock.now = at('2019-07-01', '00:30');
    await app.scheduler.pass();
    await midnight(app, store, head);
    expect(raced).toBeGreaterThan(0);
    // The append that met the other's stream wrote nothing; its streams went one by one, the other's left as it was.
    expect(counts.appendToStream).toBe(ITEMS);
    const bodies = (await readLog(store)).filter((e) => e.type === 'NotificationRecorded').map((e) => (e.data as { body: string }).body);
    expect(bodies.filter((b) => b === '另一进程所记')).toHaveLength(1);
  }, 60_000);
});
