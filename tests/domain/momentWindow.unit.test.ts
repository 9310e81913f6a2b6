import { describe, expect, it } from 'vitest';
import {
  type DayCounter,
  type MomentWindow,
  type ProblemTimeline,
  type TimelineChange,
  type TimingVersion,
  countyHourMs,
  defaultPolicy,
  momentWindow,
  problemMoments,
  shiftDay,
} from '../../domain/index.js';

/**
 * A pass's window (`momentWindow`) names the deadline, closing and 办结时限 days that can have a moment
 * in its interval, so that `problemMoments` passes over every other problem by a set lookup. Naming
 * too few would lose moments silently: on generated timelines, windows and policy versions (calendar
 * and working-day reminders), the answer must be the one computed with every day let through.
 */
const DAY_MS = 86_400_000;
const everyDay: ReadonlySet<string> = { has: () => true } as unknown as ReadonlySet<string>;
const unnarrowed = (window: MomentWindow): MomentWindow => ({ ...window, deadlines: everyDay, closings: everyDay, finishes: everyDay });

/** Working days counted Monday to Friday (what a county without a calendar gets). */
const weekdays: DayCounter = (day, days) => {
  let ms = countyHourMs(day, 0);
  for (let left = Math.abs(days); left > 0; ) {
    ms += Math.sign(days) * DAY_MS;
    const weekday = new Date(ms + 8 * 3_600_000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return shiftDay(day, Math.round((ms - countyHourMs(day, 0)) / DAY_MS));
};

function random(seed: number) {
  let s = seed;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    day: (from: string, span: number) => shiftDay(from, Math.floor(next() * span)),
  };
}

function timelines(count: number, r: ReturnType<typeof random>): ProblemTimeline[] {
  const out: ProblemTimeline[] = [];
  for (let n = 0; n < count; n++) {
    const changes: TimelineChange[] = [];
    let ms = countyHourMs(r.day('2019-01-01', 300), 10);
    const later = () => (ms += r.int(40) * DAY_MS + r.int(20) * 3_600_000 + 1);
    changes.push({ ms: later(), kind: 'assigned', unitId: `unit-${r.int(5)}` });
    let supervisions = 0;
    for (let step = r.int(9); step >= 0; step--) {
      const kind = r.int(8);
      const today = new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
      if (kind <= 1) changes.push({ ms: later(), kind: 'deadline', deadline: shiftDay(today, r.int(60) - 5) });
      else if (kind === 2) changes.push({ ms: later(), kind: 'reported' });
      else if (kind === 3) changes.push({ ms: later(), kind: 'open' });
      else if (kind === 4) changes.push({ ms: later(), kind: 'closed', closedOn: today });
      else if (kind === 5)
        changes.push({ ms: later(), kind: 'supervision', count: ++supervisions, finishBy: r.int(4) ? shiftDay(today, r.int(20)) : null });
      else if (kind === 6 && supervisions > 0) changes.push({ ms: later(), kind: 'reply', count: 1 + r.int(supervisions) });
      else changes.push({ ms: later(), kind: 'consolidated' });
    }
    out.push({ problemId: `problem-${n}`, changes });
  }
  return out;
}

describe('the window of a pass (momentWindow)', () => {
  const versions: TimingVersion[] = [
    { fromMs: Number.NEGATIVE_INFINITY, timing: defaultPolicy.timing },
    {
      fromMs: countyHourMs('2019-05-20', 15),
      timing: {
        ...defaultPolicy.timing,
        reminderOffsetsDays: [10, 2, 0],
        reminderDays: 'working',
        recheckAfterDays: 30,
        scheduleAtHour: 8,
      },
    },
    {
      fromMs: countyHourMs('2019-09-03', 0),
      timing: { ...defaultPolicy.timing, reminderOffsetsDays: [5], recheckAfterDays: 45, scheduleAtHour: 17 },
    },
  ];

  it('loses no moment: each problem’s moments are those found with every day let through', () => {
    const r = random(20190701);
    const problems = timelines(400, r);
    let moments = 0;
    for (let i = 0; i < 300; i++) {
      // A minute's tick, an hour's, a day's, a catch-up of up to a month, ending at any instant of 2019 and early 2020,
      // often right at a midnight or a policy's hour (where a moment falls on the interval's edge).
      const hour = [0, 0, 8, 9, 17, r.int(24)][r.int(6)]!;
      const toMs = countyHourMs(r.day('2019-01-10', 420), hour) + [0, 0, -1, 50, r.int(3_600_000)][r.int(5)]!;
      const fromMs = toMs - [60_000, 3_600_000, DAY_MS, r.int(31) * DAY_MS + 1][r.int(4)]!;
      for (const options of [{}, { workingDays: weekdays }]) {
        const window = momentWindow(versions, fromMs, toMs, options);
        for (const timeline of problems) {
          const expected = problemMoments(timeline, unnarrowed(window));
          expect(problemMoments(timeline, window), `${timeline.problemId} in (${fromMs}, ${toMs}]`).toEqual(expected);
          moments += expected.length;
        }
      }
    }
    // Not vacuous: the windows held moments of every kind.
    expect(moments).toBeGreaterThan(1000);
  });
});
