import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import { BattleMapAccumulator, WALL_FROM_SLOTS, battleMap } from '../../projections/battleMap.js';
import { wallCells, wallMonths } from '../../projections/battleMapWall.js';
import { policyInForce } from '../../projections/policyInForce.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { generateCounty } from '../support/countyLog.js';
import { mapData } from '../support/mapData.js';
import { factsAsOf } from './fold.js';

/**
 * The live county map moves on to a new day by putting again only the problems whose light or
 * counts the passing days may change (issue 12): after every move it must equal a map built afresh
 * for that day from the same facts, under the default policy and under one with a 30-day horizon.
 */
const county = generateCounty({ problems: 300 });
const events = county.entries.map(({ streamId, event }, position) => ({ ...event, streamId, revision: 0, position })) as RecordedEvent[];
const facts = factsAsOf(events);
const instantOf = (day: string) => `${day}T09:00:00+08:00`;
const dayAfter = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('the live map moved to a new day', () => {
  const policies = [
    policyInForce(facts, instantOf('2019-01-01')),
    { version: 9, document: { ...defaultPolicy, lights: { ...defaultPolicy.lights, dueSoonDays: 30, yellowWhenExtended: false } } },
  ];
  for (const policy of policies)
    it(`equals the map built afresh on each day it moves to, from 2019-01-10 to 2021-03-01 (policy version ${policy.version})`, () => {
      let day = '2019-01-10';
      const accumulator = new BattleMapAccumulator(day, policy, null);
      for (const f of facts.problems.values()) accumulator.put(f);
      let moves = 0;
      for (let step = 0; day < '2021-03-01'; step++) {
        day = dayAfter(day, [1, 1, 3, 10][step % 4]!);
        accumulator.advanceTo(day, (id) => facts.problems.get(id));
        const fresh = battleMap(facts, { instant: instantOf(day), day }, policy, null);
        expect(mapData(accumulator.result(instantOf(day))), day).toEqual(mapData(fresh));
        moves++;
      }
      expect(moves).toBeGreaterThan(100);
      // The county's lights did change on the way: the test would see a missed wake-up.
      expect(battleMap(facts, { instant: instantOf('2019-06-01'), day: '2019-06-01' }, policy).tally.overdue.size).not.toBe(
        battleMap(facts, { instant: instantOf('2021-03-01'), day: '2021-03-01' }, policy).tally.overdue.size,
      );
    });

  it('moves forward only', () => {
    const accumulator = new BattleMapAccumulator('2020-01-02', policies[0]!, null);
    expect(() => accumulator.advanceTo('2020-01-02', () => undefined)).toThrow(RangeError);
  });
});

describe('the wall of a county map, summed in slices', () => {
  it('has one cell per unit and category, and every raise and standing closing in its month', async () => {
    const day = '2020-06-30';
    const map = battleMap(facts, { instant: instantOf(day), day }, policyInForce(facts, instantOf(day)), null);
    const cells = await wallCells(map, facts);
    const expectedCells = new Map<string, number>();
    const opened = new Map<string, number>();
    for (const f of facts.problems.values()) {
      if (f.unitId) expectedCells.set(`${f.unitId}/${f.category}`, (expectedCells.get(`${f.unitId}/${f.category}`) ?? 0) + 1);
      opened.set(f.raisedOn.slice(0, 7), (opened.get(f.raisedOn.slice(0, 7)) ?? 0) + 1);
    }
    expect(new Map(cells.map((c) => [`${c.unitId}/${c.category}`, c.red + c.yellow + c.green]))).toEqual(expectedCells);
    // In order of unit id, then category; each cell's ledger numbers sorted, and as many as it counts.
    const keys = cells.map((c) => [c.unitId, c.category]);
    expect(keys).toEqual([...keys].sort(([u1, c1], [u2, c2]) => (u1! < u2! ? -1 : u1! > u2! ? 1 : c1! < c2! ? -1 : 1)));
    for (const c of cells) {
      expect(c.ledgerNumbers).toEqual([...c.ledgerNumbers].sort());
      expect(c.ledgerNumbers.length).toBe(c.red + c.yellow + c.green);
    }
    const months = await wallMonths(map, facts);
    expect(new Map(months.filter((m) => m.opened > 0).map((m) => [m.month, m.opened]))).toEqual(opened);
  });

  it('is the same summed from a map’s packed problems as from its items and their facts, for the county and a unit', async () => {
    const day = '2020-06-30';
    const policy = policyInForce(facts, instantOf(day));
    const unitId = [...facts.problemsByUnit.keys()][2]!;
    for (const unit of [null, unitId]) {
      const maps = [new BattleMapAccumulator(day, policy, unit), new BattleMapAccumulator(day, policy, unit, { once: true })];
      for (const map of maps) for (const f of facts.problems.values()) map.put(f);
      for (const map of maps) {
        const fromSlots = map.result(instantOf(day));
        const cells = await wallCells(fromSlots, facts);
        expect(cells.length).toBeGreaterThan(unit === null ? 20 : 1);
        // Cells of more than one light: a light summed wrong would show.
        if (unit === null) expect(new Set(cells.map((c) => c.light)).size).toBeGreaterThan(1);
        // The same map without its way to sum from its problems: its items are summed, each with its facts' category.
        const { [WALL_FROM_SLOTS]: _fromSlots, ...itemsOnly } = fromSlots;
        expect(await wallCells(itemsOnly, facts)).toEqual(cells);
      }
    }
  });
});
