import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { EventMetadata, RecordedEvent } from '../eventstore/port.js';
import { ANSWERED, type AuditBatch, FILL, RUN, SIGNAL_BYTES, STOP, WAIT } from './auditTable.js';
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

/** Events gathered before a batch of rows is posted to the table's thread: its text stays under V8's large-object size (128 KB). */
const BATCH_EVENTS = 500;
/**
 * How long applied rows may wait before they are posted, when fewer than a batch: every call to the thread
 * (a query, a commit, closing) posts what is waiting first, so nothing reads around them. At the end of each
 * turn of the event loop instead, a server taking a command at a time posted about one message per command
 * (about 0.02 ms of its main thread each, with 1 client as with 32).
 */
const POST_AFTER_MS = 10;
/** How long a call waits for the table's thread (it first writes every row posted before the call). */
const CALL_TIMEOUT_MS = 120_000;

/** What the table's thread posts to the main thread: a write that failed, or the answer to a call asked without waiting (`ask`). */
type ThreadMessage = {
  failed?: { message: string; code?: string };
  reply?: number;
  value?: unknown;
  error?: { message: string; code?: string };
};

/** `Atomics.waitAsync` (Node 16 and later; typed from the ES2024 lib, newer than this project's). */
type AtomicsWaitAsync = {
  waitAsync(array: Int32Array, index: number, value: number, timeout: number): { async: boolean; value: Promise<string> | string };
};

type AuditThread = { worker: Worker; signal: Int32Array; replies: MessagePort; error?: Error; keep: (error: Error) => void };

/** A thread for the audit table, started: its own connection is opened by the first call (`open`), posted by an `AuditTrail`. */
function auditThread(): AuditThread {
  const signal = new Int32Array(new SharedArrayBuffer(SIGNAL_BYTES));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./auditTable.js', import.meta.url), {
    workerData: { auditTable: { signal: signal.buffer, replies: port2 } },
    transferList: [port2],
  });
  // The thread never keeps the process alive: an exit without close loses at most the rows not yet committed.
  worker.unref();
  const thread: AuditThread = { worker, signal, replies: port1, keep: (error) => (thread.error ??= error) };
  // A thread that fails before an AuditTrail takes it: its error is the trail's first failure, not an unhandled event.
  worker.on('error', thread.keep);
  return thread;
}

/** The thread `startAuditThread` started, until the next `AuditTrail` made takes it. */
let startedThread: AuditThread | undefined;

/**
 * Starts the audit table's thread ahead of the read models: the next `AuditTrail` made takes it. A server calls it as soon
 * as it listens (api/main.ts), so the thread's start (about 0.1 s: a Node environment, better-sqlite3) runs beside the
 * loading of the packages, not on the start's path: the read models' catch-up waited for it (`whenOpen`) 85 ms in a first
 * start at 100k events and 60 ms in a cold one (CPU profiles, the thirty-second round).
 */
export function startAuditThread(): number {
  startedThread ??= auditThread();
  return startedThread.worker.threadId;
}

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
 * Indexes on (user, position), (unit, position) and (at) let a filtered page read what it lists; a table filled
 * from nothing gets them once the start has caught up with the log (`caughtUp`), built over its rows at once.
 * The file is locked for this process (`locking_mode = EXCLUSIVE`): a second server on the same
 * data folder keeps a private temporary table of its own instead of writing into this one.
 *
 * The table lives in a worker thread (projections/auditTable.js; issue 12, aim 1): inserting a row per
 * event cost a first start or a rebuild about 4 s of the main thread at a million events, now written on
 * the second core while the main thread folds the other read models; on a log kept in SQLite, a start has the thread read
 * the events up to the log's head from its file itself (`fillFromLog`), once the start has caught up. `apply` only gathers the event's
 * metadata; batches go to the thread in order, and every call is answered by the thread after the rows posted
 * before it: `storedAt`, `clear` and `close` synchronously, a page (`entries`) through the event loop. A page of the
 * trail is the same as when the rows were written on this thread, and sees every event applied before it (while a
 * rebuild's rows or the indexes are still being written, it waits for them). `flush` asks for a commit without
 * waiting for it; what is committed is always the rows with the position of the last of them, so a crash
 * loses only rows not yet committed, applied again from the log at the next start.
 */
export class AuditTrail implements StoredState {
  private readonly worker: Worker;
  private readonly signal: Int32Array;
  private readonly replies: MessagePort;
  /**
   * The batch being gathered: per event its texts (stream id, type, occurredAt, command id), position and actor, and the
   * last event's id (the table keeps no other: its id beside the position committed).
   */
  private texts: string[] = [];
  private lastEventId = '';
  private numbers: number[] = [];
  private actors: EventMetadata['actor'][] = [];
  /**
   * The actors posted to the thread so far, by user: an event whose actor has the same fields as the one
   * posted for its user is posted as that one's number (the thread keeps the list in the same order),
   * not as an object copied to the thread and turned into JSON there again for every event.
   */
  private readonly actorsPosted = new Map<string, { actor: EventMetadata['actor']; index: number }>();
  private actorsSent = 0;
  private postQueued = false;
  /** The pages asked for and not yet answered, by number (`ask`). */
  private readonly asked = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  private lastAsked = 0;
  private failure: Error | undefined;
  private closed = false;
  /** The table's opening, until its answer is taken (at the first call): the thread starts beside the rest of the start. */
  private opening: { file: string; log: (message: string) => void } | undefined;
  private openedFile = '';

  constructor(file: string, version: number, log: (message: string) => void = console.log) {
    const thread = startedThread ?? auditThread();
    startedThread = undefined;
    thread.worker.off('error', thread.keep);
    ({ worker: this.worker, signal: this.signal, replies: this.replies } = thread);
    if (thread.error) this.failure = thread.error;
    this.worker.on('message', ({ failed, reply, value, error }: ThreadMessage) => {
      if (failed) this.failure ??= Object.assign(new Error(`The audit trail could not be written: ${failed.message}`), failed);
      if (reply === undefined) return;
      const asked = this.asked.get(reply);
      this.asked.delete(reply);
      if (this.asked.size === 0) this.worker.unref();
      if (error) asked?.reject(Object.assign(new Error(error.message), error));
      else asked?.resolve(value as never);
    });
    this.worker.on('error', (error) => {
      this.failure ??= error;
      for (const { reject } of this.asked.values()) reject(error);
      this.asked.clear();
    });
    // Not waited for here: starting the thread takes about 0.1 s, spent beside the rest of the start (`startAuditThread`).
    Atomics.store(this.signal, ANSWERED, 0);
    this.worker.postMessage({ call: 'open', args: [file, version] });
    this.opening = { file, log };
  }

  /** The thread the table lives in (`startAuditThread`'s, when it was started ahead). */
  get threadId(): number {
    return this.worker.threadId;
  }

  /** Where the database is: the file given, or '' (a private temporary file) when that one is another process's. */
  get file(): string {
    this.opened();
    return this.openedFile;
  }

  /**
   * Resolves once the thread has answered the opening, without holding the event loop (issue 12, aim 3): a start's
   * first call took the answer with `Atomics.wait` while the thread was still starting, 60–230 ms of a server that
   * already answered "catching up". The runner awaits it before its first call; the answer itself is still taken there.
   */
  async whenOpen(): Promise<void> {
    if (!this.opening) return;
    const waiting = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.signal, ANSWERED, 0, CALL_TIMEOUT_MS);
    if (waiting.async) await waiting.value;
  }

  /** Takes the opening's answer, once: whether the file was another process's (the thread then opened a temporary one). */
  private opened(): void {
    const opening = this.opening;
    if (!opening) return;
    this.opening = undefined;
    const busy = this.answer<boolean>('open');
    if (busy)
      opening.log(
        `The read-model database ${opening.file} is in use by another process: this one keeps its audit trail in a temporary file.`,
      );
    this.openedFile = busy ? '' : opening.file;
  }

  /** Waits for the thread's answer to the call posted last. */
  private answer<T>(name: string): T {
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    while (Atomics.wait(this.signal, ANSWERED, 0, 1_000) === 'timed-out')
      if (Date.now() > deadline) throw this.failure ?? new Error(`The audit trail's thread did not answer ${name} in time.`);
    const reply = receiveMessageOnPort(this.replies)?.message as { value?: T; error?: { message: string; code?: string } } | undefined;
    if (!reply) throw this.failure ?? new Error(`The audit trail's thread gave no answer to ${name}.`);
    if (reply.error) throw Object.assign(new Error(reply.error.message), reply.error);
    return reply.value as T;
  }

  /** Posts the rows gathered, then asks the thread and waits for its answer (the rows first). */
  private call<T>(name: string, ...args: unknown[]): T {
    if (this.closed) throw this.closedError(name);
    this.opened();
    this.post();
    // Its answer comes after a fill posted before it: one still waiting for the start would wait for this call.
    this.letFillBegin();
    Atomics.store(this.signal, ANSWERED, 0);
    this.worker.postMessage({ call: name, args });
    return this.answer<T>(name);
  }

  /**
   * Posts the rows gathered, then asks the thread without waiting: the answer comes through the event loop, so a page
   * asked for while the thread builds the indexes (about a second at a million rows, after a first start) holds nothing
   * but itself. The thread keeps the process alive while an answer is awaited.
   */
  private ask<T>(name: string, ...args: unknown[]): Promise<T> {
    // Its thread is gone: the answer would never come.
    if (this.closed) return Promise.reject(this.closedError(name));
    this.opened();
    this.post();
    // A page is answered after the fill: asked for, the fill begins.
    if (name !== 'fillFromLog') this.letFillBegin();
    if (this.failure) return Promise.reject(this.failure);
    const reply = ++this.lastAsked;
    if (this.asked.size === 0) this.worker.ref();
    this.worker.postMessage({ call: name, args, reply });
    return new Promise<T>((resolve, reject) => this.asked.set(reply, { resolve: resolve as (value: never) => void, reject }));
  }

  /**
   * Sends the rows gathered to the thread, in order: their texts as one string with each one's length,
   * the numbers in a typed array (copying a thousand events' strings and objects one by one to the thread
   * cost the main thread about 2 µs an event, more than the row's insert).
   */
  private post(): void {
    if (this.numbers.length === 0) return;
    const lengths = new Uint32Array(this.texts.length);
    for (let i = 0; i < lengths.length; i++) lengths[i] = this.texts[i]!.length;
    const numbers = Float64Array.from(this.numbers);
    const batch: AuditBatch = { text: this.texts.join(''), lengths, numbers, actors: this.actors, lastEventId: this.lastEventId };
    this.worker.postMessage({ batch }, [lengths.buffer, numbers.buffer]);
    this.texts = [];
    this.numbers = [];
    this.actors = [];
  }

  storedAt() {
    return this.call<{ version: number; position: number; eventId: string | null } | null>('storedAt');
  }

  clear(): void {
    this.call('clear');
  }

  /** Asks the thread to commit the rows applied, with the position of the last (not waiting for it). */
  flush(): void {
    this.post();
    this.worker.postMessage({ commit: true });
  }

  /**
   * Fills the table with the events after `after` up to `upTo`, read by the thread from the log's SQLite file itself
   * (auditTable.js `fillFromLog`); resolves once they are written, through the event loop, and rejects when the fill
   * failed (the trail then fails every later call). The runner's catch-up applies only the events after `upTo`, and is
   * done without waiting for the fill; a call made meanwhile (a page) is answered after it.
   * The thread checks at once that the file reaches `upTo`, then waits to begin until the start has caught up
   * (`caughtUp`), or until a call or a page asks for the trail: filled beside the catch-up, even at the lowest priority,
   * it kept the main thread waiting for a core 0.25–1.13 s of a first start at a million events on two cores, against
   * 0.14–0.22 s after it (`npm run bench -- startup 1000000`, three runs of each; issue 12, aim 1). Until then the thread
   * reads nothing, and the rows posted wait behind the fill. Closed before the fill is done, the trail stops it at its next
   * chunk (`close`).
   */
  fillFromLog(file: string, after: number, upTo: number): Promise<void> {
    Atomics.store(this.signal, FILL, WAIT);
    return this.ask<void>('fillFromLog', file, after, upTo);
  }

  private closedError(name: string): Error {
    return new Error(`The audit trail is closed: ${name} was asked after it.`);
  }

  /** Lets the fill waiting for the start begin, if one does (FILL is WAIT from `fillFromLog` until then). */
  private letFillBegin(): void {
    if (Atomics.compareExchange(this.signal, FILL, WAIT, RUN) === WAIT) Atomics.notify(this.signal, FILL);
  }

  /**
   * The start has caught up with the log: a fill waiting for it begins, and the thread then builds the indexes a table
   * filled from nothing lacks (not waited for).
   */
  caughtUp(): void {
    this.opened();
    this.post();
    this.letFillBegin();
    this.worker.postMessage({ index: true });
  }

  /**
   * Commits the rows written and closes the table. A fill not done (a first start's: minutes at ten million events, after
   * the start or before it) stops at its next chunk instead of running to its end first, past the call's timeout; the
   * table keeps the rows up to its last, and the next start fills it from there (auditTable.js `fillFromLog`).
   */
  close(): void {
    if (this.closed) return;
    Atomics.store(this.signal, FILL, STOP);
    Atomics.notify(this.signal, FILL);
    this.call('close');
    this.closed = true;
    this.replies.close();
  }

  apply(event: RecordedEvent): void {
    if (this.failure) throw this.failure;
    const { occurredAt, actor, commandId } = event.metadata;
    this.texts.push(event.streamId, event.type, occurredAt, commandId);
    this.lastEventId = event.id;
    this.numbers.push(event.position, this.actorRef(actor));
    if (this.numbers.length >= BATCH_EVENTS * 2) this.post();
    // The rest a moment later (POST_AFTER_MS), not in a microtask nor at the end of the turn: a catch-up awaits each
    // event it applies, and live commands come one or a few a turn; a message per event cost more than the row's insert.
    else if (!this.postQueued) {
      this.postQueued = true;
      setTimeout(() => {
        this.postQueued = false;
        this.post();
      }, POST_AFTER_MS).unref();
    }
  }

  /** The number of an actor posted before with the same fields, or -1 for a new one (sent with the batch, numbered next by the thread). */
  private actorRef(actor: EventMetadata['actor']): number {
    const posted = this.actorsPosted.get(actor.userId);
    if (posted && sameFields(posted.actor, actor)) return posted.index;
    if (typeof actor.userId === 'string') this.actorsPosted.set(actor.userId, { actor, index: this.actorsSent });
    this.actorsSent += 1;
    this.actors.push(actor);
    return -1;
  }

  /** The newest entries that pass the filter, newest first, at most `limit`: read backwards by position along an index. */
  entries(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.ask<AuditEntry[]>('entries', filter);
  }

  /** How many distinct event types and actors it keeps (each once). */
  kept(): { types: number; actors: number } {
    return this.call('kept');
  }
}

/** Whether two actors hold the same fields with the same values (strings, numbers, null: anything else counts as different). */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let fields = 0;
  for (const key in a) {
    const value = a[key];
    if (value !== b[key] || (typeof value === 'object' && value !== null)) return false;
    fields += 1;
  }
  for (const _ in b) fields -= 1;
  return fields === 0;
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
export function auditEntries(view: AuditTrail, filter: AuditFilter): Promise<AuditEntry[]> {
  return view.entries(filter);
}
