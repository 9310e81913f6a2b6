import type { z } from 'zod';
import { CalendarDay, countyDay } from '../shared/calendar.js';
import { Id, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { assertNever } from '../shared/errors.js';
import { ProblemRaised, RaiseAssignment } from '../problem/events.js';
import { checkRaise } from '../problem/decide.js';
import {
  type LedgerNumberEvent,
  type LedgerSequenceState,
  evolveLedgerSequence,
  formatLedgerNumber,
  initialLedgerSequenceState,
} from './events.js';

/**
 * 取号: a raise asks its sequence for the next number. It carries the whole raise but the number; its
 * source and the county year of `raisedOn` (交办日期) name the sequence it is sent to. Two fields are
 * for the decision only and are not recorded: the named source document's date and the raiser's unit
 * (filled in by the application), which `checkRaise` holds the raise against.
 */
export const ReserveLedgerNumber = message(
  'ReserveLedgerNumber',
  1,
  ProblemRaised.data.omit({ ledgerNumber: true, fixedOnTheSpot: true }).extend({
    assignment: RaiseAssignment.nullable().default(null),
    /** 成文日期 of the source document named by `sourceDocumentId`; null when none is named. */
    sourceDocumentIssuedOn: CalendarDay.nullable().default(null),
    /** The unit of the person raising it (from the token): a 自查上报 is only for their own unit. */
    raisedByUnitId: Id.nullable().default(null),
  }),
);
export type ReserveLedgerNumber = z.infer<typeof ReserveLedgerNumber.schema>;

/**
 * Reserving checks the raise (`checkRaise`), takes the number after the last one given out, and the
 * reservation is the whole raise with that number (as equinox's Sequence: the decision is both the
 * number and the event). A raise retried with the same command id is recognised by the command
 * handler and reserves nothing new.
 */
export function decideLedgerNumber(state: LedgerSequenceState, command: ReserveLedgerNumber, now: string): LedgerNumberEvent[] {
  switch (command.type) {
    case 'ReserveLedgerNumber': {
      checkRaise(command.data, countyDay(now));
      const sequence = state.reserved + 1;
      const year = Number(command.data.raisedOn.slice(0, 4));
      const { problemId, assignment, sourceDocumentIssuedOn: _issuedOn, raisedByUnitId: _raisedBy, ...raise } = command.data;
      const fixedOnTheSpot = (assignment?.evidence ?? null) !== null;
      const raised = { problemId, ledgerNumber: formatLedgerNumber(raise.source, year, sequence), ...raise, fixedOnTheSpot };
      return [{ type: 'LedgerNumberReserved', data: { sequence, raised, assignment } }];
    }
    default:
      return assertNever(command.type);
  }
}

/** The decider of a ledger-number sequence (台账编号): what the command handler runs on its stream. */
export const ledgerNumberDecider: Decider<LedgerSequenceState, ReserveLedgerNumber, LedgerNumberEvent> = {
  decide: decideLedgerNumber,
  evolve: evolveLedgerSequence,
  initialState: initialLedgerSequenceState,
};
