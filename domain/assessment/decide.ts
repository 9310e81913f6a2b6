import { z } from 'zod';
import { countyDay } from '../shared/calendar.js';
import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError, assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import {
  type ApplicationState,
  AssessmentFinalized,
  AssessmentItemRecorded,
  type AssessmentEvent,
  type AssessmentState,
  ExemptionApplied,
  ExemptionGranted,
  evolveAssessment,
  initialAssessmentState,
} from './events.js';
import { Distinction } from './vocabulary.js';

/** A unit head applies for an exemption on a deduction of their own unit's card (`applicantUnitId`, from their account). */
export const ApplyForExemption = message('ApplyForExemption', 1, ExemptionApplied.data.extend({ applicantUnitId: Id }));
/**
 * The committee's own exemption (容错纠错 by the committee): an application it files and approves at
 * once, so there is one way a deduction is removed. The reason is the application's statement too.
 */
export const GrantExemption = message(
  'GrantExemption',
  1,
  ExemptionGranted.data.extend({ applicationId: Id, distinction: Distinction.nullable().default(null) }),
);
export const ApproveExemption = message(
  'ApproveExemption',
  1,
  ExemptionGranted.data
    .pick({ exemptionId: true, year: true, reason: true, approvedBy: true, resolvesTriggerId: true, resolvesProblemIds: true })
    .extend({
      applicationId: Id,
    }),
);
export const RefuseExemption = message(
  'RefuseExemption',
  1,
  z.object({ applicationId: Id, year: ExemptionGranted.data.shape.year, reasons: Text(2000), decidedBy: Name(100) }),
);
export const WithdrawExemptionApplication = message(
  'WithdrawExemptionApplication',
  1,
  z.object({ applicationId: Id, year: ExemptionGranted.data.shape.year, applicantUnitId: Id }),
);
/** `maxPoints`: the most points one item of its kind may give or take, by the policy in force. */
export const RecordAssessmentItem = message(
  'RecordAssessmentItem',
  1,
  AssessmentItemRecorded.data.extend({ maxPoints: z.number().min(0).max(100) }),
);
export const FinalizeAssessment = message('FinalizeAssessment', 1, AssessmentFinalized.data);
export const AssessmentCommand = z.discriminatedUnion('type', [
  GrantExemption.schema,
  FinalizeAssessment.schema,
  ApplyForExemption.schema,
  ApproveExemption.schema,
  RefuseExemption.schema,
  WithdrawExemptionApplication.schema,
  RecordAssessmentItem.schema,
]);
export type AssessmentCommand = z.infer<typeof AssessmentCommand>;

const lineKey = (a: { unitId: string; lineId: string }) => `${a.unitId}/${a.lineId}`;

function refuseIfFinalized(state: AssessmentState, year: number, what: string): void {
  if (state.finalized)
    throw new IllegalStateError(
      'ASSESSMENT_FINALIZED',
      `The ${year} assessment was finalized; its cards are fixed and take no more ${what}.`,
    );
}

function application(state: AssessmentState, applicationId: string): ApplicationState {
  const found = state.applications.get(applicationId);
  if (!found)
    throw new NotFoundError('APPLICATION_NOT_FOUND', `There is no exemption application ${applicationId} in this year.`, {
      field: 'applicationId',
    });
  return found;
}

/**
 * One application per deduction at a time: none while one is pending, none once the line is
 * exempted, and none after the committee refused one (its refusal, with reasons, is the answer; a
 * withdrawn application leaves the line free).
 */
function refuseSecondApplication(state: AssessmentState, a: { unitId: string; lineId: string }): void {
  const key = lineKey(a);
  if (state.exemptedLines.has(key))
    throw new IllegalStateError('ALREADY_EXEMPTED', `Line ${a.lineId} is already exempted.`, { field: 'lineId' });
  for (const other of state.applications.values()) {
    if (lineKey(other) !== key) continue;
    if (other.status === 'pending')
      throw new IllegalStateError('APPLICATION_PENDING', `An application on line ${a.lineId} is already waiting for the committee.`, {
        field: 'lineId',
      });
    if (other.status === 'refused')
      throw new IllegalStateError(
        'APPLICATION_REFUSED',
        `The committee refused the application on line ${a.lineId}; a line takes one answer.`,
        {
          field: 'lineId',
        },
      );
  }
}

/** A decided application: deciding it the same way again changes nothing; the other way, or a withdrawn one, is refused. */
function alreadyDecided(found: ApplicationState, asked: 'approved' | 'refused'): boolean {
  if (found.status === 'pending') return false;
  if (found.status === asked) return true;
  if (found.status === 'withdrawn')
    throw new IllegalStateError('APPLICATION_WITHDRAWN', 'The unit withdrew this application; there is nothing to decide.');
  throw new IllegalStateError('ALREADY_DECIDED', `The committee already ${found.status} this application.`);
}

/**
 * After finalization the year's cards are fixed: no more exemptions, applications or items, no
 * second finalization with other cards. Finalizing needs the year to be over in the county's
 * calendar, and no application left waiting for the committee. Granting an exemption already
 * granted, deciding an application the same way again, or finalizing again with the same cards,
 * changes nothing.
 */
export function decideAssessment(state: AssessmentState, command: AssessmentCommand, now: string): AssessmentEvent[] {
  switch (command.type) {
    case 'GrantExemption': {
      const { applicationId, distinction, resolvesTriggerId, resolvesProblemIds, ...exemption } = command.data;
      const { year, unitId, lineId, rule, problemId, eventIds, points, reason } = exemption;
      if (state.exemptedLines.has(lineKey(exemption))) return [];
      refuseIfFinalized(state, year, 'exemptions');
      refuseSecondApplication(state, exemption);
      const today = countyDay(now);
      return [
        {
          type: 'ExemptionApplied',
          data: {
            applicationId,
            ...{ year, unitId, lineId, rule, problemId, eventIds, points },
            applicantUnitId: null,
            distinction,
            statement: reason,
            files: [],
            appliedOn: today,
            reviewBy: today,
            reviewDays: 0,
            reviewDayKind: 'calendar',
          },
        },
        { type: 'ExemptionGranted', data: { ...exemption, applicationId, resolvesTriggerId, resolvesProblemIds } },
      ];
    }
    case 'ApplyForExemption': {
      const { applicantUnitId, ...applied } = command.data;
      if (state.applications.has(applied.applicationId)) return [];
      refuseIfFinalized(state, applied.year, 'exemption applications');
      if (applicantUnitId !== applied.unitId)
        throw new ForbiddenError('FORBIDDEN', 'A unit head applies for exemptions on their own unit’s card only.', {
          field: 'unitId',
          reason: 'OUTSIDE_YOUR_UNIT',
        });
      if (applied.distinction === null)
        throw new ValidationError('DISTINCTION_REQUIRED', 'Say which of the three distinctions (三个区分开来) the mistake falls under.', {
          field: 'distinction',
        });
      if (applied.reviewBy < applied.appliedOn)
        throw new ValidationError('REVIEW_BEFORE_FILING', 'The review deadline cannot come before the day of filing.', {
          field: 'reviewBy',
        });
      refuseSecondApplication(state, applied);
      return [{ type: 'ExemptionApplied', data: { ...applied, applicantUnitId } }];
    }
    case 'ApproveExemption': {
      const { applicationId, year } = command.data;
      const found = application(state, applicationId);
      if (alreadyDecided(found, 'approved')) return [];
      refuseIfFinalized(state, year, 'exemptions');
      if (state.exemptedLines.has(lineKey(found)))
        throw new IllegalStateError('ALREADY_EXEMPTED', `Line ${found.lineId} is already exempted.`, { field: 'lineId' });
      const { unitId, lineId, rule, problemId, eventIds, points } = found;
      return [{ type: 'ExemptionGranted', data: { ...command.data, unitId, lineId, rule, problemId, eventIds, points } }];
    }
    case 'RefuseExemption': {
      const { applicationId, year, reasons, decidedBy } = command.data;
      const found = application(state, applicationId);
      if (alreadyDecided(found, 'refused')) return [];
      refuseIfFinalized(state, year, 'decisions');
      return [{ type: 'ExemptionRefused', data: { applicationId, year, unitId: found.unitId, lineId: found.lineId, reasons, decidedBy } }];
    }
    case 'WithdrawExemptionApplication': {
      const { applicationId, year, applicantUnitId } = command.data;
      const found = application(state, applicationId);
      if (found.applicantUnitId !== applicantUnitId)
        throw new ForbiddenError('FORBIDDEN', 'Only the unit that applied can withdraw its application.', {
          field: 'applicationId',
          reason: 'OUTSIDE_YOUR_UNIT',
        });
      if (found.status === 'withdrawn') return [];
      if (found.status !== 'pending')
        throw new IllegalStateError(
          'ALREADY_DECIDED',
          `The committee already ${found.status} this application; it can no longer be withdrawn.`,
        );
      refuseIfFinalized(state, year, 'withdrawals');
      return [{ type: 'ExemptionApplicationWithdrawn', data: { applicationId, year, unitId: found.unitId, lineId: found.lineId } }];
    }
    case 'RecordAssessmentItem': {
      const { maxPoints, ...item } = command.data;
      if (state.items.has(item.itemId)) return [];
      refuseIfFinalized(state, item.year, 'assessment items');
      if (countyDay(now) < `${item.year}-01-01`)
        throw new ValidationError('YEAR_NOT_STARTED', `The ${item.year} assessment year has not begun.`, { field: 'year' });
      if (Math.abs(item.points) > maxPoints)
        throw new ValidationError(
          'POINTS_OUT_OF_RANGE',
          `The policy allows at most ${maxPoints} points, up or down, for one item of this kind.`,
          {
            field: 'points',
          },
        );
      return [{ type: 'AssessmentItemRecorded', data: item }];
    }
    case 'FinalizeAssessment': {
      const { year, cardsHash } = command.data;
      if (state.finalized?.cardsHash === cardsHash) return [];
      if (state.finalized)
        throw new IllegalStateError('ALREADY_FINALIZED', `The ${year} assessment was already finalized; its cards are fixed.`);
      if (countyDay(now) <= `${year}-12-31`)
        throw new ValidationError('YEAR_NOT_OVER', `The ${year} assessment can be finalized only after 31 December ${year}.`, {
          field: 'year',
        });
      const pending = [...state.applications.values()].filter((a) => a.status === 'pending').length;
      if (pending > 0)
        throw new IllegalStateError(
          'APPLICATIONS_PENDING',
          `${pending} exemption application(s) of ${year} still wait for the committee's decision; decide them before finalizing.`,
        );
      return [{ type: 'AssessmentFinalized', data: command.data }];
    }
    default:
      return assertNever(command);
  }
}

/** The decider of a year's assessment (年度考核): what the command handler runs on its stream. */
export const assessmentDecider: Decider<AssessmentState, AssessmentCommand, AssessmentEvent> = {
  decide: decideAssessment,
  evolve: evolveAssessment,
  initialState: initialAssessmentState,
};
