import { configFromEnv } from './config.js';
import { startServer } from './server.js';

/** `npm start`: the server on the configured store, with the demo county on first start. */
const config = configFromEnv();
const started = Date.now();
const server = await startServer(config);
if (config.demoData && (await server.store.headPosition()) === -1) {
  console.log('Empty store: loading the demo county…');
  const { loadDemoData } = await import('./demo.js');
  const summary = await loadDemoData(server.ledger);
  await server.runner.waitFor(await server.store.headPosition(), 120_000);
  console.log(`Demo data: ${summary.units} units, ${summary.problems} problems, ${summary.events} events.`);
}
console.log(`台账 taizhang is up on ${config.store.kind} in ${Date.now() - started} ms.`);
console.log(`GraphQL console: ${server.url}/graphql`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
