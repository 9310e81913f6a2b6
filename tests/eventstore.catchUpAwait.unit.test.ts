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

const numberOf = (e: RecordedEvent): number => (e.data as { n: number }).n;

/**
 * Follows a log of five events in one batch, handing each to `handle` with the list it writes what it saw in and a way to
 * stop the follower; gives back that list once the follower has stopped.
 */
async function followFive(handle: (e: RecordedEvent, seen: string[], stop: () => void) => void | Promise<void>): Promise<string[]> {
  const store = new MemoryEventStore();
  await store.appendToStream('s-1', [0, 1, 2, 3, 4].map(event), 'no_stream');
  const controller = new AbortController();
  const seen: string[] = [];
  await followByReading(store, new AppendSignal(), { signal: controller.signal }, (e) => handle(e, seen, () => controller.abort()), {
    batchSize: 5,
  });
  return seen;
}

describe('followByReading, a callback that returns nothing and one that returns a promise (issue 12)', () => {
  it('given a callback that returns nothing, when a batch is followed, then its events are handed over without a turn of the microtask queue between them', async () => {
    const seen = await followFive((e, seen, stop) => {
      seen.push(`event ${numberOf(e)}`);
      if (numberOf(e) === 0) queueMicrotask(() => seen.push('microtask queued at event 0'));
      if (numberOf(e) === 4) stop();
    });

    // Awaiting each event's (empty) result let the microtask run right after event 0.
    expect(seen).toEqual(['event 0', 'event 1', 'event 2', 'event 3', 'event 4', 'microtask queued at event 0']);
  });

  it('given a callback that returns a promise, when a batch is followed, then each event waits for the one before it to settle', async () => {
    const seen = await followFive(async (e, seen, stop) => {
      seen.push(`begins ${numberOf(e)}`);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(`ends ${numberOf(e)}`);
      if (numberOf(e) === 4) stop();
    });

    expect(seen).toEqual([0, 1, 2, 3, 4].flatMap((n) => [`begins ${n}`, `ends ${n}`]));
  });
});
