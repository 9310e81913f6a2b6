import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { EventMetadata, RecordedEvent } from '../eventstore/port.js';
import type { Projection, StoredState } from './runner.js';

/** One line of the audit trail: who did what, when — the event's metadata, never its data. */
export type AuditEntry = {
  position: number;
  streamId: string;
  type: string;
  occurredAt: string;
  /** Epoch milliseconds of occurredAt, for filtering by time. */
  at: number;
  actor: EventMetadata['actor'];
  commandId: string;
};

/** Which entries to list: by whom, for which unit, in which time (epoch ms, `to` exclusive), older than a position. */
export type AuditFilter = {
  actorUserId?: string | null;
  unitId?: string | null;
  from?: number | null;
  to?: number | null;
  before?: number | null;
  limit: number;
};

/** Events applied between two commits while catching up: bounds the transaction, not the answers (the connection reads its own rows). */
const COMMIT_EVERY = 20_000;
/**
 * Live, the rows applied are committed at most this often (ms), not at every turn: a transaction per
 * command cost about 20 µs of CPU, a fiftieth of the command (issue 12, aim 4). Nothing else reads this
 * file (exclusive lock) and the position committed is always that of the rows committed, so a crash
 * loses only a moment's rows, applied again from the log at the next start.
 */
const COMMIT_AFTER_MS = 100;

type Row = {
  position: number;
  stream_id: string;
  type: number;
  at: number | null;
  written_at: string | null;
  actor: number;
  command_id: string;
};

/**
 * The audit trail (审计日志), kept out of the heap (issue 12: it held 118 MB per million events in
 * columns, and a county's ten million would not fit): a table in a read-model database of the
 * node's own (SQLite, beside the data folder; a private temporary file when none is given), one row
 * per event, written as the projection follows the log, its position committed in the same
 * transaction, so a restart goes on from there and a crash loses nothing it claims to hold.
 * Why not a query on the store's events table: that works on SQLite and PostgreSQL only (not the
 * memory store, not KurrentDB), needs indexes on JSON inside the store's own schema, and filters by
 * instant (`at`), which the stored ISO text does not order when offsets differ; this table works
 * on every store and keeps the metadata only (account events carry password hashes and reports
 * evidence, an audit reader needs neither).
 * Types, actors, users and units are kept once (`names`, `actors`) and pointed at by number;
 * `occurredAt` is kept only when it is not the canonical ISO form of its milliseconds (`at`).
 * Indexes on (user, position), (unit, position) and (at) let a filtered page read what it lists.
 * The file is locked for this process (`locking_mode = EXCLUSIVE`): a second server on the same
 * data folder keeps a private temporary table of its own instead of writing into this one.
 */
export class AuditTrail implements StoredState {
  private readonly db: Database.Database;
  private readonly names = new Map<string, number>();
  private readonly actorIds = new Map<string, number>();
  private readonly actorById = new Map<number, EventMetadata['actor']>();
  private readonly nameById = new Map<number, string>();
  private readonly statements;
  private readonly queries = new Map<string, Database.Statement>();
  private applied: { position: number; eventId: string } | null = null;
  private pending = 0;
  private commitQueued = false;
  /** Where the database is: the file given, or '' (a private temporary file) when that one is another process's. */
  readonly file: string;

  constructor(
    file: string,
    private readonly version: number,
    log: (message: string) => void = console.log,
  ) {
    let db = open(file);
    if (!db) {
      log(`The read-model database ${file} is in use by another process: this one keeps its audit trail in a temporary file.`);
      db = open('')!;
      file = '';
    }
    this.db = db;
    this.file = file;
    this.statements = {
      insert: db.prepare(
        'INSERT OR REPLACE INTO audit (position, stream_id, type, at, written_at, actor, user_id, unit_id, command_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      name: db.prepare('INSERT INTO names (name) VALUES (?)'),
      actor: db.prepare('INSERT INTO actors (actor) VALUES (?)'),
      saveAt: db.prepare("INSERT OR REPLACE INTO stored (name, version, position, event_id) VALUES ('audit', ?, ?, ?)"),
      storedAt: db.prepare<[], { version: number; position: number; event_id: string | null }>(
        "SELECT version, position, event_id FROM stored WHERE name = 'audit'",
      ),
    };
    for (const { id, name } of db.prepare<[], { id: number; name: string }>('SELECT id, name FROM names').all()) {
      this.names.set(name, id);
      this.nameById.set(id, name);
    }
    for (const { id, actor } of db.prepare<[], { id: number; actor: string }>('SELECT id, actor FROM actors').all()) {
      this.actorIds.set(actor, id);
      this.actorById.set(id, JSON.parse(actor));
    }
  }

  storedAt() {
    if (this.applied) return { version: this.version, position: this.applied.position, eventId: this.applied.eventId };
    const row = this.statements.storedAt.get();
    return row ? { version: row.version, position: row.position, eventId: row.event_id } : null;
  }

  clear(): void {
    this.flush();
    this.db.exec('DELETE FROM audit; DELETE FROM stored;');
    this.applied = null;
  }

  /** Commits the rows applied, with the position of the last. */
  flush(): void {
    if (!this.db.inTransaction) return;
    if (this.applied) this.statements.saveAt.run(this.version, this.applied.position, this.applied.eventId);
    this.db.exec('COMMIT');
    this.pending = 0;
  }

  close(): void {
    this.flush();
    this.db.close();
  }

  private nameId(name: string): number {
    let id = this.names.get(name);
    if (id === undefined) {
      id = Number(this.statements.name.run(name).lastInsertRowid);
      this.names.set(name, id);
      this.nameById.set(id, name);
    }
    return id;
  }

  private actorId(actor: EventMetadata['actor']): number {
    const key = JSON.stringify(actor);
    let id = this.actorIds.get(key);
    if (id === undefined) {
      id = Number(this.statements.actor.run(key).lastInsertRowid);
      this.actorIds.set(key, id);
      this.actorById.set(id, actor);
    }
    return id;
  }

  apply(event: RecordedEvent): void {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    const { occurredAt, actor, commandId } = event.metadata;
    const at = Date.parse(occurredAt);
    const exact = Number.isFinite(at) && new Date(at).toISOString() === occurredAt;
    this.statements.insert.run(
      event.position,
      event.streamId,
      this.nameId(event.type),
      Number.isFinite(at) ? at : null,
      exact ? null : occurredAt,
      this.actorId(actor),
      actor.userId == null ? null : this.nameId(actor.userId),
      actor.unitId == null ? null : this.nameId(actor.unitId),
      commandId,
    );
    this.applied = { position: event.position, eventId: event.id };
    // Committed in large transactions while catching up, and a moment after the events at hand are applied.
    if (++this.pending >= COMMIT_EVERY) this.flush();
    else if (!this.commitQueued) {
      this.commitQueued = true;
      setTimeout(() => {
        this.commitQueued = false;
        if (this.db.open) this.flush();
      }, COMMIT_AFTER_MS).unref();
    }
  }

  /** The newest entries that pass the filter, newest first, at most `limit`: read backwards by position along an index. */
  entries(filter: AuditFilter): AuditEntry[] {
    const { actorUserId, unitId, from, to, before, limit } = filter;
    const where: string[] = [];
    const values: (number | string)[] = [];
    // A user or unit never seen has no entries (and no number).
    if (actorUserId) {
      const id = this.names.get(actorUserId);
      if (id === undefined) return [];
      where.push('user_id = ?');
      values.push(id);
    }
    if (unitId) {
      const id = this.names.get(unitId);
      if (id === undefined) return [];
      where.push('unit_id = ?');
      values.push(id);
    }
    // An occurredAt that does not parse (at NULL) passes a time filter, as NaN passes the comparisons it fails.
    if (from != null) {
      where.push('(at >= ? OR at IS NULL)');
      values.push(from);
    }
    if (to != null) {
      where.push('(at < ? OR at IS NULL)');
      values.push(to);
    }
    if (before != null) {
      where.push('position < ?');
      values.push(before);
    }
    const sql = `SELECT position, stream_id, type, at, written_at, actor, command_id FROM audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY position DESC LIMIT ?`;
    let query = this.queries.get(sql);
    if (!query) this.queries.set(sql, (query = this.db.prepare(sql)));
    return (query.all(...values, limit) as Row[]).map((row) => {
      const at = row.at ?? Number.NaN;
      return {
        position: row.position,
        streamId: row.stream_id,
        type: this.nameById.get(row.type)!,
        occurredAt: row.written_at ?? new Date(at).toISOString(),
        at,
        actor: this.actorById.get(row.actor)!,
        commandId: row.command_id,
      };
    });
  }

  /** How many distinct event types and actors it keeps (each once). */
  kept(): { types: number; actors: number } {
    const types = this.db.prepare<[], { n: number }>('SELECT count(DISTINCT type) AS n FROM audit').get()!.n;
    return { types, actors: this.actorById.size };
  }
}

/** Opens (creating) the database and locks it for this connection; undefined when another process holds it. */
function open(file: string): Database.Database | undefined {
  if (file !== '' && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // Rebuildable from the log: a commit need not wait for the disk; WAL keeps the file whole after a crash.
    db.pragma('synchronous = NORMAL');
    // Takes the lock now (held until close), so a second process learns at once that the file is taken.
    db.exec('BEGIN IMMEDIATE');
    db.exec(`
      CREATE TABLE IF NOT EXISTS stored (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL, event_id TEXT);
      CREATE TABLE IF NOT EXISTS names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS actors (id INTEGER PRIMARY KEY, actor TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS audit (
        position INTEGER PRIMARY KEY,
        stream_id TEXT NOT NULL,
        type INTEGER NOT NULL,
        at INTEGER,
        written_at TEXT,
        actor INTEGER NOT NULL,
        user_id INTEGER,
        unit_id INTEGER,
        command_id TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_by_user ON audit (user_id, position);
      CREATE INDEX IF NOT EXISTS audit_by_unit ON audit (unit_id, position);
      CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at);
    `);
    db.exec('COMMIT');
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw error;
  }
}

/**
 * The audit trail as a projection over a read-model database at `file` ('' for a private
 * temporary one, gone when closed). Its state is the table's handle, opened at the first
 * `initial()` and the same ever after: the runner asks it where it stands instead of snapshotting it.
 */
export function auditTrail(file = '', log?: (message: string) => void): Projection<AuditTrail> & { close: () => void } {
  let trail: AuditTrail | undefined;
  const projection = {
    name: 'audit',
    // 2: kept in columns. 3: kept in a read-model database.
    version: 3,
    stored: true as const,
    initial: () => (trail ??= new AuditTrail(file, projection.version, log)),
    apply: (view: AuditTrail, event: RecordedEvent) => view.apply(event),
    close: () => trail?.close(),
  };
  return projection;
}

/**
 * The audit trail's projection by name, for `runner.state(auditView)` (the application runs its
 * own `auditTrail(file)` under the same name); alone, it keeps its table in a temporary file.
 */
export const auditView = auditTrail();

/** The newest entries that pass the filter, newest first, at most `limit`: read backwards, so a page costs what it lists. */
export function auditEntries(view: AuditTrail, filter: AuditFilter): AuditEntry[] {
  return view.entries(filter);
}
