import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DuplicateEventIdError,
  EventDecodeError,
  type EventCodec,
  type EventMetadata,
  type EventStore,
  type LeaseStore,
  type LogLink,
  isLeaseStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
  changeTokenAfter,
} from '../eventstore/port.js';
import { CHECKPOINT_STREAM, CHECKPOINT_TYPE, linkOf } from '../eventstore/checkpoints.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';

export type ContractOptions = {
  /**
   * The log is shared with earlier tests (a KurrentDB server), so a test cannot expect it to start
   * empty: it works after the head position it finds and in streams of its own.
   */
  sharedLog?: boolean;
  /** The store can tell an event id reused in another stream (KurrentDB has no index by id). */
  detectsIdsAcrossStreams?: boolean;
  /** `appendMany` is all or nothing (KurrentDB appends its parts one after another). */
  atomicAppendMany?: boolean;
  /** The store keeps leases (LeaseStore); KurrentDB does not. */
  leases?: boolean;
  /**
   * The store reads the log as links (`subscribeToLinks`, for the checkpointer) without handing over the events: given a
   * store, another store on the same log that reads what the first wrote from the log itself (SQLite keeps its own last
   * appends and answers from them).
   */
  readsLinks?: (written: EventStore) => EventStore | Promise<EventStore>;
};

const metadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  actor: { userId: 'u-1', name: '王督查', unitId: 'unit-7', role: 'inspector' },
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: '2025-03-14T09:26:53.589Z',
  schemaVersion: 1,
  ...overrides,
});

const event = (data: Record<string, unknown> = { n: 0 }, type = 'ThingHappened'): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: metadata(),
});

const events = (count: number, from = 0): NewEvent[] => Array.from({ length: count }, (_, i) => event({ n: from + i }));

const summary = (e: RecordedEvent) => ({ id: e.id, streamId: e.streamId, revision: e.revision });

function expectStrictlyIncreasing(positions: number[]) {
  for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]!);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

/**
 * What every event-store adapter promises (eventstore/port.ts), run against each one. `open` gives a
 * store for one test; the contract closes it afterwards.
 */
export function eventStoreContract(
  name: string,
  open: (codec?: EventCodec) => EventStore | Promise<EventStore>,
  { sharedLog = false, detectsIdsAcrossStreams = true, atomicAppendMany = true, leases = true, readsLinks }: ContractOptions = {},
) {
  describe(`${name} event store`, () => {
    const opened: EventStore[] = [];
    const store = async (codec?: EventCodec) => {
      const s = await open(codec);
      opened.push(s);
      return s;
    };
    /** A stream name no earlier test (or run, on a shared server) has used. */
    const stream = (prefix = 'thing') => `${prefix}-${randomUUID()}`;

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    describe('expected revision', () => {
      it('no_stream appends to a new stream and refuses an existing one', async () => {
        const s = await store();
        const id = stream();
        const result = await s.appendToStream(id, events(2), 'no_stream');
        expect(result.nextExpectedRevision).toBe(1);

        const error = await rejection(s.appendToStream(id, events(1), 'no_stream'));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: id, expected: 'no_stream', actual: 1, code: 'CONCURRENCY_CONFLICT' });
        expect(await s.readStream(id)).toHaveLength(2);
      });

      it('stream_exists refuses a missing stream and appends to an existing one', async () => {
        const s = await store();
        const id = stream();
        const error = await rejection(s.appendToStream(id, events(1), 'stream_exists'));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: id, expected: 'stream_exists', actual: 'no_stream' });
        expect(await s.readStream(id)).toEqual([]);

        await s.appendToStream(id, events(1), 'no_stream');
        const result = await s.appendToStream(id, events(2), 'stream_exists');
        expect(result.nextExpectedRevision).toBe(2);
      });

      it('any appends whatever the stream holds', async () => {
        const s = await store();
        const id = stream();
        expect((await s.appendToStream(id, events(1), 'any')).nextExpectedRevision).toBe(0);
        expect((await s.appendToStream(id, events(1), 'any')).nextExpectedRevision).toBe(1);
      });

      it('an exact revision appends only when it is the last one', async () => {
        const s = await store();
        const id = stream();
        const missing = await rejection(s.appendToStream(id, events(1), 0));
        expect(missing).toMatchObject({ streamId: id, expected: 0, actual: 'no_stream' });

        await s.appendToStream(id, events(3), 'no_stream');
        expect((await s.appendToStream(id, events(1), 2)).nextExpectedRevision).toBe(3);

        const stale = await rejection(s.appendToStream(id, events(1), 2));
        expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
        expect(stale).toMatchObject({ streamId: id, expected: 2, actual: 3 });
        const ahead = await rejection(s.appendToStream(id, events(1), 7));
        expect(ahead).toMatchObject({ expected: 7, actual: 3 });
        expect((await s.readStream(id)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      });

      it('of ten concurrent appends expecting the same revision, exactly one wins', async () => {
        const s = await store();
        const fresh = stream();
        const existing = stream();
        await s.appendToStream(existing, events(1), 'no_stream');

        for (const [id, expected] of [
          [fresh, 'no_stream'],
          [existing, 0],
        ] as const) {
          const attempts = Array.from({ length: 10 }, (_, i) => [event({ writer: i }), event({ writer: i })]);
          const outcomes = await Promise.allSettled(attempts.map((batch) => s.appendToStream(id, batch, expected)));
          const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
          expect(winners).toHaveLength(1);
          for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);

          const stored = await s.readStream(id);
          const winner = attempts[winners[0]!]!;
          expect(stored.slice(-2).map((e) => e.id)).toEqual(winner.map((e) => e.id));
          expect(stored).toHaveLength(expected === 'no_stream' ? 2 : 3);
        }
      });
    });

    describe('idempotent retries', () => {
      it('appending the same events again is a no-op with the same result, whatever was expected', async () => {
        const s = await store();
        const id = stream();
        const batch = events(2);
        const before = await s.headPosition();
        const first = await s.appendToStream(id, batch, 'no_stream');

        expect(await s.appendToStream(id, batch, 'no_stream')).toEqual(first);
        expect(await s.appendToStream(id, batch, 'any')).toEqual(first);
        expect(await s.appendToStream(id, structuredClone(batch), 5)).toEqual(first);

        expect((await s.readStream(id)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
        const logged = await s.readAll({ after: before, maxCount: 100 });
        expect(logged.filter((e) => e.streamId === id)).toHaveLength(2);
        expect(await s.headPosition()).toBe(first.position);
      });

      it('a retry of an earlier append is still recognised after the stream moved on', async () => {
        const s = await store();
        const id = stream();
        const earlier = events(1);
        await s.appendToStream(id, earlier, 'no_stream');
        await s.appendToStream(id, events(2), 0);

        await s.appendToStream(id, earlier, 'no_stream');
        expect(await s.readStream(id)).toHaveLength(3);
      });

      it('different content under a stored id is a DuplicateEventIdError', async () => {
        const s = await store();
        const id = stream();
        const [stored] = events(1);
        await s.appendToStream(id, [stored!], 'no_stream');

        const changed = { ...stored!, data: { n: 99 } };
        const error = await rejection(s.appendToStream(id, [changed], 0));
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ eventId: stored!.id, code: 'DUPLICATE_EVENT_ID' });
        const retyped = { ...stored!, type: 'SomethingElse' };
        expect(await rejection(s.appendToStream(id, [retyped], 'any'))).toBeInstanceOf(DuplicateEventIdError);
        expect((await s.readStream(id))[0]!.data).toEqual({ n: 0 });
        expect(await s.readStream(id)).toHaveLength(1);
      });

      it('a batch of which only some ids are stored is a DuplicateEventIdError', async () => {
        const s = await store();
        const id = stream();
        const [stored] = events(1);
        await s.appendToStream(id, [stored!], 'no_stream');
        const error = await rejection(s.appendToStream(id, [event(), stored!], 'any'));
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ eventId: stored!.id });
        expect(await s.readStream(id)).toHaveLength(1);
      });

      it('one id twice in the same batch is a DuplicateEventIdError and stores nothing', async () => {
        const s = await store();
        const id = stream();
        const once = event();
        const error = await rejection(s.appendToStream(id, [once, { ...once }], 'no_stream'));
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ eventId: once.id });
        expect(await s.readStream(id)).toEqual([]);
      });

      it.runIf(detectsIdsAcrossStreams)('an id stored in another stream is a DuplicateEventIdError', async () => {
        const s = await store();
        const [stored] = events(1);
        await s.appendToStream(stream(), [stored!], 'no_stream');
        const elsewhere = stream();
        expect(await rejection(s.appendToStream(elsewhere, [stored!], 'no_stream'))).toBeInstanceOf(DuplicateEventIdError);
        expect(await s.readStream(elsewhere)).toEqual([]);
      });
    });

    describe('appending to several streams at once', () => {
      it('appends every part with its expected revision, in the order given, and answers part by part', async () => {
        const s = await store();
        const [a, b, c] = [stream('a'), stream('b'), stream('c')];
        await s.appendToStream(a, events(2), 'no_stream');
        await s.appendToStream(b, events(1), 'no_stream');
        const before = await s.headPosition();
        const parts = [
          { streamId: a, events: events(2, 10), expected: 1 },
          { streamId: c, events: events(3, 20), expected: 'no_stream' as const },
          { streamId: b, events: events(1, 30), expected: 'stream_exists' as const },
        ];
        const results = await s.appendMany(parts);

        const all = (await s.readAll({ after: before, maxCount: 1000 })).filter((e) => [a, b, c].includes(e.streamId));
        expect(all.map((e) => e.id)).toEqual(parts.flatMap((p) => p.events.map((e) => e.id)));
        expectStrictlyIncreasing([before, ...all.map((e) => e.position)]);
        expect(all.map(summary).map(({ streamId, revision }) => [streamId, revision])).toEqual([
          [a, 2],
          [a, 3],
          [c, 0],
          [c, 1],
          [c, 2],
          [b, 1],
        ]);
        expect(results).toEqual([
          { nextExpectedRevision: 3, position: all[1]!.position },
          { nextExpectedRevision: 2, position: all[4]!.position },
          { nextExpectedRevision: 1, position: all[5]!.position },
        ]);
        expect(await s.headPosition()).toBe(all.at(-1)!.position);
      });

      it.runIf(atomicAppendMany)('writes nothing when one part expects another revision', async () => {
        const s = await store();
        const [a, b] = [stream('a'), stream('b')];
        await s.appendToStream(b, events(2), 'no_stream');
        const before = await s.headPosition();
        const error = await rejection(
          s.appendMany([
            { streamId: a, events: events(2), expected: 'no_stream' },
            { streamId: b, events: events(1), expected: 0 },
          ]),
        );
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: b, expected: 0, actual: 1 });
        expect(await s.readStream(a)).toEqual([]);
        expect(await s.readStream(b)).toHaveLength(2);
        expect(await s.headPosition()).toBe(before);
      });

      it('takes a part already stored as a no-op and writes the others (a second writer overlapping the first)', async () => {
        const s = await store();
        const [a, b] = [stream('a'), stream('b')];
        const stored = events(2);
        const first = await s.appendToStream(a, stored, 'no_stream');
        const fresh = events(1);
        const results = await s.appendMany([
          { streamId: a, events: stored, expected: 'any' },
          { streamId: b, events: fresh, expected: 'any' },
        ]);
        expect(results[0]).toEqual(first);
        expect((await s.readStream(a)).map((e) => e.id)).toEqual(stored.map((e) => e.id));
        expect((await s.readStream(b)).map((e) => e.id)).toEqual(fresh.map((e) => e.id));
      });

      it.runIf(atomicAppendMany)('writes nothing when a part holds an id stored otherwise (a DuplicateEventIdError)', async () => {
        const s = await store();
        const [a, b] = [stream('a'), stream('b')];
        const [stored] = events(1);
        await s.appendToStream(a, [stored!], 'no_stream');
        const error = await rejection(
          s.appendMany([
            { streamId: b, events: events(2), expected: 'any' },
            { streamId: a, events: [event(), stored!], expected: 'any' },
          ]),
        );
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ eventId: stored!.id });
        expect(await s.readStream(b)).toEqual([]);
        expect(await s.readStream(a)).toHaveLength(1);
      });

      it('refuses a stream in two parts, or an id in two events, and stores nothing', async () => {
        const s = await store();
        const [a, b] = [stream('a'), stream('b')];
        await expect(
          s.appendMany([
            { streamId: a, events: events(1), expected: 'any' },
            { streamId: a, events: events(1), expected: 'any' },
          ]),
        ).rejects.toThrow(/appears twice/);
        const once = event();
        const error = await rejection(
          s.appendMany([
            { streamId: a, events: [once], expected: 'any' },
            { streamId: b, events: [{ ...once }], expected: 'any' },
          ]),
        );
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(await s.readStream(a)).toEqual([]);
        expect(await s.readStream(b)).toEqual([]);
      });

      it('of concurrent appends expecting the same revision of a shared stream, exactly one is written whole', async () => {
        const s = await store();
        const shared = stream('shared');
        await s.appendToStream(shared, events(1), 'no_stream');
        const others = Array.from({ length: 5 }, () => stream('own'));
        const outcomes = await Promise.allSettled(
          others.map((own) =>
            s.appendMany([
              { streamId: own, events: events(1), expected: 'no_stream' },
              { streamId: shared, events: events(1), expected: 0 },
            ]),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await s.readStream(shared)).toHaveLength(2);
        if (atomicAppendMany) {
          const written = await Promise.all(others.map((own) => s.readStream(own)));
          expect(written.map((w) => w.length)).toEqual(outcomes.map((o) => (o.status === 'fulfilled' ? 1 : 0)));
        }
      });
    });

    describe('empty appends', () => {
      it('append nothing, create no stream and still check the expectation', async () => {
        const s = await store();
        const id = stream();
        const head = await s.headPosition();

        expect(await s.appendToStream(id, [], 'no_stream')).toEqual({ nextExpectedRevision: -1, position: -1 });
        expect(await s.appendToStream(id, [], 'any')).toEqual({ nextExpectedRevision: -1, position: -1 });
        expect(await rejection(s.appendToStream(id, [], 'stream_exists'))).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await rejection(s.appendToStream(id, [], 0))).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await s.readStream(id)).toEqual([]);
        expect(await s.headPosition()).toBe(head);
        // The stream was not created: a writer expecting none still gets in.
        const written = await s.appendToStream(id, events(2), 'no_stream');

        expect(await s.appendToStream(id, [], 1)).toEqual(written);
        expect(await s.appendToStream(id, [], 'stream_exists')).toEqual(written);
        expect(await rejection(s.appendToStream(id, [], 0))).toMatchObject({ expected: 0, actual: 1 });
        expect(await rejection(s.appendToStream(id, [], 'no_stream'))).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await s.readStream(id)).toHaveLength(2);
        expect(await s.headPosition()).toBe(written.position);
      });
    });

    describe('reading a stream', () => {
      it('a missing stream reads as empty, in either direction', async () => {
        const s = await store();
        const id = stream('never-written');
        expect(await s.readStream(id)).toEqual([]);
        expect(await s.readStream(id, { direction: 'backwards', maxCount: 3 })).toEqual([]);
        expect(await s.readStream(id, { fromRevision: 4 })).toEqual([]);
      });

      it('reads forwards and backwards, from a revision, at most maxCount', async () => {
        const s = await store();
        const id = stream();
        await s.appendToStream(id, events(5), 'no_stream');
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await s.readStream(id, options)).map((e) => e.revision);

        expect(await revisions({})).toEqual([0, 1, 2, 3, 4]);
        expect(await revisions({ maxCount: 2 })).toEqual([0, 1]);
        expect(await revisions({ fromRevision: 3 })).toEqual([3, 4]);
        expect(await revisions({ fromRevision: 1, maxCount: 2 })).toEqual([1, 2]);
        expect(await revisions({ fromRevision: 9 })).toEqual([]);
        expect(await revisions({ direction: 'backwards' })).toEqual([4, 3, 2, 1, 0]);
        expect(await revisions({ direction: 'backwards', maxCount: 2 })).toEqual([4, 3]);
        expect(await revisions({ direction: 'backwards', fromRevision: 2, maxCount: 2 })).toEqual([2, 1]);
        expect(await revisions({ direction: 'backwards', fromRevision: 0 })).toEqual([0]);
        expect((await s.readStream(id)).map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
      });

      it('gives back data and metadata exactly as appended', async () => {
        const s = await store();
        const id = stream();
        const before = await s.headPosition();
        const appended: NewEvent = {
          id: randomUUID(),
          type: 'ProblemRaised',
          data: { title: '整改台账：消防通道堵塞', tags: ['消防', '安全'], deadline: null, nested: { count: 3, ok: true } },
          metadata: metadata({
            actor: { userId: 'u-42', name: '李科长', unitId: null, role: 'unit_head' },
            occurredAt: '2025-12-31T23:59:59.999+08:00',
            schemaVersion: 3,
          }),
        };
        const result = await s.appendToStream(id, [appended], 'no_stream');
        const expected = { ...appended, streamId: id, revision: 0, position: result.position };

        expect(await s.readStream(id)).toEqual([expected]);
        expect(await s.readStream(id, { direction: 'backwards' })).toEqual([expected]);
        expect((await s.readAll({ after: before, maxCount: 10 })).filter((e) => e.streamId === id)).toEqual([expected]);
        const [read] = await s.readStream(id);
        expect(Object.keys(read!.metadata).sort()).toEqual([
          'actor',
          'causationId',
          'commandId',
          'correlationId',
          'occurredAt',
          'schemaVersion',
        ]);
      });
    });

    describe('the global log', () => {
      it.runIf(!sharedLog)('is empty at first: head -1, nothing to read', async () => {
        const s = await store();
        expect(await s.headPosition()).toBe(-1);
        expect(await s.readAll({ maxCount: 10 })).toEqual([]);
      });

      it('orders events across streams as they were appended, with increasing positions', async () => {
        const s = await store();
        const [a, b, c] = [stream('a'), stream('b'), stream('c')];
        const before = await s.headPosition();
        const plan: [string, number][] = [
          [a, 2],
          [b, 1],
          [a, 1],
          [c, 3],
          [b, 2],
        ];
        const appended: NewEvent[] = [];
        const results = [];
        for (const [id, count] of plan) {
          const batch = events(count, appended.length);
          appended.push(...batch);
          results.push(await s.appendToStream(id, batch, 'any'));
        }

        const all = (await s.readAll({ after: before, maxCount: 1000 })).filter((e) => [a, b, c].includes(e.streamId));
        expect(all.map((e) => e.id)).toEqual(appended.map((e) => e.id));
        expect(all.map((e) => e.streamId)).toEqual(plan.flatMap(([id, count]) => Array<string>(count).fill(id)));
        expect(all.filter((e) => e.streamId === a).map((e) => e.revision)).toEqual([0, 1, 2]);
        expectStrictlyIncreasing([before, ...all.map((e) => e.position)]);
        // Each append reports the position of its last event.
        const lastOfEach = plan.map((_, i) => all[plan.slice(0, i + 1).reduce((n, [, count]) => n + count, 0) - 1]!.position);
        expect(results.map((r) => r.position)).toEqual(lastOfEach);
        expect(await s.headPosition()).toBe(all.at(-1)!.position);
      });

      it('pages with `after` (exclusive) and maxCount, without gap or overlap', async () => {
        const s = await store();
        const before = await s.headPosition();
        const ids = [stream('p'), stream('q')];
        for (let i = 0; i < 7; i++) await s.appendToStream(ids[i % 2]!, events(1, i), 'any');

        const everything = await s.readAll({ after: before, maxCount: 1000 });
        const pages: RecordedEvent[][] = [];
        let after = before;
        for (;;) {
          const page = await s.readAll({ after, maxCount: 3 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          pages.push(page);
          after = page.at(-1)!.position;
        }
        expect(pages.flat().map(summary)).toEqual(everything.map(summary));
        expect(pages.slice(0, -1).every((p) => p.length === 3)).toBe(true);
        expect(everything.filter((e) => ids.includes(e.streamId)).map((e) => e.data)).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => ({ n })));
        // `after` an event's own position starts with the next one.
        const [first, second] = everything;
        expect((await s.readAll({ after: first!.position, maxCount: 1 }))[0]!.id).toBe(second!.id);
        expect(await s.readAll({ after: everything.at(-1)!.position, maxCount: 10 })).toEqual([]);
      });
    });

    describe('changeToken (where the adapter keeps one)', () => {
      it('reads the same while nothing is appended, and otherwise after every append that writes', async () => {
        const s = await store();
        if (s.changeToken === undefined) return;
        const id = stream();
        const before = s.changeToken();
        await s.readStream(id);
        await s.readAll({ after: -1, maxCount: 10 });
        expect(s.changeToken()).toBe(before);
        const written = events(2);
        const result = await s.appendToStream(id, written, 'no_stream');
        const after = s.changeToken();
        expect(after).not.toBe(before);
        // The append's own token is the one right after it: its stream ended with its events then.
        expect(changeTokenAfter(result)).toBe(after);
        await s.appendToStream(stream(), events(1), 'no_stream');
        expect(s.changeToken()).not.toBe(after);
      });
    });

    describe('subscribeToAll', () => {
      it('hands over from catch-up to live with every event exactly once, in order', async () => {
        const s = await store();
        const before = await s.headPosition();
        const ours = Array.from({ length: 10 }, () => stream('sub'));
        const appendBatches = async (from: number, count: number) => {
          const written: NewEvent[] = [];
          for (let i = 0; i < count; i += 5) {
            const batch = events(5, from + i);
            written.push(...batch);
            await s.appendToStream(ours[(i / 5) % ours.length]!, batch, 'any');
          }
          return written;
        };
        const early = await appendBatches(0, 500);

        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        let resolveAll: () => void;
        const allSeen = new Promise<void>((resolve) => (resolveAll = resolve));
        const subscription = s.subscribeToAll({ after: before, signal: controller.signal }, async (e) => {
          if (!ours.includes(e.streamId)) return;
          seen.push(e);
          // Slow the catch-up down so the concurrent appends below land while it is still going.
          if (seen.length % 50 === 0) await new Promise((r) => setTimeout(r, 5));
          if (seen.length === 1000) resolveAll();
        });
        const late = await appendBatches(500, 500);
        const first = await Promise.race([allSeen.then(() => 'all seen'), subscription.then(() => 'ended early')]);
        expect(first).toBe('all seen');
        // Anything after the thousandth event would be a duplicate: give it a moment to show up.
        await new Promise((r) => setTimeout(r, 100));
        controller.abort();
        await subscription;

        expect(seen).toHaveLength(1000);
        expectStrictlyIncreasing(seen.map((e) => e.position));
        expect(seen.map((e) => e.id)).toEqual([...early, ...late].map((e) => e.id));
        expect(seen.map((e) => e.data)).toEqual(Array.from({ length: 1000 }, (_, n) => ({ n })));
      }, 120_000);

      it('starts after the given position and stops when the signal aborts', async () => {
        const s = await store();
        const id = stream();
        await s.appendToStream(id, events(3), 'no_stream');
        const [, second] = await s.readStream(id);

        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        let resolveTwo: () => void;
        const two = new Promise<void>((resolve) => (resolveTwo = resolve));
        const subscription = s.subscribeToAll({ after: second!.position, signal: controller.signal }, (e) => {
          if (e.streamId !== id) return;
          seen.push(e);
          if (seen.length === 2) resolveTwo();
        });
        await s.appendToStream(id, events(1, 3), 2);
        await two;
        controller.abort();
        await expect(subscription).resolves.toBeUndefined();
        expect(seen.map((e) => e.revision)).toEqual([2, 3]);

        // An aborted signal delivers nothing.
        const none: RecordedEvent[] = [];
        await s.subscribeToAll({ signal: AbortSignal.abort() }, (e) => void none.push(e));
        expect(none).toEqual([]);
      });
    });

    describe.runIf(readsLinks !== undefined)('subscribeToLinks (the checkpointer reads the log as links)', () => {
      /** Follows the links after `after` until the one at `head`, read by another store on the log `written` wrote. */
      const linksUntil = async (written: EventStore, after: number, head: number) => {
        const s = await readsLinks!(written);
        opened.push(s);
        expect(s.subscribeToLinks).toBeTypeOf('function');
        const controller = new AbortController();
        const seen: LogLink[] = [];
        await s.subscribeToLinks!({ after, signal: controller.signal }, (link) => {
          seen.push(link);
          if (link.position >= head) controller.abort();
        });
        return seen;
      };
      const checkpoint = (position: unknown, heads = 3): NewEvent =>
        event(
          {
            position,
            eventCount: 7,
            streamCount: heads,
            merkleRoot: 'ab'.repeat(32),
            previousPosition: -1,
            moved: Array.from({ length: heads }, (_, i) => [`s-${i}`, i, 'cd'.repeat(32)]),
            reason: 'events',
          },
          CHECKPOINT_TYPE,
        );

      it('gives each event’s link as `linkOf` makes it of the event: the hash when it is text, what a checkpoint covers', async () => {
        const s = await store();
        const before = await s.headPosition();
        const id = stream('linked');
        const withHash = (hash: unknown): NewEvent => ({ ...event({ n: 1 }), metadata: { ...metadata(), hash } as EventMetadata });
        await s.appendToStream(id, [withHash('ef'.repeat(32)), withHash(5), withHash(null), event({ n: 3 })], 'no_stream');
        // Names JSON.parse reads but PostgreSQL's `->` refuses to decode: a NUL and a lone surrogate.
        const named = (name: string): NewEvent => {
          const e = withHash('01'.repeat(32));
          return { ...e, metadata: { ...e.metadata, actor: { ...e.metadata.actor, name } } };
        };
        await s.appendToStream(stream('named'), [named('王\u0000督查'), named('\ud800')], 'no_stream');
        await s.appendToStream(CHECKPOINT_STREAM, [checkpoint(-1, 0), checkpoint(2, 2_000)], 'any');
        // An event of the checkpoint type on another stream, or of another type on the checkpoints stream, is no checkpoint.
        await s.appendToStream(stream('not-checkpoints'), [event({ position: 9 }, CHECKPOINT_TYPE)], 'no_stream');
        await s.appendToStream(CHECKPOINT_STREAM, [event({ position: 'none' }, 'CheckpointNoted')], 'any');
        const head = await s.headPosition();

        const links = await linksUntil(s, before, head);

        const fromEvents = (await s.readAll({ after: before, maxCount: 100 })).map(linkOf);
        expect(links).toEqual(fromEvents);
        expect(links.map((l) => [l.hash, l.covers])).toEqual([
          ['ef'.repeat(32), null],
          [undefined, null],
          [undefined, null],
          [undefined, null],
          ['01'.repeat(32), null],
          ['01'.repeat(32), null],
          [undefined, -1],
          [undefined, 2],
          [undefined, null],
          [undefined, null],
        ]);
      });

      it.each([
        ['"2"', '2'],
        ['nothing', undefined],
        ['-2', -2],
        ['1.5', 1.5],
        ['2^53', 2 ** 53],
      ])('fails on a checkpoint whose covered position is %s, as `linkOf` fails on it', async (_, position) => {
        const s = await store();
        const before = await s.headPosition();
        await s.appendToStream(CHECKPOINT_STREAM, [checkpoint(position)], 'any');
        const head = await s.headPosition();
        const [read] = await s.readAll({ after: before, maxCount: 100 });
        expect(() => linkOf(read!)).toThrow();
        await expect(linksUntil(s, before, head)).rejects.toThrow();
      });
    });

    describe('events that no longer fit their schema', () => {
      const codec = schemaCodec([{ type: 'CountTaken', schemaVersion: 1, data: z.object({ count: z.number().int() }) }]);

      it('fail on every read path with an EventDecodeError naming stream and revision', async () => {
        const s = await store(codec);
        const id = stream();
        const before = await s.headPosition();
        await s.appendToStream(id, [event({ count: 1 }, 'CountTaken'), event({ count: 'many' }, 'CountTaken')], 'no_stream');

        expect(await s.readStream(id, { maxCount: 1 })).toMatchObject([{ data: { count: 1 } }]);
        const error = await rejection(s.readStream(id));
        expect(error).toBeInstanceOf(EventDecodeError);
        expect(error).toMatchObject({ streamId: id, revision: 1, type: 'CountTaken', code: 'EVENT_SCHEMA_MISMATCH' });
        expect((error as Error).message).toContain(`${id}@1`);
        expect((error as Error).message).toContain('count');

        expect(await rejection(s.readAll({ after: before, maxCount: 100 }))).toBeInstanceOf(EventDecodeError);
        const controller = new AbortController();
        const subscribed = await rejection(s.subscribeToAll({ after: before, signal: controller.signal }, () => undefined));
        controller.abort();
        expect(subscribed).toMatchObject({ streamId: id, revision: 1 });
      });

      it('fail when written with another schema version', async () => {
        const s = await store(codec);
        const id = stream();
        await s.appendToStream(id, [{ ...event({ count: 1 }, 'CountTaken'), metadata: metadata({ schemaVersion: 2 }) }], 'no_stream');
        expect(await rejection(s.readStream(id))).toMatchObject({ streamId: id, revision: 0 });
      });
    });
    describe.runIf(leases)('leases (work that runs on one server at a time)', () => {
      const leaseStore = async (): Promise<LeaseStore> => {
        const s = await store();
        if (!isLeaseStore(s)) return expect.fail(`${name} keeps no leases`);
        return s;
      };
      const lease = () => `lease-${randomUUID()}`;
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

      it('a free lease is taken; while it is held another is refused and told who holds it; the holder renews it', async () => {
        const s = await leaseStore();
        const name = lease();
        const before = Date.now();
        const taken = await s.acquireLease(name, 'node-a', 30);
        expect(taken.holder).toBe('node-a');
        // 30 s from now, on the store's clock (a test machine's clocks agree to well within 5 s).
        expect(Math.abs(Date.parse(taken.expiresAt) - (before + 30_000))).toBeLessThan(5_000);
        expect((await s.acquireLease(name, 'node-b', 30)).holder).toBe('node-a');
        const renewed = await s.acquireLease(name, 'node-a', 60);
        expect(renewed.holder).toBe('node-a');
        expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(taken.expiresAt) + 20_000);
      });

      it('once it has expired another takes it, and the old holder renewing is told it lost it', async () => {
        const s = await leaseStore();
        const name = lease();
        expect((await s.acquireLease(name, 'node-a', 0.3)).holder).toBe('node-a');
        expect((await s.acquireLease(name, 'node-b', 30)).holder).toBe('node-a');
        await sleep(450);
        expect((await s.acquireLease(name, 'node-b', 30)).holder).toBe('node-b');
        expect((await s.acquireLease(name, 'node-a', 30)).holder).toBe('node-b');
      });

      it('a released lease is free at once; releasing one another holds changes nothing', async () => {
        const s = await leaseStore();
        const name = lease();
        await s.acquireLease(name, 'node-a', 30);
        await s.releaseLease(name, 'node-b');
        expect((await s.acquireLease(name, 'node-b', 30)).holder).toBe('node-a');
        await s.releaseLease(name, 'node-a');
        expect((await s.acquireLease(name, 'node-b', 30)).holder).toBe('node-b');
      });

      it('leases of different names are held apart', async () => {
        const s = await leaseStore();
        const [first, second] = [lease(), lease()];
        expect((await s.acquireLease(first, 'node-a', 30)).holder).toBe('node-a');
        expect((await s.acquireLease(second, 'node-b', 30)).holder).toBe('node-b');
        expect((await s.acquireLease(first, 'node-b', 30)).holder).toBe('node-a');
      });

      it('of ten holders asking at once for a free lease, one gets it and every one is told the same', async () => {
        const s = await leaseStore();
        const name = lease();
        const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => s.acquireLease(name, `node-${i}`, 30)));
        const holders = new Set(answers.map((a) => a.holder));
        expect(holders.size).toBe(1);
        expect([...holders][0]).toMatch(/^node-\d$/);
      });
    });
  });
}
