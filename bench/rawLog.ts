import Database from 'better-sqlite3';
import { GENESIS_HASH, eventHash } from '../eventstore/hashChain.js';
import type { EventMetadata, NewEvent } from '../eventstore/port.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';

export type RawLogEntry = { streamId: string; event: NewEvent };

/**
 * Writes a generated log straight into a new SQLite store's table, a transaction per `write`, with
 * the revisions and hashes the store and the chain would give (appending a county one command at a
 * time would measure the store): a benchmark's setup, not what it measures.
 */
export function rawLogWriter(file: string): { write: (entries: readonly RawLogEntry[]) => void; close: () => void } {
  new SqliteEventStore(file, undefined, { synchronous: 'OFF' }).close();
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const heads = new Map<string, { revision: number; hash: string }>();
  const write = db.transaction((entries: readonly RawLogEntry[]) => {
    for (const { streamId, event } of entries) {
      const head = heads.get(streamId);
      const revision = head ? head.revision + 1 : 0;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const metadata: EventMetadata = { ...event.metadata, prevHash };
      const hash = eventHash({ streamId, revision, type: event.type, data: event.data, metadata }, prevHash);
      heads.set(streamId, { revision, hash });
      insert.run(event.id, streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify({ ...metadata, hash }));
    }
  });
  return { write: (entries) => write(entries), close: () => db.close() };
}
