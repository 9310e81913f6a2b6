import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHECKPOINT_STREAM, CHECKPOINT_TYPE } from '../eventstore/checkpoints.js';
import type { NewEvent, RecordedEvent } from '../eventstore/port.js';
import { PostgresEventStore } from '../eventstore/postgres.js';
import { eventStoreContract } from './eventstore.contract.js';
import { freshDatabase, freshSchema, query } from './support/postgres.js';

const database = await freshDatabase('eventstore');

/** The URL each store was opened on, so a second store can open the same log. */
const urls = new WeakMap<object, string>();
eventStoreContract(
  'postgres',
  async (codec) => {
    const url = await freshSchema(database);
    const store = await PostgresEventStore.open(url, codec);
    urls.set(store, url);
    return store;
  },
  { readsLinks: (written) => PostgresEventStore.open(urls.get(written)!) },
);

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with what is seen once `test` holds, or fails after `ms`. */
async function eventually<T>(read: () => T, test: (value: T) => boolean, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (test(value)) return value;
    if (Date.now() > until) throw new Error(`not reached in ${ms} ms: ${JSON.stringify(value)}`);
    await sleep(20);
  }
}

/** Stores and clients a test opened, closed after it. */
const opened: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});
const open = async (url: string) => {
  const store = await PostgresEventStore.open(url);
  opened.push(store);
  return store;
};

describe('postgres event store under concurrent transactions', () => {
  const client = async (url: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    opened.push({ close: () => c.end() });
    return c;
  };

  it('the gap is real: without the append lock, a follower reading between two commits skips the lower position', async () => {
    const url = await freshSchema(database);
    await (await open(url)).close(); // the table, as the store creates it
    const [lower, higher] = [await client(url), await client(url)];
    const insert = (c: pg.Client, e: NewEvent, streamId: string) =>
      c.query<{ position: string }>(
        'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES ($1, $2, 0, $3, $4, $5) RETURNING position',
        [e.id, streamId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)],
      );
    await lower.query('BEGIN');
    const low = Number((await insert(lower, event(1), 'a')).rows[0]!.position);
    const high = Number((await insert(higher, event(2), 'b')).rows[0]!.position); // autocommit: committed now
    expect(high).toBeGreaterThan(low);

    // A follower reads now, as followByReading does, and moves its position to the last event it saw.
    const seen = await query<{ position: string }>(url, 'SELECT position FROM events WHERE position > $1 ORDER BY position', [-1]);
    expect(seen.map((r) => Number(r.position))).toEqual([high]);
    await lower.query('COMMIT');
    const next = await query(url, 'SELECT position FROM events WHERE position > $1 ORDER BY position', [high]);
    // Position `low` is committed now, below where the follower stands: it would never be delivered.
    expect(next).toEqual([]);
  });

  it('through the store, an append held open before its commit keeps a later one waiting, and followers skip nothing', async () => {
    const url = await freshSchema(database);
    const [first, second, reader] = [await open(url), await open(url), await open(url)];

    // Hold the first store's next append open after its INSERT (its position drawn) until released.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let drawn!: () => void;
    const positionDrawn = new Promise<void>((resolve) => (drawn = resolve));
    const connect = first.pool.connect.bind(first.pool) as () => Promise<pg.PoolClient>;
    (first.pool as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
      const c = await connect();
      const q = c.query.bind(c) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
      (c as unknown as { query: typeof q }).query = async (text: string, values?: unknown[]) => {
        const result = await q(text, values);
        if (typeof text === 'string' && text.startsWith('INSERT INTO events')) {
          drawn();
          await gate;
        }
        return result;
      };
      return c;
    };

    // A follower on a third connection pool (another server), from the start of the log.
    const controller = new AbortController();
    const followed: RecordedEvent[] = [];
    const following = reader.subscribeToAll({ signal: controller.signal }, (e) => void followed.push(e));

    const a = first.appendToStream('a', [event(1)], 'no_stream');
    await positionDrawn;
    const b = second.appendToStream('b', [event(2)], 'no_stream');
    let bDone = false;
    void b.then(() => (bDone = true));
    try {
      // While the lower append is open, the higher one cannot draw a position, let alone commit.
      await sleep(300);
      expect(bDone).toBe(false);
      expect(await reader.readAll({ maxCount: 10 })).toEqual([]);
      expect(followed).toEqual([]);
    } finally {
      release();
    }
    const [resultA, resultB] = await Promise.all([a, b]);
    expect(resultB.position).toBeGreaterThan(resultA.position);
    const seen = await eventually(
      () => followed,
      (f) => f.length >= 2,
    );
    controller.abort();
    await following;
    expect(seen.map((e) => [e.streamId, e.position])).toEqual([
      ['a', resultA.position],
      ['b', resultB.position],
    ]);
  });

  it('many writers on several servers at once: every acknowledged event is followed, once, in position order', async () => {
    const url = await freshSchema(database);
    const servers = [await open(url), await open(url), await open(url)];
    const controller = new AbortController();
    const followed: RecordedEvent[] = [];
    const following = servers[0]!.subscribeToAll({ signal: controller.signal }, (e) => void followed.push(e));
    const acknowledged = await Promise.all(
      Array.from({ length: 60 }, (_, i) => servers[i % 3]!.appendToStream(`s-${i % 7}`, [event(i), event(i)], 'any')),
    );
    const positions = acknowledged.map((r) => r.position);
    await eventually(
      () => followed.length,
      (n) => n >= 120,
    );
    await sleep(100);
    controller.abort();
    await following;
    expect(followed).toHaveLength(120);
    for (let i = 1; i < followed.length; i++) expect(followed[i]!.position).toBeGreaterThan(followed[i - 1]!.position);
    for (const p of positions) expect(followed.some((e) => e.position === p)).toBe(true);
  });

  it('wakes a follower on another server through LISTEN/NOTIFY, well before its half-second poll', async () => {
    const url = await freshSchema(database);
    const [writer, follower] = [await open(url), await open(url)];
    const controller = new AbortController();
    const followed: number[] = [];
    const following = follower.subscribeToAll({ signal: controller.signal }, () => void followed.push(Date.now()));
    await sleep(100); // the follower has read the empty log and waits
    const lags: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      await writer.appendToStream('x', [event(i)], 'any');
      await eventually(
        () => followed.length,
        (n) => n > i,
      );
      lags.push(followed[i]! - started);
      await sleep(50);
    }
    controller.abort();
    await following;
    expect(Math.max(...lags)).toBeLessThan(250);
  });

  it('applies its migrations once, whoever opens the store, and several at once', async () => {
    const url = await freshSchema(database);
    await Promise.all(Array.from({ length: 4 }, () => open(url)));
    await (await open(url)).appendToStream('m', [event(0)], 'no_stream');
    expect(await query(url, 'SELECT version FROM event_store_migrations ORDER BY version')).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('keeps acknowledged events across close and reopen, and carries on numbering after them', async () => {
    const url = await freshSchema(database);
    const first = await PostgresEventStore.open(url);
    const written = await first.appendToStream('durable', [event(1), event(2)], 'no_stream');
    await first.close();
    const again = await open(url);
    expect((await again.readStream('durable')).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await again.headPosition()).toBe(written.position);
    expect((await again.appendToStream('durable', [event(3)], 1)).position).toBeGreaterThan(written.position);
  });
});

describe('postgres event store reading checkpoints', () => {
  it('given checkpoints in the store, when their stream and the log are read, then each one’s data is parsed here only when asked for, once, and is the one recorded', async () => {
    const url = await freshSchema(database);
    const writer = await open(url);
    const checkpoint = (position: number): NewEvent => ({
      ...event(0),
      type: CHECKPOINT_TYPE,
      data: {
        position,
        eventCount: position + 1,
        streamCount: 1,
        merkleRoot: 'ab'.repeat(32),
        previousPosition: -1,
        moved: [['s', 0, 'cd'.repeat(32)]],
        reason: 'events',
      },
    });
    await writer.appendToStream('s', [event(1)], 'no_stream');
    const recorded = [checkpoint(1), checkpoint(2)];
    await writer.appendToStream(CHECKPOINT_STREAM, recorded, 'no_stream');

    const reader = await open(url);
    const parse = vi.spyOn(JSON, 'parse');
    const checkpointsParsed = () => parse.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('"merkleRoot"'));
    try {
      const forwards = await reader.readStream(CHECKPOINT_STREAM);
      const [newest] = await reader.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 });
      const log = await reader.readAll({ maxCount: 10 });
      expect(log.map((e) => e.type)).toEqual(['ThingHappened', CHECKPOINT_TYPE, CHECKPOINT_TYPE]);
      expect(log[0]!.data).toEqual({ n: 1 });
      expect(checkpointsParsed()).toEqual([]);

      expect(forwards.map((e) => e.data)).toEqual(recorded.map((e) => e.data));
      expect(newest!.data).toEqual(recorded[1]!.data);
      expect(log[1]!.data).toEqual(recorded[0]!.data);
      expect(checkpointsParsed()).toHaveLength(4);
      expect(forwards[0]!.data).toBe(forwards[0]!.data);
      expect(checkpointsParsed()).toHaveLength(4);
    } finally {
      parse.mockRestore();
    }
  });
});
