import { describe, expect, it, vi } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import { type FactsSnapshot, stateFrom } from '../../projections/factsHistory.js';
import { problemFacts } from '../../projections/problemFacts.js';
import { ReadModels } from '../../projections/readModels.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { stateHash } from '../../projections/snapshots.js';
import { generateCounty } from '../support/countyLog.js';
import { factsAsOf } from './fold.js';

// Every sliced loop yields at each step (a turn of the event loop): the history's capture of the runner's state is then
// spread over as many turns as it holds records, as it is at ten million events, where one capture in one block held the
// event loop 60–120 ms. The clock's questions are counted.
const asked = vi.hoisted(() => ({ due: 0 }));
vi.mock('../../projections/slices.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../projections/slices.js')>();
  return {
    ...actual,
    sliceClock: () => ({
      due: () => {
        asked.due += 1;
        return true;
      },
    }),
  };
});

const EVERY = 300;

describe('the as-of history’s snapshots of the runner’s state, taken in slices', () => {
  it('given a history following the runner’s fold, when each capture yields at every record, then the runner applies no event meanwhile: every snapshot holds the facts at its position', async () => {
    const store = new MemoryEventStore();
    for (const { streamId, event } of generateCounty({ problems: 150 }).entries) await store.appendToStream(streamId, [event], 'any');
    const runner = new ProjectionRunner(store, [problemFacts]);
    const readModels = new ReadModels(store, runner, { historyEvery: EVERY });
    await runner.start();
    await readModels.historyReady();

    const snapshots = (readModels as unknown as { history: { snapshots: FactsSnapshot[] } }).history.snapshots;
    const events = await store.readAll({ maxCount: 1_000_000 });
    expect(snapshots.length).toBeGreaterThanOrEqual(Math.floor(events.length / EVERY) - 1);
    // Sliced: the clock asked at least once for every record of every capture (a capture in one block never asks it).
    expect(asked.due).toBeGreaterThanOrEqual(snapshots.reduce((n, s) => n + s.problems.length, 0));
    for (const snapshot of snapshots) {
      const expected = factsAsOf(events.filter((e) => e.position <= snapshot.position));
      expect(snapshot.problems.length, `snapshot at ${snapshot.position}`).toBe(expected.problems.size);
      expect(stateHash(await stateFrom(snapshot)), `snapshot at ${snapshot.position}`).toBe(stateHash(expected));
    }
    readModels.stop();
    await runner.stop();
  });

  it('given a capture that fails, when the runner folds on, then the history stops and says so, the runner reaches the head, and as-of answers are still a replay of the log', async () => {
    const store = new MemoryEventStore();
    for (const { streamId, event } of generateCounty({ problems: 150 }).entries) await store.appendToStream(streamId, [event], 'any');
    // The first capture's copy of the facts other than the problems (units, policies, …: no problems) fails, as a part V8
    // cannot clone would; every other clone (the store's reads) is the real one.
    const clone = globalThis.structuredClone;
    let planted = false;
    const cloning = vi.spyOn(globalThis, 'structuredClone').mockImplementation((value, options) => {
      if (!planted && value !== null && typeof value === 'object' && 'units' in value && !('problems' in value)) {
        planted = true;
        throw new Error('planted: a part that cannot be cloned');
      }
      return clone(value, options);
    });
    const said = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const runner = new ProjectionRunner(store, [problemFacts]);
      const readModels = new ReadModels(store, runner, { historyEvery: EVERY });
      await runner.start();
      const events = await store.readAll({ maxCount: 1_000_000 });
      expect(runner.position).toBe(events.at(-1)!.position);
      expect(planted).toBe(true);
      expect(said.mock.calls.some(([message]) => String(message).includes('The as-of history stopped'))).toBe(true);
      expect((readModels as unknown as { history: { snapshots: FactsSnapshot[] } }).history.snapshots).toHaveLength(0);
      const instant = '2020-06-15T08:00:00+08:00';
      const expected = factsAsOf(events, instant);
      expect(expected.problems.size).toBeGreaterThan(0);
      expect(stateHash(await readModels.factsAsOf(instant))).toBe(stateHash(expected));
      readModels.stop();
      await runner.stop();
    } finally {
      cloning.mockRestore();
      said.mockRestore();
    }
  });
});
