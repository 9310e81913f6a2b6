import { deserialize, serialize } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import { Random } from '../../application/demo/random.js';
import * as merkle from '../../eventstore/merkle.js';
import { StreamHeads, restoringHeads, storingHeads } from '../../eventstore/streamHeads.js';
import { atOnce } from '../../projections/slices.js';

// Every inner node the heads hash, counted (the real function runs).
vi.mock('../../eventstore/merkle.js', async (original) => {
  const real = await original<typeof import('../../eventstore/merkle.js')>();
  return { ...real, nodeHash: vi.fn(real.nodeHash) };
});

/**
 * Issue 12, the forty-third round: new streams land anywhere in the order when their ids are in no order (the
 * application's UUID v5), and shift every leaf after them. A block of the tree whose leaves all shifted by a multiple of
 * its width is the same block as before, moved: kept, not hashed again. The forty-fourth: at the four lowest levels a
 * block is kept at whatever start its leaves now have, so one misaligned at a root and aligned again later is not hashed
 * again either. Every root must still be the one from scratch.
 */
describe('the stream heads’ blocks kept when new streams shift them', () => {
  const random = new Random(43);
  const id = () => `problem-${Math.floor(random.next() * 2 ** 48).toString(16)}`;
  const hash = () =>
    Math.floor(random.next() * 2 ** 32)
      .toString(16)
      .padStart(64, '0');

  /** Heads and, beside them, every stream's head in a plain map; `move` gives a stream its next event. */
  const headsMoved = () => {
    const heads = new StreamHeads();
    const plain = new Map<string, { revision: number; hash: string }>();
    const move = (streamId: string) => {
      const next = { revision: (plain.get(streamId)?.revision ?? -1) + 1, hash: hash() };
      heads.apply(streamId, next.revision, next.hash, 0);
      plain.set(streamId, next);
    };
    return { heads, plain, move };
  };

  it('given 4,096 streams and a root, when 100 new streams land all over the order and 50 heads move, then the root is the one from scratch and a fifth or more of the nodes after the first new stream are not hashed again', () => {
    const { heads, plain, move } = headsMoved();
    for (let i = 0; i < 4_096; i++) move(id());
    heads.root();
    const known = [...plain.keys()];
    const fresh = Array.from({ length: 100 }, id);
    for (const streamId of fresh) move(streamId);
    for (let i = 0; i < 50; i++) move(known[Math.floor(random.next() * known.length)]!);
    const nodeHash = vi.mocked(merkle.nodeHash);
    nodeHash.mockClear();
    expect(heads.root()).toBe(merkle.headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h }))));
    // Counted here: the nodes at and after the first new stream's place, which a tree kept by position hashes again.
    const sorted = [...plain.keys()].sort();
    const first = Math.min(...fresh.map((streamId) => sorted.indexOf(streamId)));
    const after = sorted.length - first;
    expect(nodeHash.mock.calls.length).toBeLessThan(0.8 * after);
  });

  it('given 1,024 streams and a root, when a new stream lands first (every pair shifted by one) and at the next root another (every old pair back in place), then that root hashes one pair, the new streams’', () => {
    const { heads, plain, move } = headsMoved();
    for (let i = 0; i < 1_024; i++) move(id());
    heads.root();
    const nodeHash = vi.mocked(merkle.nodeHash);
    const leaves = () => new Set([...plain].map(([streamId, h]) => merkle.headLeaf({ streamId, ...h })));
    // Ids that sort before every `problem-…` one.
    move('a-first');
    expect(heads.root()).toBe(merkle.headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h }))));
    move('a-before-first');
    nodeHash.mockClear();
    expect(heads.root()).toBe(merkle.headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h }))));
    const leaf = leaves();
    const pairs = nodeHash.mock.calls.filter(([left, right]) => leaf.has(left) && leaf.has(right));
    expect(pairs).toEqual([
      [
        merkle.headLeaf({ streamId: 'a-before-first', ...plain.get('a-before-first')! }),
        merkle.headLeaf({ streamId: 'a-first', ...plain.get('a-first')! }),
      ],
    ]);
  });

  it('given rounds of new streams landing all over and heads moving, then no block of the four lowest levels is hashed twice over the same two nodes, and every root is the one from scratch', () => {
    const { heads, plain, move } = headsMoved();
    for (let i = 0; i < 2_001; i++) move(id());
    const nodeHash = vi.mocked(merkle.nodeHash);
    nodeHash.mockClear();
    // Each full block's level, from its children's (a leaf's is 0). A node over children of unequal levels is on the tree's
    // right edge, over a partial block: never kept, hashed at every root, and not counted.
    const level = new Map<string, number>();
    const hashedAt = new Map<string, number>();
    let repeatsLow = 0;
    let repeatsHigh = 0;
    for (let round = 0; round < 30; round++) {
      const known = [...plain.keys()];
      for (let i = 0; i < 37; i++) move(id());
      for (let i = 0; i < 20; i++) move(known[Math.floor(random.next() * known.length)]!);
      expect(heads.root()).toBe(merkle.headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h }))));
      for (const [streamId, h] of plain) level.set(merkle.headLeaf({ streamId, ...h }), 0);
      for (const [i, [left, right]] of nodeHash.mock.calls.entries()) {
        const below = level.get(left);
        if (below === undefined || level.get(right) !== below) continue;
        level.set(nodeHash.mock.results[i]!.value as string, below + 1);
        const pair = left + right;
        if (hashedAt.has(pair)) {
          if (below + 1 <= 4) repeatsLow++;
          else repeatsHigh++;
        }
        hashedAt.set(pair, round);
      }
      nodeHash.mockClear();
    }
    expect(repeatsLow).toBe(0);
    // Above them the tree keeps its aligned blocks only: blocks there are hashed again when their leaves line up again.
    expect(repeatsHigh).toBeGreaterThan(0);
  });

  it('given heads kept as the checkpointer’s snapshot keeps them (in pieces, through V8’s serializer), then the stored form holds every full aligned block of the low levels as before, and heads restored from it give the roots from scratch as new streams land', () => {
    const { heads, plain, move } = headsMoved();
    for (let i = 0; i < 1_000; i++) move(id());
    heads.root();
    for (let i = 0; i < 30; i++) move(id());
    heads.root();
    const stored = deserialize(serialize(atOnce(storingHeads(heads.state()))));
    // The pairs, from the leaves in order.
    const leaves = [...plain].sort(([a], [b]) => (a < b ? -1 : 1)).map(([streamId, h]) => merkle.headLeaf({ streamId, ...h }));
    expect(stored.blocks[1]).toEqual(
      Array.from({ length: leaves.length >> 1 }, (_, m) => merkle.nodeHash(leaves[2 * m]!, leaves[2 * m + 1]!)),
    );
    for (let k = 2; k <= 4; k++) expect(stored.blocks[k].filter(Boolean)).toHaveLength(leaves.length >> k);
    const restored = StreamHeads.from(atOnce(restoringHeads(stored)));
    const fromScratch = () => merkle.headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h })));
    expect(restored.root()).toBe(fromScratch());
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 25; i++) {
        const streamId = id();
        const next = { revision: 0, hash: hash() };
        restored.apply(streamId, next.revision, next.hash, 0);
        plain.set(streamId, next);
      }
      expect(restored.root()).toBe(fromScratch());
    }
  });

  it('given rounds of new streams landing all over, moves, restores from the state (through V8’s serializer too), preparings left unfinished and undone moves between roots, then every root is the one from scratch', () => {
    let heads = new StreamHeads();
    const plain = new Map<string, { revision: number; hash: string }>();
    const move = (streamId: string) => {
      const before = plain.get(streamId);
      const next = { revision: (before?.revision ?? -1) + 1, hash: hash() };
      const previous = heads.apply(streamId, next.revision, next.hash, 0);
      plain.set(streamId, next);
      return () => {
        heads.undo(streamId, previous);
        if (before) plain.set(streamId, before);
        else plain.delete(streamId);
      };
    };
    const fromScratch = () => merkle.headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h })));
    for (let i = 0; i < 1_500; i++) move(id());
    for (let round = 0; round < 12; round++) {
      const known = [...plain.keys()];
      const fresh = 1 + Math.floor(random.next() * 200);
      for (let i = 0; i < fresh; i++) move(id());
      for (let i = 0; i < 30; i++) move(known[Math.floor(random.next() * known.length)]!);
      // Prepared in pieces, as the checkpointer does, or all at once by the root.
      if (round % 2 === 0) atOnce(heads.preparing());
      expect(heads.root()).toBe(fromScratch());
      if (round % 4 === 1) heads = StreamHeads.from(heads.state());
      // As a snapshot keeps it: through V8's serializer, with moves and new streams not yet rooted.
      if (round % 4 === 3) {
        for (let i = 0; i < 40; i++) move(i % 2 === 0 ? id() : known[i]!);
        heads = StreamHeads.from(deserialize(serialize(heads.state())));
      }
      // A preparing left after a few steps (a server stopping mid-draft), then more moves.
      if (round % 5 === 2) {
        const left = heads.preparing();
        for (let step = 0; step < 4; step++) left.next();
        for (let i = 0; i < 25; i++) move(i % 3 === 0 ? id() : known[i]!);
      }
      if (round % 3 === 2) {
        const undo = [move(id()), move(known[0]!), move(id())];
        expect(heads.root()).toBe(fromScratch());
        for (const back of undo.reverse()) back();
        expect(heads.root()).toBe(fromScratch());
      }
    }
    expect(plain.size).toBeGreaterThan(2_048);
  });
});
