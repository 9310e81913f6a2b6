import { GrowingMap } from '../../projections/growingMap.js';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/port.js';
import { type BattleMap, BattleMapAccumulator, battleMap } from '../../projections/battleMap.js';
import { policyInForce } from '../../projections/policyInForce.js';
import { type FactsState, problemFacts } from '../../projections/problemFacts.js';
import { generateCounty } from '../support/countyLog.js';
import { mapData } from '../support/mapData.js';

/**
 * The live map keeps its counts as numbers and its problems packed (issue 12, aim 2): followed event
 * by event, for the county and for one unit, it must say at every step what a map built afresh from
 * the same facts says (every count's size, its ledger numbers, `has`, the items in order); and a
 * problem that moves to another unit leaves one unit's map and joins the other's.
 */
const county = generateCounty({ problems: 200 });
const events = county.entries.map(({ streamId, event }, position) => ({ ...event, streamId, revision: 0, position })) as RecordedEvent[];
const day = '2020-03-31';
/**
 * A map as plain data, its items by ledger number: a unit's map built afresh lists them in the order of the unit's
 * problems, a live map in the order they came onto it (the readers sort them: `mapItems`, the wall).
 */
const asData = (map: BattleMap) => {
  const data = mapData(map);
  return { ...data, items: data.items.sort((a, b) => (a.ledgerNumber < b.ledgerNumber ? -1 : 1)) };
};
const at = { instant: `${day}T09:00:00+08:00`, day };

describe('the live map followed event by event', () => {
  it('equals the map built afresh from the same facts, for the county and for a unit, all along the log', () => {
    const state = problemFacts.initial();
    let policy = policyInForce(state, at.instant);
    const { responsibleUnitId } = county.entries.find((e) => e.event.type === 'ProblemAssigned')!.event.data as {
      responsibleUnitId: string;
    };
    const maps = [new BattleMapAccumulator(day, policy, null), new BattleMapAccumulator(day, policy, responsibleUnitId)];
    let compared = 0;
    events.forEach((event, i) => {
      problemFacts.apply(state, event);
      policy = policyInForce(state, at.instant);
      const problemId = (event.data as { problemId?: string }).problemId;
      const f = problemId === undefined ? undefined : state.problems.get(problemId);
      if (f) for (const map of maps) map.put(f);
      if (i % 97 !== 0 && i !== events.length - 1) return;
      for (const map of maps)
        expect(asData(map.result(at.instant)), `${map.unitId} at ${i}`).toEqual(asData(battleMap(state, at, map.policy, map.unitId)));
      compared++;
    });
    expect(compared).toBeGreaterThan(20);
    // The unit's map had problems, and not all the county's.
    const [whole, unit] = maps.map((m) => m.result(at.instant).tally.total.size);
    expect(unit).toBeGreaterThan(0);
    expect(unit).toBeLessThan(whole!);
  });

  it('moves a problem from one unit’s map to another’s when its unit changes, and back', () => {
    const state = problemFacts.initial();
    for (const event of events) problemFacts.apply(state, event);
    const policy = policyInForce(state, at.instant);
    const [from, to] = [...state.problemsByUnit.keys()] as [string, string];
    const moving = state.problems.get([...state.problemsByUnit.get(from)!][0]!)!;
    const maps = [null, from, to].map((unit) => {
      const map = new BattleMapAccumulator(day, policy, unit);
      for (const f of state.problems.values()) map.put(f);
      return map;
    });
    /** The facts with the moving problem under `unit`. */
    const movedTo = (unit: string): FactsState => {
      const problems = new GrowingMap(state.problems);
      problems.set(moving.problemId, { ...moving, unitId: unit });
      const problemsByUnit = new Map(
        [...state.problemsByUnit].map(([u, ids]) => [u, new Set([...ids].filter((id) => id !== moving.problemId))]),
      );
      problemsByUnit.get(unit)!.add(moving.problemId);
      return { ...state, problems, problemsByUnit };
    };
    for (const unit of [to, from]) {
      const facts = movedTo(unit);
      for (const map of maps) map.put(facts.problems.get(moving.problemId)!);
      for (const map of maps) {
        const live = map.result(at.instant);
        expect(asData(live), `${map.unitId} after the move to ${unit}`).toEqual(asData(battleMap(facts, at, policy, map.unitId)));
        if (map.unitId !== null) expect(live.tally.total.has(moving.ledgerNumber)).toBe(map.unitId === unit);
      }
    }
  });
});
