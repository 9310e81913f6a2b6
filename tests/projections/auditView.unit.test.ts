import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/port.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditEntries, auditTrail, auditView, startAuditThread } from '../../projections/auditView.js';
import { auditIndexes } from '../support/auditIndexes.js';

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

/** This process's threads at the lowest priority (nice 19), read from /proc (Linux: a priority is a thread's own). */
const lowestPriorityThreads = () =>
  readdirSync('/proc/self/task').filter(
    (thread) => readFileSync(`/proc/self/task/${thread}/stat`, 'utf8').split(') ')[1]!.split(' ')[16] === '19',
  );

/** Whether this process holds CAP_SYS_NICE (bit 23 of its effective capabilities), which raising a priority takes. */
const maySetPriorityBack = () => {
  const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return ((BigInt(`0x${effective}`) >> 23n) & 1n) === 1n;
};

/** How many 1 ms timers fired while `work` was awaited (none when it held the event loop until done), and its value. */
async function turnsWhile<T>(work: Promise<T>): Promise<{ turns: number; value: T }> {
  let turns = 0;
  const ticking = setInterval(() => turns++, 1);
  try {
    const value = await work;
    return { turns, value };
  } finally {
    clearInterval(ticking);
  }
}

describe('the audit trail in a read-model database', () => {
  const view = auditView.initial();
  for (const e of log) auditView.apply(view, e);

  it('lists every event newest first with its metadata as written, offsets and all', async () => {
    expect(await auditEntries(view, { limit: 10 })).toEqual(
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

  it('filters by actor, unit, time and position, and pages', async () => {
    const positions = async (filter: Parameters<typeof auditEntries>[1]) => (await auditEntries(view, filter)).map((e) => e.position);
    expect(await positions({ actorUserId: 'u-office', limit: 10 })).toEqual([1, 0]);
    expect(await positions({ unitId: 'unit-1', limit: 10 })).toEqual([5, 2]);
    expect(await positions({ from: Date.parse('2019-06-30T01:00:00Z'), to: Date.parse('2019-07-01T00:00:00Z'), limit: 10 })).toEqual([
      1, 0,
    ]);
    expect(await positions({ before: 5, limit: 2 })).toEqual([2, 1]);
  });

  it('keeps each type and actor once', () => {
    expect(view.kept()).toEqual({ types: 3, actors: 2 });
  });

  it('comes back from its database file where it stood and goes on', async () => {
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
      expect((await auditEntries(restored, { limit: 10 })).map((e) => e.position)).toEqual([6, 5, 2, 1, 0]);
      expect((await auditEntries(restored, { limit: 1 }))[0]).toMatchObject({ position: 6, streamId: 'problem-b', actor: office });
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

  it('given its thread started ahead, when the next trail is made, then it writes and reads through that thread, and the trail after starts its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-audit-'));
    const started = startAuditThread();
    // Asked again before a trail took it: the same thread, not a second one.
    expect(startAuditThread()).toBe(started);
    const trail = auditTrail(join(dir, 'read-models.sqlite'));
    const next = auditTrail(join(dir, 'other.sqlite'));
    try {
      const view = trail.initial();
      expect(view.threadId).toBe(started);
      await view.whenOpen();
      for (const e of log) trail.apply(view, e);
      expect(view.storedAt()).toEqual({ version: trail.version, position: 5, eventId: 'e5' });
      expect((await auditEntries(view, { limit: 10 })).map((e) => e.position)).toEqual([5, 2, 1, 0]);
      expect(next.initial().threadId).not.toBe(started);
      expect(next.initial().storedAt()).toBeNull();
    } finally {
      trail.close();
      next.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given a trail just made, when a start awaits its opening, then the event loop runs meanwhile and the trail then answers at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-audit-'));
    const trail = auditTrail(join(dir, 'read-models.sqlite'));
    try {
      const view = trail.initial();
      const { turns } = await turnsWhile(view.whenOpen());
      // Starting the thread and opening its database takes tens of ms: the waiting made way for timers.
      expect(turns).toBeGreaterThan(0);
      expect(view.storedAt()).toBeNull();
    } finally {
      trail.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('its indexes', () => {
    const allThree = ['audit_by_time', 'audit_by_unit', 'audit_by_user'];

    it('given a table filled from nothing, when it is closed before a start has caught up, then it holds its rows without indexes; when told the start has caught up, then it builds them, and a table that has them keeps them', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'taizhang-audit-'));
      try {
        const file = join(dir, 'read-models.sqlite');
        const first = auditTrail(file);
        for (const e of log) first.apply(first.initial(), e);
        first.close();
        expect(auditIndexes(file)).toEqual([]);

        // A crash or a stop before the start caught up: the next goes on from the rows, and builds the indexes when told.
        const again = auditTrail(file);
        const view = again.initial();
        expect(view.storedAt()).toEqual({ version: again.version, position: 5, eventId: 'e5' });
        view.caughtUp();
        expect(await auditEntries(view, { unitId: 'unit-1', limit: 10 })).toHaveLength(2);
        again.close();
        expect(auditIndexes(file)).toEqual(allThree);

        // Reopened holding rows, it keeps them; emptied (a rebuild), it drops them until the next start has caught up.
        const third = auditTrail(file);
        third.apply(third.initial(), event(6, 'problem-b', 'ProblemRaised', '2019-07-03T00:00:00.000Z', office));
        third.close();
        expect(auditIndexes(file)).toEqual(allThree);
        const emptied = auditTrail(file);
        emptied.initial().clear();
        emptied.close();
        expect(auditIndexes(file)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('given a table of many rows without indexes, when it is told the start has caught up and a page is asked for at once, then the event loop turns while the indexes are built and the page is the one read without them', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'taizhang-audit-'));
      const trail = auditTrail(join(dir, 'read-models.sqlite'));
      try {
        const view = trail.initial();
        const actors = [office, township];
        for (let position = 0; position < 200_000; position++)
          view.apply(
            event(
              position,
              `problem-${position % 997}`,
              'ProgressReported',
              new Date(Date.UTC(2019, 0, 1) + position * 60_000).toISOString(),
              actors[position % 2]!,
            ),
          );
        const filter = { unitId: 'unit-1', from: Date.UTC(2019, 1, 1), limit: 50 };
        const withoutIndexes = await auditEntries(view, filter);
        expect(withoutIndexes).toHaveLength(50);

        view.caughtUp();
        const niced = new Set<string>();
        const sampling = setInterval(() => {
          for (const thread of lowestPriorityThreads()) niced.add(thread);
        }, 1);
        const { turns, value: page } = await turnsWhile(auditEntries(view, filter));
        clearInterval(sampling);
        // Building three indexes over 200,000 rows takes the thread a tenth of a second or more: the loop ran meanwhile.
        expect(turns).toBeGreaterThan(0);
        expect(page).toEqual(withoutIndexes);
        // The trail's thread built them at the lowest priority, the rest of the process at its own; then it went back to
        // its own, where the process may raise a priority (CAP_SYS_NICE: root on a machine, not in a container by default).
        expect(niced.size).toBe(1);
        if (maySetPriorityBack()) expect(lowestPriorityThreads()).toEqual([]);
      } finally {
        trail.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
