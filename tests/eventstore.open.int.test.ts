import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../application/config.js';
import { HashChainedEventStore } from '../eventstore/hashChain.js';
import { openEventStore } from '../eventstore/index.js';
import { MemoryEventStore } from '../eventstore/memory.js';
import type { EventCodec, EventStore } from '../eventstore/port.js';
import { PostgresEventStore } from '../eventstore/postgres.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { freshDatabase, query } from './support/postgres.js';

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

  it('opens PostgreSQL at DATABASE_URL, creating its tables on first open', async () => {
    const databaseUrl = await freshDatabase('open');
    const config = configFromEnv({ EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, DATA_DIR: dataDir });
    expect(config.store).toEqual({ kind: 'postgres', dataDir, databaseUrl });
    const store = await openEventStore(config.store, identity);
    opened.push(store);
    expect(store.inner).toBeInstanceOf(PostgresEventStore);
    const tables = await query<{ table_name: string }>(
      databaseUrl,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['event_store_migrations', 'events', 'leases']);
  });

  it('refuses postgres without a connection string, in the settings and when opening', async () => {
    expect(() => configFromEnv({ EVENT_STORE: 'postgres' })).toThrow('EVENT_STORE=postgres needs DATABASE_URL');
    await expect(openEventStore({ kind: 'postgres', dataDir }, identity)).rejects.toThrow(/DATABASE_URL/);
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
