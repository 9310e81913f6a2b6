import type { TimingPolicy } from '../policy/document.js';
import { dayNumber, dayOfNumber } from '../shared/calendar.js';
import type { ScheduleEvent } from './events.js';

/**
 * When the scheduler's moments come, as pure arithmetic on a problem's timeline. Each candidate
 * moment is judged against the facts in force AT that moment (the deadline then, the status then,
 * the policy then), never today's: so a scheduler that was stopped for ten days and catches up
 * writes exactly what one that ran throughout wrote.
 *
 * County time is Asia/Shanghai, fixed at +08:00 (no daylight saving since 1992), so a county day's
 * hours are plain millisecond arithmetic here: no time-zone library in a loop over 100,000 items.
 */
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const COUNTY_OFFSET_MS = 8 * HOUR_MS;
/** The policy's bound on reminder offsets (domain/policy/document.ts), with room for working days counting back over holidays. */
const MAX_OFFSET_DAYS = 2 * 365;

/** The instant a county day's hour begins, in ms. */
export function countyHourMs(day: string, hour: number): number {
  return dayNumber(day) * DAY_MS - COUNTY_OFFSET_MS + hour * HOUR_MS;
}

/** The county day (YYYY-MM-DD) an instant in ms falls on. */
export function countyDayOfMs(ms: number): string {
  return dayOfNumber(Math.floor((ms + COUNTY_OFFSET_MS) / DAY_MS));
}

/** A county day moved by whole days. */
export function shiftDay(day: string, days: number): string {
  return dayOfNumber(dayNumber(day) + days);
}

/** The county day the 回头看 of a closing (销号) falls due: `recheckAfterDays` of the timing after the closing day. */
export function recheckDueOn(closedOn: string, timing: TimingPolicy): string {
  return shiftDay(closedOn, timing.recheckAfterDays);
}

/** An instant in ms written as the scheduler writes `dueAt`: county time with its offset, e.g. 2019-06-23T09:00:00.000+08:00. */
export function countyInstant(ms: number): string {
  return `${new Date(ms + COUNTY_OFFSET_MS).toISOString().slice(0, 23)}+08:00`;
}

/**
 * One change in a problem's life that the schedule depends on, with the instant (ms) it took
 * effect: assigned to a unit, a deadline set or extended, sent back to rectification (rejected,
 * reopened), reported fixed (or verified), closed (销号), a 督办 order and its reply, 巩固 confirmed.
 */
export type TimelineChange =
  | { ms: number; kind: 'assigned'; unitId: string }
  | { ms: number; kind: 'deadline'; deadline: string }
  | { ms: number; kind: 'open' }
  | { ms: number; kind: 'reported' }
  | { ms: number; kind: 'closed'; closedOn: string }
  | { ms: number; kind: 'supervision'; count: number; finishBy: string | null }
  | { ms: number; kind: 'reply'; count: number }
  | { ms: number; kind: 'consolidated' };

/** A problem's timeline: its changes in the order they took effect. */
export type ProblemTimeline = { problemId: string; changes: TimelineChange[] };

/** The policy's timing section and the instant (ms) from which it is in force; the first entry is in force from the start. */
export type TimingVersion = { fromMs: number; timing: TimingPolicy };

/** How reminder days count back from a deadline when the policy says working days (the county calendar's `addWorkingDays`). */
export type DayCounter = (day: string, days: number) => string;

export type ScheduleOptions = { workingDays?: DayCounter };

/** What a problem was at an instant, as far as the schedule cares. */
export type ProblemAt = {
  unitId: string | null;
  /** raised (no unit yet), open (in rectification: can be overdue), reported (fixed, awaiting or passed verification), closed. */
  status: 'raised' | 'open' | 'reported' | 'closed';
  deadline: string | null;
  closedOn: string | null;
  /** 巩固 confirmed since the last closing. */
  consolidated: boolean;
  finishBy: Map<number, string | null>;
  replied: Set<number>;
};

/** The problem as it stood at an instant: every change that took effect at or before it. */
export function problemAt(timeline: ProblemTimeline, ms: number): ProblemAt {
  const at: ProblemAt = {
    unitId: null,
    status: 'raised',
    deadline: null,
    closedOn: null,
    consolidated: false,
    finishBy: new Map(),
    replied: new Set(),
  };
  for (const c of timeline.changes) {
    if (c.ms > ms) break;
    switch (c.kind) {
      case 'assigned':
        at.unitId = c.unitId;
        if (at.status === 'raised') at.status = 'open';
        break;
      case 'deadline':
        at.deadline = c.deadline;
        break;
      case 'open':
        at.status = 'open';
        at.closedOn = null;
        break;
      case 'reported':
        at.status = 'reported';
        break;
      case 'closed':
        at.status = 'closed';
        at.closedOn = c.closedOn;
        at.consolidated = false;
        break;
      case 'supervision':
        at.finishBy.set(c.count, c.finishBy);
        break;
      case 'reply':
        at.replied.add(c.count);
        break;
      case 'consolidated':
        at.consolidated = true;
        break;
    }
  }
  return at;
}

/** The timing in force at an instant. */
export function timingAt(versions: readonly TimingVersion[], ms: number): TimingPolicy {
  let timing = versions[0]!.timing;
  for (const v of versions) {
    if (v.fromMs > ms) break;
    timing = v.timing;
  }
  return timing;
}

function reminderDay(deadline: string, daysBefore: number, timing: TimingPolicy, options: ScheduleOptions): string {
  return timing.reminderDays === 'working' && options.workingDays
    ? options.workingDays(deadline, -daysBefore)
    : shiftDay(deadline, -daysBefore);
}

/** Overdue (逾期) at an instant, as the read models say it: in rectification and past the deadline's day. */
export function overdueAt(at: ProblemAt, ms: number): boolean {
  return at.status === 'open' && at.deadline !== null && countyDayOfMs(ms) > at.deadline;
}

/**
 * A pass's interval (fromMs, toMs] under the policy's timing versions, prepared once for every
 * problem: the deadline days, closing days (销号) and 办结时限 days that can have a moment in it. A
 * problem none of whose days is among them has no moment in the interval, and is passed over by a
 * set lookup, without date arithmetic: the timing is derived once per pass, not once per problem.
 */
export type MomentWindow = {
  fromMs: number;
  toMs: number;
  versions: readonly TimingVersion[];
  options: ScheduleOptions;
  deadlines: ReadonlySet<string>;
  closings: ReadonlySet<string>;
  finishes: ReadonlySet<string>;
};

/**
 * The window of (fromMs, toMs]. Each set holds the days for which the arithmetic of `problemMoments`
 * (the same expressions, over every version) puts some candidate inside the interval; the days tried
 * are those around the interval each offset can reach (deadlines counted back in working days: every
 * day up to MAX_OFFSET_DAYS ahead, the bound the per-problem arithmetic used).
 */
export function momentWindow(
  versions: readonly TimingVersion[],
  fromMs: number,
  toMs: number,
  options: ScheduleOptions = {},
): MomentWindow {
  const inside = (ms: number) => ms > fromMs && ms <= toMs;
  /** The county days whose midnight is in [loMs − a day, hiMs + a day], as [day, midnight ms]. */
  const days = function* (loMs: number, hiMs: number): Generator<[string, number]> {
    for (let ms = countyHourMs(countyDayOfMs(loMs - DAY_MS), 0); ms <= hiMs + DAY_MS; ms += DAY_MS) yield [countyDayOfMs(ms), ms];
  };
  const deadlines = new Set<string>();
  for (const [day, ms] of days(fromMs - DAY_MS, toMs)) if (inside(ms + DAY_MS)) deadlines.add(day);
  for (const { timing } of versions)
    for (const daysBefore of timing.reminderOffsetsDays) {
      if (timing.reminderDays === 'working' && options.workingDays) {
        for (const [day] of days(fromMs - DAY_MS, toMs + (MAX_OFFSET_DAYS + 1) * DAY_MS))
          if (inside(countyHourMs(reminderDay(day, daysBefore, timing, options), timing.scheduleAtHour))) deadlines.add(day);
        continue;
      }
      const shiftMs = -daysBefore * DAY_MS + timing.scheduleAtHour * HOUR_MS;
      for (const [day, ms] of days(fromMs - shiftMs, toMs - shiftMs)) if (inside(ms + shiftMs)) deadlines.add(day);
    }
  const closings = new Set<string>();
  for (const { timing } of versions) {
    const afterMs = timing.recheckAfterDays * DAY_MS;
    for (const [day] of days(fromMs - afterMs - DAY_MS, toMs - afterMs)) {
      const dueOn = recheckDueOn(day, timing);
      if (inside(countyHourMs(dueOn, timing.scheduleAtHour)) || inside(countyHourMs(shiftDay(dueOn, 1), 0))) closings.add(day);
    }
  }
  const finishes = new Set<string>();
  for (const [day] of days(fromMs - DAY_MS, toMs)) if (inside(countyHourMs(shiftDay(day, 1), 0))) finishes.add(day);
  return { fromMs, toMs, versions, options, deadlines, closings, finishes };
}

/**
 * The moments of one problem due in the window's interval (fromMs, toMs], as the events the
 * scheduler writes, in order of their due instant: reminders before each deadline the problem had
 * (到期提醒), its passing (逾期, 00:00 of the day after), 回头看 falling due and going undone after
 * each closing, and 督办 orders left unanswered past their 办结时限. Every candidate comes from some
 * policy version's numbers and is kept only if the policy and the problem in force at that instant
 * make it one. Only the days the window names are looked at (the common case: none).
 */
export function problemMoments(timeline: ProblemTimeline, window: MomentWindow): ScheduleEvent[] {
  let deadlines: string[] | null = null;
  let closings: string[] | null = null;
  let finishes: { count: number; finishBy: string }[] | null = null;
  for (const c of timeline.changes) {
    if (c.kind === 'deadline') {
      if (window.deadlines.has(c.deadline) && !deadlines?.includes(c.deadline)) (deadlines ??= []).push(c.deadline);
    } else if (c.kind === 'closed') {
      if (window.closings.has(c.closedOn) && !closings?.includes(c.closedOn)) (closings ??= []).push(c.closedOn);
    } else if (c.kind === 'supervision' && c.finishBy !== null && window.finishes.has(c.finishBy))
      (finishes ??= []).push({ count: c.count, finishBy: c.finishBy });
  }
  if (deadlines === null && closings === null && finishes === null) return [];
  return momentsOf(timeline, window, deadlines ?? [], closings ?? [], finishes ?? []);
}

/** The moments of the named deadlines, closings and 办结时限 of one problem: the arithmetic `problemMoments` narrows down to. */
function momentsOf(
  timeline: ProblemTimeline,
  { fromMs, toMs, versions, options }: MomentWindow,
  deadlines: readonly string[],
  closings: readonly string[],
  finishes: readonly { count: number; finishBy: string }[],
): ScheduleEvent[] {
  const out: ScheduleEvent[] = [];
  const problemId = timeline.problemId;
  const inside = (ms: number) => ms > fromMs && ms <= toMs;
  const seen = new Set<string>();
  const add = (event: ScheduleEvent) => {
    const key = `${event.type}|${event.data.dueAt}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(event);
    }
  };

  for (const deadline of deadlines) {
    const deadlineMs = countyHourMs(deadline, 0);
    // Nothing of this deadline can fall due in the interval: the common case, decided without a string.
    if (deadlineMs + DAY_MS <= fromMs || deadlineMs - (MAX_OFFSET_DAYS + 1) * DAY_MS > toMs) continue;
    for (const { timing } of versions)
      for (const daysBefore of timing.reminderOffsetsDays) {
        const ms =
          timing.reminderDays === 'working' && options.workingDays
            ? countyHourMs(reminderDay(deadline, daysBefore, timing, options), timing.scheduleAtHour)
            : deadlineMs - daysBefore * DAY_MS + timing.scheduleAtHour * HOUR_MS;
        if (!inside(ms)) continue;
        const now = timingAt(versions, ms);
        if (
          now.scheduleAtHour !== timing.scheduleAtHour ||
          now.reminderDays !== timing.reminderDays ||
          !now.reminderOffsetsDays.includes(daysBefore)
        )
          continue;
        const at = problemAt(timeline, ms);
        if (at.status === 'open' && at.deadline === deadline && at.unitId !== null)
          add({ type: 'DeadlineReminderDue', data: { problemId, unitId: at.unitId, deadline, daysBefore, dueAt: countyInstant(ms) } });
      }
    const passed = deadlineMs + DAY_MS;
    if (inside(passed)) {
      const at = problemAt(timeline, passed);
      if (at.status === 'open' && at.deadline === deadline && at.unitId !== null)
        add({ type: 'DeadlinePassed', data: { problemId, unitId: at.unitId, deadline, dueAt: countyInstant(passed) } });
    }
  }

  for (const closedOn of closings) {
    for (const { timing } of versions) {
      const dueOn = recheckDueOn(closedOn, timing);
      const dueMs = countyHourMs(dueOn, timing.scheduleAtHour);
      const now = timingAt(versions, dueMs);
      if (inside(dueMs) && now.recheckAfterDays === timing.recheckAfterDays && now.scheduleAtHour === timing.scheduleAtHour) {
        const at = problemAt(timeline, dueMs);
        if (at.status === 'closed' && at.closedOn === closedOn && !at.consolidated && at.unitId !== null)
          add({ type: 'RecheckDue', data: { problemId, unitId: at.unitId, closedOn, dueOn, dueAt: countyInstant(dueMs) } });
      }
      const lateMs = countyHourMs(shiftDay(dueOn, 1), 0);
      if (inside(lateMs) && timingAt(versions, lateMs).recheckAfterDays === timing.recheckAfterDays) {
        const at = problemAt(timeline, lateMs);
        if (at.status === 'closed' && at.closedOn === closedOn && !at.consolidated && at.unitId !== null)
          add({ type: 'RecheckOverdue', data: { problemId, unitId: at.unitId, dueOn, dueAt: countyInstant(lateMs) } });
      }
    }
  }

  for (const { count, finishBy } of finishes) {
    const ms = countyHourMs(shiftDay(finishBy, 1), 0);
    if (!inside(ms)) continue;
    const at = problemAt(timeline, ms);
    if (at.status !== 'closed' && !at.replied.has(count) && at.finishBy.get(count) === finishBy && at.unitId !== null)
      out.push({
        type: 'SupervisionReplyOverdue',
        data: { problemId, unitId: at.unitId, supervisionCount: count, finishBy, dueAt: countyInstant(ms) },
      });
  }
  return out.sort((a, b) => (a.data.dueAt < b.data.dueAt ? -1 : a.data.dueAt > b.data.dueAt ? 1 : 0));
}

/** The county midnights in (fromMs, toMs], in ms: when a day passes (逾期, escalation steps). */
export function midnightsBetween(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let ms = countyHourMs(countyDayOfMs(fromMs), 24); ms <= toMs; ms += DAY_MS) out.push(ms);
  return out;
}

/**
 * The daily digests due in (fromMs, toMs], each county day at the policy's hour: the users' 每日汇总
 * every day, and the office's overdue digest (逾期通报) when at least one item is overdue at that instant.
 */
export function digestMoments(
  timelines: () => Iterable<ProblemTimeline>,
  versions: readonly TimingVersion[],
  fromMs: number,
  toMs: number,
): ScheduleEvent[] {
  const out: ScheduleEvent[] = [];
  for (let day = countyDayOfMs(fromMs); countyHourMs(day, 0) <= toMs; day = shiftDay(day, 1)) {
    const ms = countyHourMs(day, timingAt(versions, countyHourMs(day, 0)).scheduleAtHour);
    if (ms <= fromMs || ms > toMs) continue;
    out.push({ type: 'DailyDigestDue', data: { day, dueAt: countyInstant(ms) } });
    for (const timeline of timelines())
      if (overdueAt(problemAt(timeline, ms), ms)) {
        out.push({ type: 'DailyOverdueDigestDue', data: { day, dueAt: countyInstant(ms) } });
        break;
      }
  }
  return out;
}

/**
 * 考核未定档: on each county 1 January in (fromMs, toMs], at the policy's hour, the year before it when
 * `unfinished(year, ms)` says it had items and was not finalized by that instant.
 */
export function yearMoments(
  versions: readonly TimingVersion[],
  fromMs: number,
  toMs: number,
  unfinished: (year: number, ms: number) => boolean,
): ScheduleEvent[] {
  const out: ScheduleEvent[] = [];
  for (let year = Number(countyDayOfMs(fromMs).slice(0, 4)); year <= Number(countyDayOfMs(toMs).slice(0, 4)); year++) {
    const day = `${year}-01-01`;
    const ms = countyHourMs(day, timingAt(versions, countyHourMs(day, 0)).scheduleAtHour);
    if (ms > fromMs && ms <= toMs && unfinished(year - 1, ms))
      out.push({ type: 'YearNotFinalized', data: { year: year - 1, dueAt: countyInstant(ms) } });
  }
  return out;
}

/** A sweep (举一反三排查) as the scheduler needs it: when it was ordered, answered by each unit and closed (ms). */
export type SweepTimeline = {
  sweepId: string;
  unitIds: readonly string[];
  answerBy: string;
  orderedMs: number;
  answeredMs: ReadonlyMap<string, number>;
  closedMs: number | null;
};

/**
 * 反馈提醒: `SweepAnswerDue` for each asked unit on the reminder days before a sweep's answer-by day,
 * at the policy's hour, counted as the deadline reminders count them (`timing.reminderOffsetsDays`,
 * calendar or working days) — only when, at that instant, the sweep was ordered and open and the
 * unit had not answered. Due in the interval (fromMs, toMs], in order of their due instant.
 */
export function sweepMoments(
  sweep: SweepTimeline,
  versions: readonly TimingVersion[],
  fromMs: number,
  toMs: number,
  options: ScheduleOptions = {},
): ScheduleEvent[] {
  const out: ScheduleEvent[] = [];
  const seen = new Set<string>();
  for (const { timing } of versions)
    for (const daysBefore of timing.reminderOffsetsDays) {
      const ms = countyHourMs(reminderDay(sweep.answerBy, daysBefore, timing, options), timing.scheduleAtHour);
      if (ms <= fromMs || ms > toMs || ms < sweep.orderedMs || (sweep.closedMs !== null && sweep.closedMs <= ms)) continue;
      const now = timingAt(versions, ms);
      if (
        now.scheduleAtHour !== timing.scheduleAtHour ||
        now.reminderDays !== timing.reminderDays ||
        !now.reminderOffsetsDays.includes(daysBefore)
      )
        continue;
      for (const unitId of sweep.unitIds) {
        const answered = sweep.answeredMs.get(unitId);
        const key = `${unitId}|${ms}`;
        if ((answered !== undefined && answered <= ms) || seen.has(key)) continue;
        seen.add(key);
        out.push({
          type: 'SweepAnswerDue',
          data: { sweepId: sweep.sweepId, unitId, answerBy: sweep.answerBy, daysBefore, dueAt: countyInstant(ms) },
        });
      }
    }
  return out.sort((a, b) => (a.data.dueAt < b.data.dueAt ? -1 : a.data.dueAt > b.data.dueAt ? 1 : 0));
}
