import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AppendSignal, type FollowRead, followByReading } from '../eventstore/catchUp.js';
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

  it('given a reader that stops when its time is up, then a batch it cut short is read on at once, not taken for the head', async () => {
    const store = new MemoryEventStore();
    for (let i = 0; i < 10; i++)
      await store.appendToStream(
        `s-${i}`,
        Array.from({ length: 100 }, (_, n) => event(i * 100 + n)),
        'no_stream',
      );
    const delivered: number[] = [];
    // A reader cut by its time as SQLite's is: 0.5 ms an event, with `due` asked after each.
    const slowReader = {
      readAll: async (options: FollowRead) => {
        const events = await store.readAll(options);
        const read = [];
        for (const e of events) {
          const until = performance.now() + 0.5;
          while (performance.now() < until);
          read.push(e);
          if (options.due?.()) break;
        }
        delivered.push(read.length);
        return read;
      },
    };
    const controller = new AbortController();
    let seen = 0;
    const positions: number[] = [];
    const following = followByReading(
      slowReader,
      new AppendSignal(),
      { signal: controller.signal },
      (e) => {
        positions.push(e.position);
        if (++seen === 1000) controller.abort();
      },
      // No append comes, and the poll is a minute away: a cut batch taken for the head would wait for it.
      { batchSize: 1000, readMs: 4, pollMs: 60_000 },
    );
    const timeout = setTimeout(() => controller.abort(), 20_000);
    try {
      await following;
    } finally {
      clearTimeout(timeout);
    }
    expect(seen).toBe(1000);
    // Each event once, in order, across reads cut short.
    expect(positions).toEqual((await store.readAll({ maxCount: 2000 })).map((e) => e.position));
    // Each read ended at its time: 4 ms is 8 events of 0.5 ms at most (fewer on a slow machine), never the batch's size.
    expect(Math.max(...delivered)).toBeLessThanOrEqual(8);
    expect(delivered.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});
