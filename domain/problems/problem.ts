import { assertNever } from '../shared/errors.js';
import type { ProblemCategory, ProblemSource } from './vocabulary.js';
import type { ProblemEvent } from './events.js';

/** What is known about a problem once it is raised. */
export type RaisedFacts = {
  problemId: string;
  ledgerNumber: string;
  source: ProblemSource;
  category: ProblemCategory;
  description: string;
  raisedOn: string;
  recurrenceOf: string | null;
};

/** What is known once it is assigned to a responsible unit. */
export type AssignmentFacts = RaisedFacts & {
  responsibleUnitId: string;
  responsiblePerson: string;
  leadingOfficial: string | null;
  deadline: string | null;
  extensionCount: number;
  measures: string | null;
  rejectionCount: number;
  reopenCount: number;
  supervisionCount: number;
};

/**
 * A problem's life (the card's words first): raised → assigned → (acknowledged) rectifying →
 * awaiting verification → verified → closed (销号); a rejection goes back to rectifying, and a
 * reopened problem (巩固 failed) too.
 */
export type ProblemState =
  | { status: 'not_raised' }
  | ({ status: 'raised' } & RaisedFacts)
  | ({ status: 'assigned' } & AssignmentFacts)
  | ({ status: 'rectifying' } & AssignmentFacts)
  | ({ status: 'awaiting_verification' } & AssignmentFacts)
  | ({ status: 'verified' } & AssignmentFacts)
  | ({ status: 'closed'; closedOn: string } & AssignmentFacts);

export type ProblemStatus = ProblemState['status'];
export type AssignedProblem = Exclude<ProblemState, { status: 'not_raised' } | { status: 'raised' }>;

export const initialProblemState: ProblemState = { status: 'not_raised' };

export function isAssigned(state: ProblemState): state is AssignedProblem {
  return state.status !== 'not_raised' && state.status !== 'raised';
}

function assigned(state: ProblemState, event: ProblemEvent): AssignedProblem {
  if (!isAssigned(state)) throw new Error(`${event.type} on a problem that is not assigned`);
  return state;
}

export function evolveProblem(state: ProblemState, event: ProblemEvent): ProblemState {
  switch (event.type) {
    case 'ProblemRaised': {
      const { problemId, ledgerNumber, source, category, description, raisedOn, recurrenceOf } = event.data;
      return { status: 'raised', problemId, ledgerNumber, source, category, description, raisedOn, recurrenceOf };
    }
    case 'ProblemAssigned': {
      if (state.status === 'not_raised') throw new Error('ProblemAssigned before ProblemRaised');
      const previous = isAssigned(state) ? state : undefined;
      const { responsibleUnitId, responsiblePerson, leadingOfficial } = event.data;
      return {
        deadline: null,
        extensionCount: 0,
        measures: null,
        rejectionCount: 0,
        reopenCount: 0,
        supervisionCount: 0,
        ...state,
        ...previous,
        status: 'assigned',
        responsibleUnitId,
        responsiblePerson,
        leadingOfficial,
      };
    }
    case 'AssignmentAcknowledged':
      return { ...assigned(state, event), status: 'rectifying' };
    case 'DeadlineSet':
      return { ...assigned(state, event), deadline: event.data.deadline };
    case 'DeadlineExtended':
      return { ...assigned(state, event), deadline: event.data.deadline, extensionCount: event.data.extensionCount };
    case 'RectificationPlanSubmitted':
      return { ...assigned(state, event), measures: event.data.measures };
    case 'ProgressReported':
      return state;
    case 'RectificationReported':
      return { ...assigned(state, event), status: 'awaiting_verification' };
    case 'VerificationPassed':
      return { ...assigned(state, event), status: 'verified' };
    case 'VerificationRejected':
      return { ...assigned(state, event), status: 'rectifying', rejectionCount: event.data.rejectionCount };
    case 'ProblemClosed':
      return { ...assigned(state, event), status: 'closed', closedOn: event.data.closedOn };
    case 'ProblemReopened': {
      const { closedOn: _closedOn, ...rest } = assigned(state, event) as AssignedProblem & { closedOn?: string };
      return { ...rest, status: 'rectifying', reopenCount: event.data.reopenCount };
    }
    case 'SupervisionOrdered':
      return { ...assigned(state, event), supervisionCount: event.data.supervisionCount };
    default:
      return assertNever(event);
  }
}

/**
 * Overdue (逾期): the deadline's calendar day has passed in the county's calendar and the unit has
 * not reported the problem fixed (a report waiting for verification, or a verified or closed
 * problem, is not overdue).
 */
export function isOverdue(state: ProblemState, today: string): boolean {
  if (!isAssigned(state) || state.deadline === null) return false;
  if (state.status === 'awaiting_verification' || state.status === 'verified' || state.status === 'closed') return false;
  return today > state.deadline;
}
