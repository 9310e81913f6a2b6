import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { rawStore } from '../../eventstore/hashChain.js';
import { openEventStore } from '../../eventstore/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { type ServerProcess, spawnServer, stopServer } from './serverProcess.js';

export type GqlAnswer = { data?: any; errors?: { message: string }[] };

/** Where the log is: SQLite in the data folder (the default), or a PostgreSQL database (its URL, made when first needed). */
export type CrashableStore = { kind: 'sqlite' } | { kind: 'postgres'; databaseUrl: () => Promise<string> };

/**
 * A server process on SQLite (or PostgreSQL) with a fresh data folder, for the tests that kill it with SIGKILL and
 * start it again on the same log (`crash.e2e`, `importCrash.e2e`). `signInFirstAdmin` makes the
 * first account of a fresh install the way docs/api.md says (the admin script), starts the server
 * and signs in; `gql` then carries that token, to the running server or to the `url` given (a
 * request sent before a kill stays with the server it was sent to). After the file's tests the
 * server is killed and the folder removed.
 */
export function crashableServer(folderPrefix: string, store: CrashableStore = { kind: 'sqlite' }) {
  const dataDir = mkdtempSync(join(tmpdir(), folderPrefix));
  let databaseUrl: Promise<string> | undefined;
  const environment = async (): Promise<Record<string, string>> => {
    const base = { DATA_DIR: dataDir, DEMO_DATA: 'off' };
    if (store.kind === 'sqlite') return { ...base, EVENT_STORE: 'sqlite' };
    databaseUrl ??= store.databaseUrl();
    return { ...base, EVENT_STORE: 'postgres', DATABASE_URL: await databaseUrl };
  };
  let server: ServerProcess | undefined;
  let token = '';
  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const running = () => {
    if (!server) throw new Error('the server is not started');
    return server;
  };

  async function gql(query: string, variables: Record<string, unknown> = {}, url = running().url): Promise<GqlAnswer> {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GqlAnswer;
  }

  return {
    /** The SQLite file the log is in. */
    database: join(dataDir, 'taizhang.sqlite'),
    get url() {
      return running().url;
    },
    /** The signed-in account's token, for requests `gql` does not make (uploads). */
    get token() {
      return token;
    },
    async start() {
      server = await spawnServer(await environment());
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      return stopServer(running(), signal);
    },
    async signInFirstAdmin(login: string) {
      const password = 'crash-test-password';
      const env = await environment();
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', login, '--roles', 'office,admin', '--password', password],
        {
          env: { ...process.env, ...env },
        },
      );
      server = await spawnServer(env);
      token = (await gql(`mutation { login(login: "${login}", password: "${password}") { token } }`)).data.login.token;
    },
    gql,
    /** The whole log as stored (no codec), read with the server stopped or running. */
    async events(): Promise<RecordedEvent[]> {
      const env = await environment();
      const opened = await openEventStore({
        kind: store.kind,
        dataDir,
        ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
      });
      try {
        const all: RecordedEvent[] = [];
        for (;;) {
          const batch = await rawStore(opened).readAll({ after: all.at(-1)?.position ?? -1, maxCount: 10_000 });
          all.push(...batch);
          if (batch.length < 10_000) return all;
        }
      } finally {
        await opened.close();
      }
    },
  };
}
