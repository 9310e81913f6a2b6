import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DefaultDeserializer as Deserializer, DefaultSerializer as Serializer } from 'node:v8';
import { GrowingMap } from './growingMap.js';
import { internStrings } from './intern.js';
import { atOnce, sliceDue, slicedInATurnOfItsOwn, yieldToEventLoop } from './slices.js';
import { collectYoungWhenFull } from './youngGeneration.js';

/**
 * A projection's state saved with the log position it reflects, so a restart replays only what
 * came after. The projection's name and version travel with it: a snapshot written by another
 * version of the projection is discarded, never trusted. `eventId` is the id of the event at
 * `position`, so a snapshot that does not belong to this log (a replaced database) is noticed too.
 */
export type Snapshot = { name: string; version: number; position: number; eventId: string | null; state: unknown };

/**
 * Where snapshots are kept: bytes by projection name, saved whole, from a list of chunks (`encodingInPieces`) or from chunks
 * as they are written (`snapshotChunks`).
 */
export interface SnapshotStore {
  load(name: string): Promise<Buffer | undefined>;
  save(name: string, bytes: Buffer | readonly Buffer[] | AsyncIterable<Buffer>): Promise<void>;
}

/**
 * Snapshots are V8's structured-clone serialization: it keeps Maps and Sets as they are, needs no
 * per-projection code, and is several times faster than JSON for states of this size.
 *
 * Written and read in pieces (issue 12: a projection's state at a million events was one `serialize`
 * or `deserialize` of hundreds of MB, some 0.7 s holding the event loop): every Map, Set or array of
 * more than `PIECE_ENTRIES` entries, every GrowingMap, and the Maps of an array of Maps holding more together (a
 * ShardedMap), and every typed array of more than `TYPED_ALONE_BYTES`, found in the state (through plain objects,
 * arrays and Maps) is left out of its skeleton and written `PIECE_ENTRIES` entries at a time (fewer when they weigh
 * `PIECE_WEIGHT`), a typed array `TYPED_PIECE_BYTES` at a time, each piece one `writeValue`, so the async writer and
 * reader can yield between pieces.
 *
 * A V8 serializer keeps every object it has written in a table (to write an object met again as a reference), and so
 * does a deserializer: at ten million events one serializer for a whole snapshot held some three million objects, and
 * every scavenge while it wrote took up to 1.2 s (a server's close saving its snapshots: 1,009 scavenges, 210 s of
 * them; a scratch writing 3M small objects: 7.8 s and a 1.2 s pause, against 2.5 s and 76 ms with a new serializer every
 * 100 pieces; issue 12, round 46). So a snapshot is written as frames: a new serializer every `FRAME_VALUES` values (the
 * skeleton, then pieces), and read back with a new deserializer each. An object stays one object within a frame, as
 * before within the whole snapshot; across frames, the objects the skeleton holds stay one object wherever a piece has
 * one as an entry's key or value (a fact two maps share, one of them small: `recent` and `pending` of the outbox), written
 * there as the skeleton's object by its place. Any other object met in two frames (an empty list two records share)
 * comes back as two equal objects.
 *
 * The bytes are `FORMAT` then the frames, each its length, its count of values and a serializer's bytes: bytes of an
 * earlier format (one serializer for all) are not read, and the read models are rebuilt. The formats before this one are
 * read: format 4 wrote a typed array's pieces as arrays of its own kind, not as their bytes (`typedFromPieces`); format 3
 * (round 46) is format 4 without typed arrays in pieces. A server of an earlier round does not read this one and rebuilds.
 *
 * 250 entries a piece (1,000 until the twelfth round): a piece of 1,000 problems' facts took 5-10 ms to read back, and a
 * slice of two such pieces and the scavenge that promoted them held a warm start's loop 40-60 ms while it caught up (a
 * CPU profile at 1M). Only the writer's choice: a reader reads pieces of any size.
 */
const FORMAT = Buffer.from('taizhang-snapshot/5');
/** The formats before, read as well: a typed array's pieces of its own kind (4), no typed array in pieces (3). */
const EARLIER_FORMATS = [Buffer.from('taizhang-snapshot/4'), Buffer.from('taizhang-snapshot/3')];
export const PIECE_ENTRIES = 250;
/**
 * A piece also ends at this weight (`weightOf`): an entry weighs one, and as many again as the entries of a Map, Set or
 * array it is or its plain objects hold, or a 64th of a typed array's bytes. At ten million events a piece of 250
 * units' sets of problem ids (some 1,250 each) was one value of 11.7 MB and took a turn of 100 ms or more to write.
 */
export const PIECE_WEIGHT = 4_096;
/** A typed array of more bytes is written in pieces of these many bytes (the similarity index's `starts`: 4 MB at a million raises). */
export const TYPED_PIECE_BYTES = 256 * 1024;
/**
 * A typed array of more bytes is written apart from the skeleton (in one piece up to `TYPED_PIECE_BYTES`). Only those over
 * 256 KB were: forty Int32Arrays of 256 KB in a short list (a similarity index's postings over a small vocabulary) went
 * in the skeleton's one value, a turn of 86–88 ms (a scratch of 200,000 raises over 41 words, issue 12, round 52).
 */
export const TYPED_ALONE_BYTES = 16 * 1024;
/** The first size of the buffer `snapshotChunks` copies frames into (it grows when a step's frames do not fit). */
const OUT_BYTES = 1024 * 1024;
/** What a frame copied is replaced by in the list it came in. */
const DROPPED = Buffer.alloc(0);
/**
 * The values one serializer writes, a frame's: 4 pieces of 250 entries, some 3,000 objects of a read model's. A serializer
 * lives until the collector finds its JS object dead: until then its table of the objects written is among V8's roots,
 * visited by every scavenge, and the frame's bytes it released count as external memory. A frame written across two
 * scavenges is promoted, and then both wait for a full collection. With 64 pieces a frame, at ten million events, the
 * scavenges while snapshots were written took 100–150 ms, a third of it visiting roots (perf); with 4, a scratch writing
 * a warm start's snapshots at 10M had 1 full collection instead of 4 and its longest turn 63–73 ms instead of 105–112
 * (V8's memory reducer off, as `npm start` runs it). 4 to 16 measured alike; 4 keeps the least alive. The bench's
 * writing still has turns of 164–386 ms: markings that the frames' bytes start as external memory, and scavenges that
 * update their worklist (docs/benchmarks-history.md, issue 12, forty-ninth round). The reader reads frames of any
 * count; the bytes grow 0.003 %.
 */
export const FRAME_VALUES = 4;
/** The key of the stand-in for a container written in pieces: `{ [PIECE]: its index }`. */
const PIECE = 'taizhang:snapshot-piece';

/** What a reader learns from a snapshot's first value, before its state is read. */
export type SnapshotHeader = Omit<Snapshot, 'state'>;

/** The typed arrays written in pieces when big, by name (a Buffer or a DataView is written whole, as V8 writes it). */
const TYPED = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};
type TypedName = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedName]>;
const typedName = (value: object): TypedName | undefined => {
  const name = value.constructor?.name;
  return name !== undefined && Object.hasOwn(TYPED, name) && TYPED[name as TypedName] === value.constructor
    ? (name as TypedName)
    : undefined;
};

type Container = Map<unknown, unknown> | GrowingMap<unknown> | Set<unknown> | unknown[] | Typed;
/**
 * A container's kind: a GrowingMap ('growing') is written in pieces whatever its size (V8's serializer refuses one); a
 * typed array ('typed', its constructor's name in `type`) in pieces of `TYPED_PIECE_BYTES`.
 */
type Piece = { kind: 'map' | 'growing' | 'set' | 'array' | 'typed'; size: number; type?: TypedName };

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};
const isMap = (value: object): value is Map<unknown, unknown> | GrowingMap<unknown> => value instanceof Map || value instanceof GrowingMap;
/** The entries of a Map, Set or array, a 64th of a typed array's bytes; 0 for anything else. */
const sizeOf = (value: object): number =>
  value instanceof Map || value instanceof Set || value instanceof GrowingMap
    ? value.size
    : Array.isArray(value)
      ? value.length
      : ArrayBuffer.isView(value)
        ? value.byteLength >> 6
        : 0;
const big = (value: object): value is Container =>
  value instanceof GrowingMap ||
  (ArrayBuffer.isView(value) ? value.byteLength > TYPED_ALONE_BYTES && typedName(value) !== undefined : sizeOf(value) > PIECE_ENTRIES);
/**
 * What an entry weighs toward its piece's `PIECE_WEIGHT`: itself, and the size of it and of what its plain objects hold,
 * three levels down (a similarity posting's numbers are two: `{ problems: { data: Int32Array } }`).
 */
const weightOf = (value: unknown, depth = 0): number => {
  if (value === null || typeof value !== 'object') return 1;
  let weight = 1 + sizeOf(value);
  if (depth < 3 && isPlain(value))
    for (const key in value) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== null && typeof field === 'object') weight += weightOf(field, depth + 1) - 1;
    }
  return weight;
};
/** An array of Maps holding more than a piece's entries together (a ShardedMap), none of them big alone. */
const shards = (value: object): value is Map<unknown, unknown>[] => {
  if (!Array.isArray(value) || value.length === 0) return false;
  let entries = 0;
  for (const item of value) {
    if (!(item instanceof Map)) return false;
    entries += item.size;
  }
  return entries > PIECE_ENTRIES;
};
/** The index a stand-in holds, or undefined for any other value. */
const standIn = (value: object): number | undefined => {
  if (!isPlain(value)) return undefined;
  const keys = Object.keys(value);
  const index = (value as Record<string, unknown>)[PIECE];
  return keys.length === 1 && Number.isInteger(index) ? (index as number) : undefined;
};

/**
 * The state with each big container replaced by its stand-in, and those containers in order. A plain object, array or
 * Map that holds one (at any depth) is copied with the stand-in in; everything else is the state's own (not copied).
 */
function skeleton(state: unknown): { skeleton: unknown; containers: Container[] } {
  const containers: Container[] = [];
  const seen = new Map<object, unknown>();
  const strip = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return seen.get(value);
    seen.set(value, value);
    let result: unknown = value;
    if (big(value)) {
      result = { [PIECE]: containers.length };
      containers.push(value);
    } else if (shards(value)) {
      // A ShardedMap (projections/growingMap.ts): as big as its Maps together, each non-empty one written in pieces.
      const copy: unknown[] = [];
      for (const shard of value) {
        if (shard.size === 0) {
          copy.push(shard);
          continue;
        }
        const stand = { [PIECE]: containers.length };
        containers.push(shard);
        seen.set(shard, stand);
        copy.push(stand);
      }
      result = copy;
    } else if (value instanceof Map) {
      let copy: Map<unknown, unknown> | undefined;
      for (const [k, v] of value) {
        const stripped = strip(v);
        if (stripped !== v) copy ??= new Map(value);
        copy?.set(k, stripped);
      }
      result = copy ?? value;
    } else if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const stripped = strip(value[i]);
        if (stripped !== value[i]) copy ??= value.slice();
        if (copy) copy[i] = stripped;
      }
      result = copy ?? value;
    } else if (isPlain(value)) {
      let copy: Record<string, unknown> | undefined;
      for (const [k, v] of Object.entries(value)) {
        const stripped = strip(v);
        if (stripped !== v) copy ??= { ...value };
        if (copy) copy[k] = stripped;
      }
      result = copy ?? value;
    }
    seen.set(value, result);
    return result;
  };
  return { skeleton: strip(state), containers };
}

/** Puts the containers back where their stand-ins are, through the same plain objects, arrays and Maps (in place). */
function dress(skeleton: unknown, containers: Container[]): unknown {
  const seen = new Map<object, unknown>();
  const put = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return seen.get(value);
    const index = standIn(value);
    if (index !== undefined) {
      seen.set(value, containers[index]);
      return containers[index];
    }
    seen.set(value, value);
    if (value instanceof Map) {
      for (const [k, v] of value) {
        const dressed = put(v);
        if (dressed !== v) value.set(k, dressed);
      }
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (i in value) value[i] = put(value[i]);
    } else if (isPlain(value)) {
      const record = value as Record<string, unknown>;
      for (const k of Object.keys(record)) record[k] = put(record[k]);
    }
    return value;
  };
  return put(skeleton);
}

/** The objects of a skeleton, each once, in the order both the writer and the reader walk it (the containers' stand-ins too). */
function skeletonObjects(bare: unknown): Map<object, number> {
  const found = new Map<object, number>();
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || found.has(value)) return;
    found.set(value, found.size);
    if (value instanceof Map)
      for (const [k, v] of value) {
        walk(k);
        walk(v);
      }
    else if (value instanceof Set) for (const v of value) walk(v);
    else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) walk(value[i]);
    // Any other object but these V8 writes as its own enumerable properties (a class's instance comes back a plain object;
    // an Error, its message and stack only).
    else if (!ArrayBuffer.isView(value) && !(value instanceof Date) && !(value instanceof RegExp) && !(value instanceof Error))
      for (const k of Object.keys(value)) walk((value as Record<string, unknown>)[k]);
  };
  walk(bare);
  return found;
}

/** A piece with entries that are the skeleton's objects: those written as their place in it (`skeletonObjects`). */
type PieceWithRefs = { [REFS]: number[]; chunk: unknown[] };
const REFS = 'taizhang:snapshot-refs';

/**
 * Writes `value` one value at a time through `write`, pausing after each: first `meta` with the skeleton and the list
 * of pieces, then the big containers' entries, `PIECE_ENTRIES` at a time. An entry that is one of the skeleton's objects is
 * written as its place in the skeleton, so it is one object again when read, whatever serializer wrote the piece.
 */
function* writePieces(write: (value: unknown) => void, value: unknown, meta: object): Generator<void> {
  const { skeleton: bare, containers } = skeleton(value);
  // Pushed, not mapped: `map` makes a holey array or a packed one as V8 has compiled it, and the serializer writes the
  // one sparse, the other dense: the same snapshot's bytes differed between two writes in one process.
  const pieces: Piece[] = [];
  for (const c of containers)
    pieces.push(
      ArrayBuffer.isView(c)
        ? { kind: 'typed', size: c.length, type: typedName(c)! }
        : {
            kind: c instanceof GrowingMap ? 'growing' : c instanceof Map ? 'map' : c instanceof Set ? 'set' : 'array',
            size: isMap(c) || c instanceof Set ? c.size : c.length,
          },
    );
  const shared = skeletonObjects(bare);
  // How many objects the walk found: a reader whose walk finds another number would put entries in the wrong places.
  write({ ...meta, pieces, skeleton: bare, skeletonObjects: shared.size });
  yield;
  let refs: number[] = [];
  const entry = (chunk: unknown[], v: unknown): void => {
    const place = v !== null && typeof v === 'object' ? shared.get(v) : undefined;
    if (place === undefined) chunk.push(v);
    else refs.push(chunk.push(place) - 1);
  };
  const flush = (chunk: unknown[]): void => {
    write(refs.length === 0 ? chunk : ({ [REFS]: refs, chunk } satisfies PieceWithRefs));
    refs = [];
  };
  for (const c of containers) {
    if (ArrayBuffer.isView(c)) {
      // Its bytes, a view of them a piece (`typedFromPieces`).
      for (let at = 0; at < c.byteLength; at += TYPED_PIECE_BYTES) {
        write(new Uint8Array(c.buffer, c.byteOffset + at, Math.min(TYPED_PIECE_BYTES, c.byteLength - at)));
        yield;
      }
      continue;
    }
    let chunk: unknown[] = [];
    let entries = 0;
    let weight = 0;
    const values: Iterable<unknown> = isMap(c) ? c.entries() : c instanceof Set ? c.values() : c;
    // A Map's entries go flat (key, value, key, value…); an array's holes come back as undefined, as JSON tells them.
    for (const v of values) {
      if (isMap(c)) {
        const [key, value] = v as [unknown, unknown];
        entry(chunk, key);
        entry(chunk, value);
        weight += weightOf(key) + weightOf(value);
      } else {
        entry(chunk, v);
        weight += weightOf(v);
      }
      if (++entries >= PIECE_ENTRIES || weight >= PIECE_WEIGHT) {
        flush(chunk);
        chunk = [];
        entries = 0;
        weight = 0;
        yield;
      }
    }
    if (chunk.length > 0) {
      flush(chunk);
      yield;
    }
  }
}

/** The empty container a piece's values are read into (a typed array is read by `typedFromPieces`). */
function containerOf(piece: Piece): Exclude<Container, Typed> {
  return piece.kind === 'map' ? new Map() : piece.kind === 'growing' ? new GrowingMap() : piece.kind === 'set' ? new Set() : [];
}

/**
 * A typed array read from its pieces, a step each: one new array of the piece's size, and each piece's bytes copied into
 * it as they are read. A piece is a view of its bytes in what was read (`next(true)`: the deserializer's own, let go once
 * copied), so the array is the only memory its read makes. Until the fifty-sixth round a piece was an array of the same
 * kind, which the deserializer copied when its place in the bytes did not suit the kind, then again into a buffer of its
 * own (`OwnDeserializer`): two or three new buffers a piece of 256 KB. Each new ArrayBuffer is memory outside V8's heap,
 * which V8 answers with collector work in the allocation itself once enough of it has been made (a scratch on a 2.5 GB
 * heap: 3,000 arrays of 136 KB made one by one took 7.3 s, 522 of them over 5 ms each; the same bytes in 30 times fewer
 * buffers 3.1 s). Pieces of format 4 (arrays of the array's own kind) are read the same way.
 */
function* typedFromPieces(piece: Piece, next: (transient: boolean) => unknown): Generator<void, Typed> {
  if (piece.type === undefined || !Object.hasOwn(TYPED, piece.type))
    throw new Error(`A snapshot names no typed array it knows (${piece.type}).`);
  const Type = TYPED[piece.type];
  const array = new Type(piece.size);
  const into = new Uint8Array(array.buffer);
  let read = 0;
  while (read < into.byteLength) {
    const part = next(true);
    if (!ArrayBuffer.isView(part) || !(part instanceof Uint8Array || part.constructor === Type) || read + part.byteLength > into.byteLength)
      throw new Error(`A snapshot's piece of a ${piece.type} of ${piece.size} is not one that fits it.`);
    into.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), read);
    read += part.byteLength;
    yield;
  }
  return array;
}

/** Reads what `writePieces` wrote: its `meta` at once, and a generator reading the value piece by piece. */
function readPieces(next: (transient: boolean) => unknown): { meta: Record<string, unknown>; value: Generator<void, unknown> } {
  const {
    pieces,
    skeleton: bare,
    skeletonObjects: objects,
    ...meta
  } = next(false) as { pieces: Piece[]; skeleton: unknown; skeletonObjects?: number };
  function* value(): Generator<void, unknown> {
    let shared: unknown[] | undefined;
    // Each made as its pieces begin, in a step of the read: made all at once, a warm start's 107 typed arrays at a million
    // events (136 KB each, 64 ms together there, 2 ms in a scratch: V8's external memory's accounting) held one turn for
    // 50-72 ms (issue 12, aim 3: loop gaps and a CPU profile of warm starts).
    const containers: Container[] = [];
    for (const [i, p] of pieces.entries()) {
      if (p.kind === 'typed') {
        containers[i] = yield* typedFromPieces(p, next);
        continue;
      }
      const c = containerOf(p);
      containers[i] = c;
      let read = 0;
      while (read < p.size) {
        const piece = next(false) as unknown[] | PieceWithRefs;
        const chunk = Array.isArray(piece) ? piece : piece.chunk;
        internStrings(chunk);
        if (!Array.isArray(piece)) {
          shared ??= [...skeletonObjects(bare).keys()];
          if (shared.length !== objects)
            throw new Error(`A snapshot's skeleton holds ${shared.length} objects, not the ${objects} written.`);
          for (const at of piece[REFS]) chunk[at] = shared[chunk[at] as number];
        }
        if (isMap(c)) for (let j = 0; j < chunk.length; j += 2) c.set(chunk[j] as string, chunk[j + 1]);
        else if (c instanceof Set) for (const v of chunk) c.add(v);
        else for (const v of chunk) c.push(v);
        read += isMap(c) ? chunk.length / 2 : chunk.length;
        collectYoungWhenFull();
        yield;
      }
    }
    internStrings(bare);
    return dress(bare, containers);
  }
  return { meta, value: value() };
}

/**
 * A snapshot's frames as they are written: a new serializer every FRAME_VALUES values; `take` gives the bytes of the frames
 * ended since it was last asked, `end` ends the last.
 */
class Frames {
  private serializer = new Serializer();
  private values = 0;
  private ended: Buffer[] = [FORMAT];

  constructor() {
    this.serializer.writeHeader();
  }

  write(value: unknown): void {
    if (this.values === FRAME_VALUES) this.cut();
    this.serializer.writeValue(value);
    this.values += 1;
  }

  private cut(): void {
    const bytes = this.serializer.releaseBuffer();
    const lengths = Buffer.alloc(8);
    lengths.writeUInt32LE(bytes.length, 0);
    lengths.writeUInt32LE(this.values, 4);
    this.ended.push(lengths, bytes);
    this.serializer = new Serializer();
    this.serializer.writeHeader();
    this.values = 0;
  }

  take(): Buffer[] {
    const ended = this.ended;
    this.ended = [];
    return ended;
  }

  end(): Buffer[] {
    this.cut();
    return this.take();
  }
}

function* writing(frames: Frames, snapshot: Snapshot): Generator<void> {
  const { state, ...header } = snapshot;
  yield* writePieces((value) => frames.write(value), state, header);
}

/**
 * A deserializer whose typed arrays are arrays of their own: V8's (Node's `DefaultDeserializer`) gives views into the
 * bytes read, which kept a whole snapshot's file in memory for as long as one of them lived (the similarity index's
 * postings: its 145 MB file at ten million events).
 */
class OwnDeserializer extends Deserializer {
  /** Set while a typed array's piece is read: a view of its bytes, copied at once (`typedFromPieces`), is all it needs. */
  transient = false;

  _readHostObject(): unknown {
    const read = (Deserializer.prototype as unknown as { _readHostObject(this: Deserializer): ArrayBufferView })._readHostObject.call(this);
    if (this.transient) return read;
    if (Buffer.isBuffer(read)) return Buffer.from(read);
    if (read instanceof DataView) return new DataView(read.buffer.slice(read.byteOffset, read.byteOffset + read.byteLength));
    return (read as Typed).slice();
  }
}

/**
 * The values of a snapshot's frames, one after another, each frame read by a deserializer of its own; undefined for another
 * format. `transient`: a typed array's piece, whose typed arrays may be views into the bytes (copied at once).
 */
function framesOf(bytes: Buffer): ((transient: boolean) => unknown) | undefined {
  const format = bytes.subarray(0, FORMAT.length);
  if (!format.equals(FORMAT) && !EARLIER_FORMATS.some((earlier) => format.equals(earlier))) return undefined;
  let at = FORMAT.length;
  let deserializer: OwnDeserializer | undefined;
  let left = 0;
  return (transient) => {
    while (left === 0) {
      if (at + 8 > bytes.length) throw new Error('A snapshot ends before its last value.');
      const length = bytes.readUInt32LE(at);
      left = bytes.readUInt32LE(at + 4);
      deserializer = new OwnDeserializer(bytes.subarray(at + 8, at + 8 + length));
      deserializer.readHeader();
      at += 8 + length;
    }
    left -= 1;
    deserializer!.transient = transient;
    return deserializer!.readValue();
  };
}

/**
 * The header of a snapshot's bytes and a generator reading its state piece by piece; undefined for another format. Throws
 * when the bytes are of this format but their first value cannot be read (cut short).
 */
function reading(bytes: Buffer): { header: SnapshotHeader; state: Generator<void, unknown> } | undefined {
  const next = framesOf(bytes);
  if (!next) return undefined;
  const { meta, value } = readPieces(next);
  return { header: meta as SnapshotHeader, state: value };
}

/**
 * Another state kept in the snapshot store (the checkpointer's) written the same way, after a small `lead` value: what
 * `v8.deserialize` of the bytes gives, so a reader can tell a version before reading the rest. A generator pausing
 * between pieces: `atOnce` writes it in one go, `sliced` with yields (then `value` must not change until it is done).
 * The bytes come as a list of chunks, the serializer's buffer released every 16 pieces: grown to the whole snapshot's
 * 30 MB, its last doubling held a first start's event loop 100 ms (a CPU profile at 1M: one piece's `writeValue`).
 */
export function* encodingInPieces(lead: unknown, value: unknown): Generator<void, Buffer[]> {
  const serializer = new Serializer();
  serializer.writeHeader();
  serializer.writeValue(lead);
  const chunks: Buffer[] = [];
  const pieces = writePieces((piece) => serializer.writeValue(piece), value, {});
  for (let written = 1; !pieces.next().done; written++) {
    if (written % 16 === 0) chunks.push(serializer.releaseBuffer());
    yield;
  }
  chunks.push(serializer.releaseBuffer());
  return chunks;
}

/** The lead of bytes `encodingInPieces` wrote, at once, and the value read piece by piece with yields between slices. */
export function decodeInPieces(bytes: Buffer): { lead: unknown; value: () => Promise<unknown> } {
  const deserializer = new Deserializer(bytes);
  deserializer.readHeader();
  const lead = deserializer.readValue();
  return { lead, value: () => slicedInATurnOfItsOwn(readPieces(() => deserializer.readValue()).value) };
}

/** A snapshot's bytes in one go (the tests'; the runner writes with `snapshotChunks`). */
export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const frames = new Frames();
  atOnce(writing(frames, snapshot));
  return Buffer.concat(frames.end());
}

/** A snapshot read in one go (the tests'); throws on bytes of another format. */
export function decodeSnapshot(bytes: Buffer): Snapshot {
  const read = reading(bytes);
  if (!read) throw new Error('Not a snapshot of this format.');
  return { ...read.header, state: atOnce(read.state) };
}

/**
 * A snapshot's bytes as they are written, the frames ended in a slice with a yield to the event loop after each slice:
 * the state must not change until the last (the runner holds the events it receives meanwhile). Together the chunks are
 * `encodeSnapshot`'s bytes. Each chunk is one buffer's, kept for the whole snapshot and filled again once the next chunk
 * is asked for: a consumer that keeps chunks copies them. A frame's own bytes (a V8 serializer's, which V8 counts as
 * external memory until the collector finds them dead) are copied in as the frame ends and dropped before the copy is
 * handed on, so they die young. Handed on themselves, at ten million events they lived through the writes and the other
 * work the awaits let run, were promoted, and every 64 MB of them made V8 mark its 3 GB heap again ("external memory
 * pressure"; 12 times in a first start's writing, one turn of 289 ms). The whole snapshot as one Buffer did the same at
 * a million events.
 */
export async function* snapshotChunks(snapshot: Snapshot): AsyncGenerator<Buffer> {
  const frames = new Frames();
  const steps = writing(frames, snapshot);
  let out = Buffer.allocUnsafeSlow(OUT_BYTES);
  // The frames ended in a step, copied into `out` and each dropped as it is copied (no frame is held across the yield,
  // while the store writes the copy); `out` grows by half again when they do not fit, keeping what it holds.
  function* copied(ended: Buffer[]): Generator<Buffer> {
    let filled = 0;
    for (let i = 0; i < ended.length; i++) {
      const length = ended[i]!.length;
      if (filled + length > out.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(filled + length, Math.ceil(out.length * 1.5)));
        out.copy(grown, 0, 0, filled);
        out = grown;
      }
      filled += ended[i]!.copy(out, filled);
      ended[i] = DROPPED;
    }
    if (filled > 0) yield out.subarray(0, filled);
  }
  while (!steps.next().done) {
    yield* copied(frames.take());
    if (sliceDue()) await yieldToEventLoop();
  }
  yield* copied(frames.end());
}

/**
 * A snapshot's header at once, and its state read piece by piece with yields between slices; undefined for bytes of
 * another format (a snapshot written before snapshots were written in pieces).
 */
export function readSnapshot(bytes: Buffer): { header: SnapshotHeader; state: () => Promise<unknown> } | undefined {
  const read = reading(bytes);
  return read && { header: read.header, state: () => slicedInATurnOfItsOwn(read.state) };
}

/**
 * SHA-256 of a state's content, as JSON with Maps and Sets written as arrays of their entries in
 * order. Not of V8's bytes: those also record how an array is laid out in memory (a restored array
 * is "holey"), which two equal states need not share.
 */
export const stateHash = (state: unknown): string =>
  createHash('sha256')
    .update(
      JSON.stringify(state, (_key, value: unknown) =>
        value instanceof Map || value instanceof GrowingMap ? { map: [...value] } : value instanceof Set ? { set: [...value] } : value,
      ),
    )
    .digest('hex');

export class MemorySnapshotStore implements SnapshotStore {
  readonly saved = new Map<string, Buffer>();
  async load(name: string) {
    return this.saved.get(name);
  }
  async save(name: string, bytes: Buffer | readonly Buffer[] | AsyncIterable<Buffer>) {
    if (Buffer.isBuffer(bytes)) return void this.saved.set(name, bytes);
    const chunks: Buffer[] = [];
    // Copied: `snapshotChunks` fills one buffer again for its next chunk.
    for await (const chunk of bytes) chunks.push(Buffer.from(chunk));
    this.saved.set(name, Buffer.concat(chunks));
  }
}

/** How long another host's temporary snapshot file must have been left unwritten before a store opened removes it. */
const OTHER_HOSTS_STALE_MS = 60 * 60 * 1000;

/** The temporary files this process is writing (`FileSnapshotStore.save`), which a store opened meanwhile leaves alone. */
const beingWritten = new Set<string>();

/**
 * One file per projection under a directory (beside the SQLite file by default); written atomically, through a temporary
 * file named with the writing machine's host name and process id. A process killed while it writes (Docker's 10 s after
 * SIGTERM, the OOM killer) leaves its temporary file behind: one of up to hundreds of MB at a million events, one more
 * at each such kill. Opened, the store removes those: this host's of processes no longer running (a live one's may be
 * another server's on the same data folder, writing now), and another host's (another container on the folder, whose
 * process ids are not this one's to ask) once nothing has written to them for an hour.
 */
export class FileSnapshotStore implements SnapshotStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    const host = hostname();
    for (const name of readdirSync(dir)) {
      const written = /\.snapshot\.(?:(.+)\.)?(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
      if (!written) continue;
      const file = resolve(dir, name);
      const pid = Number(written[2]);
      // This process's id on a file it is not writing: another process's before it (a container's processes get the same
      // ids at each start). A name without a host is an earlier version's, on this host.
      const stale =
        written[1] === undefined || written[1] === host
          ? pid === process.pid
            ? !beingWritten.has(file)
            : !running(pid)
          : Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > OTHER_HOSTS_STALE_MS;
      if (stale) rmSync(file, { force: true });
    }
  }
  private file(name: string) {
    return join(this.dir, `${name.replace(/[^a-z0-9-]/gi, '_')}.snapshot`);
  }
  async load(name: string) {
    try {
      return await readFile(this.file(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
  async save(name: string, bytes: Buffer | readonly Buffer[] | AsyncIterable<Buffer>) {
    const file = this.file(name);
    // A temporary file of this process's own: two servers on one data folder never write into each other's.
    const temporary = `${file}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    beingWritten.add(resolve(temporary));
    try {
      await writeFile(temporary, bytes); // chunks written as they come
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    } finally {
      beingWritten.delete(resolve(temporary));
    }
  }
}

/** Whether a process with this id runs on this machine (one of another user's counts: it cannot be signalled, EPERM). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
