import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { verifyLog } from '../eventstore/verify.js';
import { type ServerProcess, spawnServer, stopServer } from './support/serverProcess.js';

/**
 * `npm run backup` copies a RUNNING SQLite store while commands are being written, and
 * `npm run restore` installs a copy only after walking its hash chain and checkpoints. The backup
 * under load restores intact and is a prefix of the live log at one instant; a tampered copy is
 * refused and nothing is installed. Real processes: the server, the backup and the restore.
 */
const root = mkdtempSync(join(tmpdir(), 'taizhang-backup-'));
const dataDir = join(root, 'live');
const env = { DATA_DIR: dataDir, DEMO_DATA: 'off', EVENT_STORE: 'sqlite', SCHEDULER: 'off', CHECKPOINT_EVERY_EVENTS: '25' };
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await stopServer(server, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const run = promisify(execFile);
/** Runs one of the project's scripts as `npm run` does (tsx), without blocking this process's event loop. */
const script = (name: string, args: string[], extra: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], { env: { ...process.env, ...env, ...extra } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

async function gql(server: ServerProcess, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Event ids in log order, read straight from a SQLite file. */
function idsIn(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT event_id FROM events ORDER BY position').all() as { event_id: string }[]).map((r) => r.event_id);
  } finally {
    db.close();
  }
}

describe('backup of a running SQLite store, and restore', () => {
  const backupDir = join(root, 'backup/');
  const restoredDir = join(root, 'restored');

  it('takes a consistent copy under load that restores and verifies intact', async () => {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', 'chief', '--roles', 'office,admin', '--password', 'backup-password-1'],
      { env: { ...process.env, ...env } },
    );
    const server = await spawnServer(env);
    servers.push(server);
    const token = (await gql(server, '', `mutation { login(login: "chief", password: "backup-password-1") { token } }`)).login
      .token as string;

    // Load: four writers raising problems one after another until told to stop.
    let writing = true;
    let raised = 0;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      while (writing) {
        await gql(
          server,
          token,
          `mutation($d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d) { problem { id } } }`,
          {
            d: `危房改造未完成 ${w}-${raised}`,
          },
        );
        raised++;
      }
    });
    while (raised < 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const raisedBefore = raised;
    const backup = await script('backup', [backupDir]);
    const raisedDuring = raised - raisedBefore;
    writing = false;
    await Promise.all(writers);

    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/hash chain and checkpoints verified/);
    // Commands went on being written while the backup ran.
    expect(raisedDuring).toBeGreaterThan(0);
    const copied = idsIn(join(backupDir, 'taizhang.sqlite'));
    const live = idsIn(join(dataDir, 'taizhang.sqlite'));
    // One instant of the log: exactly its first events, and fewer than the log holds now.
    expect(copied.length).toBeGreaterThan(raisedBefore);
    expect(copied.length).toBeLessThan(live.length);
    expect(live.slice(0, copied.length)).toEqual(copied);
    // The keys beside the log go with it (the notification key opens the channels' sealed secrets).
    expect(readFileSync(join(backupDir, 'notification-key'))).toEqual(readFileSync(join(dataDir, 'notification-key')));

    const restore = await script('restore', [backupDir, restoredDir]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`Restored ${copied.length} events`);
    expect(idsIn(join(restoredDir, 'taizhang.sqlite'))).toEqual(copied);
    const store = new SqliteEventStore(join(restoredDir, 'taizhang.sqlite'));
    try {
      const report = await verifyLog(store);
      expect(report).toMatchObject({ intact: true, eventCount: copied.length });
      // Checkpoints were recorded every 25 events under load, and came along.
      expect(report.latestCheckpoint).not.toBeNull();
    } finally {
      await store.close();
    }

    // The restored directory serves: a server on it is current at the copy's head, with the same sign-in.
    const restored = await spawnServer({ ...env, DATA_DIR: restoredDir });
    servers.push(restored);
    const ready = await fetch(`${restored.url}/readyz`);
    expect(ready.status).toBe(200);
    const status = (await ready.json()) as { position: number; head: number };
    expect(status.position).toBe(status.head);
    // It holds the copy's last problem, and not the first one raised after the copy was taken.
    const raisedIn = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare("SELECT data FROM events WHERE type = 'ProblemRaised' ORDER BY position").all() as { data: string }[]).map(
          (r) => JSON.parse(r.data).problemId as string,
        );
      } finally {
        db.close();
      }
    };
    const inCopy = raisedIn(join(restoredDir, 'taizhang.sqlite'));
    const later = raisedIn(join(dataDir, 'taizhang.sqlite')).slice(inCopy.length);
    expect(later.length).toBeGreaterThan(0);
    const find = `query($id: ID) { problem(id: $id) { id } }`;
    expect((await gql(restored, token, find, { id: inCopy.at(-1) })).problem).toEqual({ id: inCopy.at(-1) });
    expect((await gql(restored, token, find, { id: later[0] })).problem).toBeNull();
  });

  it('refuses a tampered backup with a clear message, and installs nothing', async () => {
    const tampered = join(root, 'tampered.sqlite');
    execFileSync('cp', [join(backupDir, 'taizhang.sqlite'), tampered]);
    const db = new Database(tampered);
    const victim = db.prepare("SELECT position FROM events WHERE type = 'ProblemRaised' ORDER BY position LIMIT 1 OFFSET 3").get() as {
      position: number;
    };
    db.prepare("UPDATE events SET data = json_set(data, '$.description', '已整改完毕') WHERE position = ?").run(victim.position);
    db.close();

    const target = join(root, 'from-tampered');
    const restore = await script('restore', [tampered, target]);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/^Refused: the backup .* is not intact, and nothing was restored\./);
    expect(restore.stderr).toContain(`position ${victim.position}`);
    expect(existsSync(join(target, 'taizhang.sqlite'))).toBe(false);
    expect(existsSync(join(target, 'taizhang.sqlite.restoring'))).toBe(false);
  });

  it('never overwrites: a restore into a directory that has a store is refused', async () => {
    const restore = await script('restore', [backupDir, dataDir]);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toMatch(/exists: restore into a data directory without a store/);
  });
});
