import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { rawStore, storedHash, UnchainedStoreError } from './hashChain.js';
import type { EventStore, LogLink, NewEvent, RecordedEvent, SubscribeOptions } from './port.js';
import { WrongExpectedRevisionError } from './port.js';
import { atOnce, sliced, slicedInATurnOfItsOwn } from '../projections/slices.js';
import { decodeInPieces, encodingInPieces } from '../projections/snapshots.js';
import { prepareData } from './preparedData.js';
import {
  type HeadsInOneMap,
  StreamHeads,
  type StreamHeadsState,
  type StoredStreamHeads,
  restoringHeads,
  storingHeads,
  upgradedHeads,
} from './streamHeads.js';

/** The stream every checkpoint is appended to; checkpoint N is its event at revision N - 1. */
export const CHECKPOINT_STREAM = 'checkpoints';
export const CHECKPOINT_TYPE = 'CheckpointRecorded';

export const CheckpointReason = z.enum(['events', 'time', 'finalized', 'manual', 'migration']);

/**
 * A checkpoint: at global position `position`, the Merkle root over every stream's head, plus the
 * heads that moved since the checkpoint at `previousPosition` (so a deleted stream can be named,
 * not just noticed). Checkpoints are appended in order of position.
 */
export const CheckpointData = z.object({
  /** The last global position covered (inclusive). */
  position: z.number().int().min(-1),
  /** Events at or before `position`. */
  eventCount: z.number().int().min(0),
  streamCount: z.number().int().min(0),
  /** RFC 6962 Merkle root (hex) over [streamId, revision, hash] of every head, sorted by streamId. */
  merkleRoot: z.string().regex(/^[0-9a-f]{64}$/),
  /** Position covered by the checkpoint before this one (-1 for the first). */
  previousPosition: z.number().int().min(-1),
  /** Heads whose last event is after `previousPosition`: [streamId, revision, hash], sorted by streamId. */
  moved: z.array(z.tuple([z.string(), z.number().int().min(0), z.string()])),
  reason: CheckpointReason,
});
export type CheckpointData = z.infer<typeof CheckpointData>;

/**
 * A checkpoint's data read for its position alone (the rest is not looked at): the drafter and the checkpointer need only
 * that, and the first checkpoint of a big log names every head (108,000 at a million events: its full parse held the
 * event loop ~0.1 s, and the checkpointer met it three times). Verification parses every checkpoint in full.
 */
const CheckpointPosition = CheckpointData.pick({ position: true });
const positionOf = (event: RecordedEvent): number => CheckpointPosition.parse(event.data).position;

/** A checkpoint as read from the log: its number is its place in the checkpoints stream. */
export type Checkpoint = CheckpointData & { number: number; eventId: string; hash: string; recordedAt: string; at: number };

export function checkpointFrom(event: RecordedEvent): Checkpoint {
  return {
    ...CheckpointData.parse(event.data),
    number: event.revision + 1,
    eventId: event.id,
    hash: storedHash(event) ?? '',
    recordedAt: event.metadata.occurredAt,
    at: event.position,
  };
}

export const isCheckpoint = (event: Pick<RecordedEvent, 'streamId' | 'type'>) =>
  event.streamId === CHECKPOINT_STREAM && event.type === CHECKPOINT_TYPE;

/** `isCheckpoint` in SQL, for the stores' statements (SQLite's and PostgreSQL's); `row` prefixes the columns (`NEW.`). */
export const isCheckpointRow = (row = '') => `${row}stream_id = '${CHECKPOINT_STREAM}' AND ${row}type = '${CHECKPOINT_TYPE}'`;

/** An event's link (port.ts `LogLink`): what the drafter keeps of it. */
export function linkOf(event: RecordedEvent): LogLink {
  const { id, streamId, revision, position, type } = event;
  return { id, streamId, revision, position, type, hash: storedHash(event), covers: isCheckpoint(event) ? positionOf(event) : null };
}

/**
 * A link's columns as a store's links read gives them: position (`P`: pg gives a bigint as text), event id, stream id,
 * revision, type, the metadata's `hash`, a checkpoint's `data.position`.
 */
export type LinkRow<P = number> = [P, string, string, number, string, unknown, unknown];

/**
 * The link `linkOf` makes of the same event: a hash that is not text is none, and a checkpoint must name a whole position
 * (-1 or more, a safe integer as zod's `int` has it) or the read fails, as `linkOf` fails on its data.
 */
export function linkFromRow([position, id, streamId, revision, type, hash, covers]: LinkRow): LogLink {
  const checkpoint = isCheckpoint({ streamId, type });
  if (checkpoint && !(Number.isSafeInteger(covers) && (covers as number) >= -1))
    throw new Error(`The checkpoint at position ${position} does not name the position it covers`);
  return {
    id,
    streamId,
    revision,
    position,
    type,
    hash: typeof hash === 'string' ? hash : undefined,
    covers: checkpoint ? (covers as number) : null,
  };
}

/** Follows the log's links: read as links where the store can (`subscribeToLinks`), or taken from its events. */
function followLinks(store: EventStore, options: SubscribeOptions, onLink: (link: LogLink) => Promise<void> | void): Promise<void> {
  return store.subscribeToLinks ? store.subscribeToLinks(options, onLink) : store.subscribeToAll(options, (event) => onLink(linkOf(event)));
}

/** The small file kept away from the store (printed, e-mailed to the committee) and held against it later. */
export const ExportedCheckpoint = z.object({
  format: z.literal('taizhang-checkpoint/1'),
  number: z.number().int().min(1),
  position: z.number().int().min(-1),
  eventCount: z.number().int().min(0),
  streamCount: z.number().int().min(0),
  merkleRoot: z.string().regex(/^[0-9a-f]{64}$/),
  checkpointEventId: z.string(),
  checkpointHash: z.string().regex(/^[0-9a-f]{64}$/),
  recordedAt: z.string(),
});
export type ExportedCheckpoint = z.infer<typeof ExportedCheckpoint>;

export const exportCheckpoint = (c: Checkpoint): ExportedCheckpoint => ({
  format: 'taizhang-checkpoint/1',
  number: c.number,
  position: c.position,
  eventCount: c.eventCount,
  streamCount: c.streamCount,
  merkleRoot: c.merkleRoot,
  checkpointEventId: c.eventId,
  checkpointHash: c.hash,
  recordedAt: c.recordedAt,
});

/** A drafter's state after the event at `position` (whose id is `eventId`): what a restart goes on from. */
export type DrafterState = { position: number; eventId: string; covered: number; uncovered: number[]; heads: StreamHeadsState };

/**
 * Those of `positions` (ascending, as the log is walked) after `position`: found by a binary search, the rest copied once
 * (issue 12: on a first start at a million events every position waits for the first checkpoint; filtering them when it
 * was seen held the event loop 46–85 ms).
 */
export function positionsAfter(positions: number[], position: number): number[] {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (positions[middle]! > position) high = middle;
    else low = middle + 1;
  }
  return low === 0 ? positions : positions.slice(low);
}

/**
 * Positions in ascending order kept in blocks of 4,096: a push never copies the list, and those a checkpoint covers go a
 * block at a time (issue 12: a million positions in one array grew by copying 8–12 MB at once, one push holding the event
 * loop 23 ms in a first start's profile at 1M, and it cost more on this machine's fresh memory).
 */
export class PositionList {
  private blocks: number[][] = [];
  length = 0;

  static of(positions: readonly number[]): PositionList {
    const list = new PositionList();
    for (const position of positions) list.push(position);
    return list;
  }

  push(position: number): void {
    let last = this.blocks.at(-1);
    if (last === undefined || last.length === 4096) this.blocks.push((last = []));
    last.push(position);
    this.length += 1;
  }

  /** Drops the positions up to `position`, those a checkpoint covering it proves. */
  dropThrough(position: number): void {
    while (this.blocks.length > 0 && this.blocks[0]!.at(-1)! <= position) this.length -= this.blocks.shift()!.length;
    const first = this.blocks[0];
    if (first === undefined) return;
    const kept = positionsAfter(first, position);
    this.length -= first.length - kept.length;
    this.blocks[0] = kept;
  }

  toArray(): number[] {
    return this.blocks.flat();
  }
}

/** The most streams moved since the last root that a draft looks up and sorts in one step; past it, it walks every head. */
const MOVED_LOOKED_UP = 4096;

/** Follows the log and drafts checkpoints from the heads it has seen. */
export class CheckpointDrafter {
  heads = new StreamHeads();
  /** Position covered by the newest checkpoint known (seen in the log or drafted here). */
  covered = -1;
  /** Positions of events after `covered`, checkpoints aside (they alone do not call for another). */
  uncovered = new PositionList();
  position = -1;
  lastEventId: string | undefined;
  /**
   * The position of this drafter's last root, undefined before one (or in a drafter restored from a state): from there on
   * the heads know which streams moved since (`movedSinceRoot`), and a draft covering from there or later reads its moved
   * heads off them rather than walking every head (1.08 million at ten million events: 53 ms of a checkpoint's 880 in a
   * CPU profile, the forty-third round).
   */
  private rootedAt: number | undefined;

  observe(observed: RecordedEvent | LogLink): void {
    const event = 'metadata' in observed ? linkOf(observed) : observed;
    const hash = event.hash;
    if (hash === undefined) throw new UnchainedStoreError(event.streamId, event.revision);
    this.heads.apply(event.streamId, event.revision, hash, event.position);
    this.position = event.position;
    this.lastEventId = event.id;
    if (event.covers !== null) {
      const covered = event.covers;
      if (covered > this.covered) {
        this.covered = covered;
        this.uncovered.dropThrough(covered);
      }
    } else if (event.position > this.covered) this.uncovered.push(event.position);
  }

  /** The state to keep (its heads shared, not copied: serialize it before the next `observe`); none before the first event. */
  state(): DrafterState | undefined {
    if (this.lastEventId === undefined) return undefined;
    const { position, lastEventId: eventId, covered } = this;
    return { position, eventId, covered, uncovered: this.uncovered.toArray(), heads: this.heads.state() };
  }

  /** A drafter going on from a kept state, as the one it was taken from would. */
  static from(state: DrafterState): CheckpointDrafter {
    const drafter = new CheckpointDrafter();
    drafter.heads = StreamHeads.from(state.heads);
    drafter.position = state.position;
    drafter.lastEventId = state.eventId;
    drafter.covered = state.covered;
    drafter.uncovered = PositionList.of(state.uncovered);
    return drafter;
  }

  /** A checkpoint at the last position observed; synchronous, so the heads cannot move meanwhile. */
  draft(reason: CheckpointData['reason']): CheckpointData {
    return atOnce(this.drafting(reason));
  }

  /**
   * The same draft, pausing (`yield`) between pieces of the root's hashing: run `sliced`, the caller observes nothing
   * until it is done (the Checkpointer holds its subscription meanwhile), so the heads do not move under it.
   */
  *drafting(reason: CheckpointData['reason']): Generator<void, CheckpointData> {
    const position = this.position;
    // Every head moved after `covered` moved after the last root when that root is at `covered` or before.
    const since = this.rootedAt !== undefined && this.rootedAt <= this.covered ? this.heads.movedSinceRoot() : undefined;
    // Unknown until this root is taken: a draft left unfinished has begun to forget what moved.
    this.rootedAt = undefined;
    yield* this.heads.preparing();
    const merkleRoot = this.heads.root();
    this.rootedAt = position;
    // Looked up and sorted at once, so only when few (a checkpoint every 1,000 events moves at most 1,000 streams).
    const few = since !== undefined && since.length <= MOVED_LOOKED_UP;
    const heads = few ? this.heads.headsMovedAfter(since, this.covered) : yield* this.heads.movingAfter(this.covered);
    const moved: CheckpointData['moved'] = new Array(heads.length);
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      moved[i] = [h.streamId, h.revision, h.hash];
      if ((i & 1023) === 1023) yield;
    }
    const data: CheckpointData = {
      position,
      eventCount: this.heads.eventCount,
      streamCount: this.heads.streamCount,
      merkleRoot,
      previousPosition: this.covered,
      moved,
      reason,
    };
    this.covered = position;
    this.uncovered = new PositionList();
    return data;
  }
}

const checkpointActor = { userId: 'integrity-checkpointer', name: '完整性检查点', unitId: null, role: 'system' };

/** The newest checkpoint's place: its revision in the checkpoints stream and the position it covers. */
type Newest = { revision: number; position: number };

/**
 * The newest checkpoint's event, undefined when there is none. A store may leave its data to be read when asked for (the
 * SQLite and PostgreSQL stores do, SQLite its metadata too): the log's first checkpoint names every head. Read under the
 * hash chain (`rawStore`): the chain would learn the stream's head hash from the metadata, which SQLite reaches by
 * following the data's overflow pages (65–90 ms for the first checkpoint at a million events, at the end of a warm
 * start); the next append reads the head when it needs it.
 */
async function lastCheckpoint(store: EventStore): Promise<RecordedEvent | undefined> {
  const [last] = await rawStore(store).readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 });
  return last;
}

/**
 * What a checkpoint event covers, from its link where the store reads links: SQLite and PostgreSQL pick that one number
 * out of the row, where parsing the data builds the whole checkpoint (the log's first names every head: 13 MB of JSON at
 * a million events, 75–89 ms to parse on the 2-core VM, and the collector's pauses after it). `store` is the one under the
 * hash chain (`rawStore`). One batch of links read from the event on; -1 when `stopped` aborts first.
 */
async function coveredBy(store: EventStore, checkpoint: RecordedEvent, stopped?: AbortSignal): Promise<number> {
  if (!store.subscribeToLinks) return positionOf(checkpoint);
  const done = new AbortController();
  let covers: number | null = null;
  const signal = stopped ? AbortSignal.any([done.signal, stopped]) : done.signal;
  await store.subscribeToLinks({ after: checkpoint.position - 1, signal }, (link) => {
    if (link.id === checkpoint.id) covers = link.covers;
    done.abort();
  });
  return covers ?? (stopped?.aborted ? -1 : positionOf(checkpoint));
}

/** The newest checkpoint's place, read from the store (what it covers from its link: `coveredBy`); undefined when there is none. */
async function newestCheckpoint(store: EventStore): Promise<Newest | undefined> {
  const last = await lastCheckpoint(store);
  return last && { revision: last.revision, position: await coveredBy(rawStore(store), last) };
}

/**
 * Appends a drafted checkpoint after the newest, unless a checkpoint at or after its position is there already (another
 * process got there first): checkpoints stay in order of position. `knownRevision`, the newest checkpoint's revision as
 * this process read it at its start or appended it (one covering less than `data`, which was drafted after it), spares
 * reading the newest (the first one names every head); when another process appended since, the append's expected
 * revision fails and the newest is read. Returns the revision the checkpoint went to, undefined when it was not needed.
 */
async function appendCheckpoint(
  store: EventStore,
  data: CheckpointData,
  causationId: string,
  now: string,
  knownRevision?: number,
): Promise<number | undefined> {
  for (let expected: number | 'no_stream' | undefined = knownRevision; ; expected = undefined) {
    if (expected === undefined) {
      const newest = await newestCheckpoint(store);
      if (newest && newest.position >= data.position) return undefined;
      expected = newest ? newest.revision : 'no_stream';
    }
    const id = randomUUID();
    const event: NewEvent = {
      id,
      type: CHECKPOINT_TYPE,
      data,
      metadata: { actor: checkpointActor, commandId: id, correlationId: id, causationId, occurredAt: now, schemaVersion: 1 },
    };
    try {
      await store.appendToStream(CHECKPOINT_STREAM, [event], expected);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) continue;
      throw error;
    }
    return expected === 'no_stream' ? 0 : expected + 1;
  }
}

/**
 * Records a checkpoint now, covering the whole log as it is: for the export script, the
 * migration and tests. A running server records its own through the Checkpointer.
 */
export async function recordCheckpoint(
  store: EventStore,
  {
    reason = 'manual',
    now = new Date().toISOString(),
    batchSize = 5000,
  }: { reason?: CheckpointData['reason']; now?: string; batchSize?: number } = {},
): Promise<Checkpoint | undefined> {
  const drafter = new CheckpointDrafter();
  const raw = rawStore(store);
  for (;;) {
    const batch = await raw.readAll({ after: drafter.position, maxCount: batchSize });
    for (const event of batch) drafter.observe(event);
    if (batch.length < batchSize) break;
  }
  if (drafter.position === -1) return undefined;
  const revision = await appendCheckpoint(store, drafter.draft(reason), drafter.lastEventId!, now);
  if (revision === undefined) return undefined;
  const [written] = await raw.readStream(CHECKPOINT_STREAM, { fromRevision: revision, maxCount: 1 });
  return checkpointFrom(written!);
}

/** The newest checkpoint in the store, if any. */
export async function latestCheckpoint(store: EventStore): Promise<Checkpoint | undefined> {
  const [last] = await rawStore(store).readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 });
  return last && checkpointFrom(last);
}

export type CheckpointPolicy = {
  /** A checkpoint after this many events (checkpoints aside). */
  everyEvents: number;
  /** And one after this many seconds when anything happened since the last. */
  everySeconds: number;
  /** Event types that call for a checkpoint at once (the committee finalizing a year, a monthly bulletin published). */
  triggerTypes: readonly string[];
};

export const defaultCheckpointPolicy = (env: NodeJS.ProcessEnv = process.env): CheckpointPolicy => ({
  everyEvents: positiveInt(env.CHECKPOINT_EVERY_EVENTS, 1000),
  everySeconds: positiveInt(env.CHECKPOINT_EVERY_SECONDS, 300),
  triggerTypes: ['AssessmentFinalized', 'BulletinPublished'],
});

function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Expected a positive whole number, got "${text}"`);
  return value;
}

/** Where the checkpointer keeps its state between starts: the read models' snapshot store (projections/snapshots.ts). */
export type CheckpointerSnapshots = {
  load(name: string): Promise<Buffer | undefined>;
  save(name: string, bytes: readonly Buffer[]): Promise<void>;
};

/**
 * The checkpointer's snapshot: its name among the read models' and the version of its shape. 4: the heads' fields in lists
 * (`storingHeads`), written in pieces (projections/snapshots.ts `encodingInPieces`) and read with yields between them.
 * Still read so an upgrade does not walk the log again: 2, the heads as a Map of objects, their digests Buffers or (written
 * after digests became strings, the version left at 2) strings; 1, the one-piece bytes of before. 3 was never written.
 */
const SNAPSHOT = { name: 'checkpointer', version: 4 };

/** A drafter's state as its snapshot keeps it. */
type StoredDrafterState = Omit<DrafterState, 'heads'> & { heads: StoredStreamHeads };

/** The bytes of a drafter's snapshot, in pieces: `lead` first (what a reader checks before reading on), then the state. */
function* snapshotOf(lead: object, state: DrafterState): Generator<void, Buffer[]> {
  const stored: StoredDrafterState = { ...state, heads: yield* storingHeads(state.heads) };
  return yield* encodingInPieces(lead, stored);
}
/** Positions between two snapshots of the checkpointer's state, once it has caught up (and one at every stop). */
export const CHECKPOINTER_SNAPSHOT_EVERY = 50_000;

/**
 * Follows the log through the store's subscription (never beside an append, like the projection
 * runner) and appends a checkpoint every `everyEvents` events, every `everySeconds` seconds when
 * something happened, and at every event of a trigger type.
 *
 * With `snapshots`, its state (every stream's head, the Merkle tree's cached blocks, what the newest
 * checkpoint covers) is kept at a position (issue 12): a restart reads the log after it, not the
 * whole log for the heads, and hashes no block it hashed before. A snapshot is taken once caught up,
 * every CHECKPOINTER_SNAPSHOT_EVERY positions and at a stop; it is used only when the log holds the
 * same event at its position (a replaced database is walked from the start) and is of this version.
 */
export class Checkpointer {
  private drafter = new CheckpointDrafter();
  /** Position of the last snapshot saved or restored. */
  private savedAt = -1;
  private saving: Promise<void> = Promise.resolve();
  private abort = new AbortController();
  private following: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /**
   * Work on the drafter done in slices (a draft's root, a snapshot's bytes), until it is done: the drafter must not move
   * meanwhile, so the subscription's next event and the timer's checkpoint wait for it.
   */
  private busy: Promise<void> | undefined;
  /** The newest checkpoint's revision as read at the start or appended here since: the next append goes after it without reading it. */
  private newestRevision: number | undefined;
  failure: unknown;

  constructor(
    private readonly store: EventStore,
    private readonly policy: CheckpointPolicy,
    private readonly clock: () => string = () => new Date().toISOString(),
    private readonly snapshots?: CheckpointerSnapshots,
  ) {}

  /**
   * Follows the log from its start (the heads need every stream), but counts as uncovered only what
   * comes after the newest checkpoint already recorded: catching up a log it proved before drafts
   * nothing, so a restart costs one pass over the heads, not a Merkle root every `everyEvents`.
   * History no checkpoint covers yet (a log written before checkpoints, or while none ran) is proved
   * by one checkpoint at the log's head as it was at the start (its `moved` names every head of that
   * history), not by one every `everyEvents` of it, each a root over every head: the catch-up then
   * costs one root, not one per thousand events, and the log grows by one event, not by thousands the
   * read models would have to follow. Trigger types in that history still get theirs.
   * It may start again after a stop (a server taking the once-only work over: eventstore/lease.ts).
   */
  start(): void {
    this.drafter = new CheckpointDrafter();
    this.abort = new AbortController();
    this.failure = undefined;
    const triggers = new Set(this.policy.triggerTypes);
    let headAtStart = -1;
    this.newestRevision = undefined;
    this.following = Promise.all([lastCheckpoint(this.store), this.store.headPosition(), this.restore()])
      .then(async ([last, head, restored]) => {
        const drafter = restored ?? this.drafter;
        // What the newest checkpoint covers is read only when the drafter has not followed the log past it (one it followed
        // past, it observed), and from its link where the store reads links. The log's first checkpoint names every head:
        // reading and parsing it (13 MB at a million events) held a warm start's event loop 100–200 ms, a cold one's 78–264.
        // The drafter is taken on once that is known: the timer's checkpoint finds nothing uncovered meanwhile.
        const covers = last && last.position > drafter.position ? await coveredBy(rawStore(this.store), last, this.abort.signal) : -1;
        if (covers > drafter.covered) {
          drafter.covered = covers;
          drafter.uncovered.dropThrough(covers);
        }
        this.drafter = drafter;
        this.newestRevision = last?.revision;
        headAtStart = head;
      })
      .then(() =>
        followLinks(rawStore(this.store), { after: this.drafter.position, signal: this.abort.signal }, (event) => {
          const busy = this.busy;
          return busy ? busy.then(() => this.follow(event, headAtStart, triggers)) : this.follow(event, headAtStart, triggers);
        }),
      )
      .catch((error: unknown) => {
        this.failure = error;
        console.error('Checkpointer stopped:', error);
      });
    this.timer = setInterval(() => {
      if (!this.busy && this.drafter.uncovered.length > 0) void this.checkpoint('time');
    }, this.policy.everySeconds * 1000);
    this.timer.unref();
  }

  /**
   * Observes an event and does what it calls for: a checkpoint (drafted in slices, then appended), a snapshot of the
   * state (in slices, after the event's own checkpoint is drafted: that draft leaves nothing uncovered to keep). The
   * promise, when there is one, holds the subscription until both are done.
   */
  private follow(event: LogLink, headAtStart: number, triggers: ReadonlySet<string>): Promise<void> | undefined {
    this.drafter.observe(event);
    const written = this.onObserved(event, headAtStart, triggers);
    if (event.position < headAtStart || event.position - this.savedAt < CHECKPOINTER_SNAPSHOT_EVERY) return written;
    const kept = (this.busy ?? Promise.resolve()).then(() => this.keep());
    return written ? Promise.all([kept, written]).then(() => undefined) : kept;
  }

  /** Marks `work` as the drafter's slices in progress until it settles. */
  private holding(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.busy = settled;
    void settled.then(() => {
      if (this.busy === settled) this.busy = undefined;
    });
  }

  /** The checkpoint an event observed calls for, if any: drafted now, written after the one before. */
  private onObserved(event: LogLink, headAtStart: number, triggers: ReadonlySet<string>): Promise<void> | undefined {
    if (event.position <= this.drafter.covered) return undefined;
    if (triggers.has(event.type)) return this.checkpoint('finalized');
    if (event.position >= headAtStart && this.drafter.uncovered.length >= this.policy.everyEvents) return this.checkpoint('events');
    return undefined;
  }

  /**
   * Drafts a checkpoint at the last position observed, its root hashed in slices (issue 12: a first checkpoint over every
   * head of a million-event log held the event loop most of a second), then appends it after the one before.
   */
  private checkpoint(reason: CheckpointData['reason']): Promise<void> {
    if (this.abort.signal.aborted) return this.writing;
    const causation = this.drafter.lastEventId!;
    const now = this.clock();
    const drafted = slicedInATurnOfItsOwn(this.drafter.drafting(reason));
    this.holding(drafted);
    this.writing = Promise.all([drafted, this.writing])
      .then(async ([data]) => {
        // Its chain hash's canonical JSON and its stored text in slices (the first names every head), then the append.
        await prepareData(data);
        // Undefined when another process had covered it: the next append reads the newest again.
        this.newestRevision = await appendCheckpoint(this.store, data, causation, now, this.newestRevision);
      })
      .catch((error: unknown) => console.error('Could not record a checkpoint:', error));
    return this.writing;
  }

  /** The drafter kept by the last snapshot, when there is one of this version and the log holds its event at its position. */
  private async restore(): Promise<CheckpointDrafter | undefined> {
    this.savedAt = -1;
    const bytes = await this.snapshots?.load(SNAPSHOT.name);
    if (!bytes) return undefined;
    try {
      // The lead: where the state stands (versions 2 and 4), or the whole state (version 1).
      const { lead, value } = decodeInPieces(bytes);
      const kept = lead as { version: number; state: Pick<DrafterState, 'position' | 'eventId'> };
      if (![1, 2, SNAPSHOT.version].includes(kept.version)) return undefined;
      const [at] = await rawStore(this.store).readAll({ after: kept.state.position - 1, maxCount: 1 });
      if (at?.position !== kept.state.position || at.id !== kept.state.eventId) return undefined;
      let state: DrafterState;
      if (kept.version === SNAPSHOT.version) {
        const stored = (await value()) as StoredDrafterState;
        state = { ...stored, heads: await sliced(restoringHeads(stored.heads)) };
      } else {
        const old = (kept.version === 1 ? kept.state : await value()) as Omit<DrafterState, 'heads'> & { heads: HeadsInOneMap };
        state = { ...old, heads: upgradedHeads(old.heads) };
      }
      this.savedAt = state.position;
      return CheckpointDrafter.from(state);
    } catch (error) {
      console.error('The checkpointer’s snapshot could not be read; walking the log from its start:', error);
      return undefined;
    }
  }

  /**
   * Keeps the drafter's state as it is now, serialized in slices (30 MB at a million events: most of a second in one
   * go), the drafter held meanwhile; written after the last. In pieces, so a restart reads it back with yields too.
   */
  private keep(): Promise<void> {
    const state = this.snapshots && this.drafter.state();
    if (!state) return Promise.resolve();
    this.savedAt = state.position;
    const encoded = sliced(snapshotOf(this.lead(state), state));
    this.holding(encoded);
    return encoded.then(
      (bytes) => this.write(bytes),
      (error: unknown) => console.error('Could not save the checkpointer’s snapshot:', error),
    );
  }

  /** Keeps the drafter's state as it is now, serialized at once (a stop: nothing follows it), written after the last. */
  private save(): void {
    const state = this.snapshots && this.drafter.state();
    if (!state) return;
    this.savedAt = state.position;
    this.write(atOnce(snapshotOf(this.lead(state), state)));
  }

  private lead(state: DrafterState) {
    return { version: SNAPSHOT.version, state: { position: state.position, eventId: state.eventId } };
  }

  private write(bytes: readonly Buffer[]): void {
    this.saving = this.saving
      .then(() => this.snapshots!.save(SNAPSHOT.name, bytes))
      .catch((error: unknown) => console.error('Could not save the checkpointer’s snapshot:', error));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await this.following;
    await this.busy;
    await this.writing;
    if (this.failure === undefined && this.drafter.position > this.savedAt) this.save();
    await this.saving;
  }
}
