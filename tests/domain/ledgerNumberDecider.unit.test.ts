import { describe, it } from 'vitest';
import { LedgerNumberReserved, type ProblemRaisedData, type ReserveLedgerNumber, ledgerNumberDecider } from '../../domain/index.js';
import { NOW, PROBLEM, problemSpec, raised } from '../support/problemFixtures.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const { given } = deciderSpec({ ...ledgerNumberDecider, eventSchema: LedgerNumberReserved.schema });

const OTHER_PROBLEM = '6c1d4d2f-8a2b-4d4f-8e3c-1b2c3d4e5f60';

/** 取号: the raise of the fixtures, without its number. */
const reserve = (data: Partial<ProblemRaisedData> = {}): ReserveLedgerNumber => {
  const { ledgerNumber: _number, ...raise } = raised(data).data;
  return { type: 'ReserveLedgerNumber', data: raise };
};
const reserved = (sequence: number, ledgerNumber: string, data: Partial<ProblemRaisedData> = {}): LedgerNumberReserved => ({
  type: 'LedgerNumberReserved',
  data: { sequence, raised: raised({ ...data, ledgerNumber }).data },
});

describe('reserving a ledger number (取号)', () => {
  it('the first raise of a source and year takes number 001', () => {
    given([])
      .when(reserve(), NOW)
      .then([reserved(1, 'GJ-2019-001')]);
  });

  it('the next raise takes the number after the last one given out', () => {
    given([reserved(1, 'GJ-2019-001', { problemId: OTHER_PROBLEM }), reserved(2, 'GJ-2019-002', { problemId: OTHER_PROBLEM })])
      .when(reserve(), NOW)
      .then([reserved(3, 'GJ-2019-003')]);
  });

  it('the number is formatted with the source and the county year of the day the problem is raised', () => {
    given([])
      .when(reserve({ source: 'hotline', raisedOn: '2020-01-01' }), '2019-12-31T16:00:00Z')
      .then([reserved(1, 'RX-2020-001', { source: 'hotline', raisedOn: '2020-01-01' })]);
  });

  it('a sequence past 999 keeps counting with all its digits', () => {
    given([reserved(999, 'GJ-2019-999', { problemId: OTHER_PROBLEM })])
      .when(reserve(), NOW)
      .then([reserved(1000, 'GJ-2019-1000')]);
  });

  it('the reservation carries the whole raise with its number: the ProblemRaised its problem then records (and its 复发 link)', () => {
    const [reservation] = ledgerNumberDecider.decide(ledgerNumberDecider.initialState, reserve({ recurrenceOf: OTHER_PROBLEM }), NOW);
    problemSpec
      .given([])
      .when({ type: 'RaiseProblem', data: reservation!.data.raised }, NOW)
      .then([
        raised({ problemId: PROBLEM, ledgerNumber: 'GJ-2019-001' }),
        { type: 'ProblemLinked', data: { problemId: PROBLEM, earlierProblemId: OTHER_PROBLEM, kind: 'recurrence' } },
      ]);
  });
});
