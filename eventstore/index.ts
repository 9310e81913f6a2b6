import { join } from 'node:path';
import type { EventCodec, EventStore } from './port.js';
import { HashChainedEventStore } from './hashChain.js';
import { MemoryEventStore } from './memory.js';
import { SqliteEventStore } from './sqlite.js';

export type StoreConfig = { kind: 'sqlite' | 'memory' | 'kurrentdb'; dataDir: string; kurrentdbUrl?: string };

/** The SQLite file inside a data directory. */
export const sqliteFile = (dataDir: string) => join(dataDir, 'taizhang.sqlite');

/**
 * The one place an adapter is chosen. Every adapter is wrapped in the hash chain (always on), and
 * the codec runs in the chain's reads so the adapter underneath still returns events as stored.
 */
export async function openEventStore(config: StoreConfig, codec?: EventCodec): Promise<HashChainedEventStore> {
  return new HashChainedEventStore(await openAdapter(config), codec);
}

async function openAdapter(config: StoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'memory':
      return new MemoryEventStore();
    case 'sqlite':
      return new SqliteEventStore(sqliteFile(config.dataDir));
    case 'kurrentdb':
      throw new Error('KurrentDB adapter not wired yet');
  }
}
