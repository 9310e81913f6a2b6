import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteFile } from '../../eventstore/index.js';
import { SqliteEventStore } from '../../eventstore/sqlite.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

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

const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-migrate-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const metadata = {
  actor: { userId: 'u', name: 'n', unitId: null, role: 'r' },
  commandId: 'c',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2019-01-01T00:00:00.000Z',
  schemaVersion: 1,
};

describe('npm run migrate:hash-chain', () => {
  it('chains a store written before the chain, records a checkpoint, and refuses to run twice', async () => {
    // Written by the bare adapter, as every store was before the chain.
    const old = new SqliteEventStore(sqliteFile(dataDir));
    await old.appendToStream(
      'a',
      [
        { id: 'a0', type: 'T', data: { n: 0 }, metadata },
        { id: 'a1', type: 'T', data: { n: 1 }, metadata },
      ],
      'no_stream',
    );
    await old.appendToStream('b', [{ id: 'b0', type: 'T', data: { n: 2 }, metadata }], 'no_stream');
    await old.close();

    const before = await script('verify.ts', '--data-dir', dataDir);
    expect(before.out).toContain('BROKEN (missing_hash) at stream a, revision 0, position 1');
    expect(before.code).toBe(1);

    const migrated = await script('migrateHashChain.ts', '--data-dir', dataDir);
    expect(migrated.out).toContain('Chained 3 events in 2 streams; checkpoint #1 recorded at position 3.');
    expect(migrated.code).toBe(0);

    const after = await script('verify.ts', '--data-dir', dataDir);
    expect(after.out).toContain('intact: 4 events in 3 streams');
    expect(after.out).toContain('latest checkpoint #1: position 3, 3 events, 2 streams');

    const again = await script('migrateHashChain.ts', '--data-dir', dataDir);
    expect(again.out).toContain('already has a hash: this store is chained; nothing was changed.');
    expect(again.code).toBe(2);
  });
});
