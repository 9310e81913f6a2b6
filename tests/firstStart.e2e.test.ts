import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
