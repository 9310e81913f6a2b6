import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../api/server.js';
import { ledgerView } from '../projections/ledgerView.js';
import { problemFacts } from '../projections/problemFacts.js';
import { ProjectionRunner } from '../projections/runner.js';
import { domainEventDefinitions } from '../domain/index.js';
import { GENESIS_HASH, eventHash } from '../eventstore/hashChain.js';
import { openEventStore, sqliteFile } from '../eventstore/index.js';
import type { EventMetadata, NewEvent } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { generateCounty } from '../tests/support/countyLog.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 3's benchmark of the read models, on a generated county of about 1,000,000 events
 * (about 108,000 problems, ten events each, 88 units) in the SQLite store:
 * - building the read models in events/s, beside the raw rate of reading and JSON-parsing the same
 *   rows from the same file in the same run, and the peak resident memory while building: issue 3's
 *   projections alone (ledger view + problem facts), then the whole server start (createApp);
 * - the county battle map over HTTP, median and p99, with the answer cached (log unchanged) and
 *   computed (an event appended before every query);
 * - `scorecards(year)` for every assessed unit with every line of explanation, the same way.
 */
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
  new SqliteEventStore(file, undefined, { synchronous: 'OFF' }).close();
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const heads = new Map<string, { revision: number; hash: string }>();
  let pending: { streamId: string; event: NewEvent }[] = [];
  const flush = db.transaction((rows: typeof pending) => {
    for (const { streamId, event } of rows) {
      const head = heads.get(streamId);
      const revision = head ? head.revision + 1 : 0;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const metadata: EventMetadata = { ...event.metadata, prevHash };
      const hash = eventHash({ streamId, revision, type: event.type, data: event.data, metadata }, prevHash);
      heads.set(streamId, { revision, hash });
      insert.run(event.id, streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify({ ...metadata, hash }));
    }
  });
  let events = 0;
  const problems = Math.round(TARGET_EVENTS / 9.25);
  generateCounty({
    problems,
    grouped: true,
    onProblem: (entries) => {
      pending.push(...entries);
      events += entries.length;
      if (pending.length >= 20_000) {
        flush(pending);
        pending = [];
      }
    },
  });
  flush(pending);
  db.close();
  return { events, problems };
}

/** Reads every row and parses its JSON, nothing else: the ceiling any read model is measured against. */
function rawRead(file: string): { events: number; seconds: number } {
  const db = new Database(file, { readonly: true });
  const started = performance.now();
  let events = 0;
  for (const row of db.prepare('SELECT position, event_id, stream_id, revision, type, data, metadata FROM events ORDER BY position').iterate()) {
    const r = row as { data: string; metadata: string };
    JSON.parse(r.data);
    JSON.parse(r.metadata);
    events++;
  }
  db.close();
  return { events, seconds: (performance.now() - started) / 1000 };
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
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query }) });
    const text = await response.text();
    times.push(performance.now() - started);
    bytes = text.length;
    if (text.includes('"errors"')) throw new Error(`Query failed: ${text.slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p99: percentile(times, 99), bytes };
}

export async function run(): Promise<FigureTable[]> {
  const dir = mkdtempSync(join(tmpdir(), 'taizhang-bench-projections-'));
  const file = sqliteFile(dir);
  try {
    const written = writeCounty(file);
    const rawBefore = rawRead(file);

    // Opened as the server opens it: hash-chained, schema codec on read.
    const store = await openEventStore({ kind: 'sqlite', dataDir: dir }, schemaCodec(domainEventDefinitions));
    // Issue 3's read models alone first (the ledger view and the problem facts), then the whole server.
    const alone = await measured(async () => {
      const runner = new ProjectionRunner(store, [ledgerView, problemFacts]);
      await runner.start();
      await runner.stop();
    });
    // No integrity checkpoints: recording them is issue 6's cost (bench/verify.ts), not the read models'.
    const whole = await measured(() => createApp(store, { clock: () => '2020-06-30T10:00:00+08:00', checkpoints: false, filesDir: join(dir, 'files') }));
    const app = whole.value;
    const rawAfter = rawRead(file);
    const rawRate = (rawBefore.events + rawAfter.events) / (rawBefore.seconds + rawAfter.seconds);
    const aloneRate = written.events / alone.seconds;
    const buildRate = written.events / whole.seconds;

    const server = app.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    // Reading needs a signed-in user: the office's console.
    const password = 'bench-password-1';
    const benchActor = { userId: 'bench', name: '基准测试', unitId: null, role: 'admin' };
    await app.accounts.register({ login: 'bench', displayName: '基准测试', roles: ['office'], unitId: null, password }, { actor: benchActor, commandId: 'bench-user', now: () => '2020-06-30T09:00:00+08:00' });
    await app.runner.waitFor(await store.headPosition());
    const login = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(login: "bench", password: "${password}") { token } }` }),
    });
    authorization = `Bearer ${((await login.json()) as { data: { login: { token: string } } }).data.login.token}`;
    // An event between queries changes the log, so the answer is computed afresh, not taken from the cache.
    const anyProblem = [...app.readModels.live.problems.keys()];
    const touch = async (i: number) => {
      const problemId = anyProblem[(i * 997) % anyProblem.length]!;
      const id = `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
      const metadata = { actor: { userId: 'bench', name: 'bench', unitId: null, role: 'office' }, commandId: id, correlationId: id, causationId: id, occurredAt: '2020-06-30T09:00:00+08:00', schemaVersion: 1 };
      const { position } = await store.appendToStream(`problem-${problemId}`, [{ id, type: 'ProgressReported', data: { problemId, progress: '推进中', percentComplete: 50 }, metadata }], 'any');
      await app.runner.waitFor(position);
    };
    const mapCached = await timeQueries(url, MAP_QUERY);
    const mapComputed = await timeQueries(url, MAP_QUERY, touch);
    const cardsCached = await timeQueries(url, CARDS_QUERY);
    const cardsComputed = await timeQueries(url, CARDS_QUERY, (i) => touch(i + QUERIES));
    // 36 MB answers: ten are enough to see the median.
    const linesCached = await timeQueries(url, LINES_QUERY, undefined, 10);
    const facts = app.readModels.live;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await app.close();

    const ms = (n: number) => Math.round(n * 10) / 10;
    return [
      {
        title: `Building the read models from ${written.events.toLocaleString('en-US')} events (${written.problems.toLocaleString('en-US')} problems) in SQLite`,
        rows: [
          { what: 'raw: read + JSON.parse every row (better-sqlite3)', 'events/s': Math.round(rawRate), '÷ raw': 1, seconds: Math.round((written.events / rawRate) * 10) / 10, 'peak RSS MiB': '' },
          {
            what: 'ledger view + problem facts (issue 3), schema codec on read',
            'events/s': Math.round(aloneRate),
            '÷ raw': Math.round((aloneRate / rawRate) * 100) / 100,
            seconds: Math.round(alone.seconds * 10) / 10,
            'peak RSS MiB': String(Math.round(alone.peak / 2 ** 20)),
          },
          {
            what: 'server start: every projection the server runs (audit trail, accounts, hotline too)',
            'events/s': Math.round(buildRate),
            '÷ raw': Math.round((buildRate / rawRate) * 100) / 100,
            seconds: Math.round(whole.seconds * 10) / 10,
            'peak RSS MiB': String(Math.round(whole.peak / 2 ** 20)),
          },
        ],
        notes: [`${facts.problems.size.toLocaleString('en-US')} problems held. Peak resident memory is the process's, sampled every 25 ms while each build ran.`],
      },
      {
        title: `Queries over HTTP (${QUERIES} each, 10 for every line; ${facts.problems.size.toLocaleString('en-US')} problems, ${facts.units.size} units)`,
        rows: [
          { query: 'battleMap (county), log unchanged', 'median ms': ms(mapCached.median), 'p99 ms': ms(mapCached.p99), 'response KB': Math.round(mapCached.bytes / 1024) },
          { query: 'battleMap (county), event appended before each', 'median ms': ms(mapComputed.median), 'p99 ms': ms(mapComputed.p99), 'response KB': Math.round(mapComputed.bytes / 1024) },
          { query: 'scorecards(year: 2019) with the breakdown by rule, log unchanged', 'median ms': ms(cardsCached.median), 'p99 ms': ms(cardsCached.p99), 'response KB': Math.round(cardsCached.bytes / 1024) },
          { query: 'scorecards(year: 2019) with the breakdown by rule, event appended before each', 'median ms': ms(cardsComputed.median), 'p99 ms': ms(cardsComputed.p99), 'response KB': Math.round(cardsComputed.bytes / 1024) },
          { query: 'scorecards(year: 2019) with every line, log unchanged', 'median ms': ms(linesCached.median), 'p99 ms': ms(linesCached.p99), 'response KB': Math.round(linesCached.bytes / 1024) },
        ],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runIfMain(import.meta.url, run);
