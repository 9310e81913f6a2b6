import { performance } from 'node:perf_hooks';
import { isCheckpoint } from '../eventstore/checkpoints.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { internStrings } from './intern.js';
import { sliceDue, yieldToEventLoop } from './slices.js';
import { type SnapshotStore, readSnapshot, snapshotChunks } from './snapshots.js';

/**
 * A projection: a pure fold of the log into a read model. `apply` may mutate the state it is given
 * (the runner owns it) so a rebuild over a million events does not copy on every step.
 */
export type Projection<State> = {
  name: string;
  /** Bumped whenever the shape of the state or the meaning of `apply` changes. */
  version: number;
  initial: () => State;
  apply: (state: State, event: RecordedEvent) => void;
  /**
   * Its state is kept outside the heap (a read-model database, `StoredState`) with its own position:
   * the runner asks it where it stands instead of snapshotting it, and empties it to rebuild.
   */
  stored?: true;
  /**
   * Work its state does outside `apply` (the similarity index segments the raises it took, in slices), finished: awaited
   * before its snapshot is written, once while events still come and again once they are held, so the state does not
   * change under the writer. A snapshot written while the index segmented wrote lists that grew between its pieces.
   */
  settle?: (state: State) => Promise<unknown>;
};

/** The state of a stored projection: rows in a database of the node's own, committed with the position they reflect. */
export interface StoredState {
  /** The version, position and event id it holds (as applied), or null when it holds nothing. */
  storedAt(): { version: number; position: number; eventId: string | null } | null;
  /** Empties it (a rebuild, another version, another log). */
  clear(): void;
  /** Commits what was applied, with its position. */
  flush(): void;
  /** Resolves once the state can answer without holding the event loop (a thread of its own started); awaited before `storedAt`. */
  whenOpen?(): Promise<void>;
  /** Told when a start has caught up with the log: what it put off while catching up may be done now (not waited for). */
  caughtUp?(): void;
  /**
   * Fills itself with the events after `after` up to `upTo` read from the log's SQLite file by a thread of its own;
   * resolves once done. A start with the log in such a file (`RunnerOptions.logFile`) asks it instead of applying those
   * events on the main thread; a failure fails the start, or stops the runner when it comes after it.
   */
  fillFromLog?(file: string, after: number, upTo: number): Promise<void>;
}

const storedState = (state: unknown) => state as StoredState;

/**
 * Whether the event at `position` in `store` is `eventId` (always, for -1: nothing applied): a snapshot or a stored state
 * saved at that position belongs to this log, not to one replaced since.
 */
export async function matchesLog(store: EventStore, position: number, eventId: string | null): Promise<boolean> {
  if (position < 0) return true;
  const [atPosition] = await store.readAll({ after: position - 1, maxCount: 1 });
  return atPosition?.position === position && atPosition.id === eventId;
}

type Waiter = { position: number; resolve: () => void };

/** The lowest position the waiters wait for; infinity for none. */
const nextPosition = (waiters: readonly Waiter[]): number =>
  waiters.reduce((lowest, w) => Math.min(lowest, w.position), Number.POSITIVE_INFINITY);

/** What `apply` gives back when it handed work on: resolved already, awaited by the log's follower (eventstore/catchUp.ts). */
const HANDED_ON: Promise<void> = Promise.resolve();
/** How far into a catch-up (in positions) the waiters that take `apply`'s waiters' path early are released: see `start`. */
const EARLY_WAITERS = [1_000, 2_000];
/** Events a start must have applied past its snapshots for a snapshot to be saved when it is done. */
const SNAPSHOT_AFTER_START = 1_000;
/** How long after a start is done its snapshot waits: past the appends of the start's own work (see `start`). */
const SNAPSHOT_AFTER_START_MS = 10_000;
/**
 * Then it waits for a quiet event loop (busy less than this share of the time since it last looked, looked at every
 * second), at most QUIET_WAIT_MAX_MS: see `start`.
 */
const QUIET_BELOW = 0.5;
const QUIET_CHECK_MS = 1_000;
const QUIET_WAIT_MAX_MS = 120_000;

export type RunnerOptions = {
  /** Where snapshots are kept; none means every start replays the whole log. */
  snapshots?: SnapshotStore;
  /** While following live, save snapshots every this many positions. */
  snapshotEvery?: number;
  /** How long after a start is done the snapshot of what it caught up waits (10 s). */
  snapshotAfterStartMs?: number;
  log?: (message: string) => void;
  /**
   * The SQLite file the log is kept in, when the store is one another connection of this process may read: a start asks
   * the stored projections that can (`fillFromLog`) to read their events there on their own thread (issue 12, aim 1).
   */
  logFile?: string;
};

/**
 * Builds every projection from the log at start (from its snapshot when it has a valid one), then
 * follows new events through the store's subscription. Read models are never updated beside an
 * append: a write becomes visible when the log delivers it, and `waitFor(position)` lets a client
 * that just wrote read its write.
 */
export class ProjectionRunner {
  private readonly states = new Map<string, unknown>();
  /**
   * Each projection's own position as the start found it (restored, or -1), in the order of `projections`: they
   * may differ until caught up, and an event at or before a projection's is one it already holds.
   */
  private restoredAt: number[] = [];
  private waiters: Waiter[] = [];
  /** The lowest position a waiter waits for (infinity for none). */
  private nextWaiter = Number.POSITIVE_INFINITY;
  /** Each projection's state, in the order of `projections`, as the start found them (restored or initial). */
  private applying: unknown[] = [];
  /** The highest position a restored snapshot holds: past it, every projection applies every event. */
  private restoredUpTo = -1;
  private abort = new AbortController();
  private following: Promise<void> | undefined;
  private listeners = new Set<(event: RecordedEvent) => unknown>();
  /** Called after each save of the snapshots, before the next begins (the as-of history saves its own then). */
  private afterSnapshots = new Set<() => Promise<void>>();
  private lastEventId: string | null = null;
  private lastSnapshotPosition = -1;
  /** Snapshots are saved one after the other. */
  private saving: Promise<void> = Promise.resolve();
  private live = false;
  /** The snapshot a start schedules once it is done, until it is taken. */
  private afterStart: NodeJS.Timeout | undefined;
  /**
   * Events received while a projection's snapshot is being written (in pieces, with yields between them): held, not
   * applied, so the state does not move under the writer; applied in order once it is written. Null when none is.
   */
  private held: RecordedEvent[] | null = null;
  /** Global position of the last event applied to every projection (-1 before the first). */
  position = -1;
  /** Whether `start` has found where each projection goes on from. */
  private startFound = false;
  /** Resolves once a start has caught up with the log. */
  readonly started: Promise<void>;
  private resolveStarted!: () => void;
  failure: unknown;

  constructor(
    private readonly store: EventStore,
    // biome-ignore lint/suspicious/noExplicitAny: each projection keeps its own state type; state(p) gives it back typed
    private readonly projections: readonly Projection<any>[],
    private readonly options: RunnerOptions = {},
  ) {
    this.started = new Promise((resolve) => {
      this.resolveStarted = resolve;
    });
    this.reset();
  }

  private reset(): void {
    for (const p of this.projections) this.states.set(p.name, p.initial());
    this.restoredAt = this.projections.map(() => -1);
    this.position = -1;
    this.startFound = false;
    this.lastEventId = null;
  }

  /** Restores what snapshots it can, catches up with the log as it is now, then keeps following it. */
  async start({ useSnapshots = true }: { useSnapshots?: boolean } = {}): Promise<void> {
    if (useSnapshots) await this.restore();
    await this.restoreStored(useSnapshots);
    const head = await this.store.headPosition();
    const filled = this.fillStored(head);
    this.position = Math.min(...this.restoredAt);
    this.startFound = true;
    this.restoredUpTo = Math.max(...this.restoredAt);
    this.applying = this.projections.map((p) => this.states.get(p.name));
    this.lastSnapshotPosition = this.position;
    const caughtUp = this.waitFor(head, Number.MAX_SAFE_INTEGER);
    // The waiters' path in `apply` taken early in a catch-up, while the heap is small. Taken first at the log's head (the
    // waiter above), it deoptimized the optimized `apply` there; at ten million events that deoptimization finished the
    // collector's sweep of a 3 GB heap on the main thread, a turn of 383–479 ms in two profiled runs (issue 12, the
    // forty-ninth round; found the fiftieth). Two waiters, so the call that releases them has seen more than one.
    for (const after of EARLY_WAITERS) if (this.position + after < head) void this.waitFor(this.position + after, Number.MAX_SAFE_INTEGER);
    this.following = this.store
      .subscribeToAll({ after: this.position, signal: this.abort.signal }, (event) => {
        if (this.held) this.held.push(event);
        else return this.apply(event);
      })
      .catch((error: unknown) => {
        this.failure = error;
        console.error('Projection runner stopped:', error);
      });
    // A subscription that fails during catch-up fails the start instead of leaving it waiting; so does a fill that fails
    // meanwhile. The start does not wait for the fills to be done (as it never waited for posted rows to be written: a
    // page of the trail waits for them), and one that fails later stops the runner as a failed subscription does.
    const fillFailed = new Promise<never>((_, reject) => {
      filled.catch(reject);
    });
    await Promise.race([
      caughtUp,
      fillFailed,
      this.following.then(() => {
        if (this.failure) throw this.failure;
      }),
    ]);
    this.live = true;
    filled.catch((error: unknown) => {
      this.failure ??= error;
      console.error('Projection runner stopped: a stored read model could not fill itself from the log:', error);
    });
    for (const p of this.projections) if (p.stored) storedState(this.states.get(p.name)).caughtUp?.();
    this.resolveStarted();
    // Saved a while after the start rather than before it answers (issue 12): serializing every read model holds the
    // event loop for seconds at a million events. Not at once either: a projection being written holds the events that
    // arrive meanwhile, and the start's own work appends some right after it (the lease, the notifications' first event,
    // the scheduler's first pass, the checkpointer's first checkpoint); /readyz, which waits for the head, waited for
    // the hold (0.4 s at 300k events, 1–2 s at 1M on a first start). The snapshot only spares the next start the
    // catch-up: the read models are current without it, and a crash before it is written costs the next start time,
    // not an answer. Not for a few events past the snapshots restored: the live snapshots (every `snapshotEvery`) and
    // `stop` keep those.
    // And in a quiet moment: while its serializer lives (seconds at a million events, written in slices among the start's
    // other work), V8 walks its table of every object written so far at each collection, 10-28 ms more per scavenge
    // (issue 12: --trace-gc-nvp, `scavenge.roots`, on a first start while the checkpointer caught up and bulletins were
    // built); written when the loop is quiet, it lives a shorter while, through fewer collections.
    if (this.position - this.lastSnapshotPosition >= SNAPSHOT_AFTER_START) this.snapshotAfterStart();
  }

  /** The start's snapshot, `snapshotAfterStartMs` after it is done, once the event loop is quiet (QUIET_BELOW). */
  private snapshotAfterStart(): void {
    const started = performance.now();
    let since = performance.eventLoopUtilization();
    const look = () => {
      const now = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(now, since).utilization;
      since = now;
      if (busy >= QUIET_BELOW && performance.now() - started < QUIET_WAIT_MAX_MS) {
        this.afterStart = setTimeout(look, QUIET_CHECK_MS).unref();
        return;
      }
      this.afterStart = undefined;
      if (this.live && this.position > this.lastSnapshotPosition) void this.snapshot();
    };
    this.afterStart = setTimeout(look, this.options.snapshotAfterStartMs ?? SNAPSHOT_AFTER_START_MS).unref();
  }

  /** Where each stored projection stands, when its version and the event at its position match this log; emptied otherwise. */
  private async restoreStored(keep: boolean): Promise<void> {
    const { log = console.log } = this.options;
    for (const [i, p] of this.projections.entries()) {
      if (!p.stored) continue;
      const state = storedState(this.states.get(p.name));
      await state.whenOpen?.();
      const at = state.storedAt();
      if (!at) continue;
      if (keep && at.version === p.version && (await matchesLog(this.store, at.position, at.eventId))) {
        this.restoredAt[i] = at.position;
        continue;
      }
      if (keep) log(`Stored read model ${p.name} (version ${at.version}, position ${at.position}) does not match: emptied, rebuilding.`);
      state.clear();
    }
  }

  /** Asks the stored projections that fill themselves from the log's file (`fillFromLog`) to, up to `head`; resolves when all are done. */
  private async fillStored(head: number): Promise<void> {
    const { logFile } = this.options;
    if (logFile === undefined) return;
    const fills: Promise<void>[] = [];
    for (const [i, p] of this.projections.entries()) {
      const state = p.stored && storedState(this.states.get(p.name));
      if (!state?.fillFromLog || this.restoredAt[i]! >= head) continue;
      fills.push(state.fillFromLog(logFile, this.restoredAt[i]!, head));
      this.restoredAt[i] = head;
    }
    await Promise.all(fills);
  }

  private async restore(): Promise<void> {
    const { snapshots, log = console.log } = this.options;
    if (!snapshots) return;
    for (const [i, p] of this.projections.entries()) {
      if (p.stored) continue;
      const bytes = await snapshots.load(p.name);
      if (!bytes) continue;
      // A file cut short or written wrong: the state is built from the log instead, as for a snapshot of another version.
      const unreadable = (error: unknown) =>
        log(`Snapshot of ${p.name} could not be read (${String(error)}): discarded, rebuilding from the log.`);
      let read: ReturnType<typeof readSnapshot>;
      try {
        read = readSnapshot(bytes);
      } catch (error) {
        unreadable(error);
        continue;
      }
      if (!read) {
        log(`Snapshot of ${p.name} is in another format: discarded, rebuilding from the log.`);
        continue;
      }
      const snapshot = read.header;
      if (snapshot.name !== p.name || snapshot.version !== p.version) {
        log(`Snapshot of ${p.name} is version ${snapshot.version}, not ${p.version}: discarded, rebuilding from the log.`);
        continue;
      }
      if (!(await matchesLog(this.store, snapshot.position, snapshot.eventId))) {
        log(`Snapshot of ${p.name} does not match this log at position ${snapshot.position}: discarded.`);
        continue;
      }
      // Read in pieces, yielding between them: the server answers meanwhile ("catching up").
      try {
        this.states.set(p.name, await read.state());
      } catch (error) {
        unreadable(error);
        continue;
      }
      this.restoredAt[i] = snapshot.position;
    }
  }

  /**
   * Applies an event. Gives back `HANDED_ON` when it handed work on (a waiter released, a snapshot begun): the log's
   * follower then awaits it, so their next steps run before the next event is applied, as when every event was awaited.
   * A listener that gives back a promise (work on the state as this event left it, in slices) is awaited the same way,
   * to its end: no event is applied meanwhile.
   */
  private apply(event: RecordedEvent): Promise<void> | undefined {
    // A checkpoint's data is kept by no read model, and its metadata is read only by the audit trail's row (the first
    // names every stream's head: ~13 MB at a million events, its metadata after it in the row): neither interned.
    if (!isCheckpoint(event)) {
      internStrings(event.data);
      internStrings(event.metadata.actor);
    }
    if (event.position > this.restoredUpTo) {
      // Past every snapshot restored (every event of a cold start): each projection takes it, no position to look up.
      for (let i = 0; i < this.projections.length; i++) this.projections[i]!.apply(this.applying[i], event);
    }
    // Before it: only the projections whose snapshot (or stored table) does not hold it yet. A cold start with the audit
    // trail's table current comes this way for every event, and so does any start that filled it from the log's file
    // (`fillFromLog`, up to the head): an array, not a lookup by name per projection and event.
    else
      for (let i = 0; i < this.projections.length; i++)
        if (event.position > this.restoredAt[i]!) this.projections[i]!.apply(this.applying[i], event);
    this.position = event.position;
    this.lastEventId = event.id;
    let handedOn: Promise<void> | undefined;
    for (const listener of this.listeners) {
      const working = listener(event);
      if (working instanceof Promise) handedOn = handedOn === undefined ? working : Promise.all([handedOn, working]).then(() => {});
    }
    // Only when a waiter is due: a catch-up's own waiter (the head) would otherwise copy the list twice per event.
    if (event.position >= this.nextWaiter) {
      const ready = this.waiters.filter((w) => w.position <= event.position);
      this.waiters = this.waiters.filter((w) => w.position > event.position);
      this.nextWaiter = nextPosition(this.waiters);
      for (const w of ready) w.resolve();
      if (ready.length > 0) handedOn ??= HANDED_ON;
    }
    const { snapshots, snapshotEvery = 50_000 } = this.options;
    // Not while the start's own snapshot is due: it is that one, taken later. In this order so that a catch-up reads each
    // of these (`live` false until its end): one first read once live would deoptimize `apply` then (see EARLY_WAITERS).
    if (
      event.position - this.lastSnapshotPosition >= snapshotEvery &&
      this.afterStart === undefined &&
      snapshots !== undefined &&
      this.live
    ) {
      void this.snapshot();
      handedOn ??= HANDED_ON;
    }
    return handedOn;
  }

  /**
   * Saves every projection's state, each at the position the runner has applied when its turn comes.
   * A projection's state is written in pieces with yields between them (issue 12: one piece held the
   * event loop for most of a second at a million events); the events that arrive meanwhile are held
   * and applied once its bytes are written, so none leaks into its snapshot. Readers meanwhile see
   * every read model as of the position before them (a client waiting for its write waits that long).
   */
  async snapshot(): Promise<void> {
    const { snapshots } = this.options;
    // No event applied since the snapshots were restored: they hold this state already, and the id of the event at its
    // position is not known here (written as null, the next start would find the snapshots not of this log).
    if (!snapshots || this.lastEventId === null) return;
    this.lastSnapshotPosition = this.position;
    this.flushStored();
    const run = this.saving.then(async () => {
      for (const p of this.projections) {
        if (p.stored) continue;
        await p.settle?.(this.states.get(p.name));
        this.held = [];
        try {
          await p.settle?.(this.states.get(p.name));
          // Held until the file is written: its chunks are serialized as the store takes them.
          await snapshots.save(
            p.name,
            snapshotChunks({
              name: p.name,
              version: p.version,
              position: this.position,
              eventId: this.lastEventId,
              state: this.states.get(p.name),
            }),
          );
        } finally {
          await this.release();
        }
      }
      for (const listener of this.afterSnapshots) {
        try {
          await listener();
        } catch (error) {
          (this.options.log ?? console.log)(`A snapshot saved beside the read models' failed: ${String(error)}`);
        }
      }
    });
    this.saving = run.catch(() => undefined);
    await run;
  }

  /** Applies the events held while a snapshot was written, in order and in slices; those arriving meanwhile join them. */
  private async release(): Promise<void> {
    const held = this.held ?? [];
    try {
      for (let i = 0; i < held.length; i++) {
        const handedOn = this.apply(held[i]!);
        if (handedOn !== undefined && handedOn !== HANDED_ON) await handedOn;
        if (sliceDue()) await yieldToEventLoop();
      }
    } finally {
      // Not left holding: the follower would hold every later event, and the read models stand still unseen.
      this.held = null;
    }
  }

  /** Throws every read model away and builds it again from the first event, ignoring snapshots. */
  async rebuild(): Promise<void> {
    await this.halt();
    // A snapshot being written applies the events it held when done: done before the states are thrown away.
    await this.saving;
    this.reset();
    this.abort = new AbortController();
    this.live = false;
    await this.start({ useSnapshots: false });
  }

  /** Read-your-writes: resolves once every projection has applied these events (a command's); at once for none. */
  waitForEvents(events: readonly { position: number }[]): Promise<void> {
    const last = events.at(-1);
    return last ? this.waitFor(last.position) : Promise.resolve();
  }

  /** Resolves once every projection has applied the event at `position` (or later). */
  waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs < Number.MAX_SAFE_INTEGER
          ? setTimeout(() => {
              this.waiters = this.waiters.filter((w) => w !== waiter);
              reject(new Error(`Read models did not reach position ${position} within ${timeoutMs} ms`));
            }, timeoutMs)
          : undefined;
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
      this.nextWaiter = Math.min(this.nextWaiter, position);
    });
  }

  /**
   * Where the read side stands: the position applied, the log's head, and whether it is current —
   * started (caught up once), following without failure, and at the head as read now.
   */
  async progress(): Promise<{ position: number; head: number; current: boolean }> {
    const position = this.position;
    const head = await this.store.headPosition();
    return { position, head, current: this.live && this.failure === undefined && position >= head };
  }

  state<S>(projection: Projection<S>): S {
    return this.states.get(projection.name) as S;
  }

  /**
   * Where a projection's fold went on from at the start (what its snapshot or stored table held, -1
   * for none); undefined before `start` has found it. A follower made before the start (the as-of
   * history) reads it to know whether it sees that projection's every event from the log's first.
   */
  startedFrom<S>(projection: Projection<S>): number | undefined {
    return this.startFound ? this.restoredAt[this.projections.indexOf(projection)] : undefined;
  }

  /**
   * Called after each event is applied (for live pushes to clients). A listener that gives back a promise holds the next
   * event until it has settled (the as-of history's snapshot of the state, taken in slices); anything else it gives back
   * is ignored.
   */
  onApplied(listener: (event: RecordedEvent) => unknown): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after each save of the read models' snapshots, awaited before the next save (and by `stop`). */
  onSnapshot(listener: () => Promise<void>): () => void {
    this.afterSnapshots.add(listener);
    return () => this.afterSnapshots.delete(listener);
  }

  private async halt(): Promise<void> {
    clearTimeout(this.afterStart);
    this.afterStart = undefined;
    this.abort.abort();
    await this.following;
    this.flushStored();
  }

  private flushStored(): void {
    for (const p of this.projections) if (p.stored) storedState(this.states.get(p.name)).flush();
  }

  /** Stops following and saves a last snapshot, so the next start replays nothing it has seen. */
  async stop(): Promise<void> {
    await this.halt();
    if (this.live && this.position > this.lastSnapshotPosition) await this.snapshot();
    await this.saving;
    this.live = false;
  }
}
