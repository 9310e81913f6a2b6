import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/port.js';
import { type OutboxViewState, isPending, outboxView, pendingFacts } from '../../projections/outboxView.js';
import { decodeSnapshot, encodeSnapshot } from '../../projections/snapshots.js';

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
/** The ids of the pending facts, in the log's order. */
const pendingIds = (view: OutboxViewState) =>
  pendingFacts(view)
    .sort((a, b) => a.position - b.position)
    .map((fact) => fact.id);
/** Makes a walk over the pending facts throw: the view must find the few after where notifying began without one. */
const refuseWalks = (view: OutboxViewState) => {
  const walked = () => {
    throw new Error('walked over every pending fact');
  };
  for (const shard of view.pending)
    Object.assign(shard, { [Symbol.iterator]: walked, entries: walked, values: walked, keys: walked, forEach: walked });
};

describe('the outbox view and where notifying began', () => {
  it('given facts before and after NotificationsBegan, then only those after where it began stay pending', () => {
    const view = outboxView.initial();
    for (const e of [reported(1), reported(2), reported(3), began(4, 2), reported(5)]) outboxView.apply(view, e);
    expect(pendingIds(view)).toEqual(['e3', 'e5']);
    expect(pendingFacts(view).find((fact) => fact.id === 'e5')).toEqual({
      id: 'e5',
      type: 'RectificationReported',
      data: { problemId: 'p5' },
      position: 5,
    });
  });

  it('given notifying began on an empty log (fromPosition -1), then every fact stays pending', () => {
    const view = outboxView.initial();
    for (const e of [began(0, -1), reported(1), reported(2)]) outboxView.apply(view, e);
    expect(pendingIds(view)).toEqual(['e1', 'e2']);
  });

  it('given 1,000 facts and notifying begun after the 990th, then the last ten stay pending, found without a walk over all', () => {
    const view = outboxView.initial();
    for (let p = 1; p <= 1000; p++) outboxView.apply(view, reported(p));
    refuseWalks(view);
    outboxView.apply(view, began(1001, 990));
    expect(pendingIds(view)).toEqual(ids(991, 1000));
  });

  it('given some of the last facts recorded before notifying began, then they do not come back as pending', () => {
    const view = outboxView.initial();
    for (let p = 1; p <= 300; p++) outboxView.apply(view, reported(p));
    outboxView.apply(view, recorded(301, 298));
    outboxView.apply(view, began(302, 295));
    expect(pendingIds(view)).toEqual(['e296', 'e297', 'e299', 'e300']);
  });

  it('given notifying begun further back than the last facts kept apart, then every fact after it stays pending', () => {
    const view = outboxView.initial();
    for (let p = 1; p <= 1000; p++) outboxView.apply(view, reported(p));
    outboxView.apply(view, began(1001, 10));
    expect(pendingIds(view)).toEqual(ids(11, 1000));
    outboxView.apply(view, reported(1002));
    expect(pendingFacts(view)).toHaveLength(991);
  });

  it('given a long history of facts before notifying began, then no one Map holds them all (none grows its table whole)', () => {
    const view = outboxView.initial();
    const facts = 20_000;
    for (let p = 1; p <= facts; p++) outboxView.apply(view, { ...reported(p), id: crypto.randomUUID() });
    expect(pendingFacts(view)).toHaveLength(facts);
    const largest = Math.max(...view.pending.map((shard) => shard.size));
    expect(largest).toBeLessThan(facts / 16);
  });

  it('given pending facts saved in a snapshot (in pieces), when it is read back, then they are pending still, deleted when recorded, and found after where notifying began as before', () => {
    const view = outboxView.initial();
    for (let p = 1; p <= 20_000; p++) outboxView.apply(view, reported(p));
    const back = decodeSnapshot(
      encodeSnapshot({ name: 'outbox', version: outboxView.version, position: 20_000, eventId: 'e20000', state: view }),
    ).state as OutboxViewState;
    expect(pendingIds(back)).toEqual(ids(1, 20_000));
    outboxView.apply(back, recorded(20_001, 7));
    expect(isPending(back, 'e7')).toBe(false);
    expect(isPending(back, 'e8')).toBe(true);
    expect(pendingFacts(back)).toHaveLength(19_999);
    // The last facts kept apart are the same objects as the pending ones once read back: found without a walk.
    refuseWalks(back);
    outboxView.apply(back, began(20_002, 19_990));
    expect(pendingIds(back)).toEqual(ids(19_991, 20_000));
  });
});
