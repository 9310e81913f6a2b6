import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../eventstore/port.js';
import { WRITTEN_KEPT_MS, scheduleView } from '../projections/scheduleView.js';

const DAY_MS = 86_400_000;
const start = Date.parse('2019-07-01T09:00:00+08:00');
let position = 0;

/** The daily digest of the day `n` days after 2019-07-01, as the scheduler writes it. */
const digest = (n: number): RecordedEvent => {
  const dueAt = new Date(start + n * DAY_MS).toISOString();
  return {
    id: `digest-${n}`,
    type: 'DailyOverdueDigestDue',
    data: { day: dueAt.slice(0, 10), dueAt },
    metadata: {
      actor: { userId: 'scheduler', name: '台账 scheduler', unitId: null, role: 'system' },
      commandId: `c-${n}`,
      correlationId: `c-${n}`,
      causationId: `c-${n}`,
      occurredAt: dueAt,
      schemaVersion: 1,
    },
    streamId: 'schedule-county',
    revision: position,
    position: position++,
  };
};

describe('the schedule view', () => {
  it('keeps the ids of schedule events due within the catch-up window of the latest, and the latest due instant', () => {
    const state = scheduleView.initial();
    for (let n = 0; n < 60; n++) scheduleView.apply(state, digest(n));
    // Recorded late, and older than the window: not kept either.
    scheduleView.apply(state, digest(-5));

    const kept = [...state.written].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
    const oldest = 59 - WRITTEN_KEPT_MS / DAY_MS;
    expect(kept).toEqual(Array.from({ length: 60 - oldest }, (_, i) => `digest-${oldest + i}`));
    expect([...state.writtenByDue.values()].flat().sort()).toEqual([...state.written].sort());
    expect(state.lastDueMs).toBe(start + 59 * DAY_MS);
  });
});
