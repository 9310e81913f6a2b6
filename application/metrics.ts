import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CHECKPOINT_STREAM } from '../eventstore/checkpoints.js';
import type { OnceOnlyWork } from '../eventstore/lease.js';
import type { StoreObserver } from '../eventstore/observed.js';
import type { EventStore } from '../eventstore/port.js';
import type { ProjectionRunner } from '../projections/runner.js';

/** Every series' name begins so: one server's metrics are told from others' on a shared Prometheus. */
export const METRIC_PREFIX = 'taizhang_';

/** Seconds buckets for work that takes a millisecond to a few seconds (a request, an fsync'd append). */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Operation names a client may send are its own choice: past this many distinct ones, the rest count as "other". */
const MAX_OPERATION_NAMES = 200;

/**
 * The server's Prometheus metrics (docs/configuration.md lists them): one registry per application,
 * made by the composition root, so two servers in one process (the tests) never share counts.
 * The application reports commands, appends, checkpoints and deliveries here; the transport
 * reports requests and live streams; the read side's lag is read at each scrape.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();

  readonly httpRequests = new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by method, route, GraphQL operation (its name, or "-" outside /graphql) and status.',
    labelNames: ['method', 'route', 'operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'Time to answer an HTTP request, by method, route and GraphQL operation.',
    labelNames: ['method', 'route', 'operation'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: `${METRIC_PREFIX}commands_total`,
    help: 'Commands handled, by type and outcome (accepted, replayed, unchanged, rejected) and, when rejected, the error code.',
    labelNames: ['type', 'outcome', 'code'] as const,
    registers: [this.registry],
  });
  readonly appendDuration = new Histogram({
    name: `${METRIC_PREFIX}append_duration_seconds`,
    help: 'Time of one append to the event store (one durable commit), by outcome (ok, failed).',
    labelNames: ['outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({
    name: `${METRIC_PREFIX}events_appended_total`,
    help: 'Events this process appended to the log.',
    registers: [this.registry],
  });
  readonly checkpoints = new Counter({
    name: `${METRIC_PREFIX}checkpoints_written_total`,
    help: 'Integrity checkpoints (防篡改检查点) this process recorded.',
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: `${METRIC_PREFIX}notification_deliveries_total`,
    help: 'Notification deliveries (通知) this process attempted, by channel, its kind and outcome (succeeded, failed, gave_up).',
    labelNames: ['channel', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly minPositionWaits = new Counter({
    name: `${METRIC_PREFIX}min_position_requests_total`,
    help: 'Requests that asked for a log position (X-Min-Position), by outcome: served at once, served after waiting, or refused as behind.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor({ processMetrics = false }: { processMetrics?: boolean } = {}) {
    // CPU, memory, event-loop lag and GC of the process: for a server process, not for each test server.
    if (processMetrics) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  /** What the store tells (eventstore/observed.ts), counted. */
  readonly storeObserver: StoreObserver = {
    appended: (seconds, parts, results) => {
      this.appendDuration.observe({ outcome: results ? 'ok' : 'failed' }, seconds);
      if (!results) return;
      for (const part of parts) {
        this.eventsAppended.inc(part.events.length);
        if (part.streamId === CHECKPOINT_STREAM) this.checkpoints.inc(part.events.length);
      }
    },
    command: (type, outcome) => this.commands.inc({ type, outcome: outcome.kind, code: outcome.kind === 'rejected' ? outcome.code : '' }),
  };

  /** One request answered. `operation` is the GraphQL operation's name, bounded in how many distinct ones are kept. */
  request(labels: { method: string; route: string; operation: string; status: number }, seconds: number): void {
    const operation = this.operationLabel(labels.operation);
    this.httpRequests.inc({ method: labels.method, route: labels.route, operation, status: String(labels.status) });
    this.httpDuration.observe({ method: labels.method, route: labels.route, operation }, seconds);
  }

  private operationLabel(name: string): string {
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_NAMES) return 'other';
    this.operations.add(name);
    return name;
  }

  /** A delivery's outcome, from the dispatcher. */
  delivered(channel: string, kind: string, outcome: 'succeeded' | 'failed' | 'gave_up'): void {
    this.deliveries.inc({ channel, kind, outcome });
  }

  /** The read side's progress, read at each scrape: the log's head, the runner's position, how far behind it is in events and seconds. */
  followLog(name: string, runner: ProjectionRunner, store: EventStore, clock: () => string): void {
    // One reading per scrape, shared by the four gauges (prom-client asks each for its value at once).
    let pending: Promise<{ at: number; head: number; seconds: number }> | undefined;
    const read = async () => {
      const at = runner.position;
      const head = await store.headPosition();
      const [next] = head > at ? await store.readAll({ after: at, maxCount: 1 }) : [];
      const seconds = next ? (Date.parse(clock()) - Date.parse(next.metadata.occurredAt)) / 1000 : 0;
      return { at, head, seconds: Number.isFinite(seconds) ? Math.max(0, seconds) : 0 };
    };
    const sample = () => {
      pending ??= read().finally(() => {
        pending = undefined;
      });
      return pending;
    };
    const gauge = (metric: string, help: string, value: (s: Awaited<ReturnType<typeof read>>) => number, labelled = true) =>
      new Gauge({
        name: `${METRIC_PREFIX}${metric}`,
        help,
        labelNames: labelled ? ['runner'] : [],
        registers: [this.registry],
        async collect() {
          const s = await sample();
          if (labelled) this.set({ runner: name }, value(s));
          else this.set(value(s));
        },
      });
    gauge('log_head_position', "Position of the log's last event (-1 when empty).", (s) => s.head, false);
    gauge('projection_position', 'Log position the read models have applied, by runner.', (s) => s.at);
    gauge(
      'projection_lag_events',
      'Log positions the read models are behind the head, by runner (positions may skip numbers: at most this many events).',
      (s) => Math.max(0, s.head - s.at),
    );
    // By the first unapplied event's `occurredAt` on the application's clock: a scrape reads the head and one event, whatever the log's size.
    gauge(
      'projection_lag_seconds',
      'Seconds since the oldest event the read models have not applied was recorded, by runner; 0 when current.',
      (s) => s.seconds,
    );
  }

  /** Whether this server runs the once-only work (checkpoints, the scheduler), read at each scrape. */
  onceOnly(work: OnceOnlyWork): void {
    this.gauge(
      'once_only_work_held',
      'Whether this server holds the lease of the once-only work (checkpoints, the scheduler): 1 or 0.',
      () => (work.held ? 1 : 0),
    );
    this.gauge(
      'once_only_work_takeovers',
      'Times this server took the lease of the once-only work since it started.',
      () => work.takeovers,
    );
  }

  /** A gauge read at each scrape. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
