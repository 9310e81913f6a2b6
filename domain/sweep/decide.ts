import { z } from 'zod';
import { CalendarDay, countyDay } from '../shared/calendar.js';
import { IllegalStateError, NotFoundError, ValidationError, assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { ProblemCategory } from '../problem/vocabulary.js';
import { SweepAnswerKind, type SweepEvent, type SweepState, evolveSweep, initialSweepState } from './events.js';

/**
 * The office orders a sweep from one problem. The application fills in the origin's ledger number
 * and category, and the units (every township but the origin's own when none are chosen); an empty
 * list is the decision's to refuse, with its own words.
 */
export const OrderSweep = message(
  'OrderSweep',
  1,
  z.object({
    sweepId: Id,
    originProblemId: Id,
    originLedgerNumber: z.string().max(32),
    category: ProblemCategory,
    unitIds: z.array(Id).max(1000),
    answerBy: CalendarDay,
    instruction: Text(2000),
  }),
);
/** A unit answers (its head, for their own unit: the application takes the unit and the name from the token). */
export const AnswerSweep = message(
  'AnswerSweep',
  1,
  z.object({
    sweepId: Id,
    unitId: Id,
    answer: SweepAnswerKind,
    text: Text(5000),
    signedBy: Name(100),
    /** The self-report problem a "found" answer raises (its id follows from the command id); null for "none". */
    problemId: Id.nullable(),
  }),
);
export const CloseSweep = message('CloseSweep', 1, z.object({ sweepId: Id, reason: z.string().trim().max(2000).nullable().default(null) }));

export const SweepCommand = z.discriminatedUnion('type', [OrderSweep.schema, AnswerSweep.schema, CloseSweep.schema]);
export type SweepCommand = z.infer<typeof SweepCommand>;

function mustBeOrdered(state: SweepState): Exclude<SweepState, { status: 'not_ordered' }> {
  if (state.status === 'not_ordered') throw new NotFoundError('SWEEP_NOT_FOUND', 'There is no such sweep (举一反三排查).');
  return state;
}

/**
 * Decide what a sweep command means. Ordering is refused without units or with an answer-by day
 * already past; each asked unit answers once (the same answer again changes nothing, another one is
 * refused), never after the sweep was closed; closing twice changes nothing.
 */
export function decideSweep(state: SweepState, command: SweepCommand, now: string): SweepEvent[] {
  const today = countyDay(now);
  switch (command.type) {
    case 'OrderSweep': {
      if (state.status !== 'not_ordered') return [];
      const { unitIds, answerBy } = command.data;
      if (unitIds.length === 0)
        throw new ValidationError('SWEEP_WITHOUT_UNITS', 'A sweep must ask at least one unit.', { field: 'unitIds' });
      if (answerBy < today)
        throw new ValidationError('SWEEP_ANSWER_BY_PAST', `The answer-by day ${answerBy} is already past (today is ${today}).`, {
          field: 'answerBy',
        });
      return [{ type: 'SweepOrdered', data: { ...command.data, unitIds: [...new Set(unitIds)], orderedOn: today } }];
    }
    case 'AnswerSweep': {
      const sweep = mustBeOrdered(state);
      const { unitId, answer, problemId } = command.data;
      if ((answer === 'found') !== (problemId !== null))
        throw new ValidationError('SWEEP_ANSWER_PROBLEM_MISMATCH', 'A "found" answer raises a problem; a "none" answer raises none.', {
          field: 'problemId',
        });
      const earlier = sweep.answers.find((a) => a.unitId === unitId);
      if (earlier) {
        const same = earlier.answer === answer && earlier.text === command.data.text && earlier.problemId === problemId;
        if (same) return [];
        throw new IllegalStateError('SWEEP_ALREADY_ANSWERED', `This unit already answered the sweep on ${earlier.answeredOn}.`);
      }
      if (sweep.status === 'closed')
        throw new IllegalStateError('SWEEP_CLOSED', `The sweep was closed on ${sweep.closedOn} and takes no more answers.`);
      if (!sweep.unitIds.includes(unitId))
        throw new IllegalStateError('SWEEP_UNIT_NOT_ASKED', 'This unit was not asked by the sweep and cannot answer it.', {
          field: 'unitId',
        });
      return [{ type: 'SweepAnswered', data: { ...command.data, answeredOn: today } }];
    }
    case 'CloseSweep': {
      const sweep = mustBeOrdered(state);
      if (sweep.status === 'closed') return [];
      return [{ type: 'SweepClosed', data: { ...command.data, closedOn: today } }];
    }
    default:
      return assertNever(command);
  }
}

/** Whether a unit was asked and has not answered yet, on an open sweep: what its queue shows. */
export function awaitsAnswer(state: SweepState, unitId: string): boolean {
  return state.status === 'open' && state.unitIds.includes(unitId) && !state.answers.some((a) => a.unitId === unitId);
}

/** The decider of a sweep (举一反三排查): what the command handler runs on its stream. */
export const sweepDecider: Decider<SweepState, SweepCommand, SweepEvent> = {
  decide: decideSweep,
  evolve: evolveSweep,
  initialState: initialSweepState,
};
