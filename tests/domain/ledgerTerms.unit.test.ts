import { describe, expect, it } from 'vitest';
import { ledgerStatusOf, readDeadlineTerm } from '../../domain/index.js';

/** How an import reads a ledger's words (迁移导入): the one table of 整改状态, and deadlines in words by stated rules. */
describe('整改状态 through the one table', () => {
  it.each([
    ['已办结', 'closed'],
    ['完成整改', 'closed'],
    [' 已 整改 ', 'closed'],
    ['正在办理', 'rectifying'],
    ['基本完成', 'rectifying'],
    ['持续整改', 'rectifying'],
    ['未整改', 'open'],
    ['未启动', 'open'],
  ])('%s is %s', (term, status) => {
    expect(ledgerStatusOf(term)).toBe(status);
  });

  it('knows no other term: it is refused, not guessed', () => {
    expect(ledgerStatusOf('差不多了')).toBeNull();
    expect(ledgerStatusOf('')).toBeNull();
  });
});

describe('整改时限 in words', () => {
  it('长期坚持 is standing work: no deadline', () => {
    expect(readDeadlineTerm('长期坚持', '2019-03-05')).toEqual({ kind: 'standing', term: '长期坚持' });
  });

  it('“6月底前” is the last day of June of the 交办日期’s year; “2月底” of a leap year is the 29th', () => {
    expect(readDeadlineTerm('6月底前', '2019-03-05')).toEqual({ kind: 'month_end', day: '2019-06-30', term: '6月底前' });
    expect(readDeadlineTerm('12月底', '2019-03-05')).toEqual({ kind: 'month_end', day: '2019-12-31', term: '12月底' });
    expect(readDeadlineTerm('２月末', '2020-01-10')).toEqual({ kind: 'month_end', day: '2020-02-29', term: '2月末' });
  });

  it('“3天” is the 交办日期 plus three calendar days', () => {
    expect(readDeadlineTerm('3天', '2019-12-30')).toEqual({ kind: 'days', day: '2020-01-02', term: '3天' });
    expect(readDeadlineTerm('15日内', '2019-03-05')).toEqual({ kind: 'days', day: '2019-03-20', term: '15日内' });
  });

  it('the relative forms need a 交办日期; other words are none of these', () => {
    expect(readDeadlineTerm('6月底前', null)).toEqual({ kind: 'needs_raise_day', term: '6月底前' });
    expect(readDeadlineTerm('尽快', '2019-03-05')).toBeNull();
    expect(readDeadlineTerm('13月底', '2019-03-05')).toBeNull();
    expect(readDeadlineTerm('0天', '2019-03-05')).toBeNull();
  });
});
