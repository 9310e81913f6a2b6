import type { Light, ProblemCategory } from '../domain/index.js';
import { type BattleMap, type BattleMapItem, WALL_FROM_SLOTS, type WallTallies, addToWall } from './battleMap.js';
import { sliceClock, yieldToEventLoop } from './slices.js';
import type { FactsState } from './problemFacts.js';

/**
 * What the wall (挂图作战) draws beyond the map's own counts: the units × categories grid and the
 * problems opened and closed per month, summed from the map's problems with their facts at the map's
 * instant, so a client does not have to fetch every item of the county to draw them.
 */
export type WallCell = {
  unitId: string;
  category: ProblemCategory;
  light: Light;
  ledgerNumbers: string[];
  red: number;
  yellow: number;
  green: number;
};
export type WallMonth = { month: string; opened: number; closed: number };

/**
 * One cell per responsible unit and category that has problems, by unit id then category; a cell's
 * light is its worst item's. A map sums them from its packed problems; any other (a test's) from its
 * items and the facts.
 */
export async function wallCells(map: BattleMap, facts: FactsState): Promise<WallCell[]> {
  // A county's wall is summed in slices (issue 12).
  const clock = sliceClock();
  const fromSlots = map[WALL_FROM_SLOTS];
  const byUnit = fromSlots ? await fromSlots() : await sumItems(map, facts, clock);
  const ordered: WallCell[] = [];
  for (const unitId of [...byUnit.keys()].sort(byCodeUnits)) {
    const cells = byUnit.get(unitId)!;
    for (const category of [...cells.keys()].sort(byCodeUnits)) {
      const { ledgerNumbers, red, yellow, green } = cells.get(category)!;
      const light = red > 0 ? 'red' : yellow > 0 ? 'yellow' : 'green';
      ordered.push({ unitId, category, light, ledgerNumbers: [...ledgerNumbers].sort(), red, yellow, green });
      if (clock.due()) await yieldToEventLoop();
    }
  }
  return ordered;
}

/** A map's items summed by unit then category (the category from the facts), without a key string made per item. */
async function sumItems(map: BattleMap, facts: FactsState, clock: { due: () => boolean }): Promise<WallTallies> {
  const wall: WallTallies = new Map();
  for (const item of map.items()) {
    if (clock.due()) await yieldToEventLoop();
    const f = facts.problems.get(item.problemId);
    if (item.unitId && f) addToWall(wall, item.unitId, f.category, item.light, item.ledgerNumber);
  }
  return wall;
}

/** Strings in code-unit order (as `<` compares them). */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Problems raised and closed (and still closed) per month, oldest first; months with neither are left out. */
export async function wallMonths(map: BattleMap, facts: FactsState): Promise<WallMonth[]> {
  const months = new Map<string, WallMonth>();
  const bump = (day: string, key: 'opened' | 'closed') => {
    const month = day.slice(0, 7);
    const row = months.get(month) ?? { month, opened: 0, closed: 0 };
    row[key] += 1;
    months.set(month, row);
  };
  // A county's wall is summed in slices (issue 12).
  const clock = sliceClock();
  for (const item of map.items()) {
    if (clock.due()) await yieldToEventLoop();
    const f = facts.problems.get(item.problemId);
    if (!f) continue;
    bump(f.raisedOn, 'opened');
    if (f.status === 'closed' && f.closedOn) bump(f.closedOn, 'closed');
  }
  return [...months.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
}

/** A page of the map's items, of one light or all, in ledger-number order (at most 10,000 at once). */
export function mapItems(map: BattleMap, page: { light?: Light | null; first?: number | null; offset?: number | null }): BattleMapItem[] {
  const offset = page.offset ?? 0;
  return map
    .items()
    .filter((i) => !page.light || i.light === page.light)
    .sort((a, b) => (a.ledgerNumber < b.ledgerNumber ? -1 : a.ledgerNumber > b.ledgerNumber ? 1 : 0))
    .slice(offset, offset + Math.min(page.first ?? 100, 10_000));
}
