import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_STREAM } from '../eventstore/checkpoints.js';
import { addUnit, addUser, bearer, logIn, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { openStream } from './support/liveStream.js';
import { eventually, startReceiver } from './support/receivers.js';

/**
 * Operating a server, over real HTTP: /metrics scraped before and after queries and commands, the
 * request id carried from the request to its log line and its events' correlation id, the log
 * position each answer reports, X-Min-Position, and /healthz, /readyz and serverStatus.
 */
let server: TestServer;
const logLines: Record<string, any>[] = [];
const receiver = await startReceiver({ failFirst: 1 });
const as = { office: '', admin: '', head: '', headUserId: '' };
let township = '';

beforeAll(async () => {
  server = await startTestServer({
    logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) }),
    checkpoints: { everyEvents: 10, everySeconds: 3600, triggerTypes: [] },
    notifications: { pollMs: 50, backoffMs: 50 },
    minPositionWaitMs: 300,
  });
  township = await addUnit(server, '落儿岭镇');
  as.admin = await tokenFor(server, ['admin']);
  as.office = await tokenFor(server, ['office']);
  const head = await addUser(server, { roles: ['unit_head'], unitId: township });
  as.headUserId = head.userId;
  as.head = await logIn(server, head.login, head.password);
});
afterAll(async () => {
  await server.stop();
  await receiver.close();
});

type Answer = { status: number; headers: Headers; body: any };
async function post(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const RAISE = `mutation Raise($d: String!, $c: ID) {
  raiseProblem(source: county_self_check, category: housing, description: $d, commandId: $c) { problem { id } replayed }
}`;
const raise = (description: string, headers: Record<string, string> = {}, commandId?: string) =>
  post(RAISE, { d: description, c: commandId ?? null }, { ...bearer(as.office), ...headers });

/** A scrape of /metrics, as Prometheus reads it: each sample with its labels. */
type Sample = { name: string; labels: Record<string, string>; value: number };
async function scrape(headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await fetch(`${server.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const samples: Sample[] = [];
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}
/** The sum of the samples of `name` whose labels include these. */
const sampled = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
const has = (samples: Sample[], name: string) => samples.some((s) => s.name === name);

/** Waits until the checkpointer and the read models are done with what was written (nothing left to apply). */
async function settledLog() {
  await eventually(async () => server.runner.position === (await server.store.headPosition()), 10_000, 'read models current');
}

describe('the request id', () => {
  it('is the client’s X-Request-Id when given, returned in the answer, on the log line, and the correlation id of the events', async () => {
    const answer = await raise('危房改造未完成（请求编号）', { 'x-request-id': 'audit-7f3a.1' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe('audit-7f3a.1');
    const problemId = answer.body.data.raiseProblem.problem.id as string;
    const history = await server.ledger.history(problemId);
    expect(history.map((e) => e.metadata.correlationId)).toEqual(['audit-7f3a.1']);
    const line = logLines.find((l) => l.reqId === 'audit-7f3a.1');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      method: 'POST',
      route: '/graphql',
      operation: 'Raise',
      operationType: 'mutation',
      status: 200,
    });
    expect(line!.ms).toBeGreaterThan(0);
    expect(typeof line!.userId).toBe('string');
  });

  it('is made by the server when none (or an unusable one) is given', async () => {
    for (const headers of [{}, { 'x-request-id': 'not a plain token; <script>' }] as Record<string, string>[]) {
      const answer = await raise('危房改造未完成（无请求编号）', headers);
      const id = answer.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const history = await server.ledger.history(answer.body.data.raiseProblem.problem.id);
      expect(history[0]!.metadata.correlationId).toBe(id);
      expect(logLines.filter((l) => l.reqId === id)).toHaveLength(1);
    }
  });
});

describe('the log position of an answer', () => {
  it('a mutation says the position of the events it appended (header and extensions); its retry, the same position', async () => {
    const first = await raise('道路硬化未完成', {}, 'observability-raise-1');
    const problemId = first.body.data.raiseProblem.problem.id as string;
    const [raised] = await server.ledger.history(problemId);
    expect(first.headers.get('x-log-position')).toBe(String(raised!.position));
    expect(first.body.extensions).toEqual({ logPosition: raised!.position });

    await raise('另一个问题，在重试之前');
    const retry = await raise('道路硬化未完成', {}, 'observability-raise-1');
    expect(retry.body.data.raiseProblem.replayed).toBe(true);
    expect(retry.headers.get('x-log-position')).toBe(String(raised!.position));
    expect(retry.body.extensions).toEqual({ logPosition: raised!.position });
  });

  it('a query says the position its read models had applied (no extensions)', async () => {
    const written = await raise('饮水安全未达标');
    const position = Number(written.headers.get('x-log-position'));
    const read = await post('query Units { units { id } }', {}, bearer(as.office));
    expect(read.body.extensions).toBeUndefined();
    const served = Number(read.headers.get('x-log-position'));
    expect(served).toBeGreaterThanOrEqual(position);
    expect(served).toBeLessThanOrEqual(await server.store.headPosition());
  });
});

describe('X-Min-Position', () => {
  const ME = '{ me { login } }';

  it('a position already applied is served at once', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    await settledLog();
    const answer = await post(ME, {}, { ...bearer(as.office), 'x-min-position': String(head) });
    expect(answer.status).toBe(200);
    expect(answer.body.data.me.login).toBeTruthy();
  });

  it('a position about to be written is waited for, then served', async () => {
    await settledLog();
    await server.settled();
    const head = await server.store.headPosition();
    const waiting = post(ME, {}, { ...bearer(as.office), 'x-min-position': String(head + 1) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await raise('医疗保障未落实');
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(Number(answer.headers.get('x-log-position'))).toBeGreaterThan(head);
  });

  it('a position the node does not reach within the wait is refused: 503 BEHIND_LOG_POSITION, saying where it is', async () => {
    await settledLog();
    await server.settled();
    const head = await server.store.headPosition();
    const started = Date.now();
    const answer = await post(ME, {}, { ...bearer(as.office), 'x-min-position': String(head + 1000) });
    const waited = Date.now() - started;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body.errors[0]).toMatchObject({
      extensions: { code: 'BEHIND_LOG_POSITION', position: head, minPosition: head + 1000 },
    });
    expect(answer.body.errors[0].message).toContain(`up to position ${head}, not yet ${head + 1000}`);
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(3000);
  });

  it('a header that is not a position is the caller’s mistake: 400', async () => {
    for (const bad of ['abc', '1.5', '-2', '99999999999999999999']) {
      const answer = await post(ME, {}, { ...bearer(as.office), 'x-min-position': bad });
      expect(answer.status, bad).toBe(400);
      expect(answer.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    }
  });
});

describe('alive and ready', () => {
  it('/healthz, /readyz and serverStatus say the read models are current, at the head', async () => {
    await settledLog();
    await server.settled();
    const head = await server.store.headPosition();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', ready: true });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const readiness = (await ready.json()) as { ready: boolean; position: number; head: number };
    expect(readiness.ready).toBe(true);
    expect(readiness.position).toBe(readiness.head);
    expect(readiness.head).toBeGreaterThanOrEqual(head);
    // No sign-in needed, like the probe.
    const status = await post('{ serverStatus { ready position head } }');
    expect(status.body.data.serverStatus.ready).toBe(true);
    expect(status.body.data.serverStatus.position).toBe(status.body.data.serverStatus.head);
  });
});

describe('/metrics', () => {
  it('counts requests by operation, commands by type and outcome, appends, and moves as they happen', async () => {
    await settledLog();
    const before = await scrape();
    for (const name of [
      'taizhang_http_requests_total',
      'taizhang_http_request_duration_seconds_bucket',
      'taizhang_commands_total',
      'taizhang_append_duration_seconds_count',
      'taizhang_events_appended_total',
      'taizhang_checkpoints_written_total',
      'taizhang_projection_lag_events',
      'taizhang_projection_lag_seconds',
      'taizhang_projection_position',
      'taizhang_log_head_position',
      'taizhang_live_streams_open',
    ])
      expect(has(before, name), name).toBe(true);

    for (let i = 0; i < 3; i++) expect((await post('query Units { units { id } }', {}, bearer(as.office))).status).toBe(200);
    const a = (await raise('住房安全有保障未落实', {}, 'metrics-raise-a')).body.data.raiseProblem.problem.id as string;
    await raise('住房安全有保障未落实', {}, 'metrics-raise-a');
    await raise('义务教育有保障未落实');
    const assigned = await post(
      'mutation Assign($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "李") { problem { id } } }',
      { p: a, u: township },
      bearer(as.office),
    );
    expect(assigned.body.errors).toBeUndefined();
    const refused = await post('mutation Close($p: ID!) { closeProblem(problemId: $p) { problem { id } } }', { p: a }, bearer(as.office));
    expect(refused.body.errors[0].extensions.code).toBe('VERIFICATION_REQUIRED');
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string> = {}) => sampled(after, name, labels) - sampled(before, name, labels);
    expect(delta('taizhang_http_requests_total', { method: 'POST', route: '/graphql', operation: 'Units', status: '200' })).toBe(3);
    expect(delta('taizhang_http_request_duration_seconds_count', { route: '/graphql', operation: 'Units' })).toBe(3);
    expect(delta('taizhang_http_requests_total', { route: '/graphql', operation: 'Raise' })).toBe(3);
    expect(delta('taizhang_http_requests_total', { route: '/metrics' })).toBe(1);
    // A raise reserves its ledger number, then raises the problem. Found done: the retry's problem, and (at
    // most once per new raise) the sequence's last reservation, which each new raise makes sure was finished.
    expect(delta('taizhang_commands_total', { type: 'ReserveLedgerNumber', outcome: 'accepted' })).toBe(2);
    expect(delta('taizhang_commands_total', { type: 'RaiseProblem', outcome: 'accepted' })).toBe(2);
    expect(delta('taizhang_commands_total', { type: 'RaiseProblem', outcome: 'replayed' })).toBeGreaterThanOrEqual(1);
    expect(delta('taizhang_commands_total', { type: 'RaiseProblem', outcome: 'replayed' })).toBeLessThanOrEqual(3);
    expect(delta('taizhang_commands_total', { type: 'AssignProblem', outcome: 'accepted' })).toBe(1);
    expect(delta('taizhang_commands_total', { type: 'CloseProblem', outcome: 'rejected', code: 'VERIFICATION_REQUIRED' })).toBe(1);
    // Two raises append twice each (the ledger number, then the problem), the assignment once.
    expect(delta('taizhang_append_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(5);
    expect(delta('taizhang_append_duration_seconds_sum')).toBeGreaterThan(0);

    // Every event of this store was appended by this process; checkpoints (every 10 events) counted as the log holds them.
    // Enough events for a checkpoint (one every 10), when this test runs alone.
    while ((await server.store.readAll({ maxCount: 100 })).length < 12) await raise('教育资助未落实');
    await eventually(async () => {
      const now = await scrape();
      const checkpoints = (await server.store.readStream(CHECKPOINT_STREAM)).length;
      return (
        checkpoints > 0 &&
        sampled(now, 'taizhang_checkpoints_written_total') === checkpoints &&
        sampled(now, 'taizhang_events_appended_total') === (await server.store.readAll({ maxCount: 1_000_000 })).length
      );
    });

    await settledLog();
    const current = await scrape();
    await server.settled();
    const head = await server.store.headPosition();
    expect(sampled(current, 'taizhang_log_head_position')).toBe(head);
    expect(sampled(current, 'taizhang_projection_position', { runner: 'read_models' })).toBe(head);
    expect(sampled(current, 'taizhang_projection_lag_events', { runner: 'read_models' })).toBe(0);
    expect(sampled(current, 'taizhang_projection_lag_seconds', { runner: 'read_models' })).toBe(0);
  });

  it('counts live streams open, and notification deliveries by channel and outcome', async () => {
    const stream = await openStream(server.url, 'subscription { battleMapUpdates { eventType } }', bearer(as.office));
    await eventually(async () => sampled(await scrape(), 'taizhang_live_streams_open') === 1);
    stream.close();
    await eventually(async () => sampled(await scrape(), 'taizhang_live_streams_open') === 0);

    // A channel that fails its first send: one failed attempt, then one that succeeds.
    const configured = await post(
      'mutation($url: String!) { configureNotificationChannel(id: "ops-hook", name: "ops-hook", kind: webhook, format: json, url: $url) { id } }',
      { url: receiver.url },
      bearer(as.admin),
    );
    expect(configured.body.errors).toBeUndefined();
    const preferences = await post(
      'mutation { setNotificationPreferences(channels: ["ops-hook"], dailyDigest: false) { channels } }',
      {},
      bearer(as.head),
    );
    expect(preferences.body.errors).toBeUndefined();
    const problem = (await raise('危房改造（通知）')).body.data.raiseProblem.problem.id;
    const assigned = await post(
      'mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "钱") { problem { id } } }',
      { p: problem, u: township },
      bearer(as.office),
    );
    expect(assigned.body.errors).toBeUndefined();
    // 督办: the responsible unit's head is told, on their channel.
    const supervised = await post(
      'mutation($p: ID!) { orderSupervision(problemId: $p, instruction: "五日内办结", finishBy: "2030-12-31") { replayed } }',
      { p: problem },
      bearer(as.office),
    );
    expect(supervised.body.errors).toBeUndefined();
    await eventually(() => receiver.accepted().size >= 1, 10_000, 'the webhook to accept a delivery');
    const failedHits = receiver.hits.filter((h) => h.status !== 200).length;
    const acceptedHits = receiver.hits.filter((h) => h.status === 200).length;
    expect(failedHits).toBe(1);
    await eventually(async () => {
      const now = await scrape();
      return (
        sampled(now, 'taizhang_notification_deliveries_total', { channel: 'ops-hook', kind: 'webhook', outcome: 'succeeded' }) ===
          acceptedHits &&
        sampled(now, 'taizhang_notification_deliveries_total', { channel: 'ops-hook', kind: 'webhook', outcome: 'failed' }) === failedHits
      );
    });
  });
});

describe('who may scrape /metrics', () => {
  it('with METRICS_TOKEN set, a scraper must send it; without, this machine only', async () => {
    const guarded = await startTestServer({ metricsToken: 'scrape-token-0123456789' });
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/metrics`, { headers: bearer('wrong-token-0123456789') })).status).toBe(401);
      const allowed = await fetch(`${guarded.url}/metrics`, { headers: bearer('scrape-token-0123456789') });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('taizhang_commands_total');
    } finally {
      await guarded.stop();
    }
    // The test servers listen on 127.0.0.1: open to this machine without a token (the first server, above, is scraped so).
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });
});
