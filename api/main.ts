import { configFromEnv } from '../application/config.js';
import { demoUsersBanner, demoUsersPresent, loadDemoUsers } from '../application/demo/users.js';
import { startServer } from './server.js';

/** `npm start`: the server on the configured store, with the demo county on first start. */
const config = configFromEnv();
const started = Date.now();
const server = await startServer(config);
if (config.demoData && (await server.store.headPosition()) === -1) {
  console.log('Empty store: loading the demo county…');
  const { loadDemoData } = await import('../application/demo/index.js');
  const summary = await loadDemoData(server.ledger);
  await server.runner.waitFor(await server.store.headPosition(), 120_000);
  await loadDemoUsers(server.accounts, server.ledger, () => new Date().toISOString());
  await server.runner.waitFor(await server.store.headPosition(), 120_000);
  console.log(`Demo data: ${summary.units} units, ${summary.problems} problems, ${summary.events} events.`);
}
if (config.demoData && (await demoUsersPresent(server.store, server.accounts))) console.log(demoUsersBanner());
console.log(`台账 taizhang is up on ${config.store.kind} in ${Date.now() - started} ms.`);
console.log(`GraphQL console: ${server.url}/graphql`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
