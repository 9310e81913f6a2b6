import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Decider } from '../domain/shared/decider.js';
import { currentState, handleCommand } from '../eventstore/commandHandler.js';
import { HashChainedEventStore } from '../eventstore/hashChain.js';
import { DuplicateEventIdError, type NewEvent, type RecordedEvent, WrongExpectedRevisionError, writtenBy } from '../eventstore/port.js';
import { prepareData } from '../eventstore/preparedData.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { eventStoreContract } from './eventstore.contract.js';

const NOW = '2025-01-02T11:04:05+08:00';
const files: string[] = [];
/** A fresh database file under the OS temp folder, removed (with its WAL) when the file's tests end. */
function tempFile(): string {
  const file = join(tmpdir(), `taizhang-test-${randomUUID()}.sqlite`);
  files.push(file);
  return file;
}
afterAll(() => {
  for (const file of files) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
});

eventStoreContract('sqlite', (codec) => new SqliteEventStore(tempFile(), codec), {
  readsLinks: (written) => new SqliteEventStore((written as SqliteEventStore).file),
});

describe('sqlite event store on disk', () => {
  const open: SqliteEventStore[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  const event = (n: number): NewEvent => ({
    id: randomUUID(),
    type: 'ThingHappened',
    data: { n },
    metadata: {
      actor: { userId: 'u-1', name: '张三', unitId: null, role: 'clerk' },
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: '2025-01-02T03:04:05.000Z',
      schemaVersion: 1,
    },
  });

  it('keeps acknowledged events across close and reopen', async () => {
    const file = tempFile();
    const first = new SqliteEventStore(file);
    const appended = [event(1), event(2)];
    const result = await first.appendToStream('durable', appended, 'no_stream');
    await first.close();

    const reopened = new SqliteEventStore(file);
    open.push(reopened);
    expect((await reopened.readStream('durable')).map((e) => e.id)).toEqual(appended.map((e) => e.id));
    expect(await reopened.headPosition()).toBe(result.position);
    expect((await reopened.appendToStream('durable', [event(3)], 1)).nextExpectedRevision).toBe(2);
  });

  it('takes a lease on its writer thread: while another connection holds the write lock, the event loop turns and the lease waits for it', async () => {
    const file = tempFile();
    const store = new SqliteEventStore(file, (e) => e);
    open.push(store);
    await store.appendToStream('s-1', [event(1)], 'no_stream');
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    let settled: string | undefined;
    const taking = store.acquireLease('once-only-work', 'node-a', 30).then(
      (lease) => (settled = `held by ${lease.holder}`),
      (error: Error) => (settled = `failed: ${error.message}`),
    );
    // A write on the main thread would hold the loop here until its busy timeout (5 s), then fail: no turn would come first.
    let turns = 0;
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10, turns++));
    expect(turns).toBe(5);
    expect(settled).toBeUndefined();
    blocker.exec('COMMIT');
    blocker.close();
    await taking;
    expect(settled).toBe('held by node-a');
    expect((await store.acquireLease('once-only-work', 'node-b', 30)).holder).toBe('node-a');
    await store.releaseLease('once-only-work', 'node-a');
    expect((await store.acquireLease('once-only-work', 'node-b', 30)).holder).toBe('node-b');
  });

  it('closes while a lease is on its way, in a process with nothing else to keep it alive; asked after, a lease is refused', async () => {
    const file = tempFile();
    // A process of its own: the test runner keeps its own alive, so the writer thread's ref is what is tested here.
    const script = `
      import { SqliteEventStore } from ${JSON.stringify(join(process.cwd(), 'eventstore/sqlite.ts'))};
      const store = new SqliteEventStore(${JSON.stringify(file)}, (e) => e);
      const taking = store.acquireLease('once-only-work', 'node-a', 30).then((l) => console.log('held by ' + l.holder));
      await store.close();
      await taking;
      console.log('closed');
      await store.acquireLease('once-only-work', 'node-b', 30).then(() => console.log('taken after close'), (e) => console.log(e.message));
    `;
    const scriptFile = `${file}.mts`;
    files.push(scriptFile);
    writeFileSync(scriptFile, script);
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', scriptFile], (error, stdout) =>
        resolve({ stdout, code: error ? ((error as { code?: number }).code ?? 1) : 0 }),
      );
    });
    expect(stdout.trim().split('\n')).toEqual(['held by node-a', 'closed', 'The SQLite event store is closed.']);
    expect(code).toBe(0);
  });

  it('runs with a WAL journal and synchronous=FULL, so an acknowledged append is on disk', () => {
    const store = new SqliteEventStore(tempFile());
    open.push(store);
    expect(store.pragmas()).toEqual({ journalMode: 'wal', synchronous: 2 });
  });

  it('commits appends sent together in one group, where a wrong expected revision or a re-used id fails only its own append', async () => {
    const file = tempFile();
    const store = new SqliteEventStore(file);
    open.push(store);
    const stored = event(0);
    await store.appendToStream('a', [event(1)], 'no_stream');
    await store.appendToStream('d', [stored], 'no_stream');
    const before = { ...store.groupCommits };

    // Sent in one turn of the event loop: they wait for the same commit.
    const good1 = [event(2)];
    const good2 = [event(3), event(4)];
    const good3 = [event(5)];
    const outcomes = await Promise.allSettled([
      store.appendToStream('g1', good1, 'no_stream'),
      store.appendToStream('a', [event(6)], 5),
      store.appendToStream('g2', good2, 'no_stream'),
      store.appendToStream('d2', [{ ...stored, data: { n: 99 } }], 'no_stream'),
      store.appendToStream('a', good3, 0),
    ]);

    expect(store.groupCommits).toEqual({ commits: before.commits + 1, appends: before.appends + 5 });
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ streamId: 'a', expected: 5, actual: 0 });
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
    expect((outcomes[4] as PromiseFulfilledResult<{ nextExpectedRevision: number }>).value.nextExpectedRevision).toBe(1);

    // What another connection reads: the three good appends, nothing of the two refused.
    const reader = new SqliteEventStore(file);
    open.push(reader);
    const ids = async (stream: string) => (await reader.readStream(stream)).map((e) => e.id);
    expect(await ids('g1')).toEqual(good1.map((e) => e.id));
    expect(await ids('g2')).toEqual(good2.map((e) => e.id));
    expect((await ids('a')).slice(1)).toEqual(good3.map((e) => e.id));
    expect(await ids('d2')).toEqual([]);
    expect((await reader.readStream('d')).map((e) => e.data)).toEqual([{ n: 0 }]);
  });

  it('a follower handed what this process just wrote still gets what another process wrote in between, once each, in order, as stored', async () => {
    const file = tempFile();
    const ours = new SqliteEventStore(file);
    const theirs = new SqliteEventStore(file);
    open.push(ours, theirs);
    const controller = new AbortController();
    const seen: RecordedEvent[] = [];
    let wanted = 0;
    let reached = () => {};
    const following = ours.subscribeToAll({ signal: controller.signal }, (e) => {
      seen.push(e);
      if (seen.length === wanted) reached();
    });
    const seenAll = (count: number) =>
      new Promise<void>((resolve) => {
        wanted = count;
        reached = resolve;
        if (seen.length >= count) resolve();
      });

    // Ours, theirs, ours, ours together, theirs, ours: the follower is woken by our appends only.
    await ours.appendToStream('o', [event(1)], 'no_stream');
    await seenAll(1);
    await theirs.appendToStream('t', [event(2)], 'no_stream');
    await ours.appendToStream('o', [event(3)], 0);
    await Promise.all([ours.appendToStream('o2', [event(4), event(5)], 'no_stream'), ours.appendToStream('o', [event(6)], 1)]);
    await theirs.appendToStream('t', [event(7)], 0);
    await ours.appendToStream('o', [event(8)], 2);
    await seenAll(8);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await following;

    const stored = await new SqliteEventStore(file).readAll({ after: -1, maxCount: 100 });
    expect(stored).toHaveLength(8);
    expect(seen).toEqual(stored);
  });

  it('given a follower catching up from the file whose events turn slow to decode, then its reads end at their time, not at a size learnt from the fast ones (issue 12, aim 3)', async () => {
    const file = tempFile();
    const writer = new SqliteEventStore(file);
    for (let i = 0; i < 20; i++)
      await writer.appendToStream(
        `s-${i}`,
        Array.from({ length: 100 }, (_, n) => event(i * 100 + n)),
        'no_stream',
      );
    await writer.close();
    // The first 1,000 events decode at once, the next 1,000 take 0.5 ms each (as when the collector's marking steps begin).
    let decoded = 0;
    let slow = 0;
    const store = new SqliteEventStore(file, (e) => {
      if (++decoded > 1000) {
        const until = performance.now() + 0.5;
        while (performance.now() < until);
        slow++;
      }
      return e;
    });
    open.push(store);
    const slowPerTurn: number[] = [];
    let lastTurn = 0;
    const controller = new AbortController();
    const tick = () => {
      slowPerTurn.push(slow - lastTurn);
      lastTurn = slow;
      if (!controller.signal.aborted) setImmediate(tick);
    };
    setImmediate(tick);
    let seen = 0;
    try {
      await store.subscribeToAll({ signal: controller.signal }, () => {
        if (++seen === 2000) controller.abort();
      });
    } finally {
      controller.abort();
    }
    expect(seen).toBe(2000);
    expect(slow).toBe(1000);
    // A read looks at its clock every 64 rows: never more slow events in a turn than that, where a read sized from the
    // fast ones (4 ms of them: hundreds) decoded them all in one turn.
    expect(Math.max(...slowPerTurn)).toBeLessThanOrEqual(64);
  });

  it('given a follower of the chained store, when this process appends, then each event written passes the codec once, the follower going on first (issue 12: parse an event once; both orders in hashChainDecoded.unit.test.ts)', async () => {
    const parsed = new Map<string, number>();
    const store = new HashChainedEventStore(new SqliteEventStore(tempFile()), (e) => {
      parsed.set(e.id, (parsed.get(e.id) ?? 0) + 1);
      return { ...e, data: { ...(e.data as object) } };
    });
    // The log's first event before the follower: a follow from the log's start finds it by reading the file (positions
    // start at 1), not among what the append kept.
    const { position: first } = await store.appendToStream('s', [event(-1)], 'no_stream');
    parsed.clear();
    const controller = new AbortController();
    const seen: RecordedEvent[] = [];
    let reached = () => {};
    const following = store.subscribeToAll({ after: first, signal: controller.signal }, (e) => {
      seen.push(e);
      if (seen.length === 6) reached();
    });
    const seenAll = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const written: RecordedEvent[] = [];
    for (let n = 0; n < 3; n++) {
      const result = await store.appendToStream('s', [event(2 * n), event(2 * n + 1)], 2 * n);
      written.push(...(writtenBy(result) ?? []));
    }
    await seenAll;
    controller.abort();
    await following;
    expect(seen.map((e) => e.data)).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ n })));
    // The follower and the append's caller are handed the same decoded events.
    expect(seen).toHaveLength(written.length);
    for (const [i, e] of seen.entries()) expect(e).toBe(written[i]);
    expect([...parsed.values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a fold found current is read again once another process appended to its stream', async () => {
    const file = tempFile();
    const ours = new SqliteEventStore(file);
    const theirs = new SqliteEventStore(file);
    open.push(ours, theirs);
    const counter: Decider<number, never, { type: string; data: unknown }> = {
      initialState: 0,
      evolve: (n) => n + 1,
      decide: () => [],
    };
    await ours.appendToStream('c', [event(1)], 'no_stream');
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 1, revision: 0 });
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 1, revision: 0 });

    await theirs.appendToStream('c', [event(2), event(3)], 0);
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 3, revision: 2 });
    await ours.appendToStream('c', [event(4)], 2);
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 4, revision: 3 });
  });

  it('a stream read from a revision answers what the file holds, whether this process or another wrote after it', async () => {
    const file = tempFile();
    const ours = new SqliteEventStore(file);
    const theirs = new SqliteEventStore(file);
    open.push(ours, theirs);
    const ns = (events: RecordedEvent[]) => events.map((e) => [e.revision, (e.data as { n: number }).n]);
    /** What `ours` answers from a revision on, checked against a read by the other connection. */
    const from = async (fromRevision: number, maxCount?: number) => {
      const options = maxCount === undefined ? { fromRevision } : { fromRevision, maxCount };
      const answered = await ours.readStream('a', options);
      expect(answered).toEqual(await theirs.readStream('a', options));
      return ns(answered);
    };
    await ours.appendToStream('a', [event(1)], 'no_stream');
    await Promise.all([ours.appendToStream('b', [event(2)], 'no_stream'), ours.appendToStream('a', [event(3), event(4)], 0)]);
    await ours.appendToStream('c', [event(5)], 'no_stream');
    expect(await from(3)).toEqual([]);
    expect(await from(1)).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(await from(1, 1)).toEqual([[1, 3]]);
    expect(await from(2)).toEqual([[2, 4]]);

    // Another process appends elsewhere, then to this stream: both are seen.
    await theirs.appendToStream('x', [event(6)], 'no_stream');
    expect(await from(3)).toEqual([]);
    await theirs.appendToStream('a', [event(7)], 2);
    expect(await from(3)).toEqual([[3, 7]]);
    // This process appends after the other's event: the run has a gap before it, yet what follows it is known.
    await ours.appendToStream('a', [event(8)], 3);
    await ours.appendToStream('b', [event(9)], 0);
    expect(await from(3)).toEqual([
      [3, 7],
      [4, 8],
    ]);
    expect(await from(4)).toEqual([[4, 8]]);
    expect(await from(5)).toEqual([]);
  });

  it('a stream read while this process’s next group is committed but its answer not yet taken answers what the file holds', async () => {
    const file = tempFile();
    const ours = new SqliteEventStore(file);
    const theirs = new SqliteEventStore(file);
    open.push(ours, theirs);
    const ns = (events: RecordedEvent[]) => events.map((e) => [e.revision, (e.data as { n: number }).n]);
    // The store's insides this test watches: the writer's published positions, and the stream reads that go to the file.
    const inside = ours as unknown as {
      writer: { committedAhead(): unknown } | undefined;
      statements: { forwards: { all(streamId: string, ...rest: number[]): unknown[] } };
    };
    const fileReads: string[] = [];
    const forwards = inside.statements.forwards;
    const readFile = forwards.all.bind(forwards);
    forwards.all = (streamId, ...rest) => {
      fileReads.push(streamId);
      return readFile(streamId, ...rest);
    };
    /**
     * Sends an append and holds this thread until the writer thread has committed it and published its positions: the
     * group's answer waits for this thread's next turn, so the reads asked meanwhile run while the group is under way.
     */
    const committedNotAnswered = async (append: () => Promise<unknown>): Promise<{ answered: Promise<unknown> }> => {
      const answered = append();
      await Promise.resolve(); // the group goes to the writer in a microtask queued before this await's
      const deadline = Date.now() + 5_000;
      while (inside.writer?.committedAhead() === undefined)
        if (Date.now() > deadline) throw new Error('the writer did not commit within 5 s');
      return { answered };
    };
    const writes = new Database(file);
    writes.pragma('busy_timeout = 5000');
    const insert = writes.prepare(
      "INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, 'ThingHappened', ?, ?)",
    );
    await ours.appendToStream('a', [event(1)], 'no_stream');
    await ours.appendToStream('b', [event(2)], 'no_stream');

    // Asked in the same turn, before the group's answer: the stream the group wrote (read from the file), and one it did
    // not (known without the file).
    const { answered: underWay } = await committedNotAnswered(() => ours.appendToStream('b', [event(3)], 0));
    fileReads.length = 0;
    let reads = [ours.readStream('b', { fromRevision: 1 }), ours.readStream('a', { fromRevision: 1 })];
    expect(fileReads).toEqual(['b']);
    await underWay;
    expect((await Promise.all(reads)).map(ns)).toEqual([[[1, 3]], []]);

    // Another process appends to `a` right after this process's last group, then this process's next group commits: the
    // group's positions do not start right after the events kept, so `a` is read from the file.
    await theirs.appendToStream('a', [event(4)], 0);
    const { answered: next } = await committedNotAnswered(() => ours.appendToStream('c', [event(5)], 'no_stream'));
    fileReads.length = 0;
    reads = [ours.readStream('a', { fromRevision: 1 }), ours.readStream('b', { fromRevision: 2 })];
    expect(fileReads).toEqual(['a', 'b']);
    await next;
    expect((await Promise.all(reads)).map(ns)).toEqual([[[1, 4]], []]);

    // Another process appends to `d` after this process's group committed, before its answer is taken: the head is past
    // the group's positions, so `d` is read from the file.
    await ours.appendToStream('d', [event(6)], 'no_stream');
    const { answered: last } = await committedNotAnswered(() => ours.appendToStream('c', [event(7)], 0));
    insert.run(randomUUID(), 'd', 1, JSON.stringify({ n: 8 }), JSON.stringify(event(8).metadata));
    fileReads.length = 0;
    reads = [ours.readStream('d', { fromRevision: 1 })];
    expect(fileReads).toEqual(['d']);
    await last;
    expect((await Promise.all(reads)).map(ns)).toEqual([[[1, 8]]]);
    expect(await ours.readStream('a', { fromRevision: 1 })).toEqual(await theirs.readStream('a', { fromRevision: 1 }));
    writes.close();
  });

  it('a command leaves its stream’s fold current without a read until anything else is appended, by this process or another', async () => {
    const file = tempFile();
    /** Counts the reads of a stream. */
    class Counting extends SqliteEventStore {
      reads = 0;
      override readStream(...args: Parameters<SqliteEventStore['readStream']>) {
        this.reads += 1;
        return super.readStream(...args);
      }
    }
    const ours = new Counting(file);
    const theirs = new SqliteEventStore(file);
    open.push(ours, theirs);
    const counter: Decider<number, { type: 'Count' }, { type: string; data: unknown }> = {
      initialState: 0,
      evolve: (n) => n + 1,
      decide: () => [{ type: 'ProgressReported', data: {} }], // a registered type (its schema version); this store has no codec
    };
    const count = () =>
      handleCommand(ours, 'c', counter, { type: 'Count' }, { actor: event(0).metadata.actor, commandId: randomUUID(), now: () => NOW });

    expect((await count()).nextExpectedRevision).toBe(0);
    const afterFirst = ours.reads;
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 1, revision: 0 });
    expect((await count()).nextExpectedRevision).toBe(1);
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 2, revision: 1 });
    expect(ours.reads).toBe(afterFirst);

    // Anything appended elsewhere, even to another stream: read again, and see what was appended to this one.
    await ours.appendToStream('other', [event(1)], 'no_stream');
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 2, revision: 1 });
    expect(ours.reads).toBe(afterFirst + 1);
    await theirs.appendToStream('c', [event(2)], 1);
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 3, revision: 2 });
    expect((await count()).nextExpectedRevision).toBe(3);
    expect(await currentState(ours, 'c', counter)).toEqual({ state: 4, revision: 3 });
  });
  it('data prepared before its append (a checkpoint naming every head) is stored as its JSON text, and followers get the same values a read gives', async () => {
    const store = new SqliteEventStore(tempFile());
    open.push(store);
    const seen: RecordedEvent[] = [];
    const abort = new AbortController();
    // A follower already at the head, as the read models and the checkpointer are after ready.
    const { position } = await store.appendToStream('before', [event(0)], 'no_stream');
    const following = store.subscribeToAll({ after: position, signal: abort.signal }, (e) => {
      seen.push(e);
      if (seen.length === 2) abort.abort();
    });
    const plain = {
      position: 7,
      moved: [
        ['p-1', 0, 'ab'],
        ['p-2', 3, 'cd'],
      ],
      reason: 'events',
    };
    // Not plain JSON: a Date (toJSON), an undefined member, -0; its followers get its text parsed back.
    const other = { at: new Date('2026-03-01T00:00:00.000Z'), gone: undefined, zero: -0, list: [1] };
    await prepareData(plain);
    await prepareData(other);
    const [a, b] = [event(1), event(2)];
    await store.appendToStream(
      'prepared',
      [
        { ...a, data: plain },
        { ...b, data: other },
      ],
      'no_stream',
    );
    await following;
    const expected = [
      {
        position: 7,
        moved: [
          ['p-1', 0, 'ab'],
          ['p-2', 3, 'cd'],
        ],
        reason: 'events',
      },
      { at: '2026-03-01T00:00:00.000Z', zero: 0, list: [1] },
    ];
    expect(seen.map((e) => e.data)).toStrictEqual(expected);
    // The plain one handed over as it is (not its 10 MB of text parsed back in one go); the other parsed back.
    expect(seen[0]!.data).toBe(plain);
    expect(seen[1]!.data).not.toBe(other);
    expect((await store.readStream('prepared')).map((e) => e.data)).toStrictEqual(expected);
    const reopened = new SqliteEventStore(store.file);
    open.push(reopened);
    expect((await reopened.readAll({ after: position, maxCount: 10 })).map((e) => e.data)).toStrictEqual(expected);
  });

  it('prepared data whose text went to the writer once is written whole when its append is refused and tried again, or retried after it was written', async () => {
    const store = new SqliteEventStore(tempFile());
    open.push(store);
    await store.appendToStream('s', [event(0)], 'no_stream');
    // Its text's pieces are moved to the writer thread with the first try; the tries after write its text again.
    const data = { moved: Array.from({ length: 3_000 }, (_, i) => [`问题-${i}`, i % 4, 'e'.repeat(64)]), reason: 'events' };
    const copy = structuredClone(data);
    await prepareData(data);
    const first = { ...event(1), data };
    await expect(store.appendToStream('s', [first], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await store.appendToStream('s', [first], 0);
    // A retry of the same event (same id, same data) is accepted without writing it again.
    const retried = await store.appendToStream('s', [first], 0);
    expect(retried.nextExpectedRevision).toBe(1);
    const reopened = new SqliteEventStore(store.file);
    open.push(reopened);
    const read = await reopened.readStream('s');
    expect(read.map((e) => e.data)).toStrictEqual([{ n: 0 }, copy]);
  });
});
