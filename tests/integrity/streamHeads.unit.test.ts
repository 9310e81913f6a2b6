import { describe, expect, it, vi } from 'vitest';
import { Random } from '../../application/demo/random.js';
import { headsRoot } from '../../eventstore/merkle.js';
import { StreamHeads } from '../../eventstore/streamHeads.js';
import { atOnce } from '../../projections/slices.js';

/**
 * Issue 12: the checkpointer keeps the Merkle tree incrementally (cached blocks of leaves). Whatever
 * the moves between two roots (heads moved, new streams anywhere in the order, moves undone as the
 * verifier does), each root must be the one computed from scratch over every head (merkle.ts's
 * `headsRoot`), counted here from a plain map of the heads.
 */
describe('the stream heads’ incremental Merkle root', () => {
  it('given random moves, new streams and undos between roots, then every root equals the root over every head from scratch', () => {
    // The project's seeded generator: the same sequence of moves on every run.
    const random = new Random(12);
    const rnd = () => random.next();
    const heads = new StreamHeads();
    const plain = new Map<string, { revision: number; hash: string }>();
    let position = 0;
    const hash = () =>
      Math.floor(rnd() * 2 ** 32)
        .toString(16)
        .padStart(64, '0');
    for (let round = 0; round < 60; round++) {
      const moves = 1 + Math.floor(rnd() * (round % 7 === 0 ? 200 : 12));
      const undone: {
        streamId: string;
        previous: ReturnType<StreamHeads['apply']>;
        before: { revision: number; hash: string } | undefined;
      }[] = [];
      for (let i = 0; i < moves; i++) {
        const fresh = plain.size === 0 || rnd() < 0.3;
        const streamId = fresh ? `s-${hash().slice(-12)}` : [...plain.keys()][Math.floor(rnd() * plain.size)]!;
        const before = plain.get(streamId);
        const next = { revision: before ? before.revision + 1 : 0, hash: hash() };
        const previous = heads.apply(streamId, next.revision, next.hash, position++);
        plain.set(streamId, next);
        undone.push({ streamId, previous, before });
      }
      // Now and then put the last few moves back, as the verifier does to check an older checkpoint.
      if (round % 5 === 4) {
        expect(heads.root()).toBe(headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h }))));
        for (const { streamId, previous, before } of undone.slice(-3).reverse()) {
          heads.undo(streamId, previous);
          if (before) plain.set(streamId, before);
          else plain.delete(streamId);
        }
      }
      expect(heads.streamCount).toBe(plain.size);
      expect(heads.root()).toBe(headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h }))));
    }
  });
  it('given 5,000 new streams, when the root is prepared in pieces, then it pauses many times and the root after it is the one from scratch, hashing only the nodes over the full blocks', () => {
    const heads = new StreamHeads();
    const plain: { streamId: string; revision: number; hash: string }[] = [];
    for (let i = 0; i < 5_000; i++) {
      const streamId = `s-${(i * 7919) % 5_003}`;
      const hash = (i * 2654435761).toString(16).padStart(64, '0').slice(-64);
      heads.apply(streamId, 0, hash, i);
      plain.push({ streamId, revision: 0, hash });
    }
    let pauses = 0;
    for (const steps = heads.preparing(); !steps.next().done; ) pauses += 1;
    // 5,000 leaves and 4,992 nodes of full blocks, a pause every 256 hashes at most.
    expect(pauses).toBeGreaterThan(20);
    const subtrees = vi.spyOn(heads as unknown as { subtree: () => Buffer }, 'subtree');
    expect(heads.root()).toBe(headsRoot(plain));
    // 5,000 = 4,096 + 512 + 256 + 128 + 8: the root's split reaches the six cached blocks through a handful of nodes.
    expect(subtrees.mock.calls.length).toBeLessThan(20);
  });
  it('given heads moved after a position, when the root is prepared, then the moved heads read off in pieces are movedAfter’s, sorted by streamId', () => {
    const heads = new StreamHeads();
    const ids = Array.from({ length: 3_000 }, (_, i) => `s-${(i * 7919) % 3_001}`);
    for (const [i, streamId] of ids.entries()) heads.apply(streamId, 0, 'a'.repeat(64), i);
    for (let i = 0; i < 3_000; i += 3) heads.apply(ids[i]!, 1, 'b'.repeat(64), 3_000 + i);
    atOnce(heads.preparing());
    let pauses = 0;
    const steps = heads.movingAfter(2_999);
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses += 1;
    // Counted here: every third stream moved after position 2,999, in the order of their ids.
    const expected = ids
      .filter((_, i) => i % 3 === 0)
      .sort()
      .map((streamId) => ({ streamId, revision: 1, hash: 'b'.repeat(64) }));
    expect(step.value).toEqual(expected);
    expect(heads.movedAfter(2_999)).toEqual(expected);
    expect(pauses).toBeGreaterThanOrEqual(2);
  });
  it('given a root over 3,000 streams, when ten heads move and five streams are new, then the next root looks up only the new streams’ heads and is the one from scratch, and so is the moved heads’ walk', () => {
    const heads = new StreamHeads();
    const plain = new Map<string, { revision: number; hash: string; position: number }>();
    const move = (streamId: string, revision: number, hash: string, position: number) => {
      heads.apply(streamId, revision, hash, position);
      plain.set(streamId, { revision, hash, position });
    };
    for (let i = 0; i < 3_000; i++) move(`s-${(i * 7919) % 3_001}`, 0, 'a'.repeat(64), i);
    atOnce(heads.preparing());
    heads.root();
    for (let i = 0; i < 10; i++) move(`s-${(i * 301) % 3_001}`, 1, 'b'.repeat(64), 3_000 + i);
    for (let i = 0; i < 5; i++) move(`t-${i * 599}`, 0, 'c'.repeat(64), 3_010 + i);
    const shards = (heads as unknown as { heads: Map<string, unknown>[] }).heads;
    const lookups = shards.map((shard) => vi.spyOn(shard, 'get'));
    atOnce(heads.preparing());
    // Counted here: the five new streams, once each (a walk by id would look up all 3,005).
    const looked = lookups.flatMap((spy) => spy.mock.calls.map(([id]) => id));
    expect(looked.sort()).toEqual(['t-0', 't-1198', 't-1797', 't-2396', 't-599']);
    expect(heads.root()).toBe(headsRoot([...plain].map(([streamId, h]) => ({ streamId, revision: h.revision, hash: h.hash }))));
    const moved = atOnce(heads.movingAfter(2_999));
    const expected = [...plain]
      .filter(([, h]) => h.position > 2_999)
      .map(([streamId, h]) => ({ streamId, revision: h.revision, hash: h.hash }))
      .sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
    expect(moved).toEqual(expected);
    expect(expected).toHaveLength(15);
  });
  it('given heads restored from a state taken between roots, when heads move, streams are added and a move is undone, then every root is the one from scratch', () => {
    const random = new Random(7);
    const hash = () =>
      Math.floor(random.next() * 2 ** 32)
        .toString(16)
        .padStart(64, '0');
    const first = new StreamHeads();
    const plain = new Map<string, { revision: number; hash: string }>();
    let position = 0;
    const moveOn = (heads: StreamHeads, streamId: string) => {
      const next = { revision: (plain.get(streamId)?.revision ?? -1) + 1, hash: hash() };
      const previous = heads.apply(streamId, next.revision, next.hash, position++);
      const before = plain.get(streamId);
      plain.set(streamId, next);
      return { streamId, previous, before };
    };
    const fromScratch = () => headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h })));
    for (let i = 0; i < 500; i++) moveOn(first, `s-${Math.floor(random.next() * 400)}`);
    expect(first.root()).toBe(fromScratch());
    for (let i = 0; i < 50; i++) moveOn(first, `s-${Math.floor(random.next() * 450)}`);
    const heads = StreamHeads.from(first.state());
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 40; i++) moveOn(heads, `s-${Math.floor(random.next() * (450 + 20 * round))}`);
      const { streamId, previous, before } = moveOn(heads, `s-${900 + round}`);
      expect(heads.root()).toBe(fromScratch());
      heads.undo(streamId, previous);
      if (before) plain.set(streamId, before);
      else plain.delete(streamId);
      expect(heads.root()).toBe(fromScratch());
    }
  });
  it('given a root, when the last moves are undone for an older root and then applied again as the verifier does, then both roots and the moved heads are those from scratch', () => {
    type Move = { streamId: string; revision: number; hash: string; position: number };
    const moves: Move[] = [];
    const last = new Map<string, Move>();
    for (let i = 0; i < 2_000; i++) {
      // Streams new until 1,500 and every fifth move after; the rest move old ones. The very last, a stream sorting first.
      const streamId = i === 1_999 ? 'a-first' : i % 5 === 0 || i < 1_500 ? `s-${(i * 7919) % 2_003}` : `s-${(i * 31) % 1_500}`;
      const move = { streamId, revision: (last.get(streamId)?.revision ?? -1) + 1, hash: String(i).padStart(64, '0'), position: i };
      moves.push(move);
      last.set(streamId, move);
    }
    // Counted here: the root over the last move of each stream among the first `n` moves.
    const rootOf = (n: number) => {
      const at = new Map<string, Move>();
      for (const m of moves.slice(0, n)) at.set(m.streamId, m);
      return headsRoot([...at.values()].map(({ streamId, revision, hash }) => ({ streamId, revision, hash })));
    };
    const heads = new StreamHeads();
    const replaced: ReturnType<StreamHeads['apply']>[] = [];
    for (const [i, m] of moves.entries()) {
      replaced.push(heads.apply(m.streamId, m.revision, m.hash, m.position));
      if (i === 1_499) expect(heads.root()).toBe(rootOf(1_500));
    }
    expect(heads.root()).toBe(rootOf(2_000));
    for (let i = moves.length - 1; i >= 1_700; i--) heads.undo(moves[i]!.streamId, replaced[i]);
    expect(heads.root()).toBe(rootOf(1_700));
    for (const m of moves.slice(1_700)) heads.apply(m.streamId, m.revision, m.hash, m.position);
    expect(heads.root()).toBe(rootOf(2_000));
    const moved = atOnce(heads.movingAfter(1_699));
    expect(moved).toEqual(heads.movedAfter(1_699));
    expect(moved.length).toBeGreaterThan(100);
  });
});
