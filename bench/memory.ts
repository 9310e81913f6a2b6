import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createApplication } from '../application/index.js';
import { domainEventDefinitions } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { outboxView } from '../projections/outboxView.js';
import { FileSnapshotStore } from '../projections/snapshots.js';
import { blocking } from './asof.js';
import { heapByProjection, heapLimit, liveHeap, megabytes } from './heap.js';
import { rawRead } from './projections.js';
import { writeTimeOrdered } from './rawLog.js';
import { npmStart } from '../tests/support/serverProcess.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 12, aim 2 (memory): a generated county written in time order into SQLite, the application
 * started on it in a fresh Node process with Node's default heap and the flags `npm start` gives node (as the server
 * runs: a young generation of 16 MB, one GC helper thread on two cores), then:
 * - the live heap after start (two full collections), per million events, against < 400 MB;
 * - the county battle map and its wall, asked once (time, and the heap after it);
 * - the as-of history (it follows the start; after a start from snapshots it folds up to them), and the heap with it;
 * - heap used against `heap_size_limit`, the peak resident memory, and whether the process survived;
 * - the first start's snapshots written (as a live server writes them every 50,000 events): how long, the longest block;
 * - a warm start after it, in a process of its own (a server restarted): the snapshots the first start saved, the live
 *   heap then, and with the as-of history restored;
 * - the raw read + JSON.parse rate of the same file, the anchor; and, at the first size, which
 *   projection holds the heap (each built alone).
 * Sizes: `npm run bench -- memory 100000 1000000 10000000` (numbers after the name; 100k and 1M by
 * default). Above 1M events the county grows with the log (townships and departments × events / 1M;
 * two years as at 1M). Generated logs are kept under bench/data/ by their parameters, so a rerun
 * (10M takes minutes to write) reuses them; delete the folder to free the disk.
 */
const DEFAULT_SIZES = [100_000, 1_000_000];
const NOW = '2020-12-31T12:00:00+08:00';
const DATA = join(dirname(fileURLToPath(import.meta.url)), 'data');
const HISTORY_LIMIT_MS = Number(process.env.BENCH_MEMORY_HISTORY_LIMIT_MS ?? 600_000);
/**
 * Node's flags for the measured processes beside `npm start`'s, split at spaces, to find what a long block was:
 * `--import ./bench/loopGaps.mjs` (the loop's gaps and the collector's pauses: one file for each process, written in the
 * working folder) or `--cpu-prof --cpu-prof-dir=…`; as `BENCH_STARTUP_NODE_FLAGS` is for the startup bench.
 */
const CHILD_NODE_FLAGS = (process.env.BENCH_MEMORY_NODE_FLAGS ?? '').split(' ').filter(Boolean);

function sizes(): number[] {
  const chosen = process.argv
    .slice(2)
    .filter((a) => /^\d+$/.test(a))
    .map(Number);
  return chosen.length > 0 ? chosen : DEFAULT_SIZES;
}

/** The county for a log of `target` events: the bench's county up to 1M, a larger one beyond. */
function countyFor(target: number) {
  const k = Math.max(1, Math.round(target / 1_000_000));
  return { townships: 16 * k, departments: 24 * k, seed: 7 };
}

/** The generated log for `target` events, written once under bench/data/ and reused (named by its parameters). */
export function cachedLog(target: number): { file: string; generatedSeconds: number | null } {
  const county = countyFor(target);
  const file = join(DATA, `county-${target}-t${county.townships}-d${county.departments}-s${county.seed}-v2.sqlite`);
  if (existsSync(file)) return { file, generatedSeconds: null };
  mkdirSync(DATA, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  const started = performance.now();
  writeTimeOrdered(partial, target, county);
  // One file, whole: the log's WAL folded in before it takes its name.
  const db = new Database(partial);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(partial, file);
  rmSync(`${partial}-wal`, { force: true });
  rmSync(`${partial}-shm`, { force: true });
  return { file, generatedSeconds: (performance.now() - started) / 1000 };
}

type Measured = {
  events?: number;
  rawSeconds?: number;
  startSeconds?: number;
  heapAfterStart?: number;
  mapMs?: number;
  mapItems?: number;
  heapAfterMap?: number;
  historySeconds?: number | null;
  heapWithHistory?: number;
  /** With the outbox's facts before NotificationsBegan let go, as a server's notifier does at its first start. */
  heapNotifying?: number;
  /** Started again from the snapshots the first start saved: how long, and the live heap then. */
  warmSeconds?: number;
  heapAfterWarmStart?: number;
  /** The as-of history after the warm start (restored, then folded up to the runner), and the heap with it. */
  warmHistorySeconds?: number;
  heapWarmWithHistory?: number;
  warmPeakRss?: number;
  limit?: number;
  peakRss?: number;
  holders?: Record<string, string | number>[];
  /** The longest the event loop was held (aim 3) and the longest collector pause in it, ms: the start, the map, the warm start. */
  startStalls?: Stalls;
  mapStalls?: Stalls;
  warmStalls?: Stalls;
  /** The first start's snapshots written (how long; the longest block and collector pause meanwhile). */
  snapshotSeconds?: number;
  snapshotStalls?: Stalls;
  /** The start's last progress seen: the runner's position and the heap in use (not collected first). */
  progress?: { position: number; heapUsed: number; seconds: number };
};

type Stalls = { loopMs: number; gcMs: number };

/** `work` timed by `blocking` (asof.ts), with its longest event-loop block and collector pause as Stalls (aim 3). */
async function watched<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; stalls: Stalls }> {
  const { value, ms, longestBlock, longestGc } = await blocking(work);
  return { value, ms, stalls: { loopMs: longestBlock, gcMs: longestGc } };
}

/**
 * In the child: measures one log, printing each figure as a JSON line as soon as it has it (an out-of-memory end keeps what
 * came before). The first child starts with no snapshot and saves them in `dir` when it closes; the second (`warm`) is a
 * server restarted in a process of its own: its read models and as-of history restored from them.
 */
async function child(file: string, breakdown: boolean, dir: string, warm: boolean): Promise<void> {
  const say = (figures: Measured) => console.log(JSON.stringify(figures));
  if (warm) {
    const before = liveHeap();
    // Measured before the heap: its forced collections are the bench's, not the start's.
    const { value: app, ms, stalls } = await watched(() => startOn(file, dir));
    say({ warmSeconds: ms / 1000, heapAfterWarmStart: liveHeap() - before, warmStalls: stalls });
    const historyStarted = performance.now();
    await app.readModels.historyReady();
    say({ warmHistorySeconds: (performance.now() - historyStarted) / 1000, heapWarmWithHistory: liveHeap() - before });
    await app.close();
    say({ warmPeakRss: process.resourceUsage().maxRSS * 1024 });
    return;
  }
  say({ limit: heapLimit() });
  const raw = rawRead(file);
  say({ events: raw.events, rawSeconds: raw.seconds });
  await firstStart(file, dir, liveHeap(), raw.events, say);
  if (breakdown) {
    const reopened = new SqliteEventStore(file, schemaCodec(domainEventDefinitions));
    say({ holders: await heapByProjection(reopened, raw.events) });
    await reopened.close();
  }
  say({ peakRss: process.resourceUsage().maxRSS * 1024 });
}

/** The application on the log, its read-model database and its snapshots in `dir` (no checkpointer, no notifier). */
function startOn(file: string, dir: string, onCatchingUp?: (runner: ProjectionRunner) => void) {
  return createApplication(new SqliteEventStore(file, schemaCodec(domainEventDefinitions)), {
    clock: () => NOW,
    checkpoints: false,
    notifications: false,
    readModelDatabase: join(dir, 'read-models.sqlite'),
    snapshots: new FileSnapshotStore(join(dir, 'snapshots')),
    ...(onCatchingUp ? { onCatchingUp } : {}),
  });
}

/** The start with no snapshot (every projection folds the log), its map, its history, then its snapshots saved (timed). */
async function firstStart(file: string, dir: string, before: number, events: number, say: (figures: Measured) => void): Promise<void> {
  const started = performance.now();
  // How far the start has got and the heap in use then, every 30 s: a start that runs out of heap shows where.
  const {
    value: app,
    ms: startMs,
    stalls: startStalls,
  } = await watched(() =>
    startOn(file, dir, (runner) => {
      const progress = setInterval(() => {
        if (runner.position >= events - 1) clearInterval(progress);
        say({
          progress: {
            position: runner.position,
            heapUsed: getHeapStatistics().used_heap_size,
            seconds: (performance.now() - started) / 1000,
          },
        });
      }, 30_000).unref();
    }),
  );
  say({ startSeconds: startMs / 1000, heapAfterStart: liveHeap() - before, startStalls });
  const rm = app.readModels;
  const {
    value: map,
    ms: mapMs,
    stalls: mapStalls,
  } = await watched(async () => {
    const { facts, at } = await rm.at(undefined, NOW);
    await rm.prepareBattleMap(facts, at, null);
    const map = rm.battleMap(facts, at, null);
    await rm.wallCells(map);
    return map;
  });
  say({ mapMs, mapItems: map.tally.total.size, heapAfterMap: liveHeap() - before, mapStalls });
  const historyStarted = performance.now();
  const folded = await Promise.race([
    rm.historyReady().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), HISTORY_LIMIT_MS).unref()),
  ]);
  say({
    historySeconds: folded ? (performance.now() - historyStarted) / 1000 : null,
    heapWithHistory: liveHeap() - before,
  });
  // A server's notifier, at its first start on a log with a history, appends NotificationsBegan at the head and the
  // outbox lets go of the history's facts. This bench runs without the notifier (it writes nothing to the kept log):
  // the same event is applied to the outbox here, not appended, to show the heap as such a server holds it.
  const began = { id: 'bench-notifications-began', type: 'NotificationsBegan', position: app.runner.position + 1 };
  outboxView.apply(app.runner.state(outboxView), {
    ...began,
    data: { fromPosition: app.runner.position },
    metadata: { occurredAt: NOW },
  } as unknown as RecordedEvent);
  say({ heapNotifying: liveHeap() - before });
  // Every read model's snapshot and the as-of history's, as a live server writes them every 50,000 events (the close
  // after it has nothing left to save; it waits for the audit trail's thread, which builds its indexes after a first start).
  const { ms: snapshotMs, stalls: snapshotStalls } = await watched(() => app.runner.snapshot());
  say({ snapshotSeconds: snapshotMs / 1000, snapshotStalls });
  await app.close();
}

/** Runs the child on one log with Node's default heap and `npm start`'s flags; gathers its figures and how it ended. */
function measure(file: string, breakdown: boolean, dir: string, warm: boolean): Promise<{ figures: Measured; exit: string }> {
  return new Promise((resolve, reject) => {
    const flags = [...npmStart().args.slice(0, -1), ...CHILD_NODE_FLAGS];
    const args = [...flags, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, String(breakdown), dir, String(warm)];
    const proc = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const figures: Measured = {};
    let buffered = '';
    let errors = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines)
        if (line.startsWith('{')) {
          // Each figure as it comes, so a long run (10M) shows how far it got.
          console.error(`memory: ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`);
          Object.assign(figures, JSON.parse(line));
        }
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-4000);
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      const oom = /heap out of memory|Reached heap limit/.test(errors);
      if (code !== 0) console.error(errors);
      resolve({ figures, exit: code === 0 ? 'finished' : oom ? 'ran out of heap' : `exited ${code ?? signal}` });
    });
  });
}

const perMillion = (bytes: number | undefined, events: number | undefined) =>
  bytes === undefined || !events ? '—' : `${megabytes((bytes / events) * 1e6)} MB`;
/** The heap's share of the limit, as " (88%)"; nothing without both. */
const share = (bytes: number | undefined, limit: number | undefined) =>
  bytes === undefined || !limit ? '' : ` (${Math.round((bytes / limit) * 100)}%)`;
const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${megabytes(bytes).toLocaleString('en-US')} MB`);

export async function run(): Promise<FigureTable[]> {
  const rows: Record<string, string | number>[] = [];
  let holders: Record<string, string | number>[] = [];
  for (const [i, size] of sizes().entries()) {
    const { file, generatedSeconds } = cachedLog(size);
    const load = loadavg()[0]!.toFixed(1);
    // Each projection built alone, at the first size when it is at most a million (five folds of the log).
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-bench-memory-'));
    let m: Measured;
    let exit: string;
    try {
      ({ figures: m, exit } = await measure(file, i === 0 && size <= 1_000_000, dir, false));
      // Restarted on the snapshots the first start saved, in a new process: what a server holds after a restart.
      const warm = exit === 'finished' ? await measure(file, false, dir, true) : null;
      if (warm) Object.assign(m, warm.figures);
      if (warm && warm.exit !== 'finished') exit = `${exit}; the warm start ${warm.exit}`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.error(`memory ${size}: ${JSON.stringify({ ...m, holders: undefined })} (${exit}, load ${load})`);
    if (m.holders) holders = m.holders;
    const events = m.events ?? size;
    const row = (what: string, figure: string, target = '') => rows.push({ events, what, figure, target });
    row(
      'log',
      `${(statSync(file).size / 2 ** 30).toFixed(1)} GiB SQLite, ${generatedSeconds === null ? 'reused' : `written in ${Math.round(generatedSeconds)} s`}; load ${load}`,
    );
    row(
      'raw read + JSON.parse (anchor)',
      m.rawSeconds ? `${Math.round(events / m.rawSeconds).toLocaleString('en-US')} events/s, ${m.rawSeconds.toFixed(1)} s` : '—',
    );
    row('application start (every projection, no snapshots)', m.startSeconds === undefined ? '—' : `${m.startSeconds.toFixed(1)} s`);
    if (m.startSeconds === undefined && m.progress)
      row(
        'start: last progress seen',
        `position ${m.progress.position.toLocaleString('en-US')} after ${Math.round(m.progress.seconds)} s, heap in use ${mb(m.progress.heapUsed)}`,
      );
    row('live heap after start, per 1M events', perMillion(m.heapAfterStart, events), '< 400 MB');
    row(
      'county battle map + wall, first ask',
      m.mapMs === undefined ? '—' : `${Math.round(m.mapMs).toLocaleString('en-US')} ms, ${m.mapItems} items`,
    );
    row(
      'live heap after the map / limit',
      `${mb(m.heapAfterMap)} / ${mb(m.limit)}${share(m.heapAfterMap, m.limit)}`,
      'within the limit, ≤ 75% of it',
    );
    row(
      'as-of history (follows the start; folded after it from a restored snapshot), heap with it / limit',
      m.historySeconds === undefined
        ? '—'
        : `${m.historySeconds === null ? `not done in ${HISTORY_LIMIT_MS / 1000} s` : `${m.historySeconds.toFixed(1)} s`}; ${mb(m.heapWithHistory)} (${perMillion(m.heapWithHistory, events)} per 1M) / ${mb(m.limit)}`,
      'within the limit',
    );
    row(
      "… once notifying began (the outbox lets the history's facts go, as a server's first start does)",
      `${mb(m.heapNotifying)} (${perMillion(m.heapNotifying, events)} per 1M) / ${mb(m.limit)}${share(m.heapNotifying, m.limit)}`,
      '≤ 75% of the limit',
    );
    row(
      'started again from the snapshots the first start saved (warm): time, live heap per 1M events',
      m.warmSeconds === undefined ? '—' : `${m.warmSeconds.toFixed(1)} s, ${perMillion(m.heapAfterWarmStart, events)}`,
      '< 400 MB',
    );
    row(
      '… its as-of history restored and folded on: time, heap with it per 1M events',
      m.warmHistorySeconds === undefined ? '—' : `${m.warmHistorySeconds.toFixed(1)} s, ${perMillion(m.heapWarmWithHistory, events)}`,
      '< 400 MB',
    );
    const stalls = (x: Stalls | undefined) =>
      x === undefined
        ? '—'
        : `${Math.round(x.loopMs).toLocaleString('en-US')} ms (collector ${Math.round(x.gcMs).toLocaleString('en-US')})`;
    row(
      "longest event-loop block, a 1 ms timer's lateness as in asof (longest collector pause): start; map; warm start",
      `${stalls(m.startStalls)}; ${stalls(m.mapStalls)}; ${stalls(m.warmStalls)}`,
      '≤ 50 ms (aim 3)',
    );
    row(
      '… while the snapshots are written after the map (as a live server writes them every 50,000 events): time; longest block',
      m.snapshotSeconds === undefined ? '—' : `${m.snapshotSeconds.toFixed(1)} s; ${stalls(m.snapshotStalls)}`,
      '≤ 50 ms (aim 3)',
    );
    row('peak resident memory (first start; warm start); how the processes ended', `${mb(m.peakRss)}; ${mb(m.warmPeakRss)}; ${exit}`);
  }
  // Built alone only at the first size and only up to a million events (each is another fold of the log): say so rather than print an empty table.
  const first = sizes()[0]!;
  if (holders.length === 0)
    holders = [
      {
        why: `not measured: each projection is built alone only at the first size when it is at most 1,000,000 events (another fold of the log each); the first size here is ${first.toLocaleString('en-US')}`,
      },
    ];
  return [
    { title: 'Memory (issue 12, aim 2): the application started on a generated county, default heap, the node flags of npm start', rows },
    { title: 'Who holds the heap (each projection built alone, the first size)', rows: holders },
  ];
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0)
  await child(
    process.argv[childAt + 1]!,
    process.argv[childAt + 2] === 'true',
    process.argv[childAt + 3]!,
    process.argv[childAt + 4] === 'true',
  );
else await runIfMain(import.meta.url, run);
