import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer, stopServer } from './support/serverProcess.js';

/**
 * Kill -9 the server during a burst of writes over HTTP. After a restart, every command the server
 * acknowledged is there, and no command is half-written: every reserved ledger number has its
 * problem, and the numbers have no gap.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-crash-'));
const env = { DATA_DIR: dataDir, DEMO_DATA: 'off', EVENT_STORE: 'sqlite' };
let server: ServerProcess | undefined;
afterAll(async () => {
  if (server) await stopServer(server, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

let token = '';
async function gql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

describe('a server killed with SIGKILL during a burst of writes', () => {
  it('keeps every acknowledged command and half-writes none', async () => {
    // The first account on a fresh install, made the way docs/api.md says: the admin script.
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', 'chief', '--roles', 'office,admin', '--password', 'crash-test-password'], {
      env: { ...process.env, ...env },
    });
    server = await spawnServer(env);
    token = (await gql(server.url, `mutation { login(login: "chief", password: "crash-test-password") { token } }`)).data.login.token;
    const unit = (await gql(server.url, `mutation { registerUnit(name: "佛子岭镇", kind: township) { unit { id } } }`)).data.registerUnit.unit.id;

    const acknowledged = new Map<string, { ledgerNumber: string; assigned: boolean }>();
    let killed = false;
    const url = server.url;
    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const commandId = `burst-${w}-${i}`;
        try {
          const raised = await gql(
            url,
            `mutation($c: ID, $d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d, commandId: $c) { problem { id ledgerNumber } } }`,
            { c: commandId, d: `危房 ${w}-${i}` },
          );
          const problem = raised.data?.raiseProblem?.problem;
          if (!problem) continue;
          acknowledged.set(problem.id, { ledgerNumber: problem.ledgerNumber, assigned: false });
          const assigned = await gql(
            url,
            `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "钱") { problem { id } } }`,
            { p: problem.id, u: unit },
          );
          if (assigned.data?.assignProblem) acknowledged.get(problem.id)!.assigned = true;
        } catch {
          return; // the connection died with the server
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    killed = true;
    await stopServer(server, 'SIGKILL');
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThan(5);

    server = await spawnServer(env);
    for (const [id, ack] of acknowledged) {
      const found = (await gql(server.url, `query($id: ID) { problem(id: $id) { ledgerNumber status } }`, { id })).data.problem;
      expect(found?.ledgerNumber).toBe(ack.ledgerNumber);
      if (ack.assigned) expect(found.status).toBe('assigned');
    }
    await stopServer(server);

    const db = new Database(join(dataDir, 'taizhang.sqlite'), { readonly: true });
    const reserved = db
      .prepare(`SELECT json_extract(data, '$.raised.problemId') AS id, json_extract(data, '$.sequence') AS sequence FROM events WHERE type = 'LedgerNumberReserved' ORDER BY sequence`)
      .all() as { id: string; sequence: number }[];
    const raised = new Set(
      (db.prepare(`SELECT json_extract(data, '$.problemId') AS id FROM events WHERE type = 'ProblemRaised'`).all() as { id: string }[]).map((r) => r.id),
    );
    db.close();
    expect(reserved.map((r) => r.sequence)).toEqual(reserved.map((_, i) => i + 1));
    for (const r of reserved) expect(raised.has(r.id)).toBe(true);
    expect(raised.size).toBe(reserved.length);
  }, 180_000);
});
