import { describe, expect, it } from 'vitest';
import { PositionList, positionsAfter } from '../../eventstore/checkpoints.js';

/**
 * Issue 12: the positions no checkpoint covers yet, dropped up to a new checkpoint's by a binary search, not a filter over
 * all of them (a million on a first start): the same list as the filter's, for every cut.
 */
describe('the positions a checkpoint leaves uncovered', () => {
  it('given ascending positions with gaps (checkpoints are not counted), when cut after each position, then what is left is the filter’s', () => {
    const positions = [0, 1, 2, 4, 5, 9, 10, 11, 15];
    for (let cut = -2; cut <= 17; cut++) expect(positionsAfter(positions, cut)).toStrictEqual(positions.filter((p) => p > cut));
    expect(positionsAfter([], 3)).toStrictEqual([]);
  });

  it('given 10,000 positions kept in blocks, when those up to a checkpoint are dropped again and again, then what is left and its length are the filter’s', () => {
    const positions = Array.from({ length: 10_000 }, (_, i) => i * 3 + (i % 7 === 0 ? 1 : 0));
    const list = new PositionList();
    for (const p of positions) list.push(p);
    expect(list.length).toBe(positions.length);
    let expected = positions;
    for (const cut of [-1, 5, 4_000, 12_287, 12_288, 12_290, 25_000, 29_997, 40_000]) {
      list.dropThrough(cut);
      expected = expected.filter((p) => p > cut);
      expect(list.toArray()).toStrictEqual(expected);
      expect(list.length).toBe(expected.length);
    }
    list.push(40_001);
    expect(list.toArray()).toStrictEqual([40_001]);
    expect(PositionList.of([1, 2, 3]).toArray()).toStrictEqual([1, 2, 3]);
  });
});
