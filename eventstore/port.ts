/**
 * The event-store port: what the rest of the project needs from a store, and no more. It knows
 * events (type, data, metadata), not problems. Adapters: memory, SQLite (the embedded default),
 * PostgreSQL and KurrentDB; one contract suite (tests/eventstore.contract.ts) holds them all to the same
 * behaviour. Beside the log, a store may keep leases (`LeaseStore`, at the end).
 */

/** Recorded with every event. `occurredAt` comes from the injected clock, never from the store. */
export type EventMetadata = {
  /** Who did it: user id, display name, their unit and the role they acted in. */
  actor: { userId: string; name: string; unitId: string | null; role: string };
  commandId: string;
  correlationId: string;
  causationId: string;
  occurredAt: string;
  schemaVersion: number;
  /**
   * SHA-256 of the command that wrote it (actor, type, input; commandHandler.ts): the same command id
   * sent again is a retry only with the same fingerprint. Absent on events written before it was kept.
   */
  commandFingerprint?: string;
  [key: string]: unknown;
};

export type NewEvent = {
  /** Unique per event; appending an event whose id is already stored is a no-op. */
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
};

export type RecordedEvent = NewEvent & {
  streamId: string;
  /** 0-based position of the event within its stream. */
  revision: number;
  /** Position in the global log: increasing across all streams (not necessarily contiguous). */
  position: number;
};

/**
 * What the appender expects the stream to be: absent, present, anything, or at exactly this
 * revision (the revision of its last event).
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export type AppendResult = {
  /** Revision of the stream's last event after the append (-1 when the stream is still empty). */
  nextExpectedRevision: number;
  /** Global position of the last event appended, or of the stream's head when nothing was new. */
  position: number;
};

/**
 * What an append wrote, beside its result: the events as a read would return them (revisions,
 * positions, through the store's codec), when the adapter can say so (`writtenBy`), so a caller need
 * not read back what it wrote. Kept beside the result rather than in it, so results still compare
 * as the contract states them. None when nothing was written (a retry of stored events, no events)
 * or the adapter cannot tell.
 */
const written = new WeakMap<AppendResult, RecordedEvent[]>();
export function withWritten<R extends AppendResult>(result: R, events: RecordedEvent[] | undefined): R {
  if (events !== undefined) written.set(result, events);
  return result;
}
export const writtenBy = (result: AppendResult): RecordedEvent[] | undefined => written.get(result);

/**
 * The store's change token (`EventStore.changeToken`) as it stood right after an append's commit,
 * when each stream the append wrote ended with its events at that moment: while the token still
 * reads so, those streams are as the append left them. Beside the result, as `withWritten` is; none
 * when the adapter cannot say.
 */
const tokenAfter = new WeakMap<AppendResult, string | number>();
export function withChangeToken<R extends AppendResult>(result: R, token: string | number | undefined): R {
  if (token !== undefined) tokenAfter.set(result, token);
  return result;
}
export const changeTokenAfter = (result: AppendResult): string | number | undefined => tokenAfter.get(result);

/** One stream's part of a multi-stream append (`appendMany`). */
export type StreamAppend = { streamId: string; events: readonly NewEvent[]; expected: ExpectedRevision };

export type ReadStreamOptions = {
  fromRevision?: number;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
};

export type ReadAllOptions = {
  /** Read events after this global position (exclusive); from the start when omitted. */
  after?: number;
  maxCount: number;
};

/**
 * An event's place in the log and its link in the hash chain, without its data: what the checkpointer follows (issue 12: on
 * a first start at a million events, parsing every event's data and metadata only to keep its stream's head was most of the
 * garbage collected after ready).
 */
export type LogLink = Pick<RecordedEvent, 'id' | 'streamId' | 'revision' | 'position' | 'type'> & {
  /** The chain hash stored with the event (`metadata.hash`); undefined in a log written before the chain. */
  hash: string | undefined;
  /** For a checkpoint (eventstore/checkpoints.ts), the last position its data says it covers; null for every other event. */
  covers: number | null;
};

export type SubscribeOptions = {
  /** Deliver events after this global position (exclusive); from the start when omitted. */
  after?: number;
  signal: AbortSignal;
};

export interface EventStore {
  /** Appends atomically, checking the expected revision; throws WrongExpectedRevisionError. */
  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams at once, all or nothing: each part is judged as `appendToStream` judges
   * it (its expected revision; a part whose ids are all stored already, as the same events, is a
   * no-op; any other stored id is a DuplicateEventIdError), and when one part fails nothing is
   * written. A stream appears in one part at most, an id in one event at most. Events reach the
   * global log in the order given. Results in the order of the parts. For writers of many small
   * streams at once (the scheduler's pass): one durable commit instead of one per stream.
   * KurrentDB appends the parts one after another: not atomic there (eventstore/kurrentdb.ts).
   */
  appendMany(parts: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** A missing stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One batch of the global log, in order. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Catch up from a position, then follow live appends: every event exactly once, in global order,
   * with no gap and no duplicate at the hand-over. Resolves when the signal aborts.
   */
  subscribeToAll(options: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void): Promise<void>;
  /**
   * `subscribeToAll`, each event given as its link alone, by a store that can read links without parsing the events (SQLite).
   * A store without it is followed through `subscribeToAll` (eventstore/checkpoints.ts `followLinks`).
   */
  subscribeToLinks?(options: SubscribeOptions, onLink: (link: LogLink) => Promise<void> | void): Promise<void>;
  /** The global position of the last event in the log, or -1 for an empty log. */
  headPosition(): Promise<number>;
  /**
   * A value that stays the same as long as nothing is appended to the store, by this process or any
   * other: two equal values mean no append came in between (a kept fold checked at the first is still
   * current at the second, eventstore/commandHandler.ts). Answered at once, without a read of the log;
   * undefined (or left out) by an adapter that cannot tell so cheaply, and then every fold is read again.
   */
  changeToken?(): string | number | undefined;
  /**
   * The file the log is kept in, when another connection of this process may open it and read it (SQLite): a read
   * model with a thread of its own reads its catch-up there (projections/runner.ts `fillFromLog`). Undefined otherwise.
   */
  readonly logFile?: string;
  /**
   * Gets ready to append without waiting (SQLite: starts its writer thread, about 60 ms of a new thread's start), so that
   * the first append after a start's catch-up (the lease) does not wait for it. Left out where there is nothing to start.
   */
  prepareAppends?(): void;
  close(): Promise<void>;
}

/** The store's way of saying another writer got there first. */
export class WrongExpectedRevisionError extends Error {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at revision ${actual}, not ${String(expected)}: someone else wrote first.`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An event id was re-used for different events (a retry that does not match what was stored). */
export class DuplicateEventIdError extends Error {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(readonly eventId: string) {
    super(`Event id ${eventId} is already stored with different content or in a different place.`);
    this.name = 'DuplicateEventIdError';
  }
}

/** A stored event no longer fits its schema: the record and the code disagree. */
export class EventDecodeError extends Error {
  readonly code = 'EVENT_SCHEMA_MISMATCH';
  constructor(
    readonly streamId: string,
    readonly revision: number,
    readonly type: string,
    readonly issues: string,
  ) {
    super(`Stored event ${type} at ${streamId}@${revision} does not match its schema: ${issues}`);
    this.name = 'EventDecodeError';
  }
}

/** Checks (and may upcast) an event read back from the store; throws EventDecodeError. */
export type EventCodec = (event: RecordedEvent) => RecordedEvent;

export const expectedMatches = (expected: ExpectedRevision, current: number): boolean =>
  expected === 'any' ||
  (expected === 'no_stream' && current === -1) ||
  (expected === 'stream_exists' && current >= 0) ||
  expected === current;

/** Who holds a lease (`LeaseStore`), and until when by the store's clock (an ISO instant). */
export type LeaseHolding = { holder: string; expiresAt: string };

/**
 * Leases kept in the store, for work that must run on one server at a time (checkpoints, the
 * scheduler: eventstore/lease.ts). A lease is a row (name, holder, expiry): free, expired or already
 * the asker's, it is taken or renewed; held by another, it is not. The expiry is counted on the
 * store's clock where there is one (PostgreSQL's), so servers whose clocks differ agree on it. A
 * holder that dies stops renewing, and another takes the lease once it has expired. Not a fence: a
 * holder paused longer than its lease may still finish a step after another took over, so the work
 * under a lease stays idempotent (the checkpoints' expected revision, the scheduler's event ids).
 * Memory, SQLite and PostgreSQL keep leases; KurrentDB does not (every server there does the work).
 */
export interface LeaseStore {
  /** Takes or renews `name` for `holder` for `seconds` when it is free, expired or `holder`'s; answers who holds it now. */
  acquireLease(name: string, holder: string, seconds: number): Promise<LeaseHolding>;
  /** Gives `name` up, if `holder` holds it, so another server can take it at once (a clean shutdown). */
  releaseLease(name: string, holder: string): Promise<void>;
}

export const isLeaseStore = (store: unknown): store is LeaseStore =>
  typeof (store as Partial<LeaseStore> | undefined)?.acquireLease === 'function' &&
  typeof (store as Partial<LeaseStore> | undefined)?.releaseLease === 'function';
