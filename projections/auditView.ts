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
