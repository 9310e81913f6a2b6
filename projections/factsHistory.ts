import { isDeepStrictEqual } from 'node:util';
import { GrowingMap } from './growingMap.js';
import { isCheckpoint } from '../eventstore/checkpoints.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { migratedDayOf } from '../domain/index.js';
import { type FactsState, type ProblemFacts, problemEventTypes, problemFacts, recordsShared } from './problemFacts.js';
import { type ProjectionRunner, matchesLog } from './runner.js';
import { instantMs } from './time.js';
import { sliceClock, yieldToEventLoop } from './slices.js';
import { type SnapshotStore, readSnapshot, snapshotChunks } from './snapshots.js';

/** Events read and folded between two yields to the event loop: a few milliseconds of work, so `/healthz` never waits long. */
export const REPLAY_SLICE = 250;
/**
 * Snapshots the history keeps at most before it thins them (every other one, the next ones taken twice
 * as far apart). 48: a million events (40 snapshots at the application's spacing of 25,000) is never
 * thinned, so its as-of replays start from a snapshot at most 25,000 events back (issue 12, aim 3: the
 * replay of the bench's third instant at a million events took 0.35–0.58 s instead of about 1 s, for
 * 32 MB more heap; docs/benchmarks-history.md, fifteenth round).
 */
export const MAX_SNAPSHOTS = 48;
/**
 * The problems' records the snapshots hold together (counted once per snapshot) at most before the history
 * thins them (aim 2). A snapshot's two arrays cost about 16 bytes a problem, so this bounds them near 210 MB
 * whatever the county's size; the records changed between snapshots come on top. It is about the most the
 * history held before it was made twice as dense, at ten million events (24 snapshots 400,000 apart, of a
 * county whose problems are raised all along the log: 13.1 million): there it ends, as then, with 13
 * snapshots 800,000 apart. Without it, 48 snapshots at ten million events put the heap after the map at
 * 77 % of Node's default instead of 68 %.
 */
export const MAX_SNAPSHOT_RECORDS = 13_000_000;
/** Positions per block of the index of earliest instants (an as-of replay skips a block dated wholly after its instant). */
const BLOCK = 1000;

/**
 * The name the history is saved under beside the read models' snapshots, and its format: the header's version is the
 * problem facts' own, so a history of records of another shape is discarded as their snapshot is. Under it an index
 * (`SavedHistory`); each snapshot of the history in a part of its own (`historyPart`), read back one at a time: read
 * whole, the history of ten million events (709 MiB) took a warm start past the default heap (2: one file a snapshot).
 */
export const HISTORY_SNAPSHOT = 'as-of-history-2';
/** The name of the history's `k`th part. */
export const historyPart = (k: number): string => `${HISTORY_SNAPSHOT}.${k}`;

/**
 * A snapshot of the history as saved, each part written once where it can be read from the snapshot before: a problem's
 * record only in the snapshots it changed in (`changedAt`, the problems' indices in raising order, ascending; `changed`,
 * their values in the order of the history's `keys`), so records shared between snapshots stay shared when read back;
 * each unit's problems as the first `kept` of its list in the snapshot before, then the indices of those `added`.
 * Without names and lists written again, the history of a million events takes 48 MB instead of 105, and its save after
 * a start no longer brought the collector's pauses of 50–130 ms for external memory (three start-up benches at 1M).
 */
type SavedSnapshot = {
  position: number;
  eventId: string;
  latestMs: number;
  changes: number;
  count: number;
  changedAt: number[];
  /** A record's values, or the record itself when its keys are not the history's `keys` in that order. */
  changed: (unknown[] | ProblemFacts)[];
  byUnit: [unit: string, kept: number, added: number[]][];
  others: OtherFacts;
};
/** The index saved under HISTORY_SNAPSHOT: what the whole history shares, and where each part's snapshot was taken. */
type SavedHistory = {
  every: number;
  spacing: number;
  migratedSeen: boolean;
  blockMin: number[];
  keys: string[];
  parts: { position: number; eventId: string }[];
};
/**
 * A part (`historyPart`): one snapshot, and the save it belongs to (the index's last snapshot). A part of another save
 * (a stop between the parts and the index; more parts than the index names) is not read as this one's.
 */
type SavedPart = { savedWith: { position: number; eventId: string }; snapshot: SavedSnapshot };

/** The index or a part of the saved history, read when it is there under its own name with the facts' version. */
async function savedOfThisVersion(saved: SnapshotStore, name: string): Promise<ReturnType<typeof readSnapshot>> {
  const bytes = await saved.load(name);
  const read = bytes && readSnapshot(bytes);
  return read && read.header.name === name && read.header.version === problemFacts.version ? read : undefined;
}

/** A record's values in the order of `keys`, or the record when it has other keys or another order. */
function valuesOf(f: ProblemFacts, keys: readonly string[]): unknown[] | ProblemFacts {
  const own = Object.keys(f);
  if (own.length !== keys.length || own.some((k, i) => k !== keys[i])) return f;
  return Object.values(f);
}

/**
 * The record `valuesOf` wrote, each value shared with the problem's record in the snapshot before (`earlier`) or else with
 * its record in the runner's state (`now`) when it equals theirs (`sharedWith`), as a fold keeps a value from one record of
 * a problem to the next (an event replaces a value, never changes it in place; the live record holds what the problem kept
 * since). Read back each in its own copy, with its lists grown by `push`, the restored history of a million events held
 * 141 MB of heap; so 93 MB, as a first start's fold holds it (88 MB).
 */
function recordOf(
  saved: unknown[] | ProblemFacts,
  keys: readonly string[],
  earlier: ProblemFacts | undefined,
  now: ProblemFacts | undefined,
): ProblemFacts {
  if (!Array.isArray(saved)) return saved;
  const before = earlier as Record<string, unknown> | undefined;
  const current = now as Record<string, unknown> | undefined;
  const f: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const had = before?.[key];
    const value = sharedWith(saved[i], had);
    f[key] = value === had ? had : sharedWith(value, current?.[key]);
  }
  return f as ProblemFacts;
}

/** `value`, or `had` when they are equal; a list's entries equal to `had`'s at the same place are `had`'s (a fold appends). */
function sharedWith(value: unknown, had: unknown): unknown {
  if (value === had) return had;
  if (value === null || had === null || typeof value !== 'object' || typeof had !== 'object') return value;
  if (isDeepStrictEqual(value, had)) return had;
  if (Array.isArray(value) && Array.isArray(had))
    for (let i = 0; i < value.length && i < had.length; i++)
      if (value[i] !== had[i] && isDeepStrictEqual(value[i], had[i])) value[i] = had[i];
  return value;
}

/** The parts of the facts other than the problems and their counters: units, policies, interviews, exemptions, … */
type OtherFacts = Omit<FactsState, 'problems' | 'problemsByUnit' | 'changes' | 'latestMs'>;

/**
 * The problem facts after the event at `position`, never changed once taken (a replay copies a
 * problem before changing it), kept compact (issue 12, aim 2): the problems' records in the order
 * they were raised (the state's own order; each record holds its id), the problems by unit as
 * arrays of ids (in the state's order of units and of each unit's problems), and the other parts
 * shared with the snapshot before when no event changed them. A replay starting from it makes the
 * maps and sets again (`stateFrom`).
 */
export type FactsSnapshot = {
  position: number;
  /** The id of the event at `position`: a saved history is checked against the log by it (another log, replaced). */
  eventId: string;
  latestMs: number;
  changes: number;
  problems: readonly ProblemFacts[];
  /** The map the problems were taken from, in its order: a replay's map is made over it (`GrowingMap.over`). */
  problemsFrom: GrowingMap<ProblemFacts>;
  byUnit: readonly (readonly [string, readonly string[]])[];
  others: OtherFacts;
};

/**
 * A problem's facts as a separate record. Its lists and orders are shared: an event replaces them,
 * never changes them in place (`projections/problemFacts.ts`).
 */
export function copyFacts(f: ProblemFacts): ProblemFacts {
  return { ...f };
}

/** Whether two records of a problem say the same: their fields the same values, their lists the same entries. */
function sameFacts(a: ProblemFacts, b: ProblemFacts): boolean {
  const keys = Object.keys(a) as (keyof ProblemFacts)[];
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (x !== y && (x === null || y === null || typeof x !== 'object' || typeof y !== 'object' || !isDeepStrictEqual(x, y))) return false;
  }
  return true;
}

/** Problem ids by unit, as sets again, in slices. */
async function unitSets(byUnit: Iterable<readonly [string, Iterable<string>]>): Promise<Map<string, Set<string>>> {
  const sets = new Map<string, Set<string>>();
  const clock = sliceClock();
  for (const [unit, ids] of byUnit) {
    const set = new Set<string>();
    for (const id of ids) {
      set.add(id);
      if (clock.due()) await yieldToEventLoop();
    }
    sets.set(unit, set);
  }
  return sets;
}

/**
 * The parts of a state other than the problems, copied (they are few). One structured clone of all of
 * them, whatever parts the facts gain: records two maps share (an application by id and by line, an
 * exemption by line and by trigger) stay shared in the copy.
 */
function otherFacts(s: FactsState): OtherFacts {
  const { problems: _problems, problemsByUnit: _byUnit, changes: _changes, latestMs: _latestMs, ...others } = s;
  return structuredClone(others);
}

/**
 * A state to fold on from a snapshot: its problems are shared until `ownProblem` copies them, in a map made over the one
 * they were taken from (no key indexed again); the problems by unit made sets again in slices.
 */
export async function stateFrom(snapshot: FactsSnapshot): Promise<FactsState> {
  const problems = GrowingMap.over(snapshot.problemsFrom, snapshot.problems);
  const problemsByUnit = await unitSets(snapshot.byUnit);
  // The other parts copied (the replay changes them), the keys in the order of `problemFacts.initial()`.
  return { problems, problemsByUnit, ...structuredClone(snapshot.others), changes: snapshot.changes, latestMs: snapshot.latestMs };
}

/** Before an event changes a problem of a state made by `stateFrom`, that problem is copied, once (`owned` remembers). */
export function ownProblem(state: FactsState, owned: Set<string>, event: RecordedEvent): void {
  const problemId = (event.data as { problemId?: unknown } | null)?.problemId;
  if (typeof problemId !== 'string' || owned.has(problemId)) return;
  owned.add(problemId);
  const f = state.problems.get(problemId);
  if (f) state.problems.set(problemId, copyFacts(f));
}

/**
 * The history the as-of answers start from (issue 12): a snapshot of the problem facts every
 * `every` positions, and the earliest `occurredAt` of every block of positions. Snapshots share
 * the records of problems that did not change between them, so each costs two arrays (8 bytes a
 * problem each) and the problems that changed since the one before. Each names the map it took its
 * problems from (the runner's, or the background fold's, which it keeps alive: a few MB), so that a
 * replay's map is made over it without indexing a key again. The history is folded from the
 * log in slices in the background, then follows the runner event by event. Past MAX_SNAPSHOTS, or
 * once its snapshots hold more records than MAX_SNAPSHOT_RECORDS, it keeps every other one and takes
 * them twice as far apart: its memory stays bounded whatever the log's length (an as-of replay reads further).
 *
 * An as-of replay for an instant may start from a snapshot whose every event is dated at or before
 * the instant (its `latestMs`): a full replay would have kept all of them, in the same order. It
 * then reads on, skipping blocks dated wholly after the instant, so its answer is the full replay's.
 */
export class FactsHistory {
  readonly snapshots: FactsSnapshot[] = [];
  /** The earliest occurredAt (ms) per block of BLOCK positions, for the positions indexed so far. */
  private readonly blockMin: number[] = [];
  /** The last position indexed and folded. */
  private folded = -1;
  /** Whether an event since the last snapshot may have changed the parts other than the problems. */
  private othersTouched = true;
  private lastSnapshot = -1;
  /** Positions between two snapshots: `every`, doubled each time the history is thinned. */
  private spacing: number;
  /** The spacing it was made with: a history saved with another is not restored. */
  private readonly every: number;
  /** The background fold's own state, until it has caught up with the runner; then the runner's. */
  private source: FactsState | null = problemFacts.initial();
  private stopped = false;
  /** The position of the last snapshot saved or restored (`save`). */
  private savedAt = -1;
  /** The snapshots being handed the runner's records after a fold of the history's own (`shareWithLive`). */
  private sharing: Promise<void> = Promise.resolve();
  /** Whether a migrated fact (迁移导入, dated by its business day, not its record) was seen. */
  private migratedSeen = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly live: () => FactsState,
    every: number,
    private readonly maxRecords = MAX_SNAPSHOT_RECORDS,
    /** Where the history is saved beside the read models' snapshots (`save`), and restored from at a start that restored them. */
    private readonly saved?: SnapshotStore,
  ) {
    this.spacing = every;
    this.every = every;
    runner.onApplied((event) => {
      if (this.stopped) return;
      if (this.source !== null) {
        // Made before the runner's start and the runner folds the log from its first event (nothing restored): the
        // history follows that fold, its snapshots share the runner's records and strings, and the log is read once.
        if (this.folded !== -1 || this.runner.startedFrom(problemFacts) !== -1) return;
        this.source = null;
      }
      this.index(event);
      // Taken in slices, the runner waiting for it (no event applied meanwhile): at ten million events the capture of the
      // 1.08 million problems in one block held the event loop 60–120 ms, every snapshot (a CPU profile of a first start).
      if (event.position - this.lastSnapshot < this.spacing) return;
      // A capture that fails stops the history, not the runner: as-of answers read on from its last snapshot.
      return this.take(this.live(), event, sliceClock()).catch((error: unknown) => {
        this.stopped = true;
        console.error('The as-of history stopped taking snapshots; as-of answers read the log on from its last one:', error);
      });
    });
    this.ready = this.catchUp().catch((error: unknown) => {
      if (!this.stopped) console.error('The as-of history stopped; as-of answers replay the log from the start:', error);
    });
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Whether every event of the log is known to count on the day it was recorded (no migrated fact):
   * then an as-of replay may start from a snapshot and skip blocks by their record dates.
   */
  get datedByRecord(): boolean {
    return this.source === null && !this.migratedSeen;
  }

  private index(event: RecordedEvent): void {
    // Only a problem's events are ever migrated: no other event's data is read here. A checkpoint's is parsed when first
    // read (eventstore/sqlite.ts), 13 MB for the first at a million events: 38 ms in one block while a warm start's
    // history caught up, when this read every event's.
    const ofProblem = problemEventTypes.has(event.type);
    if (ofProblem && !this.migratedSeen && migratedDayOf(event.data) !== null) this.migratedSeen = true;
    this.folded = event.position;
    // Nor its metadata, which is after its data in the row: a checkpoint changes no fact, so its day cannot be the one a
    // replay must not skip (reaching the first's at a million events held a warm start's loop 61 ms).
    if (isCheckpoint(event)) return;
    const ms = instantMs(event.metadata.occurredAt);
    const block = Math.floor(event.position / BLOCK);
    if (!(this.blockMin[block]! <= ms)) this.blockMin[block] = ms;
    // A problem's events change its record and the problems by unit, nothing else (they read the policies).
    if (!ofProblem) this.othersTouched = true;
  }

  /**
   * Folds the log up to the runner's position in slices, then hands over to the runner's own events.
   * Made before the runner's start, it waits for the start: it has followed it from the first event,
   * or folds up to where the start restored its snapshots.
   */
  private async catchUp(): Promise<void> {
    if (this.runner.startedFrom(problemFacts) === undefined) await this.runner.started;
    if (this.source === null) return;
    let state = this.source;
    // The runner restored the facts from a snapshot: the history restores its own, saved with them, and folds on from
    // its last snapshot instead of from the first event (5.8 s of the main thread at a million events).
    if (this.saved && this.runner.startedFrom(problemFacts) !== -1) {
      // Once the runner has caught up: restored beside the start, it held a warm start at a million events back by ~0.9 s.
      await this.runner.started;
      const restored = await this.restore(this.saved).catch((error: unknown) => {
        console.log('The as-of history saved could not be read: discarded, folding the log again.', error);
        return null;
      });
      if (restored) state = this.source = restored;
    }
    while (!this.stopped) {
      if (this.folded >= this.runner.position) {
        // Caught up, in the same turn as the check: from the next event on, the runner's state is the source.
        this.source = null;
        this.sharing = this.shareWithLive();
        await this.sharing;
        return;
      }
      const batch = await this.store.readAll({ after: this.folded, maxCount: REPLAY_SLICE });
      for (const event of batch) {
        if (event.position > this.runner.position) break;
        problemFacts.apply(state, event);
        this.index(event);
        if (event.position - this.lastSnapshot >= this.spacing) await this.take(state, event, sliceClock());
      }
      await yieldToEventLoop();
    }
  }

  /**
   * After a fold of its own (a start from snapshots), the snapshots' records that are the runner's as they stand now
   * become the runner's, one copy of each, as when the history follows the runner from the first event: a warm start at a
   * million events held the 108,108 records of the newest snapshots twice (some 80 MB). The newest snapshot's records are
   * compared with the runner's; an older snapshot's record is replaced where it is the newer one's, before its replacement.
   */
  private async shareWithLive(): Promise<void> {
    const live = this.live();
    // From now on the runner copies a record before changing it: one handed to a snapshot here stays as it is. Again after
    // each yield: a record the runner copied meanwhile is its own to change in place, and may be the one handed next.
    recordsShared(live);
    const clock = sliceClock();
    let newer: readonly ProblemFacts[] | null = null;
    let newerShared: readonly ProblemFacts[] = [];
    for (const snapshot of [...this.snapshots].reverse()) {
      const original = snapshot.problems.slice();
      const problems = snapshot.problems as ProblemFacts[];
      for (let i = 0; i < problems.length; i++) {
        const mine = problems[i]!;
        if (newer === null) {
          const theirs = live.problems.get(mine.problemId);
          if (theirs !== undefined && theirs !== mine && sameFacts(mine, theirs)) problems[i] = theirs;
        } else if (mine === newer[i]) problems[i] = newerShared[i]!;
        if (clock.due()) {
          await yieldToEventLoop();
          recordsShared(live);
        }
      }
      newer = original;
      newerShared = problems;
    }
  }

  /**
   * Snapshots `state` at `position`: its problems' records in raising order as they are (an event
   * copies a record a snapshot holds before changing it: `recordsShared`), the problems by unit as
   * arrays, the other parts copied when an event may have changed them.
   */
  private async take(state: FactsState, event: RecordedEvent, clock: { due: () => boolean }): Promise<void> {
    const { position, id: eventId } = event;
    // The capture yields between slices: its state waits for it (the background fold's awaits it; the runner applies no
    // event until the promise its listener gave back has settled).
    // The records as they are: from now on an event copies a record before changing it (`recordsShared`), so the
    // snapshot holds what it took; a record unchanged since the snapshot before is the one that snapshot holds.
    const previous = this.snapshots.at(-1);
    const problems: ProblemFacts[] = new Array(state.problems.size);
    let i = 0;
    for (const f of state.problems.values()) {
      problems[i++] = f;
      if (clock.due()) await yieldToEventLoop();
    }
    recordsShared(state);
    const byUnit: [string, string[]][] = [];
    for (const [unit, ids] of state.problemsByUnit) {
      byUnit.push([unit, [...ids]]);
      if (clock.due()) await yieldToEventLoop();
    }
    const others = previous && !this.othersTouched ? previous.others : otherFacts(state);
    this.othersTouched = false;
    this.lastSnapshot = position;
    this.snapshots.push({
      position,
      eventId,
      latestMs: state.latestMs,
      changes: state.changes,
      problems,
      problemsFrom: state.problems,
      byUnit,
      others,
    });
    while (this.snapshots.length > MAX_SNAPSHOTS || (this.snapshots.length > 1 && this.records() > this.maxRecords)) this.thin();
  }

  /** The problems' records the snapshots hold, counted once per snapshot (most are shared, the arrays are not). */
  private records(): number {
    let records = 0;
    for (const s of this.snapshots) records += s.problems.length;
    return records;
  }

  /**
   * Saves the snapshots taken so far, once it follows the runner and has taken one since it last saved (the runner calls
   * it after saving the read models' snapshots, one save after the other: two never write their parts at once). The
   * snapshots never change once taken: the list is copied at once and written in slices, while the history goes on.
   */
  async save(): Promise<void> {
    // Not while the snapshots are handed the runner's records: each record is written once, where it changed.
    await this.sharing;
    const last = this.snapshots.at(-1);
    if (!this.saved || this.source !== null || !last || last.position === this.savedAt) return;
    const taken = [...this.snapshots];
    const keys = last.problems.length > 0 ? Object.keys(last.problems[0]!) : [];
    const savedWith = { position: last.position, eventId: last.eventId };
    const clock = sliceClock();
    // Each problem's place in raising order is its place in the map the last snapshot was made over (`problemsFrom`),
    // not a map of every problem made here: one doubled its table in one `set` (11 ms at the 65,537th, a first start at a
    // million events).
    const placeOf = (problemId: string) => last.problemsFrom.indexOf(problemId)!;
    const parts: SavedHistory['parts'] = [];
    let before: readonly ProblemFacts[] = [];
    let listsBefore = new Map<string, readonly string[]>();
    for (const [k, s] of taken.entries()) {
      const changedAt: number[] = [];
      const changed: (unknown[] | ProblemFacts)[] = [];
      for (let i = 0; i < s.problems.length; i++) {
        if (s.problems[i] !== before[i]) {
          changedAt.push(i);
          changed.push(valuesOf(s.problems[i]!, keys));
        }
        if (clock.due()) await yieldToEventLoop();
      }
      const byUnit: [string, number, number[]][] = [];
      for (const [unit, ids] of s.byUnit) {
        const earlier = listsBefore.get(unit) ?? [];
        let kept = 0;
        while (kept < earlier.length && kept < ids.length && earlier[kept] === ids[kept]) kept++;
        const added: number[] = [];
        // A yield between a unit's ids too: the clock is read every 64 calls, and 64 units' lists in a first part (every
        // id of theirs added) held a first start's loop 58 ms at a million events (a CPU profile, issue 12, aim 3).
        for (let i = kept; i < ids.length; i++) {
          added.push(placeOf(ids[i]!));
          if (clock.due()) await yieldToEventLoop();
        }
        byUnit.push([unit, kept, added]);
      }
      const { position, eventId, latestMs, changes, others } = s;
      const part: SavedPart = {
        savedWith,
        snapshot: { position, eventId, latestMs, changes, count: s.problems.length, changedAt, changed, byUnit, others },
      };
      const name = historyPart(k);
      await this.saved.save(name, snapshotChunks({ name, version: problemFacts.version, position, eventId, state: part }));
      parts.push({ position, eventId });
      before = s.problems;
      listsBefore = new Map(s.byUnit);
    }
    // The index last: a stop before it leaves the index of the save before, whose parts are then no longer all its own.
    const state: SavedHistory = {
      every: this.every,
      spacing: this.spacing,
      migratedSeen: this.migratedSeen,
      blockMin: this.blockMin.slice(0, Math.floor(last.position / BLOCK) + 1),
      keys,
      parts,
    };
    await this.saved.save(
      HISTORY_SNAPSHOT,
      snapshotChunks({ name: HISTORY_SNAPSHOT, version: problemFacts.version, position: last.position, eventId: last.eventId, state }),
    );
    this.savedAt = last.position;
  }

  /**
   * The history saved by `save`, when it belongs to this log and the runner's facts (its last snapshot's event is the
   * log's at that position, at or before the runner's): its snapshots again, and the state of its last one to fold on
   * from. Null when there is none to restore.
   */
  private async restore(saved: SnapshotStore): Promise<FactsState | null> {
    const read = await savedOfThisVersion(saved, HISTORY_SNAPSHOT);
    if (!read) return null;
    const { position, eventId } = read.header;
    if (position > this.runner.position) return null;
    if (!(await matchesLog(this.store, position, eventId))) {
      console.log(`The as-of history saved does not match this log at position ${position}: discarded, folding the log again.`);
      return null;
    }
    const history = (await read.state()) as SavedHistory;
    if (history.every !== this.every || history.parts.length === 0) return null;
    // The runner's problems, in raising order as every snapshot's: each snapshot's map is made over them (`stateFrom`).
    const raised = this.live().problems;
    const clock = sliceClock();
    const snapshots: FactsSnapshot[] = [];
    // Each problem's record now, in raising order: a restored record shares its values (`recordOf`).
    const now: ProblemFacts[] = [];
    for (const f of raised.values()) {
      now.push(f);
      if (clock.due()) await yieldToEventLoop();
    }
    let before: ProblemFacts[] = [];
    let listsBefore = new Map<string, readonly string[]>();
    for (const [k, part] of history.parts.entries()) {
      // One part read at a time, and its records' values let go as they are made records again.
      const partRead = await savedOfThisVersion(saved, historyPart(k));
      if (!partRead || partRead.header.position !== part.position || partRead.header.eventId !== part.eventId) return null;
      const { savedWith, snapshot: s } = (await partRead.state()) as SavedPart;
      if (savedWith.position !== position || savedWith.eventId !== eventId) {
        console.log(`Part ${k} of the as-of history saved belongs to another save: discarded, folding the log again.`);
        return null;
      }
      if (s.count > raised.size) return null;
      let problems = before.slice();
      const changed = s.changed as (unknown[] | ProblemFacts | null)[];
      for (let j = 0; j < s.changedAt.length; j++) {
        const i = s.changedAt[j]!;
        const f = recordOf(changed[j]!, history.keys, problems[i], now[i]);
        changed[j] = null;
        if (i < problems.length) problems[i] = f;
        else problems.push(f);
        if (clock.due()) await yieldToEventLoop();
      }
      if (problems.length !== s.count)
        throw new Error(`A saved snapshot of the as-of history holds ${problems.length} problems, not ${s.count}`);
      // Copied to a list of its own length: one grown by `push` keeps room for more (a third of it, on average).
      if (problems.length > before.length) problems = problems.slice();
      const byUnit: [string, string[]][] = [];
      for (const [unit, kept, added] of s.byUnit) {
        const ids = (listsBefore.get(unit) ?? []).slice(0, kept);
        for (const i of added) ids.push(problems[i]!.problemId);
        byUnit.push([unit, added.length > 0 ? ids.slice() : ids]);
        if (clock.due()) await yieldToEventLoop();
      }
      listsBefore = new Map(byUnit);
      const { latestMs, changes, others } = s;
      snapshots.push({ position: s.position, eventId: s.eventId, latestMs, changes, problems, problemsFrom: raised, byUnit, others });
      before = problems;
      if (clock.due()) await yieldToEventLoop();
    }
    const last = snapshots.at(-1);
    if (!last || last.position !== position || this.stopped) return null;
    // The runner's problems as read above (`now`, each record holding its id): not the map walked a second time.
    for (let i = 0; i < last.problems.length && i < now.length; i++) {
      const id = now[i]!.problemId;
      if (id !== last.problems[i]!.problemId) throw new Error(`The as-of history saved raised ${id} in another order than the log`);
      if (clock.due()) await yieldToEventLoop();
    }
    const state = await stateFrom(last);
    recordsShared(state);
    this.snapshots.push(...snapshots);
    this.blockMin.push(...history.blockMin);
    this.spacing = history.spacing;
    this.migratedSeen = history.migratedSeen;
    this.lastSnapshot = this.folded = this.savedAt = position;
    this.othersTouched = false;
    return state;
  }

  /** Keeps every other snapshot, the latest kept, and takes the next ones twice as far apart. */
  private thin(): void {
    const kept = this.snapshots.filter((_, i) => (this.snapshots.length - 1 - i) % 2 === 0);
    this.snapshots.splice(0, this.snapshots.length, ...kept);
    this.spacing *= 2;
  }

  /** The latest snapshot at or before `until` whose events are all dated at or before `ms` (any date when null). */
  nearest(until: number, ms: number | null): FactsSnapshot | undefined {
    for (let i = this.snapshots.length - 1; i >= 0; i--) {
      const s = this.snapshots[i]!;
      if (s.position <= until && (ms === null || s.latestMs <= ms)) return s;
    }
    return undefined;
  }

  /** The first position from `from` on that may hold an event dated at or before `ms`: blocks indexed and dated wholly after it are skipped. */
  skip(from: number, ms: number): number {
    let block = Math.floor(from / BLOCK);
    while ((block + 1) * BLOCK - 1 <= this.folded && !(this.blockMin[block]! <= ms)) block++;
    return Math.max(from, block * BLOCK);
  }
}
