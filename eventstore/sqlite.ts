import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AppendSignal, type FollowRead, followByReading, readUntilDue } from './catchUp.js';
import {
  type AppendResult,
  DuplicateEventIdError,
  type EventCodec,
  type EventStore,
  type ExpectedRevision,
  type LeaseHolding,
  type LeaseStore,
  type LogLink,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  WrongExpectedRevisionError,
  withChangeToken,
  withWritten,
} from './port.js';
import { isCheckpoint, isCheckpointRow, type LinkRow, linkFromRow, linkOf } from './checkpoints.js';
import { takePreparedText } from './preparedData.js';
import { assertDistinctParts, decodedOrNothing, parsedWhenAsked } from './shared.js';
import { type LeaseOp, type LeaseRow, type Outcome, type Refusal, type WirePart, sqliteWriter } from './sqliteWriter.js';

type Row = {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
};

/**
 * A row's link in SQL, over its columns (`row`: `NEW.` in a trigger): its chain hash, and the position a checkpoint covers
 * (whether it is one: `isCheckpointRow`). The links statement, the copy kept beside each checkpoint and the copies made
 * for a file from before all say it so.
 */
const hashOf = (row = '') => `json_extract(${row}metadata, '$.hash')`;
const coversOf = (row = '') => `json_extract(${row}data, '$.position')`;

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
);
-- A checkpoint's link (its chain hash and the position it covers) kept beside its row, written by the same insert. SQLite
-- stores a row's data before its metadata, and the first checkpoint of a big log carries megabytes of data (12.8 MB at a
-- million events): the hash in the row's metadata is reached through every overflow page of the data, and the position
-- by parsing the data (145-219 ms for that one row, on the thread that reads). The checkpointer's links are read from
-- here; the events themselves (and so verification) from their rows. No column types: a value is kept as the JSON gave
-- it, and one that is not a whole position is refused when read, as from the row.
CREATE TABLE IF NOT EXISTS checkpoint_links (
  position INTEGER PRIMARY KEY,
  hash,
  covers
);
CREATE TRIGGER IF NOT EXISTS checkpoint_links_kept AFTER INSERT ON events
WHEN ${isCheckpointRow('NEW.')}
BEGIN
  INSERT INTO checkpoint_links (position, hash, covers) VALUES (NEW.position, ${hashOf('NEW.')}, ${coversOf('NEW.')});
END;`;

/** How many of the last written events the store keeps for its followers (`following`). */
const RECENT_EVENTS = 2_000;
/**
 * How long a follower's read of the file may hold the event loop, in ms (half a slice): the read stops after the first
 * chunk of rows that ends past it (`readUntilDue`).
 */
const FOLLOW_READ_MS = 4;
/** How far back among those events a stream read looks for the event before the ones it asks (`knownAfter`). */
const KNOWN_SPAN = 256;

/**
 * Where a group of appends goes: the writer thread, or this connection for an in-memory database. `committedAhead`: the
 * first and last position the group under way wrote (-1, -1 when it wrote none), once the thread has committed it and
 * before its answer has been taken here (sqliteWriter.js publishes them in memory both threads share); undefined
 * otherwise (no group under way, not committed yet, or a writer on this thread).
 */
type Writer = {
  commit(requests: WirePart[][]): Promise<Outcome[]>;
  lease(op: LeaseOp): Promise<LeaseRow>;
  close(): Promise<void>;
  committedAhead(): { first: number; last: number } | undefined;
};

/**
 * The embedded default. Durable by default: WAL journal, synchronous=FULL (an acknowledged append
 * is on disk). Writes are committed in groups (group commit) by a writer thread of their own
 * (eventstore/sqliteWriter.js), so the fsync never holds this thread: the appends that arrive while a
 * commit is under way go together in the next IMMEDIATE transaction, each in its own SAVEPOINT, so
 * each is still judged against its own expected revision and one refused fails alone. Each is
 * acknowledged once its commit is durable. Reads stay on this thread's connection (WAL lets them run
 * beside the writer) and see every acknowledged append. Positions are SQLite's AUTOINCREMENT rowids:
 * writers are serialised, so a reader never sees a later position before an earlier one. An
 * in-memory database (`:memory:`), which no other thread can open, commits on its own connection.
 */
export class SqliteEventStore implements EventStore, LeaseStore {
  private readonly db: Database.Database;
  private readonly appended = new AppendSignal();
  private readonly statements;
  /** Appends waiting for the next group, and whether a group is being committed. */
  private waiting: {
    parts: WirePart[];
    /** Each event's data when it was prepared as plain JSON (eventstore/preparedData.ts): it stands for its text parsed back. */
    plain: unknown[][];
    settle: (outcome: Outcome, written: RecordedEvent[][], tokens: (number | undefined)[]) => void;
  }[] = [];
  /**
   * The events this store's last groups wrote, as stored (before the codec), in position order: the
   * followers of this process (read models, checkpointer) take what they follow on to from here, once
   * decoded, instead of each reading back and parsing what was just committed (`following`). Bounded.
   */
  private recent: RecordedEvent[] = [];
  /** The group being committed (from its sending to the writer until its answer is handled); undefined when none is. */
  private committing: readonly { parts: WirePart[] }[] | undefined;
  /** Set once `close()` has waited for the appends under way: no writer is started after it. */
  private closed = false;
  private writer: Writer | undefined;
  /** How many groups were committed and how many appends they held (the bench reports their ratio). */
  readonly groupCommits = { commits: 0, appends: 0 };

  constructor(
    readonly file: string,
    private readonly codec: EventCodec = (e) => e,
    private readonly options: { synchronous?: 'FULL' | 'NORMAL' | 'OFF' } = {},
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.statements = {
      forwards: db
        .prepare<[string, number, number], RawRow>(
          `SELECT ${RAW_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
        )
        .raw(true),
      backwards: db
        .prepare<[string, number, number], RawRow>(
          `SELECT ${RAW_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(true),
      all: db.prepare<[number, number], RawRow>(`SELECT ${RAW_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true),
      dataAt: db.prepare<[number], string>('SELECT data FROM events WHERE position = ?').pluck(true),
      metadataAt: db.prepare<[number], string>('SELECT metadata FROM events WHERE position = ?').pluck(true),
      // The checkpointer's read (`subscribeToLinks`): no event's data or metadata reaches JavaScript, only the chain hash and
      // the position a checkpoint covers, picked out by SQLite.
      links: db
        .prepare<[number, number], LinkRow>(
          `SELECT position, event_id, stream_id, revision, type,
             CASE WHEN ${IS_CHECKPOINT}
               THEN COALESCE((SELECT hash FROM checkpoint_links c WHERE c.position = events.position), ${hashOf()})
               ELSE ${hashOf()} END,
             CASE WHEN ${IS_CHECKPOINT}
               THEN COALESCE((SELECT covers FROM checkpoint_links c WHERE c.position = events.position), ${coversOf()})
               END
           FROM events WHERE position > ? ORDER BY position LIMIT ?`,
        )
        .raw(true),
      lastPosition: db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    };
    this.copyMissingLinks();
  }

  /**
   * The links of checkpoints appended before `checkpoint_links` existed, copied there once: at the first open of such a
   * file, each read the slow way (the check is a read of the checkpoints' index). Only a shortcut: if the copy fails
   * (a checkpoint whose data is not JSON), the links are read from the rows as before.
   */
  private copyMissingLinks(): void {
    const missing = `FROM events WHERE ${IS_CHECKPOINT} AND position NOT IN (SELECT position FROM checkpoint_links)`;
    try {
      if (this.db.prepare(`SELECT 1 ${missing} LIMIT 1`).get() === undefined) return;
      this.db
        .prepare(
          `INSERT INTO checkpoint_links (position, hash, covers)
           SELECT position, ${hashOf()}, ${coversOf()} ${missing}`,
        )
        .run();
    } catch {}
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return (await this.appendMany([{ streamId, events, expected }]))[0]!;
  }

  /**
   * Every part in one append: all or nothing, in the next group commit. The result carries the events
   * as stored (their revisions and positions), so a caller need not read back what it wrote.
   */
  async appendMany(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertDistinctParts(parts);
    // Data prepared as plain JSON goes as its text's UTF-8 pieces (moved to the writer thread, not copied) and stands for
    // its text parsed back; any other as JSON text.
    const plain: unknown[][] = parts.map(() => []);
    const wire: WirePart[] = parts.map(({ streamId, events, expected }, i) => ({
      streamId,
      expected,
      events: events.map((e, k) => {
        const text = takePreparedText(e.data);
        if (text) plain[i]![k] = e.data;
        return { id: e.id, type: e.type, data: text ?? JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) };
      }),
    }));
    const [outcome, written, tokens] = await new Promise<[Outcome, RecordedEvent[][], (number | undefined)[]]>((settle) => {
      this.waiting.push({ parts: wire, plain, settle: (outcome, written, tokens) => settle([outcome, written, tokens]) });
      if (!this.committing) queueMicrotask(() => void this.commitWaiting());
    });
    if (!outcome.ok) throw refusalError(outcome.refusal);
    return outcome.results.map(({ nextExpectedRevision, position, positions }, i) => {
      if (positions === null) return { nextExpectedRevision, position };
      return withChangeToken(withWritten({ nextExpectedRevision, position }, decodedOrNothing(written[i]!, this.codec)), tokens[i]);
    });
  }

  /**
   * The change token right after a group's commit (the log's head then: its last position), for each
   * part that wrote a stream no other part of the group wrote too: that stream ended with the part's
   * events when the group committed (one transaction: no other writer in between).
   */
  private static tokensAfter(group: readonly { parts: WirePart[] }[], outcomes: readonly Outcome[]): (number | undefined)[][] {
    const writes = new Map<string, number>();
    let head = -1;
    for (const [i, outcome] of outcomes.entries()) {
      if (!outcome.ok) continue;
      for (const [k, { positions }] of outcome.results.entries()) {
        if (positions === null) continue;
        const streamId = group[i]!.parts[k]!.streamId;
        writes.set(streamId, (writes.get(streamId) ?? 0) + 1);
        head = Math.max(head, ...positions);
      }
    }
    return group.map(({ parts }, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return [];
      return parts.map(({ streamId }, k) => (outcome.results[k]!.positions !== null && writes.get(streamId) === 1 ? head : undefined));
    });
  }

  /**
   * What the parts of an append wrote, as stored (JSON parsed back: the same values a read gives; data prepared as plain
   * JSON is that value already, not parsed again); empty for a part that wrote nothing.
   */
  private static stored(parts: readonly WirePart[], outcome: Outcome, plain: readonly unknown[][]): RecordedEvent[][] {
    if (!outcome.ok) return [];
    return outcome.results.map(({ nextExpectedRevision, positions }, i) => {
      const part = parts[i]!;
      if (positions === null) return [];
      const first = nextExpectedRevision - part.events.length + 1;
      // Data sent as UTF-8 pieces always has its plain value (appendMany): its text is never parsed here.
      return part.events.map((e, k) =>
        toRecorded(
          {
            ...e,
            position: positions[k]!,
            event_id: e.id,
            stream_id: part.streamId,
            revision: first + k,
            data: typeof e.data === 'string' ? e.data : '',
          },
          plain[i]![k],
        ),
      );
    });
  }

  /** Keeps a group's written events for the followers, after the last ones kept (bounded: the oldest go first). */
  private keepRecent(written: readonly RecordedEvent[][][]): void {
    const events = written.flat(2).sort((a, b) => a.position - b.position);
    for (const event of events) this.recent.push(event);
    // Trimmed now and then, not at every group: `following` hands out copies, never this array.
    if (this.recent.length > 2 * RECENT_EVENTS) this.recent = this.recent.slice(-RECENT_EVENTS);
  }

  /**
   * The followers' read (`subscribeToAll`): the events kept from this process's last groups when the
   * one after `after` is among them, as far as their positions run on without a gap (every position in
   * between is one of them, so no other writer's event can be missing there; handed out whole, not cut by time: no
   * file read, and the codec alone, identity on the server); otherwise from the file, in chunks until the read's time
   * is up (`readUntilDue`).
   * What another process wrote after them is read from the file at the next wake-up or poll.
   */
  private following({ after = -1, maxCount, due }: FollowRead): RecordedEvent[] {
    const kept = this.recentAfter(after, maxCount);
    return kept
      ? kept.map(this.codec)
      : readUntilDue(
          (from, count) => this.statements.all.all(from, count),
          { after, maxCount, due },
          (row) => this.codec(this.fromRaw(row)),
        );
  }

  /** `following` for the links alone (`subscribeToLinks`): from the events kept, or read as links from the file. */
  private followingLinks({ after = -1, maxCount, due }: FollowRead): LogLink[] {
    const kept = this.recentAfter(after, maxCount);
    return kept
      ? kept.map(linkOf)
      : readUntilDue((from, count) => this.statements.links.all(from, count), { after, maxCount, due }, linkFromRow);
  }

  /** The events kept from the last groups that run on without a gap from the one after `after`, when it is among them. */
  private recentAfter(after: number, maxCount: number): RecordedEvent[] | undefined {
    const recent = this.recent;
    const start = indexOfPosition(recent, after + 1);
    if (start === -1) return undefined;
    let end = start + 1;
    while (end < recent.length && end - start < maxCount && recent[end]!.position === recent[end - 1]!.position + 1) end += 1;
    return recent.slice(start, end);
  }

  /** Commits every append waiting, as one group; those that arrive meanwhile wait for the next. */
  private async commitWaiting(): Promise<void> {
    if (this.committing || this.waiting.length === 0) return;
    const group = this.waiting;
    this.committing = group;
    this.waiting = [];
    try {
      const outcomes = await this.openWriter().commit(group.map((g) => g.parts));
      this.groupCommits.commits += 1;
      this.groupCommits.appends += group.length;
      const written = group.map(({ parts, plain }, i) => SqliteEventStore.stored(parts, outcomes[i]!, plain));
      const tokens = SqliteEventStore.tokensAfter(group, outcomes);
      this.keepRecent(written);
      if (outcomes.some((o) => o.ok && o.results.some((r) => r.positions !== null))) this.appended.notify();
      for (const [i, { settle }] of group.entries()) settle(outcomes[i]!, written[i]!, tokens[i]!);
    } catch (error) {
      // The commit may have happened for all we know: nothing is kept for the followers.
      this.recent = [];
      const refusal: Refusal = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
      for (const { settle } of group) settle({ ok: false, refusal }, [], []);
    } finally {
      this.committing = undefined;
      if (this.waiting.length > 0) void this.commitWaiting();
    }
  }

  /** Starts the writer now (a server's start, beside its catch-up), not at the first append. */
  prepareAppends(): void {
    if (!this.closed) this.openWriter();
  }

  /**
   * The writer, started at the first append or by `prepareAppends` (an application's start calls it): a reader that only
   * reads (verification, a script on the store alone) never starts a thread.
   */
  private openWriter() {
    if (this.writer) return this.writer;
    // Not started again once closed: a lease asked after `close()` would leave a thread and a connection open.
    if (this.closed) throw new Error('The SQLite event store is closed.');
    if (this.file === ':memory:') {
      const writer = sqliteWriter(this.db);
      this.writer = {
        commit: async (requests) => writer.commit(requests),
        lease: async (op) => writer.lease(op),
        close: async () => {},
        committedAhead: () => undefined,
      };
      return this.writer;
    }
    // sqliteWriter.js `publisher`: the groups it has committed (Int32) and the last one's first and last position (Float64).
    const published = new SharedArrayBuffer(24);
    const [done, range] = [new Int32Array(published, 0, 1), new Float64Array(published, 8, 2)];
    // Counted as sqliteWriter.js counts (an Int32 that wraps), so that the two stay equal past 2^31 groups.
    let commitsSent = 0;
    let commitsAnswered = 0;
    const worker = new Worker(new URL('./sqliteWriter.js', import.meta.url), {
      workerData: { sqliteWriter: { file: this.file, synchronous: this.options.synchronous ?? 'FULL', published } },
    });
    // An idle writer does not keep the process alive; one with a commit under way does.
    worker.unref();
    let group = 0;
    let closing = false;
    type Reply = { outcomes?: Outcome[]; lease?: LeaseRow; failed?: { message: string; code?: string } };
    const replies = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
    const failAll = (error: Error) => {
      for (const { reject } of replies.values()) reject(error);
      replies.clear();
    };
    worker.on('message', ({ group: id, ...reply }: { group: number } & Reply) => {
      replies.get(id)?.resolve(reply);
      replies.delete(id);
      // Once closing, kept alive until the thread has closed (a reply to a lease sent before the close comes first).
      if (replies.size === 0 && !closing) worker.unref();
    });
    worker.on('error', failAll);
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    /** A message to the thread, and its reply. */
    const ask = (message: object, moved: ArrayBuffer[] = []) =>
      new Promise<Reply>((resolve, reject) => {
        group += 1;
        replies.set(group, { resolve, reject });
        worker.ref();
        worker.postMessage({ group, ...message }, moved);
      });
    const writer: Writer = {
      // Prepared text's pieces moved, not copied (the first checkpoint's 10 MB at a million events: 55 ms as one string).
      commit: async (requests) => {
        commitsSent = (commitsSent + 1) | 0;
        try {
          return (await ask({ requests }, movedPieces(requests))).outcomes!;
        } finally {
          commitsAnswered = commitsSent;
        }
      },
      committedAhead: () =>
        commitsAnswered !== commitsSent && Atomics.load(done, 0) === commitsSent ? { first: range[0]!, last: range[1]! } : undefined,
      lease: async (op) => {
        const reply = await ask({ lease: op });
        if (reply.failed)
          throw Object.assign(new Error(reply.failed.message), reply.failed.code === undefined ? {} : { code: reply.failed.code });
        return reply.lease ?? null;
      },
      close: async () => {
        // Kept alive until the thread has closed its connection: a caller awaiting this must not see the process end first.
        closing = true;
        worker.ref();
        worker.postMessage({ close: true });
        await exited;
      },
    };
    worker.on('exit', () => {
      failAll(new Error('The SQLite writer thread stopped.'));
      // A writer that died is started again at the next append.
      if (this.writer === writer) this.writer = undefined;
    });
    this.writer = writer;
    return writer;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER } = options;
    const known = direction === 'forwards' ? this.knownAfter(streamId, options.fromRevision ?? 0, maxCount) : undefined;
    if (known !== undefined) return known.map(this.codec);
    const rows =
      direction === 'forwards'
        ? this.statements.forwards.all(streamId, options.fromRevision ?? 0, maxCount)
        : this.statements.backwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount);
    return rows.map((row) => this.codec(this.fromRaw(row)));
  }

  /**
   * A stream's events from `fromRevision` on, as stored, known without reading the stream: when this process
   * wrote the stream's event just before them (revision `fromRevision - 1`) in one of its last groups, and
   * every position after that event up to the log's head now is among the events kept from those groups, in
   * a run without a gap (so no other writer's event can be missing there), or past it only the positions of
   * the group under way, committed by the writer (its answer not taken yet) and not writing this stream. Then
   * the events of the stream in that run are all there is. Undefined when it is not known so (the caller reads
   * the file). With 32 clients a command's check before deciding (`currentState`) came here for every command:
   * each of the other clients' appends moves the change token, and the stream read it answers is nearly always
   * empty; three reads in four (counted in the commands bench) found the head past the groups taken (the
   * next group's answer waiting for this thread) and read the file: 46 µs each, 8 % of the thread's time.
   */
  private knownAfter(streamId: string, fromRevision: number, maxCount: number): RecordedEvent[] | undefined {
    const recent = this.recent;
    if (fromRevision < 1 || recent.length === 0) return undefined;
    const stop = Math.max(0, recent.length - KNOWN_SPAN);
    const after: RecordedEvent[] = [];
    let start = recent.length - 1;
    for (; start >= stop; start--) {
      const event = recent[start]!;
      if (event.streamId !== streamId) continue;
      if (event.revision === fromRevision - 1) break;
      if (event.revision < fromRevision) return undefined;
      after.push(event);
    }
    if (start < stop) return undefined;
    for (let i = start + 1; i < recent.length; i++) if (recent[i]!.position !== recent[i - 1]!.position + 1) return undefined;
    // The head read now: a commit this process has not heard of yet, or another process's, is not in the run; unless
    // every position past the run is the group under way's, which the writer has committed and which wrote no event of
    // the stream (that group held the write lock over its positions: no other writer's event can be among them).
    const head = this.statements.lastPosition.get()?.position ?? -1;
    if (head !== recent.at(-1)!.position && !this.onlyAheadOf(streamId, recent.at(-1)!.position, head)) return undefined;
    after.reverse();
    return after.length > maxCount ? after.slice(0, maxCount) : after;
  }

  /**
   * Whether the positions after `last` up to `head` are all the committed group under way's, and it did not write
   * `streamId`. Once the group's answer is taken, `committedAhead` says nothing more of it (while it is handled here).
   */
  private onlyAheadOf(streamId: string, last: number, head: number): boolean {
    const group = this.committing;
    if (group === undefined || group.some(({ parts }) => parts.some((part) => part.streamId === streamId))) return false;
    const ahead = this.writer?.committedAhead();
    return ahead !== undefined && ahead.first === last + 1 && ahead.last === head;
  }

  async readAll({ after = -1, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.statements.all.all(after, maxCount).map((row) => this.codec(this.fromRaw(row)));
  }

  /** An event of a row read (RAW_COLUMNS); a checkpoint's data read from the file and parsed when first asked for. */
  private fromRaw(row: RawRow): RecordedEvent {
    const event = {
      id: row[1],
      streamId: row[2],
      revision: row[3],
      position: row[0],
      type: row[4],
      data: undefined as unknown,
      metadata: undefined as unknown as RecordedEvent['metadata'],
    };
    if (!isCheckpoint(event)) {
      event.data = JSON.parse(row[5]!);
      event.metadata = JSON.parse(row[6]!);
    } else {
      parsedWhenAsked(event, 'data', () => this.checkpointColumn(event.position, 'dataAt'));
      parsedWhenAsked(event, 'metadata', () => this.checkpointColumn(event.position, 'metadataAt'));
    }
    return event;
  }

  private checkpointColumn(position: number, statement: 'dataAt' | 'metadataAt'): string {
    if (!this.db.open)
      throw new Error(
        `The checkpoint at position ${position} is read from the log's file when first asked for: ask before the store is closed.`,
      );
    return this.statements[statement].get(position)!;
  }

  subscribeToAll(options: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void): Promise<void> {
    // Reads cut by time: the rows, their JSON and the codec are one synchronous block (issue 12, aim 3).
    return followByReading({ readAll: async (o) => this.following(o) }, this.appended, options, onEvent, { readMs: FOLLOW_READ_MS });
  }

  subscribeToLinks(options: SubscribeOptions, onLink: (link: LogLink) => Promise<void> | void): Promise<void> {
    return followByReading({ readAll: async (o) => this.followingLinks(o) }, this.appended, options, onLink, { readMs: FOLLOW_READ_MS });
  }

  async headPosition(): Promise<number> {
    return this.statements.lastPosition.get()?.position ?? -1;
  }

  /** The file, for another connection's read (not a private temporary or in-memory database, which no other can open). */
  get logFile(): string | undefined {
    return this.file === '' || this.file === ':memory:' ? undefined : this.file;
  }

  /**
   * The log's head: positions only grow (AUTOINCREMENT), so any commit that appends, from this process
   * or another, moves it. One seek to the table's last row.
   */
  changeToken(): number {
    return this.statements.lastPosition.get()?.position ?? -1;
  }

  /**
   * Leases between the processes sharing the file; they share one machine, so its clock (Date.now) counts the expiry.
   * Taken, renewed and released by the writer (each a durable write: its fsync off the main thread).
   */
  async acquireLease(name: string, holder: string, seconds: number): Promise<LeaseHolding> {
    const lease = (await this.openWriter().lease({ op: 'take', name, holder, now: Date.now(), ms: Math.round(seconds * 1000) }))!;
    return { holder: lease.holder, expiresAt: new Date(lease.expires_ms).toISOString() };
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.openWriter().lease({ op: 'release', name, holder, now: Date.now(), ms: 0 });
  }

  /** The durability settings in force on this connection (synchronous: 0 OFF, 1 NORMAL, 2 FULL). */
  pragmas(): { journalMode: string; synchronous: number } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
    };
  }

  /** Waits for the appends under way, stops the writer thread, closes the connection. */
  async close(): Promise<void> {
    while (this.committing || this.waiting.length > 0) await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
    const writer = this.writer;
    this.writer = undefined;
    await writer?.close();
    if (this.db.open) this.db.close();
  }
}

/** The port's error for a refusal the writer reported. */
function refusalError(refusal: Refusal): Error {
  switch (refusal.kind) {
    case 'wrong_revision':
      return new WrongExpectedRevisionError(refusal.streamId, refusal.expected, refusal.actual);
    case 'duplicate':
      return new DuplicateEventIdError(refusal.eventId);
    case 'error':
      return Object.assign(new Error(refusal.message), refusal.code === undefined ? {} : { code: refusal.code });
    default: {
      const unknown: never = refusal;
      throw new Error(`Unknown refusal ${String(unknown)}`);
    }
  }
}

/** The index of the event at `position` among events in position order (dense, mostly: looked up directly first), or -1. */
function indexOfPosition(events: readonly RecordedEvent[], position: number): number {
  const direct = position - (events[0]?.position ?? 0);
  if (events[direct]?.position === position) return direct;
  let low = 0;
  let high = events.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const at = events[middle]!.position;
    if (at === position) return middle;
    if (at < position) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/**
 * The columns of a row read as an event, in this order: position, event_id, stream_id, revision, type, data, metadata;
 * for a checkpoint, data and metadata are null: left in the file and read when asked for (`checkpointColumn`,
 * `parsedWhenAsked`). The metadata too: in the row it comes after the data, and SQLite follows the data's overflow pages
 * to reach it (12.8 MB for the first checkpoint at a million events: 65-90 ms at the first read on a connection, every
 * projection's snapshot check of a warm start whose log ends with it). Rows come as arrays: a catch-up reads every row
 * once, and an object per row was garbage at once.
 */
const IS_CHECKPOINT = isCheckpointRow();
const RAW_COLUMNS = `position, event_id, stream_id, revision, type,
  CASE WHEN ${IS_CHECKPOINT} THEN NULL ELSE data END, CASE WHEN ${IS_CHECKPOINT} THEN NULL ELSE metadata END`;

/** A row of the log as RAW_COLUMNS gives it. */
type RawRow = [number, string, string, number, string, string | null, string | null];

/** The buffers under the UTF-8 pieces of prepared text in a group's requests, each its own (`takePreparedText`). */
const movedPieces = (requests: readonly WirePart[][]): ArrayBuffer[] =>
  requests.flatMap((parts) =>
    parts.flatMap((part) =>
      part.events.flatMap((e) => (typeof e.data === 'string' ? [] : e.data.map((piece) => piece.buffer as ArrayBuffer))),
    ),
  );

/** A row as an event; `data`, when given, is the row's data already parsed (or a value equal to it). */
function toRecorded(row: Row, data: unknown = JSON.parse(row.data)): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data,
    metadata: JSON.parse(row.metadata),
  };
}
