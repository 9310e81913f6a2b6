import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DuplicateEventIdError, type NewEvent, WrongExpectedRevisionError } from '../eventstore/port.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { eventStoreContract } from './eventstore.contract.js';

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

eventStoreContract('sqlite', (codec) => new SqliteEventStore(tempFile(), codec));

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
});
