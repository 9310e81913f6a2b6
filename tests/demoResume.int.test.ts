import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../application/demo/index.js';
import { createApplication } from '../application/index.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';

/**
 * A first start's demo load cut short (stopped or killed), gone on with at the next start (api/main.ts): the commands in
 * the log are replays of their fixed ids, the rest run. The hardest place to be cut: between a ledger number's
 * reservation and the raise it was for, which the application's start finishes before the load goes on.
 */
const codec = schemaCodec(domainEventDefinitions);
const clock = () => '2021-01-04T09:00:00+08:00';
type Row = { position: number; event_id: string; stream_id: string; revision: number; type: string; data: string; metadata: string };
const rowsOf = (file: string): Row[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], Row>('SELECT position, event_id, stream_id, revision, type, data, metadata FROM events ORDER BY position').all();
  } finally {
    db.close();
  }
};

describe('a demo load cut short between a ledger number’s reservation and its raise', () => {
  const root = mkdtempSync(join(tmpdir(), 'taizhang-demo-resume-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('given the log cut right after a reservation, when the application starts and the load goes on, then the log is the one a load never stopped writes', async () => {
    const whole = join(root, 'whole');
    const app = await createApplication(await openEventStore({ kind: 'sqlite', dataDir: whole }, codec), {
      clock,
      checkpoints: false,
      notifications: false,
      scheduler: false,
    });
    await loadDemoData(app.ledger);
    await app.close();
    const clean = rowsOf(join(whole, 'taizhang.sqlite'));

    // The log as a kill right after the 100th reservation leaves it (its raise not in).
    const reservations = clean.filter((row) => row.type === 'LedgerNumberReserved');
    const cutAt = reservations[100]!.position;
    expect(clean.find((row) => row.position === cutAt + 1)?.type).toBe('ProblemRaised');
    const cut = join(root, 'cut');
    mkdirSync(cut);
    copyFileSync(join(whole, 'taizhang.sqlite'), join(cut, 'taizhang.sqlite'));
    const db = new Database(join(cut, 'taizhang.sqlite'));
    db.prepare('DELETE FROM events WHERE position > ?').run(cutAt);
    db.close();

    const again = await createApplication(await openEventStore({ kind: 'sqlite', dataDir: cut }, codec), {
      clock,
      checkpoints: false,
      notifications: false,
      scheduler: false,
    });
    const summary = await loadDemoData(again.ledger, { resume: true });
    await again.close();
    expect(summary.replayed).toBeGreaterThan(100);
    expect(summary.problems).toBe(300);
    const resumed = rowsOf(join(cut, 'taizhang.sqlite'));
    const strip = ({ position: _, ...row }: Row) => row;
    expect(resumed.length).toBe(clean.length);
    expect(resumed.map(strip)).toEqual(clean.map(strip));
  }, 120_000);
});
