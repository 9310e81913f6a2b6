import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type express from 'express';
import { OperationTypeNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type Logger, pino } from 'pino';
import type { Metrics } from '../application/metrics.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { errorBody } from './listen.js';
import { type Step, header, sendJson } from './nodeHttp.js';

/** The server's JSON log (one line per request, errors with their stack): level from LOG_LEVEL. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'taizhang' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A client's request id is kept when it is a plain token of this shape; otherwise the server makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the server knows of one request while it runs: its id, who asked, what operation, and the log position it reached. */
export type RequestScope = {
  id: string;
  userId?: string;
  /** The GraphQL operation's name ("anonymous" without one), and its kind. */
  operation?: string;
  operationType?: OperationTypeNode;
  /** The highest log position this request's commands appended or found (a retry's): -1 when none. */
  reached: number;
};

/** The few paths the server answers, for the `route` label: anything else is the web app. */
function routeOf(path: string): string {
  for (const route of ['/graphql', '/files', '/healthz', '/readyz', '/metrics'])
    if (path === route || path.startsWith(`${route}/`)) return route;
  return 'web';
}

/**
 * Per-request tracking, one per server: gives each request an id (X-Request-Id, the client's when
 * it sent a valid one), writes its log line and its metrics when it is answered, and says the log
 * position the request's commands reached (each command's context tells it: `reachedBy`, handed to the
 * resolvers in the GraphQL context and on to CommandContext's `reached`): the `X-Log-Position` header
 * and, for mutations, `extensions.logPosition`. (Until round 5 an AsyncLocalStorage around GraphQL
 * execution followed the commands through the store: Node then runs its promise hooks on every
 * promise of the process; without it a command costs × 0.95 the server's CPU with 32 clients.)
 */
export class RequestTracking {
  private readonly scopes = new WeakMap<object, RequestScope>();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly position: () => number,
  ) {}

  /** The request's scope (made by `middleware`). */
  scopeOf(req: object): RequestScope {
    let scope = this.scopes.get(req);
    if (!scope) {
      scope = { id: randomUUID(), reached: -1 };
      this.scopes.set(req, scope);
    }
    return scope;
  }

  /** The position a response reports: what its commands reached, else what this node's read models had applied. */
  positionFor(scope: RequestScope): number {
    return scope.reached >= 0 ? scope.reached : this.position();
  }

  /** What a request's commands are told to call with each log position they reach (CommandContext's `reached`). */
  reachedBy(scope: RequestScope): (position: number) => void {
    return (position) => {
      if (position > scope.reached) scope.reached = position;
    };
  }

  middleware(): Step {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      const given = header(req, 'x-request-id');
      const scope = this.scopeOf(req);
      if (given !== undefined && REQUEST_ID.test(given)) scope.id = given;
      res.setHeader('X-Request-Id', scope.id);
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        // originalUrl: Express's routers mounted on a path (/files, /reports) leave req.url relative to it.
        const path = new URL((req as { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://server').pathname;
        const route = routeOf(path);
        const operation = route === '/graphql' ? (scope.operation ?? 'none') : '-';
        this.metrics.request({ method: req.method ?? 'GET', route, operation, status: res.statusCode }, seconds);
        // Probes and scrapes come every few seconds: logged at debug, so they do not drown the requests.
        const level = route === '/healthz' || route === '/readyz' || route === '/metrics' ? 'debug' : 'info';
        this.logger[level](
          {
            reqId: scope.id,
            method: req.method,
            route,
            ...(route === '/graphql' ? { operation, operationType: scope.operationType } : { path }),
            status: res.statusCode,
            ms: Math.round(seconds * 10_000) / 10,
            userId: scope.userId,
          },
          'request',
        );
      });
      next();
    };
  }

  /** The GraphQL side: names the operation, reports the position reached. */
  plugin(): Plugin<Record<string, unknown>, { req: IncomingMessage; res: ServerResponse }> {
    return {
      onExecute: ({ args }) => {
        const req = (args.contextValue as { req?: IncomingMessage }).req;
        if (!req) return undefined;
        const scope = this.scopeOf(req);
        const operation = getOperationAST(args.document, args.operationName);
        scope.operation = operation?.name?.value ?? 'anonymous';
        if (operation) scope.operationType = operation.operation;
        if (operation?.operation !== OperationTypeNode.MUTATION) return undefined;
        return {
          onExecuteDone: ({ result, setResult }) => {
            if (Symbol.asyncIterator in result) return;
            setResult({ ...result, extensions: { ...result.extensions, logPosition: this.positionFor(scope) } });
          },
        };
      },
      onSubscribe: ({ args }) => {
        const req = (args.contextValue as { req?: IncomingMessage }).req;
        if (!req) return;
        const scope = this.scopeOf(req);
        scope.operation = getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous';
        scope.operationType = OperationTypeNode.SUBSCRIPTION;
      },
      onResponse: ({ response, serverContext }) => {
        const req = serverContext?.req;
        if (req) response.headers.set('X-Log-Position', String(this.positionFor(this.scopeOf(req))));
      },
    };
  }
}

/** The error body every route of the server uses (the GraphQL shape), with a stable code: api/listen.ts, which answers before this module is loaded. */
export { errorBody };

/**
 * Read-your-writes across servers: a request that sends `X-Min-Position: N` (a position a mutation
 * answered, on any node) is served once this node's read models have applied N. The node waits up
 * to `waitMs`; still behind then, it answers 503 BEHIND_LOG_POSITION with where it is, and the
 * client retries (here or on another node) rather than read something older than its own write.
 */
export function minPosition(runner: ProjectionRunner, waitMs: number, metrics: Metrics): Step {
  return (req, res, next) => {
    const given = header(req, 'x-min-position');
    if (given === undefined) return next();
    const wanted = /^\s*-?\d{1,15}\s*$/.test(given) ? Number(given) : Number.NaN;
    if (!Number.isSafeInteger(wanted) || wanted < -1) {
      sendJson(
        res,
        400,
        errorBody(`X-Min-Position must be a log position (a whole number, -1 or more), not ${JSON.stringify(given)}.`, 'BAD_REQUEST'),
      );
      return;
    }
    if (runner.position >= wanted) {
      metrics.minPositionWaits.inc({ outcome: 'at_once' });
      return next();
    }
    runner.waitFor(wanted, waitMs).then(
      () => {
        metrics.minPositionWaits.inc({ outcome: 'waited' });
        next();
      },
      () => {
        metrics.minPositionWaits.inc({ outcome: 'behind' });
        const reached = runner.position;
        sendJson(
          res,
          503,
          errorBody(
            `This server has read the log up to position ${reached}, not yet ${wanted} as asked (X-Min-Position), after waiting ${waitMs} ms. Try again in a moment, or on another server.`,
            'BEHIND_LOG_POSITION',
            { position: reached, minPosition: wanted },
          ),
          { 'retry-after': '1', 'x-log-position': String(reached) },
        );
      },
    );
  };
}

/**
 * /metrics is open to this machine only (a Prometheus beside the server) unless METRICS_TOKEN is
 * set; then it asks everyone for `Authorization: Bearer <that token>`, so a scraper elsewhere (a
 * container, another host) can read it and a stranger cannot.
 */
export function metricsRoute(metrics: Metrics, token: string | undefined): express.RequestHandler {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return (req, res, next) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    const allowed =
      expected === undefined ? isLoopback(req.socket.remoteAddress) : given.length === expected.length && timingSafeEqual(given, expected);
    if (!allowed) {
      const message =
        expected === undefined
          ? 'Metrics are served to this machine only; set METRICS_TOKEN to scrape them from elsewhere.'
          : 'Metrics need "Authorization: Bearer <METRICS_TOKEN>".';
      res.status(expected === undefined ? 403 : 401).json(errorBody(message, expected === undefined ? 'FORBIDDEN' : 'UNAUTHENTICATED'));
      return;
    }
    metrics.registry.metrics().then((text) => {
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.send(text);
    }, next);
  };
}

const isLoopback = (address: string | undefined) =>
  address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
