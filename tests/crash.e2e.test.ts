import { describe, expect, it } from 'vitest';
import { type CrashableStore, crashableServer } from './support/crashableServer.js';
import { freshDatabase } from './support/postgres.js';

/**
 * Kill -9 the server during a burst of concurrent writes over HTTP, several times over. Every write
 * carries a client command id. After each restart, every command the server acknowledged is there,
 * each one sent again with its id is a replay (and one in flight at the kill, sent again, is done or
 * replayed, never refused), the log verifies intact, and no command is half-written: every reserved
 * ledger number has its problem, and the numbers have no gap.
 */
const CYCLES = 3;
const stores: [string, CrashableStore][] = [
  ['SQLite', { kind: 'sqlite' }],
  ['PostgreSQL', { kind: 'postgres', databaseUrl: () => freshDatabase('crash') }],
];

describe.each(stores)('a server on %s killed with SIGKILL during a burst of writes', (_name, store) => {
  const server = crashableServer('taizhang-crash-', store);

  it('keeps every acknowledged command, replays it by its id, verifies intact and half-writes none', async () => {
    await server.signInFirstAdmin('chief');
    const unit = (await server.gql(`mutation { registerUnit(name: "佛子岭镇", kind: township, commandId: "unit-1") { unit { id } } }`)).data
      .registerUnit.unit.id;

    const raiseQuery = `mutation($c: ID, $d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d, commandId: $c) { problem { id ledgerNumber } replayed } }`;
    const assignQuery = `mutation($c: ID, $p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "钱", commandId: $c) { problem { id status } replayed } }`;
    type Sent = { raiseId: string; description: string; problemId?: string; ledgerNumber?: string; assignId: string; assigned: boolean };
    const acknowledged: Sent[] = [];

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const inFlight: Sent[] = [];
      let killed = false;
      const url = server.url;
      const worker = async (w: number) => {
        for (let i = 0; !killed; i++) {
          const sent: Sent = {
            raiseId: `burst-${cycle}-${w}-${i}`,
            description: `危房 ${cycle}-${w}-${i}`,
            assignId: `assign-${cycle}-${w}-${i}`,
            assigned: false,
          };
          inFlight.push(sent);
          try {
            const raised = (await server.gql(raiseQuery, { c: sent.raiseId, d: sent.description }, url)).data?.raiseProblem?.problem;
            if (!raised) continue;
            Object.assign(sent, { problemId: raised.id, ledgerNumber: raised.ledgerNumber });
            const assigned = await server.gql(assignQuery, { c: sent.assignId, p: raised.id, u: unit }, url);
            if (assigned.data?.assignProblem) sent.assigned = true;
          } catch {
            return; // the connection died with the server
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1000));
      // A slow spell (a shared machine, a store over the network) may not have acknowledged enough yet: burst on a little longer.
      for (let waited = 0; inFlight.filter((s) => s.ledgerNumber).length <= 5 && waited < 20_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      killed = true;
      await server.stop('SIGKILL');
      await Promise.all(workers);
      const thisCycle = inFlight.filter((s) => s.ledgerNumber);
      expect(thisCycle.length).toBeGreaterThan(5);
      acknowledged.push(...thisCycle);

      await server.start();
      // Every acknowledged command of every cycle so far is there.
      for (const ack of acknowledged) {
        const found = (await server.gql(`query($id: ID) { problem(id: $id) { ledgerNumber status } }`, { id: ack.problemId })).data.problem;
        expect(found?.ledgerNumber).toBe(ack.ledgerNumber);
        if (ack.assigned) expect(found.status).toBe('assigned');
      }
      // Sent again with their ids, this cycle's commands are replays, or (cut off by the kill) done now: never refused.
      for (const sent of inFlight) {
        const raised = await server.gql(raiseQuery, { c: sent.raiseId, d: sent.description });
        expect(raised.errors).toBeUndefined();
        if (sent.ledgerNumber)
          expect(raised.data.raiseProblem).toEqual({ problem: { id: sent.problemId, ledgerNumber: sent.ledgerNumber }, replayed: true });
        const assigned = await server.gql(assignQuery, { c: sent.assignId, p: raised.data.raiseProblem.problem.id, u: unit });
        expect(assigned.errors).toBeUndefined();
        if (sent.assigned) expect(assigned.data.assignProblem.replayed).toBe(true);
      }
      const verified = (await server.gql(`{ verifyLedger { intact summary } }`)).data.verifyLedger;
      expect(verified.intact, verified.summary).toBe(true);
    }
    await server.stop();

    const log = await server.events();
    const reserved = log
      .filter((e) => e.type === 'LedgerNumberReserved')
      .map((e) => e.data as { raised: { problemId: string }; sequence: number })
      .map((d) => ({ id: d.raised.problemId, sequence: d.sequence }))
      .sort((a, b) => a.sequence - b.sequence);
    const raised = new Set(log.filter((e) => e.type === 'ProblemRaised').map((e) => (e.data as { problemId: string }).problemId));
    expect(reserved.map((r) => r.sequence)).toEqual(reserved.map((_, i) => i + 1));
    for (const r of reserved) expect(raised.has(r.id)).toBe(true);
    expect(raised.size).toBe(reserved.length);
  }, 180_000);
});
