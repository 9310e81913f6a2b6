import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainEventDefinitions } from '../../domain/index.js';
import type { EventStore } from '../../eventstore/port.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { openEventStore } from '../../eventstore/index.js';
import { pino } from 'pino';
import { expect } from 'vitest';
import { type App, type AppOptions, createApp } from '../../api/server.js';

/** The token secret of every test server, so a test can sign a token (an expired one) itself. */
export const TEST_TOKEN_SECRET = new TextEncoder().encode('taizhang-test-secret-0123456789abcdef');

export type GraphQLResponse<T = Record<string, any>> = {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
};

export type TestServer = App & {
  url: string;
  dataDir: string;
  /** POSTs a GraphQL operation over real HTTP. */
  gql: <T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => Promise<GraphQLResponse<T>>;
  stop: () => Promise<void>;
  /**
   * Resolves once the read models have applied the log, the notifier has recorded what it set off and
   * the head has stood still for 50 ms (the notifier's and the checkpointer's appends come after a
   * command's answer): read the head after this to compare it later.
   */
  settled: () => Promise<void>;
  /**
   * Sends an operation that must be refused: once `settled`, it expects exactly one error and the log's head
   * unchanged (a rejected command appends nothing), and returns that error's message with its extensions.
   */
  refused: (
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => Promise<{ message: string; code?: string; [k: string]: unknown }>;
  /** The server's JSON log lines at error level and above (an unexpected error), in order; also echoed to stderr. */
  errorLog: string[];
};

/** A real server on a real SQLite store in a temporary directory, listening on a free port. */
export async function startTestServer(options: AppOptions & { store?: EventStore } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-test-'));
  const { store: given, ...appOptions } = options;
  // Through the one place stores are opened, so it is hash-chained as in production.
  const store = given ?? (await openEventStore({ kind: 'sqlite', dataDir }, schemaCodec(domainEventDefinitions)));
  // The server's log, kept: its request lines are dropped (LOG_LEVEL, warn in vitest.config.ts), its errors kept for the test to see.
  const errorLog: string[] = [];
  const logger = pino(
    { level: process.env.LOG_LEVEL ?? 'warn' },
    {
      write: (line: string) => {
        if ((JSON.parse(line) as { level: number }).level < 50) return;
        errorLog.push(line);
        process.stderr.write(line);
      },
    },
  );
  const app = await createApp(store, { tokenSecret: TEST_TOKEN_SECRET, filesDir: join(dataDir, 'files'), logger, ...appOptions });
  const server = createServer(app.handler).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gql: TestServer['gql'] = async (query, variables = {}, headers = {}) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<any>;
  };
  const settled = async () => {
    for (;;) {
      const head = await store.headPosition();
      await app.runner.waitFor(head);
      // A fact applied in this turn sets the notifier off after one more turn.
      await new Promise((resolve) => setImmediate(resolve));
      await app.notifications.idle();
      // The checkpointer (a finalization or a bulletin calls for a checkpoint) and the notification dispatcher
      // (a delivery's outcome) append on their own, with no signal of being done: settled is also the head
      // standing still for a moment.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if ((await store.headPosition()) === head) return;
    }
  };
  return {
    ...app,
    url,
    dataDir,
    errorLog,
    gql,
    settled,
    refused: async (query, variables = {}, headers = {}) => {
      await settled();
      const head = await store.headPosition();
      const response = await gql(query, variables, headers);
      expect(await store.headPosition()).toBe(head);
      expect(response.errors).toHaveLength(1);
      return { message: response.errors![0]!.message, ...response.errors![0]!.extensions };
    },
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
