import type { Random } from './random.js';

/**
 * The demo's simulated clock. A day is a whole number (days since 1970-01-01 in the county's
 * calendar) so the planner can add and compare days cheaply; an instant is that day plus a second
 * of the working day, written as ISO with the county's +08:00 offset (China has kept +08:00 with
 * no daylight saving since 1991, so the offset is fixed for 2019–2020).
 */
export type SimDay = number;
export type SimInstant = {
  /** Seconds since 1970-01-01 county time: sorts the global log. */
  key: number;
  iso: string;
  day: SimDay;
};

const DAY_MS = 86_400_000;
const WORK_START = 8 * 3600 + 30 * 60; // 08:30
const WORK_END = 18 * 3600; // 18:00

export function simDay(isoDay: string): SimDay {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function isoDay(day: SimDay): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Monday to Friday (public holidays are not modelled). */
export function isWorkday(day: SimDay): boolean {
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 is Sunday
  return weekday !== 0 && weekday !== 6;
}

export function nextWorkday(day: SimDay): SimDay {
  let d = day;
  while (!isWorkday(d)) d += 1;
  return d;
}

export function instantOf(day: SimDay, second: number): SimInstant {
  const hh = String(Math.floor(second / 3600)).padStart(2, '0');
  const mm = String(Math.floor((second % 3600) / 60)).padStart(2, '0');
  const ss = String(second % 60).padStart(2, '0');
  return { key: day * 86_400 + second, iso: `${isoDay(day)}T${hh}:${mm}:${ss}+08:00`, day };
}

/**
 * One problem's (or the registrar's) run of working moments: each step is strictly later than the
 * one before, on a working day between 08:30 and 18:00.
 */
export class Timeline {
  private day: SimDay;
  private second: number;

  constructor(
    private readonly random: Random,
    start: SimDay,
    firstSecond?: number,
  ) {
    this.day = nextWorkday(start);
    this.second = firstSecond ?? random.int(WORK_START, WORK_END - 1800);
  }

  get today(): SimDay {
    return this.day;
  }

  get now(): SimInstant {
    return instantOf(this.day, this.second);
  }

  /** A moment at least `days` calendar days on; 0 means later the same working day if time allows. */
  after(days: number): SimInstant {
    return this.on(this.day + days);
  }

  /** A moment on `day` (or the next working day), and never before the current moment. */
  on(day: SimDay): SimInstant {
    if (day > this.day) {
      this.day = nextWorkday(day);
      this.second = this.random.int(WORK_START, WORK_END - 600);
    } else {
      this.second += this.random.int(120, 2400);
      if (this.second > WORK_END) {
        this.day = nextWorkday(this.day + 1);
        this.second = this.random.int(WORK_START, WORK_START + 5400);
      }
    }
    return this.now;
  }
}
