import type { BattleMap, BattleMapItem, ProblemSet } from '../../projections/battleMap.js';

/** A count as plain data: how many it says, and the ledger numbers it holds, sorted. */
export type CountData = { size: number; ledgerNumbers: string[] };

type AsData<T> = T extends ProblemSet
  ? CountData
  : T extends readonly (infer U)[]
    ? AsData<U>[]
    : T extends object
      ? { [K in keyof T]: AsData<T[K]> }
      : T;

/** A battle map as plain data: every count as its size and its sorted ledger numbers, the items as they are. */
export type MapData = AsData<Omit<BattleMap, 'items'>> & { items: BattleMapItem[] };

/** A count (a live map's set, or a map built once's ledger numbers): it has a size and says whether it holds a number. */
const isCount = (value: object): value is ProblemSet =>
  typeof (value as { size?: unknown }).size === 'number' && typeof (value as { has?: unknown }).has === 'function';

/**
 * A count as plain data. Both its size and its members are kept, so two maps compare equal only when
 * every count holds the same ledger numbers and says the same size; each number it lists, it must
 * also say it holds (`has`), or this throws.
 */
function countData(count: ProblemSet): CountData {
  const ledgerNumbers = [...count].sort();
  const denied = ledgerNumbers.filter((n) => !count.has(n));
  if (denied.length > 0) throw new Error(`A count lists ledger numbers it says it does not hold: ${denied.slice(0, 5).join(', ')}`);
  return { size: count.size, ledgerNumbers };
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  if (isCount(value)) return countData(value);
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, plain(v)]));
}

/**
 * A battle map as plain data, copied: a live map's sets change as events arrive and its items are
 * computed on demand, and a live map (sets) and a map built once (arrays) must compare equal when
 * they count the same problems. Every count becomes its size and its sorted ledger numbers.
 */
export function mapData(map: BattleMap): MapData {
  return plain({ ...map, items: map.items() }) as MapData;
}
