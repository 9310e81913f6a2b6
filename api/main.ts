import { readFileSync } from 'node:fs';
import { configFromEnv } from '../application/config.js';
import { listenCatchingUp } from './listen.js';

/** `npm start`: the server on the configured store, with the demo county on first start. */
const config = configFromEnv();
const started = Date.now();
/** Test hook (TAIZHANG_CLOCK_FILE, refused in production): now is the instant the file holds, read at every look, so a test moves a server process's time. */
const clockFile = config.clockFile;
const clock = clockFile
  ? () => {
      const text = readFileSync(clockFile, 'utf8').trim();
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) throw new Error(`TAIZHANG_CLOCK_FILE ${clockFile} holds no instant: ${JSON.stringify(text)}`);
      return new Date(ms).toISOString();
    }
  : undefined;
// The scheduler starts once the demo county is in: on an empty store its catch-up would write the
// first events (the daily digests), and the demo is loaded only into an empty store (or one its load was cut short in).
// Listens first (answering "starting" with the progress), then loads the rest of the server: importing
// GraphQL, the schema and the read models takes longer than the 2 s a start may take to answer.
const listening = await listenCatchingUp(config);
// The audit trail's thread starts now, beside the packages' loading, rather than on the read models' path (its start).
(await import('../projections/auditView.js')).startAuditThread();
// The packages first, one at a time with turns of the event loop between, so /healthz waits for none of them (api/warmUp.ts).
await (await import('./warmUp.js')).warmUp();
const { startServer } = await import('./server.js');
const { demoCutShort, demoUsersBanner, demoUsersPresent, loadDemoUsers } = await import('../application/demo/users.js');
// A first start loads the demo county before the application answers; until then every ask is told the server is
// starting, and why (a sign-in in that window was once told "Wrong login or password" while /readyz said ready).
// A load cut short (the first start stopped or killed meanwhile) is gone on with at the next start: the store held
// part of the county and none of its sign-ins, and nothing said why.
const empty = (await listening.store.headPosition()) === -1;
const resumingDemo = config.demoData && !empty && (await demoCutShort(listening.store));
const loadingDemo = config.demoData && (empty || resumingDemo);
const server = await startServer({ ...config, scheduler: false }, { ...(clock ? { clock } : {}), listening, serveLater: loadingDemo });
// A stop closes the server cleanly (its read models' snapshots saved) from here on, during the demo load or the
// scheduler's first pass too: a process killed outright there started cold again next time.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
if (loadingDemo) {
  console.log(
    resumingDemo
      ? 'The demo county’s load was cut short (the first start stopped while it loaded): going on with it…'
      : 'Empty store: loading the demo county…',
  );
  listening.following(() => server.runner.position, 'loading the demo county');
  const { loadDemoData } = await import('../application/demo/index.js');
  try {
    const summary = await loadDemoData(server.ledger, { resume: resumingDemo });
    await server.runner.waitFor(await server.store.headPosition(), 120_000);
    await loadDemoUsers(server.accounts, server.ledger, () => new Date().toISOString());
    await server.runner.waitFor(await server.store.headPosition(), 120_000);
    const before = summary.replayed > 0 ? ` (${summary.replayed} of its commands were in the log already)` : '';
    console.log(`Demo data: ${summary.units} units, ${summary.problems} problems, ${summary.events} events${before}.`);
  } catch (error) {
    // A stop during the load (its store closed under it), or a load this version cannot go on with (another version's
    // plan): what is in the store is served as it is, and the next start tries again.
    console.error(
      `The demo county's load did not finish (${error instanceof Error ? error.message : String(error)}): serving what the store holds. The next start goes on with it; should that fail too, start on an empty data folder (DATA_DIR).`,
    );
  }
  server.serve();
}
// On the server holding the once-only lease; another takes it over when this one dies (eventstore/lease.ts).
if (config.scheduler) await server.onceOnly.add(server.scheduler);
if (config.demoData && (await demoUsersPresent(server.store, server.accounts))) console.log(demoUsersBanner());
console.log(`台账 taizhang is up on ${config.store.kind} in ${Date.now() - started} ms.`);
console.log(`GraphQL console: ${server.url}/graphql`);
