/**
 * Run in a child process under a given TZ: a real server whose clock stands at given instants,
 * asked over HTTP whether a problem with the deadline 2019-06-30 is overdue. Prints JSON.
 */
import { startTestServer } from './httpServer.js';
import { bearer, tokenFor } from './accounts.js';
import { openEventStore } from '../../eventstore/index.js';

const instants = process.argv.slice(2);
const clock = { now: '2019-06-01T10:00:00+08:00' };
// The clock moves a month on: the token must outlive it.
const server = await startTestServer({
  clock: () => clock.now,
  store: await openEventStore({ kind: 'memory', dataDir: '' }),
  tokenTtlSeconds: 365 * 86_400,
});
const token = await tokenFor(server, ['office', 'admin']);
const call = async (query: string, variables: Record<string, unknown> = {}) => {
  const response = await server.gql(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!;
};
const unit = (await call(`mutation { registerUnit(name: "衡山镇", kind: township) { unit { id } } }`)).registerUnit.unit.id;
const problem = (
  await call(`mutation { raiseProblem(source: county_self_check, category: roads, description: "道路未硬化") { problem { id } } }`)
).raiseProblem.problem.id;
await call(
  `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "赵") { problem { id } } }`,
  { p: problem, u: unit },
);
await call(`mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-06-30") { problem { id } } }`, { p: problem });
const answers: Record<string, boolean> = {};
for (const instant of instants) {
  clock.now = instant;
  answers[instant] = (await call(`query($p: ID) { problem(id: $p) { overdue } }`, { p: problem })).problem.overdue;
}
console.log(JSON.stringify({ tz: process.env.TZ, offsetMinutes: new Date('2019-07-01T00:00:00Z').getTimezoneOffset(), answers }));
await server.stop();
