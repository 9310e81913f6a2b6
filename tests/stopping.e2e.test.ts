import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStream } from './support/liveStream.js';
import { type ServerProcess, spawnServer, stopServer } from './support/serverProcess.js';

/**
 * A server stopped (SIGTERM, as Docker and systemd stop it) while a page of the web app is open, which holds a live
 * stream (server-sent events) that never ends by itself: it still stops cleanly, its read models' snapshots written,
 * rather than waiting for the stream until it is killed.
 */
const root = mkdtempSync(join(tmpdir(), 'taizhang-stopping-'));
const dataDir = join(root, 'data');
const env = { DATA_DIR: dataDir, DEMO_DATA: 'off', EVENT_STORE: 'sqlite', SCHEDULER: 'off' };
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await stopServer(server, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('stopping a server', () => {
  it('given a live stream open, when the server is sent SIGTERM, then the stream is closed, the snapshots are written and the process exits 0', async () => {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', 'chief', '--roles', 'office,admin', '--password', 'stopping-password-1'],
      { env: { ...process.env, ...env } },
    );
    const server = await spawnServer(env);
    servers.push(server);
    const login = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { login(login: "chief", password: "stopping-password-1") { token } }' }),
    });
    const token = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;
    const stream = await openStream(server.url, 'subscription { battleMapUpdates { ledgerNumber eventType } }', {
      authorization: `Bearer ${token}`,
    });
    expect(stream.contentType).toContain('text/event-stream');
    expect(readdirSync(join(dataDir, 'snapshots')).filter((name) => name.endsWith('.snapshot'))).toEqual([]);

    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    // The stream ends without its "complete": the connection was closed under it.
    await expect(stream.next(30_000)).rejects.toThrow(/terminated|the stream ended/);
    expect(await exited).toBe(0);
    expect(readdirSync(join(dataDir, 'snapshots'))).toContain('ledger.snapshot');
  }, 90_000);
});
