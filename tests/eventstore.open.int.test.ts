import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HashChainedEventStore } from '../eventstore/hashChain.js';
import { openEventStore } from '../eventstore/index.js';
import { MemoryEventStore } from '../eventstore/memory.js';
import type { EventCodec, EventStore } from '../eventstore/port.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';

const identity: EventCodec = (e) => e;

describe('openEventStore', () => {
  const dataDir = join(tmpdir(), `taizhang-open-${randomUUID()}`);
  const opened: EventStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens SQLite at taizhang.sqlite in the data folder, creating the folder', async () => {
    const store = await openEventStore({ kind: 'sqlite', dataDir }, identity);
    opened.push(store);
    expect(store).toBeInstanceOf(HashChainedEventStore);
    expect(store.inner).toBeInstanceOf(SqliteEventStore);
    expect(existsSync(join(dataDir, 'taizhang.sqlite'))).toBe(true);
  });

  it('opens the in-memory store', async () => {
    const store = await openEventStore({ kind: 'memory', dataDir }, identity);
    opened.push(store);
    expect(store.inner).toBeInstanceOf(MemoryEventStore);
  });

  it('refuses kurrentdb without a connection string', async () => {
    await expect(openEventStore({ kind: 'kurrentdb', dataDir }, identity)).rejects.toThrow(/KURRENTDB_URL/);
  });

  it('applies the codec it is given', async () => {
    const codec: EventCodec = (e) => ({ ...e, data: { decoded: true } });
    const store = await openEventStore({ kind: 'memory', dataDir }, codec);
    opened.push(store);
    const metadata = {
      actor: { userId: 'u-1', name: '赵六', unitId: null, role: 'clerk' },
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: '2025-05-01T00:00:00.000Z',
      schemaVersion: 1,
    };
    await store.appendToStream('s', [{ id: randomUUID(), type: 'T', data: {}, metadata }], 'no_stream');
    expect((await store.readStream('s'))[0]!.data).toEqual({ decoded: true });
  });
});
