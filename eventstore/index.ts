import { join } from 'node:path';
import type { EventCodec, EventStore } from './port.js';
import { MemoryEventStore } from './memory.js';
import { SqliteEventStore } from './sqlite.js';

export type StoreConfig = { kind: 'sqlite' | 'memory' | 'kurrentdb'; dataDir: string; kurrentdbUrl?: string };

/** The one place an adapter is chosen. */
export async function openEventStore(config: StoreConfig, codec?: EventCodec): Promise<EventStore> {
  switch (config.kind) {
    case 'memory':
      return new MemoryEventStore(codec);
    case 'sqlite':
      return new SqliteEventStore(join(config.dataDir, 'taizhang.sqlite'), codec);
    case 'kurrentdb':
      throw new Error('KurrentDB adapter not wired yet');
  }
}
