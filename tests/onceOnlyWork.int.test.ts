import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HashChainedEventStore } from '../eventstore/hashChain.js';
import { OnceOnlyWork, leasesOf } from '../eventstore/lease.js';
import { MemoryEventStore } from '../eventstore/memory.js';
import { ObservedEventStore } from '../eventstore/observed.js';
import type { LeaseStore } from '../eventstore/port.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';

/**
 * 单节点任务: the work that must run on one server at a time, on two "servers" (two store objects
 * on one SQLite file, as two processes open it). What each server's work did is recorded as
 * [server, 'start' | 'stop', ms] so a test can see that the two never ran at once.
 */
const dir = mkdtempSync(join(tmpdir(), 'taizhang-once-only-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const running: OnceOnlyWork[] = [];
const stores: SqliteEventStore[] = [];
afterEach(async () => {
  for (const work of running.splice(0)) await work.stop();
  for (const store of stores.splice(0)) await store.close();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const journal: [string, 'start' | 'stop', number][] = [];
const work = (server: string) => ({
  start: () => void journal.push([server, 'start', Date.now()]),
  stop: async () => void journal.push([server, 'stop', Date.now()]),
});
/** A server: its store on the shared file, and its once-only work, started. */
async function server(file: string, name: string, wrap: (leases: LeaseStore) => LeaseStore = (l) => l) {
  const store = new SqliteEventStore(file);
  stores.push(store);
  const once = new OnceOnlyWork(wrap(store), { node: name, seconds: 1.2, everyMs: 100, log: () => {} });
  await once.add(work(name));
  await once.start();
  running.push(once);
  return once;
}
/** Between any two starts, the first starter stopped: never two running at once. */
function neverTwoAtOnce() {
  let runningNow: string | undefined;
  for (const [server, what] of journal) {
    if (what === 'start') {
      expect(runningNow).toBeUndefined();
      runningNow = server;
    } else if (runningNow === server) runningNow = undefined;
  }
}

describe('once-only work on two servers sharing a store', () => {
  it('runs on the first to ask; the other waits, and takes it over when the first stops', async () => {
    journal.length = 0;
    const file = join(dir, 'handover.sqlite');
    const a = await server(file, 'a');
    const b = await server(file, 'b');
    await sleep(300);
    expect([a.held, b.held]).toEqual([true, false]);
    expect(b.holder).toBe('a');
    await a.stop();
    // Released on a clean stop: the other takes it at its next look, well before the lease would lapse.
    await sleep(250);
    expect([b.held, b.holder]).toEqual([true, 'b']);
    expect(journal.map(([s, w]) => `${s} ${w}`)).toEqual(['a start', 'a stop', 'b start']);
  });

  it('a holder that cannot reach the store stops its work before its lease lapses; then the other takes it', async () => {
    journal.length = 0;
    const file = join(dir, 'unreachable.sqlite');
    let down = false;
    const cutOff = (leases: LeaseStore): LeaseStore => ({
      acquireLease: (...args) => (down ? Promise.reject(new Error('connection lost')) : leases.acquireLease(...args)),
      releaseLease: (...args) => (down ? Promise.reject(new Error('connection lost')) : leases.releaseLease(...args)),
    });
    const a = await server(file, 'a', cutOff);
    const b = await server(file, 'b');
    expect([a.held, b.held]).toEqual([true, false]);
    down = true;
    const lostAt = Date.now();
    await sleep(2_000);
    expect([a.held, b.held]).toEqual([false, true]);
    const [aStop, bStart] = [journal.find(([s, w]) => s === 'a' && w === 'stop')!, journal.find(([s, w]) => s === 'b' && w === 'start')!];
    // Its lease of 1.2 s is given up a third of it early: 0.8 s after the last renewal, at most 0.1 s before the cut.
    expect(aStop[2] - lostAt).toBeLessThan(1_000);
    expect(bStart[2]).toBeGreaterThanOrEqual(aStop[2]);
    neverTwoAtOnce();
  });
});

describe('the leases of a store', () => {
  it('are found under the hash chain and the observer; a store that keeps none makes every server a holder', async () => {
    const memory = new MemoryEventStore();
    expect(leasesOf(new ObservedEventStore(new HashChainedEventStore(memory), {}))).toBe(memory);
    const none = new ObservedEventStore(
      {
        ...Object.fromEntries(
          ['appendToStream', 'appendMany', 'readStream', 'readAll', 'subscribeToAll', 'headPosition', 'close'].map((m) => [m, () => {}]),
        ),
      } as never,
      {},
    );
    expect(leasesOf(none)).toBeUndefined();
    const [first, second] = [new OnceOnlyWork(undefined, { node: 'x' }), new OnceOnlyWork(undefined, { node: 'y' })];
    await first.start();
    await second.start();
    expect([first.held, second.held]).toEqual([true, true]);
    await first.stop();
    await second.stop();
  });
});
