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
});
