import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { battleMap } from '../../projections/battleMap.js';
import { policyInForce } from '../../projections/policyInForce.js';
import { type FactsState, problemFacts } from '../../projections/problemFacts.js';
import { ReadModels } from '../../projections/readModels.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { stateHash } from '../../projections/snapshots.js';
import { generateCounty } from '../support/countyLog.js';
import { mapData } from '../support/mapData.js';

/**
 * As-of answers start from the history's snapshots (issue 12) and must be exactly what a replay of
 * the whole log gives. A generated county in time order, with some events recorded late (appended
 * at the end, dated where they belong), most of it in the log before the read models start (the
 * history folds it in the background), the rest appended while they follow.
 */
const county = generateCounty({ problems: 2_500 });
const late = county.entries.filter((_, i) => i > 200 && i % 97 === 0);
const inOrder = county.entries.filter((_, i) => !(i > 200 && i % 97 === 0));
const log = [...inOrder, ...late];
const EVERY = 1_000;
const instants = [
  '2019-01-20T12:00:00+08:00',
  '2019-05-01T00:00:00+08:00',
  '2019-11-11T11:11:11+08:00',
  '2020-02-29T23:59:59+08:00',
  '2020-07-15T08:00:00+08:00',
  '2020-12-30T18:00:00+08:00',
];

/** The reference: every event of the log, in order, kept when dated at or before the instant. */
function fullReplay(events: readonly RecordedEvent[], keep: (e: RecordedEvent) => boolean): FactsState {
  const state = problemFacts.initial();
  for (const e of events) if (keep(e)) problemFacts.apply(state, e);
  return state;
}

describe('as-of answers from the snapshots of the history', () => {
  const store = new MemoryEventStore();
  const runner = new ProjectionRunner(store, [problemFacts]);
  let readModels: ReadModels;
  let recorded: RecordedEvent[] = [];

  beforeAll(async () => {
    const before = Math.floor(log.length * 0.8);
    for (const { streamId, event } of log.slice(0, before)) await store.appendToStream(streamId, [event], 'any');
    await runner.start();
    readModels = new ReadModels(store, runner, { historyEvery: EVERY, mapSlice: 100 });
    // The rest arrives while the history folds in the background and then follows the runner.
    for (const { streamId, event } of log.slice(before)) await store.appendToStream(streamId, [event], 'any');
    await runner.waitFor(await store.headPosition(), 60_000);
    await readModels.historyReady();
    recorded = await store.readAll({ maxCount: log.length + 1 });
  }, 120_000);

  it('took snapshots along the whole log, before and after it caught up with the runner', () => {
    const positions = (readModels as unknown as { history: { snapshots: { position: number }[] } }).history.snapshots.map(
      (s) => s.position,
    );
    expect(recorded.length).toBe(log.length);
    expect(positions.length).toBeGreaterThanOrEqual(Math.floor(log.length / EVERY) - 1);
    expect(positions.at(-1)).toBeGreaterThan(log.length * 0.9);
  });

  it('answers as of every instant exactly as a replay of the whole log, late entries included, asked twice in another order', async () => {
    for (const order of [instants, [...instants].reverse()]) {
      for (const instant of order) {
        const ms = Date.parse(instant);
        const expected = fullReplay(recorded, (e) => Date.parse(e.metadata.occurredAt) <= ms);
        expect(expected.problems.size).toBeGreaterThan(0);
        expect(stateHash(await readModels.factsAsOf(instant)), instant).toBe(stateHash(expected));
      }
    }
  });

  it("answers as known on an instant, as of an instant (the scheduler's midnights), exactly as a replay of the whole log", async () => {
    const pairs = [
      [instants[4]!, instants[4]!],
      [instants[1]!, instants[1]!],
      [instants[5]!, instants[2]!],
      [instants[2]!, instants[3]!],
    ] as const;
    for (const [instant, knownOn] of pairs) {
      const ms = Date.parse(instant);
      const knownOnMs = Date.parse(knownOn);
      const expected = fullReplay(
        recorded,
        (e) => Date.parse(e.metadata.occurredAt) <= ms && Date.parse(e.metadata.occurredAt) <= knownOnMs,
      );
      expect(expected.problems.size).toBeGreaterThan(0);
      expect(stateHash(await readModels.factsAsOf(instant, knownOn)), `${instant} known on ${knownOn}`).toBe(stateHash(expected));
    }
  });

  it('answers as known on a late instant from a snapshot near it, reading a small part of the log', async () => {
    // Dated where three quarters of the log in time order stand: after most of it, before the last event.
    const instant = inOrder[Math.floor(inOrder.length * 0.75)]!.event.metadata.occurredAt;
    expect(Date.parse(instant)).toBeLessThan(readModels.live.latestMs);
    const readAll = store.readAll.bind(store);
    let read = 0;
    store.readAll = async (options) => {
      const events = await readAll(options);
      read += events.length;
      return events;
    };
    try {
      const ms = Date.parse(instant);
      const expected = fullReplay(recorded, (e) => Date.parse(e.metadata.occurredAt) <= ms);
      expect(stateHash(await readModels.factsAsOf(instant, instant))).toBe(stateHash(expected));
    } finally {
      store.readAll = readAll;
    }
    // From the snapshot before that instant, and on through the blocks holding an event dated by then (the late
    // entries, at the end): not the three quarters before it, as a replay keeping what was known then read.
    expect(read).toBeLessThan(recorded.length / 4);
  });

  it('answers at a position exactly as a replay of the log up to it', async () => {
    for (const position of [150, 4_321, 12_000, log.length - 300]) {
      const expected = fullReplay(recorded, (e) => e.position <= position);
      expect(stateHash(await readModels.factsAtPosition(position)), String(position)).toBe(stateHash(expected));
    }
  });

  it('leaves the live facts as they are: the replays copy what they change', () => {
    expect(stateHash(readModels.live)).toBe(stateHash(fullReplay(recorded, () => true)));
  });

  it('builds a map in slices exactly as at once: past, for one unit, and live while events arrive between the slices', async () => {
    const now = '2021-01-05T09:00:00+08:00';
    const unitId = [...readModels.live.problemsByUnit.keys()][3]!;
    for (const [asOf, unit] of [
      [instants[2]!, null],
      [instants[3]!, unitId],
    ] as const) {
      const { facts, at } = await readModels.at(asOf, now);
      await readModels.prepareBattleMap(facts, at, unit);
      expect(mapData(readModels.battleMap(facts, at, unit))).toEqual(mapData(battleMap(facts, at, policyInForce(facts, asOf), unit)));
    }
    const { facts, at } = await readModels.at(undefined, now);
    const preparing = readModels.prepareBattleMap(facts, at, null);
    const problemId = [...facts.problems.keys()][10]!;
    const metadata = { ...recorded[0]!.metadata, occurredAt: '2021-01-05T08:00:00+08:00' };
    await store.appendToStream(
      `problem-${problemId}`,
      [{ id: crypto.randomUUID(), type: 'DeadlineSet', data: { problemId, deadline: '2021-01-04' }, metadata }],
      'any',
    );
    await Promise.all([preparing, runner.waitFor(await store.headPosition())]);
    expect(facts.problems.get(problemId)!.deadline).toBe('2021-01-04');
    expect(mapData(readModels.battleMap(facts, at, null))).toEqual(mapData(battleMap(facts, at, policyInForce(facts, now), null)));
  });

  it('given only events that change no facts after the last one that did (a start’s own), when asked as of a midnight between, then the live facts answer it, as a replay would', async () => {
    const lastFact = readModels.live.latestMs;
    const changes = readModels.live.changes;
    const later = (days: number) => new Date(lastFact + days * 86_400_000).toISOString();
    const metadata = { ...recorded[0]!.metadata, occurredAt: later(10) };
    await store.appendToStream(
      'notifications-began',
      [{ id: crypto.randomUUID(), type: 'NotificationsBegan', data: { fromPosition: 0 }, metadata }],
      'any',
    );
    await runner.waitFor(await store.headPosition());
    const all = await store.readAll({ maxCount: log.length + 10 });
    expect(all.at(-1)!.type).toBe('NotificationsBegan');

    expect(readModels.live.changes).toBe(changes);
    expect(readModels.live.latestMs).toBe(lastFact);
    const midnight = later(1);
    const facts = await readModels.factsAsOf(midnight, midnight);
    expect(facts).toBe(readModels.live);
    expect(stateHash(facts)).toBe(stateHash(fullReplay(all, (e) => Date.parse(e.metadata.occurredAt) <= Date.parse(midnight))));
  });
});
