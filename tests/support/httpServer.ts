import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainEventDefinitions } from '../../domain/index.js';
import type { EventStore } from '../../eventstore/port.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { SqliteEventStore } from '../../eventstore/sqlite.js';
import { type App, createApp } from '../../api/server.js';

export type GraphQLResponse<T = Record<string, any>> = {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
};

export type TestServer = App & {
  url: string;
  dataDir: string;
  /** POSTs a GraphQL operation over real HTTP. */
  gql: <T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphQLResponse<T>>;
  stop: () => Promise<void>;
};

/** A real server on a real SQLite store in a temporary directory, listening on a free port. */
export async function startTestServer(options: { clock?: () => string; store?: EventStore } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-test-'));
  const store = options.store ?? new SqliteEventStore(join(dataDir, 'taizhang.sqlite'), schemaCodec(domainEventDefinitions));
  const app = await createApp(store, options.clock ? { clock: options.clock } : {});
  const server = app.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...app,
    url,
    dataDir,
    gql: async (query, variables = {}, headers = {}) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<any>;
    },
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
