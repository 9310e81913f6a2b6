import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * The county's calendar. A deadline (整改时限) is a calendar day in Asia/Shanghai, whatever time
 * zone the server runs in: a deadline of 2019-06-30 is overdue from 2019-07-01 00:00 Shanghai time.
 */
export const COUNTY_ZONE = 'Asia/Shanghai';

/**
 * Whether `YYYY-MM-DD` names a day of the Gregorian calendar. Plain arithmetic, not luxon: every
 * stored event with a date is checked when read back, and a luxon parse per date made reading the
 * log several times slower (bench/projections.ts).
 */
function isRealDay(s: string): boolean {
  const year = Number(s.slice(0, 4));
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/** A calendar day, `YYYY-MM-DD`, that exists (2019-02-30 does not). */
export const CalendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written as YYYY-MM-DD')
  .refine(isRealDay, { message: 'is not a real calendar date' });
export type CalendarDay = z.infer<typeof CalendarDay>;

/** The offset an instant is written with at its end: `Z`, `±hh:mm` or `±hhmm`. */
const WRITTEN_OFFSET = /(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Whether the offset an instant is written with, if any, is one a clock shows: from −12:00 to
 * +14:00, minutes below 60. luxon reads `+25:00` and `+08:60` as offsets; no place on Earth has them.
 */
function realOffset(s: string): boolean {
  const m = WRITTEN_OFFSET.exec(s);
  if (!m || m[1] === undefined) return true;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (minutes > 59) return false;
  return hours * 60 + minutes <= (m[1] === '+' ? 14 * 60 : 12 * 60);
}

/** An instant, as an ISO-8601 string with an offset (what the injected clock gives). */
export const Instant = z.string().refine((s) => realOffset(s) && DateTime.fromISO(s, { setZone: true }).isValid, {
  message: 'is not a valid ISO-8601 instant',
});
export type Instant = z.infer<typeof Instant>;

/**
 * The one reading of an instant a caller sends (`asOf`, the audit trail's `from` and `to`): ISO-8601
 * with its offset written out, a real one (−12:00 to +14:00). Its milliseconds, or null when it is not
 * such an instant — the caller says which field was wrong.
 */
export function instantWithOffsetMs(s: string): number | null {
  if (!WRITTEN_OFFSET.test(s) || !realOffset(s)) return null;
  const dt = DateTime.fromISO(s, { setZone: true });
  return dt.isValid ? dt.toMillis() : null;
}

/**
 * The county calendar day on which an instant falls. An instant written without an offset is read
 * as county time, not the server's, so the answer never depends on the process time zone.
 */
export function countyDay(instant: string): CalendarDay {
  const known = countyDays.get(instant);
  if (known !== undefined) return known;
  let day = utcCountyDay(instant);
  if (day === undefined) {
    const dt = DateTime.fromISO(instant, { zone: COUNTY_ZONE, setZone: true });
    if (!dt.isValid) throw new RangeError(`Not an instant: ${instant}`);
    day = dt.setZone(COUNTY_ZONE).toISODate()!;
  }
  countyDays.set(instant, day);
  if (countyDays.size > COUNTY_DAYS_KEPT) countyDays.delete(countyDays.keys().next().value!);
  return day;
}

/**
 * The last instants countyDay read, with their day: a command asks the day of its `now` several times
 * (the use case, the decision, the read models applying its events), and each luxon reading costs a
 * time-zone lookup. A pure function's answers, so keeping them changes nothing but the time taken.
 */
const countyDays = new Map<string, CalendarDay>();
const COUNTY_DAYS_KEPT = 64;

/** An instant as the server's clock writes it (Date.toISOString): UTC, with or without milliseconds. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const HOUR_MS = 3_600_000;

/**
 * countyDay of an instant the clock wrote, without luxon's parse: its milliseconds shifted by the
 * county's offset, which luxon gives once per hour of UTC (an hour whose two ends differ, a change of
 * offset, is left to luxon). Undefined for anything else — another form, a field out of range (the
 * instant must write itself back the same), a year past 9999 — which luxon reads instead.
 */
function utcCountyDay(instant: string): CalendarDay | undefined {
  if (!UTC_INSTANT.test(instant)) return undefined;
  const ms = Date.parse(instant);
  if (!Number.isFinite(ms)) return undefined;
  const written = new Date(ms).toISOString();
  if (written !== (instant.length === 20 ? `${instant.slice(0, 19)}.000Z` : instant)) return undefined;
  const hour = Math.floor(ms / HOUR_MS);
  let offset = countyOffsets.get(hour);
  if (offset === undefined) {
    const start = DateTime.fromMillis(hour * HOUR_MS, { zone: COUNTY_ZONE }).offset;
    const end = DateTime.fromMillis(hour * HOUR_MS + HOUR_MS - 1, { zone: COUNTY_ZONE }).offset;
    if (start !== end) return undefined;
    offset = start;
    countyOffsets.set(hour, offset);
    if (countyOffsets.size > COUNTY_DAYS_KEPT) countyOffsets.delete(countyOffsets.keys().next().value!);
  }
  const day = new Date(ms + offset * 60_000).toISOString();
  return /^\d{4}-/.test(day) ? day.slice(0, 10) : undefined;
}

/** The county's offset from UTC (minutes), by hour of UTC since 1970, for the last hours utcCountyDay read. */
const countyOffsets = new Map<number, number>();

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

/**
 * 1970-01-01 counted as day 0: plain arithmetic (H. Hinnant's days-from-civil), so counting working
 * days over a year, or a scheduler pass over 100,000 deadlines, costs no date-library call per day.
 * The one day arithmetic of the code base; `day` must be a valid `YYYY-MM-DD`.
 */
export function dayNumber(day: string): number {
  const m = Number(day.slice(5, 7));
  const d = Number(day.slice(8, 10));
  const y = Number(day.slice(0, 4)) - (m <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The `YYYY-MM-DD` of a day number (the inverse of `dayNumber`). */
export function dayOfNumber(n: number): CalendarDay {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
