import { describe, it } from 'vitest';
import { LedgerNumberReserved, type ProblemRaisedData, type ReserveLedgerNumber, ledgerNumberDecider } from '../../domain/index.js';
import { NOW, OTHER_TOWNSHIP, PROBLEM, TOWNSHIP, problemSpec, raised } from '../support/problemFixtures.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const { given } = deciderSpec({ ...ledgerNumberDecider, eventSchema: LedgerNumberReserved.schema });

const OTHER_PROBLEM = '6c1d4d2f-8a2b-4d4f-8e3c-1b2c3d4e5f60';

/** 取号: the raise of the fixtures, without its number. */
const reserve = (data: Partial<ProblemRaisedData> = {}, extra: Partial<ReserveLedgerNumber['data']> = {}): ReserveLedgerNumber => {
  const { ledgerNumber: _number, fixedOnTheSpot: _fixed, ...raise } = raised(data).data;
  return {
    type: 'ReserveLedgerNumber',
    data: { ...raise, assignment: null, sourceDocumentIssuedOn: null, raisedByUnitId: null, ...extra },
  };
};
const reserved = (
  sequence: number,
  ledgerNumber: string,
  data: Partial<ProblemRaisedData> = {},
  assignment: LedgerNumberReserved['data']['assignment'] = null,
): LedgerNumberReserved => ({
  type: 'LedgerNumberReserved',
  data: { sequence, raised: raised({ ...data, ledgerNumber }).data, assignment },
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
      .when({ type: 'RaiseProblem', data: { ...reservation!.data.raised, assignment: reservation!.data.assignment } }, NOW)
      .then([
        raised({ problemId: PROBLEM, ledgerNumber: 'GJ-2019-001' }),
        { type: 'ProblemLinked', data: { problemId: PROBLEM, earlierProblemId: OTHER_PROBLEM, kind: 'recurrence' } },
      ]);
  });
});

describe('the raise day (交办日期), the source document and who raises it, checked when the number is reserved', () => {
  const DOCUMENT = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
  const inDocument = { sourceDocumentId: DOCUMENT, originalNumber: '一-3' };
  const assignment = { responsibleUnitId: TOWNSHIP, responsiblePerson: '王明', leadingOfficial: null, evidence: null };

  it('a raise day in the past is kept, and numbers the item in the sequence of its own year', () => {
    given([])
      .when(reserve({ raisedOn: '2018-11-20' }), NOW)
      .then([reserved(1, 'GJ-2018-001', { raisedOn: '2018-11-20' })]);
  });

  it('a raise day after today is refused', () => {
    given([])
      .when(reserve({ raisedOn: '2019-03-02' }), NOW)
      .thenError('RAISED_ON_IN_FUTURE');
  });

  it('an item of a source document is raised with the document and its 原编号', () => {
    given([])
      .when(reserve({ ...inDocument, raisedOn: '2019-02-20' }, { sourceDocumentIssuedOn: '2019-02-15' }), NOW)
      .then([reserved(1, 'GJ-2019-001', { ...inDocument, raisedOn: '2019-02-20' })]);
  });

  it('an item raised before the date of its source document is refused', () => {
    given([])
      .when(reserve({ ...inDocument, raisedOn: '2019-02-14' }, { sourceDocumentIssuedOn: '2019-02-15' }), NOW)
      .thenError('RAISED_BEFORE_DOCUMENT');
  });

  it('an item raised on the day of its document is accepted', () => {
    given([])
      .when(reserve({ ...inDocument, raisedOn: '2019-02-15' }, { sourceDocumentIssuedOn: '2019-02-15' }), NOW)
      .then([reserved(1, 'GJ-2019-001', { ...inDocument, raisedOn: '2019-02-15' })]);
  });

  it('a 原编号 without its document is refused', () => {
    given([])
      .when(reserve({ originalNumber: '3' }), NOW)
      .thenError('ORIGINAL_NUMBER_WITHOUT_DOCUMENT');
  });

  it('自查上报: the unit head’s report about their own unit is reserved with the unit it is assigned to', () => {
    given([])
      .when(reserve({ source: 'unit_self_report' }, { assignment, raisedByUnitId: TOWNSHIP }), NOW)
      .then([reserved(1, 'ZC-2019-001', { source: 'unit_self_report' }, assignment)]);
  });

  it('自查上报 for another unit than the raiser’s is refused', () => {
    given([])
      .when(reserve({ source: 'unit_self_report' }, { assignment, raisedByUnitId: OTHER_TOWNSHIP }), NOW)
      .thenError('SELF_REPORT_OF_ANOTHER_UNIT');
  });

  it('自查上报 by someone of no unit (the office) is refused', () => {
    given([])
      .when(reserve({ source: 'unit_self_report' }, { assignment, raisedByUnitId: null }), NOW)
      .thenError('SELF_REPORT_OF_ANOTHER_UNIT');
  });

  it('自查上报 without the unit is refused', () => {
    given([])
      .when(reserve({ source: 'unit_self_report' }, { raisedByUnitId: TOWNSHIP }), NOW)
      .thenError('SELF_REPORT_NEEDS_UNIT');
  });

  it('立行立改: the reservation says the item was fixed on the spot and carries the evidence', () => {
    const fixed = { ...assignment, evidence: { description: '当场补发到户', files: [] } };
    given([])
      .when(reserve({ source: 'unannounced_visit' }, { assignment: fixed }), NOW)
      .then([reserved(1, 'AF-2019-001', { source: 'unannounced_visit', fixedOnTheSpot: true }, fixed)]);
  });

  it('the new sources number their items with their own prefixes', () => {
    given([])
      .when(reserve({ source: 'county_inspection' }), NOW)
      .then([reserved(1, 'DC-2019-001', { source: 'county_inspection' })]);
  });
});
