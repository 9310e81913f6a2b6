// The SQLite store's writer: group commit, in a worker thread (eventstore/sqlite.ts starts it) or on the
// caller's own connection (an in-memory database, which another thread cannot open). Plain JavaScript
// with its types in sqliteWriter.d.ts: a worker thread runs plain Node, without the TypeScript loader
// the server and the tests have. It repeats two small rules of port.ts and shared.ts (the expected
// revision, what a retry is); the contract suite (tests/eventstore.contract.ts) holds both copies.
import { isDeepStrictEqual } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** port.ts `expectedMatches`. */
const expectedMatches = (expected, current) =>
  expected === 'any' ||
  (expected === 'no_stream' && current === -1) ||
  (expected === 'stream_exists' && current >= 0) ||
  expected === current;

/** A refusal, as data: sqlite.ts turns it back into the port's error. */
class Refused extends Error {
  constructor(refusal) {
    super(refusal.kind);
    this.refusal = refusal;
  }
}

/**
 * The writer over an open connection. `commit(requests)` writes a group of appends in one IMMEDIATE
 * transaction: each append (a request: one or several stream parts, all or nothing) in its own
 * SAVEPOINT, so an append refused (a stream moved, an id re-used) is rolled back alone and its
 * batch-mates are written. It returns when the commit is durable (synchronous=FULL), one outcome per
 * request, in order.
 */
export function sqliteWriter(db) {
  const head = db.prepare('SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1');
  const byId = db.prepare('SELECT * FROM events WHERE event_id = ?');
  const insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  // Leases (eventstore/lease.ts): taken when free, expired or the asker's own; one statement, so two processes cannot both
  // take it. Written here, not on the main thread: each is a durable commit (an fsync; 132 ms once in a profile at a
  // million events), and under appends it would wait for this thread's transaction too.
  const takeLease = db.prepare(
    `INSERT INTO leases (name, holder, expires_ms) VALUES (@name, @holder, @now + @ms) ON CONFLICT (name) DO UPDATE
     SET holder = excluded.holder, expires_ms = excluded.expires_ms WHERE leases.holder = excluded.holder OR leases.expires_ms <= @now`,
  );
  const leaseRow = db.prepare('SELECT holder, expires_ms FROM leases WHERE name = ?');
  const releaseLease = db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?');
  // The transaction's own statements, prepared once: `exec` parses its SQL again at every call.
  const [begin, savepoint, release, rollbackTo, commit, rollback] = [
    'BEGIN IMMEDIATE',
    'SAVEPOINT append',
    'RELEASE append',
    'ROLLBACK TO append',
    'COMMIT',
    'ROLLBACK',
  ].map((sql) => db.prepare(sql));

  /** One stream's part: shared.ts `sameEvents` for a retry of stored events, the expected revision, the inserts. */
  const appendPart = ({ streamId, events: sent, expected }) => {
    // Prepared data's text comes as UTF-8 pieces (sqliteWriter.d.ts): joined here, on the writer's thread (for a file).
    const events = sent.map((e) => (typeof e.data === 'string' ? e : { ...e, data: Buffer.concat(e.data).toString('utf8') }));
    const found = head.get(streamId);
    const current = found?.revision ?? -1;
    const already = events.map((e) => byId.get(e.id));
    if (already.some((row) => row !== undefined)) {
      const same = already.every(
        (row, i) =>
          row !== undefined &&
          row.stream_id === streamId &&
          row.type === events[i].type &&
          (i === 0 || row.revision === already[i - 1].revision + 1) &&
          isDeepStrictEqual(JSON.parse(row.data), JSON.parse(events[i].data)),
      );
      if (!same)
        throw new Refused({
          kind: 'duplicate',
          eventId:
            events[
              Math.max(
                0,
                already.findIndex((row) => row !== undefined),
              )
            ].id,
        });
      return { nextExpectedRevision: current, position: already.at(-1).position, positions: null };
    }
    if (!expectedMatches(expected, current))
      throw new Refused({ kind: 'wrong_revision', streamId, expected, actual: current === -1 ? 'no_stream' : current });
    let revision = current;
    let position = found?.position ?? -1;
    const positions = [];
    for (const event of events) {
      revision += 1;
      position = Number(insert.run(event.id, streamId, revision, event.type, event.data, event.metadata).lastInsertRowid);
      positions.push(position);
    }
    return { nextExpectedRevision: revision, position, positions: events.length > 0 ? positions : null };
  };

  const asOutcome = (error) =>
    error instanceof Refused
      ? { ok: false, refusal: error.refusal }
      : { ok: false, refusal: { kind: 'error', message: String(error?.message ?? error), code: error?.code } };

  return {
    commit(requests) {
      const outcomes = [];
      try {
        begin.run();
      } catch (error) {
        return requests.map(() => asOutcome(error));
      }
      try {
        for (const parts of requests) {
          savepoint.run();
          try {
            outcomes.push({ ok: true, results: parts.map(appendPart) });
            release.run();
          } catch (error) {
            rollbackTo.run();
            release.run();
            outcomes.push(asOutcome(error));
          }
        }
        commit.run();
        return outcomes;
      } catch (error) {
        // The commit itself failed (a full disk, an I/O error): nothing of the group is written.
        if (db.inTransaction) rollback.run();
        return requests.map(() => asOutcome(error));
      }
    },

    lease({ op, name, holder, now, ms }) {
      if (op === 'release') {
        releaseLease.run(name, holder);
        return null;
      }
      takeLease.run({ name, holder, now, ms });
      return leaseRow.get(name);
    },
  };
}

/**
 * The positions a group wrote, published where the main thread reads them at once (sqlite.ts `committedAhead`), before
 * the group's answer (a message, which waits for the main thread's turn) is sent: `done` counts the groups committed (an
 * Int32, wrapping past 2^31), `range` holds the first and last position the last of them wrote (-1, -1 when it wrote
 * none). The range is written first and `done` after it with Atomics.add, so a main thread that reads `done` with
 * Atomics.load sees that range.
 */
const publisher = (buffer) => {
  const done = new Int32Array(buffer, 0, 1);
  const range = new Float64Array(buffer, 8, 2);
  return (outcomes) => {
    let first = -1;
    let last = -1;
    for (const outcome of outcomes)
      for (const { positions } of outcome.ok ? outcome.results : [])
        for (const position of positions ?? []) {
          if (first === -1 || position < first) first = position;
          if (position > last) last = position;
        }
    range[0] = first;
    range[1] = last;
    Atomics.add(done, 0, 1);
  };
};

// In a worker thread: open the file's own connection and commit each group the store sends.
if (!isMainThread && workerData?.sqliteWriter) {
  const { file, synchronous, published } = workerData.sqliteWriter;
  const publish = publisher(published);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  const writer = sqliteWriter(db);
  parentPort.on('message', (message) => {
    if (message.close) {
      db.close();
      parentPort.close();
      return;
    }
    if (message.lease) {
      try {
        parentPort.postMessage({ group: message.group, lease: writer.lease(message.lease) });
      } catch (error) {
        parentPort.postMessage({ group: message.group, failed: { message: String(error?.message ?? error), code: error?.code } });
      }
      return;
    }
    const outcomes = writer.commit(message.requests);
    publish(outcomes);
    parentPort.postMessage({ group: message.group, outcomes });
  });
}
