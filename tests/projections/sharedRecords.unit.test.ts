import { describe, expect, it } from 'vitest';
import { problemFacts, recordsShared } from '../../projections/problemFacts.js';
import { scenario } from './scenario.js';

/**
 * The as-of history holds the live facts' records as they are (issue 12, aim 2): once a state's records are
 * shared (`recordsShared`), an event copies a record before changing it, so the one held is never changed.
 */
describe('problem records shared with a snapshot', () => {
  const { builder } = scenario();
  const events = builder.recorded();

  it('given the records shared halfway through the log, then each record held then is as it was, and the state goes on as a fold', () => {
    const half = Math.floor(events.length / 2);
    const state = problemFacts.initial();
    for (const e of events.slice(0, half)) problemFacts.apply(state, e);
    const held = [...state.problems.values()];
    const asTheyWere = JSON.stringify(held);
    recordsShared(state);
    for (const e of events.slice(half)) problemFacts.apply(state, e);

    expect(JSON.stringify(held)).toBe(asTheyWere);
    const unshared = problemFacts.initial();
    for (const e of events) problemFacts.apply(unshared, e);
    expect(JSON.stringify([...state.problems])).toBe(JSON.stringify([...unshared.problems]));
    // A record changed after the sharing is a copy; one left alone is the one held.
    const changed = held.filter((f) => state.problems.get(f.problemId) !== f);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThanOrEqual(held.length);
  });
});
