import { z } from 'zod';
import type { EventStoreConfig } from '../eventstore/index.js';
import type { NotificationOptions } from './notifications/index.js';
import { decodeNotificationKey } from './notifications/secrets.js';

/** Settings, from environment variables, with defaults that run the project with nothing installed. */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** sqlite (embedded default) | memory | kurrentdb | postgres */
  EVENT_STORE: z.enum(['sqlite', 'memory', 'kurrentdb', 'postgres']).default('sqlite'),
  DATA_DIR: z.string().default('./data'),
  KURRENTDB_URL: z.string().optional(),
  /** PostgreSQL connection string for EVENT_STORE=postgres, e.g. `postgres://taizhang:secret@db:5432/taizhang`. */
  DATABASE_URL: z.string().optional(),
  /** Fill an empty store with the demo county on first start; `off` to start empty. */
  DEMO_DATA: z.enum(['on', 'off']).default('on'),
  NODE_ENV: z.string().default('development'),
  /** Signs sign-in tokens; at least 32 characters. Unset: a random secret kept in DATA_DIR/token-secret. */
  TOKEN_SECRET: z.string().min(32).optional(),
  /** How long a sign-in lasts. */
  TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(480),
  /** Browser origins allowed to call the API (comma-separated); none by default. */
  CORS_ORIGINS: z.string().default(''),
  /** Schema introspection: on by default, off in production unless `on`. */
  GRAPHQL_INTROSPECTION: z.enum(['on', 'off']).optional(),
  /** Sending notifications outward (the channels an admin configures): `off` leaves it to another process. */
  NOTIFICATIONS_DISPATCH: z.enum(['on', 'off']).default('on'),
  /** The outbox's timings, in milliseconds: how often it looks, one send's limit, a claim's lease, the first retry's wait. */
  NOTIFICATIONS_POLL_MS: z.coerce.number().int().min(10).optional(),
  NOTIFICATIONS_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
  NOTIFICATIONS_LEASE_MS: z.coerce.number().int().min(100).optional(),
  NOTIFICATIONS_BACKOFF_MS: z.coerce.number().int().min(10).optional(),
  /** Seals the channels' secrets in the log: 32 bytes, base64 or hex. Unset: a random key kept in DATA_DIR/notification-key. */
  NOTIFICATION_KEY: z
    .string()
    .refine((key) => decodeNotificationKey(key) !== undefined, 'must be 32 bytes, in base64 or as 64 hex digits')
    .optional(),
  /** Live streams (subscriptions) one user may hold open at once, and the server in all. */
  /** The scheduler (reminders, deadlines passing, escalation, 回头看): `off` leaves it to another process on the same store. */
  SCHEDULER: z.enum(['on', 'off']).default('on'),
  STREAMS_PER_USER: z.coerce.number().int().min(1).max(1000).default(5),
  STREAMS_TOTAL: z.coerce.number().int().min(1).max(100_000).default(500),
  /** The JSON log's level: one line per request at info; probes and scrapes at debug. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Asked of scrapers of /metrics (Authorization: Bearer …); unset, /metrics answers loopback only. At least 16 characters. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** How long a request with X-Min-Position waits for this node's read models (ms) before answering BEHIND_LOG_POSITION. */
  MIN_POSITION_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /**
   * Behind a load balancer: which proxies' X-Forwarded-For to believe for a client's address (the
   * per-address limits of login and the hotline), as Express's "trust proxy" takes it: `loopback`,
   * `uniquelocal`, addresses or ranges (comma-separated), or a number of hops. Unset: none (the
   * header is ignored, so a client cannot choose its address).
   */
  TRUST_PROXY: z.string().min(1).optional(),
  /** This server's name among those on one store (shown in /readyz and serverStatus); the host name by default. */
  NODE_NAME: z.string().min(1).max(100).optional(),
  /** How long the once-only work's lease lasts unrenewed (s): how soon another server takes checkpoints and the scheduler over from a dead one. */
  ONCE_ONLY_LEASE_SECONDS: z.coerce.number().min(1).max(600).default(15),
  /** Test hook, refused in production: a file holding the instant the server takes for now (tests/twoServers.e2e.test.ts). */
  TAIZHANG_CLOCK_FILE: z.string().optional(),
});

export type Config = {
  port: number;
  host: string;
  store: EventStoreConfig;
  demoData: boolean;
  production: boolean;
  tokenSecret?: string;
  /** NOTIFICATION_KEY as given (see loadNotificationKey). */
  notificationKey?: string;
  tokenTtlMinutes: number;
  corsOrigins: string[];
  introspection: boolean;
  notifications: NotificationOptions;
  streams: { perUser: number; total: number };
  scheduler: boolean;
  /** TAIZHANG_CLOCK_FILE: the server's clock reads the instant in this file (tests only). */
  clockFile?: string;
  logLevel: string;
  metricsToken?: string;
  minPositionWaitMs: number;
  /** TRUST_PROXY, as Express takes it: a number of hops or a list of names, addresses and ranges. */
  trustProxy?: number | string[];
  /** NODE_NAME, when given. */
  nodeName?: string;
  onceOnlyLeaseSeconds: number;
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new Error(`Bad settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  if (e.EVENT_STORE === 'kurrentdb' && !e.KURRENTDB_URL) throw new Error('EVENT_STORE=kurrentdb needs KURRENTDB_URL');
  if (e.EVENT_STORE === 'postgres' && !e.DATABASE_URL) throw new Error('EVENT_STORE=postgres needs DATABASE_URL');
  if (e.TAIZHANG_CLOCK_FILE && e.NODE_ENV === 'production') throw new Error('TAIZHANG_CLOCK_FILE is a test hook: not in production');
  return {
    port: e.PORT,
    host: e.HOST,
    store: {
      kind: e.EVENT_STORE,
      dataDir: e.DATA_DIR,
      ...(e.KURRENTDB_URL ? { kurrentdbUrl: e.KURRENTDB_URL } : {}),
      ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    },
    demoData: e.DEMO_DATA === 'on',
    production: e.NODE_ENV === 'production',
    ...(e.TOKEN_SECRET ? { tokenSecret: e.TOKEN_SECRET } : {}),
    ...(e.NOTIFICATION_KEY ? { notificationKey: e.NOTIFICATION_KEY } : {}),
    tokenTtlMinutes: e.TOKEN_TTL_MINUTES,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    introspection: e.GRAPHQL_INTROSPECTION ? e.GRAPHQL_INTROSPECTION === 'on' : e.NODE_ENV !== 'production',
    notifications: {
      dispatch: e.NOTIFICATIONS_DISPATCH === 'on',
      ...(e.NOTIFICATIONS_POLL_MS ? { pollMs: e.NOTIFICATIONS_POLL_MS } : {}),
      ...(e.NOTIFICATIONS_TIMEOUT_MS ? { timeoutMs: e.NOTIFICATIONS_TIMEOUT_MS } : {}),
      ...(e.NOTIFICATIONS_LEASE_MS ? { leaseMs: e.NOTIFICATIONS_LEASE_MS } : {}),
      ...(e.NOTIFICATIONS_BACKOFF_MS ? { backoffMs: e.NOTIFICATIONS_BACKOFF_MS } : {}),
    },
    streams: { perUser: e.STREAMS_PER_USER, total: e.STREAMS_TOTAL },
    scheduler: e.SCHEDULER === 'on',
    ...(e.TAIZHANG_CLOCK_FILE ? { clockFile: e.TAIZHANG_CLOCK_FILE } : {}),
    logLevel: e.LOG_LEVEL,
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    minPositionWaitMs: e.MIN_POSITION_WAIT_MS,
    ...(e.TRUST_PROXY
      ? {
          trustProxy: /^\d+$/.test(e.TRUST_PROXY)
            ? Number(e.TRUST_PROXY)
            : e.TRUST_PROXY.split(',')
                .map((p) => p.trim())
                .filter(Boolean),
        }
      : {}),
    ...(e.NODE_NAME ? { nodeName: e.NODE_NAME } : {}),
    onceOnlyLeaseSeconds: e.ONCE_ONLY_LEASE_SECONDS,
  };
}
