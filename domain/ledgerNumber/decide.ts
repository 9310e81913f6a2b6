import type { z } from 'zod';
import { message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { assertNever } from '../shared/errors.js';
import { ProblemRaised } from '../problem/events.js';
import {
  type LedgerNumberEvent,
  type LedgerSequenceState,
  evolveLedgerSequence,
  formatLedgerNumber,
  initialLedgerSequenceState,
} from './events.js';

/**
 * 取号: a raise asks its sequence for the next number. It carries the whole raise but the number; its
 * source and the county year of `raisedOn` name the sequence it is sent to.
 */
export const ReserveLedgerNumber = message('ReserveLedgerNumber', 1, ProblemRaised.data.omit({ ledgerNumber: true }));
export type ReserveLedgerNumber = z.infer<typeof ReserveLedgerNumber.schema>;

/**
 * Reserving takes the number after the last one given out, and the reservation is the whole raise
 * with that number (as equinox's Sequence: the decision is both the number and the event). A raise
 * retried with the same command id is recognised by the command handler and reserves nothing new.
 */
export function decideLedgerNumber(state: LedgerSequenceState, command: ReserveLedgerNumber, _now: string): LedgerNumberEvent[] {
  switch (command.type) {
    case 'ReserveLedgerNumber': {
      const sequence = state.reserved + 1;
      const year = Number(command.data.raisedOn.slice(0, 4));
      const { problemId, ...raise } = command.data;
      const raised = { problemId, ledgerNumber: formatLedgerNumber(raise.source, year, sequence), ...raise };
      return [{ type: 'LedgerNumberReserved', data: { sequence, raised } }];
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
