import { afterEach, describe, expect, it } from 'vitest';
import {
  CalendarDay,
  Instant,
  addDays,
  countyDay,
  countyYear,
  daysBetween,
  evolveProblem,
  initialProblemState,
  isOverdue,
  startOfCountyDay,
} from '../../domain/index.js';
import { history } from '../support/problemFixtures.js';

describe('the county calendar (Asia/Shanghai, UTC+8)', () => {
  it('16:00 UTC on 2019-06-30 is already 2019-07-01 in the county', () => {
    expect(countyDay('2019-06-30T16:00:00Z')).toBe('2019-07-01');
  });

  it('one second earlier, 15:59:59 UTC, is still 2019-06-30', () => {
    expect(countyDay('2019-06-30T15:59:59Z')).toBe('2019-06-30');
  });

  it('an instant with the +08:00 offset falls on its own calendar day', () => {
    expect(countyDay('2019-07-01T00:00:00+08:00')).toBe('2019-07-01');
    expect(countyDay('2019-06-30T23:59:59+08:00')).toBe('2019-06-30');
  });

  it('an instant with another offset is moved to county time', () => {
    expect(countyDay('2019-06-30T09:30:00-07:00')).toBe('2019-07-01');
  });

  it('an instant as the clock writes it (UTC with milliseconds) falls on the same day as one written otherwise', () => {
    expect(countyDay('2019-06-30T15:59:59.999Z')).toBe('2019-06-30');
    expect(countyDay('2019-06-30T16:00:00.000Z')).toBe('2019-07-01');
  });

  it('under daylight saving time (1986–1991, UTC+9) the day turns at 15:00 UTC, and an hour later again after it', () => {
    expect(countyDay('1988-06-30T15:00:00.000Z')).toBe('1988-07-01');
    expect(countyDay('1988-06-30T14:59:59.999Z')).toBe('1988-06-30');
    expect(countyDay('1988-12-31T15:30:00.000Z')).toBe('1988-12-31');
  });

  it('a clock-shaped instant whose fields are out of range is still refused', () => {
    expect(() => countyDay('2019-02-29T10:00:00.000Z')).toThrow(RangeError);
    expect(() => countyDay('2019-13-01T00:00:00.000Z')).toThrow(RangeError);
  });

  it('the county year turns at midnight county time', () => {
    expect(countyYear('2019-12-31T15:59:59Z')).toBe(2019);
    expect(countyYear('2019-12-31T16:00:00Z')).toBe(2020);
  });

  it('a deadline of 2019-06-30 is overdue from 16:00 UTC on 2019-06-30', () => {
    const problem = history.withPlan.reduce(evolveProblem, initialProblemState);
    expect(isOverdue(problem, countyDay('2019-06-30T15:59:59Z'))).toBe(false);
    expect(isOverdue(problem, countyDay('2019-06-30T16:00:00Z'))).toBe(true);
  });

  it('something that is not an instant is refused', () => {
    expect(() => countyDay('yesterday')).toThrow(RangeError);
    expect(Instant.safeParse('yesterday').success).toBe(false);
    expect(Instant.safeParse('2019-03-01T09:00:00+08:00').success).toBe(true);
  });

  it('2019-02-30 is not a calendar day', () => {
    const result = CalendarDay.safeParse('2019-02-30');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toStrictEqual(['is not a real calendar date']);
  });

  it('2020-02-29 is a calendar day, 2019-02-29 is not', () => {
    expect(CalendarDay.safeParse('2020-02-29').success).toBe(true);
    expect(CalendarDay.safeParse('2019-02-29').success).toBe(false);
  });

  it('knows the century leap rule and the length of every month', () => {
    const real = ['2000-02-29', '2019-01-31', '2019-04-30', '2019-12-31', '2019-06-01'];
    const unreal = [
      '1900-02-29',
      '2100-02-29',
      '2019-04-31',
      '2019-06-31',
      '2019-09-31',
      '2019-11-31',
      '2019-13-01',
      '2019-00-10',
      '2019-05-00',
      '2019-01-32',
    ];
    for (const day of real) expect(CalendarDay.safeParse(day).success, day).toBe(true);
    for (const day of unreal) expect(CalendarDay.safeParse(day).success, day).toBe(false);
  });

  it('a day must be written YYYY-MM-DD', () => {
    for (const written of ['2019-7-1', '2019/07/01', '20190701', '2019-07-01T00:00:00+08:00', '']) {
      expect(CalendarDay.safeParse(written).error?.issues[0]?.message, written).toBe('must be a date written as YYYY-MM-DD');
    }
  });

  it('days are counted and added in whole calendar days', () => {
    expect(daysBetween('2019-06-30', '2019-07-01')).toBe(1);
    expect(daysBetween('2019-07-01', '2019-06-30')).toBe(-1);
    expect(daysBetween('2019-01-01', '2020-01-01')).toBe(365);
    expect(addDays('2019-06-30', 1)).toBe('2019-07-01');
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2019-03-01', -1)).toBe('2019-02-28');
  });

  it('a county day starts at midnight +08:00', () => {
    expect(startOfCountyDay('2019-07-01')).toBe('2019-07-01T00:00:00.000+08:00');
  });
});

describe('the county calendar does not depend on the time zone the server runs in', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  const zones = ['UTC', 'Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];

  it.each(zones)('with TZ=%s the answers are the county answers', (zone) => {
    process.env.TZ = zone;
    expect(countyDay('2019-06-30T16:00:00Z')).toBe('2019-07-01');
    expect(countyDay('2019-06-30T15:59:59Z')).toBe('2019-06-30');
    expect(countyYear('2019-12-31T16:00:00Z')).toBe(2020);
    expect(daysBetween('2019-03-09', '2019-03-11')).toBe(2);
    expect(addDays('2019-03-10', 1)).toBe('2019-03-11');
    expect(startOfCountyDay('2019-03-10')).toBe('2019-03-10T00:00:00.000+08:00');
    expect(CalendarDay.safeParse('2019-03-10').success).toBe(true);
  });

  it.each(zones)('with TZ=%s an instant written without an offset is read as county time', (zone) => {
    process.env.TZ = zone;
    expect(countyDay('2019-06-30T20:00:00')).toBe('2019-06-30');
    expect(countyDay('2019-07-01T00:30:00')).toBe('2019-07-01');
  });
});
