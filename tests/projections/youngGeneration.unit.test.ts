import { constants, PerformanceObserver } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, stateHash } from '../../projections/snapshots.js';
import { YOUNG_BYTES, collectYoungWhenFull, youngUsed } from '../../projections/youngGeneration.js';

/**
 * Issue 12, aim 3: a restore's objects all live on, so a scavenge of a full young generation copies megabytes at once (a
 * warm start's longest turns at a million events). The snapshot reader collects the young generation itself whenever
 * `YOUNG_BYTES` are in it, so each copy is short. Told apart from V8's own scavenges by the "forced" flag of the
 * collector's performance entries.
 */
let forcedMinor = 0;
let observer: PerformanceObserver;

/** The collector's entries reach an observer a few check phases after the collection: three, then a timer. */
async function delivered(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeEach(async () => {
  forcedMinor = 0;
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as unknown as { detail: { kind: number; flags: number } };
      if (detail.kind === constants.NODE_PERFORMANCE_GC_MINOR && (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0)
        forcedMinor += 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  await delivered();
  forcedMinor = 0;
});

afterEach(() => observer.disconnect());

describe('the young generation collected between the steps of a restore', () => {
  it('given YOUNG_BYTES or more in the young generation, when asked, then it is collected once', async () => {
    // Objects that live on are made until the young generation holds at least YOUNG_BYTES (V8's own scavenges may empty
    // it on the way), then one collection by hand.
    const kept: { n: number; name: string }[] = [];
    while (youngUsed() < YOUNG_BYTES && kept.length < 4_000_000) kept.push({ n: kept.length, name: `row-${kept.length}` });
    expect(youngUsed()).toBeGreaterThanOrEqual(YOUNG_BYTES);
    collectYoungWhenFull();
    await delivered();
    expect(forcedMinor).toBe(1);
    kept.length = 0; // alive until here
  });

  it('given a young generation under YOUNG_BYTES, when asked, then it is not collected', async () => {
    const kept: { n: number }[] = [];
    // The young generation brought under YOUNG_BYTES: collected if it holds that much, and collected again if what
    // survived the first collection still does (the second promotes it); then a few objects added to it.
    collectYoungWhenFull();
    collectYoungWhenFull();
    await delivered();
    forcedMinor = 0;
    for (let i = 0; i < 1000; i += 1) kept.push({ n: i });
    expect(youngUsed()).toBeLessThan(YOUNG_BYTES);
    collectYoungWhenFull();
    await delivered();
    expect(forcedMinor).toBe(0);
  });

  it('given a snapshot of tens of MB of records, when read back, then the reader collected the young generation itself on the way and the state is the same', async () => {
    const rows = new Map<string, { id: string; status: string; unit: string; notes: string[] }>();
    for (let i = 0; i < 150_000; i += 1)
      rows.set(`p-${i}`, { id: `p-${i}`, status: i % 3 === 0 ? 'closed' : 'assigned', unit: `u-${i % 85}`, notes: [`note ${i}`] });
    const bytes = encodeSnapshot({ name: 'rows', version: 1, position: 149_999, eventId: 'e149999', state: { rows } });
    await delivered();
    forcedMinor = 0;
    const back = decodeSnapshot(bytes);
    await delivered();
    expect(stateHash(back.state)).toBe(stateHash({ rows }));
    expect(forcedMinor).toBeGreaterThan(1);
  });
});
