import { describe, expect, it } from 'vitest';
import {
  IllegalStateError,
  acceptedCommands,
  decideProblem,
  evolveProblem,
  initialProblemState,
  type ProblemCommand,
  type ProblemCommandType,
  type ProblemEvent,
} from '../../domain/index.js';
import {
  NOW,
  PROBLEM,
  acknowledged,
  OTHER_TOWNSHIP,
  TOWNSHIP,
  closed,
  command,
  commentPosted,
  deadlineExtended,
  history,
  passed,
  raised,
  rectified,
  rejected,
  reopened,
  consolidationConfirmed,
  supervisionOrdered,
  supervisionReplied,
  HELPING_UNIT,
  extensionRequested,
  extensionRefused,
} from '../support/problemFixtures.js';

/** A problem at each step of its life, and at the turns in between. */
const fixtures: Record<string, readonly ProblemEvent[]> = {
  'not raised': [],
  ...history,
  'rectifying without a deadline': [...history.assignedOnly, acknowledged],
  'extended and supervised': [...history.withPlan, deadlineExtended('2019-06-30', '2019-09-30', 1), supervisionOrdered(1)],
  'rejected once': [...history.awaitingVerification, rejected(1)],
  reopened: [...history.closedProblem, reopened(1)],
  'closed again': [...history.closedProblem, reopened(1), rectified, passed(), closed('2019-10-01')],
  'supervised and answered': [...history.withPlan, supervisionOrdered(1), supervisionReplied(1)],
  'supervised before its assignment was acknowledged': [...history.assignedOnly, supervisionOrdered(1)],
  'closed with an order open': [...history.verified, supervisionOrdered(1), closed()],
  'consolidated (巩固)': [...history.closedProblem, consolidationConfirmed()],
  'with an extension request pending': [...history.withPlan, extensionRequested()],
  'with an extension request refused': [...history.withPlan, extensionRequested(), extensionRefused()],
  'with an instruction (批示)': [...history.withPlan, commentPosted(1)],
  'with an instruction answered': [...history.withPlan, commentPosted(1), commentPosted(2, 'answer', 1)],
  'closed with an instruction': [...history.closedProblem, commentPosted(1)],
  'raised from a ledger (迁移导入)': [raised({ migrated: { importId: 'list-1', on: '2019-03-01' } })],
};

/**
 * A request of each command that would change something if the state took it: other values than the
 * fixtures hold (another unit, a later deadline, new measures), all of them valid.
 */
const fresh: Record<ProblemCommandType, ProblemCommand> = {
  RaiseProblem: command.raise(),
  AssignProblem: command.assign(OTHER_TOWNSHIP, '赵强'),
  AcknowledgeAssignment: command.acknowledge(),
  SetDeadline: command.setDeadline('2019-12-31'),
  ExtendDeadline: command.extendDeadline('2020-06-30'),
  SubmitPlan: command.submitPlan('一、重新核对到账；二、建立月报制度'),
  ReportProgress: command.reportProgress(),
  ReportRectified: command.reportRectified(),
  PassVerification: command.pass(),
  RejectVerification: command.reject(),
  CloseProblem: command.close(),
  ReopenProblem: command.reopen(),
  OrderSupervision: command.orderSupervision('2019-12-31'),
  ReplyToSupervision: command.reply(TOWNSHIP, '另一份回复'),
  ConfirmConsolidation: command.confirmConsolidation(),
  LinkProblem: command.link(),
  ChangeCoResponsibleUnits: command.changeCoUnits([HELPING_UNIT]),
  TransferProblem: command.transfer(OTHER_TOWNSHIP),
  RequestExtension: command.requestExtension('2020-06-30'),
  ApproveExtensionRequest: command.approveExtension(),
  RefuseExtensionRequest: command.refuseExtension(),
  PostInstruction: command.instruct(),
  AnswerInstruction: command.answer(),
  RecordMigratedFacts: {
    type: 'RecordMigratedFacts',
    data: {
      problemId: PROBLEM,
      importId: 'list-1',
      status: 'rectifying',
      responsibleUnitId: OTHER_TOWNSHIP,
      responsiblePerson: '赵强',
      coResponsibleUnitIds: [],
      deadline: null,
      closedOn: null,
    },
  },
};

/** What decideProblem makes of it: events, nothing (already done), or a refusal for the state. */
function outcome(events: readonly ProblemEvent[], request: ProblemCommand): 'events' | 'nothing' | 'illegal state' {
  const state = events.reduce(evolveProblem, initialProblemState);
  try {
    return decideProblem(state, request, NOW).length > 0 ? 'events' : 'nothing';
  } catch (error) {
    // Any other error (a validation) would mean the request above is wrong, not the rule: let it fail the test.
    if (error instanceof IllegalStateError) return 'illegal state';
    throw error;
  }
}

describe('acceptedCommands: the commands a problem state takes, held against decideProblem', () => {
  for (const [name, events] of Object.entries(fixtures)) {
    it(`lists exactly the commands decideProblem turns into events for a problem ${name}`, () => {
      const state = events.reduce(evolveProblem, initialProblemState);
      const decided = (Object.keys(fresh) as ProblemCommandType[]).filter((type) => outcome(events, fresh[type]) === 'events');
      expect(acceptedCommands(state)).toStrictEqual(decided);
    });
  }

  it('offers the steps of the life in order, a link (复发 / 相关) once raised, and an instruction (批示) once assigned', () => {
    // 配合单位 and 转办: at any stage before closing.
    const unitSteps = ['ChangeCoResponsibleUnits', 'TransferProblem'];
    const at = (events: readonly ProblemEvent[]) => acceptedCommands(events.reduce(evolveProblem, initialProblemState));
    expect(at([])).toStrictEqual(['RaiseProblem']);
    expect(at(history.raisedOnly)).toStrictEqual(['AssignProblem', 'LinkProblem']);
    expect(at(history.assignedOnly)).toStrictEqual([
      'AssignProblem',
      'AcknowledgeAssignment',
      'SetDeadline',
      'OrderSupervision',
      'LinkProblem',
      ...unitSteps,
      'PostInstruction',
    ]);
    expect(at(history.rectifying)).toStrictEqual([
      'ExtendDeadline',
      'SubmitPlan',
      'ReportProgress',
      'OrderSupervision',
      'LinkProblem',
      ...unitSteps,
      'RequestExtension',
      'PostInstruction',
    ]);
    expect(at(history.withPlan)).toStrictEqual([
      'ExtendDeadline',
      'SubmitPlan',
      'ReportProgress',
      'ReportRectified',
      'OrderSupervision',
      'LinkProblem',
      ...unitSteps,
      'RequestExtension',
      'PostInstruction',
    ]);
    expect(at(history.awaitingVerification)).toStrictEqual([
      'ExtendDeadline',
      'PassVerification',
      'RejectVerification',
      'OrderSupervision',
      'LinkProblem',
      ...unitSteps,
      'RequestExtension',
      'PostInstruction',
    ]);
    expect(at(history.verified)).toStrictEqual([
      'ExtendDeadline',
      'CloseProblem',
      'OrderSupervision',
      'LinkProblem',
      ...unitSteps,
      'RequestExtension',
      'PostInstruction',
    ]);
    expect(at(history.closedProblem)).toStrictEqual(['ReopenProblem', 'ConfirmConsolidation', 'LinkProblem', 'PostInstruction']);
    expect(at([...history.closedProblem, consolidationConfirmed()])).toStrictEqual(['ReopenProblem', 'LinkProblem', 'PostInstruction']);
    expect(at([...history.withPlan, supervisionOrdered(1)])).toStrictEqual([
      'ExtendDeadline',
      'SubmitPlan',
      'ReportProgress',
      'ReportRectified',
      'OrderSupervision',
      'ReplyToSupervision',
      'LinkProblem',
      ...unitSteps,
      'RequestExtension',
      'PostInstruction',
    ]);
    // 延期申请待审: the office answers it, and no second request is offered meanwhile.
    expect(at([...history.withPlan, extensionRequested()])).toStrictEqual([
      'ExtendDeadline',
      'SubmitPlan',
      'ReportProgress',
      'ReportRectified',
      'OrderSupervision',
      'LinkProblem',
      ...unitSteps,
      'ApproveExtensionRequest',
      'RefuseExtensionRequest',
      'PostInstruction',
    ]);
    // 回复: once the office posted an instruction (批示).
    expect(at([...history.verified, commentPosted(1)])).toStrictEqual([
      'ExtendDeadline',
      'CloseProblem',
      'OrderSupervision',
      'LinkProblem',
      ...unitSteps,
      'RequestExtension',
      'PostInstruction',
      'AnswerInstruction',
    ]);
  });

  it('never lists a command the decider refuses for the state', () => {
    for (const events of Object.values(fixtures)) {
      const state = events.reduce(evolveProblem, initialProblemState);
      for (const type of acceptedCommands(state)) expect(outcome(events, fresh[type])).not.toBe('illegal state');
    }
  });
});
