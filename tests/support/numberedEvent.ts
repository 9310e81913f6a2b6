import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../eventstore/port.js';

/** An event of no domain type carrying its number (`data.n`), for the tests of the log's followers. */
export const numberedEvent = (n: number): NewEvent => ({
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
