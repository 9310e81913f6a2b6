import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../eventstore/port.js';
import { policyVersion } from '../policyInForce.js';
import { problemFacts } from '../problemFacts.js';
import { dayOf } from '../time.js';
import { scorecards } from './accumulator.js';
import type { Scorecard } from './card.js';

/*
 * Finalization (考核定档): the cards' canonical form and its hash, which the finalization freezes, and
 * the cards computed again from the log up to the pinned position, to check the frozen hash.
 */

/**
 * The cards' contents (scores, grades, ranks and every line) as one string: what finalization
 * freezes. Each card and each line is a JSON array, concatenated in order; its SHA-256 is the
 * finalization's `cardsHash`.
 */
export function cardsCanonical(cards: readonly Scorecard[]): string {
  const parts: string[] = [];
  for (const c of cards) {
    parts.push(JSON.stringify([c.unitId, c.year, c.policyVersion, c.score, c.grade, c.veto, c.rank]));
    for (const l of c.lines)
      parts.push(JSON.stringify([l.id, l.part, l.points, l.contribution, l.problemId, l.eventIds, l.exemption?.exemptionId ?? null]));
  }
  return parts.join('');
}

/** The SHA-256 of `cardsCanonical(cards)`. */
export function cardsHash(cards: readonly Scorecard[]): string {
  return createHash('sha256').update(cardsCanonical(cards)).digest('hex');
}

/** What a finalization pinned: enough to compute its cards again. */
export type FinalizationPin = { year: number; policyVersion: number; asOf: string; position: number };

/**
 * A finalized year's cards computed again from the log: only the events at or before the pinned
 * position, as of the pinned instant, under the pinned policy version. The same code the
 * finalization used, so an untouched log gives the same canonical string, hence the same hash.
 */
export function recomputeFinalized(
  events: Iterable<RecordedEvent>,
  pin: FinalizationPin,
): { cards: Scorecard[]; canonical: string; hash: string } {
  const facts = problemFacts.initial();
  for (const event of events) if (event.position <= pin.position) problemFacts.apply(facts, event);
  const at = { instant: pin.asOf, day: dayOf(pin.asOf) };
  const cards = scorecards(facts, pin.year, at, policyVersion(facts, pin.policyVersion));
  const canonical = cardsCanonical(cards);
  return { cards, canonical, hash: createHash('sha256').update(canonical).digest('hex') };
}
