import type { RecordedEvent } from '../../eventstore/port.js';
import { type FactsState, problemFacts } from '../../projections/problemFacts.js';

/** The facts as of an instant: every event that occurred at or before it, folded in log order. */
export function factsAsOf(events: readonly RecordedEvent[], instant?: string): FactsState {
  const state = problemFacts.initial();
  const limit = instant ? Date.parse(instant) : Number.POSITIVE_INFINITY;
  for (const e of events) if (Date.parse(e.metadata.occurredAt) <= limit) problemFacts.apply(state, e);
  return state;
}

export const atInstant = (instant: string) => ({ instant, day: new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10) });
