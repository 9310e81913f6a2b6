import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppendSignal, followByReading } from './catchUp.js';
import {
  type AppendResult,
  type EventCodec,
  type EventStore,
  type ExpectedRevision,
  type LeaseHolding,
  type LeaseStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  WrongExpectedRevisionError,
  expectedMatches,
} from './port.js';
import { assertDistinctParts, duplicateIdError, sameEvents } from './shared.js';

type Row = {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id  TEXT    NOT NULL UNIQUE,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE TABLE IF NOT EXISTS leases (
  name       TEXT    PRIMARY KEY,
  holder     TEXT    NOT NULL,
  expires_ms INTEGER NOT NULL
);`;

/**
 * The embedded default. Durable by default: WAL journal, synchronous=FULL (an acknowledged append
 * is on disk), one IMMEDIATE transaction per append, of one stream or several (the expected-revision
 * checks and the inserts cannot interleave with another writer, in this process or another). Positions are SQLite's
 * AUTOINCREMENT rowids: writers are serialised, so a reader never sees a later position before an
 * earlier one.
 */
export class SqliteEventStore implements EventStore, LeaseStore {
  private readonly db: Database.Database;
  private readonly appended = new AppendSignal();
  private readonly statements;
  private readonly appendTransaction;

  constructor(
    readonly file: string,
    private readonly codec: EventCodec = (e) => e,
    { synchronous = 'FULL' }: { synchronous?: 'FULL' | 'NORMAL' | 'OFF' } = {},
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.statements = {
      head: db.prepare<[string], { revision: number; position: number }>(
        'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
      ),
      byId: db.prepare<[string], Row>('SELECT * FROM events WHERE event_id = ?'),
      insert: db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)'),
      forwards: db.prepare<[string, number, number], Row>(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      backwards: db.prepare<[string, number, number], Row>(
        'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      all: db.prepare<[number, number], Row>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      lastPosition: db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
      // Taken when free, expired or the asker's own; one statement, so two processes cannot both take it.
      takeLease: db.prepare<[{ name: string; holder: string; now: number; ms: number }]>(
        `INSERT INTO leases (name, holder, expires_ms) VALUES (@name, @holder, @now + @ms) ON CONFLICT (name) DO UPDATE
         SET holder = excluded.holder, expires_ms = excluded.expires_ms WHERE leases.holder = excluded.holder OR leases.expires_ms <= @now`,
      ),
      lease: db.prepare<[string], { holder: string; expires_ms: number }>('SELECT holder, expires_ms FROM leases WHERE name = ?'),
      releaseLease: db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND holder = ?'),
    };
    // One part, inside the caller's transaction: an error rolls back every part of the append.
    const appendPart = ({ streamId, events, expected }: StreamAppend): AppendResult => {
      const head = this.statements.head.get(streamId);
      const current = head?.revision ?? -1;
      const already = events.map((e) => this.statements.byId.get(e.id)).map((row) => (row ? toRecorded(row) : undefined));
      if (already.some((e) => e !== undefined)) {
        if (!sameEvents(streamId, events, already)) throw duplicateIdError(events, already);
        return { nextExpectedRevision: current, position: already.at(-1)!.position };
      }
      if (!expectedMatches(expected, current))
        throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);
      let revision = current;
      let position = head?.position ?? -1;
      for (const event of events) {
        revision += 1;
        const info = this.statements.insert.run(
          event.id,
          streamId,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        );
        position = Number(info.lastInsertRowid);
      }
      return { nextExpectedRevision: revision, position };
    };
    this.appendTransaction = db.transaction((parts: readonly StreamAppend[]): AppendResult[] => parts.map(appendPart));
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return (await this.appendMany([{ streamId, events, expected }]))[0]!;
  }

  /** Every part in one IMMEDIATE transaction: one durable commit, all or nothing. */
  async appendMany(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertDistinctParts(parts);
    const results = this.appendTransaction.immediate(parts);
    if (parts.some((p) => p.events.length > 0)) this.appended.notify();
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER } = options;
    const rows =
      direction === 'forwards'
        ? this.statements.forwards.all(streamId, options.fromRevision ?? 0, maxCount)
        : this.statements.backwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount);
    return rows.map((row) => this.codec(toRecorded(row)));
  }

  async readAll({ after = -1, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.statements.all.all(after, maxCount).map((row) => this.codec(toRecorded(row)));
  }

  subscribeToAll(options: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void): Promise<void> {
    return followByReading(this, this.appended, options, onEvent);
  }

  async headPosition(): Promise<number> {
    return this.statements.lastPosition.get()?.position ?? -1;
  }

  /** Leases between the processes sharing the file; they share one machine, so its clock (Date.now) counts the expiry. */
  async acquireLease(name: string, holder: string, seconds: number): Promise<LeaseHolding> {
    this.statements.takeLease.run({ name, holder, now: Date.now(), ms: Math.round(seconds * 1000) });
    const lease = this.statements.lease.get(name)!;
    return { holder: lease.holder, expiresAt: new Date(lease.expires_ms).toISOString() };
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.statements.releaseLease.run(name, holder);
  }

  /** The durability settings in force on this connection (synchronous: 0 OFF, 1 NORMAL, 2 FULL). */
  pragmas(): { journalMode: string; synchronous: number } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
    };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toRecorded(row: Row): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}
