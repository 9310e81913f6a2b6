import { describe, expect, it } from 'vitest';
import {
  ExtendDeadline,
  RejectVerification,
  ReplyToSupervision,
  ReportRectified,
  SupervisionOrdered,
  evolveProblem,
  initialProblemState,
  isOverdue,
  problemEventDefinitions,
  type ProblemEvent,
  type ProblemState,
} from '../../domain/index.js';
import {
  EARLIER_PROBLEM,
  MEASURES,
  NOW,
  OTHER_TOWNSHIP,
  PROBLEM,
  TOWNSHIP,
  VERIFIER_UNIT,
  acknowledged,
  assigned,
  closed,
  command,
  deadlineExtended,
  deadlineSet,
  history,
  passed,
  planSubmitted,
  problemSpec,
  progressReported,
  raised,
  rectified,
  rejected,
  reopened,
  FINISH_BY,
  REPLY,
  linked,
  consolidationConfirmed,
  supervisionOrdered,
  supervisionReplied,
  HELPING_UNIT,
  EXTENSION_REASON,
  REFUSAL,
  coUnitsChanged,
  transferred,
  extensionRequested,
  extensionApproved,
  extensionRefused,
  commentPosted,
} from '../support/problemFixtures.js';

const { given } = problemSpec;
const fold = (events: readonly ProblemEvent[]) => events.reduce(evolveProblem, initialProblemState);

describe('raising a problem (问题交办)', () => {
  it('enters the problem into the ledger with its number, source, category and raise date', () => {
    given([]).when(command.raise(), NOW).then([raised()]);
  });

  it('can name the earlier problem of the same kind that it repeats (同类问题第二次), recorded as a recurrence link (复发)', () => {
    given([])
      .when(command.raise({ recurrenceOf: EARLIER_PROBLEM }), NOW)
      .then([raised(), linked(EARLIER_PROBLEM, 'recurrence')]);
  });

  it('a raise written before links (recurrenceOf on ProblemRaised) still reads as the recurrence', () => {
    const state = fold([raised({ recurrenceOf: EARLIER_PROBLEM })]);
    expect(state.status !== 'not_raised' && state.recurrenceOf).toBe(EARLIER_PROBLEM);
    given([raised({ recurrenceOf: EARLIER_PROBLEM })])
      .when(command.link(EARLIER_PROBLEM, 'recurrence'), NOW)
      .thenNothing();
  });

  it('raising a problem that is already raised does nothing', () => {
    given(history.raisedOnly).when(command.raise(), NOW).thenNothing();
  });
});

describe('raising with the unit at once: 自查上报 and 立行立改', () => {
  const assignment = { responsibleUnitId: TOWNSHIP, responsiblePerson: '王明', leadingOfficial: null, evidence: null };
  const onTheSpot = { description: '暗访当场发现，已当场补发到户', files: [] };

  it('自查上报: the unit’s own report is assigned to it and acknowledged (the unit found it), awaiting a plan', () => {
    const state = given([])
      .when(command.raise({ source: 'unit_self_report' }, assignment), NOW)
      .then([
        raised({ source: 'unit_self_report' }),
        {
          type: 'ProblemAssigned',
          data: {
            problemId: PROBLEM,
            responsibleUnitId: TOWNSHIP,
            responsiblePerson: '王明',
            leadingOfficial: null,
            coResponsibleUnitIds: [],
          },
        },
        { type: 'AssignmentAcknowledged', data: { problemId: PROBLEM, acknowledgedBy: '王明' } },
      ]);
    expect(state.status).toBe('rectifying');
  });

  it('an office raise naming the unit is assigned, and waits for the unit to acknowledge it (签收)', () => {
    const state = given([])
      .when(command.raise({ source: 'county_inspection' }, assignment), NOW)
      .then([
        raised({ source: 'county_inspection' }),
        {
          type: 'ProblemAssigned',
          data: {
            problemId: PROBLEM,
            responsibleUnitId: TOWNSHIP,
            responsiblePerson: '王明',
            leadingOfficial: null,
            coResponsibleUnitIds: [],
          },
        },
      ]);
    expect(state.status).toBe('assigned');
  });

  it('立行立改: raised already fixed on the spot, it lands reported fixed with its evidence, awaiting verification', () => {
    const state = given([])
      .when(command.raise({ source: 'unannounced_visit' }, { ...assignment, evidence: onTheSpot }), NOW)
      .then([
        raised({ source: 'unannounced_visit', fixedOnTheSpot: true }),
        {
          type: 'ProblemAssigned',
          data: {
            problemId: PROBLEM,
            responsibleUnitId: TOWNSHIP,
            responsiblePerson: '王明',
            leadingOfficial: null,
            coResponsibleUnitIds: [],
          },
        },
        { type: 'AssignmentAcknowledged', data: { problemId: PROBLEM, acknowledgedBy: '王明' } },
        { type: 'RectificationReported', data: { problemId: PROBLEM, evidence: onTheSpot } },
      ]);
    expect(state.status).toBe('awaiting_verification');
  });

  it('立行立改 still needs another unit’s verification before 销号', () => {
    const fixed = [
      raised({ source: 'unannounced_visit', fixedOnTheSpot: true }),
      assigned(),
      acknowledged,
      { type: 'RectificationReported', data: { problemId: PROBLEM, evidence: onTheSpot } } as ProblemEvent,
    ];
    given(fixed).when(command.close(), NOW).thenError('VERIFICATION_REQUIRED');
    given(fixed).when(command.pass(TOWNSHIP), NOW).thenError('VERIFIER_IS_RESPONSIBLE_UNIT');
    given(fixed).when(command.pass(), NOW).then([passed()]);
  });

  it('a raise day after today is refused', () => {
    given([])
      .when(command.raise({ raisedOn: '2019-03-02' }), NOW)
      .thenError('RAISED_ON_IN_FUTURE');
  });

  it('an item raised on a past day takes a deadline before today, but not before its raise day', () => {
    const past = [raised({ raisedOn: '2018-11-20' }), assigned(), acknowledged];
    given(past)
      .when(command.setDeadline('2018-12-31'), NOW)
      .then([deadlineSet('2018-12-31')]);
    given(past).when(command.setDeadline('2018-11-19'), NOW).thenError('DEADLINE_BEFORE_RAISE_DATE');
  });

  it('a raise recorded before documents and 立行立改 (without their fields) reads with none', () => {
    const { sourceDocumentId: _d, originalNumber: _o, fixedOnTheSpot: _f, ...old } = raised().data;
    const state = fold([{ type: 'ProblemRaised', data: old } as ProblemEvent]);
    expect(state).toMatchObject({ status: 'raised', sourceDocumentId: null, originalNumber: null, fixedOnTheSpot: false });
  });
});

describe('linking a problem to an earlier one (复发 / 相关)', () => {
  const ANOTHER_EARLIER = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

  it('links an open or closed problem, of any unit, as a recurrence of an earlier one', () => {
    given(history.rectifying)
      .when(command.link(EARLIER_PROBLEM, 'recurrence'), NOW)
      .then([linked(EARLIER_PROBLEM, 'recurrence')]);
    given(history.closedProblem)
      .when(command.link(EARLIER_PROBLEM, 'recurrence'), NOW)
      .then([linked(EARLIER_PROBLEM, 'recurrence')]);
  });

  it('links it as related, to several earlier problems', () => {
    given([...history.raisedOnly, linked(EARLIER_PROBLEM, 'related')])
      .when(command.link(ANOTHER_EARLIER, 'related'), NOW)
      .then([linked(ANOTHER_EARLIER, 'related')]);
  });

  it('a link made already does nothing, and related adds nothing to a recurrence of the same problem', () => {
    given([...history.raisedOnly, linked(EARLIER_PROBLEM, 'related')])
      .when(command.link(EARLIER_PROBLEM, 'related'), NOW)
      .thenNothing();
    given([...history.raisedOnly, linked()])
      .when(command.link(EARLIER_PROBLEM, 'recurrence'), NOW)
      .thenNothing();
    given([...history.raisedOnly, linked()])
      .when(command.link(EARLIER_PROBLEM, 'related'), NOW)
      .thenNothing();
  });

  it('a related problem can later be linked as the recurrence', () => {
    given([...history.raisedOnly, linked(EARLIER_PROBLEM, 'related')])
      .when(command.link(EARLIER_PROBLEM, 'recurrence'), NOW)
      .then([linked(EARLIER_PROBLEM, 'recurrence')]);
  });

  it('a problem repeats at most one earlier problem', () => {
    given([...history.raisedOnly, linked()])
      .when(command.link(ANOTHER_EARLIER, 'recurrence'), NOW)
      .thenError('RECURRENCE_ALREADY_LINKED');
  });

  it('refuses a link to itself, to a problem raised later, and on a problem never raised', () => {
    given(history.raisedOnly).when(command.link(PROBLEM), NOW).thenError('LINK_TO_ITSELF');
    given(history.raisedOnly)
      .when(command.link(EARLIER_PROBLEM, 'related', '2019-03-02'), NOW)
      .thenError('LINK_TO_LATER_PROBLEM');
    given([]).when(command.link(), NOW).thenError('PROBLEM_NOT_RAISED');
    given([])
      .when(command.raise({ recurrenceOf: PROBLEM }), NOW)
      .thenError('LINK_TO_ITSELF');
  });

  it('a problem raised the same day as this one may be linked', () => {
    given(history.raisedOnly)
      .when(command.link(EARLIER_PROBLEM, 'related', '2019-03-01'), NOW)
      .then([linked(EARLIER_PROBLEM, 'related')]);
  });
});

describe('assigning a problem to a responsible unit (责任单位)', () => {
  it('assigns a raised problem to a unit and a responsible person', () => {
    given(history.raisedOnly).when(command.assign(), NOW).then([assigned()]);
  });

  it('assigning the same unit and person again does nothing', () => {
    given(history.assignedOnly).when(command.assign(), NOW).thenNothing();
  });

  it('can reassign a problem its unit has not acknowledged yet', () => {
    given(history.assignedOnly)
      .when(command.assign(OTHER_TOWNSHIP, '赵刚'), NOW)
      .then([assigned(OTHER_TOWNSHIP, '赵刚')]);
  });

  it('cannot reassign a problem its unit has acknowledged', () => {
    given(history.rectifying).when(command.assign(OTHER_TOWNSHIP), NOW).thenError('ALREADY_ACKNOWLEDGED');
  });

  it('cannot assign a problem that was never raised', () => {
    given([]).when(command.assign(), NOW).thenError('PROBLEM_NOT_RAISED');
  });
});

describe('acknowledging an assignment (签收)', () => {
  it('the responsible unit acknowledges the problem and starts rectifying', () => {
    const state = given(history.assignedOnly).when(command.acknowledge(), NOW).then([acknowledged]);
    expect(state.status).toBe('rectifying');
  });

  it('acknowledging twice does nothing', () => {
    given([...history.assignedOnly, acknowledged])
      .when(command.acknowledge(), NOW)
      .thenNothing();
  });

  it('a problem that is not assigned cannot be acknowledged', () => {
    given(history.raisedOnly).when(command.acknowledge(), NOW).thenError('PROBLEM_NOT_ASSIGNED');
  });
});

describe('the deadline (整改时限)', () => {
  it('is set on an assigned problem', () => {
    given(history.assignedOnly)
      .when(command.setDeadline('2019-06-30'), NOW)
      .then([deadlineSet('2019-06-30')]);
  });

  it('cannot be set on a problem that is only raised, not assigned', () => {
    given(history.raisedOnly).when(command.setDeadline('2019-06-30'), NOW).thenError('PROBLEM_NOT_ASSIGNED');
  });

  it('cannot be set on a problem that was never raised', () => {
    given([]).when(command.setDeadline('2019-06-30'), NOW).thenError('PROBLEM_NOT_RAISED');
  });

  it('may fall on the day the problem was raised', () => {
    given(history.assignedOnly)
      .when(command.setDeadline('2019-03-01'), NOW)
      .then([deadlineSet('2019-03-01')]);
  });

  it('may never fall before the day the problem was raised', () => {
    const error = given(history.assignedOnly).when(command.setDeadline('2019-02-28'), NOW).thenError('DEADLINE_BEFORE_RAISE_DATE');
    expect(error.kind).toBe('validation');
  });

  it('setting the same deadline again does nothing', () => {
    given([...history.assignedOnly, deadlineSet('2019-06-30')])
      .when(command.setDeadline('2019-06-30'), NOW)
      .thenNothing();
  });

  it('setting a different deadline once one is set fails: it must be extended with a reason', () => {
    given([...history.assignedOnly, deadlineSet('2019-06-30')])
      .when(command.setDeadline('2019-07-31'), NOW)
      .thenError('DEADLINE_ALREADY_SET');
  });

  it('cannot be set on a closed problem', () => {
    const closedWithoutDeadline = history.closedProblem.filter((e) => e.type !== 'DeadlineSet');
    given(closedWithoutDeadline).when(command.setDeadline('2019-06-30'), NOW).thenError('PROBLEM_CLOSED');
  });
});

describe('extending the deadline (延期)', () => {
  it('moves the deadline later, keeps the previous one and the reason, and counts the first extension as 1', () => {
    const state = given(history.rectifying)
      .when(command.extendDeadline('2019-07-31', '村级账户尚未开通'), NOW)
      .then([deadlineExtended('2019-06-30', '2019-07-31', 1)]);
    expect(state).toMatchObject({ deadline: '2019-07-31', extensionCount: 1 });
  });

  it('counts a second extension as 2', () => {
    given([...history.rectifying, deadlineExtended('2019-06-30', '2019-07-31', 1)])
      .when(command.extendDeadline('2019-08-31'), NOW)
      .then([deadlineExtended('2019-07-31', '2019-08-31', 2)]);
  });

  it('counts a third extension as 3', () => {
    given([...history.rectifying, deadlineExtended('2019-06-30', '2019-07-31', 1), deadlineExtended('2019-07-31', '2019-08-31', 2)])
      .when(command.extendDeadline('2019-09-30'), NOW)
      .then([deadlineExtended('2019-08-31', '2019-09-30', 3)]);
  });

  it('an extension to an earlier date fails', () => {
    given(history.rectifying).when(command.extendDeadline('2019-06-29'), NOW).thenError('EXTENSION_NOT_LATER');
  });

  it('an extension to the deadline it already has does nothing (a retried extension)', () => {
    given([...history.rectifying, deadlineExtended('2019-06-30', '2019-07-31', 1)])
      .when(command.extendDeadline('2019-07-31'), NOW)
      .thenNothing();
  });

  it('there is nothing to extend before a deadline is set', () => {
    given(history.assignedOnly).when(command.extendDeadline('2019-07-31'), NOW).thenError('NO_DEADLINE');
  });

  it('the command schema refuses an empty reason', () => {
    const result = ExtendDeadline.schema.safeParse({
      type: 'ExtendDeadline',
      data: { problemId: PROBLEM, deadline: '2019-07-31', reason: '' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toStrictEqual([['data.reason', 'must not be empty']]);
  });

  it('the command schema refuses a reason of only spaces', () => {
    const result = ExtendDeadline.schema.safeParse({
      type: 'ExtendDeadline',
      data: { problemId: PROBLEM, deadline: '2019-07-31', reason: '   \n ' },
    });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toStrictEqual([['data.reason', 'must not be empty']]);
  });

  it('the command schema refuses a missing reason', () => {
    const result = ExtendDeadline.schema.safeParse({ type: 'ExtendDeadline', data: { problemId: PROBLEM, deadline: '2019-07-31' } });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toStrictEqual(['data.reason']);
  });
});

describe('the rectification plan and progress (整改方案, 整改进展)', () => {
  it('an acknowledged problem gets a plan', () => {
    const state = given(history.rectifying).when(command.submitPlan(), NOW).then([planSubmitted()]);
    expect(state).toMatchObject({ measures: MEASURES });
  });

  it('a plan cannot come before the unit acknowledges the problem', () => {
    given(history.assignedOnly).when(command.submitPlan(), NOW).thenError('ASSIGNMENT_NOT_ACKNOWLEDGED');
  });

  it('submitting the same plan again does nothing, a revised plan is recorded', () => {
    given(history.withPlan).when(command.submitPlan(), NOW).thenNothing();
    given(history.withPlan)
      .when(command.submitPlan('三日内拨付并公示'), NOW)
      .then([planSubmitted('三日内拨付并公示')]);
  });

  it('progress is reported while rectifying and changes nothing in the state', () => {
    const state = given(history.withPlan).when(command.reportProgress(), NOW).then([progressReported]);
    expect(state).toStrictEqual(fold(history.withPlan));
  });

  it('progress cannot be reported while the fix waits for verification', () => {
    given(history.awaitingVerification).when(command.reportProgress(), NOW).thenError('NOT_IN_RECTIFICATION');
  });
});

describe('reporting the problem rectified (整改完成)', () => {
  it('an acknowledged problem with a plan is reported fixed with evidence, and waits for verification', () => {
    const state = given(history.withPlan).when(command.reportRectified(), NOW).then([rectified]);
    expect(state.status).toBe('awaiting_verification');
  });

  it('the command schema refuses evidence without a description', () => {
    const result = ReportRectified.schema.safeParse({
      type: 'ReportRectified',
      data: { problemId: PROBLEM, evidence: { description: '', files: [] } },
    });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toStrictEqual([
      ['data.evidence.description', 'must not be empty'],
    ]);
  });

  it('the command schema refuses a report with no evidence at all', () => {
    const result = ReportRectified.schema.safeParse({ type: 'ReportRectified', data: { problemId: PROBLEM } });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toStrictEqual(['data.evidence']);
  });

  it('a problem its unit has not acknowledged cannot be reported fixed', () => {
    given(history.assignedOnly).when(command.reportRectified(), NOW).thenError('ASSIGNMENT_NOT_ACKNOWLEDGED');
  });

  it('a problem without a plan cannot be reported fixed', () => {
    given(history.rectifying).when(command.reportRectified(), NOW).thenError('PLAN_REQUIRED');
  });

  it('reporting again while waiting for verification does nothing', () => {
    given(history.awaitingVerification).when(command.reportRectified(), NOW).thenNothing();
  });

  it('a closed problem cannot be reported fixed again without reopening it', () => {
    given(history.closedProblem).when(command.reportRectified(), NOW).thenError('PROBLEM_CLOSED');
  });
});

describe('verification (验收)', () => {
  it('a verifier from another unit passes the fix', () => {
    const state = given(history.awaitingVerification).when(command.pass(), NOW).then([passed()]);
    expect(state.status).toBe('verified');
  });

  it("the verifier's unit is never the responsible unit, when passing", () => {
    given(history.awaitingVerification).when(command.pass(TOWNSHIP), NOW).thenError('VERIFIER_IS_RESPONSIBLE_UNIT');
  });

  it("the verifier's unit is never the responsible unit, when rejecting", () => {
    given(history.awaitingVerification).when(command.reject(TOWNSHIP), NOW).thenError('VERIFIER_IS_RESPONSIBLE_UNIT');
  });

  it('passing a problem that is already verified does nothing', () => {
    given(history.verified).when(command.pass(), NOW).thenNothing();
  });

  it('a problem that was not reported fixed cannot be verified', () => {
    given(history.withPlan).when(command.pass(), NOW).thenError('NOT_AWAITING_VERIFICATION');
    given(history.withPlan).when(command.reject(), NOW).thenError('NOT_AWAITING_VERIFICATION');
  });

  it('a rejection sends the problem back to rectification with the reasons, counting the first rejection as 1', () => {
    const state = given(history.awaitingVerification)
      .when(command.reject(), NOW)
      .then([
        {
          type: 'VerificationRejected',
          data: { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, reasons: '回单与台账金额不符', rejectionCount: 1 },
        },
      ]);
    expect(state).toMatchObject({ status: 'rectifying', rejectionCount: 1 });
  });

  it('a second rejection is counted as 2', () => {
    given([...history.awaitingVerification, rejected(1), rectified])
      .when(command.reject(), NOW)
      .then([rejected(2)]);
  });

  it('after a rejection the unit can report the problem fixed again', () => {
    const state = given([...history.awaitingVerification, rejected(1)])
      .when(command.reportRectified(), NOW)
      .then([rectified]);
    expect(state).toMatchObject({ status: 'awaiting_verification', rejectionCount: 1 });
  });

  it('the command schema refuses a rejection without reasons', () => {
    const result = RejectVerification.schema.safeParse({
      type: 'RejectVerification',
      data: { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, reasons: ' ' },
    });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toStrictEqual([['data.reasons', 'must not be empty']]);
  });
});

describe('closing a problem (销号)', () => {
  it('a verified problem is closed on the county day of the command', () => {
    const state = given(history.verified)
      .when(command.close(), NOW)
      .then([closed('2019-03-01')]);
    expect(state).toMatchObject({ status: 'closed', closedOn: '2019-03-01' });
  });

  it('the closing day is the county day, not the UTC day', () => {
    given(history.verified)
      .when(command.close(), '2019-06-30T16:30:00Z')
      .then([closed('2019-07-01')]);
  });

  it('a problem waiting for verification cannot be closed', () => {
    given(history.awaitingVerification).when(command.close(), NOW).thenError('VERIFICATION_REQUIRED');
  });

  it('a problem still in rectification cannot be closed', () => {
    given(history.withPlan).when(command.close(), NOW).thenError('VERIFICATION_REQUIRED');
  });

  it('a rejected problem cannot be closed', () => {
    given([...history.awaitingVerification, rejected(1)])
      .when(command.close(), NOW)
      .thenError('VERIFICATION_REQUIRED');
  });

  it('closing a closed problem appends nothing', () => {
    given(history.closedProblem).when(command.close(), NOW).thenNothing();
  });

  it('passing the verification of a closed problem does nothing', () => {
    given(history.closedProblem).when(command.pass(), NOW).thenNothing();
  });

  it('a problem that was never assigned cannot be closed', () => {
    given(history.raisedOnly).when(command.close(), NOW).thenError('PROBLEM_NOT_ASSIGNED');
  });
});

describe('reopening a problem (巩固 failed)', () => {
  it('a closed problem is reopened, counted as the first reopening, and is back in rectification', () => {
    const state = given(history.closedProblem)
      .when(command.reopen(), NOW)
      .then([{ type: 'ProblemReopened', data: { problemId: PROBLEM, reason: '回头看发现资金再次滞留', reopenCount: 1 } }]);
    expect(state).toMatchObject({ status: 'rectifying', reopenCount: 1 });
    expect(state).not.toHaveProperty('closedOn');
  });

  it('a problem closed a second time and reopened again is counted as 2', () => {
    given([...history.closedProblem, reopened(1), rectified, passed(), closed('2019-05-01')])
      .when(command.reopen(), NOW)
      .then([reopened(2)]);
  });

  it('reopening a problem that is not closed fails', () => {
    given(history.verified).when(command.reopen(), NOW).thenError('PROBLEM_NOT_CLOSED');
    given(history.withPlan).when(command.reopen(), NOW).thenError('PROBLEM_NOT_CLOSED');
  });

  it('a reopened problem goes through verification and closing again', () => {
    const reopenedProblem = [...history.closedProblem, reopened(1)];
    given(reopenedProblem).when(command.reportRectified(), NOW).then([rectified]);
    given([...reopenedProblem, rectified])
      .when(command.pass(), NOW)
      .then([passed()]);
    given([...reopenedProblem, rectified, passed()])
      .when(command.close(), NOW)
      .then([closed('2019-03-01')]);
  });
});

describe('tracked supervision (跟踪督办)', () => {
  it('an order to finish names its finish-by day (办结时限) and is counted, 1 then 2', () => {
    given(history.withPlan)
      .when(command.orderSupervision(), NOW)
      .then([supervisionOrdered(1)]);
    given([...history.withPlan, supervisionOrdered(1)])
      .when(command.orderSupervision(), NOW)
      .then([supervisionOrdered(2)]);
  });

  it('an order may be due the day it is made', () => {
    given(history.withPlan)
      .when(command.orderSupervision('2019-03-01'), NOW)
      .then([supervisionOrdered(1, '2019-03-01')]);
  });

  it('a finish-by day before the order’s county day is refused, naming the field', () => {
    const error = given(history.withPlan).when(command.orderSupervision('2019-02-28'), NOW).thenError('FINISH_BY_BEFORE_ORDER');
    expect(error.kind).toBe('validation');
    expect(error.details).toStrictEqual({ field: 'finishBy' });
  });

  it('the order’s day is the county’s: 2019-02-28T20:00Z is already 1 March in Shanghai', () => {
    given(history.withPlan).when(command.orderSupervision('2019-02-28'), '2019-02-28T20:00:00Z').thenError('FINISH_BY_BEFORE_ORDER');
    given(history.withPlan)
      .when(command.orderSupervision('2019-02-28'), '2019-02-28T15:00:00Z')
      .then([supervisionOrdered(1, '2019-02-28')]);
  });

  it('an automatic order names its trigger; the same trigger’s order again, while it is open, appends nothing', () => {
    const trigger = 'item_long_overdue:x:2019-06-30';
    given(history.withPlan)
      .when(command.orderSupervision(FINISH_BY, trigger), NOW)
      .then([supervisionOrdered(1, FINISH_BY, trigger)]);
    given([...history.withPlan, supervisionOrdered(1, FINISH_BY, trigger)])
      .when(command.orderSupervision(FINISH_BY, trigger), NOW)
      .thenNothing();
    given([...history.withPlan, supervisionOrdered(1, FINISH_BY, trigger), supervisionReplied(1)])
      .when(command.orderSupervision(FINISH_BY, trigger), NOW)
      .then([supervisionOrdered(2, FINISH_BY, trigger)]);
  });

  it('a closed problem gets no supervision order', () => {
    given(history.closedProblem).when(command.orderSupervision(), NOW).thenError('PROBLEM_CLOSED');
  });

  it('an order written before finish-by days were recorded still reads, without one', () => {
    const old = { type: 'SupervisionOrdered', data: { problemId: PROBLEM, instruction: '责成五日内办结', supervisionCount: 1 } };
    expect(SupervisionOrdered.schema.parse(old).data).toStrictEqual({ ...old.data, finishBy: null, triggerId: null });
  });
});

describe('the reply to a supervision order (督办回复)', () => {
  const ordered = [...history.withPlan, supervisionOrdered(1)];

  it('the responsible unit answers the open order, its text kept exactly as sent, on the county day', () => {
    const state = given(ordered)
      .when(command.reply(), NOW)
      .then([supervisionReplied(1)]);
    expect(state).toMatchObject({ openSupervision: null, supervisionCount: 1 });
  });

  it('carries files in the evidence-file shape', () => {
    const file = { name: '拨付凭证.pdf', sha256: 'a'.repeat(64), size: 1024, contentType: 'application/pdf' };
    given(ordered)
      .when({ ...command.reply(), data: { ...command.reply().data, files: [file] } }, NOW)
      .then([{ ...supervisionReplied(1), data: { ...supervisionReplied(1).data, files: [file] } }]);
  });

  it('answers the latest of several open orders (and with it the earlier ones)', () => {
    given([...ordered, supervisionOrdered(2)])
      .when(command.reply(), NOW)
      .then([supervisionReplied(2)]);
  });

  it('the same reply again appends nothing; another one without a new order is refused', () => {
    given([...ordered, supervisionReplied(1)])
      .when(command.reply(), NOW)
      .thenNothing();
    given([...ordered, supervisionReplied(1)])
      .when(command.reply(TOWNSHIP, '补充说明'), NOW)
      .thenError('NO_OPEN_SUPERVISION');
  });

  it('no reply without an order', () => {
    given(history.withPlan).when(command.reply(), NOW).thenError('NO_OPEN_SUPERVISION');
  });

  it('a reply from another unit is refused', () => {
    given(ordered).when(command.reply(OTHER_TOWNSHIP), NOW).thenError('REPLY_FROM_ANOTHER_UNIT');
    given(ordered).when(command.reply(null), NOW).thenError('REPLY_FROM_ANOTHER_UNIT');
  });

  it('a blank reply is refused by the schema, a padded one kept with its spaces', () => {
    expect(ReplyToSupervision.data.safeParse({ ...command.reply().data, reply: '   ' }).success).toBe(false);
    expect(ReplyToSupervision.data.parse(command.reply().data).reply).toBe(REPLY);
  });

  it('closing the problem (销号, 办结) leaves no order to answer', () => {
    given([...history.verified, supervisionOrdered(1), closed()])
      .when(command.reply(), NOW)
      .thenError('NO_OPEN_SUPERVISION');
  });
});

describe('the 回头看 after closing (巩固)', () => {
  it('a closed problem waits for its 回头看', () => {
    expect(fold(history.closedProblem)).toMatchObject({ status: 'closed', consolidation: 'awaiting_recheck' });
  });

  it('a verifier of another unit confirms 巩固, on the county day', () => {
    const state = given(history.closedProblem).when(command.confirmConsolidation(), NOW).then([consolidationConfirmed()]);
    expect(state).toMatchObject({ status: 'closed', consolidation: 'confirmed' });
  });

  it('the office confirms it too (no checking unit)', () => {
    given(history.closedProblem)
      .when(command.confirmConsolidation(null), NOW)
      .then([consolidationConfirmed(null)]);
  });

  it('the responsible unit cannot confirm its own', () => {
    given(history.closedProblem).when(command.confirmConsolidation(TOWNSHIP), NOW).thenError('CHECKER_IS_RESPONSIBLE_UNIT');
  });

  it('confirming again appends nothing', () => {
    given([...history.closedProblem, consolidationConfirmed()])
      .when(command.confirmConsolidation(), NOW)
      .thenNothing();
  });

  it('only a closed problem has a 回头看', () => {
    given(history.verified).when(command.confirmConsolidation(), NOW).thenError('PROBLEM_NOT_CLOSED');
    given([...history.closedProblem, reopened(1)])
      .when(command.confirmConsolidation(), NOW)
      .thenError('PROBLEM_NOT_CLOSED');
  });

  it('a reopen stays possible before the confirmation and after it', () => {
    given(history.closedProblem)
      .when(command.reopen(), NOW)
      .then([reopened(1)]);
    const state = given([...history.closedProblem, consolidationConfirmed()])
      .when(command.reopen(), NOW)
      .then([reopened(1)]);
    expect(state).not.toHaveProperty('consolidation');
  });

  it('closed again after a reopen, it waits for a new 回头看', () => {
    const again = [...history.closedProblem, consolidationConfirmed(), reopened(1), rectified, passed(), closed('2019-10-01')];
    expect(fold(again)).toMatchObject({ consolidation: 'awaiting_recheck' });
    given(again).when(command.confirmConsolidation(), NOW).then([consolidationConfirmed()]);
  });
});

describe('evolve: what each event does to the state', () => {
  const raisedFacts = {
    problemId: PROBLEM,
    ledgerNumber: 'GJ-2019-001',
    source: 'national_feedback',
    category: 'fund_misuse',
    description: '扶贫专项资金拨付滞后，3个村未按时到账',
    raisedOn: '2019-03-01',
    recurrenceOf: null,
    relatedTo: [],
    sourceDocumentId: null,
    originalNumber: null,
    fixedOnTheSpot: false,
  };
  const assignedFacts = {
    ...raisedFacts,
    responsibleUnitId: TOWNSHIP,
    responsiblePerson: '王明',
    leadingOfficial: '李副县长',
    deadline: null,
    extensionCount: 0,
    measures: null,
    rejectionCount: 0,
    reopenCount: 0,
    supervisionCount: 0,
    openSupervision: null,
    lastSupervisionReply: null,
    extensionRequest: null,
    coResponsibleUnitIds: [],
    comments: [],
  };
  const rectifyingState = { ...assignedFacts, status: 'rectifying', deadline: '2019-06-30' };

  /** Every event type has a case below; a new event type makes this list, and so this test, fail. */
  it('the cases below cover every problem event type', () => {
    expect(problemEventDefinitions.map((d) => d.type).sort()).toStrictEqual(
      [
        'AssignmentAcknowledged',
        'DeadlineExtended',
        'DeadlineSet',
        'ProblemAssigned',
        'ProblemClosed',
        'ProblemRaised',
        'ProblemReopened',
        'ProgressReported',
        'RectificationPlanSubmitted',
        'RectificationReported',
        'SupervisionOrdered',
        'SupervisionReplied',
        'ConsolidationConfirmed',
        'VerificationPassed',
        'VerificationRejected',
        'ProblemLinked',
        'CoResponsibleUnitsChanged',
        'ProblemTransferred',
        'ExtensionRequested',
        'ExtensionRequestApproved',
        'ExtensionRequestRefused',
        'CommentPosted',
      ].sort(),
    );
  });

  const cases: [string, ProblemEvent[], ProblemState][] = [
    ['ProblemRaised', [raised()], { status: 'raised', ...raisedFacts } as ProblemState],
    ['ProblemAssigned', history.assignedOnly, { status: 'assigned', ...assignedFacts } as ProblemState],
    ['AssignmentAcknowledged', [...history.assignedOnly, acknowledged], { ...assignedFacts, status: 'rectifying' } as ProblemState],
    ['DeadlineSet', history.rectifying, rectifyingState as ProblemState],
    [
      'DeadlineExtended',
      [...history.rectifying, deadlineExtended('2019-06-30', '2019-07-31', 1)],
      { ...rectifyingState, deadline: '2019-07-31', extensionCount: 1 } as ProblemState,
    ],
    ['RectificationPlanSubmitted', history.withPlan, { ...rectifyingState, measures: MEASURES } as ProblemState],
    ['ProgressReported', [...history.withPlan, progressReported], { ...rectifyingState, measures: MEASURES } as ProblemState],
    [
      'RectificationReported',
      history.awaitingVerification,
      { ...rectifyingState, measures: MEASURES, status: 'awaiting_verification' } as ProblemState,
    ],
    ['VerificationPassed', history.verified, { ...rectifyingState, measures: MEASURES, status: 'verified' } as ProblemState],
    [
      'VerificationRejected',
      [...history.awaitingVerification, rejected(1)],
      { ...rectifyingState, measures: MEASURES, rejectionCount: 1 } as ProblemState,
    ],
    [
      'ProblemClosed',
      history.closedProblem,
      {
        ...rectifyingState,
        measures: MEASURES,
        status: 'closed',
        closedOn: '2019-03-01',
        consolidation: 'awaiting_recheck',
      } as ProblemState,
    ],
    [
      'ProblemReopened',
      [...history.closedProblem, reopened(1)],
      { ...rectifyingState, measures: MEASURES, reopenCount: 1 } as ProblemState,
    ],
    [
      'SupervisionOrdered',
      [...history.withPlan, supervisionOrdered(1)],
      {
        ...rectifyingState,
        measures: MEASURES,
        supervisionCount: 1,
        openSupervision: { supervisionCount: 1, finishBy: FINISH_BY, triggerId: null },
      } as ProblemState,
    ],
    [
      'SupervisionReplied',
      [...history.withPlan, supervisionOrdered(1), supervisionReplied(1)],
      {
        ...rectifyingState,
        measures: MEASURES,
        supervisionCount: 1,
        lastSupervisionReply: { supervisionCount: 1, reply: REPLY },
      } as ProblemState,
    ],
    [
      'ConsolidationConfirmed',
      [...history.closedProblem, consolidationConfirmed()],
      { ...rectifyingState, measures: MEASURES, status: 'closed', closedOn: '2019-03-01', consolidation: 'confirmed' } as ProblemState,
    ],
    ['ProblemLinked', [...history.rectifying, linked()], { ...rectifyingState, recurrenceOf: EARLIER_PROBLEM } as ProblemState],
    [
      'ProblemLinked',
      [...history.raisedOnly, linked(EARLIER_PROBLEM, 'related')],
      { status: 'raised', ...raisedFacts, relatedTo: [EARLIER_PROBLEM] } as ProblemState,
    ],
    [
      'CoResponsibleUnitsChanged',
      [...history.rectifying, coUnitsChanged([HELPING_UNIT])],
      { ...rectifyingState, coResponsibleUnitIds: [HELPING_UNIT] } as ProblemState,
    ],
    [
      'ProblemTransferred',
      [...history.rectifying, coUnitsChanged([OTHER_TOWNSHIP, HELPING_UNIT]), transferred()],
      // The new lead unit leaves the co-responsible list; the status and deadline stay.
      {
        ...rectifyingState,
        responsibleUnitId: OTHER_TOWNSHIP,
        responsiblePerson: '赵刚',
        coResponsibleUnitIds: [HELPING_UNIT],
      } as ProblemState,
    ],
    [
      'ExtensionRequested',
      [...history.rectifying, extensionRequested()],
      {
        ...rectifyingState,
        extensionRequest: {
          requestNumber: 1,
          unitId: TOWNSHIP,
          proposedDeadline: '2019-09-30',
          reason: EXTENSION_REASON,
          status: 'pending',
          refusal: null,
        },
      } as ProblemState,
    ],
    [
      'ExtensionRequestApproved',
      [...history.rectifying, extensionRequested(), extensionApproved()],
      {
        ...rectifyingState,
        extensionRequest: {
          requestNumber: 1,
          unitId: TOWNSHIP,
          proposedDeadline: '2019-09-30',
          reason: EXTENSION_REASON,
          status: 'approved',
          refusal: null,
        },
      } as ProblemState,
    ],
    [
      'ExtensionRequestRefused',
      [...history.rectifying, extensionRequested(), extensionRefused()],
      {
        ...rectifyingState,
        extensionRequest: {
          requestNumber: 1,
          unitId: TOWNSHIP,
          proposedDeadline: '2019-09-30',
          reason: EXTENSION_REASON,
          status: 'refused',
          refusal: REFUSAL,
        },
      } as ProblemState,
    ],
  ];

  cases.push([
    'CommentPosted',
    [...history.withPlan, commentPosted(1), commentPosted(2, 'answer', 1)],
    { ...rectifyingState, measures: MEASURES, comments: ['instruction', 'answer'] } as ProblemState,
  ]);

  it.each(cases)('%s', (type, events, expected) => {
    expect(events.at(-1)!.type).toBe(type);
    expect(fold(events)).toStrictEqual(expected);
  });

  it('a reassignment keeps the counts and the deadline gathered so far', () => {
    const state = fold([
      ...history.raisedOnly,
      assigned(),
      deadlineSet('2019-06-30'),
      supervisionOrdered(1),
      assigned(OTHER_TOWNSHIP, '赵刚'),
    ]);
    expect(state).toStrictEqual({
      ...assignedFacts,
      status: 'assigned',
      responsibleUnitId: OTHER_TOWNSHIP,
      responsiblePerson: '赵刚',
      deadline: '2019-06-30',
      supervisionCount: 1,
      openSupervision: { supervisionCount: 1, finishBy: FINISH_BY, triggerId: null },
    });
  });

  it('walks the statuses of a whole life: raised, assigned, rectifying, awaiting verification, verified, closed, reopened', () => {
    const life = [
      raised(),
      assigned(),
      acknowledged,
      deadlineSet(),
      planSubmitted(),
      rectified,
      rejected(1),
      rectified,
      passed(),
      closed(),
      reopened(1),
    ];
    const statuses = life.map((_, i) => fold(life.slice(0, i + 1)).status);
    expect(statuses).toStrictEqual([
      'raised',
      'assigned',
      'rectifying',
      'rectifying',
      'rectifying',
      'awaiting_verification',
      'rectifying',
      'awaiting_verification',
      'verified',
      'closed',
      'rectifying',
    ]);
  });

  it('an event that needs an assigned problem, folded onto a merely raised one, is refused', () => {
    expect(() => fold([raised(), deadlineSet()])).toThrow('DeadlineSet on a problem that is not assigned');
    expect(() => fold([assigned()])).toThrow('ProblemAssigned before ProblemRaised');
  });
});

describe('overdue (逾期)', () => {
  const withDeadline = fold(history.withPlan); // deadline 2019-06-30

  it('a deadline of 2019-06-30 is overdue on county day 2019-07-01', () => {
    expect(isOverdue(withDeadline, '2019-07-01')).toBe(true);
  });

  it('a deadline of 2019-06-30 is not overdue on 2019-06-30 itself', () => {
    expect(isOverdue(withDeadline, '2019-06-30')).toBe(false);
  });

  it('a problem assigned but not yet acknowledged is overdue too', () => {
    expect(isOverdue(fold([...history.assignedOnly, deadlineSet('2019-06-30')]), '2019-07-01')).toBe(true);
  });

  it('a rejected fix is overdue again once the deadline has passed', () => {
    expect(isOverdue(fold([...history.awaitingVerification, rejected(1)]), '2019-07-01')).toBe(true);
  });

  it('a problem waiting for verification is not overdue', () => {
    expect(isOverdue(fold(history.awaitingVerification), '2019-07-01')).toBe(false);
  });

  it('a verified problem is not overdue', () => {
    expect(isOverdue(fold(history.verified), '2019-07-01')).toBe(false);
  });

  it('a closed problem is not overdue', () => {
    expect(isOverdue(fold(history.closedProblem), '2019-07-01')).toBe(false);
  });

  it('a problem without a deadline is never overdue', () => {
    expect(isOverdue(fold(history.assignedOnly), '2030-01-01')).toBe(false);
    expect(isOverdue(fold(history.raisedOnly), '2030-01-01')).toBe(false);
    expect(isOverdue(initialProblemState, '2030-01-01')).toBe(false);
  });

  it('an extended deadline is measured against the new date', () => {
    const extended = fold([...history.withPlan, deadlineExtended('2019-06-30', '2019-07-31', 1)]);
    expect(isOverdue(extended, '2019-07-01')).toBe(false);
    expect(isOverdue(extended, '2019-08-01')).toBe(true);
  });
});
