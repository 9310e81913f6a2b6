import { describe, expect, it } from 'vitest';
import { BulletinEvent, type TaizhangError, bulletinDecider, checkMonth, monthDays, previousMonth } from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const bulletins = deciderSpec({ ...bulletinDecider, eventSchema: BulletinEvent });
const published = (hash: string) =>
  ({
    type: 'BulletinPublished',
    data: {
      month: '2020-02',
      policyVersion: 0,
      asOf: '2020-02-29T23:59:59.999+08:00',
      position: 41,
      bulletinHash: hash.repeat(64),
      county: { raised: 3, closed: 2, overdue: 1, onTimeClosureRate: 0.5 },
    },
  }) as const;
const publish = (hash: string) => ({ type: 'PublishBulletin', data: published(hash).data }) as const;

describe('a month’s bulletin (月通报)', () => {
  it('is published once the month is over in the county: on 1 March at 00:00 in Shanghai, not a moment before', () => {
    bulletins
      .given([])
      .when(publish('a'), '2020-03-01T00:00:00+08:00')
      .then([published('a')]);
    // 29 February 23:59 in Shanghai (15:59 UTC): the month is not over.
    bulletins.given([]).when(publish('a'), '2020-02-29T15:59:00Z').thenError('MONTH_NOT_OVER');
  });

  it('is published once: publishing it again changes nothing, whatever the figures now', () => {
    bulletins
      .given([published('a')])
      .when(publish('a'), '2020-03-05T10:00:00+08:00')
      .thenNothing();
    bulletins
      .given([published('a')])
      .when(publish('b'), '2020-03-05T10:00:00+08:00')
      .thenNothing();
  });
});

describe('the month asked about', () => {
  const code = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as TaizhangError).code;
    }
    return 'accepted';
  };

  it('is a real month, not to come, not before the ledger began; the month under way is allowed', () => {
    expect(checkMonth('2020-02', '2020-03-05', '2019-01-02')).toBe('2020-02');
    expect(checkMonth('2020-03', '2020-03-05', '2019-01-02')).toBe('2020-03');
    expect(checkMonth('2019-01', '2020-03-05', '2019-01-02')).toBe('2019-01');
    for (const [month, expected] of [
      ['2020-2', 'MONTH_MALFORMED'],
      ['2020-00', 'MONTH_MALFORMED'],
      ['2020-13', 'MONTH_MALFORMED'],
      ['2020-02-01', 'MONTH_MALFORMED'],
      ['', 'MONTH_MALFORMED'],
      ['2020-04', 'MONTH_IN_FUTURE'],
      ['2018-12', 'MONTH_BEFORE_FIRST_EVENT'],
    ] as const)
      expect(
        code(() => checkMonth(month, '2020-03-05', '2019-01-02')),
        month,
      ).toBe(expected);
    expect(code(() => checkMonth('2020-02', '2020-03-05', null))).toBe('MONTH_BEFORE_FIRST_EVENT');
  });

  it('has its days and the month before worked out across leap years and year ends', () => {
    expect(monthDays('2020-02')).toEqual({ first: '2020-02-01', last: '2020-02-29', next: '2020-03-01' });
    expect(monthDays('2019-02').last).toBe('2019-02-28');
    expect(monthDays('2019-12')).toEqual({ first: '2019-12-01', last: '2019-12-31', next: '2020-01-01' });
    expect(previousMonth('2020-01')).toBe('2019-12');
    expect(previousMonth('2020-03')).toBe('2020-02');
  });
});
