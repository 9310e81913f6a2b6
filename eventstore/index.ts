import { join } from 'node:path';
import { HashChainedEventStore } from './hashChain.js';
import type { EventCodec, EventStore } from './port.js';

export type EventStoreKind = 'sqlite' | 'memory' | 'kurrentdb' | 'postgres';

export type EventStoreConfig = {
  kind: EventStoreKind;
  /** Where the SQLite file lives (`${dataDir}/taizhang.sqlite`). */
  dataDir: string;
  /** Required for kurrentdb, e.g. `kurrentdb://node1:2113,node2:2113,node3:2113?tls=false`. */
  kurrentdbUrl?: string;
  /** Required for postgres, e.g. `postgres://taizhang:secret@db:5432/taizhang`. */
  databaseUrl?: string;
};

/** The SQLite file inside a data directory. */
export const sqliteFile = (dataDir: string) => join(dataDir, 'taizhang.sqlite');

/**
 * The one place the adapter is chosen. Every adapter is wrapped in the hash chain (always on); the
 * codec runs in the chain's reads, so the adapter underneath still returns events exactly as
 * stored, which is what verification hashes.
 */
export async function openEventStore(config: EventStoreConfig, codec?: EventCodec): Promise<HashChainedEventStore> {
  return new HashChainedEventStore(await openAdapter(config), codec);
}

/**
 * Adapters are imported on demand: the KurrentDB client loads gRPC and a native bridge, which a
 * SQLite or in-memory run should not pay for.
 */
async function openAdapter(config: EventStoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'memory': {
      const { MemoryEventStore } = await import('./memory.js');
      return new MemoryEventStore();
    }
    case 'sqlite': {
      const { SqliteEventStore } = await import('./sqlite.js');
      return new SqliteEventStore(sqliteFile(config.dataDir));
    }
    case 'kurrentdb': {
      if (!config.kurrentdbUrl) throw new Error('The kurrentdb event store needs a connection string (KURRENTDB_URL).');
      const { KurrentDbEventStore } = await import('./kurrentdb.js');
      return new KurrentDbEventStore(config.kurrentdbUrl);
    }
    case 'postgres': {
      if (!config.databaseUrl) throw new Error('The postgres event store needs a connection string (DATABASE_URL).');
      const { PostgresEventStore } = await import('./postgres.js');
      return PostgresEventStore.open(config.databaseUrl);
    }
    default: {
      const unknown: never = config.kind;
      throw new Error(`Unknown event store kind: ${String(unknown)}`);
    }
  }
}
