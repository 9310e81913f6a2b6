import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../eventstore/port.js';
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
});
