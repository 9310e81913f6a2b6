import { describe, expect, it, vi } from 'vitest';
import { AppendSignal, followByReading } from '../eventstore/catchUp.js';
import { MemoryEventStore } from '../eventstore/memory.js';
import type { RecordedEvent } from '../eventstore/port.js';
import { numberedEvent } from './support/numberedEvent.js';

// No slice is ever due here: a yield between events would come from the follower's awaits alone, whatever the machine's
// load (the real clock could find a slice due in the middle of a batch and let the microtask in on its own).
vi.mock('../projections/slices.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../projections/slices.js')>();
  return { ...actual, sliceDue: () => false };
});

const event = numberedEvent;

async function storeOfFive(): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  await store.appendToStream('s-1', [0, 1, 2, 3, 4].map(event), 'no_stream');
  return store;
}

const numberOf = (e: RecordedEvent): number => (e.data as { n: number }).n;

describe('followByReading, a callback that returns nothing and one that returns a promise (issue 12)', () => {
  it('given a callback that returns nothing, when a batch is followed, then its events are handed over without a turn of the microtask queue between them', async () => {
    const store = await storeOfFive();
    const controller = new AbortController();
    const seen: string[] = [];

    await followByReading(
      store,
      new AppendSignal(),
      { signal: controller.signal },
      (e) => {
        seen.push(`event ${numberOf(e)}`);
        if (numberOf(e) === 0) queueMicrotask(() => seen.push('microtask queued at event 0'));
        if (numberOf(e) === 4) controller.abort();
      },
      { batchSize: 5 },
    );

    // Awaiting each event's (empty) result let the microtask run right after event 0.
    expect(seen).toEqual(['event 0', 'event 1', 'event 2', 'event 3', 'event 4', 'microtask queued at event 0']);
  });

  it('given a callback that returns a promise, when a batch is followed, then each event waits for the one before it to settle', async () => {
    const store = await storeOfFive();
    const controller = new AbortController();
    const seen: string[] = [];

    await followByReading(
      store,
      new AppendSignal(),
      { signal: controller.signal },
      async (e) => {
        seen.push(`begins ${numberOf(e)}`);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(`ends ${numberOf(e)}`);
        if (numberOf(e) === 4) controller.abort();
      },
      { batchSize: 5 },
    );

    expect(seen).toEqual([0, 1, 2, 3, 4].flatMap((n) => [`begins ${n}`, `ends ${n}`]));
  });
});
