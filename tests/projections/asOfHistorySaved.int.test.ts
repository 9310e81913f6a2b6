import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import type { ReadAllOptions, RecordedEvent } from '../../eventstore/port.js';
import { isDeepStrictEqual } from 'node:util';
import { type FactsSnapshot, HISTORY_SNAPSHOT, historyPart } from '../../projections/factsHistory.js';
import { type FactsState, type ProblemFacts, problemFacts } from '../../projections/problemFacts.js';
import { ReadModels } from '../../projections/readModels.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { MemorySnapshotStore, decodeSnapshot, encodeSnapshot, stateHash } from '../../projections/snapshots.js';
import { generateCounty } from '../support/countyLog.js';
import { largestMapDuring } from '../support/largestMap.js';

/**
 * The as-of history is saved after the read models' snapshots and restored with them (issue 12): a restart folds the
 * log on from the history's last snapshot instead of from the first event, and answers exactly as a replay of the
 * whole log. A history that does not belong to the log or to this version of the facts is discarded, and the log is
 * folded again.
 */
const county = generateCounty({ problems: 2_000 });
const late = county.entries.filter((_, i) => i > 200 && i % 97 === 0);
const log = [...county.entries.filter((_, i) => !(i > 200 && i % 97 === 0)), ...late];
const EVERY = 1_000;
const instants = ['2019-03-20T12:00:00+08:00', '2019-11-11T11:11:11+08:00', '2020-07-15T08:00:00+08:00', '2020-12-30T18:00:00+08:00'];

function fullReplay(events: readonly RecordedEvent[], keep: (e: RecordedEvent) => boolean): FactsState {
  const state = problemFacts.initial();
  for (const e of events) if (keep(e)) problemFacts.apply(state, e);
  return state;
}

type Server = { runner: ProjectionRunner; readModels: ReadModels };
const positionsOf = (readModels: ReadModels) =>
  (readModels as unknown as { history: { snapshots: { position: number }[] } }).history.snapshots.map((s) => s.position);

describe('the as-of history saved beside the read models’ snapshots', () => {
  const store = new MemoryEventStore();
  const snapshots = new MemorySnapshotStore();
  /** Every read of the log the servers make: where it started, how many events it gave. */
  const reads: { after: number; events: number }[] = [];
  const readAll = store.readAll.bind(store);
  store.readAll = async (options: ReadAllOptions) => {
    const events = await readAll(options);
    reads.push({ after: options.after ?? -1, events: events.length });
    return events;
  };
  /** Events read from positions at or before `position`, by reads of more than one event (not a snapshot's check). */
  const readUpTo = (position: number) => reads.filter((r) => r.after < position && r.events > 1).length;

  async function serve(): Promise<Server> {
    const runner = new ProjectionRunner(store, [problemFacts], { snapshots, log: () => undefined });
    const readModels = new ReadModels(store, runner, { historyEvery: EVERY, snapshots });
    await runner.start();
    await readModels.historyReady();
    return { runner, readModels };
  }
  async function stop({ runner, readModels }: Server): Promise<void> {
    await runner.stop();
    readModels.stop();
  }

  let first: number[] = [];
  let savedProblems = 0;
  let largestInSave = 0;
  let savedBeforeStop = false;
  let restarted: Server;
  let recorded: RecordedEvent[] = [];

  beforeAll(async () => {
    const before = Math.floor(log.length * 0.8);
    for (const { streamId, event } of log.slice(0, before)) await store.appendToStream(streamId, [event], 'any');
    const server = await serve();
    first = positionsOf(server.readModels);
    // The save the runner calls after its snapshots, called here alone to watch its maps (the stop's own then finds it done).
    const history = (server.readModels as unknown as { history: { save(): Promise<void>; snapshots: { problems: unknown[] }[] } }).history;
    savedProblems = history.snapshots.at(-1)!.problems.length;
    largestInSave = await largestMapDuring(() => history.save());
    savedBeforeStop = snapshots.saved.has(HISTORY_SNAPSHOT);
    await stop(server);
    // Written while no server runs: the restart folds them after the snapshots.
    for (const { streamId, event } of log.slice(before)) await store.appendToStream(streamId, [event], 'any');
    reads.length = 0;
    restarted = await serve();
    recorded = await readAll({ maxCount: log.length + 1 });
  }, 120_000);

  it('given a server stopped after its history took snapshots, when it starts again, then it restores them and folds only the log after the last', () => {
    expect(first.length).toBeGreaterThanOrEqual(Math.floor((log.length * 0.8) / EVERY) - 1);
    expect(snapshots.saved.has(HISTORY_SNAPSHOT)).toBe(true);
    const positions = positionsOf(restarted.readModels);
    expect(positions.slice(0, first.length)).toEqual(first);
    expect(positions.length).toBeGreaterThan(first.length);
    expect(positions.at(-1)).toBeGreaterThan(log.length * 0.9);
    expect(readUpTo(first.at(-1)!)).toBe(0);
  });

  it('given a history of more than a thousand problems, when it is saved, then no table of them all is grown in one piece', () => {
    expect(savedBeforeStop).toBe(true);
    expect(savedProblems).toBeGreaterThan(1_000);
    // A Map of every problem's place holds them all and doubles its table in one set; the save reads each place from the
    // map its snapshot was made over. (The largest Map left is the snapshot writer's table of the objects it walked: 851.)
    expect(largestInSave).toBeGreaterThan(0);
    expect(largestInSave).toBeLessThan(savedProblems);
  });

  it('answers as of every instant, as known on one, and at positions exactly as a replay of the whole log', async () => {
    for (const instant of instants) {
      const ms = Date.parse(instant);
      const expected = fullReplay(recorded, (e) => Date.parse(e.metadata.occurredAt) <= ms);
      expect(expected.problems.size).toBeGreaterThan(0);
      expect(stateHash(await restarted.readModels.factsAsOf(instant)), instant).toBe(stateHash(expected));
      expect(stateHash(await restarted.readModels.factsAsOf(instant, instant)), `${instant} known then`).toBe(stateHash(expected));
    }
    for (const position of [150, first.at(-1)! - 10, first.at(-1)! + 10, log.length - 300]) {
      const expected = fullReplay(recorded, (e) => e.position <= position);
      expect(stateHash(await restarted.readModels.factsAtPosition(position)), String(position)).toBe(stateHash(expected));
    }
    expect(stateHash(restarted.readModels.live)).toBe(stateHash(fullReplay(recorded, () => true)));
  });

  it('given the restored snapshots, when the history has caught up, then they hold the runner’s own record of each problem that says the same, and an event on it leaves them as they were', async () => {
    const history = (restarted.readModels as unknown as { history: { snapshots: FactsSnapshot[] } }).history.snapshots;
    const restoredLast = history[first.length - 1]!;
    const live = restarted.readModels.live.problems;
    const shared = restoredLast.problems.filter((f) => live.get(f.problemId) === f);
    expect(shared.length).toBeGreaterThan(restoredLast.problems.length / 2);
    expect(restoredLast.problems.filter((f) => f !== live.get(f.problemId) && isDeepStrictEqual(f, live.get(f.problemId)))).toEqual([]);

    const record = shared[0]!;
    const before = structuredClone(record);
    const metadata = { ...recorded[0]!.metadata, occurredAt: '2021-01-05T08:00:00+08:00' };
    await store.appendToStream(
      `problem-${record.problemId}`,
      [{ id: crypto.randomUUID(), type: 'DeadlineSet', data: { problemId: record.problemId, deadline: '2021-01-04' }, metadata }],
      'any',
    );
    await restarted.runner.waitFor(await store.headPosition());
    expect(live.get(record.problemId)!.deadline).toBe('2021-01-04');
    expect(restoredLast.problems.find((f) => f.problemId === record.problemId)).toEqual(before);
    recorded = await readAll({ maxCount: log.length + 10 });
    const instant = instants[2]!;
    const expected = fullReplay(recorded, (e) => Date.parse(e.metadata.occurredAt) <= Date.parse(instant));
    expect(stateHash(await restarted.readModels.factsAsOf(instant))).toBe(stateHash(expected));
  });

  it('given the restored snapshots, then a problem’s record holds the lists of its record in the snapshot before, or of the runner’s, wherever they say the same', () => {
    const history = (restarted.readModels as unknown as { history: { snapshots: FactsSnapshot[] } }).history.snapshots;
    const live = restarted.readModels.live.problems;
    const lists = (f: ProblemFacts) => Object.entries(f).filter(([, v]) => v !== null && typeof v === 'object') as [string, unknown][];
    let compared = 0;
    const copies: string[] = [];
    for (let k = 0; k < first.length; k++) {
      const { problems } = history[k]!;
      for (const [i, f] of problems.entries()) {
        const earlier = history[k - 1]?.problems[i];
        if (earlier === f) continue;
        for (const [key, list] of lists(f)) {
          for (const other of [earlier, live.get(f.problemId)]) {
            const theirs = other?.[key as keyof ProblemFacts];
            if (theirs === undefined || !isDeepStrictEqual(theirs, list)) continue;
            compared++;
            if (theirs !== list) copies.push(`${f.problemId} ${key} in snapshot ${k}`);
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(copies.slice(0, 5)).toEqual([]);
  });

  /** The saved history's index, or one of its parts, decoded, changed and written back. */
  const changeSaved = (name: string, change: (saved: ReturnType<typeof decodeSnapshot>) => ReturnType<typeof decodeSnapshot>) =>
    snapshots.saved.set(name, encodeSnapshot(change(decodeSnapshot(snapshots.saved.get(name)!))));

  it.each([
    // A stop between the parts and the index: the first part written by a save the index is not. (First: the cases after
    // it change the index, and a server that found nothing new to snapshot at its stop does not save it again.)
    ['whose first part belongs to another save', historyPart(0), { savedWith: { position: 0, eventId: crypto.randomUUID() } }],
    ['of another log (another event at its position)', HISTORY_SNAPSHOT, { eventId: crypto.randomUUID() }],
    ['of another version of the facts', HISTORY_SNAPSHOT, { version: problemFacts.version + 1 }],
  ])('given a saved history %s, when a server starts, then it is discarded and the log folded again', async (_, name, change) => {
    await stop(restarted);
    const index = decodeSnapshot(snapshots.saved.get(HISTORY_SNAPSHOT)!);
    expect(index.position).toBe(positionsOf(restarted.readModels).at(-1));
    expect((index.state as { parts: unknown[] }).parts).toHaveLength(positionsOf(restarted.readModels).length);
    changeSaved(name, (saved) =>
      'savedWith' in change ? { ...saved, state: { ...(saved.state as object), ...change } } : { ...saved, ...change },
    );
    reads.length = 0;
    restarted = await serve();
    expect(readUpTo(EVERY)).toBeGreaterThan(0);
    expect(positionsOf(restarted.readModels)[0]).toBe(first[0]);
    const instant = instants[1]!;
    const expected = fullReplay(recorded, (e) => Date.parse(e.metadata.occurredAt) <= Date.parse(instant));
    expect(stateHash(await restarted.readModels.factsAsOf(instant))).toBe(stateHash(expected));
  });
});
