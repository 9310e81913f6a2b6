/**
 * A Map by string key for the read models that hold an entry per problem or notification (issue 12, aim 3: no piece of
 * work holds the event loop over 50 ms). V8's Map keeps one hash table and, when it is full, copies every entry into one
 * twice its size, all in the `set` that found it full: at a million events the 65,537th problem's event grew four such
 * tables at once (42–104 ms on the 2-core VM), and at ten million each doubling to 2^20 entries takes some 125 ms. Here
 * the keys are spread over 64 small Maps (`shardOf`), each growing on its own and 64 times smaller, and the entries are
 * kept in insertion order in chunks of 4,096 that are never copied. It answers and iterates as a Map does (insertion
 * order; a value set again keeps its place); `delete` moves every later entry (the read models never delete), so a walk
 * that deletes the entry it is at skips the next. The snapshots keep it as a kind of container of its own where their
 * pieces reach it (projections/snapshots.ts); V8's serializer refuses it anywhere else (`unclonable`).
 */
const SHARDS = 64;
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK - 1;

/**
 * The shard of a key: its first three and last three UTF-16 code units mixed. Ids vary at both ends, ledger numbers
 * (AU-2019-001) at the end, a delivery's key (notification id / channel id) at the start.
 */
export function shardOf(key: string): number {
  const n = key.length;
  // FNV-1a over the six code units, then MurmurHash3's finalizer so every bit of them reaches the shard's six.
  let h = Math.imul(0x811c9dc5 ^ (key.charCodeAt(0) | 0), 0x01000193);
  h = Math.imul(h ^ (key.charCodeAt(1) | 0), 0x01000193);
  h = Math.imul(h ^ (key.charCodeAt(2) | 0), 0x01000193);
  h = Math.imul(h ^ (key.charCodeAt(n - 3) | 0), 0x01000193);
  h = Math.imul(h ^ (key.charCodeAt(n - 2) | 0), 0x01000193);
  h = Math.imul(h ^ (key.charCodeAt(n - 1) | 0), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & (SHARDS - 1);
}

/**
 * A map by string key kept as SHARDS plain Maps, the shard chosen by `shardOf`: none of them grows whole (a Map copies
 * its table into one twice its size in the `set` that found it full: 45 ms at 131,072 entries and 190–280 ms at
 * 1,048,576 on the 2-core VM), and a delete is a Map's. For a map whose entries come and go, where GrowingMap's `delete`
 * would move every later entry. No order across its shards. Plain data: a snapshot keeps it as the Maps it is.
 */
export type ShardedMap<V> = Map<string, V>[];

export const shardedMap = <V>(): ShardedMap<V> => Array.from({ length: SHARDS }, () => new Map<string, V>());

/** The shard that holds `key`, or would: get, set, has or delete it there. */
export const shardFor = <V>(map: ShardedMap<V>, key: string): Map<string, V> => map[shardOf(key)]!;

/** A chunk of a ChunkedList: a JS array, or a typed array made full-sized. */
type Chunk<T> = { [index: number]: T };

/** The entry at `i` of a list kept in chunks of CHUNK entries (a ChunkedList's, or plain ones: `pushChunked`). */
export const chunkAt = <T>(chunks: readonly Chunk<T>[], i: number): T => chunks[i >>> CHUNK_BITS]![i & IN_CHUNK]!;

/**
 * Adds `value` at `i`, the length of a list kept in chunks of CHUNK entries, a new chunk from `make` when the last is full:
 * how a ChunkedList grows, and how a list a snapshot holds grows as plain arrays (a ChunkedList holds the function that
 * makes its chunks, which V8's serializer refuses).
 */
export function pushChunked<T>(chunks: Chunk<T>[], i: number, value: T, make: (size: number) => Chunk<T> = () => []): void {
  if ((i & IN_CHUNK) === 0) chunks.push(make(CHUNK));
  chunks[i >>> CHUNK_BITS]![i & IN_CHUNK] = value;
}

/**
 * A list that grows by `push` without ever copying what it holds: CHUNK entries to a chunk. A JS array grown past its room
 * copies every entry into one half as big again in the `push` that found it full, and a typed array is grown by copying
 * it whole: at 869,461 entries the live map's three lists took 116 ms in one `put`, and its five typed arrays, doubled
 * at 1,048,576, 53 ms (2-core VM, round 46). Read and written by index below `length`. `make` gives a chunk for CHUNK
 * entries: a typed array (`(n) => new Int32Array(n)`) or, by default, an array that pushes fill.
 */
export class ChunkedList<T> {
  private readonly chunks: Chunk<T>[] = [];
  length = 0;

  constructor(private readonly make: (size: number) => Chunk<T> = () => []) {}

  push(value: T): void {
    pushChunked(this.chunks, this.length++, value, this.make);
  }

  at(i: number): T {
    return chunkAt(this.chunks, i);
  }

  set(i: number, value: T): void {
    this.chunks[i >>> CHUNK_BITS]![i & IN_CHUNK] = value;
  }
}

/** A function is what V8's serializer cannot write (see `unclonable`). */
const UNCLONABLE = () => undefined;

export class GrowingMap<V> implements Map<string, V> {
  /** Each key's index in insertion order, in the shard `shardOf` chooses. */
  private readonly indices: Map<string, number>[] = Array.from({ length: SHARDS }, () => new Map());
  /** Keys and values by insertion index, CHUNK to a chunk. */
  private readonly keyChunks: string[][] = [];
  private readonly valueChunks: V[][] = [];
  private count = 0;
  /**
   * The last key found and its index (none while `lastIndex` is -1): a read model reads a problem's entry and sets it again
   * for the same event.
   */
  private lastKey = '';
  private lastIndex = -1;
  /**
   * Makes V8's serializer (and `structuredClone`) refuse a GrowingMap: one it met where the snapshots do not take it apart
   * (a Set's member, a big container's value) would come back as a plain object of these fields.
   */
  readonly unclonable = UNCLONABLE;
  /**
   * The map whose first `baseCount` keys, in its order, are this one's first too (`over`): looked up in its indices,
   * their chunks of keys shared while full. Null for a map with indices of its own.
   */
  private base: GrowingMap<unknown> | null = null;
  private baseCount = 0;
  /** Whether a map was made `over` this one: then this one never deletes (that would move the keys they share). */
  private shared = false;

  /**
   * A map of the first `values.length` keys of `base`, in its order, with `values` as theirs: what `base` held when those
   * were its values (an as-of replay starting from a snapshot of the history, issue 12, aim 3). Made without a key
   * hashed or an index written: 108,108 problems at a million events took 45 ms of sets and as much of the collector's
   * work when put in a map of their own. It answers and grows as any map; `base` must not delete from then on.
   */
  static over<V>(base: GrowingMap<unknown>, values: readonly V[]): GrowingMap<V> {
    const n = values.length;
    if (n > base.count) throw new RangeError(`A map over another holds at most its ${base.count} keys, not ${n}`);
    const map = new GrowingMap<V>();
    base.shared = true;
    map.base = base;
    map.baseCount = n;
    map.count = n;
    for (let from = 0; from < n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK);
      const keys = base.keyChunks[from >>> CHUNK_BITS]!;
      // A full chunk never changes (only `delete` rewrites keys); the last, when partial, is this map's to fill.
      map.keyChunks.push(to - from === CHUNK ? keys : keys.slice(0, to - from));
      map.valueChunks.push(values.slice(from, to));
    }
    return map;
  }

  constructor(entries?: Iterable<readonly [string, V]>) {
    if (entries) for (const [key, value] of entries) this.set(key, value);
  }

  get size(): number {
    return this.count;
  }

  /** The key and the value at an index in insertion order. */
  private keyAt(i: number): string {
    return this.keyChunks[i >>> CHUNK_BITS]![i & IN_CHUNK]!;
  }

  private valueAt(i: number): V {
    return this.valueChunks[i >>> CHUNK_BITS]![i & IN_CHUNK]!;
  }

  /** The index of `key` in insertion order, or undefined (for a key that is not a string too, as a Map answers). */
  indexOf(key: string): number | undefined {
    if (key === this.lastKey && this.lastIndex >= 0) return this.lastIndex;
    if (typeof key !== 'string') return undefined;
    let i = this.indices[shardOf(key)]!.get(key);
    if (i === undefined && this.base !== null) {
      const j = this.base.indexOf(key);
      if (j !== undefined && j < this.baseCount) i = j;
    }
    if (i !== undefined) {
      this.lastKey = key;
      this.lastIndex = i;
    }
    return i;
  }

  get(key: string): V | undefined {
    const i = this.indexOf(key);
    return i === undefined ? undefined : this.valueAt(i);
  }

  has(key: string): boolean {
    return this.indexOf(key) !== undefined;
  }

  set(key: string, value: V): this {
    if (typeof key !== 'string') throw new TypeError(`A GrowingMap's keys are strings, not ${typeof key}.`);
    const i = this.indexOf(key);
    if (i !== undefined) {
      this.valueChunks[i >>> CHUNK_BITS]![i & IN_CHUNK] = value;
      return this;
    }
    const at = this.count++;
    if ((at & IN_CHUNK) === 0) {
      this.keyChunks.push([]);
      this.valueChunks.push([]);
    }
    this.keyChunks[at >>> CHUNK_BITS]!.push(key);
    this.valueChunks[at >>> CHUNK_BITS]!.push(value);
    this.indices[shardOf(key)]!.set(key, at);
    this.lastKey = key;
    this.lastIndex = at;
    return this;
  }

  /** Removes `key`, moving every later entry down one place (a pass over them): the read models never delete. */
  delete(key: string): boolean {
    if (this.shared) throw new Error('A GrowingMap that another was made over does not delete: their shared keys would move');
    if (this.base !== null && this.has(key)) this.ownIndices();
    const shard = this.indices[shardOf(key)]!;
    const removed = shard.get(key);
    if (removed === undefined) return false;
    shard.delete(key);
    this.lastIndex = -1;
    for (let i = removed + 1; i < this.count; i++) {
      const k = this.keyAt(i);
      const to = i - 1;
      this.keyChunks[to >>> CHUNK_BITS]![to & IN_CHUNK] = k;
      this.valueChunks[to >>> CHUNK_BITS]![to & IN_CHUNK] = this.valueAt(i);
      this.indices[shardOf(k)]!.set(k, to);
    }
    this.count -= 1;
    const last = this.count;
    this.keyChunks[last >>> CHUNK_BITS]!.pop();
    this.valueChunks[last >>> CHUNK_BITS]!.pop();
    if ((last & IN_CHUNK) === 0) {
      this.keyChunks.pop();
      this.valueChunks.pop();
    }
    return true;
  }

  /** Indexes the keys it shares with its base in its own indices, and copies their chunks: it no longer needs the base. */
  private ownIndices(): void {
    if (this.base === null) return;
    for (let i = 0; i < this.baseCount; i++) this.indices[shardOf(this.keyAt(i))]!.set(this.keyAt(i), i);
    for (let c = 0; c < this.keyChunks.length; c++) this.keyChunks[c] = this.keyChunks[c]!.slice();
    this.base = null;
    this.baseCount = 0;
  }

  clear(): void {
    if (this.shared) throw new Error('A GrowingMap that another was made over is not cleared: their shared keys would go');
    this.base = null;
    this.baseCount = 0;
    for (const shard of this.indices) shard.clear();
    this.lastIndex = -1;
    this.keyChunks.length = 0;
    this.valueChunks.length = 0;
    this.count = 0;
  }

  /** In insertion order; an entry set during the walk is visited, as a Map's would be. */
  *entries(): MapIterator<[string, V]> {
    for (let i = 0; i < this.count; i++) yield [this.keyAt(i), this.valueAt(i)];
    return undefined;
  }

  *keys(): MapIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.keyAt(i);
    return undefined;
  }

  *values(): MapIterator<V> {
    for (let i = 0; i < this.count; i++) yield this.valueAt(i);
    return undefined;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.count; i++) callback.call(thisArg, this.valueAt(i), this.keyAt(i), this);
  }

  get [Symbol.toStringTag](): string {
    return 'GrowingMap';
  }
}
