import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../application/demo/index.js';
import { Ledger } from '../application/ledger.js';
import { domainEventDefinitions } from '../domain/index.js';
import { MemoryEventStore } from '../eventstore/memory.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { type ServerProcess, freePort, spawnServer, stopServer } from './support/serverProcess.js';

/**
 * The README's first command, `npm start` (the server built, then run from dist/ as the script does), on a
 * machine that never ran it: an empty data folder,
 * the demo county on, the scheduler and the notifications on as shipped. The demo is loaded only
 * into an empty store, so nothing may write to the store before it (the scheduler's catch-up once
 * wrote the daily digests first, and the demo was never loaded).
 */
describe('the first start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-first-start-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads the demo county into an empty store before it says ready, then runs the scheduler', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const signIn = () =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { login(login: "office", password: "office-demo-2019") { token } }' }),
      });
    // Told its port, to be asked before it prints its URL (last); another test taking the port meanwhile would fail the spawn.
    let exited: unknown;
    const spawned = spawnServer(
      { DATA_DIR: dataDir, EVENT_STORE: 'sqlite', DEMO_DATA: 'on', SCHEDULER: 'on', PORT: String(port) },
      150_000,
      [],
      { asNpmStart: true },
    ).catch((error: unknown) => {
      exited = error;
      throw error;
    });
    // Asked as a department head would, from the moment it listens: a sign-in while the demo county loads is told
    // the server is starting (it was once told "Wrong login or password" while /readyz already said ready), and the
    // first sign-in after /readyz says ready is let in.
    const whileLoading: { status: number; code?: string; message?: string }[] = [];
    let token: string | undefined;
    for (const began = Date.now(); token === undefined && exited === undefined && Date.now() - began < 150_000; ) {
      const ready = await fetch(`${url}/readyz`).catch(() => undefined);
      const readyNow = ready?.status === 200;
      const loading = !readyNow && ready !== undefined && ((await ready.json()) as { doing?: string }).doing !== undefined;
      if (readyNow || loading) {
        const login = await signIn();
        const body = (await login.json()) as {
          data?: { login: { token: string } };
          errors?: { message: string; extensions: { code: string } }[];
        };
        // Asked while loading, the answer may come once it is done (the application took over in between): let in then.
        if (readyNow || login.status === 200) {
          expect(body.errors).toBeUndefined();
          token = body.data!.login.token;
        } else whileLoading.push({ status: login.status, code: body.errors?.[0]?.extensions.code, message: body.errors?.[0]?.message });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(exited).toBeUndefined();
    expect(token).toMatch(/\S{20,}/);
    expect(whileLoading.length).toBeGreaterThan(0);
    for (const refused of whileLoading) {
      expect(refused).toMatchObject({ status: 503, code: 'CATCHING_UP' });
      expect(refused.message).toContain('loading the demo county');
    }
    server = await spawned;
    expect(server.output()).toMatch(/Demo data: 85 units, 300 problems, \d+ events\./);
    expect(server.output()).toContain('office-demo-2019');
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { position: number };
    expect(health.position).toBeGreaterThan(2900);

    // The scheduler caught up on the last 31 days (the daily overdue digests are in the log), but the
    // office is told only of what is still news: at most yesterday's and today's digest, not a month's.
    const inbox = async () => {
      const answer = await fetch(`${server!.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ myNotifications(first: 100) { kind } }' }),
      });
      return ((await answer.json()) as { data: { myNotifications: { kind: string }[] } }).data.myNotifications;
    };
    // Yesterday's digest is always within two days, so at least one comes; wait for the notifier.
    let kinds: string[] = [];
    for (let tries = 0; tries < 60 && !kinds.includes('daily_overdue_digest'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      kinds = (await inbox()).map((n) => n.kind);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    kinds = (await inbox()).map((n) => n.kind);
    // The catch-up also passed the end of last month (and of the one before, when both 1sts are within 31 days): its
    // bulletin (月通报) is published and is news to the office. Nothing else.
    const bulletins = kinds.filter((k) => k === 'bulletin_published');
    const digests = kinds.filter((k) => k !== 'bulletin_published');
    expect(bulletins.length).toBeGreaterThanOrEqual(1);
    expect(bulletins.length).toBeLessThanOrEqual(2);
    expect(digests.length).toBeGreaterThanOrEqual(1);
    expect(digests.length).toBeLessThanOrEqual(3);
    expect(digests.every((k) => k === 'daily_overdue_digest')).toBe(true);
  }, 180_000);
});

/**
 * A first start stopped while the demo county loads (a Ctrl-C in its first seconds, or a crash) left part of the county
 * and none of its sign-ins: the next start served that, and no one could sign in. The next start now goes on with the
 * load: every demo command has a fixed id, so those already in the log are replays, and the rest run.
 */
describe('a first start killed while the demo county loads', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-demo-cut-short-'));
  let server: ServerProcess | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('goes on with the load at the next start: the log then holds the demo’s events once each, in order, and its sign-ins work', async () => {
    const env = { DATA_DIR: dataDir, EVENT_STORE: 'sqlite', DEMO_DATA: 'on', SCHEDULER: 'on' };
    const port = await freePort();
    const first = spawnServer({ ...env, PORT: String(port) }, 150_000, [], {
      asNpmStart: true,
      spawned: (spawned) => {
        child = spawned;
      },
    });
    const firstExited = first.then(
      () => 'printed its URL',
      () => 'exited',
    );
    // Killed once a good part of the county is in (the whole is some 3,000 events).
    let loadedTo = -1;
    for (const began = Date.now(); loadedTo < 800 && Date.now() - began < 120_000; ) {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.json() as Promise<{ doing?: string; position?: number }>)
        .catch(() => undefined);
      if (health?.doing === 'loading the demo county') loadedTo = health.position ?? -1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(loadedTo).toBeGreaterThanOrEqual(800);
    child!.kill('SIGKILL');
    expect(await firstExited).toBe('exited');

    server = await spawnServer({ ...env, PORT: String(await freePort()) }, 150_000, [], { asNpmStart: true });
    expect(server.output()).toContain('was cut short');
    const summary = /Demo data: 85 units, 300 problems, (\d+) events \((\d+) of its commands were in the log already\)\./.exec(
      server.output(),
    );
    expect(summary).not.toBeNull();
    expect(Number(summary![2])).toBeGreaterThan(100);
    for (const [login, password] of [
      ['office', 'office-demo-2019'],
      ['mozitan', 'mozitan-demo-2019'],
    ]) {
      const answer = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { login(login: "${login}", password: "${password}") { token } }` }),
      });
      const body = (await answer.json()) as { data?: { login: { token: string } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data!.login.token).toMatch(/\S{20,}/);
    }
    await stopServer(server);

    // The demo's events as a load never stopped writes them (into a store in memory), against those in the file.
    const clean = new MemoryEventStore(schemaCodec(domainEventDefinitions));
    await loadDemoData(new Ledger(clean));
    const expected = (await clean.readAll({ after: -1, maxCount: Number.MAX_SAFE_INTEGER })).map(
      (e) => `${e.id} ${e.streamId}@${e.revision} ${e.type}`,
    );
    const db = new Database(join(dataDir, 'taizhang.sqlite'), { readonly: true });
    const rows = db
      .prepare<[], { event_id: string; stream_id: string; revision: number; type: string; metadata: string }>(
        'SELECT event_id, stream_id, revision, type, metadata FROM events ORDER BY position',
      )
      .all();
    db.close();
    // The demo's commands (demo-1, demo-calendar, demo-leader-3…), not its sign-ins (demo-user/…, registered anew).
    const demoCommand = /^demo-(?!user\/)/;
    const written = rows
      .filter((row) => demoCommand.test((JSON.parse(row.metadata) as { commandId?: string }).commandId ?? ''))
      .map((row) => `${row.event_id} ${row.stream_id}@${row.revision} ${row.type}`);
    expect(written.length).toBe(expected.length);
    expect(written).toEqual(expected);
  }, 300_000);
});
