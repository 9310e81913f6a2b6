import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultDeserializer, DefaultSerializer, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { labelledDescriptions } from '../support/descriptions.js';
import { GrowingMap, shardFor, shardedMap } from '../../projections/growingMap.js';
import { atOnce, yieldToEventLoop } from '../../projections/slices.js';
import { MemoryEventStore } from '../../eventstore/memory.js';
import type { NewEvent, RecordedEvent } from '../../eventstore/port.js';
import { type Projection, ProjectionRunner } from '../../projections/runner.js';
import { type SimilarityIndex, currentIndex, indexedCount, rankSimilar, similarityIndex } from '../../projections/similarProblems.js';
import {
  FRAME_VALUES,
  FileSnapshotStore,
  MemorySnapshotStore,
  PIECE_ENTRIES,
  PIECE_WEIGHT,
  TYPED_ALONE_BYTES,
  TYPED_PIECE_BYTES,
  decodeInPieces,
  decodeSnapshot,
  encodeSnapshot,
  encodingInPieces,
  readSnapshot,
  snapshotChunks,
  stateHash,
} from '../../projections/snapshots.js';

/**
 * Issue 12: a projection's snapshot is written and read in pieces (its big Maps, Sets and arrays a
 * slice of entries at a time) so no piece holds the event loop long. The state read back must be the
 * one written, objects shared by two maps still shared; a snapshot of the one-piece format before
 * is not read (the read model is rebuilt); events that arrive while a snapshot is being written do
 * not leak into it.
 */
type Row = { id: string; status: string; notes: string[] };
type Counted = { rows: Map<string, Row>; byStatus: Map<string, Set<string>>; order: string[]; small: { last: Row | null }; n: number };

/** Counts every event: a row per event, its id in the order, the row shared with `small.last`. */
const counted: Projection<Counted> = {
  name: 'counted',
  version: 1,
  initial: () => ({ rows: new Map(), byStatus: new Map(), order: [], small: { last: null }, n: 0 }),
  apply(state, event: RecordedEvent) {
    const status = `s${event.position % 3}`;
    const row = { id: event.id, status, notes: event.position % 7 === 0 ? ['seven'] : [] };
    state.rows.set(event.id, row);
    let ids = state.byStatus.get(status);
    if (!ids) state.byStatus.set(status, (ids = new Set()));
    ids.add(event.id);
    state.order.push(event.id);
    state.small.last = row;
    state.n++;
  },
};

const event = (i: number): NewEvent => ({
  id: `e${i}`,
  type: 'Counted',
  data: { i },
  metadata: {
    actor: { userId: 'u', name: 'u', unitId: null, role: 'admin' },
    commandId: `c${i}`,
    correlationId: `c${i}`,
    causationId: `c${i}`,
    occurredAt: new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString(),
    schemaVersion: 1,
  },
});

async function storeOf(count: number): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  for (let i = 0; i < count; i += 1_000)
    await store.appendToStream(
      `s-${i}`,
      Array.from({ length: Math.min(1_000, count - i) }, (_, j) => event(i + j)),
      'any',
    );
  return store;
}

/** The state a fold of events 0..count-1 gives, counted here. */
function folded(count: number): Counted {
  const state = counted.initial();
  for (let i = 0; i < count; i++) counted.apply(state, { ...event(i), position: i, streamId: 's', revision: i } as RecordedEvent);
  return state;
}

/**
 * The values of a snapshot's frames, frame by frame, read here: after the format's name, each frame its length, its
 * count of values, and a serializer's bytes from its header; the frames end where the bytes do.
 */
function framesOf(bytes: Buffer): unknown[][] {
  const frames: unknown[][] = [];
  let at = Buffer.byteLength('taizhang-snapshot/4');
  while (at < bytes.length) {
    const length = bytes.readUInt32LE(at);
    const count = bytes.readUInt32LE(at + 4);
    const frame = new DefaultDeserializer(bytes.subarray(at + 8, at + 8 + length));
    frame.readHeader();
    frames.push(Array.from({ length: count }, () => frame.readValue()));
    at += 8 + length;
  }
  expect(at).toBe(bytes.length);
  return frames;
}

/** A snapshot's bytes written by hand, as an earlier (or this) format wrote them: its name, then one frame of `values`. */
function oneFrame(format: string, values: unknown[]): Buffer {
  const frame = new DefaultSerializer();
  frame.writeHeader();
  for (const value of values) frame.writeValue(value);
  const body = frame.releaseBuffer();
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32LE(body.length, 0);
  lengths.writeUInt32LE(values.length, 4);
  return Buffer.concat([Buffer.from(format), lengths, body]);
}

describe('a snapshot written in pieces', () => {
  it('given a state with maps, sets and arrays of many times a piece, when written and read back, then it is the same state, a row two maps share still one object', () => {
    const entries = PIECE_ENTRIES * 5 + 17;
    const state = folded(entries);
    const bytes = encodeSnapshot({ name: 'counted', version: 1, position: entries - 1, eventId: `e${entries - 1}`, state });
    const back = decodeSnapshot(bytes);
    expect(back).toMatchObject({ name: 'counted', version: 1, position: entries - 1, eventId: `e${entries - 1}` });
    const restored = back.state as Counted;
    expect(stateHash(restored)).toBe(stateHash(state));
    expect(restored.rows.size).toBe(entries);
    expect(restored.order).toHaveLength(entries);
    expect([...restored.byStatus.values()].reduce((n, s) => n + s.size, 0)).toBe(entries);
    expect(restored.small.last).toBe(restored.rows.get(`e${entries - 1}`));
    // The state written is left as it was (its big maps were not replaced by stand-ins).
    expect(state.rows).toBeInstanceOf(Map);
    expect(state.byStatus.get('s0')).toBeInstanceOf(Set);
  });

  it('given a state with GrowingMaps, one of many pieces and one of a few entries, when written and read back, then each is a GrowingMap again with the same entries in the same order, a row another map shares still one object', () => {
    const entries = PIECE_ENTRIES * 3 + 5;
    const rows = new GrowingMap<Row>();
    for (let i = 0; i < entries; i++) rows.set(`r${(i * 7) % entries}`, { id: `r${i}`, status: `s${i % 3}`, notes: [] });
    rows.set('r0', { id: 'r0', status: 'set again', notes: ['keeps its place'] });
    const few = new GrowingMap<Row>([['only', rows.get('r7')!]]);
    const state = { rows, few, byId: new Map([['r7', rows.get('r7')!]]) };
    const back = decodeSnapshot(encodeSnapshot({ name: 'growing', version: 1, position: 0, eventId: 'e0', state })).state as typeof state;
    expect(back.rows).toBeInstanceOf(GrowingMap);
    expect(back.few).toBeInstanceOf(GrowingMap);
    expect([...back.rows]).toEqual([...rows]);
    expect([...back.few]).toEqual([...few]);
    expect(back.few.get('only')).toBe(back.rows.get('r7'));
    expect(back.byId.get('r7')).toBe(back.rows.get('r7'));
    // The hash of a state does not depend on which kind of map holds it.
    expect(stateHash(back)).toBe(stateHash({ rows: new Map(rows), few: new Map(few), byId: state.byId }));
  });

  it('given a ShardedMap of many pieces in all, none of its Maps big alone, when written, then each Map is written in pieces of its own, and read back the same, a row another map shares still one object', () => {
    const entries = PIECE_ENTRIES * 40;
    const rows = shardedMap<Row>();
    for (let i = 0; i < entries; i++) shardFor(rows, `r${i}`).set(`r${i}`, { id: `r${i}`, status: `s${i % 3}`, notes: [] });
    expect(Math.max(...rows.map((shard) => shard.size))).toBeLessThanOrEqual(PIECE_ENTRIES);
    const state = { rows, few: shardedMap<Row>(), last: shardFor(rows, 'r7').get('r7') };
    shardFor(state.few, 'only').set('only', state.last!);
    const bytes = encodeSnapshot({ name: 'sharded', version: 1, position: 0, eventId: 'e0', state });
    // The first value written: the skeleton and its pieces, first in the first frame (after the format's name, the
    // frame's length and its count of values).
    const at = Buffer.byteLength('taizhang-snapshot/4');
    const deserializer = new DefaultDeserializer(bytes.subarray(at + 8, at + 8 + bytes.readUInt32LE(at)));
    deserializer.readHeader();
    const { pieces } = deserializer.readValue() as { pieces: { kind: string; size: number }[] };
    expect(pieces.filter((piece) => piece.kind === 'map').map((piece) => piece.size)).toEqual(rows.map((shard) => shard.size));
    const back = decodeSnapshot(bytes).state as typeof state;
    expect(back.rows).toHaveLength(rows.length);
    expect(back.rows.map((shard) => [...shard])).toEqual(rows.map((shard) => [...shard]));
    expect(back.few.map((shard) => [...shard])).toEqual(state.few.map((shard) => [...shard]));
    expect(back.last).toBe(shardFor(back.rows, 'r7').get('r7'));
    expect(shardFor(back.few, 'only').get('only')).toBe(back.last);
  });

  it('given a GrowingMap where the pieces do not reach it (a member of a Set), when written, then the write fails rather than write it as a plain object', () => {
    const state = { members: new Set([new GrowingMap([['a', 1]])]) };
    expect(() => encodeSnapshot({ name: 'growing', version: 1, position: 0, eventId: 'e0', state })).toThrow();
  });

  it('given a state that takes many slices to write, when its chunks are written to a file as they come, then they are several and the file holds the bytes written in one go, a row two maps share still one object', async () => {
    const entries = 200_000;
    const state = folded(entries);
    const snapshot = { name: 'counted', version: 1, position: entries - 1, eventId: `e${entries - 1}`, state };
    const whole = encodeSnapshot(snapshot);
    const chunks: Buffer[] = [];
    async function* counting() {
      for await (const chunk of snapshotChunks(snapshot)) yield chunks[chunks.push(chunk) - 1]!;
    }
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-chunks-'));
    try {
      const files = new FileSnapshotStore(dir);
      await files.save('counted', counting());
      // Several beside the format's name, which comes alone before the first frame ends.
      expect(chunks.filter((chunk) => chunk.length > Buffer.byteLength('taizhang-snapshot/4')).length).toBeGreaterThan(1);
      const written = await files.load('counted');
      expect(written?.equals(whole)).toBe(true);
      // The row `small.last` names is written with the skeleton, in the first chunk; the map that holds it comes later.
      const restored = decodeSnapshot(written!).state as Counted;
      expect(restored.small.last).toBe(restored.rows.get(`e${entries - 1}`));
      expect(stateHash(restored)).toBe(stateHash(state));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("given temporary files left by writers killed while they wrote, when the store is opened, then this host's of processes gone are removed, a running one's kept, and another host's only once unwritten for an hour", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-leftovers-'));
    try {
      // A process that has ended: its id is no longer running (unless reused meanwhile, which the check below would show).
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      const deadPid = Number(gone.stdout);
      expect(() => process.kill(deadPid, 0)).toThrow();
      // A running one: a child kept alive for the test, as another server on the same data folder writing now.
      const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
      try {
        const host = hostname();
        const files = {
          dead: `ledger.snapshot.${host}.${deadPid}.0a1b2c3d.tmp`,
          live: `ledger.snapshot.${host}.${live.pid}.0a1b2c3d.tmp`,
          own: `battle-map.snapshot.${host}.${process.pid}.00ff00ff.tmp`,
          // An earlier version's name, without its host.
          earlier: `outbox.snapshot.${deadPid}.0a1b2c3d.tmp`,
          // Another host's (another container on the folder): its process ids are not this host's to ask; judged by age.
          elsewhereFresh: `ledger.snapshot.other-host.example.${process.pid}.0a1b2c3d.tmp`,
          elsewhereOld: `ledger.snapshot.other-host.example.${deadPid}.0a1b2c3e.tmp`,
          kept: 'ledger.snapshot',
        };
        for (const name of Object.values(files)) writeFileSync(join(dir, name), 'partial');
        const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
        utimesSync(join(dir, files.elsewhereOld), twoHoursAgo, twoHoursAgo);
        const store = new FileSnapshotStore(dir);
        expect(readdirSync(dir).sort()).toEqual([files.kept, files.live, files.elsewhereFresh].sort());
        expect((await store.load('ledger'))?.toString()).toBe('partial');

        // One this process is writing, when another store on the folder is opened meanwhile, is left to be written.
        let release!: () => void;
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        async function* slowly() {
          yield Buffer.from('first half, ');
          await held;
          yield Buffer.from('second half');
        }
        const saving = store.save('ledger', slowly());
        const beingWritten = () => readdirSync(dir).filter((name) => name.startsWith(`ledger.snapshot.${host}.${process.pid}.`));
        for (let waited = 0; beingWritten().length === 0 && waited < 5_000; waited += 10)
          await new Promise((resolve) => setTimeout(resolve, 10));
        const writing = beingWritten();
        expect(writing).toHaveLength(1);
        new FileSnapshotStore(dir);
        expect(readdirSync(dir)).toContain(writing[0]);
        release();
        await saving;
        expect((await store.load('ledger'))?.toString()).toBe('first half, second half');
      } finally {
        live.kill();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given a state of hundreds of pieces, when written, then each frame is a serializer of its own holding at most FRAME_VALUES values, and read back the row the skeleton shares with a late piece is still one object', () => {
    const entries = PIECE_ENTRIES * 200;
    const state = folded(entries);
    const bytes = encodeSnapshot({ name: 'counted', version: 1, position: entries - 1, eventId: `e${entries - 1}`, state });
    const counts = framesOf(bytes).map((values) => values.length);
    // rows (a Map: 250 entries a piece), order, and the three Sets by status: one value for the skeleton, then the pieces.
    const pieces =
      entries / PIECE_ENTRIES +
      Math.ceil(entries / PIECE_ENTRIES) +
      [...state.byStatus.values()].reduce((n, set) => n + Math.ceil(set.size / PIECE_ENTRIES), 0);
    expect(counts.reduce((n, c) => n + c, 0)).toBe(1 + pieces);
    expect(counts.length).toBeGreaterThan(5);
    expect(Math.max(...counts)).toBeLessThanOrEqual(FRAME_VALUES);
    const restored = decodeSnapshot(bytes).state as Counted;
    expect(stateHash(restored)).toBe(stateHash(state));
    expect(restored.small.last).toBe(restored.rows.get(`e${entries - 1}`));
  });

  it('given a big map whose entries are sets of a hundred ids each, when written, then a piece ends at its weight rather than at 250 entries, and the state reads back the same', () => {
    const units = new Map<string, Set<string>>();
    for (let u = 0; u < PIECE_ENTRIES + 50; u++) units.set(`unit-${u}`, new Set(Array.from({ length: 100 }, (_, i) => `p-${u}-${i}`)));
    const state = { units };
    const bytes = encodeSnapshot({ name: 'units', version: 1, position: 0, eventId: 'e0', state });
    const [, ...pieces] = framesOf(bytes).flat() as unknown[][];
    // Each entry weighs its key, its set and the set's 100 ids: 102. A piece is full at its weight.
    const entryWeight = 102;
    const entriesOf = (piece: unknown[]) => piece.length / 2;
    expect(pieces.reduce((n, piece) => n + entriesOf(piece), 0)).toBe(units.size);
    expect(Math.max(...pieces.map((piece) => entriesOf(piece) * entryWeight))).toBeLessThan(PIECE_WEIGHT + entryWeight);
    expect(pieces.length).toBe(Math.ceil(units.size / Math.ceil(PIECE_WEIGHT / entryWeight)));
    const back = decodeSnapshot(bytes).state as typeof state;
    expect([...back.units].map(([unit, ids]) => [unit, [...ids]])).toEqual([...units].map(([unit, ids]) => [unit, [...ids]]));
  });

  it('given a big list of records whose numbers are two objects down (a similarity posting), when written, then a piece ends at their weight too', () => {
    const terms = Array.from({ length: PIECE_ENTRIES * 2 }, (_, i) => ({
      term: `w${i}`,
      problems: { data: new Int32Array(1_024).fill(i), length: 1_000 },
    }));
    const bytes = encodeSnapshot({ name: 'terms', version: 1, position: 0, eventId: 'e0', state: { terms } });
    const [, ...pieces] = framesOf(bytes).flat() as { problems: { data: Int32Array } }[][];
    // Each weighs one, its `problems` nothing of its own, and its 4 KB of numbers 64: 65.
    const entryWeight = 65;
    expect(pieces.reduce((n, piece) => n + piece.length, 0)).toBe(terms.length);
    expect(Math.max(...pieces.map((piece) => piece.length * entryWeight))).toBeLessThan(PIECE_WEIGHT + entryWeight);
    const back = decodeSnapshot(bytes).state as { terms: typeof terms };
    expect(back.terms.map((t) => t.problems.data[0])).toEqual(terms.map((_, i) => i));
  });

  it('given a short list of records holding typed arrays of 16 KB to 1 MB, when written, then each of those arrays is written apart from the skeleton, its bytes in pieces of at most 256 KB, and the skeleton holds none', () => {
    // Forty postings of 256 KB of numbers each (a similarity index over a small vocabulary): 10 MB the skeleton held whole.
    const terms = Array.from({ length: 40 }, (_, i) => ({
      term: `w${i}`,
      problems: { data: new Int32Array(TYPED_PIECE_BYTES / 4).fill(i), length: 60_000 },
    }));
    // Beside them, records of 1 MB (four pieces each) and of 16 KB (not over the bound: in the skeleton, a few bytes).
    const blocks = Array.from({ length: 3 }, (_, i) => ({ data: new Int32Array(TYPED_PIECE_BYTES).fill(i), length: 5 }));
    const small = { data: new Int32Array(TYPED_ALONE_BYTES / 4).fill(9), length: 1 };
    const bytes = encodeSnapshot({ name: 'terms', version: 1, position: 0, eventId: 'e0', state: { terms, blocks, small } });
    const [meta, ...pieces] = framesOf(bytes).flat();
    expect(serialize(meta).length).toBeLessThan(TYPED_ALONE_BYTES + 10_000);
    // Their bytes: a piece of any kind of typed array is read back as a view of its bytes, copied at once (no buffer of its own).
    expect(pieces.every((piece) => piece instanceof Uint8Array && piece.byteLength <= TYPED_PIECE_BYTES)).toBe(true);
    expect(pieces).toHaveLength(terms.length + 3 * 4);
    const back = decodeSnapshot(bytes).state as { terms: typeof terms; blocks: typeof blocks; small: typeof small };
    expect(back.terms.map((t) => [t.term, t.problems.length, t.problems.data.length, t.problems.data[100]])).toEqual(
      terms.map((t, i) => [t.term, 60_000, TYPED_PIECE_BYTES / 4, i]),
    );
    expect(back.blocks.map((b) => [b.length, b.data.length, b.data[7]])).toEqual(blocks.map((_, i) => [5, TYPED_PIECE_BYTES, i]));
    expect(back.small.data).toEqual(small.data);
    // Each an array of its own, the one-piece ones (the piece read itself) as the four-piece ones: no view into the bytes read.
    for (const { data } of [...back.terms.map((t) => t.problems), ...back.blocks, back.small])
      expect(data.buffer.byteLength).toBe(data.byteLength);
  });

  it('given a typed array of megabytes and small ones in a map, when written and read back, then the big one is written in pieces of at most 256 KB, and each comes back an array of its own of the same kind and values', () => {
    const counts = new Int32Array(3 * (TYPED_PIECE_BYTES / 4) + 1_000).map((_, i) => i * 7);
    const postings = new Map(Array.from({ length: PIECE_ENTRIES + 10 }, (_, i) => [`word-${i}`, Int32Array.of(i, i + 1, i + 2)] as const));
    const state = { index: { counts, length: counts.length - 3 }, postings, ratios: new Float64Array([0.5, 0.25]) };
    const bytes = encodeSnapshot({ name: 'typed', version: 1, position: 0, eventId: 'e0', state });
    const written = framesOf(bytes).flat();
    const parts = written.filter((value): value is Uint8Array => value instanceof Uint8Array);
    expect(parts).toHaveLength(4);
    expect(Math.max(...parts.map((part) => part.byteLength))).toBe(TYPED_PIECE_BYTES);
    expect(Buffer.concat(parts)).toEqual(Buffer.from(counts.buffer));
    const back = decodeSnapshot(bytes).state as typeof state;
    expect(back.index.counts).toBeInstanceOf(Int32Array);
    expect(back.index.counts).toEqual(counts);
    expect(back.index.length).toBe(counts.length - 3);
    expect(back.ratios).toEqual(state.ratios);
    expect([...back.postings.entries()]).toEqual([...postings.entries()]);
    // Arrays of their own: none a view into the snapshot's bytes, which it would keep in memory as long as it lives.
    for (const array of [back.index.counts, back.ratios, ...back.postings.values()]) expect(array.buffer.byteLength).toBe(array.byteLength);
  });

  it('given a snapshot of the format before (its typed arrays whole in the skeleton), when read, then it is the same state, its typed array one of its own', () => {
    // Written here as the forty-sixth round wrote it: the format's name, then one frame of two values (the skeleton, a 400 KB
    // Int32Array in it and a map's stand-in; the map's one piece).
    const counts = new Int32Array(100_000).map((_, i) => i * 3);
    const meta = {
      name: 'old',
      version: 1,
      position: 0,
      eventId: 'e0',
      pieces: [{ kind: 'map', size: 2 }],
      skeleton: { counts, rows: { 'taizhang:snapshot-piece': 0 } },
      skeletonObjects: 3,
    };
    const back = decodeSnapshot(oneFrame('taizhang-snapshot/3', [meta, ['a', 1, 'b', 2]]));
    expect(back).toMatchObject({ name: 'old', version: 1, position: 0, eventId: 'e0' });
    const state = back.state as { counts: Int32Array; rows: Map<string, number> };
    expect(state.counts).toEqual(counts);
    expect(state.counts.buffer.byteLength).toBe(counts.byteLength);
    expect([...state.rows]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('given a typed array’s piece that does not fit it (more bytes than it holds, or another kind of array), when read, then the read fails saying so', () => {
    const meta = {
      name: 'bad',
      version: 1,
      position: 0,
      eventId: 'e0',
      pieces: [{ kind: 'typed', size: 10, type: 'Int32Array' }],
      skeleton: { counts: { 'taizhang:snapshot-piece': 0 } },
      skeletonObjects: 2,
    };
    const withPiece = (piece: ArrayBufferView) => oneFrame('taizhang-snapshot/5', [meta, piece]);
    expect(decodeSnapshot(withPiece(new Uint8Array(40).fill(1))).state).toEqual({ counts: new Int32Array(10).fill(0x01010101) });
    for (const piece of [new Uint8Array(44), new Float64Array(5)])
      expect(() => decodeSnapshot(withPiece(piece))).toThrow('is not one that fits it');
  });

  it('given a snapshot of format 4 (a typed array’s pieces arrays of its own kind), when read, then it is the same state, the array one of its own', () => {
    // Written here as the rounds before the fifty-sixth wrote it: one frame, the skeleton with the array's stand-in, then
    // its pieces as Float64Arrays.
    const ratios = new Float64Array(2 * (TYPED_PIECE_BYTES / 8) + 5).map((_, i) => i / 4);
    const pieces = [
      ratios.subarray(0, TYPED_PIECE_BYTES / 8),
      ratios.subarray(TYPED_PIECE_BYTES / 8, TYPED_PIECE_BYTES / 4),
      ratios.subarray(TYPED_PIECE_BYTES / 4),
    ];
    const meta = {
      name: 'old',
      version: 1,
      position: 0,
      eventId: 'e0',
      pieces: [{ kind: 'typed', size: ratios.length, type: 'Float64Array' }],
      skeleton: { ratios: { 'taizhang:snapshot-piece': 0 } },
      skeletonObjects: 2,
    };
    const back = decodeSnapshot(oneFrame('taizhang-snapshot/4', [meta, ...pieces]));
    const state = back.state as { ratios: Float64Array };
    expect(state.ratios).toBeInstanceOf(Float64Array);
    expect(state.ratios).toEqual(ratios);
    expect(state.ratios.buffer.byteLength).toBe(ratios.byteLength);
  });

  it('given another state written after a lead (the checkpointer’s), when it takes many pieces, then its bytes come as several chunks and written to a file they read back as the lead and the same state', async () => {
    const entries = PIECE_ENTRIES * 40 + 3;
    const state = folded(entries);
    const chunks = atOnce(encodingInPieces({ version: 9 }, state));
    expect(chunks.length).toBeGreaterThan(1);
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-lead-'));
    try {
      const files = new FileSnapshotStore(dir);
      await files.save('other', chunks);
      const { lead, value } = decodeInPieces((await files.load('other'))!);
      expect(lead).toStrictEqual({ version: 9 });
      const restored = (await value()) as Counted;
      expect(stateHash(restored)).toBe(stateHash(state));
      expect(restored.small.last).toBe(restored.rows.get(`e${entries - 1}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given another state after a lead holding typed arrays of one piece and of several, when read back, then each is the same numbers in an array of its own, none a view into the bytes read', async () => {
    // Node's own deserializer (which reads a state after a lead) gives a view into the bytes when the offset allows one.
    const arrays = Array.from({ length: 8 }, (_, i) => new Int32Array(5_000 + i).map((_, k) => k * (i + 1)));
    const big = new Float64Array(3 * (TYPED_PIECE_BYTES / 8) + 7).map((_, k) => k / 2);
    const bytes = Buffer.concat(atOnce(encodingInPieces({ version: 9 }, { arrays, big })));
    const back = (await decodeInPieces(bytes).value()) as { arrays: Int32Array[]; big: Float64Array };
    expect(back.arrays).toEqual(arrays);
    expect(back.big).toEqual(big);
    for (const array of [...back.arrays, back.big]) expect(array.buffer.byteLength).toBe(array.byteLength);
  });

  it('given work waiting for its turn of the event loop, when a snapshot’s state and another state after a lead are read, then their reading waits its turn behind it (none of it in the turn the bytes came in)', async () => {
    const snapshot = encodeSnapshot({ name: 'small', version: 1, position: 3, eventId: 'e3', state: folded(3) });
    const lead = Buffer.concat(atOnce(encodingInPieces({ version: 9 }, folded(3))));
    const order: string[] = [];
    const waiting = yieldToEventLoop().then(() => order.push('waiting'));
    const read = readSnapshot(snapshot)!
      .state()
      .then(() => order.push('snapshot'));
    const other = decodeInPieces(lead)
      .value()
      .then(() => order.push('after a lead'));
    await Promise.all([waiting, read, other]);
    expect(order).toStrictEqual(['waiting', 'snapshot', 'after a lead']);
  });

  const whole = () => encodeSnapshot({ name: 'counted', version: 1, position: 1_499, eventId: 'e1499', state: folded(1_500) });
  for (const [what, bytes, says] of [
    [
      'of the one-piece format of before',
      () => serialize({ name: 'counted', version: 1, position: 1_499, eventId: 'e1499', state: counted.initial() }),
      'another format',
    ],
    ['cut short', () => whole().subarray(0, Math.floor(whole().length / 2)), 'could not be read'],
    // Its name and its first frame's length and count whole, the skeleton's value cut after a few bytes.
    ['cut short within its first value', () => whole().subarray(0, Buffer.byteLength('taizhang-snapshot/4') + 8 + 16), 'could not be read'],
  ] as const)
    it(`given a snapshot ${what}, when a runner starts, then it says so and rebuilds from the log`, async () => {
      const store = await storeOf(1_500);
      const snapshots = new MemorySnapshotStore();
      await snapshots.save('counted', bytes());
      const messages: string[] = [];
      const runner = new ProjectionRunner(store, [counted], { snapshots, log: (m) => messages.push(m) });
      let applied = 0;
      runner.onApplied(() => applied++);
      await runner.start();
      expect(applied).toBe(1_500);
      expect(stateHash(runner.state(counted))).toBe(stateHash(folded(1_500)));
      expect(messages.some((m) => m.includes(says))).toBe(true);
      await runner.stop();
    });

  it('given events appended while a snapshot is being written, then the snapshot holds the state at its position and the runner applies them after', async () => {
    const before = 60_000;
    const store = await storeOf(before);
    const snapshots = new MemorySnapshotStore();
    const runner = new ProjectionRunner(store, [counted], { snapshots, log: () => {} });
    await runner.start();
    const writing = runner.snapshot();
    for (let i = before; i < before + 50; i++) await store.appendToStream('late', [event(i)], 'any');
    await writing;
    const saved = decodeSnapshot(snapshots.saved.get('counted')!);
    expect(saved.position).toBe(before - 1);
    expect(stateHash(saved.state)).toBe(stateHash(folded(before)));
    await runner.waitFor(before + 49);
    expect(stateHash(runner.state(counted))).toBe(stateHash(folded(before + 50)));
    await runner.stop();
  });
  it('given a similarity index still segmenting the raises a start took, when its snapshot is written, then it is written once they all are: read back, it holds every raise and ranks as the live one', async () => {
    const set = labelledDescriptions();
    const raises = 20_000;
    const raised = (i: number): NewEvent => {
      const d = set[i % set.length]!;
      const data = { problemId: `p${i}`, category: d.category, source: d.source, description: d.text };
      return { ...event(i), id: `r${i}`, type: 'ProblemRaised', data };
    };
    const store = new MemoryEventStore();
    for (let i = 0; i < raises; i += 1_000)
      await store.appendToStream(
        `r-${i}`,
        Array.from({ length: 1_000 }, (_, j) => raised(i + j)),
        'any',
      );
    // Written to files, as a server writes them: their chunks as the writer yields them, its lists growing in between.
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-similarity-'));
    const snapshots = new FileSnapshotStore(dir);
    const runner = new ProjectionRunner(store, [similarityIndex], { snapshots, log: () => {} });
    await runner.start();
    const index = runner.state(similarityIndex);
    // The start only queued them; segmenting them goes on in slices, as a server's start begins it.
    expect([index.pending.length, indexedCount(index)]).toEqual([raises, 0]);
    const segmenting = currentIndex(index);
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      // Written in the middle of it, the file did not read back: "A snapshot's piece of a Int32Array of 31406 is not one that fits it."
      await runner.snapshot();
      await segmenting;
      const saved = decodeSnapshot((await snapshots.load(similarityIndex.name))!).state as SimilarityIndex;
      expect([saved.pending.length, indexedCount(saved)]).toEqual([0, raises]);
      for (const d of set.slice(0, 5)) expect(rankSimilar(saved, { text: d.text }, 10)).toEqual(rankSimilar(index, { text: d.text }, 10));
    } finally {
      await runner.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('given a runner restored from its snapshots with no event since, when asked for a snapshot, then the next start still restores from them', async () => {
    const store = await storeOf(3_000);
    const snapshots = new MemorySnapshotStore();
    const messages: string[] = [];
    const log = (m: string) => messages.push(m);
    const first = new ProjectionRunner(store, [counted], { snapshots, log });
    await first.start();
    await first.snapshot();
    await first.stop();
    const restored = new ProjectionRunner(store, [counted], { snapshots, log });
    await restored.start();
    await restored.snapshot();
    await restored.stop();
    const again = new ProjectionRunner(store, [counted], { snapshots, log });
    let applied = 0;
    again.onApplied(() => applied++);
    await again.start();
    expect(messages).toEqual([]);
    expect(applied).toBe(0);
    expect(stateHash(again.state(counted))).toBe(stateHash(folded(3_000)));
    await again.stop();
  });
  /** A runner started over `before` events, its snapshots kept in memory, the start's own `afterStartMs` after it. */
  async function started(before: number, afterStartMs: number) {
    const store = await storeOf(before);
    const snapshots = new MemorySnapshotStore();
    const runner = new ProjectionRunner(store, [counted], { snapshots, snapshotAfterStartMs: afterStartMs, log: () => {} });
    await runner.start();
    return { store, snapshots, runner };
  }
  it('given a start that caught up thousands of events, when events are appended right after it, then they are applied at once (no snapshot holds them) and the snapshot comes later', async () => {
    const before = 5_000;
    const { store, snapshots, runner } = await started(before, 300);
    for (let i = before; i < before + 20; i++) await store.appendToStream('late', [event(i)], 'any');
    await runner.waitFor(before + 19, 1_000);
    expect(runner.state(counted).n).toBe(before + 20);
    // Taken at once, as before, it would be written by now (5,000 rows take a few milliseconds).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(snapshots.saved.has('counted')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const saved = decodeSnapshot(snapshots.saved.get('counted')!);
    expect(saved.position).toBe(before + 19);
    expect(stateHash(saved.state)).toBe(stateHash(folded(before + 20)));
    await runner.stop();
  });
  it('given a start that caught up thousands of events, when the event loop stays busy past the wait, then the snapshot waits for a quiet second and is taken then', async () => {
    const before = 5_000;
    const { snapshots, runner } = await started(before, 200);
    // Other work after the start (a checkpointer catching up, say): 40 ms blocks with 5 ms between them, for 2 s.
    const busyUntil = performance.now() + 2_000;
    await new Promise<void>((resolve) => {
      const block = () => {
        const end = performance.now() + 40;
        while (performance.now() < end) {}
        if (performance.now() < busyUntil) setTimeout(block, 5);
        else resolve();
      };
      block();
    });
    expect(snapshots.saved.has('counted')).toBe(false);
    // Quiet now: the next look (every second) finds it so.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const saved = decodeSnapshot(snapshots.saved.get('counted')!);
    expect(saved.position).toBe(before - 1);
    expect(stateHash(saved.state)).toBe(stateHash(folded(before)));
    await runner.stop();
  });
});
