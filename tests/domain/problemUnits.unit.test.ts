import { describe, expect, it } from 'vitest';
import { ProblemEvent, evolveProblem, initialProblemState } from '../../domain/index.js';
import {
  HELPING_UNIT,
  NOW,
  OTHER_TOWNSHIP,
  PROBLEM,
  TOWNSHIP,
  VERIFIER_UNIT,
  assigned,
  closed,
  coUnitsChanged,
  command,
  deadlineExtended,
  extensionApproved,
  extensionRefused,
  extensionRequested,
  history,
  problemSpec,
  progressReported,
  rectified,
  transferred,
} from '../support/problemFixtures.js';

const { given } = problemSpec;
/** An item in rectification with a lead unit (TOWNSHIP), a co-responsible unit and the deadline 2019-06-30. */
const withCoUnit = [...history.withPlan, coUnitsChanged([HELPING_UNIT])];

describe('lead and co-responsible units (牵头单位 / 配合单位)', () => {
  it('an assignment names the lead unit and its co-responsible units', () => {
    given(history.raisedOnly)
      .when(command.assign(TOWNSHIP, '王明', [HELPING_UNIT, VERIFIER_UNIT]), NOW)
      .then([assigned(TOWNSHIP, '王明', [HELPING_UNIT, VERIFIER_UNIT])]);
  });

  it('the lead unit cannot also be one of its co-responsible units', () => {
    given(history.raisedOnly)
      .when(command.assign(TOWNSHIP, '王明', [TOWNSHIP]), NOW)
      .thenError('CO_RESPONSIBLE_IS_LEAD');
    given(history.rectifying)
      .when(command.changeCoUnits([HELPING_UNIT, TOWNSHIP]), NOW)
      .thenError('CO_RESPONSIBLE_IS_LEAD');
  });

  it('the office changes the co-responsible units before closing', () => {
    given(history.rectifying)
      .when(command.changeCoUnits([HELPING_UNIT]), NOW)
      .then([coUnitsChanged([HELPING_UNIT])]);
    given(withCoUnit)
      .when(command.changeCoUnits([]), NOW)
      .then([coUnitsChanged([])]);
  });

  it('the same list again, in any order, changes nothing', () => {
    given([...history.rectifying, coUnitsChanged([HELPING_UNIT, VERIFIER_UNIT])])
      .when(command.changeCoUnits([VERIFIER_UNIT, HELPING_UNIT]), NOW)
      .thenNothing();
  });

  it('the co-responsible units of a closed item cannot change', () => {
    given(history.closedProblem)
      .when(command.changeCoUnits([HELPING_UNIT]), NOW)
      .thenError('PROBLEM_CLOSED');
  });

  it('a co-responsible unit reports progress on its part, recorded with its unit', () => {
    given(withCoUnit)
      .when(command.reportProgress(HELPING_UNIT), NOW)
      .then([{ ...progressReported, data: { ...progressReported.data, unitId: HELPING_UNIT } }]);
  });

  it('the lead unit reports progress too', () => {
    given(withCoUnit).when(command.reportProgress(TOWNSHIP), NOW).then([progressReported]);
  });

  it('a unit that is neither lead nor co-responsible cannot report progress', () => {
    given(withCoUnit).when(command.reportProgress(OTHER_TOWNSHIP), NOW).thenError('UNIT_NOT_ON_PROBLEM');
  });

  it('a co-responsible unit cannot report the fix: only the lead unit does', () => {
    given(withCoUnit).when(command.reportRectified(HELPING_UNIT), NOW).thenError('NOT_LEAD_UNIT');
  });

  it('the lead unit reports the fix', () => {
    given(withCoUnit).when(command.reportRectified(TOWNSHIP), NOW).then([rectified]);
  });
});

describe('transfer (转办)', () => {
  it('the office transfers an item to another lead unit, and the event keeps both units', () => {
    given(history.withPlan)
      .when(command.transfer(OTHER_TOWNSHIP), NOW)
      .then([transferred(TOWNSHIP, OTHER_TOWNSHIP)]);
  });

  it('at any stage before closing: not yet acknowledged, awaiting verification, verified', () => {
    given(history.assignedOnly).when(command.transfer(), NOW).then([transferred()]);
    given(history.awaitingVerification).when(command.transfer(), NOW).then([transferred()]);
    given(history.verified).when(command.transfer(), NOW).then([transferred()]);
  });

  it('a closed item cannot be transferred', () => {
    given(history.closedProblem).when(command.transfer(), NOW).thenError('PROBLEM_CLOSED');
  });

  it('an item never assigned has no unit to transfer from', () => {
    given(history.raisedOnly).when(command.transfer(), NOW).thenError('PROBLEM_NOT_ASSIGNED');
  });

  it('a transfer to the unit that already leads it is refused', () => {
    given(history.withPlan).when(command.transfer(TOWNSHIP), NOW).thenError('TRANSFER_TO_SAME_UNIT');
  });

  it('after a transfer the new lead unit reports the fix and the former one cannot', () => {
    const after = [...history.withPlan, transferred()];
    given(after).when(command.reportRectified(TOWNSHIP), NOW).thenError('NOT_LEAD_UNIT');
    given(after).when(command.reportRectified(OTHER_TOWNSHIP), NOW).then([rectified]);
  });

  it('the new lead unit cannot be a co-responsible unit as well: a transfer to a co-responsible unit takes it off that list', () => {
    const after = [...history.withPlan, coUnitsChanged([OTHER_TOWNSHIP]), transferred()];
    given(after).when(command.changeCoUnits([]), NOW).thenNothing();
    given(after)
      .when(command.changeCoUnits([TOWNSHIP]), NOW)
      .then([coUnitsChanged([TOWNSHIP])]);
  });
});

describe('extension requests from units (延期申请), decided by the office', () => {
  const pending = [...history.withPlan, extensionRequested()];

  it('the lead unit requests a later deadline, with its reason', () => {
    given(history.withPlan)
      .when(command.requestExtension('2019-09-30'), NOW)
      .then([extensionRequested(1, '2019-09-30', '2019-06-30')]);
  });

  it('another unit (a co-responsible one too) cannot request it', () => {
    given(withCoUnit).when(command.requestExtension('2019-09-30', HELPING_UNIT), NOW).thenError('REQUEST_FROM_ANOTHER_UNIT');
    given(history.withPlan).when(command.requestExtension('2019-09-30', OTHER_TOWNSHIP), NOW).thenError('REQUEST_FROM_ANOTHER_UNIT');
  });

  it('a day on or before the current deadline is refused', () => {
    given(history.withPlan).when(command.requestExtension('2019-06-30'), NOW).thenError('EXTENSION_NOT_LATER');
    given(history.withPlan).when(command.requestExtension('2019-05-01'), NOW).thenError('EXTENSION_NOT_LATER');
  });

  it('an item without a deadline has nothing to extend', () => {
    given([...history.assignedOnly])
      .when(command.requestExtension('2019-09-30'), NOW)
      .thenError('NO_DEADLINE');
  });

  it('a closed item takes no request', () => {
    given(history.closedProblem).when(command.requestExtension('2019-09-30'), NOW).thenError('PROBLEM_CLOSED');
  });

  it('one pending request per item: the same request again changes nothing, another is refused', () => {
    given(pending).when(command.requestExtension('2019-09-30'), NOW).thenNothing();
    given(pending).when(command.requestExtension('2019-12-31'), NOW).thenError('EXTENSION_REQUEST_PENDING');
  });

  it('approval records the extension to the day asked for, with the unit’s reason', () => {
    given(pending)
      .when(command.approveExtension(), NOW)
      .then([
        extensionApproved(1),
        {
          ...deadlineExtended('2019-06-30', '2019-09-30', 1),
          data: { ...deadlineExtended('2019-06-30', '2019-09-30', 1).data, reason: '汛期施工受阻，需延至九月底' },
        },
      ]);
  });

  it('refusal keeps the deadline, with the office’s reason', () => {
    given(pending)
      .when(command.refuseExtension(), NOW)
      .then([extensionRefused(1)]);
  });

  it('deciding twice: the same answer again changes nothing, the other answer is refused', () => {
    const approved = [...pending, extensionApproved(1), deadlineExtended('2019-06-30', '2019-09-30', 1)];
    given(approved).when(command.approveExtension(), NOW).thenNothing();
    given(approved).when(command.refuseExtension(), NOW).thenError('EXTENSION_REQUEST_DECIDED');
    const refused = [...pending, extensionRefused(1)];
    given(refused).when(command.refuseExtension(), NOW).thenNothing();
    given(refused).when(command.approveExtension(), NOW).thenError('EXTENSION_REQUEST_DECIDED');
  });

  it('nothing to decide without a request', () => {
    given(history.withPlan).when(command.approveExtension(), NOW).thenError('NO_PENDING_EXTENSION_REQUEST');
    given(history.withPlan).when(command.refuseExtension(), NOW).thenError('NO_PENDING_EXTENSION_REQUEST');
  });

  it('after an answer the unit may ask again, as the next request', () => {
    given([...pending, extensionRefused(1)])
      .when(command.requestExtension('2019-08-31'), NOW)
      .then([extensionRequested(2, '2019-08-31', '2019-06-30')]);
  });

  it('a request the office overtook by extending the deadline itself cannot be approved', () => {
    given([...pending, deadlineExtended('2019-06-30', '2019-10-31', 1)])
      .when(command.approveExtension(), NOW)
      .thenError('EXTENSION_REQUEST_OUTDATED');
  });

  it('a closed item’s pending request cannot be decided', () => {
    given([...history.verified, extensionRequested(), closed()])
      .when(command.approveExtension(), NOW)
      .thenError('PROBLEM_CLOSED');
  });

  it('the approved extension counts like the office’s own (延期 count)', () => {
    given([...history.withPlan, deadlineExtended('2019-06-30', '2019-07-31', 1), extensionRequested(1, '2019-09-30', '2019-07-31')])
      .when(command.approveExtension(), NOW)
      .then([
        extensionApproved(1),
        {
          type: 'DeadlineExtended',
          data: {
            problemId: PROBLEM,
            previousDeadline: '2019-07-31',
            deadline: '2019-09-30',
            workingDays: null,
            reason: '汛期施工受阻，需延至九月底',
            extensionCount: 2,
          },
        },
      ]);
  });
});

describe('old events stay readable', () => {
  it('a stored ProblemAssigned with one unit reads as a lead unit with no co-responsible units', () => {
    const stored = { type: 'ProblemAssigned', data: { problemId: PROBLEM, responsibleUnitId: TOWNSHIP, responsiblePerson: '王明' } };
    const event = ProblemEvent.parse(stored);
    const state = [...history.raisedOnly, event].reduce(evolveProblem, initialProblemState);
    expect(state).toMatchObject({ status: 'assigned', responsibleUnitId: TOWNSHIP, coResponsibleUnitIds: [], extensionRequest: null });
  });

  it('a stored ProgressReported without its unit reads with none', () => {
    const event = ProblemEvent.parse({ type: 'ProgressReported', data: { problemId: PROBLEM, progress: '推进中' } });
    expect(event.data).toStrictEqual({ problemId: PROBLEM, progress: '推进中', percentComplete: null, unitId: null });
  });
});
