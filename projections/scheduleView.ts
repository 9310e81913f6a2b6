import { GrowingMap } from './growingMap.js';
import { type ProblemTimeline, type TimelineChange, dayNumber, dayOfNumber, scheduleEventTypes } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection } from './runner.js';
import { instantMs } from './time.js';

/**
 * What the scheduler (application/scheduler.ts) reads: each problem's timeline — the changes its
 * moments depend on, with the instant each took effect — and which schedule events the log holds
 * already, so a pass appends only what is missing.
 */
export type ScheduleViewState = {
  /** Each problem's timeline as kept: read it through `timelineOf` (a closed problem's changes are packed). */
  timelines: GrowingMap<KeptTimeline>;
  /** The lead units the packed timelines name, by index (a UUID per assignment would cost more than its change). */
  units: string[];
  /**
   * Ids of the schedule events in the log (written by this process, another, or before a restart)
   * due at most WRITTEN_KEPT_MS before the latest: a pass asks only about moments after its last
   * pass or, at a start, after the latest due instant, so older ids would only fill the memory (about
   * 2,800 a day for 100,000 open problems). Should a pass still ask about an older one, the store
   * recognises the id and writes nothing (application/scheduler.ts).
   */
  written: Set<string>;
  /** The same ids by due instant (ms), to let the old ones go. */
  writtenByDue: Map<number, string[]>;
  /** The latest due instant (ms) of a schedule event in the log: where a restart catches up from. */
  lastDueMs: number;
};

type Data = Record<string, unknown>;

/**
 * A timeline as the view keeps it: its changes, or (once the problem is closed) the same changes
 * packed into a string (`pack`: about 12 bytes a change instead of some 60 in objects and boxed
 * numbers; issue 12, aim 2). A plain object either way, so the snapshots keep it as it is.
 */
export type KeptTimeline = { problemId: string; changes: TimelineChange[] | string };

/** A problem's timeline as the scheduler reads it: its changes unpacked when they were packed (a new object then). */
export function timelineOf(state: ScheduleViewState, kept: KeptTimeline): ProblemTimeline {
  return typeof kept.changes === 'string'
    ? { problemId: kept.problemId, changes: unpack(kept.changes, state.units) }
    : (kept as ProblemTimeline);
}

/** Every problem's timeline, unpacked one at a time as it is read. */
export function* timelinesOf(state: ScheduleViewState): IterableIterator<ProblemTimeline> {
  for (const kept of state.timelines.values()) yield timelineOf(state, kept);
}

const KINDS = ['assigned', 'deadline', 'open', 'reported', 'closed', 'supervision', 'reply', 'consolidated'] as const;
const KIND_INDEX = new Map<string, number>(KINDS.map((kind, i) => [kind, i]));
/** The units' indices in `ScheduleViewState.units`, made again from the list after a restart. */
const unitIndices = new WeakMap<string[], Map<string, number>>();
const TWO_48 = 2 ** 48;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/**
 * A county day as its `dayNumber` (domain/shared/calendar.ts) plus one, so 0 stays free for "no day"; null when it is
 * not a day written YYYY-MM-DD that comes back the same, or falls before 1970.
 */
const dayCode = (day: string) => {
  if (!DAY.test(day)) return null;
  const n = dayNumber(day);
  return n >= 0 && dayOfNumber(n) === day ? n + 1 : null;
};
const dayOfCode = (code: number) => dayOfNumber(code - 1);

/**
 * Changes as a string of 16-bit code units: for each, its kind, its instant (ms, three units), then
 * by kind its unit (an index in `units`, two units), its day (`dayCode`, two units; 0 for none) or its
 * 督办 count (two units). Null when one does not fit (an instant before 1970, a day not written
 * YYYY-MM-DD or before 1970): that timeline stays as it is. `unpack` gives back equal changes.
 */
export function pack(changes: readonly TimelineChange[], units: string[]): string | null {
  const codes: number[] = [];
  const two = (n: number) => codes.push(n % 65_536, Math.floor(n / 65_536));
  for (const c of changes) {
    if (!Number.isInteger(c.ms) || c.ms < 0 || c.ms >= TWO_48) return null;
    codes.push(KIND_INDEX.get(c.kind)!, c.ms % 65_536, Math.floor(c.ms / 65_536) % 65_536, Math.floor(c.ms / 2 ** 32));
    if (c.kind === 'assigned') {
      let index = unitIndices.get(units);
      if (!index) unitIndices.set(units, (index = new Map(units.map((u, i) => [u, i]))));
      let unit = index.get(c.unitId);
      if (unit === undefined) {
        unit = units.push(c.unitId) - 1;
        index.set(c.unitId, unit);
      }
      two(unit);
    } else if (c.kind === 'deadline' || c.kind === 'closed') {
      const day = dayCode(c.kind === 'deadline' ? c.deadline : c.closedOn);
      if (day === null) return null;
      two(day);
    } else if (c.kind === 'supervision' || c.kind === 'reply') {
      if (!Number.isInteger(c.count) || c.count < 0 || c.count >= 2 ** 32) return null;
      two(c.count);
      if (c.kind === 'supervision') {
        const finishBy = c.finishBy === null ? 0 : dayCode(c.finishBy);
        if (finishBy === null) return null;
        two(finishBy);
      }
    }
  }
  return String.fromCharCode(...codes);
}

/** The changes `pack` packed, as new objects. */
export function unpack(packed: string, units: readonly string[]): TimelineChange[] {
  const changes: TimelineChange[] = [];
  let i = 0;
  const two = () => packed.charCodeAt(i++) + packed.charCodeAt(i++) * 65_536;
  while (i < packed.length) {
    const kind = KINDS[packed.charCodeAt(i++)]!;
    const ms = packed.charCodeAt(i++) + packed.charCodeAt(i++) * 65_536 + packed.charCodeAt(i++) * 2 ** 32;
    switch (kind) {
      case 'assigned':
        changes.push({ ms, kind, unitId: units[two()]! });
        break;
      case 'deadline':
        changes.push({ ms, kind, deadline: dayOfCode(two()) });
        break;
      case 'closed':
        changes.push({ ms, kind, closedOn: dayOfCode(two()) });
        break;
      case 'supervision': {
        const count = two();
        const finishBy = two();
        changes.push({ ms, kind, count, finishBy: finishBy === 0 ? null : dayOfCode(finishBy) });
        break;
      }
      case 'reply':
        changes.push({ ms, kind, count: two() });
        break;
      default:
        changes.push({ ms, kind });
    }
  }
  return changes;
}

/** How long (ms) before the latest due instant the ids of schedule events are kept: the scheduler's default catch-up. */
export const WRITTEN_KEPT_MS = 31 * 86_400_000;

/** The change a problem event makes to the timeline, or null when the schedule does not care. */
function changeOf(event: RecordedEvent, ms: number): TimelineChange | null {
  const data = event.data as Data;
  switch (event.type) {
    case 'ProblemAssigned':
      return { ms, kind: 'assigned', unitId: data.responsibleUnitId as string };
    case 'ProblemTransferred':
      // 转办: reminders and 回头看 go to the new lead unit from then on.
      return { ms, kind: 'assigned', unitId: data.toUnitId as string };
    case 'DeadlineSet':
    case 'DeadlineExtended':
      return { ms, kind: 'deadline', deadline: data.deadline as string };
    case 'RectificationReported':
    case 'VerificationPassed':
      return { ms, kind: 'reported' };
    case 'VerificationRejected':
    case 'ProblemReopened':
      return { ms, kind: 'open' };
    case 'ProblemClosed':
      return { ms, kind: 'closed', closedOn: data.closedOn as string };
    case 'SupervisionOrdered':
      // 办结时限 (`finishBy`) is recorded on orders from issue 11 on; earlier orders have none.
      return {
        ms,
        kind: 'supervision',
        count: data.supervisionCount as number,
        finishBy: (data.finishBy as string | null | undefined) ?? null,
      };
    case 'SupervisionReplied':
      return { ms, kind: 'reply', count: data.supervisionCount as number };
    case 'ConsolidationConfirmed':
      return { ms, kind: 'consolidated' };
    default:
      return null;
  }
}

/**
 * The changes with one more, in the order they took effect (even when an event dated earlier is
 * recorded later), as a new array of its exact length: one grown in place keeps room for a dozen more
 * (~130 bytes a problem, for every problem of the county).
 */
function inserted(changes: readonly TimelineChange[], change: TimelineChange): TimelineChange[] {
  let i = changes.length;
  while (i > 0 && changes[i - 1]!.ms > change.ms) i--;
  return i === changes.length ? [...changes, change] : [...changes.slice(0, i), change, ...changes.slice(i)];
}

export const scheduleView: Projection<ScheduleViewState> = {
  name: 'schedule-view',
  // 3: a transfer (转办) moves the item to its new lead unit. 4: closed problems' timelines packed.
  // 5: the timelines in a GrowingMap (a snapshot keeps it as such).
  version: 5,
  initial: () => ({
    timelines: new GrowingMap(),
    units: [],
    written: new Set(),
    writtenByDue: new Map(),
    lastDueMs: Number.NEGATIVE_INFINITY,
  }),
  apply(state, event) {
    if (scheduleEventTypes.has(event.type)) {
      const ms = instantMs((event.data as { dueAt: string }).dueAt);
      if (ms > state.lastDueMs) {
        state.lastDueMs = ms;
        // A later due instant: the ids now too old go (a handful of instants per day, so this loop is short).
        for (const [due, ids] of state.writtenByDue)
          if (due < ms - WRITTEN_KEPT_MS) {
            for (const id of ids) state.written.delete(id);
            state.writtenByDue.delete(due);
          }
      }
      if (ms < state.lastDueMs - WRITTEN_KEPT_MS) return;
      state.written.add(event.id);
      const ids = state.writtenByDue.get(ms);
      if (ids) ids.push(event.id);
      else state.writtenByDue.set(ms, [event.id]);
      return;
    }
    // The stream first: another's data is not read (a checkpoint's is parsed only when read: 13 MB for a million events' first).
    if (!event.streamId.startsWith('problem-')) return;
    const problemId = (event.data as Data | null)?.problemId;
    if (typeof problemId !== 'string') return;
    if (event.type === 'ProblemRaised') {
      if (!state.timelines.has(problemId)) state.timelines.set(problemId, { problemId, changes: [] });
      return;
    }
    const timeline = state.timelines.get(problemId);
    if (!timeline) return;
    const change = changeOf(event, instantMs(event.metadata.occurredAt));
    if (!change) return;
    const changes = inserted(typeof timeline.changes === 'string' ? unpack(timeline.changes, state.units) : timeline.changes, change);
    // Closed (销号) or 巩固 confirmed: few events will follow (a 回头看's confirmation, a reopening), so it is kept packed.
    const last = changes[changes.length - 1]!.kind;
    timeline.changes = last === 'closed' || last === 'consolidated' ? (pack(changes, state.units) ?? changes) : changes;
  },
};
