import { type ShardedMap, shardFor, shardedMap } from '../projections/growingMap.js';
import { atOnce, lowerBound, mergingSorted, sortingStrings } from '../projections/slices.js';
import { type Digest, type StreamHead, byStreamId, digestHex, headLeaf, merkleRoot, nodeHash } from './merkle.js';

type Head = { revision: number; hash: string; position: number; leaf: Digest | undefined };

/**
 * The levels whose nodes are kept at every start, aligned or not (`starts`), not only where the tree has them now. With
 * new streams all over the order (the application's ids) a block's leaves shift by the new streams before them, and a
 * pair aligned at one root is misaligned at the next and aligned again at a later one: over the 1M-event county with
 * those ids, 76 % of the nodes a checkpoint hashed had been hashed before (94 % of the pairs, 88 % of the fours, 72 % of
 * the eights, 42 % of the sixteens, 13 % of the thirty-twos; the forty-fourth round's scratch, every digest recorded over
 * 60 checkpoints). Kept at every start up to the sixteens: 2.7 % at 1M (17,500 nodes a checkpoint against 71,500), 22 %
 * at 10M (90,800 nodes a checkpoint, the repeats at the thirty-twos and sixty-fours). Each level kept so costs a list as
 * long as the leaves, a digest for each start hashed once, and a move of every start in `shiftingStarts`; up to the
 * sixty-fours (0.7 % hashed again at 10M) a checkpoint at 10M took 221 ms against 187–198 ms with four levels, its
 * longest step 18 ms against 13. Above them, aligned blocks only.
 */
const START_LEVELS = 4;

/** Everything the heads hold, as plain data (V8 serializes it): the heads, their order and the tree's cached blocks. */
export type StreamHeadsState = {
  heads: ShardedMap<Head>;
  sorted: string[];
  added: string[];
  reorder: boolean;
  dirty: Set<string>;
  /**
   * blocks[k][m], the tree's aligned blocks: above START_LEVELS, or at every level in a snapshot's stored form and in a
   * state made before `starts` (the levels below then taken from here).
   */
  blocks: (Digest | undefined)[][];
  /** starts[k][j] for 1 ≤ k ≤ START_LEVELS (`StreamHeads.starts`); not in a snapshot's stored form, which keeps their aligned blocks. */
  starts?: (Digest | undefined)[][];
  eventCount: number;
};

/**
 * The heads as the checkpointer's snapshot keeps them (version 4): each head's fields in lists of their own, no object per
 * head, in blocks of 4,096 heads. V8's serializer keeps a table of every object it has written (for references back to
 * it), grown and rebuilt as it goes and walked at every collection meanwhile: 108,000 head objects at a million events
 * made one write of 1,000 of them take 28 ms alone, 82 ms in a first start's CPU profile. Lists of strings and numbers add
 * nothing to it; blocks, because five lists of 108,000 allocated at once were a 36 ms step and a collection (profile).
 */
export type StoredStreamHeads = Omit<StreamHeadsState, 'heads' | 'starts'> & {
  streams: { ids: string[]; revisions: number[]; hashes: string[]; positions: number[]; leaves: (Digest | undefined)[] }[];
};

/**
 * `state` as a snapshot keeps it, pausing (`yield`) after every block; the lists other than the heads are shared, but for
 * the low levels' aligned blocks, taken from their starts (1.01 million at ten million events: 110–125 ms in one step, the
 * review measured, when `state()` took them).
 */
export function* storingHeads(state: StreamHeadsState): Generator<void, StoredStreamHeads> {
  const { heads, starts, ...rest } = state;
  const blocks = [...rest.blocks];
  for (let k = 1; starts !== undefined && k < starts.length; k++) {
    const size = 1 << k;
    const aligned: (Digest | undefined)[] = [];
    for (let j = 0; j + size <= rest.sorted.length && j < starts[k]!.length; j += size) if (aligned.push(starts[k]![j]) % 4096 === 0) yield;
    while (blocks.length <= k) blocks.push([]);
    blocks[k] = aligned;
  }
  const streams: StoredStreamHeads['streams'] = [];
  let block: StoredStreamHeads['streams'][number] | undefined;
  for (const shard of heads)
    for (const [id, head] of shard) {
      if (block === undefined || block.ids.length === 4096) {
        if (block !== undefined) yield;
        streams.push((block = { ids: [], revisions: [], hashes: [], positions: [], leaves: [] }));
      }
      block.ids.push(id);
      block.revisions.push(head.revision);
      block.hashes.push(head.hash);
      block.positions.push(head.position);
      block.leaves.push(head.leaf);
    }
  return { ...rest, blocks, streams };
}

/** The state `storingHeads` kept, pausing after every block; the low levels' starts made from their aligned blocks. */
export function* restoringHeads(stored: StoredStreamHeads): Generator<void, StreamHeadsState> {
  const { streams, ...rest } = stored;
  const heads = shardedMap<Head>();
  for (const { ids, revisions, hashes, positions, leaves } of streams) {
    for (let i = 0; i < ids.length; i++)
      shardFor(heads, ids[i]!).set(ids[i]!, { revision: revisions[i]!, hash: hashes[i]!, position: positions[i]!, leaf: leaves[i] });
    yield;
  }
  return { ...rest, heads, starts: yield* startsOf(rest.blocks, rest.sorted.length) };
}

/**
 * The low levels' starts from their aligned blocks (the others unknown), pausing every 65,536 starts. Each list is made at
 * once with a quarter more room than the leaves (holes): grown by a push past its room, a list of 1.08 million starts (ten
 * million events) is copied in one step of 36–75 ms (a scratch, the forty-fourth round), and a list made to the leaves'
 * length exactly did that at the first new stream.
 */
function* startsOf(blocks: readonly (Digest | undefined)[][], count: number): Generator<void, (Digest | undefined)[][]> {
  const starts: (Digest | undefined)[][] = [[]];
  for (let k = 1; k <= START_LEVELS && k < blocks.length; k++) {
    const size = 1 << k;
    const length = Math.max(0, count - size + 1);
    const list: (Digest | undefined)[] = new Array(length + (length >> 2));
    const aligned = blocks[k]!;
    for (let m = 0; m < aligned.length && m * size < length; m++) {
      list[m * size] = aligned[m];
      if ((m & 65535) === 65535) yield;
    }
    starts.push(list);
  }
  return starts;
}

/** The heads' state as the checkpointer's snapshots of versions 1 and 2 kept it. */
export type HeadsInOneMap = Omit<StreamHeadsState, 'heads'> & { heads: Map<string, Head> };

/**
 * A state kept while digests were Buffers and the heads one Map (the checkpointer's snapshots of versions 1 and 2), its
 * leaves and blocks turned into digests (in place) and its heads spread over a ShardedMap, so an upgrade goes on from it
 * rather than walking the log again.
 */
export function upgradedHeads(state: HeadsInOneMap): StreamHeadsState {
  const digest = (value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : (value as Digest | undefined));
  const heads = shardedMap<Head>();
  for (const [id, head] of state.heads) shardFor(heads, id).set(id, { ...head, leaf: digest(head.leaf) });
  for (const level of state.blocks) for (let m = 0; m < level.length; m++) level[m] = digest(level[m]);
  return { ...state, heads };
}

/** A pause every 64 hashes (a mask): a few hundredths of a millisecond idle; 256 took 5–17 ms on the shared machine at load 7. */
const HASHES_PER_PAUSE = 63;

/**
 * Every stream's head as the log is walked, with what a checkpoint needs: the Merkle root over
 * all heads (leaves cached, streams kept in order) and the heads that moved after a position.
 *
 * The root is kept incrementally: the hash of every full, aligned block of 2^k leaves (a node of
 * RFC 6962's tree whatever the number of leaves after it) is cached, and a root recomputes only the
 * blocks over a leaf that changed or a new stream, not the whole tree. New streams shift the leaves
 * after them: at the four lowest levels every run of 2^k leaves is kept at whatever start it now has
 * (`starts`, `shiftingStarts`), so a block misaligned at one root and aligned again at a later one is
 * not hashed again; above them a block shifted by a multiple of its width is the same block, moved
 * (`shiftingBlocks`), and one shifted otherwise is hashed. With the application's ids (new streams all
 * over the order) a checkpoint at a million events hashed some 17,500 nodes, 2.7 % of them hashed
 * before, where aligned blocks alone hashed 71,500, 76 % of them before (START_LEVELS).
 * Same root, byte for byte, as `merkleRoot` over every leaf (tests/integrity: an incremental checkpoint
 * proves exactly what a full one does).
 */
export class StreamHeads {
  /**
   * By stream id, in 64 Maps (a ShardedMap): one Map's table doubles in a single `set`, 11 ms at the 65,537th stream (a
   * first start at a million events) and some 190–280 ms at the 1,048,577th (ten million). Looked up once an event, and
   * for a new stream's place in `sortedHeads`; the roots' walks do not look up (the twenty-ninth and fortieth rounds
   * found them twice as slow over a GrowingMap's or a ShardedMap's lookups).
   */
  private heads: ShardedMap<Head> = shardedMap();
  private sorted: string[] = [];
  /**
   * Each stream's head in `sorted`'s order (the same objects as `heads`'): a root's walk over every head, and the moved
   * heads' after it, read them off without a lookup. Looked up by id, 108,000 heads at a million events took about 25 ms a
   * walk, two walks a checkpoint (one every 1,000 events): in a script of 1M moves and 1,000 roots over 108,000 streams,
   * the roots took 54–62 s with the lookups and 24–28 s without. Undefined until `preparing` has built it (after a restore,
   * or a reorder).
   */
  private sortedHeads: Head[] | undefined = [];
  /**
   * Each stream's leaf in `sorted`'s order beside `sortedHeads`, kept from root to root; undefined where the head moved or
   * is new since (patched by the next root). A root reads them in order rather than every head object (108,000 reads
   * scattered over the heap at a million events: most of the walk's time once it no longer looked them up).
   */
  private sortedLeaves: (Digest | undefined)[] | undefined = [];
  /**
   * The lists `mergingHeads` writes the next order into, then swaps with the two above: none allocated a root. At a
   * million events each is a large object (108,000 entries, 0.9 MB), which only a full collection frees, and a fresh one's
   * pages are faulted in as it is filled; new ones every root, grown by push, made the roots of 1M events 17–19 s in a
   * script against 12.5 s with these.
   */
  private spareHeads: Head[] = [];
  private spareLeaves: (Digest | undefined)[] = [];
  /**
   * The sorted ids' list before the last merge, which the next merge writes over (`mergingSorted`'s `into`) and swaps in:
   * a new list of 1.08 million ids at ten million events took 23–31 ms to make, in the draft's first slice.
   */
  private spareSorted: string[] = [];
  private added: string[] = [];
  private reorder = false;
  /** Streams whose head moved (or was put back) since the last root. */
  private dirty = new Set<string>();
  /**
   * blocks[k][m]: the hash of leaves [m·2^k, (m+1)·2^k) for k > START_LEVELS, as of the last root; holes where stale. Empty
   * for the levels below (kept in `starts`; a snapshot keeps their aligned blocks here, as before).
   */
  private blocks: (Digest | undefined)[][] = [];
  /**
   * starts[k][j]: the hash of leaves [j, j + 2^k) for 1 ≤ k ≤ START_LEVELS, at every start j (a block of the tree where j is
   * a multiple of 2^k, kept for a later root where it is not); undefined or holes where stale or never hashed. At least as
   * long as the leaves less 2^k − 1 after a root; longer is room (undefined past that: nothing is written there but
   * `undefined`, and nothing read).
   */
  private starts: (Digest | undefined)[][] = [];
  /** Events applied, across all streams. */
  eventCount = 0;
  /**
   * Whether `preparing` has run to its end since the last move: then `sortedLeaves` holds every leaf and the tree's full
   * blocks are cached, and `root` hashes only the few nodes over them.
   */
  private prepared = false;

  /**
   * The heads as they are now, to be kept in a snapshot: shared, not copied (serialize it before the next `apply`: the
   * blocks are patched in place, and the sorted ids' list is written over by the root after next).
   */
  state(): StreamHeadsState {
    const { heads, sorted, added, reorder, dirty, blocks, starts, eventCount } = this;
    return { heads, sorted, added, reorder, dirty, blocks, starts, eventCount };
  }

  /**
   * Heads restored from `state()`: the same roots from here on as the heads it was taken from, with no block of the tree
   * hashed again (through a snapshot, whose stored form keeps the low levels' aligned blocks only, their other starts are
   * hashed again as they come back into line). It takes the state's lists, not copies: a state restored as it is (not
   * through a snapshot's bytes) is this one's alone. A state without starts (made before them) has them made at once.
   */
  static from(state: StreamHeadsState): StreamHeads {
    const restored = new StreamHeads();
    restored.heads = state.heads;
    restored.sorted = state.sorted;
    restored.sortedHeads = undefined;
    restored.sortedLeaves = undefined;
    restored.added = state.added;
    restored.reorder = state.reorder;
    restored.dirty = state.dirty;
    restored.blocks = state.blocks.map((level, k) => (k === 0 || k > START_LEVELS ? level : []));
    restored.starts = state.starts ?? atOnce(startsOf(state.blocks, state.sorted.length));
    restored.eventCount = state.eventCount;
    return restored;
  }

  get streamCount(): number {
    let count = 0;
    for (const shard of this.heads) count += shard.size;
    return count;
  }

  get(streamId: string): StreamHead | undefined {
    const head = shardFor(this.heads, streamId).get(streamId);
    return head && { streamId, revision: head.revision, hash: head.hash };
  }

  /**
   * Moves a stream's head; returns what it replaced (a copy: a head is moved in place, so the sorted walk's list of heads
   * stays true) so the move can be undone.
   */
  apply(streamId: string, revision: number, hash: string, position: number): Head | undefined {
    const shard = shardFor(this.heads, streamId);
    const head = shard.get(streamId);
    this.prepared = false;
    this.eventCount += 1;
    if (!head) {
      this.added.push(streamId);
      shard.set(streamId, { revision, hash, position, leaf: undefined });
      return undefined;
    }
    this.dirty.add(streamId);
    const previous = { revision: head.revision, hash: head.hash, position: head.position, leaf: head.leaf };
    head.revision = revision;
    head.hash = hash;
    head.position = position;
    head.leaf = undefined;
    return previous;
  }

  /** Puts back the head `apply` replaced. */
  undo(streamId: string, previous: Head | undefined): void {
    this.prepared = false;
    if (previous) {
      Object.assign(shardFor(this.heads, streamId).get(streamId)!, previous);
      this.dirty.add(streamId);
    } else {
      shardFor(this.heads, streamId).delete(streamId);
      this.reorder = true;
    }
    this.eventCount -= 1;
  }

  /**
   * The Merkle root over every head. After `preparing` has run to its end with the heads unmoved, it hashes only the
   * few nodes over the tree's full blocks; otherwise it does that work first, at once.
   */
  root(): string {
    if (!this.prepared) atOnce(this.preparing());
    const leaves = this.sortedLeaves as Digest[];
    if (leaves.length <= 1) return merkleRoot(leaves);
    return digestHex(this.subtree(leaves, 0, leaves.length));
  }

  /**
   * The root's work, as a generator pausing (`yield`) every few hundred hashes so a caller can yield to the event loop
   * between them (issue 12: a first checkpoint over 108,000 heads hashed them and the tree in one block of most of a
   * second): every head's leaf, and the tree's full aligned blocks, level by level, bottom up. Those are exactly the
   * blocks `subtree` would hash (every full aligned block lies inside one of the blocks the root's split decomposes the
   * leaves into), so the root and the cache are the same as `subtree` alone leaves them. The heads must not move until
   * `root` is taken, and no other `preparing` (nor `root`) may run while this one is paused: the merges write into the one
   * spare list of ids and the one pair of heads' and leaves' (the checkpointer's `busy` and verify's runs at once keep it so).
   */
  *preparing(): Generator<void> {
    // Where the new streams landed in the new order (ascending); all blocks stale after a reorder.
    let placed: number[] = [];
    let allStale = false;
    // Sorted in pieces too: on a first start every one of a million events' 108,000 streams is new (~0.1 s in one sort).
    if (this.reorder) {
      this.sorted = yield* sortingStrings(this.heads.flatMap((shard) => [...shard.keys()]));
      this.sortedHeads = undefined;
      this.reorder = false;
      allStale = true;
    } else if (this.added.length > 0) {
      // Those still there, picked in pieces too: on a first start every one of the 108,000 streams is added.
      const kept: string[] = [];
      for (let i = 0; i < this.added.length; i++) {
        const id = this.added[i]!;
        if (shardFor(this.heads, id).has(id)) kept.push(id);
        if ((i & 4095) === 4095) yield;
      }
      const added = yield* sortingStrings(kept);
      const sorted = yield* mergingSorted(this.sorted, added, this.spareSorted);
      // A search each (none of them was in the order: a new stream undone makes a reorder), pausing every 4,096: on a first
      // start all 108,000 streams of a million events are new.
      placed = new Array(added.length);
      for (let j = 0, at = 0; j < added.length; j++) {
        placed[j] = at = lowerBound(sorted, added[j]!, at);
        if ((j & 4095) === 4095) yield;
      }
      if (this.sortedHeads !== undefined) yield* this.mergingHeads(sorted, placed);
      // With the heads' lists swapped in the same step: the order and its lists never disagree at a pause.
      this.spareSorted = this.sorted;
      this.sorted = sorted;
    }
    this.added = [];
    // In the step that cleared `reorder` and `added`, before any pause (a root asked meanwhile must not find a stale block
    // cached): each level's blocks moved to where their leaves now are, or dropped.
    for (let k = 1; k < this.starts.length; k++) {
      if (allStale) this.starts[k]!.fill(undefined);
      else this.shiftingStarts(this.starts[k]!, k, placed);
    }
    for (let k = START_LEVELS + 1; k < this.blocks.length; k++) {
      if (allStale) this.blocks[k]!.fill(undefined);
      else this.shiftingBlocks(this.blocks[k]!, k, placed);
    }
    // Built from the heads (after a restore, or a reorder): every leaf read from its head below, none patched.
    const rebuilt = this.sortedHeads === undefined || this.sortedLeaves === undefined;
    if (rebuilt) {
      const sortedHeads: Head[] = [];
      const sortedLeaves: undefined[] = [];
      for (let i = 0; i < this.sorted.length; i++) {
        const id = this.sorted[i]!;
        sortedHeads.push(shardFor(this.heads, id).get(id)!);
        sortedLeaves.push(undefined);
        if ((i & 1023) === 1023) yield;
      }
      this.sortedHeads = sortedHeads;
      this.sortedLeaves = sortedLeaves;
    }
    const sortedHeads = this.sortedHeads!;
    const leaves = this.sortedLeaves!;
    // A moved head's leaf is stale, and so are its blocks, at its place in the new order (where its shifted blocks now are).
    // Nothing to look up when every leaf was read from its head and every block is stale (after a reorder).
    let looked = 0;
    if (!allStale)
      for (const streamId of this.dirty) {
        const at = lowerBound(this.sorted, streamId);
        if ((++looked & 1023) === 0) yield;
        if (this.sorted[at] !== streamId) continue;
        leaves[at] = undefined;
        for (let k = 1; k < this.starts.length; k++) {
          const starts = this.starts[k]!;
          for (let j = Math.max(0, at - (1 << k) + 1); j <= at && j < starts.length; j++) starts[j] = undefined;
        }
        for (let k = START_LEVELS + 1; k < this.blocks.length; k++) {
          const level = this.blocks[k]!;
          if (at >> k < level.length) level[at >> k] = undefined;
        }
      }
    this.dirty = new Set();
    // A pause every 64 leaves hashed, and every 4,096 read: a checkpoint after the first hashes few, but still reads every
    // leaf (108,000 at a million events).
    let hashedLeaves = 0;
    for (let i = 0; i < leaves.length; i++) {
      if (leaves[i] === undefined) {
        const head = sortedHeads[i]!;
        head.leaf ??= headLeaf({ streamId: this.sorted[i]!, revision: head.revision, hash: head.hash });
        leaves[i] = head.leaf;
        if ((++hashedLeaves & HASHES_PER_PAUSE) === 0) yield;
      } else if ((i & 4095) === 4095) yield;
    }
    // Every leaf set now. The same list stays `sortedLeaves`, patched in place by the next root.
    const filled = leaves as Digest[];
    this.prepared = false;
    if (filled.length <= 1) {
      this.prepared = true;
      return;
    }
    let hashed = 0;
    for (let k = 1; 2 ** k <= filled.length; k++) {
      while (this.blocks.length <= k) this.blocks.push([]);
      const size = 1 << k;
      const half = size >> 1;
      const full = Math.floor(filled.length / size);
      if (k <= START_LEVELS) {
        // By start: the block at j is the two halves at j and j + 2^(k-1) (leaves for the pairs).
        while (this.starts.length <= k) this.starts.push([]);
        const starts = this.starts[k]!;
        while (starts.length < filled.length - size + 1) starts.push(undefined);
        const below = k === 1 ? filled : this.starts[k - 1]!;
        for (let j = 0; j < full * size; j += size) {
          // Compared, not tested for truth: that reads each cached string (108,000 scattered reads a root at a million events).
          if (starts[j] !== undefined) continue;
          starts[j] = nodeHash(below[j]!, below[j + half]!);
          if ((++hashed & HASHES_PER_PAUSE) === 0) yield;
        }
        continue;
      }
      const level = this.blocks[k]!;
      // The level below by start (its block m at m·2^(k-1)), or by block.
      const [below, stride] = k - 1 <= START_LEVELS ? [this.starts[k - 1]!, half] : [this.blocks[k - 1]!, 1];
      for (let m = 0; m < full; m++) {
        if (level[m] !== undefined) continue;
        level[m] = nodeHash(below[2 * m * stride]!, below[(2 * m + 1) * stride]!);
        if ((++hashed & HASHES_PER_PAUSE) === 0) yield;
      }
    }
    this.prepared = true;
  }

  /**
   * Level k's blocks (of 2^k leaves, k > START_LEVELS) as they stand once the new streams are `placed` (their places in the new order,
   * ascending): a block wholly before the first keeps its leaves; after it, a block none of whose leaves is new holds the
   * leaves c places back, c the new streams before it, and is the hash of the block c / 2^k back when c is a multiple of
   * 2^k (those leaves were an aligned block); any other is dropped, to be hashed by the root. With the application's ids (a UUID
   * v5, in no order) the hundred or so new streams of a checkpoint land all over the order and leave almost no block in
   * place: a 2^k-th of the blocks after the first of them is kept this way, where a block kept only in place would be
   * hashed again. A moved head's blocks are dropped after this, at its new place. Written downwards, so the block read
   * (at or below the one written) is the old one still; one step, no pause (at ten million events some 68,000 entries
   * over the levels above START_LEVELS).
   */
  private shiftingBlocks(level: (Digest | undefined)[], k: number, placed: readonly number[]): void {
    if (placed.length === 0) return;
    const size = 2 ** k;
    const keep = Math.floor(placed[0]! / size);
    if (level.length <= keep) return;
    const full = Math.floor(this.sorted.length / size);
    while (level.length < full) level.push(undefined);
    // below: the new streams before the block's end; before: those before its start.
    let below = placed.length;
    let before = placed.length;
    for (let m = level.length - 1; m >= keep; m--) {
      const start = m * size;
      while (below > 0 && placed[below - 1]! >= start + size) below--;
      if (before > below) before = below;
      while (before > 0 && placed[before - 1]! >= start) before--;
      level[m] = m < full && before === below && before % size === 0 ? level[m - before / size] : undefined;
    }
  }

  /**
   * Level k's starts (k ≤ START_LEVELS) as they stand once the new streams are `placed` (ascending places in the new
   * order): the block at a start whose 2^k leaves hold no new stream is the one c starts back, c the new streams before
   * it; any other is dropped. By runs between the new streams, the last first (each run moves up by the new streams
   * before it, from starts no run above writes); one step, no pause: the four levels' 4.3 million starts at ten million
   * events, 13 ms of the bench's longest step there.
   */
  private shiftingStarts(starts: (Digest | undefined)[], k: number, placed: readonly number[]): void {
    if (placed.length === 0) return;
    const size = 1 << k;
    const count = this.sorted.length;
    const length = Math.max(0, count - size + 1);
    while (starts.length < length) starts.push(undefined);
    for (let r = placed.length; r >= 0; r--) {
      // Run r: the starts after the r-th new stream (from 0 for the first run) up to the next one (the end for the last).
      const low = r === 0 ? 0 : placed[r - 1]! + 1;
      const high = r === placed.length ? count : placed[r]!;
      // Moved up r places, from the top down (each read below the one written). `copyWithin` here made the step 13 ms a
      // checkpoint at a million events (V8 copies a list's entries one by one, through its generic path).
      if (r > 0) for (let j = high - size; j >= low; j--) starts[j] = starts[j - r];
      // The starts whose block holds the new stream at `high`, its own included.
      if (r < placed.length) for (let j = Math.max(low, high - size + 1); j <= high && j < length; j++) starts[j] = undefined;
    }
  }

  /** RFC 6962's tree hash over leaves [from, to), as merkle.ts computes it, taking full aligned blocks from the cache. */
  private subtree(leaves: readonly Digest[], from: number, to: number): Digest {
    const n = to - from;
    if (n === 1) return leaves[from]!;
    const full = (n & (n - 1)) === 0 && from % n === 0;
    const k = full ? 31 - Math.clz32(n) : 0;
    if (full) {
      const cached = k <= START_LEVELS ? this.starts[k]?.[from] : this.blocks[k]?.[from >> k];
      if (cached) return cached;
    }
    let split = 1;
    while (split * 2 < n) split *= 2;
    const hash = nodeHash(this.subtree(leaves, from, from + split), this.subtree(leaves, from + split, to));
    if (full && k <= START_LEVELS) {
      const starts = this.starts[k];
      if (starts !== undefined && from < starts.length) starts[from] = hash;
    } else if (full) {
      while (this.blocks.length <= k) this.blocks.push([]);
      this.blocks[k]![from >> k] = hash;
    }
    return hash;
  }

  /**
   * The same heads as `movedAfter`, pausing (`yield`) every 1,024 heads: right after `preparing` has run to its end (the
   * heads unmoved) they are read off the sorted streams, with no sort of their own; otherwise `movedAfter`'s, at once.
   */
  *movingAfter(position: number): Generator<void, StreamHead[]> {
    if (this.reorder || this.added.length > 0 || this.sortedHeads === undefined) return this.movedAfter(position);
    const moved: StreamHead[] = [];
    const sorted = this.sorted;
    const sortedHeads = this.sortedHeads;
    for (let i = 0; i < sorted.length; i++) {
      const head = sortedHeads[i]!;
      if (head.position > position) moved.push({ streamId: sorted[i]!, revision: head.revision, hash: head.hash });
      if ((i & 1023) === 1023) yield;
    }
    return moved;
  }

  /**
   * `sortedHeads` and `sortedLeaves` in the order of `sorted`, which is `this.sorted` with the new streams merged in at
   * `placed` (their places, ascending): each new stream's head alone looked up (its leaf left to the root), the runs
   * between them copied from the lists as they were. Written over the spare lists, swapped after the last pause. Compared
   * id by id, the merge took 14 ms a checkpoint at a million events with the application's ids (a CPU profile, the
   * forty-third round).
   */
  private *mergingHeads(sorted: readonly string[], placed: readonly number[]): Generator<void> {
    const beforeHeads = this.sortedHeads!;
    const beforeLeaves = this.sortedLeaves!;
    const heads = this.spareHeads;
    const leaves = this.spareLeaves;
    let i = 0;
    for (let j = 0; j <= placed.length; j++) {
      // Up to the j-th new stream (after the last, to the end) the heads as they were, j places on.
      const end = j < placed.length ? placed[j]! : sorted.length;
      while (i < end) {
        const stop = Math.min(end, (i | 4095) + 1);
        for (; i < stop; i++) {
          heads[i] = beforeHeads[i - j]!;
          leaves[i] = beforeLeaves[i - j];
        }
        if ((i & 4095) === 0) yield;
      }
      if (j === placed.length) break;
      const id = sorted[i]!;
      heads[i] = shardFor(this.heads, id).get(id)!;
      leaves[i++] = undefined;
      // New streams side by side copy no run between them (on a first start every stream is new): a pause here too.
      if ((i & 4095) === 0) yield;
    }
    heads.length = sorted.length;
    leaves.length = sorted.length;
    this.spareHeads = beforeHeads;
    this.spareLeaves = beforeLeaves;
    this.sortedHeads = heads;
    this.sortedLeaves = leaves;
  }

  /**
   * The streams moved or new since the last root (or since the heads began), some perhaps undone since: those a root would
   * look at again. Undefined after an undone new stream (the order is rebuilt then, and the streams are not kept track of).
   */
  movedSinceRoot(): string[] | undefined {
    return this.reorder ? undefined : [...this.dirty, ...this.added];
  }

  /** The heads of `streamIds` (repeats and streams gone allowed) whose last event is after `position`, sorted by streamId. */
  headsMovedAfter(streamIds: readonly string[], position: number): StreamHead[] {
    const moved: StreamHead[] = [];
    for (const streamId of new Set(streamIds)) {
      const head = shardFor(this.heads, streamId).get(streamId);
      if (head !== undefined && head.position > position) moved.push({ streamId, revision: head.revision, hash: head.hash });
    }
    return moved.sort(byStreamId);
  }

  /** Heads whose last event is after `position`, sorted by streamId. */
  movedAfter(position: number): StreamHead[] {
    const moved: StreamHead[] = [];
    for (const shard of this.heads)
      for (const [streamId, head] of shard)
        if (head.position > position) moved.push({ streamId, revision: head.revision, hash: head.hash });
    return moved.sort(byStreamId);
  }
}
