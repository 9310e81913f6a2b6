import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCheckpoint } from '../../eventstore/checkpoints.js';
import { freshDatabase, freshSchema, query } from '../support/postgres.js';
import { writeSampleLedger } from './sampleLedger.js';

/**
 * The integrity tools on PostgreSQL: the sample ledger of tamper.int.test.ts, written on SQLite,
 * moved with `npm run store:copy` (positions kept, so the same positions and messages), then
 * `npm run verify` and `npm run checkpoint:export` on the copy, and the copy changed behind the
 * store's back with SQL.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

async function script(name: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [join(root, 'scripts', name), ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}
const onPostgres = (url: string) => ({ EVENT_STORE: 'postgres', DATABASE_URL: url });
const verify = (url: string, ...args: string[]) => script('verify.ts', args, onPostgres(url));

let dir: string;
let database: string;
let pristine: string;
let problemStreams: string[];
const schemaOf = (url: string) => /search_path=(\w+)/.exec(new URL(url).searchParams.get('options') ?? '')![1]!;

/** A copy of the pristine PostgreSQL store, in a schema of its own, to tamper with. */
async function copy(): Promise<string> {
  const url = await freshSchema(database);
  const [from, to] = [schemaOf(pristine), schemaOf(url)];
  await query(
    database,
    `CREATE TABLE ${to}.events (LIKE ${from}.events INCLUDING ALL);
     INSERT INTO ${to}.events SELECT * FROM ${from}.events;
     CREATE TABLE ${to}.event_store_migrations AS SELECT * FROM ${from}.event_store_migrations`,
  );
  return url;
}
const positionOf = async (url: string, streamId: string, revision: number) =>
  Number(
    (await query<{ position: string }>(url, 'SELECT position FROM events WHERE stream_id = $1 AND revision = $2', [streamId, revision]))[0]!
      .position,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taizhang-pg-integrity-'));
  const { store, streams } = await writeSampleLedger(join(dir, 'sqlite'));
  problemStreams = streams.problems;
  await recordCheckpoint(store, { now: '2019-04-01T00:00:00.000Z' });
  await store.close();
  database = await freshDatabase('integrity');
  pristine = await freshSchema(database);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run store:copy from SQLite to PostgreSQL', () => {
  it('copies ids, positions, revisions and hashes, reads the copy back and verifies it', async () => {
    const { code, out } = await script('storeCopy.ts', ['--from', `sqlite:${join(dir, 'sqlite')}`, '--to', `postgres:${pristine}`]);
    expect(out).toContain('Copied 11 events from sqlite to postgres.');
    expect(out).toContain('Read back: the same 11 events, ids, positions, revisions and hashes');
    expect(out).toContain('intact: 11 events in 7 streams');
    expect(code).toBe(0);

    // Row by row, counted here from the SQLite file's own rows.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'sqlite', 'taizhang.sqlite'), { readonly: true });
    const sqliteRows = db.prepare('SELECT position, event_id, stream_id, revision, data, metadata FROM events ORDER BY position').all() as {
      position: number;
      event_id: string;
      stream_id: string;
      revision: number;
      data: string;
      metadata: string;
    }[];
    db.close();
    const pgRows = await query(
      pristine,
      'SELECT position, event_id, stream_id, revision, data::text, metadata::text FROM events ORDER BY position',
    );
    expect(pgRows.map((r) => [Number(r.position), r.event_id, r.stream_id, r.revision, r.data, r.metadata])).toEqual(
      sqliteRows.map((r) => [r.position, r.event_id, r.stream_id, r.revision, r.data, r.metadata]),
    );
    // The next event the store writes comes after the copied ones.
    expect(await query(pristine, "SELECT nextval(pg_get_serial_sequence('events', 'position')) AS next")).toEqual([{ next: '12' }]);
  });

  it('refuses to copy into a store that holds events, or from a store that does not verify', async () => {
    const again = await script('storeCopy.ts', ['--from', `sqlite:${join(dir, 'sqlite')}`, '--to', pristine]);
    expect(again.out).toContain('already holds events');
    expect(again.code).toBe(2);

    const broken = await copy();
    await query(broken, `UPDATE events SET data = replace(data::text, '张三', '李四')::json WHERE stream_id = $1 AND revision = 1`, [
      problemStreams[0],
    ]);
    const target = await freshSchema(database);
    const refused = await script('storeCopy.ts', ['--from', `postgres:${broken}`, '--to', `postgres:${target}`]);
    expect(refused.out).toContain('The source is not intact; nothing was copied.');
    expect(refused.code).toBe(1);
    expect(await query(target, "SELECT to_regclass('events') IS NULL AS none")).toEqual([{ none: true }]);
  });
});

describe('npm run verify on PostgreSQL, rows changed behind the store’s back', () => {
  it('says intact on the untouched copy, with the latest checkpoint at the same position as on SQLite', async () => {
    const { code, out } = await verify(await copy());
    expect(out).toContain('intact: 11 events in 7 streams');
    expect(out).toMatch(/latest checkpoint #1: position 10, 10 events, 6 streams, Merkle root [0-9a-f]{64}/);
    expect(code).toBe(0);
  });

  it('names the stream, revision, ledger number and position of an altered event', async () => {
    const url = await copy();
    const at = await positionOf(url, problemStreams[1]!, 1);
    const changed = await query(
      url,
      `UPDATE events SET data = replace(data::text, '张三', '弡三')::json WHERE position = $1 RETURNING position`,
      [at],
    );
    expect(changed).toHaveLength(1);
    const { code, out } = await verify(url);
    expect(out).toContain(`BROKEN (hash_mismatch) at stream ${problemStreams[1]}, revision 1, ledger number GJ-2019-002, position 10`);
    expect(code).toBe(1);
  });

  it('names the missing revision when an event is deleted, and a deleted stream at the checkpoint', async () => {
    const gap = await copy();
    await query(gap, 'DELETE FROM events WHERE position = $1', [await positionOf(gap, problemStreams[0]!, 0)]);
    const deletedEvent = await verify(gap);
    expect(deletedEvent.out).toContain(
      `BROKEN (revision_gap) at stream ${problemStreams[0]}, revision 0, ledger number GJ-2019-001, position 9`,
    );
    expect(deletedEvent.code).toBe(1);

    const gone = await copy();
    expect(await query(gone, 'DELETE FROM events WHERE stream_id = $1 RETURNING position', [problemStreams[2]])).toHaveLength(1);
    const deletedStream = await verify(gone);
    expect(deletedStream.out).toContain(
      `BROKEN (checkpoint_mismatch) at stream ${problemStreams[2]}, revision 0, ledger number GJ-2019-003, checkpoint #1`,
    );
    expect(deletedStream.code).toBe(1);
  });

  it('proves with an exported checkpoint that a log cut back past it is truncated', async () => {
    const url = await copy();
    const file = join(dir, 'checkpoint-1.json');
    expect((await script('checkpointExport.ts', ['--out', file], onPostgres(url))).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ number: 1, position: 10, eventCount: 10, streamCount: 6 });
    expect(await query(url, 'DELETE FROM events WHERE position >= 10 RETURNING position')).toHaveLength(2);
    expect((await verify(url)).out).toContain('intact: 9 events in 6 streams');
    const held = await verify(url, '--checkpoint', file);
    expect(held.out).toContain(
      'The log is truncated: it ends at position 9 with 9 events, but exported checkpoint #1 covered 10 events up to position 10.',
    );
    expect(held.code).toBe(1);
  });
});
