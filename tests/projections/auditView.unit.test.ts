import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/port.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditEntries, auditTrail, auditView } from '../../projections/auditView.js';

/** The audit trail kept in a read-model database (issue 12) gives back each event's metadata exactly as written. */
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

describe('the audit trail in a read-model database', () => {
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

  it('keeps each type and actor once', () => {
    expect(view.kept()).toEqual({ types: 3, actors: 2 });
  });

  it('comes back from its database file where it stood and goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-audit-'));
    try {
      const file = join(dir, 'read-models.sqlite');
      const first = auditTrail(file);
      for (const e of log) first.apply(first.initial(), e);
      first.close();
      const again = auditTrail(file);
      const restored = again.initial();
      expect(restored.storedAt()).toEqual({ version: again.version, position: 5, eventId: 'e5' });
      again.apply(restored, event(6, 'problem-b', 'ProblemRaised', '2019-07-03T00:00:00.000Z', office));
      expect(auditEntries(restored, { limit: 10 }).map((e) => e.position)).toEqual([6, 5, 2, 1, 0]);
      expect(auditEntries(restored, { limit: 1 })[0]).toMatchObject({ position: 6, streamId: 'problem-b', actor: office });
      // A second process on the same data folder keeps a table of its own instead of writing into this one.
      const other = auditTrail(file, () => {});
      expect(other.initial().file).toBe('');
      expect(other.initial().storedAt()).toBeNull();
      other.close();
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given a trail just made, when a start awaits its opening, then the event loop runs meanwhile and the trail then answers at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-audit-'));
    const trail = auditTrail(join(dir, 'read-models.sqlite'));
    try {
      const view = trail.initial();
      let turns = 0;
      const ticking = setInterval(() => turns++, 1);
      await view.whenOpen();
      clearInterval(ticking);
      // Starting the thread and opening its database takes tens of ms: the waiting made way for timers.
      expect(turns).toBeGreaterThan(0);
      expect(view.storedAt()).toBeNull();
    } finally {
      trail.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
