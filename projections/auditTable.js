// The audit trail's table (审计日志, projections/auditView.ts), written and read in a worker thread of its
// own, so the rows of a rebuild (a first start inserts one per event: about 4 s of the main thread at a
// million events, issue 12) are written on the second core while the main thread folds the other read
// models. Plain JavaScript with its types in auditTable.d.ts: a worker thread runs plain Node, without
// the TypeScript loader the server and the tests have (like eventstore/sqliteWriter.js).
// Messages: `{ batch }` (rows to write), `{ commit: true }` (commit now), `{ index: true }` (build the indexes),
// `{ call, args }` (answered on the replies port, waited for), `{ call, args, reply }` (answered on the parent port).
import { mkdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { dirname } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { canonicalMs } from './instants.js';

/**
 * Texts per event in a batch: stream id, type, occurredAt, command id (numbers: position, actor). The table keeps no
 * event's id but that of the last row committed (`stored`): a batch brings its last event's alone (`lastEventId`).
 */
const TEXTS = 4;
/**
 * Rows applied before a commit while catching up, at the end of the batch that reaches it: bounds the transaction, not the
 * answers (the connection reads its own rows).
 */
const COMMIT_EVERY = 20_000;
/** Events a fill from the log's file reads at a time (`fillFromLog`). */
const FILL_CHUNK = 5_000;
/**
 * The shared `signal` between the main thread (auditView.ts) and this one, `SIGNAL_BYTES` long. Its places: ANSWERED, set
 * here when a call waited for is answered; FILL, set by the main thread: a start's fill waits to begin (WAIT), may run
 * (RUN), or is to stop (STOP: the trail is closing).
 */
export const SIGNAL_BYTES = 8;
export const ANSWERED = 0;
export const FILL = 1;
export const WAIT = 0;
export const RUN = 1;
export const STOP = 2;
/**
 * Live, the rows applied are committed at most this often (ms), not at every batch: a transaction per
 * command cost about 20 µs of CPU (issue 12, aim 4). Nothing else reads this file (exclusive lock) and
 * the position committed is always that of the rows committed, so a crash loses only a moment's rows,
 * applied again from the log at the next start.
 */
const COMMIT_AFTER_MS = 100;
/**
 * The indexes a filtered page reads along. A table filled from nothing (a first start, a rebuild) is filled without them,
 * and they are built over its rows once the runner has caught up with the log (`index`). A table that has them keeps
 * them. Kept row by row, they cost a first start at a million events about 3 s more of this thread's CPU, on the core
 * the main thread shares while it folds the other read models (issue 12, aim 1); built over the rows, about 1 s.
 */
const INDEXES = `
  CREATE INDEX IF NOT EXISTS audit_by_user ON audit (user_id, position);
  CREATE INDEX IF NOT EXISTS audit_by_unit ON audit (unit_id, position);
  CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at);
`;
const NO_INDEXES = 'DROP INDEX IF EXISTS audit_by_user; DROP INDEX IF EXISTS audit_by_unit; DROP INDEX IF EXISTS audit_by_time;';

/**
 * The table over a connection opened (and locked) by `open`. Types, actors, users and units are kept
 * once (`names`, `actors`) and pointed at by number; `occurredAt` is kept only when it is not the
 * canonical ISO form of its milliseconds (`at`).
 */
export class AuditTable {
  /** The table in `file` ('' for a private temporary file); undefined when another process holds that file. */
  static open(file, version) {
    const db = open(file);
    return db && new AuditTable(db, version);
  }

  constructor(db, version) {
    this.db = db;
    this.version = version;
    this.names = new Map();
    this.nameById = new Map();
    this.actorIds = new Map();
    this.actorById = new Map();
    this.queries = new Map();
    this.applied = null;
    this.pending = 0;
    /** Whether a fill stopped before its end (`fillFromLog`): rows posted after it are not written. */
    this.cutShort = false;
    /** Actor ids by the number the main thread gave each actor it posted (auditView.ts `actorRef`). */
    this.actorSlots = [];
    this.statements = {
      insert: db.prepare(
        'INSERT OR REPLACE INTO audit (position, stream_id, type, at, written_at, actor, user_id, unit_id, command_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      name: db.prepare('INSERT INTO names (name) VALUES (?)'),
      actor: db.prepare('INSERT INTO actors (actor) VALUES (?)'),
      saveAt: db.prepare("INSERT OR REPLACE INTO stored (name, version, position, event_id) VALUES ('audit', ?, ?, ?)"),
      storedAt: db.prepare("SELECT version, position, event_id FROM stored WHERE name = 'audit'"),
    };
    for (const { id, name } of db.prepare('SELECT id, name FROM names').all()) {
      this.names.set(name, id);
      this.nameById.set(id, name);
    }
    for (const { id, actor } of db.prepare('SELECT id, actor FROM actors').all()) {
      this.actorIds.set(actor, id);
      this.actorById.set(id, JSON.parse(actor));
    }
    // Holding nothing, it is filled without its indexes (INDEXES).
    if (!this.statements.storedAt.get()) db.exec(NO_INDEXES);
  }

  storedAt() {
    if (this.applied) return { version: this.version, position: this.applied.position, eventId: this.applied.eventId };
    const row = this.statements.storedAt.get();
    return row ? { version: row.version, position: row.position, eventId: row.event_id } : null;
  }

  clear() {
    this.flush();
    this.db.exec(`${NO_INDEXES} DELETE FROM audit; DELETE FROM stored;`);
    this.applied = null;
  }

  /**
   * Builds the indexes it lacks over the rows it holds (INDEXES), after committing them, at the lowest priority: built at
   * the thread's own, their second of CPU at a million rows met the start's last steps (the scheduler's first pass, the
   * transport built) and kept the main thread waiting for a core: /healthz waited 66-106 ms in the last 4 s before ready
   * in 3 of 11 first starts at 1M, and over 50 ms there in none of 5 at the lowest (issue 12, aim 3). Where the priority
   * may not be raised again (`atLowestPriority`), its rows and pages are written and read when the cores have time.
   */
  index() {
    this.flush();
    // Over a fill cut short (closing), the next start's fill would keep them row by row: built after it instead.
    if (this.cutShort) return;
    const indexes = this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit'").get().n;
    if (indexes === 3) return;
    atLowestPriority(() => this.db.exec(INDEXES));
  }

  /** Commits the rows applied, with the position of the last. */
  flush() {
    if (!this.db.inTransaction) return;
    if (this.applied) this.statements.saveAt.run(this.version, this.applied.position, this.applied.eventId);
    this.db.exec('COMMIT');
    this.pending = 0;
  }

  close() {
    this.flush();
    this.db.close();
  }

  nameId(name) {
    let id = this.names.get(name);
    if (id === undefined) {
      id = Number(this.statements.name.run(name).lastInsertRowid);
      this.names.set(name, id);
      this.nameById.set(id, name);
    }
    return id;
  }

  actorId(actor) {
    const key = JSON.stringify(actor);
    let id = this.actorIds.get(key);
    if (id === undefined) {
      id = Number(this.statements.actor.run(key).lastInsertRowid);
      this.actorIds.set(key, id);
      this.actorById.set(id, actor);
    }
    return id;
  }

  /**
   * Writes a batch (auditView.ts `post`): per event four texts (stream id, type, occurredAt, command id), cut
   * from `text` by `lengths`, and two numbers (position; the actor's number, or -1 for the next of `actors`);
   * the id of its last event. True when rows are left to commit.
   */
  applyBatch({ text, lengths, numbers, actors, lastEventId }) {
    // After a fill cut short, its rows would leave a gap before them (`fillFromLog`).
    if (numbers.length === 0 || this.cutShort) return this.db.inTransaction;
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    let offset = 0;
    const next = (i) => text.slice(offset, (offset += lengths[i]));
    let newActors = 0;
    for (let e = 0; e < numbers.length / 2; e++) {
      const t = e * TEXTS;
      const streamId = next(t);
      const type = next(t + 1);
      const occurredAt = next(t + 2);
      const commandId = next(t + 3);
      const ref = numbers[e * 2 + 1];
      let actorId;
      if (ref >= 0) actorId = this.actorSlots[ref];
      else this.actorSlots.push((actorId = this.actorId(actors[newActors++])));
      this.insert(numbers[e * 2], streamId, type, occurredAt, actorId, commandId);
    }
    this.applied = { position: numbers[numbers.length - 2], eventId: lastEventId };
    // Committed in large transactions while catching up.
    this.pending += numbers.length / 2;
    if (this.pending >= COMMIT_EVERY) this.flush();
    return this.db.inTransaction;
  }

  /**
   * Fills the table from the log's own SQLite file (`file`, read here through a connection of this thread's), with the
   * events after `after` up to `upTo`: the rows the main thread would have posted for them, read and written on this
   * thread (issue 12, aim 1: gathering and posting them cost a first start about 0.8 µs of the main thread an event).
   * Read in chunks of FILL_CHUNK events, each its own read of the file (one read over the whole fill would keep the log's
   * WAL from being checkpointed past it), and committed every COMMIT_EVERY rows with the last one's position, as a
   * catch-up's batches are; true when rows are left to commit. A fill of more than COMMIT_EVERY events runs at the lowest
   * priority, as the indexes are built (`index`). A log that ends before `upTo` (the runner found its head there) is an
   * error, found at once. `goOn` is asked before each chunk (the first time, it waits until the main thread lets the fill
   * begin: auditView.ts `fillFromLog`); when it says no (the trail is closing), the fill stops there: the table then holds
   * every event up to its last row and none after, and writes none of the rows posted after the fill (`cutShort`), so the
   * next start fills it from there.
   */
  fillFromLog(file, after, upTo, goOn = () => true) {
    const log = new Database(file, { readonly: true, fileMustExist: true });
    const endsBefore = (last) =>
      new Error(`The log's file ${file} ends at position ${last}, before ${upTo}, where the audit trail was to be filled up to.`);
    const fill = () => {
      const rows = log
        .prepare(
          'SELECT position, event_id, stream_id, type, metadata FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?',
        )
        .raw(true);
      for (let last = after; last < upTo; ) {
        if (!goOn()) {
          this.cutShort = true;
          return;
        }
        const chunk = rows.all(last, upTo, FILL_CHUNK);
        if (chunk.length === 0) throw endsBefore(last);
        for (const [position, eventId, streamId, type, metadata] of chunk) {
          if (!this.db.inTransaction) this.db.exec('BEGIN');
          const { occurredAt, actor, commandId } = JSON.parse(metadata);
          this.insert(position, streamId, type, occurredAt, this.actorId(actor), commandId);
          this.applied = { position, eventId };
          last = position;
          if (++this.pending >= COMMIT_EVERY) this.flush();
        }
      }
    };
    try {
      const last = log.prepare('SELECT max(position) AS last FROM events').get().last ?? -1;
      if (last < upTo) throw endsBefore(last);
      if (upTo - after > COMMIT_EVERY) atLowestPriority(fill);
      else fill();
    } finally {
      log.close();
    }
    return this.db.inTransaction;
  }

  /** One event's row. */
  insert(position, streamId, type, occurredAt, actorId, commandId) {
    const actor = this.actorById.get(actorId);
    // `at` is occurredAt's milliseconds; occurredAt itself is kept only when it is not their canonical ISO form.
    let at = canonicalMs(occurredAt);
    const exact = at !== undefined;
    if (!exact) at = Date.parse(occurredAt);
    this.statements.insert.run(
      position,
      streamId,
      this.nameId(type),
      Number.isFinite(at) ? at : null,
      exact ? null : occurredAt,
      actorId,
      actor.userId == null ? null : this.nameId(actor.userId),
      actor.unitId == null ? null : this.nameId(actor.unitId),
      commandId,
    );
  }

  /** The newest entries that pass the filter, newest first, at most `limit`: read backwards by position along an index. */
  entries(filter) {
    const { actorUserId, unitId, from, to, before, limit } = filter;
    const where = [];
    const values = [];
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
    return query.all(...values, limit).map((row) => {
      const at = row.at ?? Number.NaN;
      return {
        position: row.position,
        streamId: row.stream_id,
        type: this.nameById.get(row.type),
        occurredAt: row.written_at ?? new Date(at).toISOString(),
        at,
        actor: this.actorById.get(row.actor),
        commandId: row.command_id,
      };
    });
  }

  /** How many distinct event types and actors it keeps (each once). */
  kept() {
    const types = this.db.prepare('SELECT count(DISTINCT type) AS n FROM audit').get().n;
    return { types, actors: this.actorById.size };
  }
}

/**
 * Runs `work` with this thread at the lowest priority, then back at its own (on Linux the priority is the thread's alone).
 * Where it may not be raised again (no root nor CAP_SYS_NICE), the thread stays at the lowest.
 */
function atLowestPriority(work) {
  const priority = getPriority();
  setPriority(19);
  try {
    return work();
  } finally {
    try {
      setPriority(priority);
    } catch {}
  }
}

/** Opens (creating) the database and locks it for this connection; undefined when another process holds it. */
function open(file) {
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
    `);
    db.exec('COMMIT');
    return db;
  } catch (error) {
    db.close();
    if (error.code === 'SQLITE_BUSY') return undefined;
    throw error;
  }
}

/**
 * The worker: batches of rows come on its parent port (no answer), calls too; a call's answer goes on
 * the `replies` port, then `signal` is set (its ANSWERED place), so the main thread, waiting on it (Atomics.wait), reads the
 * answer at once (receiveMessageOnPort); a call with a `reply` number (a page, which may come while the
 * indexes are built) is answered on the parent port instead, through the main thread's event loop.
 * Messages are handled in the order sent: a call sees every row posted before it. Rows left uncommitted are committed COMMIT_AFTER_MS after the last batch.
 * A write that fails stops the table: the error goes to the main thread, and every later call throws it.
 */
if (!isMainThread && workerData?.auditTable) {
  const { signal, replies } = workerData.auditTable;
  const flag = new Int32Array(signal);
  let table;
  let failure;
  let timer;
  const commitSoon = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      try {
        if (table?.db.open) table.flush();
      } catch (error) {
        fail(error);
      }
    }, COMMIT_AFTER_MS);
  };
  const fail = (error) => {
    failure ??= error;
    parentPort.postMessage({ failed: { message: error.message, code: error.code } });
  };
  const answerWaited = (message) => {
    replies.postMessage(message);
    Atomics.store(flag, ANSWERED, 1);
    Atomics.notify(flag, ANSWERED);
  };
  parentPort.on('message', (message) => {
    if (message.commit || message.index) {
      try {
        if (!failure && table?.db.open) message.index ? table.index() : table.flush();
      } catch (error) {
        fail(error);
      }
      return;
    }
    if (message.batch) {
      if (failure) return;
      try {
        if (table.applyBatch(message.batch)) commitSoon();
      } catch (error) {
        fail(error);
      }
      return;
    }
    const { call, args, reply } = message;
    // A call that is not waited for is answered on the parent port, with its number.
    const answer = reply === undefined ? answerWaited : (answered) => parentPort.postMessage({ reply, ...answered });
    try {
      if (failure) throw failure;
      if (call === 'open') {
        // Answers whether the file was another process's: this one then keeps a private temporary table.
        table = AuditTable.open(args[0], args[1]);
        const busy = table === undefined;
        table ??= AuditTable.open('', args[1]);
        answer({ value: busy });
      } else if (call === 'fillFromLog') {
        // A fill that fails stops the table, as a batch that fails does: rows after it would leave a gap. It waits to begin
        // until the main thread lets it (FILL is RUN), and stops at its next chunk once the trail closes (STOP); the
        // messages posted meanwhile wait behind it, in order.
        const goOn = () => {
          while (Atomics.load(flag, FILL) === WAIT) Atomics.wait(flag, FILL, WAIT);
          return Atomics.load(flag, FILL) === RUN;
        };
        try {
          if (table.fillFromLog(...args, goOn)) commitSoon();
        } catch (error) {
          fail(error);
          throw error;
        }
        answer({ value: null });
      } else answer({ value: table[call](...args) });
    } catch (error) {
      answer({ error: { message: error.message, code: error.code } });
    }
    if (call === 'close') {
      clearTimeout(timer);
      parentPort.close();
      replies.close();
    }
  });
}
