import { z } from 'zod';
import { CalendarDay, countyDay } from '../shared/calendar.js';
import { IllegalStateError, ValidationError, assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { WorkingDays } from '../calendar/workingDays.js';
import { SELF_REPORT_SOURCE } from './vocabulary.js';
import {
  CoResponsibleUnitIds,
  EvidenceFile,
  Evidence,
  MIGRATED_VERIFIER_UNIT_ID,
  ProblemLinkKind,
  ProblemRaised,
  RaiseAssignment,
  ReplyText,
  isAssigned,
  isOnProblem,
  type AssignedProblem,
  type ProblemEvent,
  type ProblemState,
  evolveProblem,
  initialProblemState,
} from './events.js';

/**
 * The commands on a problem. Each names its problem; the ledger number of a raise is filled in by the
 * application (it reserves the number, and the reservation checks the raise: `checkRaise`) before
 * `decide` sees the command. `assignment`: the unit the raise assigns at once (自查上报, 立行立改).
 */
export const RaiseProblem = message('RaiseProblem', 1, ProblemRaised.data.extend({ assignment: RaiseAssignment.nullable().default(null) }));

/**
 * What a raise must satisfy, checked when its ledger number is reserved (ledgerNumber/decide.ts), the
 * raise's first decision. `sourceDocumentIssuedOn` is the named document's date and `raisedByUnitId`
 * the raiser's unit, both filled in by the application (the decision cannot read them):
 * - 交办日期 not after today (RAISED_ON_IN_FUTURE), never before its document's date (RAISED_BEFORE_DOCUMENT);
 * - a 原编号 only with its document (ORIGINAL_NUMBER_WITHOUT_DOCUMENT);
 * - 自查上报 is a unit's report about itself: it names the unit (SELF_REPORT_NEEDS_UNIT), and that is
 *   the raiser's own unit (SELF_REPORT_OF_ANOTHER_UNIT).
 * 立行立改 needs the unit that fixed it, which the schema already asks (the evidence is in `assignment`).
 */
export function checkRaise(
  raise: {
    raisedOn: string;
    source: string;
    sourceDocumentId: string | null;
    originalNumber: string | null;
    assignment: RaiseAssignment | null;
    sourceDocumentIssuedOn: string | null;
    raisedByUnitId: string | null;
  },
  today: string,
): void {
  if (raise.raisedOn > today)
    throw new ValidationError('RAISED_ON_IN_FUTURE', `The raise day (交办日期) ${raise.raisedOn} is after today (${today}).`, {
      field: 'raisedOn',
    });
  if (raise.sourceDocumentIssuedOn !== null && raise.raisedOn < raise.sourceDocumentIssuedOn)
    throw new ValidationError(
      'RAISED_BEFORE_DOCUMENT',
      `The raise day (交办日期) ${raise.raisedOn} is before the date of its source document (${raise.sourceDocumentIssuedOn}).`,
      { field: 'raisedOn' },
    );
  if (raise.originalNumber !== null && raise.sourceDocumentId === null)
    throw new ValidationError(
      'ORIGINAL_NUMBER_WITHOUT_DOCUMENT',
      'An original number (原编号) is a number in a source document: name the document too.',
      { field: 'sourceDocumentId' },
    );
  if (raise.source === SELF_REPORT_SOURCE) {
    if (raise.assignment === null)
      throw new ValidationError('SELF_REPORT_NEEDS_UNIT', 'A self-report (自查上报) names the reporting unit and its responsible person.', {
        field: 'responsibleUnitId',
      });
    if (raise.raisedByUnitId === null || raise.assignment.responsibleUnitId !== raise.raisedByUnitId)
      throw new IllegalStateError(
        'SELF_REPORT_OF_ANOTHER_UNIT',
        'A self-report (自查上报) is a unit’s report about itself: only its own unit head raises it, for their own unit.',
        { field: 'responsibleUnitId' },
      );
  }
}
export const AssignProblem = message(
  'AssignProblem',
  1,
  z.object({
    problemId: Id,
    responsibleUnitId: Id,
    responsiblePerson: Name(50),
    leadingOfficial: z.string().trim().max(50).nullable().default(null),
    /** 配合单位: never the lead unit itself. */
    coResponsibleUnitIds: CoResponsibleUnitIds,
  }),
);
/** 配合单位: the office replaces the list before closing. */
export const ChangeCoResponsibleUnits = message(
  'ChangeCoResponsibleUnits',
  1,
  z.object({ problemId: Id, coResponsibleUnitIds: CoResponsibleUnitIds }),
);
/** 转办: to another lead unit, with the person answerable there and the reason. */
export const TransferProblem = message(
  'TransferProblem',
  1,
  z.object({ problemId: Id, toUnitId: Id, responsiblePerson: Name(50), reason: Text(2000) }),
);
/** 延期申请: by the lead unit's head (the unit comes from the token), for a day after the current deadline. */
export const RequestExtension = message(
  'RequestExtension',
  1,
  z.object({ problemId: Id, requestedByUnitId: Id.nullable(), proposedDeadline: CalendarDay, reason: Text(2000) }),
);
/** The office's answer to the pending request: approve (the deadline moves to the day asked for) or refuse with a reason. */
export const ApproveExtensionRequest = message('ApproveExtensionRequest', 1, z.object({ problemId: Id }));
export const RefuseExtensionRequest = message('RefuseExtensionRequest', 1, z.object({ problemId: Id, reason: Text(2000) }));
export const AcknowledgeAssignment = message('AcknowledgeAssignment', 1, z.object({ problemId: Id, acknowledgedBy: Name(50) }));
/**
 * A deadline is a calendar day. When it was asked for as a number of working days (工作日), the
 * application counts them on the calendar in force and passes both: the day it came to and the count.
 */
export const SetDeadline = message(
  'SetDeadline',
  1,
  z.object({ problemId: Id, deadline: CalendarDay, workingDays: WorkingDays.nullish() }),
);
export const ExtendDeadline = message(
  'ExtendDeadline',
  1,
  z.object({ problemId: Id, deadline: CalendarDay, workingDays: WorkingDays.nullish(), reason: Text(2000) }),
);
export const SubmitPlan = message('SubmitPlan', 1, z.object({ problemId: Id, measures: Text(5000) }));
export const ReportProgress = message(
  'ReportProgress',
  1,
  z.object({
    problemId: Id,
    progress: Text(5000),
    percentComplete: z.number().int().min(0).max(100).nullable().default(null),
    /** The reporting unit (the signed-in unit head's, from the token): the lead or a co-responsible unit; null for the office. */
    reportedByUnitId: Id.nullable().default(null),
  }),
);
export const ReportRectified = message(
  'ReportRectified',
  1,
  z.object({
    problemId: Id,
    evidence: Evidence,
    /** The reporting unit (from the token): only the lead unit (牵头单位) reports the fix; null for the office. */
    reportedByUnitId: Id.nullable().default(null),
  }),
);
export const PassVerification = message('PassVerification', 1, z.object({ problemId: Id, verifierUnitId: Id, opinion: Text(2000) }));
export const RejectVerification = message('RejectVerification', 1, z.object({ problemId: Id, verifierUnitId: Id, reasons: Text(2000) }));
export const CloseProblem = message('CloseProblem', 1, z.object({ problemId: Id }));
export const ReopenProblem = message('ReopenProblem', 1, z.object({ problemId: Id, reason: Text(2000) }));
export const OrderSupervision = message(
  'OrderSupervision',
  1,
  z.object({
    problemId: Id,
    instruction: Text(2000),
    /** 办结时限: required; an automatic order takes it from the policy (`timing.supervisionFinishByDays`). */
    finishBy: CalendarDay,
    /** The interview trigger an automatic order answers. */
    triggerId: z.string().max(200, 'must be at most 200 characters').nullable().default(null),
  }),
);
export const ReplyToSupervision = message(
  'ReplyToSupervision',
  1,
  z.object({
    problemId: Id,
    reply: ReplyText,
    files: z.array(EvidenceFile).max(50).default([]),
    /** The replying unit (the signed-in user's, from the token): only the responsible unit answers. */
    repliedByUnitId: Id.nullable(),
  }),
);
export const ConfirmConsolidation = message(
  'ConfirmConsolidation',
  1,
  z.object({
    problemId: Id,
    opinion: Text(2000),
    /** The checking unit (a verifier's, from the token); null for the office. Never the responsible unit. */
    checkedByUnitId: Id.nullable(),
  }),
);

/**
 * 复发 / 相关: link this problem to an earlier one. `earlierRaisedOn` is filled in by the application
 * from the earlier problem's stream (which must exist), so the decision can refuse a later one.
 */
export const LinkProblem = message(
  'LinkProblem',
  1,
  z.object({ problemId: Id, earlierProblemId: Id, kind: ProblemLinkKind, earlierRaisedOn: CalendarDay }),
);

/** 批示: the office's instruction on the item, with files; `replyTo` follows up an earlier comment. */
export const PostInstruction = message(
  'PostInstruction',
  1,
  z.object({
    problemId: Id,
    text: ReplyText,
    files: z.array(EvidenceFile).max(50).default([]),
    replyTo: z.number().int().positive().nullable().default(null),
  }),
);
/** 回复: the responsible unit answers an instruction (the latest when `replyTo` is not given), with files. */
export const AnswerInstruction = message(
  'AnswerInstruction',
  1,
  z.object({
    problemId: Id,
    text: ReplyText,
    files: z.array(EvidenceFile).max(50).default([]),
    replyTo: z.number().int().positive().nullable().default(null),
    /** The answering unit (the signed-in user's, from the token): only the responsible unit answers. */
    answeredByUnitId: Id.nullable(),
  }),
);
/**
 * 迁移导入: where an item of an office's existing ledger (台账) stood, as its row says: open (未整改),
 * in rectification (整改中) or closed (已销号) on its 销号时间. Given to a problem just raised from the
 * row (its raise migrated from the same import), with the row's unit and deadline. The domain's
 * states a ledger row can name; reported-fixed and verified are not among them, for a row says no day
 * for either (a closed row is reported fixed and verified on its 销号时间).
 */
export const MigratedStatus = z.enum(['open', 'rectifying', 'closed']);
export type MigratedStatus = z.infer<typeof MigratedStatus>;
export const RecordMigratedFacts = message(
  'RecordMigratedFacts',
  1,
  z.object({
    problemId: Id,
    /** The import (its list's content hash). */
    importId: z.string().min(1).max(100),
    status: MigratedStatus,
    responsibleUnitId: Id,
    responsiblePerson: Name(50),
    /** 配合单位 the row names beside its lead unit; empty (and absent in commands recorded before) for none. */
    coResponsibleUnitIds: CoResponsibleUnitIds,
    deadline: CalendarDay.nullable().default(null),
    /** 销号时间: only, and always, for a closed row. */
    closedOn: CalendarDay.nullable().default(null),
  }),
);

export const ProblemCommand = z.discriminatedUnion('type', [
  RaiseProblem.schema,
  AssignProblem.schema,
  AcknowledgeAssignment.schema,
  SetDeadline.schema,
  ExtendDeadline.schema,
  SubmitPlan.schema,
  ReportProgress.schema,
  ReportRectified.schema,
  PassVerification.schema,
  RejectVerification.schema,
  CloseProblem.schema,
  ReopenProblem.schema,
  OrderSupervision.schema,
  ReplyToSupervision.schema,
  ConfirmConsolidation.schema,
  LinkProblem.schema,
  ChangeCoResponsibleUnits.schema,
  TransferProblem.schema,
  RequestExtension.schema,
  ApproveExtensionRequest.schema,
  RefuseExtensionRequest.schema,
  PostInstruction.schema,
  AnswerInstruction.schema,
  RecordMigratedFacts.schema,
]);
export type ProblemCommand = z.infer<typeof ProblemCommand>;

function mustBeAssigned(state: ProblemState): AssignedProblem {
  if (state.status === 'not_raised') throw new IllegalStateError('PROBLEM_NOT_RAISED', 'There is no such problem.');
  if (!isAssigned(state))
    throw new IllegalStateError('PROBLEM_NOT_ASSIGNED', 'The problem has not been assigned to a responsible unit yet.');
  return state;
}

function mustBeOpen(state: ProblemState): AssignedProblem {
  const problem = mustBeAssigned(state);
  if (problem.status === 'closed')
    throw new IllegalStateError('PROBLEM_CLOSED', `Problem ${problem.ledgerNumber} is closed (销号); reopen it first.`);
  return problem;
}

function mustBeRectifying(state: ProblemState, doing: string): AssignedProblem {
  const problem = mustBeOpen(state);
  if (problem.status === 'assigned')
    throw new IllegalStateError(
      'ASSIGNMENT_NOT_ACKNOWLEDGED',
      `The responsible unit must acknowledge (签收) problem ${problem.ledgerNumber} before ${doing}.`,
    );
  if (problem.status !== 'rectifying')
    throw new IllegalStateError(
      'NOT_IN_RECTIFICATION',
      `Problem ${problem.ledgerNumber} is ${problem.status.replace('_', ' ')}, not in rectification; cannot ${doing}.`,
    );
  return problem;
}

/**
 * Decide what a command means for a problem: the events to append, none when what it asks has
 * already happened (a retried close of a closed problem), or a domain error. `now` is the injected
 * clock's instant; nothing here reads a clock.
 */
export function decideProblem(state: ProblemState, command: ProblemCommand, now: string): ProblemEvent[] {
  const today = countyDay(now);
  switch (command.type) {
    case 'RaiseProblem': {
      if (state.status !== 'not_raised') return [];
      // The problem it repeats is recorded one way only, as a link (复发), whether named at the raise or later.
      const { recurrenceOf, assignment, ...raised } = command.data;
      if (raised.raisedOn > today)
        throw new ValidationError('RAISED_ON_IN_FUTURE', `The raise day (交办日期) ${raised.raisedOn} is after today (${today}).`, {
          field: 'raisedOn',
        });
      const { problemId } = raised;
      const fixedOnTheSpot = (assignment?.evidence ?? null) !== null;
      const events: ProblemEvent[] = [{ type: 'ProblemRaised', data: { ...raised, recurrenceOf: null, fixedOnTheSpot } }];
      if (recurrenceOf === problemId)
        throw new ValidationError('LINK_TO_ITSELF', 'A problem cannot be a recurrence of itself.', { field: 'recurrenceOf' });
      if (recurrenceOf !== null)
        events.push({ type: 'ProblemLinked', data: { problemId, earlierProblemId: recurrenceOf, kind: 'recurrence' } });
      if (assignment === null) return events;
      const { responsibleUnitId, responsiblePerson, leadingOfficial, evidence } = assignment;
      events.push({
        type: 'ProblemAssigned',
        data: { problemId, responsibleUnitId, responsiblePerson, leadingOfficial, coResponsibleUnitIds: [] },
      });
      // The unit found it (自查上报) or fixed it (立行立改): it has taken it on.
      if (raised.source === SELF_REPORT_SOURCE || evidence !== null)
        events.push({ type: 'AssignmentAcknowledged', data: { problemId, acknowledgedBy: responsiblePerson } });
      if (evidence !== null) events.push({ type: 'RectificationReported', data: { problemId, evidence } });
      return events;
    }

    case 'AssignProblem': {
      if (state.status === 'not_raised') throw new IllegalStateError('PROBLEM_NOT_RAISED', 'There is no such problem.');
      leadNotCoResponsible(command.data.responsibleUnitId, command.data.coResponsibleUnitIds);
      if (isAssigned(state)) {
        const same =
          state.responsibleUnitId === command.data.responsibleUnitId &&
          state.responsiblePerson === command.data.responsiblePerson &&
          state.leadingOfficial === command.data.leadingOfficial &&
          sameUnits(state.coResponsibleUnitIds, command.data.coResponsibleUnitIds);
        if (same) return [];
        if (state.status !== 'assigned')
          throw new IllegalStateError(
            'ALREADY_ACKNOWLEDGED',
            `Problem ${state.ledgerNumber} was already acknowledged by its unit and cannot be reassigned.`,
          );
      }
      return [{ type: 'ProblemAssigned', data: command.data }];
    }

    case 'AcknowledgeAssignment': {
      const problem = mustBeOpen(state);
      if (problem.status !== 'assigned') return [];
      return [{ type: 'AssignmentAcknowledged', data: command.data }];
    }

    case 'SetDeadline': {
      const problem = mustBeOpen(state);
      if (problem.deadline === command.data.deadline) return [];
      if (problem.deadline !== null)
        throw new IllegalStateError(
          'DEADLINE_ALREADY_SET',
          `Problem ${problem.ledgerNumber} already has the deadline ${problem.deadline}; extend it (延期) with a reason instead.`,
        );
      if (command.data.deadline < problem.raisedOn)
        throw new ValidationError(
          'DEADLINE_BEFORE_RAISE_DATE',
          `The deadline ${command.data.deadline} is before the day the problem was raised (${problem.raisedOn}).`,
          { field: 'deadline' },
        );
      const { problemId, deadline, workingDays } = command.data;
      return [{ type: 'DeadlineSet', data: { problemId, deadline, workingDays: workingDays ?? null } }];
    }

    case 'ExtendDeadline': {
      const problem = mustBeOpen(state);
      if (problem.deadline === null)
        throw new IllegalStateError('NO_DEADLINE', `Problem ${problem.ledgerNumber} has no deadline to extend; set one first.`);
      if (problem.deadline === command.data.deadline) return [];
      if (command.data.deadline < problem.deadline)
        throw new ValidationError(
          'EXTENSION_NOT_LATER',
          `An extension must move the deadline later than ${problem.deadline}, not to ${command.data.deadline}.`,
          { field: 'deadline' },
        );
      return [
        {
          type: 'DeadlineExtended',
          data: {
            problemId: command.data.problemId,
            previousDeadline: problem.deadline,
            deadline: command.data.deadline,
            workingDays: command.data.workingDays ?? null,
            reason: command.data.reason,
            extensionCount: problem.extensionCount + 1,
          },
        },
      ];
    }

    case 'SubmitPlan': {
      const problem = mustBeRectifying(state, 'submitting a plan');
      if (problem.measures === command.data.measures) return [];
      return [{ type: 'RectificationPlanSubmitted', data: command.data }];
    }

    case 'ReportProgress': {
      const problem = mustBeRectifying(state, 'reporting progress');
      const { problemId, progress, percentComplete, reportedByUnitId } = command.data;
      if (reportedByUnitId !== null && !isOnProblem(problem, reportedByUnitId))
        throw new IllegalStateError(
          'UNIT_NOT_ON_PROBLEM',
          `Only the lead unit (牵头单位) and the co-responsible units (配合单位) of problem ${problem.ledgerNumber} report its progress.`,
          { field: 'reportedByUnitId' },
        );
      return [{ type: 'ProgressReported', data: { problemId, progress, percentComplete, unitId: reportedByUnitId } }];
    }

    case 'ReportRectified': {
      const problem = mustBeOpen(state);
      if (command.data.reportedByUnitId !== null && command.data.reportedByUnitId !== problem.responsibleUnitId)
        throw new IllegalStateError(
          'NOT_LEAD_UNIT',
          `Only the lead unit (牵头单位) reports problem ${problem.ledgerNumber} fixed; a co-responsible unit (配合单位) reports progress on its part.`,
          { field: 'reportedByUnitId' },
        );
      if (problem.status === 'awaiting_verification' || problem.status === 'verified') return [];
      mustBeRectifying(state, 'reporting it rectified');
      if (problem.measures === null)
        throw new IllegalStateError(
          'PLAN_REQUIRED',
          `Submit a rectification plan (整改方案) for problem ${problem.ledgerNumber} before reporting it fixed.`,
        );
      return [{ type: 'RectificationReported', data: { problemId: command.data.problemId, evidence: command.data.evidence } }];
    }

    case 'PassVerification':
    case 'RejectVerification': {
      const problem = mustBeAssigned(state);
      if (command.data.verifierUnitId === problem.responsibleUnitId)
        throw new IllegalStateError(
          'VERIFIER_IS_RESPONSIBLE_UNIT',
          `A verifier from the responsible unit cannot verify its own problem ${problem.ledgerNumber}.`,
        );
      if (command.type === 'PassVerification' && (problem.status === 'verified' || problem.status === 'closed')) return [];
      if (problem.status !== 'awaiting_verification')
        throw new IllegalStateError(
          'NOT_AWAITING_VERIFICATION',
          `Problem ${problem.ledgerNumber} has not been reported fixed, so there is nothing to verify.`,
        );
      if (command.type === 'PassVerification') return [{ type: 'VerificationPassed', data: command.data }];
      return [
        {
          type: 'VerificationRejected',
          data: { ...command.data, rejectionCount: problem.rejectionCount + 1 },
        },
      ];
    }

    case 'CloseProblem': {
      const problem = mustBeAssigned(state);
      if (problem.status === 'closed') return [];
      if (problem.status !== 'verified')
        throw new IllegalStateError(
          'VERIFICATION_REQUIRED',
          `Problem ${problem.ledgerNumber} cannot be closed (销号) before its rectification has passed verification.`,
        );
      return [{ type: 'ProblemClosed', data: { problemId: command.data.problemId, closedOn: today } }];
    }

    case 'ReopenProblem': {
      const problem = mustBeAssigned(state);
      if (problem.status !== 'closed')
        throw new IllegalStateError('PROBLEM_NOT_CLOSED', `Problem ${problem.ledgerNumber} is not closed, so it cannot be reopened.`);
      return [{ type: 'ProblemReopened', data: { ...command.data, reopenCount: problem.reopenCount + 1 } }];
    }

    case 'OrderSupervision': {
      const problem = mustBeOpen(state);
      const { problemId, instruction, finishBy, triggerId } = command.data;
      // An automatic order for a trigger whose order is still open: already ordered.
      if (triggerId !== null && problem.openSupervision?.triggerId === triggerId) return [];
      if (finishBy < today)
        throw new ValidationError(
          'FINISH_BY_BEFORE_ORDER',
          `The finish-by day (办结时限) ${finishBy} is before the day of the order (${today}).`,
          { field: 'finishBy' },
        );
      return [
        {
          type: 'SupervisionOrdered',
          data: { problemId, instruction, supervisionCount: problem.supervisionCount + 1, finishBy, triggerId },
        },
      ];
    }

    case 'ReplyToSupervision': {
      const problem = mustBeAssigned(state);
      const { problemId, reply, files, repliedByUnitId } = command.data;
      if (repliedByUnitId !== problem.responsibleUnitId)
        throw new IllegalStateError(
          'REPLY_FROM_ANOTHER_UNIT',
          `Only the responsible unit answers the supervision order (督办) on problem ${problem.ledgerNumber}.`,
          { field: 'repliedByUnitId' },
        );
      const open = problem.openSupervision;
      if (open === null) {
        const last = problem.lastSupervisionReply;
        if (last !== null && last.supervisionCount === problem.supervisionCount && last.reply === reply) return [];
        throw new IllegalStateError(
          'NO_OPEN_SUPERVISION',
          `Problem ${problem.ledgerNumber} has no supervision order (督办) waiting for a reply.`,
        );
      }
      return [{ type: 'SupervisionReplied', data: { problemId, supervisionCount: open.supervisionCount, reply, files, repliedOn: today } }];
    }

    case 'ConfirmConsolidation': {
      const problem = mustBeAssigned(state);
      if (command.data.checkedByUnitId !== null && command.data.checkedByUnitId === problem.responsibleUnitId)
        throw new IllegalStateError(
          'CHECKER_IS_RESPONSIBLE_UNIT',
          `The responsible unit cannot confirm the consolidation (巩固) of its own problem ${problem.ledgerNumber}.`,
          { field: 'checkedByUnitId' },
        );
      if (problem.status !== 'closed')
        throw new IllegalStateError(
          'PROBLEM_NOT_CLOSED',
          `Problem ${problem.ledgerNumber} is not closed (销号), so there is no 回头看 to record.`,
        );
      if (problem.consolidation === 'confirmed') return [];
      return [{ type: 'ConsolidationConfirmed', data: { ...command.data, confirmedOn: today } }];
    }

    case 'LinkProblem': {
      if (state.status === 'not_raised') throw new IllegalStateError('PROBLEM_NOT_RAISED', 'There is no such problem.');
      const { problemId, earlierProblemId, kind, earlierRaisedOn } = command.data;
      if (earlierProblemId === problemId)
        throw new ValidationError('LINK_TO_ITSELF', `Problem ${state.ledgerNumber} cannot be linked to itself.`, {
          field: 'earlierProblemId',
        });
      if (earlierRaisedOn > state.raisedOn)
        throw new ValidationError(
          'LINK_TO_LATER_PROBLEM',
          `The problem to link was raised on ${earlierRaisedOn}, after ${state.ledgerNumber} (${state.raisedOn}): link the later problem to the earlier one.`,
          { field: 'earlierProblemId' },
        );
      if (state.recurrenceOf === earlierProblemId) return [];
      if (kind === 'related' && state.relatedTo.includes(earlierProblemId)) return [];
      if (kind === 'recurrence' && state.recurrenceOf !== null)
        throw new IllegalStateError(
          'RECURRENCE_ALREADY_LINKED',
          `Problem ${state.ledgerNumber} is already linked as a recurrence (复发) of another problem; link this one as related (相关) instead.`,
          { field: 'earlierProblemId' },
        );
      return [{ type: 'ProblemLinked', data: { problemId, earlierProblemId, kind } }];
    }

    case 'ChangeCoResponsibleUnits': {
      const problem = mustBeOpen(state);
      const { problemId, coResponsibleUnitIds } = command.data;
      leadNotCoResponsible(problem.responsibleUnitId, coResponsibleUnitIds);
      if (sameUnits(problem.coResponsibleUnitIds, coResponsibleUnitIds)) return [];
      return [{ type: 'CoResponsibleUnitsChanged', data: { problemId, coResponsibleUnitIds } }];
    }

    case 'TransferProblem': {
      const problem = mustBeOpen(state);
      const { problemId, toUnitId, responsiblePerson, reason } = command.data;
      if (toUnitId === problem.responsibleUnitId)
        throw new ValidationError(
          'TRANSFER_TO_SAME_UNIT',
          `Problem ${problem.ledgerNumber} is already with that unit: transfer (转办) it to another lead unit.`,
          { field: 'toUnitId' },
        );
      return [
        { type: 'ProblemTransferred', data: { problemId, fromUnitId: problem.responsibleUnitId, toUnitId, responsiblePerson, reason } },
      ];
    }

    case 'RequestExtension': {
      const problem = mustBeOpen(state);
      const { problemId, requestedByUnitId, proposedDeadline, reason } = command.data;
      if (requestedByUnitId !== problem.responsibleUnitId)
        throw new IllegalStateError(
          'REQUEST_FROM_ANOTHER_UNIT',
          `Only the lead unit (牵头单位) of problem ${problem.ledgerNumber} requests an extension of its deadline.`,
          { field: 'requestedByUnitId' },
        );
      if (problem.deadline === null)
        throw new IllegalStateError('NO_DEADLINE', `Problem ${problem.ledgerNumber} has no deadline to extend yet.`);
      const pending = problem.extensionRequest?.status === 'pending' ? problem.extensionRequest : null;
      if (pending !== null) {
        if (pending.unitId === requestedByUnitId && pending.proposedDeadline === proposedDeadline && pending.reason === reason) return [];
        throw new IllegalStateError(
          'EXTENSION_REQUEST_PENDING',
          `Problem ${problem.ledgerNumber} already has an extension request (延期申请) waiting for the office's answer.`,
        );
      }
      if (proposedDeadline <= problem.deadline)
        throw new ValidationError(
          'EXTENSION_NOT_LATER',
          `The day asked for must be after the current deadline ${problem.deadline}, not ${proposedDeadline}.`,
          { field: 'proposedDeadline' },
        );
      const requestNumber = (problem.extensionRequest?.requestNumber ?? 0) + 1;
      return [
        {
          type: 'ExtensionRequested',
          data: { problemId, requestNumber, unitId: requestedByUnitId, currentDeadline: problem.deadline, proposedDeadline, reason },
        },
      ];
    }

    case 'PostInstruction': {
      const problem = mustBeAssigned(state);
      const { problemId, text, files, replyTo } = command.data;
      if (replyTo !== null && replyTo > problem.comments.length)
        throw new ValidationError('COMMENT_NOT_FOUND', `Problem ${problem.ledgerNumber} has no comment number ${replyTo}.`, {
          field: 'replyTo',
        });
      const commentNumber = problem.comments.length + 1;
      return [
        {
          type: 'CommentPosted',
          data: { problemId, commentNumber, kind: 'instruction', text, files, replyTo, postedByUnitId: null, postedOn: today },
        },
      ];
    }

    case 'AnswerInstruction': {
      const problem = mustBeAssigned(state);
      const { problemId, text, files, replyTo, answeredByUnitId } = command.data;
      // The lead unit (牵头单位) or a co-responsible one (配合单位) answers.
      if (answeredByUnitId !== problem.responsibleUnitId && !problem.coResponsibleUnitIds.includes(answeredByUnitId ?? ''))
        throw new IllegalStateError(
          'ANSWER_FROM_ANOTHER_UNIT',
          `Only the lead or a co-responsible unit answers the instructions (批示) on problem ${problem.ledgerNumber}.`,
          { field: 'answeredByUnitId' },
        );
      const latest = problem.comments.lastIndexOf('instruction') + 1;
      if (latest === 0)
        throw new IllegalStateError('NO_INSTRUCTION_TO_ANSWER', `Problem ${problem.ledgerNumber} has no instruction (批示) to answer.`);
      const answers = replyTo ?? latest;
      if (answers > problem.comments.length)
        throw new ValidationError('COMMENT_NOT_FOUND', `Problem ${problem.ledgerNumber} has no comment number ${answers}.`, {
          field: 'replyTo',
        });
      if (problem.comments[answers - 1] !== 'instruction')
        throw new ValidationError(
          'ANSWER_TO_AN_ANSWER',
          `Comment ${answers} on ${problem.ledgerNumber} is an answer: answer an instruction (批示).`,
          {
            field: 'replyTo',
          },
        );
      const commentNumber = problem.comments.length + 1;
      return [
        {
          type: 'CommentPosted',
          data: {
            problemId,
            commentNumber,
            kind: 'answer',
            text,
            files,
            replyTo: answers,
            postedByUnitId: answeredByUnitId,
            postedOn: today,
          },
        },
      ];
    }

    case 'ApproveExtensionRequest':
    case 'RefuseExtensionRequest': {
      const problem = mustBeOpen(state);
      const request = problem.extensionRequest;
      if (request === null)
        throw new IllegalStateError('NO_PENDING_EXTENSION_REQUEST', `Problem ${problem.ledgerNumber} has no extension request to decide.`);
      const approve = command.type === 'ApproveExtensionRequest';
      if (request.status !== 'pending') {
        // Deciding again as it was decided is a retry: nothing new. The other answer is refused.
        const same = approve ? request.status === 'approved' : request.status === 'refused' && request.refusal === command.data.reason;
        if (same) return [];
        throw new IllegalStateError(
          'EXTENSION_REQUEST_DECIDED',
          `The extension request on problem ${problem.ledgerNumber} was already ${request.status}.`,
        );
      }
      const { problemId } = command.data;
      const { requestNumber } = request;
      if (!approve) return [{ type: 'ExtensionRequestRefused', data: { problemId, requestNumber, reason: command.data.reason } }];
      // The deadline moved since the request (the office extended it itself): the request asks for nothing later.
      if (problem.deadline !== null && request.proposedDeadline <= problem.deadline)
        throw new IllegalStateError(
          'EXTENSION_REQUEST_OUTDATED',
          `The day asked for (${request.proposedDeadline}) is not after the deadline now in force (${problem.deadline}); refuse the request instead.`,
        );
      return [
        { type: 'ExtensionRequestApproved', data: { problemId, requestNumber } },
        {
          type: 'DeadlineExtended',
          data: {
            problemId,
            previousDeadline: problem.deadline ?? request.proposedDeadline,
            deadline: request.proposedDeadline,
            workingDays: null,
            reason: request.reason,
            extensionCount: problem.extensionCount + 1,
          },
        },
      ];
    }

    case 'RecordMigratedFacts': {
      if (state.status === 'not_raised') throw new IllegalStateError('PROBLEM_NOT_RAISED', 'There is no such problem.');
      const { problemId, importId, status, responsibleUnitId, responsiblePerson, coResponsibleUnitIds, deadline, closedOn } = command.data;
      // Its facts recorded already (this import, or the same list in another shape): nothing more to add.
      if (isAssigned(state) && state.migratedFrom !== undefined) return [];
      if (isAssigned(state) || state.migratedFrom === undefined)
        throw new IllegalStateError(
          'NOT_A_MIGRATED_PROBLEM',
          `Problem ${state.ledgerNumber} was not brought in from a ledger, or has moved on since: its facts are recorded as they happen.`,
        );
      leadNotCoResponsible(responsibleUnitId, coResponsibleUnitIds);
      if (status === 'closed' && closedOn === null)
        throw new ValidationError('CLOSED_ON_REQUIRED', 'A closed (销号) row needs its 销号时间.', { field: 'closedOn' });
      if (status !== 'closed' && closedOn !== null)
        throw new ValidationError('CLOSED_ON_OF_OPEN_ROW', `A row that is not closed has no 销号时间 (${closedOn}).`, {
          field: 'closedOn',
        });
      if (closedOn !== null && closedOn < state.raisedOn)
        throw new ValidationError('CLOSED_BEFORE_RAISE', `The 销号时间 ${closedOn} is before the 交办日期 ${state.raisedOn}.`, {
          field: 'closedOn',
        });
      if (closedOn !== null && closedOn > today)
        throw new ValidationError('CLOSED_ON_IN_FUTURE', `The 销号时间 ${closedOn} is after today (${today}).`, { field: 'closedOn' });
      if (deadline !== null && deadline < state.raisedOn)
        throw new ValidationError(
          'DEADLINE_BEFORE_RAISE_DATE',
          `The deadline ${deadline} is before the day the problem was raised (${state.raisedOn}).`,
          { field: 'deadline' },
        );
      // Each fact on the business day it stands for: handed to the unit on its 交办日期, fixed and closed on its 销号时间.
      const raised = { importId, on: state.raisedOn };
      const events: ProblemEvent[] = [
        {
          type: 'ProblemAssigned',
          data: { problemId, responsibleUnitId, responsiblePerson, leadingOfficial: null, coResponsibleUnitIds, migrated: raised },
        },
      ];
      if (deadline !== null) events.push({ type: 'DeadlineSet', data: { problemId, deadline, workingDays: null, migrated: raised } });
      if (status === 'open') return events;
      events.push({ type: 'AssignmentAcknowledged', data: { problemId, acknowledgedBy: responsiblePerson, migrated: raised } });
      if (status === 'rectifying' || closedOn === null) return events;
      const closed = { importId, on: closedOn };
      const note = '迁移导入：原台账记载已整改销号。';
      events.push(
        { type: 'RectificationReported', data: { problemId, evidence: { description: note, files: [] }, migrated: closed } },
        {
          type: 'VerificationPassed',
          data: { problemId, verifierUnitId: MIGRATED_VERIFIER_UNIT_ID, opinion: note, migrated: closed },
        },
        { type: 'ProblemClosed', data: { problemId, closedOn, migrated: closed } },
      );
      return events;
    }

    default:
      return assertNever(command);
  }
}

/** 牵头单位 is not also one of its own 配合单位. */
function leadNotCoResponsible(leadUnitId: string, coResponsibleUnitIds: readonly string[]): void {
  if (coResponsibleUnitIds.includes(leadUnitId))
    throw new ValidationError(
      'CO_RESPONSIBLE_IS_LEAD',
      'The lead unit (牵头单位) cannot also be one of its co-responsible units (配合单位).',
      {
        field: 'coResponsibleUnitIds',
      },
    );
}

/** The same units, in any order. */
function sameUnits(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** The decider of a problem (问题): what the command handler runs on its stream. */
export const problemDecider: Decider<ProblemState, ProblemCommand, ProblemEvent> = {
  decide: decideProblem,
  evolve: evolveProblem,
  initialState: initialProblemState,
};
