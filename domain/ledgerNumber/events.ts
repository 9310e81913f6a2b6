import { z } from 'zod';
import { assertNever } from '../shared/errors.js';
import { message } from '../shared/messages.js';
import { ProblemRaised, RaiseAssignment } from '../problem/events.js';
import { type ProblemSource, sourceCode } from '../problem/vocabulary.js';

/**
 * Ledger numbers (台账编号, for 对账销号): one gap-free sequence per source and year, kept as its own
 * stream. Reserving a number appends to that stream with the revision just read, so two concurrent
 * raises cannot take the same number. The reservation carries the whole raise, so a raise that
 * stopped between the reservation and the problem's own first event is completed later: no gap.
 */
export const ledgerSequenceStreamId = (source: ProblemSource, year: number) => `ledger-${sourceCode[source]}-${year}`;

export function formatLedgerNumber(source: ProblemSource, year: number, sequence: number): string {
  return `${sourceCode[source]}-${year}-${String(sequence).padStart(3, '0')}`;
}

export const LedgerNumberReserved = message(
  'LedgerNumberReserved',
  1,
  z.object({
    sequence: z.number().int().positive(),
    /** The problem's first event, exactly as it is appended to the problem's own stream. */
    raised: ProblemRaised.data,
    /** The unit the raise assigns at once (自查上报, 立行立改), with the evidence of a fix on the spot; null before these existed. */
    assignment: RaiseAssignment.nullable().default(null),
  }),
);
export type LedgerNumberReserved = z.infer<typeof LedgerNumberReserved.schema>;
export const ledgerEventDefinitions = [LedgerNumberReserved] as const;
export type LedgerNumberEvent = LedgerNumberReserved;

/** A sequence: how many numbers it has given out (the last one's sequence; 0 before the first). */
export type LedgerSequenceState = { reserved: number };
export const initialLedgerSequenceState: LedgerSequenceState = { reserved: 0 };

export function evolveLedgerSequence(_state: LedgerSequenceState, event: LedgerNumberEvent): LedgerSequenceState {
  switch (event.type) {
    case 'LedgerNumberReserved':
      return { reserved: event.data.sequence };
    default:
      return assertNever(event.type);
  }
}
