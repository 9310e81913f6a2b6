import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import type { FactsSnapshot } from '../../projections/factsHistory.js';
import { problemFacts } from '../../projections/problemFacts.js';
import { ReadModels } from '../../projections/readModels.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { MemorySnapshotStore } from '../../projections/snapshots.js';
import { generateCounty } from '../support/countyLog.js';

// Every sliced loop yields at each step, for a millisecond: the pass that hands the restored snapshots the runner's records
// then lasts long enough for the runner to apply an event in the middle of it, as it does at a million events.
vi.mock('../../projections/slices.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../projections/slices.js')>();
  return {
    ...actual,
    sliceClock: () => ({ due: () => true }),
    yieldToEventLoop: () => new Promise<void>((resolve) => setTimeout(resolve, 1)),
  };
});

type History = { snapshots: FactsSnapshot[]; source: unknown; sharing: Promise<void>; lastSnapshot: number; spacing: number };
const historyOf = (readModels: ReadModels) => (readModels as unknown as { history: History }).history;
const EVERY = 200;

describe('the as-of history handed the runner’s records while events arrive', () => {
  it('given an event that copies a record without changing it while the pass runs, when a later event changes that problem, then the snapshot that was handed the copy keeps what it held', async () => {
    const store = new MemoryEventStore();
    const snapshots = new MemorySnapshotStore();
    for (const { streamId, event } of generateCounty({ problems: 200 }).entries) await store.appendToStream(streamId, [event], 'any');
    const serve = () => {
      const runner = new ProjectionRunner(store, [problemFacts], { snapshots, log: () => undefined });
      return { runner, readModels: new ReadModels(store, runner, { historyEvery: EVERY, snapshots }) };
    };
    const first = serve();
    await first.runner.start();
    await first.readModels.historyReady();
    await first.runner.stop();
    first.readModels.stop();

    const { runner, readModels } = serve();
    await runner.start();
    const history = historyOf(readModels);
    // The history restored its snapshots and folded on to the runner; in the turn it hands over, the pass begins.
    while (history.source !== null) await new Promise((resolve) => setImmediate(resolve));
    let sharing = true;
    void history.sharing.then(() => {
      sharing = false;
    });
    const newest = history.snapshots.at(-1)!;
    const live = runner.state(problemFacts).problems;
    // The last problem the pass reaches in the newest snapshot whose record there says what the runner's says now.
    const at = newest.problems.findLastIndex((f) => isDeepStrictEqual(f, live.get(f.problemId)));
    expect(at).toBeGreaterThan(newest.problems.length / 2);
    const { problemId } = newest.problems[at]!;
    const [earlier] = await store.readAll({ maxCount: 1 });
    const metadata = { ...earlier!.metadata, occurredAt: '2021-01-05T08:00:00+08:00' };
    const append = async (type: string, data: Record<string, unknown>) => {
      await store.appendToStream(`problem-${problemId}`, [{ id: crypto.randomUUID(), type, data, metadata }], 'any');
      await runner.waitFor(await store.headPosition());
    };
    // No snapshot taken by these two events (a snapshot would make the runner copy every record again).
    expect(history.lastSnapshot + history.spacing).toBeGreaterThan((await store.headPosition()) + 2);

    // Copies the runner's record (the runner owns the copy) and changes nothing in it: equal to the snapshot's.
    await append('ProblemLinked', { problemId, earlierProblemId: newest.problems[0]!.problemId, kind: 'related' });
    expect(sharing).toBe(true);
    await readModels.historyReady();
    const handed = newest.problems[at]!;
    expect(handed).toBe(live.get(problemId));
    const deadline = handed.deadline;

    await append('DeadlineSet', { problemId, deadline: '2021-02-01' });
    expect(live.get(problemId)!.deadline).toBe('2021-02-01');
    expect(newest.problems[at]!.deadline).toBe(deadline);
    expect(deadline).not.toBe('2021-02-01');
    await runner.stop();
    readModels.stop();
  }, 120_000);
});
