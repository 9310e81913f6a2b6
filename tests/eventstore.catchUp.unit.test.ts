import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AppendSignal, followByReading } from '../eventstore/catchUp.js';
import { MemoryEventStore } from '../eventstore/memory.js';
import { numberedEvent } from './support/numberedEvent.js';

const event = numberedEvent;

describe('followByReading', () => {
  it('holds one wake-up registration at a time, however many batches the catch-up takes', async () => {
    const store = new MemoryEventStore();
    for (let i = 0; i < 20; i++)
      await store.appendToStream(
        `s-${i}`,
        [0, 1, 2, 3, 4].map((n) => event(i * 5 + n)),
        'no_stream',
      );
    const appended = new AppendSignal();
    const controller = new AbortController();
    let delivered = 0;
    let mostListeners = 0;

    await followByReading(
      store,
      appended,
      { signal: controller.signal },
      () => {
        mostListeners = Math.max(mostListeners, getEventListeners(controller.signal, 'abort').length);
        if (++delivered === 100) controller.abort();
      },
      { batchSize: 5 },
    );

    expect(delivered).toBe(100);
    // One per batch left behind would be 20 here, and Node warns of a leak past 10.
    expect(mostListeners).toBe(1);
  });

  it('given events that each take a few ms, then it lets the event loop in between them within a batch (issue 12: slices of 8 ms)', async () => {
    const store = new MemoryEventStore();
    await store.appendToStream('s-1', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(event), 'no_stream');
    const controller = new AbortController();
    let delivered = 0;
    const turnsSeenAt: number[] = [];
    const tick = () => {
      turnsSeenAt.push(delivered);
      if (!controller.signal.aborted) setImmediate(tick);
    };
    setImmediate(tick);
    await followByReading(
      store,
      new AppendSignal(),
      { signal: controller.signal },
      () => {
        const until = performance.now() + 3;
        while (performance.now() < until);
        if (++delivered === 10) controller.abort();
      },
      { batchSize: 10 },
    );
    expect(delivered).toBe(10);
    // One batch of ten events of 3 ms: a turn ran after some event before the last, not only once the batch was done.
    expect(turnsSeenAt.some((n) => n > 0 && n < 10)).toBe(true);
  });

  it('given a synchronous reader and a time a read may take, then the first read asks 100 events and later ones fewer when reads are slow', async () => {
    const store = new MemoryEventStore();
    for (let i = 0; i < 10; i++)
      await store.appendToStream(
        `s-${i}`,
        Array.from({ length: 100 }, (_, n) => event(i * 100 + n)),
        'no_stream',
      );
    const asked: number[] = [];
    const slowReader = {
      readAll: async (options: { after?: number; maxCount: number }) => {
        asked.push(options.maxCount);
        const events = await store.readAll(options);
        // 0.1 ms an event: a read of 4 ms holds 40 of them, fewer than the least a read asks (50).
        const until = performance.now() + 0.1 * events.length;
        while (performance.now() < until);
        return events;
      },
    };
    const controller = new AbortController();
    let delivered = 0;
    await followByReading(
      slowReader,
      new AppendSignal(),
      { signal: controller.signal },
      () => {
        if (++delivered === 1000) controller.abort();
      },
      { batchSize: 1000, readMs: 4 },
    );
    expect(delivered).toBe(1000);
    expect(asked[0]).toBe(100);
    expect(asked.slice(1).every((n) => n === 50)).toBe(true);
    expect(asked.length).toBe(1 + 900 / 50);
  });
});
