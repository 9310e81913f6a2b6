import { describe, expect, it } from 'vitest';
import { ChunkedList, GrowingMap, shardOf } from '../../projections/growingMap.js';

/**
 * Issue 12, aim 3: the read models' maps with an entry per problem or notification are GrowingMaps, which never copy all
 * their entries in one `set`. Each must behave as the Map it replaces: the same answers and the same order of iteration.
 */
const ids = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i * 7919).padStart(8, '0')}`);

/** The whole observable content, in iteration order. */
const seen = <V>(m: Map<string, V>) => ({ size: m.size, entries: [...m], keys: [...m.keys()], values: [...m.values()] });

describe('a GrowingMap', () => {
  it('given the same sets, overwrites and deletes as a Map, then it answers and iterates as the Map does, at every step', () => {
    const keys = ids(10_000);
    const reference = new Map<string, number>();
    const growing = new GrowingMap<number>();
    // A fixed sequence: a new key, now and then a key set again (it keeps its place), now and then one deleted.
    for (let i = 0; i < 12_000; i++) {
      const key = keys[(i * 37) % keys.length]!;
      if (i % 997 === 0) {
        expect(growing.delete(key)).toBe(reference.delete(key));
      } else {
        reference.set(key, i);
        growing.set(key, i);
      }
      if (i % 1_000 === 0) expect(seen(growing)).toEqual(seen(reference));
    }
    expect(seen(growing)).toEqual(seen(reference));
    for (const key of keys.slice(0, 500)) {
      expect(growing.get(key)).toBe(reference.get(key));
      expect(growing.has(key)).toBe(reference.has(key));
    }
    expect(growing.get('absent')).toBeUndefined();
    expect(growing.delete('absent')).toBe(false);
    const visited: [string, number][] = [];
    growing.forEach((value, key, map) => {
      expect(map).toBe(growing);
      visited.push([key, value]);
    });
    expect(visited).toEqual([...reference]);
  });

  it('given a key deleted and set again, then it comes last, as in a Map', () => {
    const growing = new GrowingMap<string>([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    growing.delete('a');
    growing.set('a', '4');
    expect([...growing]).toEqual([
      ['b', '2'],
      ['c', '3'],
      ['a', '4'],
    ]);
  });

  it('given a key just read, when an earlier key is deleted, then the key read is still found with its own value and set in its own place', () => {
    const growing = new GrowingMap<string>([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(growing.get('b')).toBe('2');
    growing.delete('a');
    expect(growing.get('b')).toBe('2');
    growing.set('b', '4');
    expect([...growing]).toEqual([
      ['b', '4'],
      ['c', '3'],
    ]);
    growing.clear();
    expect(growing.get('b')).toBeUndefined();
  });

  it('given entries across many chunks, when the last of a chunk is deleted, then the rest stays whole and new entries go on after it', () => {
    const keys = ids(4096 * 2 + 1);
    const growing = new GrowingMap(keys.map((k, i) => [k, i] as const));
    growing.delete(keys.at(-1)!);
    growing.delete(keys[4095]!);
    growing.set('new', -1);
    const expected = [...keys.slice(0, 4095), ...keys.slice(4096, -1), 'new'];
    expect([...growing.keys()]).toEqual(expected);
    expect(growing.size).toBe(expected.length);
    expect(growing.get(keys[4096]!)).toBe(4096);
  });

  it('given entries set while it is walked, then the walk visits them too, as a Map’s does', () => {
    const growing = new GrowingMap<number>([['a', 0]]);
    const walked: string[] = [];
    for (const [key, n] of growing) {
      walked.push(key);
      if (n < 3) growing.set(`k${n}`, n + 1);
    }
    expect(walked).toEqual(['a', 'k0', 'k1', 'k2']);
  });

  it('given it is cleared, then it is empty and fills again from the start', () => {
    const growing = new GrowingMap(ids(5000).map((k) => [k, k] as const));
    growing.clear();
    expect(growing.size).toBe(0);
    expect([...growing]).toEqual([]);
    growing.set('x', 'y');
    expect([...growing]).toEqual([['x', 'y']]);
    expect(Object.prototype.toString.call(growing)).toBe('[object GrowingMap]');
  });

  it('given short keys, ids and ledger numbers, then each is found again (keys shorter than four characters too)', () => {
    const keys = ['', 'a', 'ab', 'abc', ...ids(300), ...ids(300, 'GF-2025'), crypto.randomUUID()];
    const growing = new GrowingMap(keys.map((k, i) => [k, i] as const));
    expect(keys.map((k) => growing.get(k))).toEqual(keys.map((_, i) => i));
  });

  it('given the keys the read models hold (problem ids, ledger numbers, delivery keys of one channel), then each kind spreads over the 64 shards, none holding twice its share', () => {
    const uuids = Array.from({ length: 6400 }, () => crypto.randomUUID());
    const kinds = {
      ids: uuids,
      ledgerNumbers: Array.from({ length: 6400 }, (_, i) => `AU-${2019 + (i % 3)}-${String(Math.floor(i / 3) + 1).padStart(3, '0')}`),
      deliveryKeys: uuids.map((id) => `${id}/${uuids[0]}`),
    };
    for (const keys of Object.values(kinds)) {
      const counts = new Array<number>(64).fill(0);
      for (const key of keys) counts[shardOf(key)]! += 1;
      expect(Math.max(...counts)).toBeLessThan((2 * keys.length) / 64);
      expect(Math.min(...counts)).toBeGreaterThan(0);
    }
  });

  it('given a key that is not a string, then it is found nowhere, as in a Map, and setting one is refused, even after a delete', () => {
    const growing = new GrowingMap<string>([['a', 'A']]);
    const notAString = undefined as unknown as string;
    expect(growing.has(notAString)).toBe(false);
    expect(growing.get(notAString)).toBeUndefined();
    growing.delete('a');
    expect(growing.get(notAString)).toBeUndefined();
    expect(() => growing.set(notAString, 'X')).toThrow(TypeError);
    expect(growing.size).toBe(0);
  });

  it('given V8’s serializer meets one, then it refuses it rather than writing its fields as a plain object', () => {
    expect(() => structuredClone(new GrowingMap([['a', 1]]))).toThrow();
  });
});

describe('a GrowingMap made over another (an as-of replay from a snapshot of the history)', () => {
  /** A base of `n` keys valued by index, and the values a snapshot took of its first `taken`. */
  const based = (n: number, taken: number) => {
    const keys = ids(n);
    const base = new GrowingMap<number>();
    for (const [i, key] of keys.entries()) base.set(key, i);
    return { keys, base, values: keys.slice(0, taken).map((_, i) => -i) };
  };

  for (const taken of [0, 1, 4_096, 4_097, 10_000]) {
    it(`given ${taken} of a base's 10,000 keys, when both change and grow, then each answers and iterates as its own Map does`, () => {
      const { keys, base, values } = based(10_000, taken);
      const over = GrowingMap.over(base, values);
      const reference = new Map<string, number>(keys.slice(0, taken).map((key, i) => [key, -i]));
      const baseReference = new Map<string, number>(keys.map((key, i) => [key, i]));
      expect(seen(over)).toEqual(seen(reference));
      // The base's keys past what was taken are not the new map's, and what either sets or adds is its own.
      for (const key of keys.slice(taken, taken + 3)) expect(over.has(key)).toBe(false);
      const fresh = ids(300, 'q');
      for (const [i, key] of [...keys.filter((_, i) => i % 3 === 0), ...fresh].entries()) {
        over.set(key, 1_000_000 + i);
        reference.set(key, 1_000_000 + i);
        if (i % 2 === 0) {
          base.set(key, 2_000_000 + i);
          baseReference.set(key, 2_000_000 + i);
        }
        if (i % 1_000 === 0) expect(seen(over)).toEqual(seen(reference));
      }
      expect(seen(over)).toEqual(seen(reference));
      expect(seen(base)).toEqual(seen(baseReference));
      for (const key of [...keys.slice(0, 50), ...keys.slice(taken - 5, taken + 5), ...fresh.slice(0, 5), 'absent']) {
        expect(over.get(key)).toBe(reference.get(key));
        expect(base.get(key)).toBe(baseReference.get(key));
      }
    });
  }

  it('given a map made over it, then the base refuses to delete or clear (their shared keys would move), and the new map deletes on its own', () => {
    const { keys, base, values } = based(5_000, 4_500);
    const over = GrowingMap.over(base, values);
    expect(() => base.delete(keys[10]!)).toThrow(/does not delete/);
    expect(() => base.clear()).toThrow(/not cleared/);
    const reference = new Map<string, number>(keys.slice(0, 4_500).map((key, i) => [key, -i]));
    for (const key of [keys[10]!, keys[4_200]!, keys[4_499]!]) expect(over.delete(key)).toBe(reference.delete(key));
    over.set('later', 1);
    reference.set('later', 1);
    expect(seen(over)).toEqual(seen(reference));
    expect(seen(base)).toEqual(seen(new Map(keys.map((key, i) => [key, i]))));
  });

  it('given more values than the base has keys, then it is refused', () => {
    const { base } = based(10, 10);
    expect(() => GrowingMap.over(base, new Array(11).fill(0))).toThrow(RangeError);
  });
});

describe("a ChunkedList (the live map's per-problem lists)", () => {
  for (const [kind, make, value] of [
    ['strings and nulls, in arrays', undefined, (i: number) => (i % 5 === 0 ? null : `AU-2019-${i}`)],
    ['numbers, in Int32Arrays', (n: number) => new Int32Array(n), (i: number) => (i % 3 === 0 ? -1 : i * 31)],
    ['small numbers, in Uint8Arrays', (n: number) => new Uint8Array(n), (i: number) => i % 7],
  ] as const)
    it(`given ${kind} pushed across several chunks and some set again, then each index reads what an array would hold`, () => {
      const list = new ChunkedList<unknown>(make);
      const expected: unknown[] = [];
      for (let i = 0; i < 10_000; i++) {
        list.push(value(i));
        expected.push(value(i));
        // Set again some way back, across a chunk's edge too.
        if (i % 997 === 0) {
          const at = Math.max(0, i - 4_100);
          list.set(at, value(i + 1));
          expected[at] = value(i + 1);
        }
      }
      expect(list.length).toBe(expected.length);
      expect(Array.from({ length: list.length }, (_, i) => list.at(i))).toEqual(expected);
    });
});
