import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { type ProblemEvent, type ProblemState, domainEventDefinitions, evolveProblem, initialProblemState } from '../../domain/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { generateCounty } from '../support/countyLog.js';

// V8's own test for two objects sharing a hidden class (map), allowed from here on: it is parsed when the function is made.
setFlagsFromString('--allow-natives-syntax');
const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/**
 * The ledger keeps every problem's state as `evolveProblem` made it (issue 12, memory): a state with a hidden class of its
 * own costs a map and its descriptors (some 1 KB) for that problem alone, made in V8's slow path. Until the fifty-seventh
 * round every 销号 made one (a spread adding `closedOn` and `consolidation`), and the ledger view copied every state again
 * to drop it.
 */
describe('problem states keep the hidden class they share', () => {
  it('given problems folded from the log as the read side reads it, when each is closed, then every closed state shares one hidden class', () => {
    // Given: a generated county's problems, each event's data as the log gives it back (JSON, then the schema codec).
    const decode = schemaCodec(domainEventDefinitions);
    const states = new Map<string, ProblemState>();
    const closed: ProblemState[] = [];
    const { entries } = generateCounty({ problems: 60 });
    for (const [position, { streamId, event }] of entries.entries()) {
      if (!streamId.startsWith('problem')) continue;
      const read = decode(JSON.parse(JSON.stringify({ ...event, streamId, revision: 0, position })) as RecordedEvent);
      // When: each event is folded, the 销号 among them.
      const state = evolveProblem(states.get(streamId) ?? initialProblemState, read as unknown as ProblemEvent);
      states.set(streamId, state);
      if (read.type === 'ProblemClosed') closed.push(state);
    }
    // Then: the county closed dozens of them, and every closed state has the first one's hidden class.
    expect(closed.length).toBeGreaterThan(30);
    expect(closed.every((state) => state.status === 'closed')).toBe(true);
    const apart = closed.filter((state) => !sameHiddenClass(state, closed[0]!));
    expect(apart.length).toBe(0);
  });
});
