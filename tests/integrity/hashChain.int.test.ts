import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../eventstore/canonicalJson.js';
import { GENESIS_HASH, HashChainedEventStore, UnchainedStoreError, rawStore } from '../../eventstore/hashChain.js';
import { openEventStore } from '../../eventstore/index.js';
import { headsRoot } from '../../eventstore/merkle.js';
import { MemoryEventStore } from '../../eventstore/memory.js';
import { type EventStore, type NewEvent, WrongExpectedRevisionError } from '../../eventstore/port.js';
import { verifyLog } from '../../eventstore/verify.js';
import { kurrentDbForTests } from '../support/kurrentdb.js';
import { freshDatabase, freshSchema } from '../support/postgres.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const metadata = {
  actor: { userId: 'u', name: 'n', unitId: null, role: 'r' },
  commandId: 'c',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2019-01-01T00:00:00.000Z',
  schemaVersion: 1,
};
const event = (id: string, data: unknown): NewEvent => ({ id, type: 'Tested', data, metadata });

/** Hashes as stored, stream by stream: what must agree across adapters. */
async function hashesOf(store: EventStore, streamIds: string[]) {
  const out: Record<string, unknown[]> = {};
  for (const id of streamIds)
    out[id] = (await rawStore(store).readStream(id)).map((e) => [e.revision, e.metadata.prevHash, e.metadata.hash]);
  return out;
}

/** The same events for every adapter; a run's own stream names and ids, as a KurrentDB server is shared. */
const run = randomUUID().slice(0, 8);
const ids = Array.from({ length: 4 }, () => randomUUID());
const sampleStreams = [`chain-${run}-1`, `chain-${run}-2`];
async function appendSample(store: EventStore) {
  const [one, two] = sampleStreams as [string, string];
  await store.appendToStream(
    one,
    [event(ids[0]!, { b: 1, a: 'x' }), event(ids[1]!, { list: [1, 'two', null], nested: { z: true, y: 2.5 } })],
    'no_stream',
  );
  await store.appendToStream(two, [event(ids[2]!, { text: '磨子潭镇 — “quoted”', skipped: undefined })], 'any');
  await store.appendToStream(one, [event(ids[3]!, {})], 1);
}

const kurrent = await kurrentDbForTests();
if (!kurrent.available) console.log(`KurrentDB hash comparison skipped: ${kurrent.reason}`);
afterAll(() => (kurrent.available ? kurrent.stop() : undefined));

describe('canonical JSON', () => {
  it('sorts keys, drops undefined members, writes no whitespace', () => {
    expect(canonicalJson({ b: [1, undefined, { d: 1, c: 'é' }], a: null, u: undefined })).toBe('{"a":null,"b":[1,null,{"c":"é","d":1}]}');
  });
});

describe('the hash chain', () => {
  it('hashes the first event of a stream from the genesis value, as an independent SHA-256 says', async () => {
    const store = await openEventStore({ kind: 'memory', dataDir: '' });
    await store.appendToStream('demo-1', [event('e1', { b: 1, a: 'x' })], 'no_stream');
    const [first] = await rawStore(store).readStream('demo-1');
    expect(first!.metadata.prevHash).toBe(GENESIS_HASH);
    // printf '%s' '{"data":{"a":"x","b":1},"metadata":{...,"prevHash":"000…"},"prevHash":"000…","revision":0,"stream":"demo-1","type":"Tested"}' | sha256sum
    expect(first!.metadata.hash).toBe('9dafad978b4d203beb95a5db1eeb5f8991315b135985efb868c466235f201d9f');
  });

  it('gives identical hashes for the same events through the memory, SQLite and PostgreSQL adapters (and KurrentDB when there is one)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-chain-'));
    dirs.push(dataDir);
    const stores = [
      await openEventStore({ kind: 'memory', dataDir: '' }),
      await openEventStore({ kind: 'sqlite', dataDir }),
      await openEventStore({ kind: 'postgres', dataDir: '', databaseUrl: await freshSchema(await freshDatabase('chain')) }),
    ];
    if (kurrent.available) stores.push(await openEventStore({ kind: 'kurrentdb', dataDir: '', kurrentdbUrl: kurrent.url }));
    for (const store of stores) await appendSample(store);
    const [fromMemory, ...others] = await Promise.all(stores.map((store) => hashesOf(store, sampleStreams)));
    expect(fromMemory![sampleStreams[0]!]).toHaveLength(3);
    for (const other of others) expect(other).toEqual(fromMemory);
    // The second event links to the first.
    const [first, second] = fromMemory![sampleStreams[0]!] as [unknown[], unknown[]];
    expect(second[1]).toBe(first[2]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('treats a retried append (same event ids) as a no-op', async () => {
    const store = await openEventStore({ kind: 'memory', dataDir: '' });
    await store.appendToStream('demo-1', [event('e1', { a: 1 }), event('e2', { a: 2 })], 'no_stream');
    const again = await store.appendToStream('demo-1', [event('e1', { a: 1 }), event('e2', { a: 2 })], 'no_stream');
    const anyAgain = await store.appendToStream('demo-1', [event('e1', { a: 1 }), event('e2', { a: 2 })], 'any');
    expect(again.nextExpectedRevision).toBe(1);
    expect(anyAgain.nextExpectedRevision).toBe(1);
    expect(await store.readStream('demo-1')).toHaveLength(2);
    expect((await verifyLog(store)).intact).toBe(true);
  });

  it('still refuses a stale or future expected revision', async () => {
    const store = await openEventStore({ kind: 'memory', dataDir: '' });
    await store.appendToStream('demo-1', [event('e1', { a: 1 }), event('e2', { a: 2 })], 'no_stream');
    await expect(store.appendToStream('demo-1', [event('e3', {})], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.appendToStream('demo-1', [event('e3', {})], 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.appendToStream('demo-9', [event('e3', {})], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream('demo-1')).toHaveLength(2);
  });

  it('keeps one unbroken chain when 20 writers append with "any" at once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-chain-'));
    dirs.push(dataDir);
    const store = await openEventStore({ kind: 'sqlite', dataDir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendToStream('busy', [event(`busy-${i}`, { i })], 'any')));
    const report = await verifyLog(store);
    expect(report.intact).toBe(true);
    expect(report.eventCount).toBe(20);
    expect((await store.readStream('busy')).map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await store.close();
  });

  it('keeps one unbroken chain when 20 writers on two PostgreSQL connection pools (two servers) append with "any" at once', async () => {
    const databaseUrl = await freshSchema(await freshDatabase('chain_busy'));
    const servers = [
      await openEventStore({ kind: 'postgres', dataDir: '', databaseUrl }),
      await openEventStore({ kind: 'postgres', dataDir: '', databaseUrl }),
    ];
    await Promise.all(Array.from({ length: 20 }, (_, i) => servers[i % 2]!.appendToStream('busy', [event(`busy-${i}`, { i })], 'any')));
    const report = await verifyLog(servers[0]!);
    expect(report.intact).toBe(true);
    expect(report.eventCount).toBe(20);
    expect((await servers[1]!.readStream('busy')).map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await Promise.all(servers.map((s) => s.close()));
  });

  it('chains a multi-stream append as the same appends one by one, and rechains when a writer moved a head meanwhile', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-chain-'));
    dirs.push(dataDir);
    const [one, two] = sampleStreams as [string, string];
    const together = await openEventStore({ kind: 'sqlite', dataDir });
    await together.appendToStream(one, [event(ids[0]!, { b: 1, a: 'x' })], 'no_stream');
    // The sample's second append of `one` and its append of `two`, in one call: the same hashes as appendSample's.
    await together.appendMany([
      { streamId: one, events: [event(ids[1]!, { list: [1, 'two', null], nested: { z: true, y: 2.5 } })], expected: 0 },
      { streamId: two, events: [event(ids[2]!, { text: '磨子潭镇 — “quoted”', skipped: undefined })], expected: 'any' },
    ]);
    await together.appendMany([{ streamId: one, events: [event(ids[3]!, {})], expected: 1 }]);
    const oneByOne = await openEventStore({ kind: 'memory', dataDir: '' });
    await appendSample(oneByOne);
    expect(await hashesOf(together, sampleStreams)).toEqual(await hashesOf(oneByOne, sampleStreams));

    // Another writer appends to `busy` between the chain's read of its head and the adapter's write: chained again.
    const inner = new MemoryEventStore();
    const store = new HashChainedEventStore(inner);
    await store.appendToStream('busy', [event('b0', {})], 'no_stream');
    const readStream = inner.readStream.bind(inner);
    let interfered = false;
    inner.readStream = async (streamId, options) => {
      const read = await readStream(streamId, options);
      if (streamId === 'busy' && !interfered) {
        interfered = true;
        await store.appendToStream('busy', [event('other', {})], 'any');
      }
      return read;
    };
    await store.appendMany([
      { streamId: 'calm', events: [event('c0', {})], expected: 'any' },
      { streamId: 'busy', events: [event('b1', {})], expected: 'any' },
    ]);
    expect(interfered).toBe(true);
    expect((await store.readStream('busy')).map((e) => e.id)).toEqual(['b0', 'other', 'b1']);
    expect((await verifyLog(store)).intact).toBe(true);
    // An expectation of the caller's that fails is theirs: refused, nothing written.
    await expect(
      store.appendMany([
        { streamId: 'calm', events: [event('c1', {})], expected: 0 },
        { streamId: 'busy', events: [event('b2', {})], expected: 0 },
      ]),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream('calm')).toHaveLength(1);
    await together.close();
  });

  it('refuses to chain onto a stream written before the chain existed', async () => {
    const inner = new MemoryEventStore();
    await inner.appendToStream('old', [event('o1', {})], 'no_stream');
    const store = new HashChainedEventStore(inner);
    await expect(store.appendToStream('old', [event('o2', {})], 'any')).rejects.toBeInstanceOf(UnchainedStoreError);
    expect((await verifyLog(store)).firstBreak).toMatchObject({ kind: 'missing_hash', streamId: 'old', revision: 0 });
  });
});

describe('the Merkle root over stream heads', () => {
  it('follows RFC 6962 over heads sorted by stream id, as an independent SHA-256 says', () => {
    const zeros = GENESIS_HASH;
    const effs = 'f'.repeat(64);
    // python3: sha256(b'\x01' + sha256(b'\x00' + b'["a",0,"00…"]') + sha256(b'\x00' + b'["b",1,"ff…"]'))
    expect(
      headsRoot([
        { streamId: 'b', revision: 1, hash: effs },
        { streamId: 'a', revision: 0, hash: zeros },
      ]),
    ).toBe('977d8f1935aa4522af157b30aee0fc8f787e3a44e5e053dae22094c326ee66e0');
    expect(
      headsRoot([
        { streamId: 'c', revision: 2, hash: zeros },
        { streamId: 'a', revision: 0, hash: zeros },
        { streamId: 'b', revision: 1, hash: effs },
      ]),
    ).toBe('2914da5cdaa0590657f31b6f237e7507865bb7d986950950726ea62db0879d96');
    expect(headsRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
