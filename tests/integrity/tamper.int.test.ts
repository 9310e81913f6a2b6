import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCheckpoint } from '../../eventstore/checkpoints.js';
import { writeSampleLedger } from './sampleLedger.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** Runs a script the way a person would (`npm run verify -- ...`), as a child process. */
async function script(name: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [join(root, 'scripts', name), ...args], {
      cwd: root,
      env: { ...process.env, EVENT_STORE: 'sqlite' },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

// SQLite positions start at 1. The sample ledger's log: units 1-2, raises 3-8 (reservation, then
// ProblemRaised, for GJ-2019-001..003), assignments 9-10, the checkpoint 11 covering position 10.
let dir: string;
let pristine: string;
let problemStreams: string[];

/** A copy of the sample store to tamper with. */
function copy(name: string): { dataDir: string; db: Database.Database } {
  const dataDir = join(dir, name);
  mkdirSync(dataDir);
  copyFileSync(join(pristine, 'taizhang.sqlite'), join(dataDir, 'taizhang.sqlite'));
  return { dataDir, db: new Database(join(dataDir, 'taizhang.sqlite')) };
}

type Row = { position: number; data: string; revision: number };
const row = (db: Database.Database, streamId: string, revision: number) =>
  db
    .prepare<[string, number], Row>('SELECT position, data, revision FROM events WHERE stream_id = ? AND revision = ?')
    .get(streamId, revision)!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taizhang-tamper-'));
  pristine = join(dir, 'pristine');
  const { store, streams } = await writeSampleLedger(pristine);
  problemStreams = streams.problems;
  await recordCheckpoint(store, { now: '2019-04-01T00:00:00.000Z' });
  await store.close();
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run verify on a SQLite file changed behind the store’s back', () => {
  it('says intact on the untouched store, with the event count and the latest checkpoint', async () => {
    const { dataDir, db } = copy('untouched');
    db.close();
    const { code, out } = await script('verify.ts', '--data-dir', dataDir);
    expect(out).toContain('intact: 11 events in 7 streams');
    expect(out).toMatch(/latest checkpoint #1: position 10, 10 events, 6 streams, Merkle root [0-9a-f]{64}/);
    expect(code).toBe(0);
  });

  it('names the stream, revision and ledger number when one byte of an event’s data is flipped', async () => {
    const { dataDir, db } = copy('flipped');
    const target = row(db, problemStreams[1]!, 1);
    // The last byte of 张 (E5 BC A0) gets its low bit flipped: 张三 becomes 张 + 1 = 弡三, still valid UTF-8.
    const bytes = Buffer.from(target.data);
    const at = bytes.indexOf(Buffer.from('张三')) + 2;
    bytes[at] = bytes[at]! ^ 0x01;
    expect(bytes.toString()).toContain('弡三');
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(bytes.toString(), target.position);
    db.close();
    const { code, out } = await script('verify.ts', '--data-dir', dataDir);
    expect(out).toContain(`BROKEN (hash_mismatch) at stream ${problemStreams[1]}, revision 1, ledger number GJ-2019-002, position 10`);
    expect(code).toBe(1);
  });

  it('names the missing revision when one event is deleted', async () => {
    const { dataDir, db } = copy('deleted-event');
    db.prepare('DELETE FROM events WHERE position = ?').run(row(db, problemStreams[0]!, 0).position);
    db.close();
    const { code, out } = await script('verify.ts', '--data-dir', dataDir);
    expect(out).toContain(`BROKEN (revision_gap) at stream ${problemStreams[0]}, revision 0, ledger number GJ-2019-001, position 9`);
    expect(out).toContain(`${problemStreams[0]} revision 0 is missing or out of place`);
    expect(code).toBe(1);
  });

  it('names the first displaced revision when two events swap places in the log', async () => {
    const { dataDir, db } = copy('swapped');
    const first = row(db, problemStreams[1]!, 0).position;
    const second = row(db, problemStreams[1]!, 1).position;
    db.transaction(() => {
      db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(first);
      db.prepare('UPDATE events SET position = ? WHERE position = ?').run(first, second);
      db.prepare('UPDATE events SET position = ? WHERE position = -1').run(second);
    })();
    db.close();
    const { code, out } = await script('verify.ts', '--data-dir', dataDir);
    expect(out).toContain(`BROKEN (revision_gap) at stream ${problemStreams[1]}, revision 0, ledger number GJ-2019-002, position ${first}`);
    expect(code).toBe(1);
  });

  it('names a whole deleted stream at the checkpoint that covered it', async () => {
    const { dataDir, db } = copy('deleted-stream');
    expect(db.prepare('DELETE FROM events WHERE stream_id = ?').run(problemStreams[2]!).changes).toBe(1);
    db.close();
    const { code, out } = await script('verify.ts', '--data-dir', dataDir);
    expect(out).toContain(
      `BROKEN (checkpoint_mismatch) at stream ${problemStreams[2]}, revision 0, ledger number GJ-2019-003, checkpoint #1`,
    );
    expect(out).toContain(`Stream ${problemStreams[2]} is missing: checkpoint #1 recorded it with 1 events (head revision 0).`);
    expect(code).toBe(1);
  });

  it('names a stream whose last event was deleted (no gap left behind) at the checkpoint', async () => {
    const { dataDir, db } = copy('deleted-head');
    db.prepare('DELETE FROM events WHERE position = ?').run(row(db, problemStreams[0]!, 1).position);
    db.close();
    const { code, out } = await script('verify.ts', '--data-dir', dataDir);
    expect(out).toContain(
      `BROKEN (checkpoint_mismatch) at stream ${problemStreams[0]}, revision 1, ledger number GJ-2019-001, checkpoint #1`,
    );
    expect(out).toContain(
      'ends at revision 0 at position 10, but checkpoint #1 recorded its head at revision 1: its last events were removed.',
    );
    expect(code).toBe(1);
  });

  it('proves with an exported checkpoint that a log cut back past it is truncated', async () => {
    const { dataDir, db } = copy('truncated');
    db.close();
    const file = join(dataDir, 'checkpoint-1.json');
    const exported = await script('checkpointExport.ts', '--data-dir', dataDir, '--out', file);
    expect(exported.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      format: 'taizhang-checkpoint/1',
      number: 1,
      position: 10,
      eventCount: 10,
      streamCount: 6,
    });
    expect((await script('verify.ts', '--data-dir', dataDir, '--checkpoint', file)).out).toContain(
      'exported checkpoint #1 holds: the log still contains exactly the 10 events in 6 streams it covered up to position 10',
    );

    // Cut the log back: the last assignment and the checkpoint itself go. Without the file it looks whole.
    const cut = new Database(join(dataDir, 'taizhang.sqlite'));
    expect(cut.prepare('DELETE FROM events WHERE position >= 10').run().changes).toBe(2);
    cut.close();
    const alone = await script('verify.ts', '--data-dir', dataDir);
    expect(alone.out).toContain('intact: 9 events in 6 streams');
    const held = await script('verify.ts', '--data-dir', dataDir, '--checkpoint', file);
    expect(held.out).toContain('BROKEN (exported_checkpoint_mismatch) at checkpoint #1');
    expect(held.out).toContain(
      'The log is truncated: it ends at position 9 with 9 events, but exported checkpoint #1 covered 10 events up to position 10.',
    );
    expect(held.code).toBe(1);
  });
});
