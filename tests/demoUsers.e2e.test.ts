import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../application/demo/index.js';
import { demoUsers, demoUsersBanner, demoUsersPresent, loadDemoUsers } from '../application/demo/users.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/** The demo county with its sign-ins, as `npm start` loads it on an empty store. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    store: await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions)),
    clock: () => '2021-01-04T09:00:00+08:00',
  });
  await loadDemoData(server.ledger, { problems: 120 });
  await loadDemoUsers(server.accounts, server.ledger, () => '2021-01-04T09:00:00+08:00');
  await server.runner.waitFor(await server.store.headPosition(), 60_000);
}, 120_000);
afterAll(() => server.stop());

const problemsOf = async (token: string, unitName: string) => {
  const units = await server.gql<any>(`{ units(kind: township) { id name } }`, {}, bearer(token));
  const unitId = units.data.units.find((u: { name: string }) => u.name === unitName).id;
  const page = await server.gql<any>(
    `query($u: ID) { problems(unitId: $u, first: 100) { edges { node { id ledgerNumber status } } } }`,
    { u: unitId },
    bearer(token),
  );
  return page.data.problems.edges.map((e: any) => e.node) as { id: string; ledgerNumber: string; status: string }[];
};

describe('the demo sign-ins', () => {
  it('each logs in, in its role and unit', async () => {
    const seen: Record<string, unknown> = {};
    for (const user of demoUsers) {
      const token = await logIn(server, user.login, user.password);
      seen[user.login] = (await server.gql<any>('{ me { roles unit { name } } }', {}, bearer(token))).data.me;
    }
    expect(seen).toEqual({
      office: { roles: ['office'], unit: { name: '县督查办' } },
      committee: { roles: ['committee'], unit: null },
      admin: { roles: ['admin'], unit: null },
      verifier: { roles: ['verifier'], unit: { name: '县扶贫局' } },
      mozitan: { roles: ['unit_head'], unit: { name: '磨子潭镇' } },
      foziling: { roles: ['unit_head'], unit: { name: '佛子岭镇' } },
      manshuihe: { roles: ['unit_head'], unit: { name: '漫水河镇' } },
    });
    expect(await demoUsersPresent(server.store, server.accounts)).toBe(true);
    expect(demoUsersBanner()).toContain('mozitan    mozitan-demo-2019');
  });

  it('the head of 磨子潭镇 reporting rectification on a 佛子岭镇 item is refused with FORBIDDEN, and nothing is appended', async () => {
    const token = await logIn(server, 'mozitan', 'mozitan-demo-2019');
    // Refused before its state is looked at: any of the township's items will do.
    const [item] = await problemsOf(token, '佛子岭镇');
    expect(item).toBeDefined();
    await server.settled();
    const head = await server.store.headPosition();
    const response = await server.gql(
      `mutation($p: ID!) { reportRectified(problemId: $p, evidence: { description: "已整改到位" }) { problem { status } } }`,
      { p: item!.id },
      bearer(token),
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_YOUR_UNIT' });
    expect(response.errors?.[0]?.message).toBe(
      `Problem ${item!.ledgerNumber} is not your unit's: a unit head acts only on their own unit's items.`,
    );
    expect(await server.store.headPosition()).toBe(head);
  });
});
