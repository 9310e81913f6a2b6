import type { EventMetadata, RecordedEvent } from '../eventstore/port.js';
import type { Projection } from './runner.js';

/** One line of the audit trail: who did what, when — the event's metadata, never its data. */
export type AuditEntry = {
  position: number;
  streamId: string;
  type: string;
  occurredAt: string;
  /** Epoch milliseconds of occurredAt, for filtering by time. */
  at: number;
  actor: EventMetadata['actor'];
  commandId: string;
};

/**
 * The audit trail, in log order, one row per event kept in columns (issue 12: a million events held
 * in about a quarter of the memory one object per event took). It keeps the metadata only: account
 * events carry password hashes and reports carry evidence, and an audit reader needs neither.
 * Streams, types and actors are kept once and pointed at by number; `occurredAt` is kept only when
 * it is not the canonical ISO form of its milliseconds (`at`), which gives it back exactly.
 */
export type AuditView = {
  positions: number[];
  /** Index into `streamIds`, per row. */
  streams: number[];
  streamIds: string[];
  streamIndex: Map<string, number>;
  /** Index into `typeNames`, per row. */
  types: number[];
  typeNames: string[];
  typeIndex: Map<string, number>;
  /** Epoch milliseconds of occurredAt, per row. */
  at: number[];
  /** occurredAt as written, by row, where `new Date(at).toISOString()` would not give it back. */
  writtenAt: Map<number, string>;
  /** Index into `actorList`, per row. */
  actors: number[];
  actorList: EventMetadata['actor'][];
  actorIndex: Map<string, number>;
  commandIds: string[];
};

/** The number of `value` in a list of distinct values, added when new. */
function intern<T>(list: T[], index: Map<string, number>, key: string, value: T): number {
  let i = index.get(key);
  if (i === undefined) {
    i = list.length;
    list.push(value);
    index.set(key, i);
  }
  return i;
}

export const auditView: Projection<AuditView> = {
  name: 'audit',
  // 2: kept in columns.
  version: 2,
  initial: () => ({
    positions: [],
    streams: [],
    streamIds: [],
    streamIndex: new Map(),
    types: [],
    typeNames: [],
    typeIndex: new Map(),
    at: [],
    writtenAt: new Map(),
    actors: [],
    actorList: [],
    actorIndex: new Map(),
    commandIds: [],
  }),
  apply(view, event: RecordedEvent) {
    const row = view.positions.length;
    const { occurredAt, actor, commandId } = event.metadata;
    const at = Date.parse(occurredAt);
    view.positions.push(event.position);
    view.streams.push(intern(view.streamIds, view.streamIndex, event.streamId, event.streamId));
    view.types.push(intern(view.typeNames, view.typeIndex, event.type, event.type));
    view.at.push(at);
    if (!(Number.isFinite(at) && new Date(at).toISOString() === occurredAt)) view.writtenAt.set(row, occurredAt);
    view.actors.push(intern(view.actorList, view.actorIndex, JSON.stringify(actor), actor));
    view.commandIds.push(commandId);
  },
};

/** Row `i` of the view as an entry. */
function entryAt(view: AuditView, i: number): AuditEntry {
  const at = view.at[i]!;
  return {
    position: view.positions[i]!,
    streamId: view.streamIds[view.streams[i]!]!,
    type: view.typeNames[view.types[i]!]!,
    occurredAt: view.writtenAt.get(i) ?? new Date(at).toISOString(),
    at,
    actor: view.actorList[view.actors[i]!]!,
    commandId: view.commandIds[i]!,
  };
}

/** Which entries to list: by whom, for which unit, in which time (epoch ms, `to` exclusive), older than a position. */
export type AuditFilter = {
  actorUserId?: string | null;
  unitId?: string | null;
  from?: number | null;
  to?: number | null;
  before?: number | null;
  limit: number;
};

/** The newest entries that pass the filter, newest first, at most `limit`: read backwards, so a page costs what it lists. */
export function auditEntries(view: AuditView, filter: AuditFilter): AuditEntry[] {
  const { actorUserId, unitId, from, to, before, limit } = filter;
  const found: AuditEntry[] = [];
  for (let i = view.positions.length - 1; i >= 0 && found.length < limit; i--) {
    if (before != null && view.positions[i]! >= before) continue;
    const actor = view.actorList[view.actors[i]!]!;
    if (actorUserId && actor.userId !== actorUserId) continue;
    if (unitId && actor.unitId !== unitId) continue;
    const at = view.at[i]!;
    if (from != null && at < from) continue;
    if (to != null && at >= to) continue;
    found.push(entryAt(view, i));
  }
  return found;
}
