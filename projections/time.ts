import { DateTime } from 'luxon';
import { COUNTY_ZONE, countyDay, countyDayOfMs, dayNumber, dayOfNumber } from '../domain/index.js';

/** Asia/Shanghai has kept +08:00 without daylight saving since 1992. */
const FIXED_OFFSET_FROM = Date.UTC(1992, 0, 1);
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * The county day of an instant, as `countyDay` gives it, but fast enough for a million events: plain
 * arithmetic on the fixed +08:00 (the scheduler's `countyDayOfMs`), luxon only before 1992.
 */
export function dayOf(instant: string, knownMs?: number): string {
  const ms = knownMs ?? offsetMs(instant);
  if (Number.isNaN(ms) || ms < FIXED_OFFSET_FROM) return countyDay(instant);
  return countyDayOfMs(ms);
}

/** The last instant `instantMs` read with an offset, and its milliseconds: the read models each read an event's `occurredAt`. */
let lastInstant = '';
let lastMs = Number.NaN;

/** An instant as milliseconds, for comparing `occurredAt` with an as-of instant. */
export function instantMs(instant: string): number {
  if (instant === lastInstant) return lastMs;
  const ms = offsetMs(instant);
  if (!Number.isNaN(ms)) {
    lastInstant = instant;
    lastMs = ms;
    return ms;
  }
  // Written without an offset: county time, as countyDay reads it.
  const dt = DateTime.fromISO(instant, { zone: COUNTY_ZONE });
  if (!dt.isValid) throw new RangeError(`Not an instant: ${instant}`);
  return dt.toMillis();
}

/** An instant written with an offset as `Date.parse` reads it; NaN for one without an offset (or not an instant). */
function offsetMs(instant: string): number {
  const ms = writtenMs(instant);
  if (!Number.isNaN(ms)) return ms;
  return HAS_OFFSET.test(instant) ? Date.parse(instant) : Number.NaN;
}

/** The digit at `i` of `s` (0–9), or a negative number or one over 9 for any other character. */
const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

/** The two digits at `i` of `s` as a number, or -1 when either is not a digit. */
function twoDigits(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * An instant in the shapes the log's `occurredAt` takes (`2019-10-10T07:08:56.619Z`, from `toISOString`, or with an offset,
 * `…T15:08:56.619+08:00`; milliseconds or none), as milliseconds computed without `Date.parse` (a quarter of a microsecond
 * for every event a start reads, issue 12, aim 1); NaN for any other shape or any field out of the plain ranges (a year
 * before 1000, an hour of 24, a 60th second…), which `Date.parse` then reads. Where it answers, it is what `Date.parse`
 * answers (a day past its month's end rolls over in both: tests/projections/instantMs.unit.test.ts).
 */
export function writtenMs(s: string): number {
  // Not a string (a value the types did not foresee): left to the reading as before, which says what it was given.
  if (typeof s !== 'string') return Number.NaN;
  const n = s.length;
  const fraction = n === 24 || n === 29;
  if (!(fraction || n === 20 || n === 25)) return Number.NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
    return Number.NaN;
  const century = twoDigits(s, 0);
  const yearOfCentury = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (century < 10 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  let milliseconds = 0;
  if (fraction) {
    if (s.charCodeAt(19) !== 46) return Number.NaN;
    const a = digit(s, 20);
    const bc = twoDigits(s, 21);
    if (a < 0 || a > 9 || bc < 0) return Number.NaN;
    milliseconds = a * 100 + bc;
  }
  const zone = fraction ? 23 : 19;
  let offsetMinutes = 0;
  if (n - zone === 1) {
    if (s.charCodeAt(zone) !== 90) return Number.NaN;
  } else {
    const sign = s.charCodeAt(zone);
    const offsetHour = twoDigits(s, zone + 1);
    const offsetMinute = twoDigits(s, zone + 4);
    if (
      (sign !== 43 && sign !== 45) ||
      s.charCodeAt(zone + 3) !== 58 ||
      offsetHour < 0 ||
      offsetHour > 23 ||
      offsetMinute < 0 ||
      offsetMinute > 59
    )
      return Number.NaN;
    offsetMinutes = (sign === 43 ? 1 : -1) * (offsetHour * 60 + offsetMinute);
  }
  return Date.UTC(century * 100 + yearOfCentury, month - 1, day, hour, minute, second, milliseconds) - offsetMinutes * 60_000;
}

/** Whole days from one calendar day to another, as `daysBetween`, without a time-zone library. */
export function daysFrom(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** A calendar day moved by whole days, as `addDays`. */
export function plusDays(day: string, days: number): string {
  return dayOfNumber(dayNumber(day) + days);
}
