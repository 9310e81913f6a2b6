import { describe, expect, it } from 'vitest';
import { positionsAfter } from '../../eventstore/checkpoints.js';

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
});
