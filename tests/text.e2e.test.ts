import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/** Over HTTP and back from the log: a name is trimmed, a description comes back exactly as sent. */
let server: TestServer;
let admin: string;
let office: string;

beforeAll(async () => {
  server = await startTestServer();
  [admin, office] = await Promise.all([tokenFor(server, ['admin']), tokenFor(server, ['office'])]);
});
afterAll(() => server.stop());

it('a unit name is trimmed; a description keeps its spaces, BOM and U+2028', async () => {
  const unit = await server.gql<any>(
    'mutation($n: String!) { registerUnit(name: $n, kind: township) { unit { name } } }',
    { n: '  衡山镇 ' },
    bearer(admin),
  );
  expect(unit.data.registerUnit.unit.name).toBe('衡山镇');

  const written = '\uFEFF  危房改造未完成：\u2028一户未入住。\n';
  const raised = await server.gql<any>(
    'mutation($d: String!) { raiseProblem(source: audit, category: housing, description: $d) { problem { id } } }',
    { d: written },
    bearer(office),
  );
  expect(raised.errors).toBeUndefined();
  const read = await server.gql<any>(
    'query($id: ID!) { problem(id: $id) { description } }',
    { id: raised.data.raiseProblem.problem.id },
    bearer(office),
  );
  expect(read.data.problem.description).toBe(written);

  const blank = await server.gql(
    'mutation { raiseProblem(source: audit, category: housing, description: " \\n ") { problem { id } } }',
    {},
    bearer(office),
  );
  expect(blank.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
});
