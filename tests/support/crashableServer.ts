import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { type ServerProcess, spawnServer, stopServer } from './serverProcess.js';

export type GqlAnswer = { data?: any; errors?: { message: string }[] };

/**
 * A server process on SQLite in a fresh data folder, for the tests that kill it with SIGKILL and
 * start it again on the same log (`crash.e2e`, `importCrash.e2e`). `signInFirstAdmin` makes the
 * first account of a fresh install the way docs/api.md says (the admin script), starts the server
 * and signs in; `gql` then carries that token, to the running server or to the `url` given (a
 * request sent before a kill stays with the server it was sent to). After the file's tests the
 * server is killed and the folder removed.
 */
export function crashableServer(folderPrefix: string) {
  const dataDir = mkdtempSync(join(tmpdir(), folderPrefix));
  const env = { DATA_DIR: dataDir, DEMO_DATA: 'off', EVENT_STORE: 'sqlite' };
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
      server = await spawnServer(env);
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      return stopServer(running(), signal);
    },
    async signInFirstAdmin(login: string) {
      const password = 'crash-test-password';
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
  };
}
