import type Database from 'better-sqlite3';
import type { ExpectedRevision } from './port.js';

/**
 * An event on its way to the writer: data and metadata already JSON text, as they are stored; data prepared ahead
 * (eventstore/preparedData.ts) as its text's UTF-8 pieces, joined by the writer.
 */
export type WireEvent = { id: string; type: string; data: string | Uint8Array[]; metadata: string };
export type WirePart = { streamId: string; events: WireEvent[]; expected: ExpectedRevision };

/** Why an append was refused; sqlite.ts turns it back into the port's error. */
export type Refusal =
  | { kind: 'wrong_revision'; streamId: string; expected: ExpectedRevision; actual: number | 'no_stream' }
  | { kind: 'duplicate'; eventId: string }
  | { kind: 'error'; message: string; code?: string };

/** A part's result; `positions` are those of the events it wrote, null when it wrote none (a retry, or no events). */
export type WireResult = { nextExpectedRevision: number; position: number; positions: number[] | null };
export type Outcome = { ok: true; results: WireResult[] } | { ok: false; refusal: Refusal };

/** Group commit over an open connection: every request (one append of one or more parts) in one transaction, each in its own savepoint. */
export function sqliteWriter(db: Database.Database): { commit(requests: WirePart[][]): Outcome[] };
