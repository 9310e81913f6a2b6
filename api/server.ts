import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import express from 'express';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { type GraphiQLOptions, type Plugin, createYoga } from 'graphql-yoga';
import fresh from 'fresh';
import helmet from 'helmet';
import type { Logger } from 'pino';
import proxyaddr from 'proxy-addr';
import { nodeName } from '../eventstore/lease.js';
import type { EventStore } from '../eventstore/port.js';
import { nextTurn } from '../projections/slices.js';
import { FileSnapshotStore } from '../projections/snapshots.js';
import { type Application, type ApplicationOptions, createApplication } from '../application/index.js';
import { Metrics } from '../application/metrics.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { authenticate } from './authentication.js';
import type { Config } from '../application/config.js';
import { loadNotificationKey } from '../application/notifications/secrets.js';
import type { Context } from './context.js';
import { consoleHeaders, consoleTabs } from './console.js';
import { errorMasker, hideSuggestions, requestParseErrors } from './errors.js';
import { filesRouter } from './files.js';
import { reportsRouter } from './reports.js';
import { type LimitSettings, RateLimits, defaultLimits } from './limits.js';
import { type Listening, errorBody, listenCatchingUp } from './listen.js';
import { type MadeOnceOptions, NotMadeYet, madeOnce } from './madeOnce.js';
import { type Step, inOrder, sendJson } from './nodeHttp.js';
import { requestsInSlices } from './pacing.js';
import { RequestTracking, createLogger, metricsRoute, minPosition } from './observability.js';
import { schema } from './schema/index.js';
import { TokenIssuer, loadTokenSecret } from './tokens.js';

/** Largest request body accepted: generous for a form, far below what could hurt the server. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Limits on what one GraphQL document may ask (graphql-armor): far above what the console and web app send. */
export const QUERY_LIMITS = { depth: 10, aliases: 15, tokens: 2000, cost: 20_000, directives: 20 } as const;

/** The application, and what answers its HTTP requests (a Node request listener: `createServer(handler)`). */
export type App = Application & {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  tokens: TokenIssuer;
  limits: RateLimits;
};

/** The built web app (`npm run build:web`, run by `npm ci` through `prepare`). */
export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

export type AppOptions = ApplicationOptions & {
  /** Where evidence files are kept, by content hash. */
  filesDir?: string;
  /** Production mode: introspection and field suggestions off unless `introspection` says otherwise. */
  production?: boolean;
  /** Signing secret for tokens; a random one per process when omitted (tests, memory stores). */
  tokenSecret?: Uint8Array;
  tokenTtlSeconds?: number;
  limits?: Partial<LimitSettings>;
  /** Origins allowed to call the API from a browser (CORS); none when empty. */
  corsOrigins?: string[];
  /** Schema introspection (and so GraphiQL's docs); defaults to on, off in production. */
  introspection?: boolean;
  /** The JSON log (pino); errors only when omitted (tests: no request lines). */
  logger?: Logger;
  /** Asked of every scraper of /metrics (`Authorization: Bearer …`); without it, /metrics answers this machine only. */
  metricsToken?: string;
  /** How long a request with `X-Min-Position` waits for the read models to get there (ms). */
  minPositionWaitMs?: number;
  /** The proxies whose X-Forwarded-For gives a client's address (Express's "trust proxy"); none when omitted. */
  trustProxy?: number | string[];
  /**
   * The console page's rendering (tests): how, how long one render may take, how soon one that failed is tried again.
   * By default GraphiQL's page, rendered in a worker once per process (CONSOLE_RENDER).
   */
  consolePage?: Partial<Pick<MadeOnceOptions, 'retryMs' | 'timeoutMs' | 'now'>> & {
    render: (signal: AbortSignal) => Promise<ConsolePage>;
  };
};

/** How long a request with X-Min-Position waits by default, and /readyz at most. */
export const MIN_POSITION_WAIT_MS = 2000;
const READY_WAIT_MS = 1000;
/** How long a stop lets requests under way finish before it closes every connection still open (`close`). */
const CLOSE_GRACE_MS = 2000;

/** Wires the store, the services, the read models, the authorization layer, the GraphQL endpoint, evidence files and the web app. */
export async function createApp(store: EventStore, options: AppOptions = {}): Promise<App> {
  const { production = false, corsOrigins = [], filesDir = join('data', 'files') } = options;
  const introspection = options.introspection ?? !production;
  const { logger = createLogger('error'), metrics = new Metrics(), minPositionWaitMs = MIN_POSITION_WAIT_MS } = options;
  let following: ProjectionRunner | undefined;
  const tracking = new RequestTracking(logger, metrics, () => following?.position ?? -1);
  // GraphiQL's page is the process's, made by the first app built and logged to its logger (one app a process but in tests).
  const { render = renderGraphiqlPage, ...renderTiming } = options.consolePage ?? {};
  const consolePageMade = () =>
    madeOnce(render, {
      ...CONSOLE_RENDER,
      ...renderTiming,
      onFailure: (error) => logger.error({ err: error }, 'the console page could not be rendered'),
    });
  const consolePage = options.consolePage ? consolePageMade() : (graphiqlPage ??= consolePageMade());
  const application = await createApplication(store, { ...options, metrics });
  const { clock, runner, accounts } = application;
  following = runner;
  // Resolvers get the services and the read side, never the store underneath (nor the shutdown or the checkpoint follower).
  const { store: _store, close: _close, checkpointer: _checkpointer, ...services } = application;
  const tokens = new TokenIssuer(options.tokenSecret ?? randomBytes(32), clock, options.tokenTtlSeconds ?? 8 * 3600);
  const limits = new RateLimits({ ...defaultLimits, ...options.limits });
  metrics.gauge('live_streams_open', 'Live streams (GraphQL subscriptions over server-sent events) open now.', () => limits.openStreams);

  const plugins: Plugin[] = [
    tracking.plugin() as Plugin,
    requestParseErrors(),
    // Two passes of graphql-armor so the depth limit is checked before the cost limit: a very deep
    // query is then refused as too deep (the clearer message) rather than as too costly.
    EnvelopArmorPlugin({
      maxDepth: { n: QUERY_LIMITS.depth },
      maxTokens: { n: QUERY_LIMITS.tokens },
      // "Did you mean …?" would tell a stranger the schema that introspection hides.
      blockFieldSuggestion: { enabled: !introspection },
      costLimit: { enabled: false },
      maxAliases: { enabled: false },
      maxDirectives: { enabled: false },
    }) as Plugin,
    EnvelopArmorPlugin({
      costLimit: { maxCost: QUERY_LIMITS.cost },
      maxAliases: { n: QUERY_LIMITS.aliases },
      maxDirectives: { n: QUERY_LIMITS.directives },
      maxDepth: { enabled: false },
      maxTokens: { enabled: false },
      blockFieldSuggestion: { enabled: false },
    }) as Plugin,
  ];
  if (!introspection)
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) }, hideSuggestions());

  // Everything but the GraphQL endpoint is served by Express; the endpoint runs the same steps without it (below).
  const app = express();
  app.disable('x-powered-by');
  // Behind a balancer every request comes from it: its X-Forwarded-For names the client, for the per-address limits.
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  // Express's own reading of that setting: the GraphQL endpoint finds a client's address as Express's req.ip does.
  const trustProxy = app.get('trust proxy fn') as (address: string, hop: number) => boolean;

  // A starting server answers "catching up" meanwhile: the endpoint and the Express app are built in turns of their own.
  await nextTurn();
  const yoga = withoutGlobalRequest(() =>
    createYoga<{ req: IncomingMessage; res: ServerResponse }, Context>({
      schema,
      context: async ({ req }): Promise<Context> => {
        const auth = await authenticate(req.headers.authorization, { tokens, runner, accounts });
        const scope = tracking.scopeOf(req);
        if (auth.kind === 'signed_in') scope.userId = auth.user.userId;
        return {
          services,
          tokens,
          limits,
          auth,
          clientIp: proxyaddr(req, trustProxy),
          requestId: scope.id,
          reached: tracking.reachedBy(scope),
        };
      },
      plugins,
      maskedErrors: {
        maskError: errorMasker({ suggestions: introspection, log: (error) => logger.error({ err: error }, 'unexpected error') }),
      },
      // The console page is served before the endpoint, from its bytes (below).
      graphiql: false,
      // Closed by default: a browser page from another origin gets no answer unless CORS_ORIGINS names it.
      cors:
        corsOrigins.length > 0
          ? { origin: corsOrigins, methods: ['GET', 'POST'], allowedHeaders: ['content-type', 'authorization'] }
          : false,
      landingPage: false,
      // Expected failures are answers, not incidents; maskError logs the unexpected ones.
      logging: false,
    }),
  );

  await nextTurn();
  const track = tracking.middleware();
  const secureHeaders: Step = helmet({ contentSecurityPolicy: contentSecurity(), crossOriginEmbedderPolicy: false });
  const readYourWrites = minPosition(runner, minPositionWaitMs, metrics);
  const jsonBody: Step = express.json({ limit: BODY_LIMIT_BYTES });
  app.use(track);
  app.use(secureHeaders);
  // Alive: 200 while the process answers at all, with where its read side stands.
  app.get('/healthz', async (_req, res, next) => {
    try {
      const { position, head, current } = await runner.progress();
      res.json({ status: 'ok', ready: current, position, head });
    } catch (error) {
      next(error);
    }
  });
  // Ready: 200 once the read models have applied the log as it is now (waiting a moment for it), 503 with the progress otherwise.
  app.get('/readyz', async (_req, res, next) => {
    try {
      const head = await store.headPosition();
      await runner.waitFor(head, Math.min(READY_WAIT_MS, minPositionWaitMs)).catch(() => undefined);
      const progress = await runner.progress();
      const { onceOnly } = application;
      res.status(progress.current ? 200 : 503).json({
        status: progress.current ? 'ready' : 'catching_up',
        ready: progress.current,
        ...progress,
        node: onceOnly.node,
        onceOnlyHolder: onceOnly.holder ?? null,
      });
    } catch (error) {
      next(error);
    }
  });
  app.get('/metrics', metricsRoute(metrics, options.metricsToken));
  app.use(readYourWrites);
  // Uploading evidence needs a sign-in (a stranger must not fill the disk). Reading a file needs only
  // its SHA-256: a 256-bit name learned from the evidence it belongs to, which is withheld from those
  // who may not see it — and so <img>/<a> links work without a token.
  app.post('/files', async (req, res, next) => {
    try {
      const auth = await authenticate(req.headers.authorization, { tokens, runner, accounts });
      if (auth.kind === 'signed_in') return next();
      const [reason, message] =
        auth.kind === 'rejected' ? [auth.reason, auth.message] : ['NO_TOKEN', 'Log in first: send "Authorization: Bearer <token>".'];
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', reason, message } });
    } catch (error) {
      next(error);
    }
  });
  app.use('/files', filesRouter(filesDir));
  // Report downloads (通报 .docx/.xlsx), signed in and authorized as their GraphQL fields.
  app.use(
    '/reports',
    reportsRouter({ reports: application.reports, tokens, runner, accounts, sourceDocuments: application.sourceDocuments }),
  );
  app.use(jsonBody);
  if (existsSync(WEB_DIST)) {
    app.use(express.static(WEB_DIST, { index: false, maxAge: '1h' }));
    // Single-page app: any other page address gets the app, which routes it in the browser.
    app.use((req, res, next) => {
      if ((req.method === 'GET' || req.method === 'HEAD') && req.accepts('html')) res.sendFile(join(WEB_DIST, 'index.html'));
      else next();
    });
  }
  const failed = requestFailed(logger, tracking);
  app.use((error: Error, req: express.Request, res: express.Response, _next: express.NextFunction) => failed(error, req, res));

  // The GraphQL endpoint: the same steps as Express's for it, in the same order, run on Node's own request and response
  // (api/nodeHttp.ts says what Express's routing cost each command). Express never sees /graphql: a step the endpoint
  // needs goes in this list, not in an `app.use` above.
  const graphql = inOrder(
    [
      track,
      secureHeaders,
      readYourWrites,
      graphqlRequestChecks,
      consolePageStep(consolePage),
      // GraphQL requests started in slices of the event loop's turns, so /healthz never queues behind a burst (api/pacing.ts).
      requestsInSlices(),
      jsonBody,
    ],
    yoga as unknown as (req: IncomingMessage, res: ServerResponse) => void,
    failed,
  );
  const endpoint = yoga.graphqlEndpoint;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    if ((query === -1 ? url : url.slice(0, query)) === endpoint) graphql(req, res);
    else app(req, res);
  };

  // The console page is rendered once the application is built (its read models current), not beside their catch-up
  // (one render per process): its worker took ~0.25 s of the second core while a start caught up. A browser that asks for
  // it before it is done waits for it. A render that fails is logged and tried again by the first ask 30 s later.
  consolePage().catch(() => {});
  return { ...application, handler, tokens, limits };
}

/**
 * A request's checks before GraphQL reads it: a GET's JSON parameters that do not parse (the caller's mistake, said as
 * such, not yoga's generic answer) and a body announced larger than the limit (refused before it is read).
 */
const graphqlRequestChecks: Step = (req, res, next) => {
  const unreadable = req.method === 'GET' ? unreadableParam(new URL(req.url ?? '/', 'http://server').searchParams) : undefined;
  if (unreadable) {
    sendJson(res, 400, errorBody(`The "${unreadable}" parameter is not valid JSON.`, 'BAD_REQUEST'));
    return;
  }
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > BODY_LIMIT_BYTES) {
    sendJson(res, 413, errorBody(`The request is ${length} bytes; at most ${BODY_LIMIT_BYTES} bytes are accepted.`, 'PAYLOAD_TOO_LARGE'));
    return;
  }
  next();
};

/**
 * The console page for a browser, when GraphiQL would be (yoga's rule: a GET accepting text/html), as rendered: bytes
 * never made a string on this thread, with their ETag (a browser that has them gets 304), under a policy of its own that
 * allows its inline script. An ask before the render is done waits for it; one while a render that failed waits to be
 * tried again is answered 503 CONSOLE_UNAVAILABLE with Retry-After. The same address answers GraphQL in JSON otherwise:
 * a cache keeps the two apart by the Accept header.
 */
function consolePageStep(consolePage: () => Promise<ConsolePage>): Step {
  let consoleSecurity: Step | undefined;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Vary', 'Accept');
    if (!req.headers.accept?.includes('text/html')) return next();
    consolePage()
      .then((graphiql) => {
        // The server's policy, with the page's one inline script allowed by its hash (GraphiQL is one self-contained page:
        // assets inlined, no CDN). Only this page is sent it: no other page of the server has an inline script.
        consoleSecurity ??= helmet.contentSecurityPolicy(contentSecurity(graphiql.scriptHash));
        consoleSecurity(req, res, () => {
          // Express's freshness rule (its own package): a tag the browser has, weak or strong, unless it asks past its cache.
          if (fresh(req.headers, { etag: graphiql.etag })) {
            res.writeHead(304, { etag: graphiql.etag }).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': graphiql.page.length, etag: graphiql.etag });
          res.end(req.method === 'HEAD' ? undefined : graphiql.page);
        });
      })
      .catch((error: unknown) => {
        if (!(error instanceof NotMadeYet)) return next(error);
        // Why it failed is in the log; the asker is told what they can do.
        const body = errorBody(
          `The console page could not be rendered; ask again in ${error.retryAfterSeconds} s. The API itself answers as usual (POST /graphql).`,
          'CONSOLE_UNAVAILABLE',
        );
        sendJson(res, 503, body, { 'retry-after': String(error.retryAfterSeconds) });
      });
  };
}

/** The server's Content-Security-Policy; with `scriptHash`, the console page's, whose one inline script it allows. */
function contentSecurity(scriptHash?: string) {
  return {
    useDefaults: true,
    directives: {
      'script-src': ["'self'", ...(scriptHash ? [`'sha256-${scriptHash}'`] : [])],
      'style-src': ["'self'", "'unsafe-inline'"],
      'worker-src': ["'self'", 'blob:'],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'frame-ancestors': ["'none'"],
      'upgrade-insecure-requests': null,
    },
  };
}

/**
 * What a request that failed is answered, on every route: a body too large or not JSON as the caller's mistake, anything
 * else 500 (logged).
 */
function requestFailed(logger: Logger, tracking: RequestTracking) {
  return (error: unknown, req: IncomingMessage, res: ServerResponse) => {
    const { type, status = 500 } = error as { type?: string; status?: number };
    const tooLarge = type === 'entity.too.large';
    if (status >= 500) logger.error({ err: error, reqId: tracking.scopeOf(req).id }, 'unexpected error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(
      res,
      status,
      errorBody(
        tooLarge
          ? `The request body is larger than ${BODY_LIMIT_BYTES} bytes.`
          : type === 'entity.parse.failed'
            ? 'The request body is not valid JSON.'
            : 'Unexpected error.',
        tooLarge ? 'PAYLOAD_TOO_LARGE' : type === 'entity.parse.failed' ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR',
      ),
    );
  };
}

/** The JSON parameters of a GET request (`variables`, `extensions`) that do not parse: the caller's mistake, said as such. */
function unreadableParam(params: URLSearchParams): string | undefined {
  for (const name of ['variables', 'extensions']) {
    const value = params.get(name);
    if (!value) continue;
    try {
      JSON.parse(value);
    } catch {
      return name;
    }
  }
  return undefined;
}

/** The console: GraphiQL with the opening tabs and the Headers pane shown. */
const CONSOLE_OPTIONS: GraphiQLOptions = {
  title: '台账 · Taizhang console',
  defaultEditorToolsVisibility: 'headers',
  headers: consoleHeaders,
  defaultTabs: consoleTabs,
};

export type ConsolePage = { page: Buffer; etag: string; scriptHash: string };

/**
 * How long the console page's render may take (it took about a quarter of a second of a core in the thirty-seventh
 * round's profiles), and how soon one that failed or ran past it is tried again: asks, anyone's, start at most one
 * render (a worker) in that time.
 */
const CONSOLE_RENDER = { timeoutMs: 60_000, retryMs: 30_000 };
/** The process's console page (GraphiQL's), made by the first app built (`createApp`). */
let graphiqlPage: (() => Promise<ConsolePage>) | undefined;

/**
 * The console page: GraphiQL with every asset inlined (@graphql-yoga/render-graphiql), so it works with no internet, as
 * UTF-8 bytes with their ETag, and the hash of its one inline script for the CSP. Rendered in a worker thread
 * (api/consolePage.js): its 9 MB module would hold the event loop ~0.1 s. Stopped when `signal` aborts (too long).
 */
function renderGraphiqlPage(signal: AbortSignal): Promise<ConsolePage> {
  return new Promise<ConsolePage>((resolve, reject) => {
    const worker = new Worker(new URL('./consolePage.js', import.meta.url), { workerData: { consolePage: CONSOLE_OPTIONS } });
    signal.addEventListener('abort', () => void worker.terminate(), { once: true });
    worker.once('message', ({ page, ...rest }: { page: Uint8Array; etag: string; scriptHash: string }) =>
      resolve({ ...rest, page: Buffer.from(page.buffer, page.byteOffset, page.byteLength) }),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The console page's worker stopped (exit code ${code}) before rendering it.`)));
  });
}

/**
 * The server as `npm start` runs it. It listens before its read models are current (api/listen.ts:
 * /healthz says "starting" with the progress, /readyz answers 503 with it, and everything else
 * 503 CATCHING_UP, so nothing stale is served); then the whole app takes over, or, with `serveLater`, once the caller
 * says `serve()` (api/main.ts loads the demo county first). `listening` is that server when the caller started it already
 * (api/main.ts does, before importing this module).
 */
export async function startServer(config: Config, options: { clock?: () => string; listening?: Listening; serveLater?: boolean } = {}) {
  const { listening: given, serveLater = false, ...appOptions } = options;
  const logger = createLogger(config.logLevel);
  const listening = given ?? (await listenCatchingUp(config));
  const { server, store, url } = listening;
  logger.info({ url, store: config.store.kind }, 'listening; catching up with the log');
  let built: App;
  try {
    built = await createApp(store, {
      ...appOptions,
      logger,
      metrics: new Metrics({ processMetrics: true }),
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      minPositionWaitMs: config.minPositionWaitMs,
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      onceOnly: {
        node: nodeName(config.nodeName),
        seconds: config.onceOnlyLeaseSeconds,
        log: (message, error) => logger.error({ err: error }, message),
      },
      onCatchingUp: (runner) => listening.following(() => runner.position),
      production: config.production,
      filesDir: join(config.store.dataDir, 'files'),
      tokenSecret: loadTokenSecret(config.tokenSecret, config.store.dataDir),
      tokenTtlSeconds: config.tokenTtlMinutes * 60,
      corsOrigins: config.corsOrigins,
      introspection: config.introspection,
      // The channels' secrets are sealed with a key kept beside the data; a memory store (gone with the process) takes a per-process key.
      notifications: {
        ...config.notifications,
        ...(config.store.kind !== 'memory' || config.notificationKey !== undefined
          ? { key: loadNotificationKey(config.notificationKey, config.store.dataDir) }
          : {}),
      },
      scheduler: config.scheduler ? {} : false,
      limits: { streamsPerUser: config.streams.perUser, streamsTotal: config.streams.total },
      // Snapshots live beside the SQLite file; a memory store starts empty, so it has nothing to snapshot.
      ...(config.store.kind === 'sqlite' ? { snapshots: new FileSnapshotStore(join(config.store.dataDir, 'snapshots')) } : {}),
      // The read models kept out of the heap (the audit trail) live in a database beside the data; a memory store's go with the process.
      ...(config.store.kind !== 'memory' ? { readModelDatabase: join(config.store.dataDir, 'read-models.sqlite') } : {}),
    });
  } catch (error) {
    await listening.abandon();
    throw error;
  }
  const serve = () => {
    listening.handOver(built.handler);
    logger.info({ url, position: built.runner.position }, 'ready');
  };
  if (!serveLater) serve();
  return {
    ...built,
    url,
    /** With `serveLater`: the application answers from now on (until then, as while catching up: 503 with the progress). */
    serve,
    close: async () => {
      // No new connections; idle ones close at once, and requests under way get a moment to finish. A live stream (the
      // web app's, over server-sent events: one per open page) never finishes: what is still open then is closed, and the
      // page reconnects to whichever server answers. Waiting for those, a stop never reached the snapshots (issue 12).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
      await built.close();
    },
  };
}

/**
 * `make()` with no global `Request` to read. Yoga's server adapter (@whatwg-node/server's createServerAdapter) compares
 * its own Request with the global one, and reading the global loads Node's own fetch (undici) for that comparison alone:
 * one block of 45–78 ms in every start's first seconds (issue 12, round 13), for a module the server never uses (a webhook
 * notification loads it when one is first sent). The comparison decides as before (Yoga's Request is not the global
 * one); the global's lazy getter is put back as it was, untouched, right after.
 */
export function withoutGlobalRequest<T>(make: () => T): T {
  const request = Object.getOwnPropertyDescriptor(globalThis, 'Request');
  if (!request?.get) return make();
  Object.defineProperty(globalThis, 'Request', { value: undefined, configurable: true, writable: true });
  try {
    return make();
  } finally {
    Object.defineProperty(globalThis, 'Request', request);
  }
}
