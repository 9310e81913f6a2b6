import { describe, expect, it } from 'vitest';
import {
  CalendarAdopted,
  CountyCalendar,
  addWorkingDays,
  decideCalendar,
  dayNumber,
  dayOfNumber,
  evolveCalendar,
  initialCalendarState,
  isWorkingDay,
  weekdayOf,
} from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const NOW = '2019-01-02T08:30:00+08:00';
const calendars = deciderSpec({
  initialState: initialCalendarState,
  evolve: evolveCalendar,
  decide: decideCalendar,
  eventSchema: CalendarAdopted.schema,
});

/**
 * The autumn of 2019, written out by hand from 国办发明电〔2018〕15号: 中秋节 13–15 September; 国庆节
 * 1–7 October, with Sunday 29 September and Saturday 12 October worked (调休).
 */
const autumn2019: CountyCalendar = {
  name: '2019年秋季节假日',
  years: [2019],
  holidays: [
    '2019-09-13',
    '2019-09-14',
    '2019-09-15',
    '2019-10-01',
    '2019-10-02',
    '2019-10-03',
    '2019-10-04',
    '2019-10-05',
    '2019-10-06',
    '2019-10-07',
  ],
  workingWeekends: ['2019-09-29', '2019-10-12'],
  source: '国务院办公厅关于2019年部分节假日安排的通知（国办发明电〔2018〕15号）',
  marked: 'published schedule',
};
const countyOwn: CountyCalendar = { ...autumn2019, name: '县工作日历', holidays: [...autumn2019.holidays, '2019-11-11'], marked: 'county' };

describe('adopting a county calendar (工作日历)', () => {
  it('the first adoption is version 1', () => {
    calendars
      .given([])
      .when({ type: 'AdoptCalendar', data: { document: autumn2019, reason: '国务院通知' } }, NOW)
      .then([{ type: 'CalendarAdopted', data: { version: 1, document: autumn2019, reason: '国务院通知' } }]);
  });
  it('another document is the next version', () => {
    calendars
      .given([{ type: 'CalendarAdopted', data: { version: 1, document: autumn2019, reason: '国务院通知' } }])
      .when({ type: 'AdoptCalendar', data: { document: countyOwn, reason: '县里加一天' } }, NOW)
      .then([{ type: 'CalendarAdopted', data: { version: 2, document: countyOwn, reason: '县里加一天' } }]);
  });
  it('the calendar already in force again changes nothing', () => {
    calendars
      .given([{ type: 'CalendarAdopted', data: { version: 1, document: autumn2019, reason: '国务院通知' } }])
      .when({ type: 'AdoptCalendar', data: { document: autumn2019, reason: '再次' } }, NOW)
      .thenNothing();
  });
  it('refuses a make-up working day that is not a weekend day, or is also a holiday, and a day listed twice', () => {
    const issues = (c: unknown) => CountyCalendar.safeParse(c).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    // 2019-10-08 was a Tuesday: a working day anyway.
    expect(issues({ ...autumn2019, workingWeekends: ['2019-10-08'] })).toEqual([
      'workingWeekends.0: 2019-10-08 is not a Saturday or Sunday, so it is a working day anyway',
    ]);
    expect(issues({ ...autumn2019, workingWeekends: ['2019-10-05'] })).toEqual(['workingWeekends.0: 2019-10-05 is also a holiday']);
    expect(issues({ ...autumn2019, holidays: ['2019-10-01', '2019-10-01'] })).toEqual(['holidays.1: lists 2019-10-01 twice']);
    expect(issues({ ...autumn2019, marked: 'rumour' })).toHaveLength(1);
    expect(issues(autumn2019)).toEqual([]);
  });
});

describe('day arithmetic', () => {
  it('knows the weekday of days it was told by a wall calendar', () => {
    // 1970-01-01 Thursday, 2019-10-01 Tuesday, 2019-09-29 Sunday, 2019-10-12 Saturday, 2000-02-29 Tuesday.
    expect(['1970-01-01', '2019-10-01', '2019-09-29', '2019-10-12', '2000-02-29'].map(weekdayOf)).toEqual([4, 2, 0, 6, 2]);
  });
  it('goes round day numbers and back, over leap days and century years', () => {
    for (const day of ['1900-03-01', '2000-02-29', '2019-12-31', '2020-02-29', '2020-03-01', '2100-02-28'])
      expect(dayOfNumber(dayNumber(day))).toBe(day);
    expect(dayNumber('2020-03-01') - dayNumber('2020-02-28')).toBe(2);
    expect(dayNumber('2019-03-01') - dayNumber('2019-02-28')).toBe(1);
  });
});

describe('working days (工作日) across 国庆 2019', () => {
  it('a holiday on a weekday is not a working day; a make-up Sunday is', () => {
    expect(isWorkingDay('2019-10-01', autumn2019)).toBe(false); // Tuesday, 国庆节
    expect(isWorkingDay('2019-09-29', autumn2019)).toBe(true); // Sunday, 调休
    expect(isWorkingDay('2019-10-13', autumn2019)).toBe(false); // an ordinary Sunday
    expect(isWorkingDay('2019-10-08', autumn2019)).toBe(true); // Tuesday after the holiday
  });
  it('with no calendar adopted: Monday to Friday', () => {
    expect(isWorkingDay('2019-10-01', null)).toBe(true);
    expect(isWorkingDay('2019-09-29', null)).toBe(false);
  });

  it('15 working days from Wednesday 2019-09-25 is Monday 2019-10-21', () => {
    // Counted by hand, `day` itself not counted: 9/26 Thu (1), 9/27 Fri (2), [9/28 Sat rests], 9/29 Sun
    // worked (3), 9/30 Mon (4), [10/1–10/7 国庆节], 10/8 Tue (5), 10/9 (6), 10/10 (7), 10/11 Fri (8),
    // 10/12 Sat worked (9), [10/13 Sun], 10/14 Mon (10), 10/15 (11), 10/16 (12), 10/17 (13), 10/18 Fri (14),
    // [10/19–10/20 weekend], 10/21 Mon (15).
    expect(addWorkingDays('2019-09-25', 15, autumn2019)).toEqual({ day: '2019-10-21', outsideCalendar: false });
    // Monday to Friday only it would be 2019-10-16: 9/26, 9/27, 9/30, 10/1–10/4, 10/7–10/11, 10/14–10/16.
    expect(addWorkingDays('2019-09-25', 15, null)).toEqual({ day: '2019-10-16', outsideCalendar: true });
  });

  it('counts back with a negative n: 2 working days before 2019-10-08 is the make-up Sunday, 3 the Friday before', () => {
    // Back from 10/8: [10/7–10/1 国庆节], 9/30 Mon (1), 9/29 Sun worked (2), [9/28 Sat], 9/27 Fri (3).
    expect(addWorkingDays('2019-10-08', -3, autumn2019)).toEqual({ day: '2019-09-27', outsideCalendar: false });
    expect(addWorkingDays('2019-10-08', -2, autumn2019)).toEqual({ day: '2019-09-29', outsideCalendar: false });
    expect(addWorkingDays('2019-10-21', -15, autumn2019).day).toBe('2019-09-25');
  });

  it('says when it counted beyond the years the calendar covers', () => {
    // 2019-12-27 Fri: 12/30 Mon (1), 12/31 Tue (2), 2020-01-01 Wed (3) — 2020 is not covered, so 元旦 is not known here.
    expect(addWorkingDays('2019-12-27', 3, autumn2019)).toEqual({ day: '2020-01-01', outsideCalendar: true });
    expect(addWorkingDays('2019-12-27', 2, autumn2019)).toEqual({ day: '2019-12-31', outsideCalendar: false });
  });
});
