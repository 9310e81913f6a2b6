import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/port.js';
import { auditEntries, auditView } from '../../projections/auditView.js';
import { decodeSnapshot, encodeSnapshot } from '../../projections/snapshots.js';

/** The audit trail kept in columns (issue 12) gives back each event's metadata exactly as written. */
const office = { userId: 'u-office', name: '县督查办', unitId: null, role: 'office' };
const township = { userId: 'u-t1', name: '乡镇一', unitId: 'unit-1', role: 'unit_head' };
const event = (
  position: number,
  streamId: string,
  type: string,
  occurredAt: string,
  actor: typeof office | typeof township,
): RecordedEvent => ({
  id: `e${position}`,
  streamId,
  revision: 0,
  position,
  type,
  data: { secret: 'not kept' },
  metadata: { actor, commandId: `c-${position}`, correlationId: 'x', causationId: 'x', occurredAt, schemaVersion: 1 },
});
const log = [
  event(0, 'problem-a', 'ProblemRaised', '2019-06-30T01:00:00.000Z', office),
  event(1, 'problem-a', 'ProblemAssigned', '2019-06-30T09:00:00+08:00', office),
  event(2, 'problem-b', 'ProblemRaised', '2019-07-01T00:00:00Z', township),
  event(5, 'problem-a', 'ProgressReported', '2019-07-02T08:30:00.000Z', township),
];

describe('the audit trail in columns', () => {
  const view = auditView.initial();
  for (const e of log) auditView.apply(view, e);

  it('lists every event newest first with its metadata as written, offsets and all', () => {
    expect(auditEntries(view, { limit: 10 })).toEqual(
      [...log].reverse().map((e) => ({
        position: e.position,
        streamId: e.streamId,
        type: e.type,
        occurredAt: e.metadata.occurredAt,
        at: Date.parse(e.metadata.occurredAt),
        actor: e.metadata.actor,
        commandId: e.metadata.commandId,
      })),
    );
  });

  it('filters by actor, unit, time and position, and pages', () => {
    const positions = (filter: Parameters<typeof auditEntries>[1]) => auditEntries(view, filter).map((e) => e.position);
    expect(positions({ actorUserId: 'u-office', limit: 10 })).toEqual([1, 0]);
    expect(positions({ unitId: 'unit-1', limit: 10 })).toEqual([5, 2]);
    expect(positions({ from: Date.parse('2019-06-30T01:00:00Z'), to: Date.parse('2019-07-01T00:00:00Z'), limit: 10 })).toEqual([1, 0]);
    expect(positions({ before: 5, limit: 2 })).toEqual([2, 1]);
  });

  it('keeps each stream, type and actor once', () => {
    expect(view.streamIds).toEqual(['problem-a', 'problem-b']);
    expect(view.actorList).toEqual([office, township]);
    expect(view.writtenAt.size).toBe(2);
  });

  it('comes back from a snapshot and goes on', () => {
    const restored = decodeSnapshot(encodeSnapshot({ name: 'audit', version: 2, position: 5, eventId: 'e5', state: view }))
      .state as typeof view;
    auditView.apply(restored, event(6, 'problem-b', 'ProblemRaised', '2019-07-03T00:00:00.000Z', office));
    expect(restored.streamIds).toEqual(['problem-a', 'problem-b']);
    expect(auditEntries(restored, { limit: 1 })[0]).toMatchObject({ position: 6, streamId: 'problem-b', actor: office });
  });
});
