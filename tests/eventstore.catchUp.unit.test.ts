import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AppendSignal, followByReading } from '../eventstore/catchUp.js';
import { MemoryEventStore } from '../eventstore/memory.js';
import type { NewEvent } from '../eventstore/port.js';

const event = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'ThingHappened',
  data: { n },
  metadata: {
    actor: { userId: 'u-1', name: '钱七', unitId: null, role: 'clerk' },
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: '2025-06-01T08:00:00.000Z',
    schemaVersion: 1,
  },
});

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
});
