import { describe, expect, it } from 'vitest';
import { readModelProjections } from '../../application/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { GrowingMap } from '../../projections/growingMap.js';
import type { Projection } from '../../projections/runner.js';
import { TYPED_PIECE_BYTES } from '../../projections/snapshots.js';
import { type SimilarityIndex, indexPending, similarityIndex } from '../../projections/similarProblems.js';
import { generateCounty, uuidOf } from '../support/countyLog.js';

/**
 * A snapshot is written in frames, a V8 serializer each (projections/snapshots.ts): an object two containers hold comes
 * back as two copies when their pieces fall in different frames, and a change after a restart would reach one of them.
 * With a county's real data any Map, Set or array of a state may grow past a piece and be written in pieces of its own.
 * So no read model may hold one object as (or inside) the entries of two containers, but for what cannot go wrong:
 * - an empty list or record (nothing in it to change: a fold replaces such a value, never fills it);
 * - the outbox's `recent`, kept to twice RECENT facts: always in the skeleton, whose objects keep their identity;
 * - the exemptions granted, by line and by the trigger they resolve: a grant's record never changes.
 */
const allowed = new Set(['outbox: recent', 'problem-facts: exemptionsByTrigger']);

/** The objects each container holds (as an entry, or inside one, down to the next container), by the container's path. */
function sharedAcrossContainers(state: unknown): string[] {
  const holder = new Map<object, string>();
  const found: string[] = [];
  const isContainer = (v: object) => v instanceof Map || v instanceof Set || v instanceof GrowingMap || Array.isArray(v);
  const empty = (v: object) =>
    Array.isArray(v) ? v.length === 0 : Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).length === 0;
  const seenContainers = new Set<object>();
  // Walks `value` as held by the container at `path` (null: the state itself, above every container).
  const walk = (value: unknown, path: string | null, at: string): void => {
    if (value === null || typeof value !== 'object') return;
    if (ArrayBuffer.isView(value)) {
      // A typed array over TYPED_PIECE_BYTES is written in pieces of its own, as a container is: held by its place then.
      const by = value.byteLength > TYPED_PIECE_BYTES ? at : path;
      const first = by === null ? undefined : holder.get(value);
      if (by !== null && first === undefined) holder.set(value, by);
      else if (first !== undefined && first !== by) found.push(`${first} and ${by}`);
      return;
    }
    if (isContainer(value)) {
      if (seenContainers.has(value)) return;
      seenContainers.add(value);
      const entries: Iterable<unknown> =
        value instanceof Map || value instanceof GrowingMap ? [...value].flat() : (value as Iterable<unknown>);
      for (const entry of entries) walk(entry, at, at);
      return;
    }
    if (path !== null && !empty(value)) {
      const first = holder.get(value);
      if (first === undefined) holder.set(value, path);
      else if (first !== path) found.push(`${first} and ${path}`);
      if (first !== undefined) return;
    }
    for (const [k, v] of Object.entries(value)) walk(v, path, path === null ? k : `${at}.${k}`);
  };
  walk(state, null, '');
  return found;
}

describe('what a read model may share between its containers, now that snapshots are written in frames', () => {
  it('given a county folded into every read model, then no object is held by two containers but those allowed', () => {
    const county = generateCounty({ problems: 600 });
    const events = county.entries.map(({ streamId, event }, position) => ({ ...event, streamId, revision: 0, position }) as RecordedEvent);
    // 容错纠错 applications and a grant that resolves an interview trigger: records kept by id, by line and by trigger.
    const extra = (type: string, data: unknown) =>
      events.push({ ...events.at(-1)!, id: uuidOf(events.length, 0xf), type, data, position: events.length } as RecordedEvent);
    const unitId = (events.find((e) => e.type === 'UnitRegistered')!.data as { unitId: string }).unitId;
    for (let i = 0; i < 3; i++) {
      const line = { year: 2020, unitId, lineId: `overdue:${uuidOf(i, 0xd)}`, rule: 'overdue', points: -1 };
      extra('ExemptionApplied', { ...line, applicationId: uuidOf(i, 0xb), statement: '汛期', files: [] });
      extra('ExemptionGranted', {
        ...line,
        applicationId: uuidOf(i, 0xb),
        reason: '客观原因',
        approvedBy: '考核委员会',
        resolvesTriggerId: 't1',
      });
    }
    const shared: string[] = [];
    for (const projection of readModelProjections(undefined as never) as readonly (Projection<unknown> | undefined)[]) {
      if (!projection || projection.stored) continue;
      const state = projection.initial();
      for (const event of events) projection.apply(state, event);
      // The similarity index segments the raises it queued when asked (`currentIndex`): segmented, as a live server's is.
      if (projection === similarityIndex) indexPending(state as SimilarityIndex);
      for (const pair of sharedAcrossContainers(state))
        if (![...allowed].some((a) => a.startsWith(`${projection.name}: `) && pair.includes(a.slice(projection.name.length + 2))))
          shared.push(`${projection.name}: ${pair}`);
    }
    expect([...new Set(shared)]).toEqual([]);
  });
});
