import type { AuditEntry, AuditFilter } from './auditView.js';

import type { EventMetadata } from '../eventstore/port.js';

/**
 * Rows on their way to the table's thread: per event four texts cut from `text` by `lengths`, and two numbers (position,
 * actor's number or -1 for the next of `actors`); the id of the last event, which the table keeps with its position.
 */
export type AuditBatch = {
  text: string;
  lengths: Uint32Array;
  numbers: Float64Array;
  actors: EventMetadata['actor'][];
  lastEventId: string;
};

/** The shared signal's size, its places (ANSWERED, FILL) and FILL's values (WAIT, RUN, STOP): auditTable.js. */
export const SIGNAL_BYTES: number;
export const ANSWERED: number;
export const FILL: number;
export const WAIT: number;
export const RUN: number;
export const STOP: number;

/** The audit trail's table over its own connection (in the worker thread auditView.ts starts). */
export class AuditTable {
  static open(file: string, version: number): AuditTable | undefined;
  storedAt(): { version: number; position: number; eventId: string | null } | null;
  clear(): void;
  index(): void;
  flush(): void;
  close(): void;
  applyBatch(batch: AuditBatch): boolean;
  fillFromLog(file: string, after: number, upTo: number): boolean;
  entries(filter: AuditFilter): AuditEntry[];
  kept(): { types: number; actors: number };
}
