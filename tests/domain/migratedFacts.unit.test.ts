import { describe, expect, it } from 'vitest';
import { MIGRATED_VERIFIER_UNIT_ID, type ProblemCommand, RecordMigratedFacts } from '../../domain/index.js';
import { HELPING_UNIT, OTHER_TOWNSHIP, PROBLEM, TOWNSHIP, assigned, problemSpec, raised } from '../support/problemFixtures.js';

/**
 * 迁移导入: an item of an existing ledger (台账) keeps the state its row says, as events that carry
 * the row's business days (交办日期, 销号时间) and name the import. Given / when / then.
 */
const { given } = problemSpec;
const NOW = '2021-01-04T09:00:00+08:00';
const IMPORT = 'a'.repeat(64);
const migratedRaise = raised({ raisedOn: '2019-07-01', migrated: { importId: IMPORT, on: '2019-07-01' } });

const migrate = (data: Partial<Extract<ProblemCommand, { type: 'RecordMigratedFacts' }>['data']> = {}): ProblemCommand => ({
  type: 'RecordMigratedFacts',
  data: {
    problemId: PROBLEM,
    importId: IMPORT,
    status: 'open',
    responsibleUnitId: TOWNSHIP,
    responsiblePerson: '王明',
    coResponsibleUnitIds: [],
    deadline: null,
    closedOn: null,
    ...data,
  },
});
const onRaise = { importId: IMPORT, on: '2019-07-01' };

describe('recording an item’s facts from a ledger (迁移导入)', () => {
  it('an open row (未整改) is assigned on its 交办日期, with its deadline, and not acknowledged', () => {
    given([migratedRaise])
      .when(migrate({ deadline: '2019-12-31' }), NOW)
      .then([
        {
          type: 'ProblemAssigned',
          data: {
            problemId: PROBLEM,
            responsibleUnitId: TOWNSHIP,
            responsiblePerson: '王明',
            leadingOfficial: null,
            coResponsibleUnitIds: [],
            migrated: onRaise,
          },
        },
        { type: 'DeadlineSet', data: { problemId: PROBLEM, deadline: '2019-12-31', workingDays: null, migrated: onRaise } },
      ]);
  });

  it('a row in rectification (整改中) is acknowledged by its 责任人 on its 交办日期', () => {
    given([migratedRaise])
      .when(migrate({ status: 'rectifying' }), NOW)
      .then([
        {
          type: 'ProblemAssigned',
          data: {
            problemId: PROBLEM,
            responsibleUnitId: TOWNSHIP,
            responsiblePerson: '王明',
            leadingOfficial: null,
            coResponsibleUnitIds: [],
            migrated: onRaise,
          },
        },
        { type: 'AssignmentAcknowledged', data: { problemId: PROBLEM, acknowledgedBy: '王明', migrated: onRaise } },
      ]);
  });

  it('a closed row is reported fixed, verified and closed (销号) on its 销号时间', () => {
    const onClose = { importId: IMPORT, on: '2019-11-20' };
    const note = '迁移导入：原台账记载已整改销号。';
    given([migratedRaise])
      .when(migrate({ status: 'closed', closedOn: '2019-11-20' }), NOW)
      .then([
        {
          type: 'ProblemAssigned',
          data: {
            problemId: PROBLEM,
            responsibleUnitId: TOWNSHIP,
            responsiblePerson: '王明',
            leadingOfficial: null,
            coResponsibleUnitIds: [],
            migrated: onRaise,
          },
        },
        { type: 'AssignmentAcknowledged', data: { problemId: PROBLEM, acknowledgedBy: '王明', migrated: onRaise } },
        { type: 'RectificationReported', data: { problemId: PROBLEM, evidence: { description: note, files: [] }, migrated: onClose } },
        {
          type: 'VerificationPassed',
          data: { problemId: PROBLEM, verifierUnitId: MIGRATED_VERIFIER_UNIT_ID, opinion: note, migrated: onClose },
        },
        { type: 'ProblemClosed', data: { problemId: PROBLEM, closedOn: '2019-11-20', migrated: onClose } },
      ]);
  });

  it('a row naming other units (配合单位, and those after the first 责任单位) assigns them as co-responsible units', () => {
    given([migratedRaise])
      .when(migrate({ status: 'rectifying', coResponsibleUnitIds: [OTHER_TOWNSHIP, HELPING_UNIT] }), NOW)
      .then([
        {
          type: 'ProblemAssigned',
          data: {
            problemId: PROBLEM,
            responsibleUnitId: TOWNSHIP,
            responsiblePerson: '王明',
            leadingOfficial: null,
            coResponsibleUnitIds: [OTHER_TOWNSHIP, HELPING_UNIT],
            migrated: onRaise,
          },
        },
        { type: 'AssignmentAcknowledged', data: { problemId: PROBLEM, acknowledgedBy: '王明', migrated: onRaise } },
      ]);
  });

  it('refuses the lead unit among its own co-responsible units', () => {
    given([migratedRaise])
      .when(migrate({ coResponsibleUnitIds: [OTHER_TOWNSHIP, TOWNSHIP] }), NOW)
      .thenError('CO_RESPONSIBLE_IS_LEAD');
  });

  it('reads a command recorded before co-responsible units were as naming none', () => {
    const { coResponsibleUnitIds: _, ...older } = (migrate() as Extract<ProblemCommand, { type: 'RecordMigratedFacts' }>).data;
    expect(RecordMigratedFacts.schema.parse({ type: 'RecordMigratedFacts', data: older }).data.coResponsibleUnitIds).toEqual([]);
  });

  it('adds nothing to an item whose facts are recorded already (the same list again, in any shape)', () => {
    const done = { ...assigned(), data: { ...assigned().data, migrated: onRaise } };
    given([migratedRaise, done])
      .when(migrate({ status: 'rectifying' }), NOW)
      .thenNothing();
  });

  it('refuses a 销号时间 before the 交办日期, after today, missing on a closed row or given on an open one', () => {
    given([migratedRaise])
      .when(migrate({ status: 'closed', closedOn: '2019-06-30' }), NOW)
      .thenError('CLOSED_BEFORE_RAISE');
    given([migratedRaise])
      .when(migrate({ status: 'closed', closedOn: '2021-01-05' }), NOW)
      .thenError('CLOSED_ON_IN_FUTURE');
    given([migratedRaise])
      .when(migrate({ status: 'closed' }), NOW)
      .thenError('CLOSED_ON_REQUIRED');
    given([migratedRaise])
      .when(migrate({ closedOn: '2019-11-20' }), NOW)
      .thenError('CLOSED_ON_OF_OPEN_ROW');
  });

  it('refuses a deadline before the 交办日期', () => {
    given([migratedRaise])
      .when(migrate({ deadline: '2019-06-30' }), NOW)
      .thenError('DEADLINE_BEFORE_RAISE_DATE');
  });

  it('refuses a problem raised here, or one that has moved on since its raise: its facts are recorded as they happen', () => {
    given([raised()]).when(migrate(), NOW).thenError('NOT_A_MIGRATED_PROBLEM');
    given([raised(), assigned()]).when(migrate(), NOW).thenError('NOT_A_MIGRATED_PROBLEM');
    given([]).when(migrate(), NOW).thenError('PROBLEM_NOT_RAISED');
  });
});
