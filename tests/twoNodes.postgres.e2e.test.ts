import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, query } from './support/postgres.js';
import { type ServerProcess, spawnServer, stopServer } from './support/serverProcess.js';

/**
 * Issue 16's "several servers on one store", with real processes: two servers on one PostgreSQL
 * database, each following the log on its own. Raises spread over both draw distinct, gap-free
 * ledger numbers; a write on one is read on the other with X-Min-Position; the once-only work
 * (checkpoints, the scheduler) runs on the server holding the lease, and when that one is killed the
 * other takes it over within seconds and goes on checkpointing where it left off, each position once.
 */
const databaseUrl = await freshDatabase('two_nodes');
const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-two-nodes-'));
const LEASE_SECONDS = 2;
// One folder for both (evidence files are shared by the nodes behind a balancer), one PostgreSQL database.
const env = {
  EVENT_STORE: 'postgres',
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  DEMO_DATA: 'off',
  SCHEDULER: 'on',
  NOTIFICATIONS_DISPATCH: 'off',
  MIN_POSITION_WAIT_MS: '3000',
  ONCE_ONLY_LEASE_SECONDS: String(LEASE_SECONDS),
  CHECKPOINT_EVERY_EVENTS: '20',
};
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await stopServer(server, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** What `read` gives once `test` holds, asked every 100 ms; fails after `ms`. */
async function eventually<T>(read: () => Promise<T>, test: (value: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (test(value)) return value;
    if (Date.now() > until) throw new Error(`not reached in ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Answer = { status: number; headers: Headers; body: any };
async function post(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() } as Answer;
}
const RAISE =
  'mutation Raise($d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d) { problem { id ledgerNumber } } }';
const status = async (server: ServerProcess) =>
  (await post(server.url, '{ serverStatus { ready position head node onceOnlyHolder } }')).body.data.serverStatus as {
    position: number;
    node: string;
    onceOnlyHolder: string | null;
  };
/** The checkpoints in the database, in their stream's order: [revision, covered position, previous position]. */
const checkpoints = async () =>
  (
    await query<{ revision: number; data: { position: number; previousPosition: number } }>(
      databaseUrl,
      "SELECT revision, data FROM events WHERE stream_id = 'checkpoints' ORDER BY revision",
    )
  ).map((r) => [r.revision, r.data.position, r.data.previousPosition] as const);

describe('two server processes on one PostgreSQL', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let auth: Record<string, string>;

  it('start on one database; the first to start holds the once-only work, and both say so', async () => {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', 'chief', '--roles', 'office,admin', '--password', 'two-nodes-password-1'],
      { env: { ...process.env, ...env } },
    );
    a = await spawnServer({ ...env, NODE_NAME: 'node-a' });
    servers.push(a);
    b = await spawnServer({ ...env, NODE_NAME: 'node-b' });
    servers.push(b);
    const [statusA, statusB] = [await status(a), await status(b)];
    expect(statusA.node).toMatch(/^node-a:/);
    expect(statusB.node).toMatch(/^node-b:/);
    expect(statusA.onceOnlyHolder).toBe(statusA.node);
    expect(statusB.onceOnlyHolder).toBe(statusA.node);
    const ready = (await (await fetch(`${b.url}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ ready: true, node: statusB.node, onceOnlyHolder: statusA.node });
    const login = await post(a.url, 'mutation { login(login: "chief", password: "two-nodes-password-1") { token } }');
    auth = { authorization: `Bearer ${login.body.data.login.token}` };
  }, 120_000);

  it('50 concurrent raises spread over both get 50 distinct, gap-free ledger numbers', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(i % 2 === 0 ? a.url : b.url, RAISE, { d: `危房改造未完成 ${i}` }, auth)),
    );
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    const numbers = answers.map((answer) => answer.body.data.raiseProblem.problem.ledgerNumber as string);
    expect(new Set(numbers).size).toBe(50);
    const sequences = numbers.map((n) => Number(/-(\d+)$/.exec(n)![1])).sort((x, y) => x - y);
    expect(sequences).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // And in the shared log: 50 raises, each number once.
    const raised = await query<{ n: string }>(databaseUrl, "SELECT data->>'ledgerNumber' AS n FROM events WHERE type = 'ProblemRaised'");
    expect(raised.map((r) => r.n).sort()).toEqual([...numbers].sort());
  }, 60_000);

  it('a write on one node is read on the other with X-Min-Position, both ways', async () => {
    for (let i = 0; i < 6; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
      const written = await post(writer.url, RAISE, { d: `道路硬化未完成 ${i}` }, auth);
      const position = Number(written.headers.get('x-log-position'));
      expect(position).toBeGreaterThan(0);
      const { id, ledgerNumber } = written.body.data.raiseProblem.problem;
      const read = await post(
        reader.url,
        'query($id: ID) { problem(id: $id) { id ledgerNumber } }',
        { id },
        {
          ...auth,
          'x-min-position': String(position),
        },
      );
      expect(read.status).toBe(200);
      expect(read.body.data.problem).toEqual({ id, ledgerNumber });
    }
  }, 60_000);

  it('killing the holder hands the once-only work to the other within seconds; no checkpoint is written twice', async () => {
    // The holder checkpointed what was raised (20 events a checkpoint).
    const before = await eventually(checkpoints, (c) => c.length > 0, 10_000);
    const holderStatus = await status(a);
    expect(holderStatus.onceOnlyHolder).toBe(holderStatus.node);

    const killed = Date.now();
    await stopServer(a, 'SIGKILL');
    const taken = await eventually(
      () => status(b),
      (s) => s.onceOnlyHolder === s.node,
      15_000,
    );
    const seconds = (Date.now() - killed) / 1000;
    // The lease lapses after LEASE_SECONDS; the others ask every third of it.
    expect(seconds).toBeLessThan(LEASE_SECONDS + 3);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/^taizhang_once_only_work_held 1$/m);
    expect(metrics).toMatch(/^taizhang_once_only_work_takeovers 1$/m);
    expect(taken.node).toMatch(/^node-b:/);

    // New events: the node left checkpoints them, after the last checkpoint the killed one wrote.
    const lastBefore = before.at(-1)!;
    for (let i = 0; i < 25; i++) expect((await post(b.url, RAISE, { d: `饮水安全未保障 ${i}` }, auth)).body.errors).toBeUndefined();
    const after = await eventually(checkpoints, (c) => c.length > before.length, 15_000);
    expect(after.at(-1)![1]).toBeGreaterThan(lastBefore[1]);

    // Each checkpoint covers a later position than the one before it, and says so (previousPosition): none written twice.
    const positions = after.map(([, position]) => position);
    expect(new Set(positions).size).toBe(positions.length);
    for (let i = 1; i < after.length; i++) {
      expect(after[i]![0]).toBe(i);
      expect(after[i]![1]).toBeGreaterThan(after[i - 1]![1]);
      expect(after[i]![2]).toBe(after[i - 1]![1]);
    }
  }, 90_000);
});
