import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Random } from '../application/demo/random.js';
import { GrowingMap } from '../projections/growingMap.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 12, aim 3 (no piece of work over 50 ms): the read models' maps of an entry per problem, a GrowingMap
 * (projections/growingMap.ts) beside the simplest alternative, V8's Map, in the same run, alternating (Map, GrowingMap,
 * Map, GrowingMap). Each is filled with 2^20 + 1 problem ids (UUIDs: a ten-million-event county has some 1.08 million
 * problems), then every id read once in a shuffled order, then every value walked in order. The figure that matters is
 * the longest single `set`: a Map copies all its entries into a table twice the size in the `set` that finds it full.
 * `npm run bench -- maps`, or `npm run bench -- maps 131072` for another number of keys.
 */
const DEFAULT_KEYS = 2 ** 20 + 1;
const ROUNDS = 2;

type Measured = { fill: number; longestSet: number; get: number; walk: number };

function measure(make: () => Map<string, { i: number }>, keys: readonly string[], shuffled: readonly string[]): Measured {
  const map = make();
  let longestSet = 0;
  const filling = performance.now();
  for (let i = 0; i < keys.length; i++) {
    const before = performance.now();
    map.set(keys[i]!, { i });
    const took = performance.now() - before;
    if (took > longestSet) longestSet = took;
  }
  const fill = performance.now() - filling;
  let sum = 0;
  const getting = performance.now();
  for (const key of shuffled) sum += map.get(key)!.i;
  const get = performance.now() - getting;
  const walking = performance.now();
  for (const value of map.values()) sum -= value.i;
  const walk = performance.now() - walking;
  if (sum !== 0) throw new Error('the map lost an entry');
  return { fill, longestSet, get, walk };
}

export async function run(): Promise<FigureTable> {
  const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? DEFAULT_KEYS);
  const keys = Array.from({ length: count }, () => randomUUID());
  const shuffled = new Random(12).shuffle(keys);
  const load = loadavg()[0]!.toFixed(2);
  const kinds = [
    { name: 'Map (V8)', make: () => new Map<string, { i: number }>() },
    { name: 'GrowingMap', make: () => new GrowingMap<{ i: number }>() },
  ];
  const runs: { name: string; measured: Measured }[] = [];
  for (let round = 0; round < ROUNDS; round++)
    for (const kind of kinds) runs.push({ name: kind.name, measured: measure(kind.make, keys, shuffled) });
  return {
    title: `${count.toLocaleString('en-US')} problem ids (UUIDs) into a map, each read once (shuffled), the values walked; ${ROUNDS} rounds alternating (load ${load})`,
    rows: runs.map(({ name, measured }, i) => ({
      map: name,
      round: Math.floor(i / kinds.length) + 1,
      'longest single set ms (≤ 50)': measured.longestSet,
      'fill ms': measured.fill,
      'reads ms': measured.get,
      'walk ms': measured.walk,
    })),
    notes: ['The longest single `set` is one piece of work holding the event loop (aim 3); the fill includes a clock read per `set`.'],
  };
}

await runIfMain(import.meta.url, run);
