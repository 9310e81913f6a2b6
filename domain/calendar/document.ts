import { z } from 'zod';
import { CalendarDay, dayNumber } from '../shared/calendar.js';
import { Text } from '../shared/messages.js';

/** 0 for Sunday, 1 for Monday … 6 for Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: string): number {
  return (((dayNumber(day) + 4) % 7) + 7) % 7;
}

/** Saturday or Sunday. */
export function isWeekend(day: string): boolean {
  const w = weekdayOf(day);
  return w === 0 || w === 6;
}

/** Who wrote the dates: the State Council's published holiday schedule (国务院办公厅通知), or the county itself. */
export const CalendarMark = z.enum(['published schedule', 'county']);
export type CalendarMark = z.infer<typeof CalendarMark>;

/**
 * The county calendar (工作日历): the years it covers, the public holidays (法定节假日, with the rest
 * days that bridge them) and the make-up working days on weekends (调休). A working day is Monday to
 * Friday unless it is a holiday, or a Saturday or Sunday named a make-up working day. For a year it
 * does not cover, only Monday to Friday is known.
 */
export const CountyCalendar = z
  .object({
    name: Text(200),
    /** The years whose holidays are all listed: outside them, working days are Monday to Friday. */
    years: z.array(z.number().int().min(1990).max(2100)).min(1).max(100),
    /** 法定节假日 and the rest days bridging them (a notice of a year may begin in the last days of the year before). */
    holidays: z.array(CalendarDay).max(5000),
    /** 调休: Saturdays and Sundays worked to make up for a bridge. */
    workingWeekends: z.array(CalendarDay).max(2000),
    /** Where the dates come from, e.g. 国务院办公厅关于2019年部分节假日安排的通知 (国办发明电〔2018〕15号). */
    source: Text(2000),
    marked: CalendarMark,
  })
  .superRefine((c, ctx) => {
    if (new Set(c.years).size !== c.years.length) ctx.addIssue({ code: 'custom', path: ['years'], message: 'names a year twice' });
    const holidays = new Set<string>();
    c.holidays.forEach((day, i) => {
      if (holidays.has(day)) ctx.addIssue({ code: 'custom', path: ['holidays', i], message: `lists ${day} twice` });
      holidays.add(day);
    });
    const working = new Set<string>();
    c.workingWeekends.forEach((day, i) => {
      if (working.has(day)) ctx.addIssue({ code: 'custom', path: ['workingWeekends', i], message: `lists ${day} twice` });
      working.add(day);
      if (holidays.has(day)) ctx.addIssue({ code: 'custom', path: ['workingWeekends', i], message: `${day} is also a holiday` });
      // Valid days only: a malformed one is already reported by its own schema.
      else if (/^\d{4}-\d{2}-\d{2}$/.test(day) && !isWeekend(day))
        ctx.addIssue({
          code: 'custom',
          path: ['workingWeekends', i],
          message: `${day} is not a Saturday or Sunday, so it is a working day anyway`,
        });
    });
  });
export type CountyCalendar = z.infer<typeof CountyCalendar>;
