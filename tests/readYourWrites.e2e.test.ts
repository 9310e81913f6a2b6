import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../application/config.js';
import { startServer } from '../api/server.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import type { StreamAppend } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { generateCounty } from './support/countyLog.js';
import { type ServerProcess, freePort, spawnServer, stopServer } from './support/serverProcess.js';

/**
 * Read-your-writes across server processes on one SQLite folder: each follows the log on its own
 * (another process's appends reach it by polling), so a client that wrote on one node and reads on
 * the other sends the position its write answered as X-Min-Position, and the other node serves it
 * only once its read models have it. And a server starting on a long log listens at once, saying it
 * is catching up, and serves nothing until its read models are current.
 */
const root = mkdtempSync(join(tmpdir(), 'taizhang-ryw-'));
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await stopServer(server, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

type Answer = { status: number; headers: Headers; body: any };
async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('two server processes on one SQLite store', () => {
  const dataDir = join(root, 'shared');
  const env = { DATA_DIR: dataDir, DEMO_DATA: 'off', EVENT_STORE: 'sqlite', SCHEDULER: 'off', MIN_POSITION_WAIT_MS: '3000' };

  it('a write on one node is read on the other with X-Min-Position, every time, both ways', async () => {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', 'chief', '--roles', 'office,admin', '--password', 'ryw-password-1'],
      { env: { ...process.env, ...env } },
    );
    const [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    servers.push(a!, b!);
    const login = await post(a!.url, 'mutation { login(login: "chief", password: "ryw-password-1") { token } }', {}, {});
    const auth = { authorization: `Bearer ${login.body.data.login.token}` };

    for (let i = 0; i < 10; i++) {
      const [writer, reader] = i % 2 === 0 ? [a!, b!] : [b!, a!];
      const written = await post(
        writer.url,
        'mutation Raise($d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d) { problem { id ledgerNumber } } }',
        { d: `危房改造未完成 ${i}` },
        { ...auth, 'x-request-id': `ryw-${i}` },
      );
      expect(written.body.errors).toBeUndefined();
      const position = Number(written.headers.get('x-log-position'));
      expect(written.body.extensions.logPosition).toBe(position);
      const { id, ledgerNumber } = written.body.data.raiseProblem.problem;

      const read = await post(
        reader.url,
        'query($id: ID) { problem(id: $id) { id ledgerNumber } }',
        { id },
        {
          ...auth,
          'x-min-position': String(position),
        },
      );
      expect(read.status).toBe(200);
      expect(read.body.data.problem).toEqual({ id, ledgerNumber });
      expect(Number(read.headers.get('x-log-position'))).toBeGreaterThanOrEqual(position);
    }

    // The position a write answered is its event's, in the shared log, with the request's id as correlation id.
    const db = new Database(join(dataDir, 'taizhang.sqlite'), { readonly: true });
    const raised = db.prepare("SELECT position, metadata FROM events WHERE type = 'ProblemRaised' ORDER BY position").all() as {
      position: number;
      metadata: string;
    }[];
    db.close();
    expect(raised.map((r) => JSON.parse(r.metadata).correlationId)).toEqual(Array.from({ length: 10 }, (_, i) => `ryw-${i}`));
  });

  it('a node asked for a position the log has not reached answers 503 BEHIND_LOG_POSITION after the wait, with where it is', async () => {
    const [a] = servers;
    const status = await post(a!.url, '{ serverStatus { ready position head } }', {}, {});
    const { head } = status.body.data.serverStatus;
    const started = Date.now();
    const answer = await post(a!.url, '{ serverStatus { position } }', {}, { 'x-min-position': String(head + 500) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(answer.status).toBe(503);
    expect(answer.body.errors[0].extensions).toMatchObject({ code: 'BEHIND_LOG_POSITION', minPosition: head + 500 });
  });
});

describe('a server starting on a long log', () => {
  it('listens at once, says it is catching up, serves nothing stale, and is ready once current', async () => {
    const dataDir = join(root, 'long');
    const county = generateCounty({ problems: 4000, grouped: true });
    const store = await openEventStore({ kind: 'sqlite', dataDir }, schemaCodec(domainEventDefinitions));
    let parts = new Map<string, StreamAppend>();
    let size = 0;
    const flush = async () => {
      if (parts.size > 0) await store.appendMany([...parts.values()]);
      parts = new Map();
      size = 0;
    };
    for (const { streamId, event } of county.entries) {
      const part = parts.get(streamId) ?? { streamId, events: [], expected: 'any' as const };
      parts.set(streamId, { ...part, events: [...part.events, event] });
      if (++size >= 2000) await flush();
    }
    await flush();
    const head = await store.headPosition();
    await store.close();
    expect(head).toBeGreaterThan(30_000);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = configFromEnv({
      DATA_DIR: dataDir,
      PORT: String(port),
      DEMO_DATA: 'off',
      SCHEDULER: 'off',
      NOTIFICATIONS_DISPATCH: 'off',
      LOG_LEVEL: 'silent',
    });
    const starting = startServer(config);
    // The first answer, as soon as it listens.
    let first: Response | undefined;
    while (!first) first = await fetch(`${url}/healthz`).catch(() => undefined);
    const [health, ready, query] = [
      (await first.json()) as any,
      await fetch(`${url}/readyz`),
      await post(url, '{ serverStatus { ready } }', {}, {}),
    ];
    expect(first.status).toBe(200);
    expect(health).toMatchObject({ status: 'starting', ready: false, head });
    expect(health.position).toBeLessThan(head);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'catching_up', ready: false, head });
    expect(query.status).toBe(503);
    expect(query.body.errors[0].extensions).toMatchObject({ code: 'CATCHING_UP', head });

    const server = await starting;
    try {
      const current = await fetch(`${url}/readyz`);
      expect(current.status).toBe(200);
      expect(await current.json()).toMatchObject({ ready: true });
      // Ready, it may fall behind again for a moment: the checkpointer, now holding the once-only work,
      // appends checkpoints over the log it has just proved. It is current again within moments.
      let status = await post(url, '{ serverStatus { ready position head } }', {}, {});
      for (let i = 0; i < 100 && !status.body.data.serverStatus.ready; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await post(url, '{ serverStatus { ready position head } }', {}, {});
      }
      expect(status.body.data.serverStatus.ready).toBe(true);
      expect(status.body.data.serverStatus.position).toBeGreaterThanOrEqual(head);
    } finally {
      await server.close();
    }
  });
});
