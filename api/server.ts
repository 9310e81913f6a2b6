import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { createYoga } from 'graphql-yoga';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import type { EventStore } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { ledgerView } from '../projections/ledgerView.js';
import { problemFacts } from '../projections/problemFacts.js';
import { ReadModels } from '../projections/readModels.js';
import { ProjectionRunner } from '../projections/runner.js';
import { FileSnapshotStore, type SnapshotStore } from '../projections/snapshots.js';
import { AssessmentService } from './assessment.js';
import type { Config } from './config.js';
import { type Context, consoleActor } from './context.js';
import { maskError } from './errors.js';
import { Ledger } from './ledger.js';
import { schema } from './schema/index.js';

/** Largest request body accepted: generous for a form, far below what could hurt the server. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export type App = {
  app: express.Express;
  store: EventStore;
  ledger: Ledger;
  runner: ProjectionRunner;
  readModels: ReadModels;
  close: () => Promise<void>;
};

/** Wires the store, the ledger service, the read models and the GraphQL endpoint. */
export async function createApp(
  store: EventStore,
  {
    clock = () => new Date().toISOString(),
    production = false,
    snapshots,
  }: { clock?: () => string; production?: boolean; snapshots?: SnapshotStore } = {},
): Promise<App> {
  const ledger = new Ledger(store);
  const runner = new ProjectionRunner(store, [ledgerView, problemFacts], snapshots ? { snapshots } : {});
  await runner.start();
  const readModels = new ReadModels(store, runner);
  const assessment = new AssessmentService(store, runner, readModels);
  // A raise that stopped between its number's reservation and its first event is finished now.
  for (const reservation of runner.state(ledgerView).pendingRaises.values()) await ledger.completeRaise(reservation);

  const yoga = createYoga<{ req: express.Request; res: express.Response }, Context>({
    schema,
    context: (): Context => ({ store, ledger, runner, readModels, assessment, clock, actor: consoleActor }),
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
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));
  app.use(yoga.graphqlEndpoint, yoga as unknown as express.RequestHandler);
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
    readModels,
    close: async () => {
      await runner.stop();
      await store.close();
    },
  };
}

export async function startServer(config: Config, options: { clock?: () => string } = {}) {
  const store = await openEventStore(config.store, schemaCodec(domainEventDefinitions));
  // Snapshots live beside the SQLite file; a memory store starts empty, so it has nothing to snapshot.
  const snapshots = config.store.kind === 'sqlite' ? new FileSnapshotStore(join(config.store.dataDir, 'snapshots')) : undefined;
  const built = await createApp(store, { ...options, production: config.production, ...(snapshots ? { snapshots } : {}) });
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
