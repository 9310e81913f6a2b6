import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import { battleMap } from '../../projections/battleMap.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { policyInForce } from '../../projections/policyInForce.js';
import { problemFacts } from '../../projections/problemFacts.js';
import { ReadModels } from '../../projections/readModels.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { scorecards } from '../../projections/scorecards/accumulator.js';
import { cardsHash } from '../../projections/scorecards/finalized.js';
import { MemorySnapshotStore, decodeSnapshot, encodeSnapshot, stateHash } from '../../projections/snapshots.js';
import { generateCounty } from '../support/countyLog.js';
import { type MapData, mapData } from '../support/mapData.js';
import { atInstant } from './fold.js';

/**
 * A generated county of over 100,000 events, written in time order while a runner follows it live.
 * Rebuilding from zero, restarting from a snapshot taken part-way, and live following must reach
 * the same state; the as-of battle map for an instant must equal the live map taken when the clock
 * stood at that instant.
 */
const county = generateCounty({ problems: 11_000 });
const instants = ['2019-06-30T18:00:00+08:00', '2020-03-31T09:00:00+08:00'];
const projections = [ledgerView, problemFacts];
const hashOf = (runner: ProjectionRunner) => [stateHash(runner.state(ledgerView)), stateHash(runner.state(problemFacts))];

describe('the projection runner on a generated log of over 100,000 events', () => {
  const store = new MemoryEventStore();
  const snapshots = new MemorySnapshotStore();
  const live = new ProjectionRunner(store, projections);
  const interrupted = new ProjectionRunner(store, projections, { snapshots, log: () => {} });
  const liveMaps = new Map<string, MapData>();
  const readModels = new ReadModels(store, live);
  let snapshotPosition = -1;

  beforeAll(async () => {
    await live.start();
    await interrupted.start();
    const stopAt = Math.floor(county.entries.length * 0.6);
    // Six hours before each instant (the same county day) the live county map is asked for once,
    // so that from then on it is kept current event by event; at the instant it is taken.
    const pending = instants.flatMap((instant) => [
      { instant: new Date(Date.parse(instant) - 6 * 3_600_000).toISOString(), take: null },
      { instant, take: instant },
    ]);
    for (const [i, { streamId, event }] of county.entries.entries()) {
      if (pending.length > 0 && Date.parse(event.metadata.occurredAt) > Date.parse(pending[0]!.instant)) {
        const { instant, take } = pending.shift()!;
        await live.waitFor(await store.headPosition(), 60_000);
        const map = readModels.battleMap(readModels.live, atInstant(instant), null);
        if (take) liveMaps.set(take, mapData(map));
        // From here on the 2020 cards are kept current event by event too.
        else if (instant.startsWith('2020'))
          readModels.scorecards(readModels.live, 2020, atInstant(instant), policyInForce(readModels.live, instant));
      }
      if (i === stopAt) {
        await interrupted.waitFor(await store.headPosition(), 60_000);
        await interrupted.stop(); // saves its snapshot here, part-way through the log
        snapshotPosition = interrupted.position;
      }
      await store.appendToStream(streamId, [event], 'any');
    }
    await live.waitFor(await store.headPosition(), 60_000);
  }, 120_000);

  afterAll(async () => {
    await live.stop();
  });

  it('holds more than 100,000 events', async () => {
    expect(county.entries.length).toBeGreaterThan(100_000);
    expect(await store.headPosition()).toBe(county.entries.length - 1);
  });

  it('reaches the same state by live following, by restarting from a snapshot, and by rebuilding from zero', async () => {
    const liveHash = hashOf(live);
    expect(snapshotPosition).toBeGreaterThan(50_000);

    const restarted = new ProjectionRunner(store, projections, { snapshots, log: () => {} });
    let replayed = 0;
    restarted.onApplied(() => replayed++);
    await restarted.start();
    expect(replayed).toBe(county.entries.length - 1 - snapshotPosition); // only what came after the snapshot
    expect(hashOf(restarted)).toEqual(liveHash);
    await restarted.stop();

    const fresh = new ProjectionRunner(store, projections, { snapshots, log: () => {} });
    await fresh.rebuild(); // from the first event, ignoring the snapshot it could have used
    expect(fresh.position).toBe(county.entries.length - 1);
    expect(hashOf(fresh)).toEqual(liveHash);
    await fresh.stop();

    expect(live.state(problemFacts).problems.size).toBe(11_000);
  }, 60_000);

  it('answers the battle map as of an instant exactly as the live map stood at that instant', async () => {
    expect(liveMaps.size).toBe(instants.length);
    for (const instant of instants) {
      const facts = await readModels.factsAsOf(instant);
      const asOf = mapData(battleMap(facts, atInstant(instant), policyInForce(facts, instant)));
      const then = liveMaps.get(instant)!;
      expect(then.tally.total.size).toBeGreaterThan(1000);
      expect(then.tally.overdue.size).toBeGreaterThan(0);
      expect(asOf).toEqual(then);
    }
  }, 60_000);

  it('keeps the live 2020 cards, followed event by event, equal to cards computed afresh', () => {
    const at = atInstant('2020-12-30T12:00:00+08:00');
    const policy = policyInForce(readModels.live, at.instant);
    const followed = readModels.scorecards(readModels.live, 2020, at, policy);
    const fresh = scorecards(readModels.live, 2020, at, policy);
    expect(followed.length).toBeGreaterThan(30);
    expect(followed.reduce((n, c) => n + c.lines.length, 0)).toBeGreaterThan(5000);
    expect(cardsHash(followed)).toBe(cardsHash(fresh));
    expect(followed).toEqual(fresh);
  });

  it('discards a snapshot written by another version of a projection', async () => {
    const store2 = new MemoryEventStore();
    for (const { streamId, event } of county.entries.slice(0, 500)) await store2.appendToStream(streamId, [event], 'any');
    const saved = new MemorySnapshotStore();
    const messages: string[] = [];
    const first = new ProjectionRunner(store2, [problemFacts], { snapshots: saved, log: (m) => messages.push(m) });
    await first.start();
    await first.stop();
    const snapshot = decodeSnapshot(saved.saved.get('problem-facts')!);
    expect(snapshot.position).toBe(499);
    // The same bytes, claimed by another version of the projection, must not be trusted by this one.
    const poisoned = problemFacts.initial();
    poisoned.changes = -1;
    const other = problemFacts.version + 1;
    await saved.save('problem-facts', encodeSnapshot({ ...snapshot, version: other, state: poisoned }));
    const second = new ProjectionRunner(store2, [problemFacts], { snapshots: saved, log: (m) => messages.push(m) });
    let applied = 0;
    second.onApplied(() => applied++);
    await second.start();
    expect(applied).toBe(500);
    expect(second.state(problemFacts).changes).toBeGreaterThan(0);
    expect(messages.some((m) => m.includes(`version ${other}, not ${problemFacts.version}`))).toBe(true);
    await second.stop();
  });
});
