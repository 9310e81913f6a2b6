import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { type FactsState, deadlinesOf, holdingsOf, problemFacts } from '../../projections/problemFacts.js';
import { ReadModels } from '../../projections/readModels.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { stateHash } from '../../projections/snapshots.js';
import { LogBuilder } from '../support/countyLog.js';
import {
  OTHER_TOWNSHIP,
  PROBLEM,
  TOWNSHIP,
  assigned,
  deadlineSet,
  raised,
  supervisionOrdered,
  supervisionReplied,
  transferred,
} from '../support/problemFixtures.js';

/**
 * The as-of history's snapshots share a problem's lists with the live facts (issue 12, aim 2): an
 * event after a snapshot (a 转办, a 督办 reply, a deadline) must not reach into the snapshot's
 * record. Asked as of an instant before those events, the answer is a replay of the log up to it.
 */
const day = (d: number) => `2019-03-${String(d).padStart(2, '0')}T09:00:00+08:00`;

function fullReplay(events: readonly RecordedEvent[], ms: number): FactsState {
  const state = problemFacts.initial();
  for (const e of events) if (Date.parse(e.metadata.occurredAt) <= ms) problemFacts.apply(state, e);
  return state;
}

describe("the as-of history and a problem's lists changed after a snapshot", () => {
  it('answers as of an instant before the transfer, the reply and the second deadline as a replay does', async () => {
    const log = new LogBuilder();
    const stream = `problem-${PROBLEM}`;
    for (const [d, e] of [
      [1, raised()],
      [2, assigned()],
      [3, deadlineSet('2019-06-30')],
      [4, supervisionOrdered(1)],
    ] as const)
      log.event(stream, e.type, e.data, day(d));
    // After the snapshots (every 2 positions) that hold the problem as it stands on day 4:
    for (const [d, e] of [
      [10, transferred(TOWNSHIP, OTHER_TOWNSHIP)],
      [11, supervisionReplied(1)],
      [12, deadlineSet('2019-07-31')],
    ] as const)
      log.event(stream, e.type, e.data, day(d));
    const store = new MemoryEventStore();
    const runner = new ProjectionRunner(store, [problemFacts]);
    await runner.start();
    const readModels = new ReadModels(store, runner, { historyEvery: 2 });
    for (const { streamId, event } of log.entries) await store.appendToStream(streamId, [event], 'any');
    await runner.waitFor(await store.headPosition(), 10_000);
    await readModels.historyReady();
    const recorded = await store.readAll({ maxCount: 100 });

    const asOf = day(5);
    const expected = fullReplay(recorded, Date.parse(asOf));
    const facts = expected.problems.get(PROBLEM)!;
    expect(holdingsOf(facts).map((h) => h.unitId)).toEqual([TOWNSHIP]);
    expect(facts.orders!.map((o) => o.reply)).toEqual([null]);
    expect(deadlinesOf(facts).map((d) => d.deadline)).toEqual(['2019-06-30']);
    expect(stateHash(await readModels.factsAsOf(asOf))).toBe(stateHash(expected));
    // And the live facts have all three.
    const live = readModels.live.problems.get(PROBLEM)!;
    expect(holdingsOf(live).map((h) => h.unitId)).toEqual([TOWNSHIP, OTHER_TOWNSHIP]);
    expect(live.orders![0]!.reply).not.toBeNull();
    expect(deadlinesOf(live).map((d) => d.deadline)).toEqual(['2019-06-30', '2019-07-31']);
    readModels.stop();
  });
});
