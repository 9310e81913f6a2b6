import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/port.js';
import { outboxView } from '../../projections/outboxView.js';

/**
 * The outbox keeps the facts worth a notification until their notifications are recorded. The notifier
 * records none at or before where notifying began (`NotificationsBegan`, a log's history), so the view
 * lets those go when that event is applied, and keeps every fact after it.
 */
const event = (position: number, type: string, data: Record<string, unknown>): RecordedEvent =>
  ({
    id: `e${position}`,
    position,
    type,
    data,
    metadata: { occurredAt: '2020-01-01T00:00:00.000Z' },
  }) as unknown as RecordedEvent;
const reported = (position: number) => event(position, 'RectificationReported', { problemId: `p${position}` });
const began = (position: number, fromPosition: number) => event(position, 'NotificationsBegan', { fromPosition });

describe('the outbox view and where notifying began', () => {
  it('given facts before and after NotificationsBegan, then only those after where it began stay pending', () => {
    const view = outboxView.initial();
    for (const e of [reported(1), reported(2), reported(3), began(4, 2), reported(5)]) outboxView.apply(view, e);
    expect([...view.pending.keys()]).toEqual(['e3', 'e5']);
    expect(view.pending.get('e5')).toEqual({ id: 'e5', type: 'RectificationReported', data: { problemId: 'p5' }, position: 5 });
  });

  it('given notifying began on an empty log (fromPosition -1), then every fact stays pending', () => {
    const view = outboxView.initial();
    for (const e of [began(0, -1), reported(1), reported(2)]) outboxView.apply(view, e);
    expect([...view.pending.keys()]).toEqual(['e1', 'e2']);
  });
});
