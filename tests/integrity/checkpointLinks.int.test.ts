import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readModelProjections } from '../../application/index.js';
import { recordCheckpoint } from '../../eventstore/checkpoints.js';
import { rawStore, storedHash } from '../../eventstore/hashChain.js';
import type { LogLink, RecordedEvent } from '../../eventstore/port.js';
import { SqliteEventStore } from '../../eventstore/sqlite.js';
import { auditTrail } from '../../projections/auditView.js';
import { problemFacts } from '../../projections/problemFacts.js';
import { ReadModels } from '../../projections/readModels.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { MemorySnapshotStore } from '../../projections/snapshots.js';
import { assignThirdProblem, writeSampleLedger } from './sampleLedger.js';

const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-checkpoint-links-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Everything a follow delivers until it has reached `head`, then stops it. */
async function followUntil<T extends { position: number }>(
  head: number,
  follow: (signal: AbortSignal, on: (item: T) => void) => Promise<void>,
): Promise<T[]> {
  const seen: T[] = [];
  const abort = new AbortController();
  await follow(abort.signal, (item) => {
    seen.push(item);
    if (item.position >= head) abort.abort();
  });
  return seen;
}

/** The sample ledger with a checkpoint after its first events and another after one more, in its own folder under `name`. */
async function ledgerWithCheckpoints(name: string) {
  const { store, problems } = await writeSampleLedger(join(dataDir, name));
  await recordCheckpoint(store, { now: '2019-03-21T00:00:00.000Z' });
  await assignThirdProblem(store, problems);
  await recordCheckpoint(store, { now: '2019-03-22T00:00:00.000Z' });
  const raw = rawStore(store) as SqliteEventStore;
  return { store, raw, head: await raw.headPosition() };
}

/**
 * Issue 12: the checkpointer follows SQLite's log as links (`subscribeToLinks`: the chain hash and a checkpoint's position
 * picked out by SQLite, no event parsed). Each link must say what the event itself says, read from the file or from the
 * events this process just appended.
 */
describe('the SQLite store’s links', () => {
  it('given a ledger with checkpoints in it, when it is followed as links, then each link is the event’s stream, revision, position, id, type, chain hash and covered position', async () => {
    const { raw, head } = await ledgerWithCheckpoints('file');

    const events = await followUntil<RecordedEvent>(head, (signal, on) => raw.subscribeToAll({ signal }, on));
    // Read from a second connection: the file's rows, not the events this connection kept from its own appends.
    const reader = new SqliteEventStore(raw.file);
    const links = await followUntil<LogLink>(head, (signal, on) => reader.subscribeToLinks({ signal }, on));
    await reader.close();

    const checkpoints = events.filter((e) => e.streamId === 'checkpoints');
    expect(checkpoints).toHaveLength(2);
    expect(links).toEqual(
      events.map((e) => ({
        id: e.id,
        streamId: e.streamId,
        revision: e.revision,
        position: e.position,
        type: e.type,
        hash: storedHash(e),
        covers: e.streamId === 'checkpoints' ? (e.data as { position: number }).position : null,
      })),
    );
    expect(links.every((l) => typeof l.hash === 'string' && l.hash.length === 64)).toBe(true);
    expect(links.filter((l) => l.covers !== null).map((l) => l.covers)).toEqual([
      checkpoints[0]!.position - 1,
      checkpoints[1]!.position - 1,
    ]);
  });

  it('given events this process just appended, when they are followed as links, then the links are the same as read from the file', async () => {
    const { store, problems } = await writeSampleLedger(join(dataDir, 'kept'));
    const raw = rawStore(store) as SqliteEventStore;
    const from = await raw.headPosition();
    await assignThirdProblem(store, problems);
    await recordCheckpoint(store, { now: '2019-03-22T00:00:00.000Z' });
    const head = await raw.headPosition();

    const kept = await followUntil<LogLink>(head, (signal, on) => raw.subscribeToLinks({ after: from, signal }, on));
    const reader = new SqliteEventStore(raw.file);
    const read = await followUntil<LogLink>(head, (signal, on) => reader.subscribeToLinks({ after: from, signal }, on));
    await reader.close();
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.at(-1)!.covers).toBe(head - 1);
    expect(kept).toEqual(read);
  });

  it('given checkpoints in the file, when a second connection reads and follows the log, then each checkpoint’s data is the one recorded, the same value at every read and in a copy of the event', async () => {
    const { raw, head } = await ledgerWithCheckpoints('data');
    const recorded = (await raw.readAll({ maxCount: 10_000 })).filter((e) => e.streamId === 'checkpoints');

    const reader = new SqliteEventStore(raw.file);
    const followed = (await followUntil<RecordedEvent>(head, (signal, on) => reader.subscribeToAll({ signal }, on))).filter(
      (e) => e.streamId === 'checkpoints',
    );
    const read = (await reader.readAll({ maxCount: 10_000 })).filter((e) => e.streamId === 'checkpoints');
    const unread = (await reader.readAll({ maxCount: 10_000 })).filter((e) => e.streamId === 'checkpoints');

    expect(recorded).toHaveLength(2);
    for (const events of [followed, read]) {
      expect(events).toEqual(recorded);
      expect(events.map((e) => ({ ...e }))).toEqual(recorded);
      expect(JSON.parse(JSON.stringify(events))).toEqual(JSON.parse(JSON.stringify(recorded)));
      for (const e of events) expect(e.data).toBe(e.data);
    }
    expect((read[0]!.data as { moved: unknown[] }).moved.length).toBeGreaterThan(0);
    // Read once, it is kept; never read, it is read from the file, which is closed now: said so.
    await reader.close();
    expect(read[0]!.data).toEqual(recorded[0]!.data);
    expect(() => unread[0]!.data).toThrow(/ask before the store is closed/);
  });

  it('given checkpoints in the file, when a second connection reads their stream forwards and backwards, then each one’s data is parsed only when asked for, and is the one recorded', async () => {
    const { store, raw } = await ledgerWithCheckpoints('stream');
    const recorded = (await raw.readAll({ maxCount: 10_000 })).filter((e) => e.streamId === 'checkpoints');
    const recordedData = recorded.map((e) => e.data);

    const reader = new SqliteEventStore(raw.file);
    const parse = vi.spyOn(JSON, 'parse');
    const checkpointsParsed = () => parse.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('"merkleRoot"'));
    try {
      const forwards = await reader.readStream('checkpoints');
      const [newest] = await reader.readStream('checkpoints', { direction: 'backwards', maxCount: 1 });
      expect(forwards.map((e) => e.revision)).toEqual([0, 1]);
      expect(newest!.position).toBe(recorded[1]!.position);
      expect(checkpointsParsed()).toEqual([]);
      expect(forwards.map((e) => e.data)).toEqual(recordedData);
      expect(newest!.data).toEqual(recordedData[1]);
      expect(checkpointsParsed()).toHaveLength(3);
    } finally {
      parse.mockRestore();
      await reader.close();
      await store.close();
    }
  });

  it('given a log whose last event is a checkpoint, when a second connection reads that one event (as a snapshot’s check of its position does), then neither its data nor its metadata is read until asked for, and both are the ones recorded', async () => {
    const { store, raw, head } = await ledgerWithCheckpoints('last');
    const [recorded] = await raw.readAll({ after: head - 1, maxCount: 1 });
    expect(recorded!.streamId).toBe('checkpoints');

    const reader = new SqliteEventStore(raw.file);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const [atHead] = await reader.readAll({ after: head - 1, maxCount: 1 });
      const [unread] = await reader.readAll({ after: head - 1, maxCount: 1 });
      expect([atHead!.position, atHead!.id, atHead!.type]).toEqual([head, recorded!.id, recorded!.type]);
      expect(parse).not.toHaveBeenCalled();
      expect(atHead!.metadata).toEqual(recorded!.metadata);
      expect(atHead!.data).toEqual(recorded!.data);
      // Never asked for, the other read's metadata is read from the file, which is closed now: said so.
      await reader.close();
      expect(atHead!.metadata).toEqual(recorded!.metadata);
      expect(() => unread!.metadata).toThrow(/ask before the store is closed/);
    } finally {
      parse.mockRestore();
      await reader.close();
      await store.close();
    }
  });

  it('given checkpoints in the file, when a second connection follows the links, then each checkpoint’s hash and covered position come from the copy written beside it (not through its data’s pages), its events from its row; a checkpoint without a copy is read from its row, and one appended before the copies existed gets its copy at the next open', async () => {
    const { store, raw, head } = await ledgerWithCheckpoints('beside');
    const recorded = (await raw.readAll({ maxCount: 10_000 })).filter((e) => e.streamId === 'checkpoints');
    const [first, second] = recorded as [RecordedEvent, RecordedEvent];
    const covers = (e: RecordedEvent) => (e.data as { position: number }).position;
    const copies = (db: Database.Database) => db.prepare('SELECT position, hash, covers FROM checkpoint_links ORDER BY position').all();
    const checkpointLinks = async (reader: SqliteEventStore) =>
      (await followUntil<LogLink>(head, (signal, on) => reader.subscribeToLinks({ signal }, on)))
        .filter((l) => l.streamId === 'checkpoints')
        .map(({ position, hash, covers }) => ({ position, hash, covers }));
    const db = new Database(raw.file);
    const reader = new SqliteEventStore(raw.file);
    try {
      // Written by each checkpoint's own insert.
      expect(copies(db)).toEqual(recorded.map((e) => ({ position: e.position, hash: storedHash(e), covers: covers(e) })));
      // The copy is what the links say (changed here by hand, as nothing else does); without one, the row is read.
      db.prepare(`UPDATE checkpoint_links SET hash = 'beside', covers = -1 WHERE position = ?`).run(first.position);
      db.prepare('DELETE FROM checkpoint_links WHERE position = ?').run(second.position);
      expect(await checkpointLinks(reader)).toEqual([
        { position: first.position, hash: 'beside', covers: -1 },
        { position: second.position, hash: storedHash(second), covers: covers(second) },
      ]);
      // The events themselves, and so verification, are read from their rows.
      const read = (await reader.readAll({ maxCount: 10_000 })).filter((e) => e.streamId === 'checkpoints');
      expect(read.map((e) => e.metadata)).toEqual(recorded.map((e) => e.metadata));
      // A file whose checkpoints have no copies (appended before there were any): copied at the next open.
      db.prepare('DELETE FROM checkpoint_links').run();
      await new SqliteEventStore(raw.file).close();
      expect(copies(db)).toEqual(recorded.map((e) => ({ position: e.position, hash: storedHash(e), covers: covers(e) })));
    } finally {
      db.close();
      await reader.close();
      await store.close();
    }
  });

  it('given checkpoints in the file and the read models’ snapshots, when a restarted server’s as-of history folds the log again from a second connection, or a cold start’s read models do, or their as-of replays, then no checkpoint’s data or metadata is read', async () => {
    const { store, raw } = await ledgerWithCheckpoints('history-restart');
    let snapshots = new MemorySnapshotStore();
    const audit = auditTrail(join(dataDir, 'history-restart-audit.sqlite'));
    const serve = async (reader: SqliteEventStore) => {
      const runner = new ProjectionRunner(reader, readModelProjections(audit), { snapshots, log: () => undefined });
      const readModels = new ReadModels(reader, runner, { historyEvery: 2 });
      await runner.start();
      await readModels.historyReady();
      return { runner, readModels };
    };
    const firstReader = new SqliteEventStore(raw.file);
    const first = await serve(firstReader);
    first.readModels.stop();
    await first.runner.stop();
    await firstReader.close();

    // The second start restores the read models (the audit trail's table is current) and its history, saved nowhere,
    // folds the whole log from the file: every checkpoint read afresh.
    const reader = new SqliteEventStore(raw.file);
    const columnsRead = vi.spyOn(
      reader as unknown as { checkpointColumn: (position: number, column: string) => string },
      'checkpointColumn',
    );
    try {
      const second = await serve(reader);
      expect(second.runner.startedFrom(problemFacts)).toBe(first.runner.position);
      expect(columnsRead.mock.calls).toEqual([]);
      second.readModels.stop();
      await second.runner.stop();
      // Cold: no snapshots, so every read model but the audit trail (its table current) takes every event.
      snapshots = new MemorySnapshotStore();
      const cold = await serve(reader);
      expect(cold.runner.startedFrom(problemFacts)).toBe(-1);
      expect(cold.runner.position).toBe(first.runner.position);
      expect(columnsRead.mock.calls).toEqual([]);
      // Nor the as-of answers' replays over them: as of an instant after the first checkpoint, and after the event before the last.
      const asOf = await cold.readModels.factsAsOf('2019-03-21T12:00:00.000Z');
      expect([...asOf.problems.values()].filter((p) => p.assignedOn !== null)).toHaveLength(2);
      await cold.readModels.factsAtPosition(cold.runner.position - 1);
      expect(columnsRead.mock.calls).toEqual([]);
      cold.readModels.stop();
      await cold.runner.stop();
    } finally {
      audit.close();
      await reader.close();
      await store.close();
    }
  });

  it('given checkpoints in the file, when the read models and their as-of history fold it from a second connection, then no checkpoint’s data is parsed (none of the application’s read models reads it)', async () => {
    const { store, raw, head } = await ledgerWithCheckpoints('history');

    const reader = new SqliteEventStore(raw.file);
    const parse = vi.spyOn(JSON, 'parse');
    const checkpointsParsed = () => parse.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('"merkleRoot"'));
    try {
      const audit = auditTrail(join(dataDir, 'history-audit.sqlite'));
      const runner = new ProjectionRunner(reader, readModelProjections(audit));
      const readModels = new ReadModels(reader, runner, { historyEvery: 2 });
      await runner.start();
      await readModels.historyReady();
      expect(runner.position).toBe(head);
      expect(checkpointsParsed()).toEqual([]);
      readModels.stop();
      await runner.stop();
      audit.close();
      // The spy sees a checkpoint's data when it is read.
      const [checkpoint] = (await reader.readAll({ maxCount: 10_000 })).filter((e) => e.streamId === 'checkpoints');
      expect(checkpoint!.data).toMatchObject({ merkleRoot: expect.any(String) });
      expect(checkpointsParsed()).toHaveLength(1);
    } finally {
      parse.mockRestore();
      await reader.close();
      await store.close();
    }
  });
});
