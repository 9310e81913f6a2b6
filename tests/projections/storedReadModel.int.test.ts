import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import { SqliteEventStore } from '../../eventstore/sqlite.js';
import { createApplication } from '../../application/index.js';
import { domainEventDefinitions } from '../../domain/index.js';
import { openEventStore, sqliteFile } from '../../eventstore/index.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { AuditTrail, auditEntries, auditTrail, auditView } from '../../projections/auditView.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { MemorySnapshotStore } from '../../projections/snapshots.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { auditIndexes } from '../support/auditIndexes.js';
import { generateCounty, uuidOf } from '../support/countyLog.js';

/**
 * A read model kept in the node's read-model database (the audit trail) is a projection like the
 * others: its rows and position survive a restart, so the runner goes on from there; a rebuild, a
 * new version of it or another log empties it and it is built again, to the same answers.
 */
const county = generateCounty({ problems: 300 });
const dir = mkdtempSync(join(tmpdir(), 'taizhang-stored-'));
const file = join(dir, 'read-models.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function storeWith(entries: typeof county.entries) {
  const store = new MemoryEventStore();
  for (const { streamId, event } of entries) await store.appendToStream(streamId, [event], 'any');
  return store;
}

describe('a projection kept in the read-model database', () => {
  const half = Math.floor(county.entries.length / 2);
  let everything: Awaited<ReturnType<typeof auditEntries>> = [];

  it('goes on from where it stood after a restart, to the answers of one fold from the first event', async () => {
    const store = await storeWith(county.entries.slice(0, half));
    const first = auditTrail(file);
    const before = new ProjectionRunner(store, [ledgerView, first], { snapshots: new MemorySnapshotStore() });
    await before.start();
    await before.stop();
    first.close();
    // Filled from nothing, without its indexes; the runner, once caught up, had the thread build them.
    expect(auditIndexes(file)).toEqual(['audit_by_time', 'audit_by_unit', 'audit_by_user']);
    for (const { streamId, event } of county.entries.slice(half)) await store.appendToStream(streamId, [event], 'any');

    const applied: number[] = [];
    const again = auditTrail(file);
    const counting = {
      ...again,
      apply: (view: Parameters<typeof again.apply>[0], e: Parameters<typeof again.apply>[1]) => {
        applied.push(e.position);
        again.apply(view, e);
      },
    };
    const after = new ProjectionRunner(store, [ledgerView, counting]);
    await after.start();
    // Only the second half was applied to it: the first came back from its file.
    expect(applied[0]).toBe(half);
    expect(applied).toHaveLength(county.entries.length - half);
    everything = await auditEntries(after.state(again), { limit: 100_000 });
    expect(everything.map((e) => e.position)).toEqual([...county.entries.keys()].reverse());

    const fresh = auditTrail();
    const whole = new ProjectionRunner(store, [fresh]);
    await whole.start();
    expect(await auditEntries(whole.state(fresh), { limit: 100_000 })).toEqual(everything);
    await whole.stop();
    fresh.close();

    // A rebuild empties it and folds it again from the first event.
    applied.length = 0;
    await after.rebuild();
    expect(applied[0]).toBe(0);
    expect(await auditEntries(after.state(again), { limit: 100_000 })).toEqual(everything);
    await after.stop();
    again.close();
  });

  it('is emptied and rebuilt for another version of it, or for another log', async () => {
    const store = await storeWith(county.entries);
    const newer = auditTrail(file);
    newer.version += 1;
    const messages: string[] = [];
    const runner = new ProjectionRunner(store, [newer], { log: (m) => messages.push(m) });
    await runner.start();
    expect(messages).toEqual([expect.stringContaining('does not match')]);
    expect(await auditEntries(runner.state(newer), { limit: 100_000 })).toEqual(everything);
    await runner.stop();
    newer.close();

    // The same positions, other events (a replaced database): the event at its position is not the one it holds.
    const other = await storeWith(
      county.entries.map(({ streamId, event }) => ({ streamId, event: { ...event, id: event.id.replace(/^0000000e/, '0000000f') } })),
    );
    const trail = auditTrail(file);
    const onOther = new ProjectionRunner(other, [trail], { log: (m) => messages.push(m) });
    await onOther.start();
    expect(messages).toHaveLength(2);
    const otherEntries = await auditEntries(onOther.state(trail), { limit: 100_000 });
    expect(otherEntries).toHaveLength((await other.headPosition()) + 1);
    await onOther.stop();
    trail.close();
  });
});

describe('the audit trail on a log kept in a SQLite file', () => {
  // The county's events, and some with what the table keeps apart: an offset in occurredAt, an actor seen before with
  // other fields (another name, another unit).
  const offsets = county.entries.slice(0, 3).map(({ streamId, event }, i) => ({
    streamId: `${streamId}-again`,
    event: {
      ...event,
      id: event.id.replace(/^0000000e/, '0000000a'),
      metadata: {
        ...event.metadata,
        occurredAt: '2019-07-01T09:00:00+08:00',
        actor:
          i === 0
            ? { ...event.metadata.actor, name: '改名以后' }
            : i === 1
              ? { ...event.metadata.actor, unitId: 'unit-elsewhere' }
              : event.metadata.actor,
      },
    },
  }));
  const entries = [...offsets, ...county.entries];
  const half = Math.floor(entries.length / 2);
  const sqliteDir = mkdtempSync(join(tmpdir(), 'taizhang-fill-'));
  afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));

  it('given a start on the file, when the trail is behind the head, then its thread reads the events there itself, to the entries of a trail given every event, and goes on from there live and after a restart', async () => {
    const store = new SqliteEventStore(join(sqliteDir, 'log.sqlite'), undefined, { synchronous: 'OFF' });
    for (const { streamId, event } of entries.slice(0, half)) await store.appendToStream(streamId, [event], 'any');
    expect(store.logFile).toBe(join(sqliteDir, 'log.sqlite'));
    const firstHead = await store.headPosition();

    // Given every event by the runner (no file named): the entries to match.
    const given = auditTrail(join(sqliteDir, 'given.sqlite'));
    const byEvent = new ProjectionRunner(store, [given]);
    await byEvent.start();

    const applied: number[] = [];
    const filled = auditTrail(join(sqliteDir, 'filled.sqlite'));
    const counting = {
      ...filled,
      apply: (view: Parameters<typeof filled.apply>[0], e: Parameters<typeof filled.apply>[1]) => {
        applied.push(e.position);
        filled.apply(view, e);
      },
    };
    const fromFile = new ProjectionRunner(store, [ledgerView, counting], { logFile: store.logFile });
    const firstFill = vi.spyOn(filled.initial(), 'fillFromLog');
    await fromFile.start();
    expect(firstFill.mock.calls).toEqual([[store.logFile, -1, firstHead]]);
    // Not one of the events up to the head was applied on this thread; the ledger, beside it, took them all.
    expect(applied).toEqual([]);
    expect(fromFile.startedFrom(counting)).toBe(firstHead);
    expect(fromFile.startedFrom(ledgerView)).toBe(-1);
    const byEventEntries = await auditEntries(byEvent.state(given), { limit: 100_000 });
    expect(byEventEntries).toHaveLength(half);
    expect(await auditEntries(fromFile.state(counting), { limit: 100_000 })).toEqual(byEventEntries);
    expect(fromFile.state(counting).kept()).toEqual(byEvent.state(given).kept());

    // Live, the events after the head are applied as they come.
    for (const { streamId, event } of entries.slice(half)) await store.appendToStream(streamId, [event], 'any');
    const head = await store.headPosition();
    await fromFile.waitFor(head);
    await byEvent.waitFor(head);
    expect(applied).toHaveLength(entries.length - half);
    expect(applied[0]).toBe(firstHead + 1);
    expect(applied.at(-1)).toBe(head);
    const whole = await auditEntries(byEvent.state(given), { limit: 100_000 });
    expect(whole).toHaveLength(entries.length);
    expect(await auditEntries(fromFile.state(counting), { limit: 100_000 })).toEqual(whole);
    await fromFile.stop();
    filled.close();

    // After a restart, it goes on from where it stood: filled from the file only past its position.
    for (const { streamId, event } of county.entries.slice(0, 5))
      await store.appendToStream(`${streamId}-later`, [{ ...event, id: event.id.replace(/^0000000e/, '0000000b') }], 'any');
    const again = auditTrail(join(sqliteDir, 'filled.sqlite'));
    const restarted = new ProjectionRunner(store, [again], { logFile: store.logFile });
    const secondFill = vi.spyOn(again.initial(), 'fillFromLog');
    await restarted.start();
    expect(secondFill.mock.calls).toEqual([[store.logFile, head, head + 5]]);
    expect(restarted.startedFrom(again)).toBe(head + 5);
    await byEvent.waitFor(head + 5);
    expect(await auditEntries(restarted.state(again), { limit: 100_000 })).toEqual(
      await auditEntries(byEvent.state(given), { limit: 100_000 }),
    );
    await restarted.stop();
    again.close();
    await byEvent.stop();
    given.close();
    await store.close();
  });

  it("given an application on the SQLite store (wrapped in its hash chain and observer), when it starts, then its audit trail is filled from the log's file", async () => {
    const dataDir = join(sqliteDir, 'application');
    const store = await openEventStore({ kind: 'sqlite', dataDir }, schemaCodec(domainEventDefinitions));
    for (const { streamId, event } of county.entries.slice(0, 50)) await store.appendToStream(streamId, [event], 'any');
    const head = await store.headPosition();
    const fill = vi.spyOn(AuditTrail.prototype, 'fillFromLog');
    try {
      const application = await createApplication(store, {
        checkpoints: false,
        notifications: false,
        scheduler: false,
        readModelDatabase: join(dataDir, 'read-models.sqlite'),
      });
      expect(fill.mock.calls).toEqual([[sqliteFile(dataDir), -1, head]]);
      expect(await auditEntries(application.runner.state(auditView), { limit: 10 })).toHaveLength(10);
      await application.close();
    } finally {
      fill.mockRestore();
    }
  });

  it('given a first start on the file, when its catch-up is not done yet, then the trail is not filled until it is (or until a page asks for it), and then holds every event', async () => {
    const store = new SqliteEventStore(join(sqliteDir, 'waits.sqlite'), undefined, { synchronous: 'OFF' });
    const events = entries.slice(0, 40);
    for (const { streamId, event } of events) await store.appendToStream(streamId, [event], 'any');
    const head = await store.headPosition();
    const fill = vi.spyOn(AuditTrail.prototype, 'fillFromLog');
    try {
      const starts = async (askForAPage: boolean) => {
        const trail = auditTrail(join(sqliteDir, `waits-${askForAPage}.sqlite`));
        const runner = new ProjectionRunner(store, [ledgerView, trail], { logFile: store.logFile });
        // The catch-up held before its last event, as a slow one is.
        let holding!: () => void;
        const held = new Promise<void>((resolve) => {
          holding = resolve;
        });
        let release!: () => void;
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        runner.onApplied((event) => {
          if (event.position !== head - 1) return;
          holding();
          return released;
        });
        const started = runner.start();
        await held;
        const filling = fill.mock.results.at(-1)!.value as Promise<void>;
        let filled = false;
        void filling.then(() => {
          filled = true;
        });
        // A fill of 40 events takes milliseconds: given a second, it would be done if it did not wait.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        if (askForAPage) {
          // A page asked for meanwhile begins the fill, and sees every event up to the head.
          expect(await auditEntries(runner.state(trail), { limit: 100_000 })).toHaveLength(events.length);
          expect(filled).toBe(true);
        } else expect(filled).toBe(false);
        release();
        await started;
        await filling;
        expect(await auditEntries(runner.state(trail), { limit: 100_000 })).toHaveLength(events.length);
        await runner.stop();
        trail.close();
      };
      await starts(false);
      await starts(true);
      expect(fill.mock.calls).toEqual([
        [store.logFile, -1, head],
        [store.logFile, -1, head],
      ]);
    } finally {
      fill.mockRestore();
      await store.close();
    }
  });

  it('given a fill not done, when the trail closes, then it stops there, keeping every event up to its last row and none after, and the next start fills the rest', async () => {
    const store = new SqliteEventStore(join(sqliteDir, 'closing.sqlite'), undefined, { synchronous: 'OFF' });
    const actor = { userId: 'office', name: '县督查办', unitId: null, role: 'office' };
    // Sixty thousand events: a fill of twelve chunks, of more than a commit's rows, taking a fair fraction of a second.
    const noted = (n: number) => {
      const id = uuidOf(n, 0xc);
      const metadata = {
        actor,
        commandId: id,
        correlationId: id,
        causationId: id,
        occurredAt: '2026-03-01T08:00:00.000Z',
        schemaVersion: 1,
      };
      return { id, type: 'Noted', data: {}, metadata };
    };
    for (let s = 0; s < 120; s++)
      await store.appendToStream(
        `closing-${s}`,
        Array.from({ length: 500 }, (_, i) => noted(s * 500 + i + 1)),
        'any',
      );
    const head = await store.headPosition();
    const logFile = store.logFile!;
    const trailFile = join(sqliteDir, 'closing-audit.sqlite');
    const positions = async (trail: AuditTrail) => (await trail.entries({ limit: 100_000 })).map((entry) => entry.position).reverse();
    const upTo = async (last: number) =>
      (await store.readAll({ after: -1, maxCount: 100_000 })).filter((e) => e.position <= last).map((e) => e.position);

    // Closed before the start let it begin: nothing read, nothing committed.
    const first = new AuditTrail(trailFile, 3);
    const waiting = first.fillFromLog(logFile, -1, head);
    first.close();
    await waiting;
    const second = new AuditTrail(trailFile, 3);
    expect(second.storedAt()).toBeNull();

    // Closed while it runs (begun a moment before), with an event posted after the head: the table stops short of the
    // head, holds every event up to its last row, and not the one posted after the fill (a gap before it otherwise).
    const running = second.fillFromLog(logFile, -1, head);
    await store.appendToStream('closing-after', [noted(60_001)], 'any');
    const [after] = await store.readAll({ after: head, maxCount: 1 });
    second.apply(after!);
    second.caughtUp();
    await new Promise((resolve) => setTimeout(resolve, 30));
    second.close();
    await running;
    // Closed, it says so to a page asked after it, rather than leaving it waiting.
    await expect(second.entries({ limit: 1 })).rejects.toThrow('The audit trail is closed');
    // The indexes are not built over the rows of a fill cut short: the next start's fill would keep them row by row.
    expect(auditIndexes(trailFile)).toEqual([]);
    const third = new AuditTrail(trailFile, 3);
    const stopped = third.storedAt()?.position ?? -1;
    expect(stopped).toBeLessThan(head);
    expect(await positions(third)).toEqual(await upTo(stopped));

    // The next start fills it from there, to every event.
    const rest = third.fillFromLog(logFile, stopped, head + 1);
    third.caughtUp();
    await rest;
    expect(third.storedAt()?.position).toBe(head + 1);
    expect(await positions(third)).toEqual(await upTo(head + 1));
    third.close();
    expect(auditIndexes(trailFile)).toEqual(['audit_by_time', 'audit_by_unit', 'audit_by_user']);
    await store.close();
  });

  it('given a log whose file ends before the head it is to be filled up to, when a start fills the trail, then the start fails saying so, and the trail fails every later call', async () => {
    const file = join(sqliteDir, 'short.sqlite');
    const store = new SqliteEventStore(file, undefined, { synchronous: 'OFF' });
    for (const { streamId, event } of entries.slice(0, 20)) await store.appendToStream(streamId, [event], 'any');
    const head = await store.headPosition();
    // A head past the file's last event: as if the file the trail reads were not the log the runner follows.
    const further = Object.assign(Object.create(store) as SqliteEventStore, { headPosition: async () => head + 10 });
    const trail = auditTrail(join(sqliteDir, 'short-audit.sqlite'));
    const runner = new ProjectionRunner(further, [ledgerView, trail], { logFile: file });
    await expect(runner.start()).rejects.toThrow(`ends at position ${head}, before ${head + 10}`);
    expect(() => runner.state(trail).kept()).toThrow(`ends at position ${head}`);
    await runner.stop();
    await store.close();
  });
});
