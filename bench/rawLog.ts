import Database from 'better-sqlite3';
import { GENESIS_HASH, eventHash } from '../eventstore/hashChain.js';
import type { EventMetadata, NewEvent } from '../eventstore/port.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { generateCounty } from '../tests/support/countyLog.js';

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

/** Writes the generated county in time order: each problem's events wait in a buffer until no later problem can come before them. */
export function writeTimeOrdered(
  file: string,
  target: number,
  county: Omit<Parameters<typeof generateCounty>[0], 'problems' | 'grouped' | 'onProblem'> = {},
): { events: number; problems: number } {
  const log = rawLogWriter(file);
  type Timed = { ms: number; seq: number; entry: RawLogEntry };
  let pending: Timed[] = [];
  let seq = 0;
  let events = 0;
  let sinceFlush = 0;
  const flush = (before: number) => {
    pending.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
    const cut = pending.findIndex((t) => t.ms >= before);
    const ready = cut < 0 ? pending : pending.slice(0, cut);
    pending = cut < 0 ? [] : pending.slice(cut);
    for (let i = 0; i < ready.length; i += 20_000) log.write(ready.slice(i, i + 20_000).map((t) => t.entry));
  };
  const problems = Math.round(target / 9.25);
  generateCounty({
    ...county,
    problems,
    grouped: true,
    onProblem: (entries) => {
      let first = Number.POSITIVE_INFINITY;
      for (const entry of entries) {
        const ms = Date.parse(entry.event.metadata.occurredAt);
        if (ms < first) first = ms;
        pending.push({ ms, seq: seq++, entry });
      }
      events += entries.length;
      // Problems are raised in time order, each within an hour of its slot: nothing later can come before `first - 1 h`.
      // Flushed once as many events came as wait (at least 50,000): the waiting ones are sorted again at each flush.
      if ((sinceFlush += entries.length) >= Math.max(50_000, pending.length / 2)) {
        flush(first - 3_600_000);
        sinceFlush = 0;
      }
    },
  });
  flush(Number.POSITIVE_INFINITY);
  log.close();
  return { events, problems };
}
