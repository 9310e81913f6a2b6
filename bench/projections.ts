import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApplication } from '../application/index.js';
import { ledgerView } from '../projections/ledgerView.js';
import { problemFacts } from '../projections/problemFacts.js';
import { ProjectionRunner } from '../projections/runner.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore, sqliteFile } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { generateCounty } from '../tests/support/countyLog.js';
import { type ServerProcess, spawnServer, stopServer } from '../tests/support/serverProcess.js';
import { type RawLogEntry, rawLogWriter } from './rawLog.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 3's benchmark of the read models, on a generated county of about 1,000,000 events
 * (about 108,000 problems, ten events each, 88 units) in the SQLite store:
 * - building the read models in events/s, beside the raw rate of reading and JSON-parsing the same
 *   rows from the same file in the same run, and the peak resident memory while building: issue 3's
 *   projections alone (ledger view + problem facts), then the whole application start (createApplication);
 * - the county battle map over HTTP from the real server (`api/main.ts` in a child process on the same
 *   file), median and p99, with the answer cached (log unchanged) and computed (an event appended
 *   before every query);
 * - `scorecards(year)` for every assessed unit with every line of explanation, the same way.
 */
/** `BENCH_EVENTS=20000` for a quick run. */
const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const QUERIES = 40;

const MAP_QUERY = `{ battleMap { light onTimeClosureRate
  tally { total { count } open { count } overdue { count } dueSoon { count } closed { count } red { count } yellow { count } green { count } }
  byStatus { status problems { count } }
  bySource { source tally { total { count } overdue { count } red { count } } }
  byCategory { category tally { total { count } overdue { count } red { count } } }
  units { unit { name } light tally { total { count } open { count } overdue { count } dueSoon { count } red { count } } } } }`;
const CARDS_QUERY = `{ scorecards(year: 2019) { unit { name } score grade veto rank ordinaryScore yearEndScore
  breakdown { part rule lines exempted points contribution } } }`;
const LINES_QUERY = `{ scorecards(year: 2019) { unit { name } score grade veto rank
  lines { id part rule points contribution ledgerNumber eventIds } } }`;

/**
 * Writes the generated county straight into the store's table in big transactions, with the hashes
 * the chain computes (as bench/verify.ts does): setup, not measured.
 */
function writeCounty(file: string): { events: number; problems: number } {
  const log = rawLogWriter(file);
  let pending: RawLogEntry[] = [];
  let events = 0;
  const problems = Math.round(TARGET_EVENTS / 9.25);
  generateCounty({
    problems,
    grouped: true,
    onProblem: (entries) => {
      pending.push(...entries);
      events += entries.length;
      if (pending.length >= 20_000) {
        log.write(pending);
        pending = [];
      }
    },
  });
  log.write(pending);
  log.close();
  return { events, problems };
}

/**
 * Reads every row and parses its JSON, nothing else: the ceiling any read model is measured against. `limit`: the first
 * rows alone (the log as written, without what a server appended to it since), with the CPU time it took.
 */
export function rawRead(file: string, limit = -1): { events: number; seconds: number; cpu: number } {
  const db = new Database(file, { readonly: true });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let events = 0;
  for (const row of db
    .prepare('SELECT position, event_id, stream_id, revision, type, data, metadata FROM events ORDER BY position LIMIT ?')
    .iterate(limit)) {
    const r = row as { data: string; metadata: string };
    JSON.parse(r.data);
    JSON.parse(r.metadata);
    events++;
  }
  db.close();
  const cpu = process.cpuUsage(cpuBefore);
  return { events, seconds: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** Runs `build`, timing it and sampling the resident memory every 25 ms; the peak is the process's, so run the smaller build first. */
async function measured<T>(build: () => Promise<T>): Promise<{ value: T; seconds: number; peak: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const started = performance.now();
  const value = await build();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  return { value, seconds, peak: Math.max(peak, process.memoryUsage().rss) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let authorization = '';

async function timeQueries(url: string, query: string, before?: (i: number) => Promise<void>, count = QUERIES) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    await before?.(i);
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    times.push(performance.now() - started);
    bytes = text.length;
    if (text.includes('"errors"')) throw new Error(`Query failed: ${text.slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p99: percentile(times, 99), bytes };
}

/**
 * Starts the real server (`api/main.ts`, from the source through tsx as `npm run dev` does) in a child
 * process on the store in `dataDir`. Checkpoints are pushed out of reach (issue 6's cost, not the read
 * models'), and it waits until the child's CPU has gone quiet, so the checkpoint follower's own pass
 * over the log is not timed with the queries.
 */
async function startServer(dataDir: string): Promise<ServerProcess> {
  const server = await spawnServer(
    {
      EVENT_STORE: 'sqlite',
      DATA_DIR: dataDir,
      DEMO_DATA: 'off',
      HOST: '127.0.0.1',
      CHECKPOINT_EVERY_EVENTS: String(2 ** 31),
      CHECKPOINT_EVERY_SECONDS: String(1_000_000), // (its timer takes milliseconds in 32 bits)
    },
    600_000,
  );
  await quiet(server.child.pid!);
  return server;
}

/** Waits until process `pid` uses under a tenth of a core over half a second (Linux's /proc; elsewhere a fixed pause). */
async function quiet(pid: number): Promise<void> {
  const ticks = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (usually 100 a second)
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    for (let before = ticks(); ; ) {
      await pause(500);
      const now = ticks();
      if (now - before < 5) return;
      before = now;
    }
  } catch {
    await pause(30_000);
  }
}

/** Resolves once the server's read models have applied the event at `position`: its audit trail, kept by the same runner event by event, shows it. */
async function serverReached(url: string, position: number): Promise<void> {
  for (;;) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ auditLog(limit: 1) { position } }' }),
    });
    const answer = (await response.json()) as { data?: { auditLog: { position: number }[] } };
    if ((answer.data?.auditLog[0]?.position ?? -1) >= position) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The queries, timed over HTTP against the real server. An event between queries changes the log,
 * so the answer is computed afresh, not taken from the cache: it is appended from this process (as
 * a second writer on the same file) and the next query waits until the server has applied it.
 */
async function queriesOverHttp(dir: string, password: string, anyProblem: string[]) {
  const server = await startServer(dir);
  const writer = await openEventStore({ kind: 'sqlite', dataDir: dir }, schemaCodec(domainEventDefinitions));
  try {
    const url = `${server.url}/graphql`;
    const login = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(login: "bench", password: "${password}") { token } }` }),
    });
    authorization = `Bearer ${((await login.json()) as { data: { login: { token: string } } }).data.login.token}`;
    const touch = async (i: number) => {
      const problemId = anyProblem[(i * 997) % anyProblem.length]!;
      const id = `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
      const metadata = {
        actor: { userId: 'bench', name: 'bench', unitId: null, role: 'office' },
        commandId: id,
        correlationId: id,
        causationId: id,
        occurredAt: '2020-06-30T09:00:00+08:00',
        schemaVersion: 1,
      };
      const { position } = await writer.appendToStream(
        `problem-${problemId}`,
        [{ id, type: 'ProgressReported', data: { problemId, progress: '推进中', percentComplete: 50 }, metadata }],
        'any',
      );
      await serverReached(url, position);
    };
    return {
      mapCached: await timeQueries(url, MAP_QUERY),
      mapComputed: await timeQueries(url, MAP_QUERY, touch),
      cardsCached: await timeQueries(url, CARDS_QUERY),
      cardsComputed: await timeQueries(url, CARDS_QUERY, (i) => touch(i + QUERIES)),
      // 36 MB answers: ten are enough to see the median.
      linesCached: await timeQueries(url, LINES_QUERY, undefined, 10),
    };
  } finally {
    await writer.close();
    await stopServer(server);
  }
}

export async function run(): Promise<FigureTable[]> {
  const dir = mkdtempSync(join(tmpdir(), 'taizhang-bench-projections-'));
  const file = sqliteFile(dir);
  try {
    const written = writeCounty(file);
    const rawBefore = rawRead(file);

    // Opened as the server opens it: hash-chained, schema codec on read.
    const store = await openEventStore({ kind: 'sqlite', dataDir: dir }, schemaCodec(domainEventDefinitions));
    // Issue 3's read models alone first (the ledger view and the problem facts), then the whole application.
    const alone = await measured(async () => {
      const runner = new ProjectionRunner(store, [ledgerView, problemFacts]);
      await runner.start();
      await runner.stop();
    });
    // No integrity checkpoints: recording them is issue 6's cost (bench/verify.ts), not the read models'.
    const whole = await measured(() => createApplication(store, { clock: () => '2020-06-30T10:00:00+08:00', checkpoints: false }));
    const app = whole.value;
    const rawAfter = rawRead(file);
    const rawRate = (rawBefore.events + rawAfter.events) / (rawBefore.seconds + rawAfter.seconds);
    const aloneRate = written.events / alone.seconds;
    const buildRate = written.events / whole.seconds;

    // Reading needs a signed-in user: the office's console.
    const password = 'bench-password-1';
    const benchActor = { userId: 'bench', name: '基准测试', unitId: null, role: 'admin' };
    await app.accounts.register(
      { login: 'bench', displayName: '基准测试', roles: ['office'], unitId: null, password },
      { actor: benchActor, commandId: 'bench-user', now: () => '2020-06-30T09:00:00+08:00' },
    );
    const anyProblem = [...app.readModels.live.problems.keys()];
    const facts = { problems: app.readModels.live.problems.size, units: app.readModels.live.units.size };
    // The server builds its own read models: free this process's before it starts.
    await app.close();

    const { mapCached, mapComputed, cardsCached, cardsComputed, linesCached } = await queriesOverHttp(dir, password, anyProblem);

    const ms = (n: number) => Math.round(n * 10) / 10;
    return [
      {
        title: `Building the read models from ${written.events.toLocaleString('en-US')} events (${written.problems.toLocaleString('en-US')} problems) in SQLite`,
        rows: [
          {
            what: 'raw: read + JSON.parse every row (better-sqlite3)',
            'events/s': Math.round(rawRate),
            '÷ raw': 1,
            seconds: Math.round((written.events / rawRate) * 10) / 10,
            'peak RSS MiB': '',
          },
          {
            what: 'ledger view + problem facts (issue 3), schema codec on read',
            'events/s': Math.round(aloneRate),
            '÷ raw': Math.round((aloneRate / rawRate) * 100) / 100,
            seconds: Math.round(alone.seconds * 10) / 10,
            'peak RSS MiB': String(Math.round(alone.peak / 2 ** 20)),
          },
          {
            what: 'application start (createApplication): every projection the server runs (audit trail, accounts, hotline too)',
            'events/s': Math.round(buildRate),
            '÷ raw': Math.round((buildRate / rawRate) * 100) / 100,
            seconds: Math.round(whole.seconds * 10) / 10,
            'peak RSS MiB': String(Math.round(whole.peak / 2 ** 20)),
          },
        ],
        notes: [
          `${facts.problems.toLocaleString('en-US')} problems held. Peak resident memory is the process's, sampled every 25 ms while each build ran.`,
        ],
      },
      {
        title: `Queries over HTTP to the server (${QUERIES} each, 10 for every line; ${facts.problems.toLocaleString('en-US')} problems, ${facts.units} units)`,
        rows: [
          {
            query: 'battleMap (county), log unchanged',
            'median ms': ms(mapCached.median),
            'p99 ms': ms(mapCached.p99),
            'response KB': Math.round(mapCached.bytes / 1024),
          },
          {
            query: 'battleMap (county), event appended before each',
            'median ms': ms(mapComputed.median),
            'p99 ms': ms(mapComputed.p99),
            'response KB': Math.round(mapComputed.bytes / 1024),
          },
          {
            query: 'scorecards(year: 2019) with the breakdown by rule, log unchanged',
            'median ms': ms(cardsCached.median),
            'p99 ms': ms(cardsCached.p99),
            'response KB': Math.round(cardsCached.bytes / 1024),
          },
          {
            query: 'scorecards(year: 2019) with the breakdown by rule, event appended before each',
            'median ms': ms(cardsComputed.median),
            'p99 ms': ms(cardsComputed.p99),
            'response KB': Math.round(cardsComputed.bytes / 1024),
          },
          {
            query: 'scorecards(year: 2019) with every line, log unchanged',
            'median ms': ms(linesCached.median),
            'p99 ms': ms(linesCached.p99),
            'response KB': Math.round(linesCached.bytes / 1024),
          },
        ],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runIfMain(import.meta.url, run);
