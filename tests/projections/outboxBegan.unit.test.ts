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
const recorded = (position: number, sourcePosition: number) =>
  event(position, 'NotificationRecorded', {
    notificationId: `n${sourcePosition}`,
    sourceEventId: `e${sourcePosition}`,
    recipientUserId: 'u1',
    channels: [],
  });
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `e${from + i}`);
/** Makes a walk over the pending facts throw: the view must find the few after where notifying began without one. */
const refuseWalks = (pending: Map<string, unknown>) => {
  const walked = () => {
    throw new Error('walked over every pending fact');
  };
  Object.assign(pending, { [Symbol.iterator]: walked, entries: walked, values: walked, keys: walked, forEach: walked });
};

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

  it('given 1,000 facts and notifying begun after the 990th, then the last ten stay pending, found without a walk over all', () => {
    const view = outboxView.initial();
    for (let p = 1; p <= 1000; p++) outboxView.apply(view, reported(p));
    refuseWalks(view.pending);
    outboxView.apply(view, began(1001, 990));
    expect([...view.pending.keys()]).toEqual(ids(991, 1000));
  });

  it('given some of the last facts recorded before notifying began, then they do not come back as pending', () => {
    const view = outboxView.initial();
    for (let p = 1; p <= 300; p++) outboxView.apply(view, reported(p));
    outboxView.apply(view, recorded(301, 298));
    outboxView.apply(view, began(302, 295));
    expect([...view.pending.keys()]).toEqual(['e296', 'e297', 'e299', 'e300']);
  });

  it('given notifying begun further back than the last facts kept apart, then every fact after it stays pending, in order', () => {
    const view = outboxView.initial();
    for (let p = 1; p <= 1000; p++) outboxView.apply(view, reported(p));
    outboxView.apply(view, began(1001, 10));
    expect([...view.pending.keys()]).toEqual(ids(11, 1000));
    outboxView.apply(view, reported(1002));
    expect(view.pending.size).toBe(991);
  });
});
