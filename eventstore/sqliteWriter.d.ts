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

/** A lease taken (or renewed) or released, as `LeaseStore` asks it; `now` is the asker's clock in ms. */
export type LeaseOp = { op: 'take' | 'release'; name: string; holder: string; now: number; ms: number };
/** The lease as it stands after a take; null after a release. */
export type LeaseRow = { holder: string; expires_ms: number } | null;

/**
 * Group commit over an open connection: every request (one append of one or more parts) in one transaction, each in its
 * own savepoint. And the leases, each write its own transaction, so that the main thread never waits for one.
 */
export function sqliteWriter(db: Database.Database): { commit(requests: WirePart[][]): Outcome[]; lease(op: LeaseOp): LeaseRow };
