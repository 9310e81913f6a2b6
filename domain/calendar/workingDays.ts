import { z } from 'zod';
import type { CalendarDay } from '../shared/calendar.js';
import { dayNumber, dayOfNumber } from '../shared/calendar.js';
import { type CountyCalendar, isWeekend } from './document.js';

/** A deadline counted in working days (工作日) from the day it is set: 1 to 365. */
export const WorkingDays = z.number().int('must be a whole number').min(1, 'must be at least 1').max(365, 'must be at most 365');

type Lookup = { holidays: Set<string>; working: Set<string>; years: Set<number> };
const lookups = new WeakMap<CountyCalendar, Lookup>();

function lookup(calendar: CountyCalendar): Lookup {
  let found = lookups.get(calendar);
  if (!found) {
    found = { holidays: new Set(calendar.holidays), working: new Set(calendar.workingWeekends), years: new Set(calendar.years) };
    lookups.set(calendar, found);
  }
  return found;
}

/** Whether the calendar lists every holiday of the day's year (with none adopted, no year is covered). */
export function calendarCovers(day: CalendarDay, calendar: CountyCalendar | null): boolean {
  return calendar !== null && lookup(calendar).years.has(Number(day.slice(0, 4)));
}

/**
 * 工作日: Monday to Friday unless the calendar lists it as a holiday; a Saturday or Sunday only when
 * it is a make-up working day (调休). With no calendar adopted, Monday to Friday.
 */
export function isWorkingDay(day: CalendarDay, calendar: CountyCalendar | null): boolean {
  if (calendar === null) return !isWeekend(day);
  const { holidays, working } = lookup(calendar);
  if (holidays.has(day)) return false;
  return !isWeekend(day) || working.has(day);
}

export type WorkingDaysCount = {
  /** The day reached. */
  day: CalendarDay;
  /**
   * True when a day counted (or stepped over) lies in a year the calendar does not cover, or no
   * calendar is adopted: there the count is Monday to Friday, without holidays, and the caller
   * should say so.
   */
  outsideCalendar: boolean;
};

/**
 * The n-th working day after `day` (n ≥ 1), or before it (n ≤ -1); `day` itself is never counted.
 * "15 working days" from 2019-09-25 is 2019-10-21 under the 2019 schedule (国庆 1–7 October rested,
 * 29 September and 12 October worked). n = 0 gives `day` back.
 */
export function addWorkingDays(day: CalendarDay, n: number, calendar: CountyCalendar | null): WorkingDaysCount {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Not a whole number of working days: ${n}`);
  const step = n < 0 ? -1 : 1;
  let current = dayNumber(day);
  let outsideCalendar = n !== 0 && calendar === null;
  for (let left = Math.abs(n); left > 0; ) {
    current += step;
    const candidate = dayOfNumber(current);
    if (!outsideCalendar && !calendarCovers(candidate, calendar)) outsideCalendar = true;
    if (isWorkingDay(candidate, calendar)) left -= 1;
  }
  return { day: dayOfNumber(current), outsideCalendar };
}
