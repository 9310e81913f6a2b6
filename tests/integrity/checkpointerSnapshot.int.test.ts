import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CHECKPOINT_STREAM, CheckpointDrafter, Checkpointer, type DrafterState } from '../../eventstore/checkpoints.js';
import { headsRoot } from '../../eventstore/merkle.js';
import { StreamHeads, type StoredStreamHeads, restoringHeads, storingHeads } from '../../eventstore/streamHeads.js';
import { rawStore } from '../../eventstore/hashChain.js';
import { openEventStore } from '../../eventstore/index.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { domainEventDefinitions } from '../../domain/index.js';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '../../eventstore/port.js';
import { verifyLog } from '../../eventstore/verify.js';
import { atOnce } from '../../projections/slices.js';
import { MemorySnapshotStore, decodeInPieces, encodingInPieces } from '../../projections/snapshots.js';
import { eventually } from '../support/receivers.js';
import { assignThirdProblem, checkpointsIn, writeSampleLedger } from './sampleLedger.js';

const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-checkpointer-snapshot-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const policy = { everyEvents: 1, everySeconds: 3600, triggerTypes: ['AssessmentFinalized'] };
const clock = () => '2019-03-21T00:00:00.000Z';

/** The root a drafter walking the whole log from scratch finds at `position`. */
async function rootFromScratch(store: EventStore, position: number): Promise<string> {
  const scratch = new CheckpointDrafter();
  for (const event of await rawStore(store).readAll({ maxCount: 10_000 })) if (event.position <= position) scratch.observe(event);
  return scratch.draft('manual').merkleRoot;
}

/** The position of the log's first event. */
const firstPosition = async (store: EventStore) => (await rawStore(store).readAll({ maxCount: 1 }))[0]!.position;

/** Runs a checkpointer on `store` until the log holds `checkpoints` checkpoints, then stops it; the events it observed. */
async function runUntil(
  store: EventStore,
  snapshots: MemorySnapshotStore,
  checkpoints: number,
  // Where the test looks for the checkpoints: the same store, unless the checkpointer's reads of it are watched.
  looked: EventStore = store,
): Promise<{ position: number }[]> {
  const observe = vi.spyOn(CheckpointDrafter.prototype, 'observe');
  try {
    const checkpointer = new Checkpointer(store, policy, clock, snapshots);
    checkpointer.start();
    await eventually(async () => (await checkpointsIn(looked)).length === checkpoints);
    // Its own checkpoint observed too, so the next start has nothing of this run left to read.
    const head = await looked.headPosition();
    await eventually(async () => observe.mock.calls.some(([event]) => event.position === head));
    await checkpointer.stop();
    return observe.mock.calls.map(([event]) => event);
  } finally {
    observe.mockRestore();
  }
}

/**
 * Issue 12: the checkpointer keeps its state (every stream's head, the Merkle tree's blocks) in a
 * snapshot at a position, so a restart reads only what came after it, and its next checkpoint
 * proves exactly what a checkpointer walking the whole log would.
 */
describe('a checkpointer restarting from its snapshot', () => {
  it('given a checkpointer that proved the log and stopped, when events are appended and it starts again, then it reads only those and its checkpoint is the one a walk from the start drafts', async () => {
    const { store, problems } = await writeSampleLedger(join(dataDir, 'one'));
    const snapshots = new MemorySnapshotStore();
    const first = await runUntil(store, snapshots, 1);
    expect(first[0]!.position).toBe(await firstPosition(store));
    const kept = deserialize(snapshots.saved.get('checkpointer')!) as { state: { position: number } };
    const keptAt = await store.headPosition();
    expect(kept.state.position).toBe(keptAt);

    await assignThirdProblem(store, problems);
    const appended = (await store.headPosition()) - keptAt;
    expect(appended).toBeGreaterThan(0);

    const second = await runUntil(store, snapshots, 2);
    // The events after the snapshot, and the checkpoint they called for: nothing before.
    expect(second.map((e) => e.position)).toEqual(Array.from({ length: appended + 1 }, (_, i) => keptAt + 1 + i));
    const [proved, checkpoint] = await checkpointsIn(store);
    expect(checkpoint!.previousPosition).toBe(proved!.position);
    expect(checkpoint!.merkleRoot).toBe(await rootFromScratch(store, checkpoint!.position));
    expect(checkpoint!.moved.some(([streamId]) => streamId === `problem-${problems[2]}`)).toBe(true);
    expect((await verifyLog(store)).intact).toBe(true);
    await store.close();
  });

  it.each([
    ['the one-piece format of before, its digests Buffers (version 1)', 1, 'buffers'],
    ['pieces with the digests Buffers (version 2)', 2, 'buffers'],
    ['pieces with the heads a Map of objects, their digests strings (version 2, as written before version 4)', 2, 'strings'],
  ] as const)(
    'given its snapshot in %s, when it starts again, then it goes on from it and its checkpoint is the one a walk from the start drafts',
    async (_, version, digests) => {
      const { store, problems } = await writeSampleLedger(join(dataDir, `old-${version}-${digests}`));
      const snapshots = new MemorySnapshotStore();
      await runUntil(store, snapshots, 1);
      const keptAt = await store.headPosition();
      // The same state, as the checkpointer wrote it before its snapshot was written in pieces or its digests were strings.
      const stored = (await decodeInPieces(snapshots.saved.get('checkpointer')!).value()) as Omit<DrafterState, 'heads'> & {
        heads: StoredStreamHeads;
      };
      const state: DrafterState = { ...stored, heads: atOnce(restoringHeads(stored.heads)) };
      expect(state.position).toBe(keptAt);
      const buffer = (digest: string | undefined) =>
        digest === undefined || digests === 'strings' ? digest : Buffer.from(digest, 'latin1');
      // Then the heads were one Map.
      const oneMap = new Map(
        state.heads.heads.flatMap((shard) => [...shard].map(([id, head]) => [id, { ...head, leaf: buffer(head.leaf) }])),
      );
      const blocks = state.heads.blocks.map((level) => level.map(buffer));
      expect(blocks.flat().filter(Buffer.isBuffer).length).toBe(digests === 'strings' ? 0 : blocks.flat().filter(Boolean).length);
      expect(blocks.flat().filter(Boolean).length).toBeGreaterThan(0);
      const old = { ...state, heads: { ...state.heads, heads: oneMap, blocks } };
      await snapshots.save(
        'checkpointer',
        version === 1
          ? serialize({ version: 1, state: old })
          : atOnce(encodingInPieces({ version: 2, state: { position: old.position, eventId: old.eventId } }, old)),
      );

      await assignThirdProblem(store, problems);
      const appended = (await store.headPosition()) - keptAt;
      const second = await runUntil(store, snapshots, 2);
      expect(second.map((e) => e.position)).toEqual(Array.from({ length: appended + 1 }, (_, i) => keptAt + 1 + i));
      const [, checkpoint] = await checkpointsIn(store);
      expect(checkpoint!.merkleRoot).toBe(await rootFromScratch(store, checkpoint!.position));
      await store.close();
    },
  );

  it('given a checkpointer that proved the log, when its snapshot is read, then the heads are lists of their fields, no object per head (V8’s serializer tables every object it writes)', async () => {
    const { store } = await writeSampleLedger(join(dataDir, 'lists'));
    const snapshots = new MemorySnapshotStore();
    await runUntil(store, snapshots, 1);
    const { lead, value } = decodeInPieces(snapshots.saved.get('checkpointer')!);
    expect(lead).toMatchObject({ version: 4 });
    const { heads } = (await value()) as { heads: StoredStreamHeads };
    const streams = new Set((await rawStore(store).readAll({ maxCount: 1000 })).map((e) => e.streamId));
    const ids = heads.streams.flatMap((block) => block.ids);
    const [revisions, hashes, positions, leaves] = (['revisions', 'hashes', 'positions', 'leaves'] as const).map((field) =>
      heads.streams.flatMap((block): unknown[] => block[field]),
    ) as [unknown[], unknown[], unknown[], unknown[]];
    expect(new Set(ids)).toStrictEqual(streams);
    for (const list of [revisions, hashes, positions, leaves]) expect(list).toHaveLength(ids.length);
    expect([...revisions, ...hashes, ...positions, ...leaves].filter((v) => typeof v === 'object' && v !== null)).toEqual([]);
    expect(heads).not.toHaveProperty('heads');
    await store.close();
  });

  it('given the snapshot of another log, when a checkpointer starts on this one, then it walks this log from its start', async () => {
    const one = await writeSampleLedger(join(dataDir, 'two'));
    const snapshots = new MemorySnapshotStore();
    await runUntil(one.store, snapshots, 1);
    await one.store.close();

    const { store } = await writeSampleLedger(join(dataDir, 'three'));
    const observed = await runUntil(store, snapshots, 1);
    expect(observed[0]!.position).toBe(await firstPosition(store));
    const [checkpoint] = await checkpointsIn(store);
    expect(checkpoint!.merkleRoot).toBe(await rootFromScratch(store, checkpoint!.position));
    await store.close();
  });

  it.each([
    ['from its snapshot, taken after the newest checkpoint', true, true, []],
    ['without a snapshot (what the newest covers read from its link)', false, true, []],
    ['without a snapshot, on a store that reads no links', false, false, [0]],
  ] as const)(
    "given a log whose newest checkpoint names every head, when a checkpointer starts %s on another connection, then it reads that checkpoint's data only if it has neither followed the log past it nor its link, and its next checkpoint goes after it",
    async (_, withSnapshot, links, read) => {
      const dir = join(dataDir, `newest-${withSnapshot}-${links}`);
      const written = await writeSampleLedger(dir);
      const snapshots = new MemorySnapshotStore();
      await runUntil(written.store, snapshots, 1);
      if (!withSnapshot) snapshots.saved.clear();
      await assignThirdProblem(written.store, written.problems);
      const [newest] = await rawStore(written.store).readStream(CHECKPOINT_STREAM);
      await written.store.close();
      // Another connection to the file (a restarted server): nothing of what was written is kept in it, so it reads the file.
      const store = await openEventStore({ kind: 'sqlite', dataDir: dir }, schemaCodec(domainEventDefinitions));
      // The checkpoint stream's events as the store reads them, each noting when its data is asked for (without asking: the
      // SQLite store reads a checkpoint's data from the file then, the log's first names every head).
      const dataRead: number[] = [];
      const noting = (event: RecordedEvent): RecordedEvent => {
        const { data: _, ...fields } = Object.getOwnPropertyDescriptors(event);
        const get = () => {
          dataRead.push(event.revision);
          return event.data;
        };
        return Object.defineProperties({}, { ...fields, data: { enumerable: true, get } }) as RecordedEvent;
      };
      // The store under the hash chain, as the checkpointer reads and follows it (`rawStore`), without links when the case
      // says so.
      const inner = rawStore(store);
      const under = new Proxy(inner, {
        get: (target, key) => {
          if (key === 'readStream')
            return async (streamId: string, options?: ReadStreamOptions) =>
              (await target.readStream(streamId, options)).map((e) => (e.streamId === CHECKPOINT_STREAM ? noting(e) : e));
          const value = key === 'subscribeToLinks' && !links ? undefined : (Reflect.get(target, key, target) as unknown);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const watched = new Proxy(store, {
        get(target, key) {
          if (key === 'inner') return under;
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const linksRead = vi.spyOn(inner, 'subscribeToLinks');
      try {
        await runUntil(watched, snapshots, 2, store);
        expect(dataRead).toEqual(read);
        // Its link read from the checkpoint on (a cold start on SQLite), then the log followed as links from where it stood.
        const from = linksRead.mock.calls.map(([options]) => options.after);
        expect(from).toEqual(!links ? [] : withSnapshot ? [newest!.position] : [newest!.position - 1, -1]);
      } finally {
        linksRead.mockRestore();
      }
      const [proved, checkpoint] = await checkpointsIn(store);
      expect(checkpoint!.number).toBe(2);
      expect(checkpoint!.previousPosition).toBe(proved!.position);
      expect(checkpoint!.merkleRoot).toBe(await rootFromScratch(store, checkpoint!.position));
      expect((await verifyLog(store)).intact).toBe(true);
      await store.close();
    },
  );
});

describe('stream heads kept and restored', () => {
  it('given 10,000 heads, when stored for a snapshot and restored, then they come back the same from blocks of 4,096 lists, no object per head', () => {
    const heads = new StreamHeads();
    for (let i = 0; i < 10_000; i++) heads.apply(`s-${i}`, i % 3, (i * 2654435761).toString(16).padStart(64, '0'), i);
    heads.root();
    const state = heads.state();
    const stored = atOnce(storingHeads(state));
    expect(stored.streams.map((block) => block.ids.length)).toEqual([4096, 4096, 1808]);
    expect(stored).not.toHaveProperty('heads');
    const back = atOnce(restoringHeads(deserialize(serialize(stored)) as StoredStreamHeads));
    expect(back.heads).toStrictEqual(state.heads);
    expect(StreamHeads.from(back).root()).toBe(heads.root());
  });

  it('given heads with a root taken and moves pending, when kept through V8 and restored, then both give the roots a walk from scratch gives, hashing no block again', () => {
    const heads = new StreamHeads();
    const plain = new Map<string, { revision: number; hash: string }>();
    const move = (target: StreamHeads[], streamId: string, position: number) => {
      const revision = (plain.get(streamId)?.revision ?? -1) + 1;
      const hash = (position * 2654435761).toString(16).padStart(64, '0').slice(-64);
      for (const h of target) h.apply(streamId, revision, hash, position);
      plain.set(streamId, { revision, hash });
    };
    const scratch = () => headsRoot([...plain].map(([streamId, h]) => ({ streamId, ...h })));
    for (let i = 0; i < 300; i++) move([heads], `s-${(i * 7919) % 211}`, i);
    expect(heads.root()).toBe(scratch());
    // Pending when kept: a moved head and a new stream, not yet in a root.
    move([heads], 's-5', 300);
    move([heads], 's-new', 301);
    const restored = StreamHeads.from(deserialize(serialize(heads.state())));
    const hashed = vi.spyOn(restored as unknown as { subtree: () => string }, 'subtree');
    expect(restored.root()).toBe(scratch());
    // The blocks before the new stream came from the snapshot: far fewer subtrees than leaves were hashed.
    expect(hashed.mock.calls.length).toBeLessThan(plain.size);
    for (let i = 302; i < 340; i++) move([heads, restored], `s-${(i * 31) % 250}`, i);
    expect(restored.root()).toBe(scratch());
    expect(heads.root()).toBe(restored.root());
    expect(restored.eventCount).toBe(heads.eventCount);
  });
});
