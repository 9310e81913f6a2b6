import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * The county's calendar. A deadline (整改时限) is a calendar day in Asia/Shanghai, whatever time
 * zone the server runs in: a deadline of 2019-06-30 is overdue from 2019-07-01 00:00 Shanghai time.
 */
export const COUNTY_ZONE = 'Asia/Shanghai';

/** A calendar day, `YYYY-MM-DD`, that exists (2019-02-30 does not). */
export const CalendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written as YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s, { zone: COUNTY_ZONE }).isValid, {
    message: 'is not a real calendar date',
  });
export type CalendarDay = z.infer<typeof CalendarDay>;

/** An instant, as an ISO-8601 string with an offset (what the injected clock gives). */
export const Instant = z.string().refine((s) => DateTime.fromISO(s, { setZone: true }).isValid, {
  message: 'is not a valid ISO-8601 instant',
});
export type Instant = z.infer<typeof Instant>;

/**
 * The county calendar day on which an instant falls. An instant written without an offset is read
 * as county time, not the server's, so the answer never depends on the process time zone.
 */
export function countyDay(instant: string): CalendarDay {
  const dt = DateTime.fromISO(instant, { zone: COUNTY_ZONE, setZone: true });
  if (!dt.isValid) throw new RangeError(`Not an instant: ${instant}`);
  return dt.setZone(COUNTY_ZONE).toISODate()!;
}

/** The year (in the county's calendar) in which an instant falls. */
export function countyYear(instant: string): number {
  return Number(countyDay(instant).slice(0, 4));
}

/** Whole days from `from` to `to` (both calendar days); negative when `to` is earlier. */
export function daysBetween(from: CalendarDay, to: CalendarDay): number {
  const a = DateTime.fromISO(from, { zone: COUNTY_ZONE });
  const b = DateTime.fromISO(to, { zone: COUNTY_ZONE });
  return Math.round(b.diff(a, 'days').days);
}

/** The first instant of a county calendar day, as an ISO string with the +08:00 offset. */
export function startOfCountyDay(day: CalendarDay): Instant {
  return DateTime.fromISO(day, { zone: COUNTY_ZONE }).startOf('day').toISO()!;
}

/** A calendar day moved by a number of days. */
export function addDays(day: CalendarDay, days: number): CalendarDay {
  return DateTime.fromISO(day, { zone: COUNTY_ZONE }).plus({ days }).toISODate()!;
}
