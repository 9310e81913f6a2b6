import { type ProblemTimeline, type TimelineChange, scheduleEventTypes } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection } from './runner.js';
import { instantMs } from './time.js';

/**
 * What the scheduler (application/scheduler.ts) reads: each problem's timeline — the changes its
 * moments depend on, with the instant each took effect — and which schedule events the log holds
 * already, so a pass appends only what is missing.
 */
export type ScheduleViewState = {
  timelines: Map<string, ProblemTimeline>;
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
  // 3: a transfer (转办) moves the item to its new lead unit.
  version: 3,
  initial: () => ({ timelines: new Map(), written: new Set(), writtenByDue: new Map(), lastDueMs: Number.NEGATIVE_INFINITY }),
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
    const problemId = (event.data as Data | null)?.problemId;
    if (typeof problemId !== 'string' || !event.streamId.startsWith('problem-')) return;
    if (event.type === 'ProblemRaised') {
      if (!state.timelines.has(problemId)) state.timelines.set(problemId, { problemId, changes: [] });
      return;
    }
    const timeline = state.timelines.get(problemId);
    if (!timeline) return;
    const change = changeOf(event, instantMs(event.metadata.occurredAt));
    if (change) timeline.changes = inserted(timeline.changes, change);
  },
};
