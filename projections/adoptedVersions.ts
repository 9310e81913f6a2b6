import type { RecordedEvent } from '../eventstore/port.js';
import { instantMs } from './time.js';

/** One adopted version of a document (考核办法, 工作日历), with when, by whom and why. */
export type AdoptedVersion<D> = {
  version: number;
  document: D;
  reason: string;
  adoptedAt: string;
  adoptedBy: string;
  eventId: string;
};

/** The version an adoption event records (`PolicyAdopted`, `CalendarAdopted`), as the read side keeps it. */
export function adoptedVersion<D>(event: RecordedEvent, data: { version: number; document: D; reason: string }): AdoptedVersion<D> {
  return {
    version: data.version,
    document: data.document,
    reason: data.reason,
    adoptedAt: event.metadata.occurredAt,
    adoptedBy: event.metadata.actor.name,
    eventId: event.id,
  };
}

/** The version in force at an instant: the last one adopted by then (versions in the order adopted), or null. */
export function inForceAt<V extends { adoptedAt: string }>(versions: readonly V[], instant: string): V | null {
  const ms = instantMs(instant);
  let chosen: V | null = null;
  for (const v of versions) if (instantMs(v.adoptedAt) <= ms) chosen = v;
  return chosen;
}
