import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import { auditEntries, auditTrail } from '../../projections/auditView.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { MemorySnapshotStore } from '../../projections/snapshots.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { auditIndexes } from '../support/auditIndexes.js';
import { generateCounty } from '../support/countyLog.js';

/**
 * A read model kept in the node's read-model database (the audit trail) is a projection like the
 * others: its rows and position survive a restart, so the runner goes on from there; a rebuild, a
 * new version of it or another log empties it and it is built again, to the same answers.
 */
const county = generateCounty({ problems: 300 });
const dir = mkdtempSync(join(tmpdir(), 'taizhang-stored-'));
const file = join(dir, 'read-models.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function storeWith(entries: typeof county.entries) {
  const store = new MemoryEventStore();
  for (const { streamId, event } of entries) await store.appendToStream(streamId, [event], 'any');
  return store;
}

describe('a projection kept in the read-model database', () => {
  const half = Math.floor(county.entries.length / 2);
  let everything: Awaited<ReturnType<typeof auditEntries>> = [];

  it('goes on from where it stood after a restart, to the answers of one fold from the first event', async () => {
    const store = await storeWith(county.entries.slice(0, half));
    const first = auditTrail(file);
    const before = new ProjectionRunner(store, [ledgerView, first], { snapshots: new MemorySnapshotStore() });
    await before.start();
    await before.stop();
    first.close();
    // Filled from nothing, without its indexes; the runner, once caught up, had the thread build them.
    expect(auditIndexes(file)).toEqual(['audit_by_time', 'audit_by_unit', 'audit_by_user']);
    for (const { streamId, event } of county.entries.slice(half)) await store.appendToStream(streamId, [event], 'any');

    const applied: number[] = [];
    const again = auditTrail(file);
    const counting = {
      ...again,
      apply: (view: Parameters<typeof again.apply>[0], e: Parameters<typeof again.apply>[1]) => {
        applied.push(e.position);
        again.apply(view, e);
      },
    };
    const after = new ProjectionRunner(store, [ledgerView, counting]);
    await after.start();
    // Only the second half was applied to it: the first came back from its file.
    expect(applied[0]).toBe(half);
    expect(applied).toHaveLength(county.entries.length - half);
    everything = await auditEntries(after.state(again), { limit: 100_000 });
    expect(everything.map((e) => e.position)).toEqual([...county.entries.keys()].reverse());

    const fresh = auditTrail();
    const whole = new ProjectionRunner(store, [fresh]);
    await whole.start();
    expect(await auditEntries(whole.state(fresh), { limit: 100_000 })).toEqual(everything);
    await whole.stop();
    fresh.close();

    // A rebuild empties it and folds it again from the first event.
    applied.length = 0;
    await after.rebuild();
    expect(applied[0]).toBe(0);
    expect(await auditEntries(after.state(again), { limit: 100_000 })).toEqual(everything);
    await after.stop();
    again.close();
  });

  it('is emptied and rebuilt for another version of it, or for another log', async () => {
    const store = await storeWith(county.entries);
    const newer = auditTrail(file);
    newer.version += 1;
    const messages: string[] = [];
    const runner = new ProjectionRunner(store, [newer], { log: (m) => messages.push(m) });
    await runner.start();
    expect(messages).toEqual([expect.stringContaining('does not match')]);
    expect(await auditEntries(runner.state(newer), { limit: 100_000 })).toEqual(everything);
    await runner.stop();
    newer.close();

    // The same positions, other events (a replaced database): the event at its position is not the one it holds.
    const other = await storeWith(
      county.entries.map(({ streamId, event }) => ({ streamId, event: { ...event, id: event.id.replace(/^0000000e/, '0000000f') } })),
    );
    const trail = auditTrail(file);
    const onOther = new ProjectionRunner(other, [trail], { log: (m) => messages.push(m) });
    await onOther.start();
    expect(messages).toHaveLength(2);
    const otherEntries = await auditEntries(onOther.state(trail), { limit: 100_000 });
    expect(otherEntries).toHaveLength((await other.headPosition()) + 1);
    await onOther.stop();
    trail.close();
  });
});
