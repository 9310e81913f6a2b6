import { describe, expect, it } from 'vitest';
import { ledgerRows, ledgerView } from '../../projections/ledgerView.js';
import { LogBuilder } from '../support/countyLog.js';

/**
 * The ledger keeps its rows in ledger-number order as problems are raised (issue 12: a page must
 * not sort every row on each request). Raises of several sources and years interleave in the log;
 * the rows come out as the ledger numbers sort, whatever order they were raised in.
 */
describe('the ledger order', () => {
  it('given raises of several sources and years interleaved, when the ledger is listed, then rows are in ledger-number order, filters keep it', () => {
    const b = new LogBuilder();
    const sources = ['provincial_review', 'national_feedback', 'audit', 'county_self_check'] as const;
    const raised: { ledgerNumber: string; source: string }[] = [];
    for (let n = 1; n <= 40; n++) {
      const source = sources[(n * 7) % sources.length]!;
      const year = n % 3 === 0 ? 2019 : 2020;
      const at = `${year}-0${1 + (n % 9)}-1${n % 10}T10:00:00+08:00`;
      raised.push({ ...b.raise(n, source, 'housing', at), source });
    }
    const view = ledgerView.initial();
    for (const event of b.recorded()) ledgerView.apply(view, event);

    const expected = raised.map((r) => r.ledgerNumber).sort((a, c) => (a < c ? -1 : a > c ? 1 : 0));
    expect(ledgerRows(view, {}, '2020-12-31').map((r) => r.state.ledgerNumber)).toEqual(expected);
    const audit = expected.filter((n) => raised.find((r) => r.ledgerNumber === n)!.source === 'audit');
    expect(audit.length).toBeGreaterThan(0);
    expect(ledgerRows(view, { source: 'audit' }, '2020-12-31').map((r) => r.state.ledgerNumber)).toEqual(audit);
  });

  it('given the ledger listed between raises, when more are raised before and after the listed ones, then each listing is in ledger-number order', () => {
    const b = new LogBuilder();
    const sources = ['audit', 'national_feedback', 'provincial_review'] as const;
    for (let n = 1; n <= 60; n++)
      b.raise(n, sources[(n * 5) % sources.length]!, 'housing', `20${19 + (n % 2)}-03-1${n % 10}T10:00:00+08:00`);
    const view = ledgerView.initial();
    const numbers: string[] = [];
    for (const [i, event] of b.recorded().entries()) {
      ledgerView.apply(view, event);
      numbers.push((event.data as { ledgerNumber: string }).ledgerNumber);
      if (i % 7 === 3 || i % 11 === 0) {
        const expected = [...numbers].sort((a, c) => (a < c ? -1 : a > c ? 1 : 0));
        expect(
          ledgerRows(view, {}, '2020-12-31').map((r) => r.state.ledgerNumber),
          `after ${i + 1} raises`,
        ).toEqual(expected);
      }
    }
    expect(ledgerRows(view, {}, '2020-12-31')).toHaveLength(60);
  });
});
