import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { type FactsState, problemFacts } from '../../projections/problemFacts.js';
import { ReadModels } from '../../projections/readModels.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { MemorySnapshotStore, stateHash } from '../../projections/snapshots.js';
import { generateCounty } from '../support/countyLog.js';

/**
 * The as-of history made before the runner's start (as the application makes it, issue 12): it
 * follows the runner's fold of the log instead of reading the log a second time, unless the start
 * went on from a snapshot of the facts (then it folds up to there itself). Either way its answers are
 * a replay of the whole log's.
 */
const county = generateCounty({ problems: 400 });
const EVERY = 500;
const instants = ['2019-03-10T12:00:00+08:00', '2019-09-01T00:00:00+08:00', '2020-06-15T08:00:00+08:00', '2020-12-20T18:00:00+08:00'];

function fullReplay(events: readonly RecordedEvent[], ms: number): FactsState {
  const state = problemFacts.initial();
  for (const e of events) if (Date.parse(e.metadata.occurredAt) <= ms) problemFacts.apply(state, e);
  return state;
}

/** Counts the events the history reads itself: its reads are of REPLAY_SLICE (250) events, the runner's are not. */
function countHistoryReads(store: EventStore): { read: number } {
  const counter = { read: 0 };
  const readAll = store.readAll.bind(store);
  store.readAll = async (options) => {
    const events = await readAll(options);
    if (options?.maxCount === 250) counter.read += events.length;
    return events;
  };
  return counter;
}

async function expectReplayAnswers(readModels: ReadModels, store: EventStore): Promise<void> {
  const recorded = await store.readAll({ maxCount: county.entries.length + 1 });
  for (const instant of instants) {
    const expected = fullReplay(recorded, Date.parse(instant));
    expect(expected.problems.size).toBeGreaterThan(0);
    expect(stateHash(await readModels.factsAsOf(instant)), instant).toBe(stateHash(expected));
  }
}

describe('the as-of history made before the runner starts', () => {
  it('follows the fold of a start from the first event: snapshots along the log, the log not read again, answers as a replay', async () => {
    const store = new MemoryEventStore();
    for (const { streamId, event } of county.entries) await store.appendToStream(streamId, [event], 'any');
    const reads = countHistoryReads(store);
    const runner = new ProjectionRunner(store, [problemFacts]);
    const readModels = new ReadModels(store, runner, { historyEvery: EVERY });
    await runner.start();
    await readModels.historyReady();
    const positions = (readModels as unknown as { history: { snapshots: { position: number }[] } }).history.snapshots.map(
      (s) => s.position,
    );
    expect(positions.length).toBeGreaterThanOrEqual(Math.floor(county.entries.length / EVERY) - 1);
    expect(reads.read).toBe(0);
    await expectReplayAnswers(readModels, store);
    readModels.stop();
    await runner.stop();
  });

  it('thins its snapshots once they hold more problem records than allowed, and still answers as a replay', async () => {
    const store = new MemoryEventStore();
    for (const { streamId, event } of county.entries) await store.appendToStream(streamId, [event], 'any');
    type History = { snapshots: { problems: unknown[] }[]; records(): number };
    const historyOf = (readModels: ReadModels) => (readModels as unknown as { history: History }).history;
    const runner = new ProjectionRunner(store, [problemFacts]);
    const unbounded = new ReadModels(store, runner, { historyEvery: EVERY });
    // 400 problems: a budget of 1,500 records is a few snapshots of the whole county.
    const readModels = new ReadModels(store, runner, { historyEvery: EVERY, historyRecords: 1_500 });
    await runner.start();
    await Promise.all([unbounded.historyReady(), readModels.historyReady()]);
    const [all, history] = [historyOf(unbounded), historyOf(readModels)];
    expect(all.records()).toBeGreaterThan(1_500);
    expect(history.records()).toBe(history.snapshots.reduce((n, s) => n + s.problems.length, 0));
    expect(history.records()).toBeLessThanOrEqual(1_500);
    expect(history.snapshots.length).toBeGreaterThan(1);
    expect(history.snapshots.length).toBeLessThan(all.snapshots.length);
    await expectReplayAnswers(readModels, store);
    for (const r of [unbounded, readModels]) r.stop();
    await runner.stop();
  });

  it('folds the log itself up to where a start restored the facts from a snapshot, then follows', async () => {
    const store = new MemoryEventStore();
    const half = Math.floor(county.entries.length / 2);
    for (const { streamId, event } of county.entries.slice(0, half)) await store.appendToStream(streamId, [event], 'any');
    const snapshots = new MemorySnapshotStore();
    const first = new ProjectionRunner(store, [problemFacts], { snapshots });
    await first.start({ useSnapshots: false });
    await first.snapshot();
    await first.stop();
    for (const { streamId, event } of county.entries.slice(half)) await store.appendToStream(streamId, [event], 'any');

    const reads = countHistoryReads(store);
    const runner = new ProjectionRunner(store, [problemFacts], { snapshots });
    const readModels = new ReadModels(store, runner, { historyEvery: EVERY });
    await runner.start();
    expect(runner.startedFrom(problemFacts)).toBeGreaterThan(0);
    await readModels.historyReady();
    // The events before the snapshot it read itself (the runner did not fold them again).
    expect(reads.read).toBeGreaterThanOrEqual(runner.startedFrom(problemFacts)!);
    await expectReplayAnswers(readModels, store);
    readModels.stop();
    await runner.stop();
  });
});
