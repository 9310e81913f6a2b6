import { describe, it } from 'vitest';
import { type ImportCommand, ImportEvent, ImportedRow, importDecider } from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';
import { NOW, TOWNSHIP } from '../support/problemFixtures.js';

const { given } = deciderSpec({ ...importDecider, eventSchema: ImportEvent });

const HASH = 'c'.repeat(64);
// Parsed, so the fields added later (文号, 整改状态 …) take their defaults as a list accepted before does.
const rows: ImportedRow[] = [
  {
    row: 2,
    source: 'county_self_check',
    category: 'housing',
    description: '危房未改造',
    unitId: TOWNSHIP,
    responsiblePerson: '储',
    deadline: '2019-06-30',
    raisedOn: '2019-02-20',
  },
  {
    row: 3,
    source: 'audit',
    category: 'fund_misuse',
    description: '资金拨付滞后',
    unitId: null,
    responsiblePerson: null,
    deadline: null,
    raisedOn: null,
  },
].map((row) => ImportedRow.parse(row));
const accept: ImportCommand = { type: 'AcceptProblemsImport', data: { contentHash: HASH, fileName: '问题清单.xlsx', rows } };
const complete: ImportCommand = { type: 'CompleteProblemsImport', data: { contentHash: HASH } };
const accepted: ImportEvent = { type: 'ProblemsImportAccepted', data: { contentHash: HASH, fileName: '问题清单.xlsx', rows } };
const completed: ImportEvent = { type: 'ProblemsImportCompleted', data: { contentHash: HASH, rowCount: 2 } };

describe('importing a problem list (问题清单导入)', () => {
  it('a checked list is accepted whole, with every row', () => {
    given([]).when(accept, NOW).then([accepted]);
  });

  it('the same list accepted again adds nothing, before or after it was completed', () => {
    given([accepted]).when(accept, NOW).thenNothing();
    given([accepted, completed])
      .when({ ...accept, data: { ...accept.data, fileName: '另存为.csv' } }, NOW)
      .thenNothing();
  });

  it('an accepted list is completed once, with its row count', () => {
    given([accepted]).when(complete, NOW).then([completed]);
    given([accepted, completed]).when(complete, NOW).thenNothing();
  });

  it('a list never accepted cannot be completed', () => {
    given([]).when(complete, NOW).thenError('IMPORT_NOT_ACCEPTED');
  });
});
