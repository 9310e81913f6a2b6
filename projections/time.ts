import { DateTime } from 'luxon';
import { COUNTY_ZONE, countyDay, countyDayOfMs, dayNumber, dayOfNumber } from '../domain/index.js';
import { writtenMs } from './instants.js';

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

/** Whole days from one calendar day to another, as `daysBetween`, without a time-zone library. */
export function daysFrom(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** A calendar day moved by whole days, as `addDays`. */
export function plusDays(day: string, days: number): string {
  return dayOfNumber(dayNumber(day) + days);
}
