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
 * The audit trail, in log order. It keeps the metadata only: account events carry password hashes
 * and reports carry evidence, and an audit reader needs neither.
 */
export const auditView: Projection<{ entries: AuditEntry[] }> = {
  name: 'audit',
  version: 1,
  initial: () => ({ entries: [] }),
  apply(view, event: RecordedEvent) {
    view.entries.push({
      position: event.position,
      streamId: event.streamId,
      type: event.type,
      occurredAt: event.metadata.occurredAt,
      at: Date.parse(event.metadata.occurredAt),
      actor: event.metadata.actor,
      commandId: event.metadata.commandId,
    });
  },
};

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
export function auditEntries(view: { entries: AuditEntry[] }, filter: AuditFilter): AuditEntry[] {
  const { actorUserId, unitId, from, to, before, limit } = filter;
  const found: AuditEntry[] = [];
  for (let i = view.entries.length - 1; i >= 0 && found.length < limit; i--) {
    const e = view.entries[i]!;
    if (before != null && e.position >= before) continue;
    if (actorUserId && e.actor.userId !== actorUserId) continue;
    if (unitId && e.actor.unitId !== unitId) continue;
    if (from != null && e.at < from) continue;
    if (to != null && e.at >= to) continue;
    found.push(e);
  }
  return found;
}
