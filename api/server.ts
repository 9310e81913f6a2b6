import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createYoga } from 'graphql-yoga';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import { type CheckpointPolicy, Checkpointer, defaultCheckpointPolicy } from '../eventstore/checkpoints.js';
import { UnchainedStoreError, rawStore, storedHash } from '../eventstore/hashChain.js';
import type { EventStore } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { ledgerView } from '../projections/ledgerView.js';
import { ProjectionRunner } from '../projections/runner.js';
import type { Config } from './config.js';
import { type Context, consoleActor } from './context.js';
import { maskError } from './errors.js';
import { filesRouter } from './files.js';
import { Ledger } from './ledger.js';
import { schema } from './schema/index.js';

/** Largest request body accepted: generous for a form, far below what could hurt the server. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export type App = {
  app: express.Express;
  store: EventStore;
  ledger: Ledger;
  runner: ProjectionRunner;
  checkpointer: Checkpointer | undefined;
  close: () => Promise<void>;
};

/** The built web app (`npm run build:web`, run by `npm ci` through `prepare`). */
export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

export type AppOptions = {
  clock?: () => string;
  production?: boolean;
  /** Where evidence files are kept, by content hash. */
  filesDir?: string;
  /** When the integrity checkpoints are recorded; false records none (the follower does not run). */
  checkpoints?: CheckpointPolicy | false;
};

/** Wires the store, the ledger service, the read models, the GraphQL endpoint, evidence files and the web app. */
export async function createApp(
  store: EventStore,
  {
    clock = () => new Date().toISOString(),
    production = false,
    filesDir = join('data', 'files'),
    checkpoints = defaultCheckpointPolicy(),
  }: AppOptions = {},
): Promise<App> {
  // A store written before the hash chain must be migrated first: new events would chain from nothing.
  const [first] = await rawStore(store).readAll({ maxCount: 1 });
  if (first && storedHash(first) === undefined) throw new UnchainedStoreError(first.streamId, first.revision);
  const ledger = new Ledger(store);
  const runner = new ProjectionRunner(store, [ledgerView]);
  await runner.start();
  // A raise that stopped between its number's reservation and its first event is finished now.
  for (const reservation of runner.state(ledgerView).pendingRaises.values()) await ledger.completeRaise(reservation);
  const checkpointer = checkpoints ? new Checkpointer(store, checkpoints, clock) : undefined;
  checkpointer?.start();

  const yoga = createYoga<{ req: express.Request; res: express.Response }, Context>({
    schema,
    context: (): Context => ({ store, ledger, runner, clock, actor: consoleActor }),
    maskedErrors: { maskError },
    graphiql: { title: '台账 · Taizhang console' },
    landingPage: false,
    // Expected failures are answers, not incidents; maskError logs the unexpected ones.
    logging: false,
  });

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', position: runner.position });
  });
  app.use(yoga.graphqlEndpoint, (req, res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > BODY_LIMIT_BYTES) {
      res.status(413).json({
        errors: [
          {
            message: `The request is ${length} bytes; at most ${BODY_LIMIT_BYTES} bytes are accepted.`,
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
      return;
    }
    next();
  });
  app.use('/files', filesRouter(filesDir));
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));
  app.use(yoga.graphqlEndpoint, yoga as unknown as express.RequestHandler);
  if (existsSync(WEB_DIST)) {
    app.use(express.static(WEB_DIST, { index: false, maxAge: '1h' }));
    // Single-page app: any other page address gets the app, which routes it in the browser.
    app.use((req, res, next) => {
      if ((req.method === 'GET' || req.method === 'HEAD') && req.accepts('html')) res.sendFile(join(WEB_DIST, 'index.html'));
      else next();
    });
  }
  app.use(
    (error: Error & { type?: string; status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      const tooLarge = error.type === 'entity.too.large';
      res.status(error.status ?? 500).json({
        errors: [
          {
            message: tooLarge
              ? `The request body is larger than ${BODY_LIMIT_BYTES} bytes.`
              : error.type === 'entity.parse.failed'
                ? 'The request body is not valid JSON.'
                : 'Unexpected error.',
            extensions: { code: tooLarge ? 'PAYLOAD_TOO_LARGE' : error.type === 'entity.parse.failed' ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' },
          },
        ],
      });
    },
  );

  return {
    app,
    store,
    ledger,
    runner,
    checkpointer,
    close: async () => {
      await checkpointer?.stop();
      await runner.stop();
      await store.close();
    },
  };
}

export async function startServer(config: Config, options: { clock?: () => string } = {}) {
  const store = await openEventStore(config.store, schemaCodec(domainEventDefinitions));
  const built = await createApp(store, { ...options, production: config.production, filesDir: join(config.store.dataDir, 'files') });
  const server = built.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...built,
    url: `http://${config.host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await built.close();
    },
  };
}
