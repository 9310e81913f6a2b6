import { mkdtempSync, rmSync } from 'node:fs';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplication } from '../application/index.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore, sqliteFile } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { BattleMapAccumulator } from '../projections/battleMap.js';
import { policyInForce } from '../projections/policyInForce.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { currentIndex, similarityIndex } from '../projections/similarProblems.js';
import { dayOf } from '../projections/time.js';
import { heapByProjection, liveHeap } from './heap.js';
import { rawRead } from './projections.js';
import { writeTimeOrdered } from './rawLog.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 12's read side, at 100k / 300k / 1M events (`BENCH_ASOF_SIZES=100000,300000` to choose):
 * - the battle map as of a past instant no one asked about before (as-of replay), three instants;
 * - the first county battle map of a new day (the live map moved to the next day);
 * - the longest single block of the event loop during each (a 1 ms timer's lag: what /healthz waits);
 * - the live heap per million events after a full garbage collection, and (at the smallest size)
 *   which projection holds it;
 * - the raw read + JSON.parse rate of the same file, the anchor.
 * The log is written in time order (as a server appends it), not grouped per problem.
 */
const SIZES = (process.env.BENCH_ASOF_SIZES ?? '100000,300000,1000000').split(',').map(Number);
const NOW = '2020-12-31T12:00:00+08:00';
const NEXT_DAY = '2021-01-01T09:00:00+08:00';
const INSTANTS = ['2019-09-14T10:00:00+08:00', '2020-03-02T15:30:00+08:00', '2020-08-20T08:15:00+08:00'];

/**
 * The longest the event loop was held while `work` ran: a timer asked for every millisecond, and how
 * late it came; and the longest garbage collection pause meanwhile (a block the code cannot slice), and all of them.
 */
export async function blocking<T>(
  work: () => Promise<T>,
): Promise<{ value: T; ms: number; longestBlock: number; longestGc: number; gcMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let longest = 0;
  let longestGc = 0;
  let gcMs = 0;
  // By their start: an observer made in the turn of a heap measure's forced collections (9.5–12.6 s each at ten million
  // events, bench/memory.ts) is handed their entries too.
  const from = performance.now();
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.startTime < from) continue;
      longestGc = Math.max(longestGc, entry.duration);
      gcMs += entry.duration;
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 1);
    last = now;
  }, 1);
  histogram.enable();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  // One last tick, so a block at the very end is seen too.
  await new Promise((resolve) => setTimeout(resolve, 2));
  clearInterval(probe);
  histogram.disable();
  gcs.disconnect();
  return { value, ms, longestBlock: Math.max(longest, histogram.max / 1e6 - 1), longestGc, gcMs };
}

const round = (n: number) => Math.round(n * 10) / 10;

async function measureSize(target: number, breakdown: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'taizhang-bench-asof-'));
  try {
    const written = writeTimeOrdered(sqliteFile(dir), target);
    const raw = rawRead(sqliteFile(dir));
    const heapBefore = liveHeap();
    const store = await openEventStore({ kind: 'sqlite', dataDir: dir }, schemaCodec(domainEventDefinitions));
    const startedAt = performance.now();
    const app = await createApplication(store, { clock: () => NOW, checkpoints: false, notifications: false });
    const startSeconds = (performance.now() - startedAt) / 1000;
    const heap = liveHeap() - heapBefore;
    const rm = app.readModels;
    // The history the as-of answers start from, folded in the background after the start (when there is one).
    const history = (rm as unknown as { historyReady?: () => Promise<void> }).historyReady;
    const background = history ? await blocking(() => history.call(rm)) : null;
    // And the start's other background work, 举一反三's index segmenting the raises (seconds at 1M on a busy machine): since
    // the history follows the start, its readiness no longer covers that, and an as-of answer timed now would time both.
    await currentIndex((rm as unknown as { runner: ProjectionRunner }).runner.state(similarityIndex));
    const heapWithHistory = liveHeap() - heapBefore;

    const asOf = [];
    for (const instant of INSTANTS) {
      asOf.push(
        await blocking(async () => {
          const phases: number[] = [performance.now()];
          const { facts, at } = await rm.at(instant, NOW);
          phases.push(performance.now());
          await rm.prepareBattleMap?.(facts, at, null);
          const map = rm.battleMap(facts, at, null);
          phases.push(performance.now());
          await rm.wallCells(map);
          phases.push(performance.now());
          // Replay, map, wall: where the time went.
          return phases
            .slice(1)
            .map((t, i) => Math.round(t - phases[i]!))
            .join(' + ');
        }),
      );
    }
    const today = await blocking(async () => {
      const { facts, at } = await rm.at(undefined, NOW);
      await rm.prepareBattleMap?.(facts, at, null);
      return rm.battleMap(facts, at, null).tally.total.size;
    });
    const newDay = await blocking(async () => {
      const { facts, at } = await rm.at(undefined, NEXT_DAY);
      await rm.prepareBattleMap?.(facts, at, null);
      return rm.battleMap(facts, at, null).tally.total.size;
    });
    // What one county map holds in the heap, as the live map keeps it and as a past map is built once:
    // a map kept per snapshot of the history would cost the first about as many times as there are snapshots.
    const mapHeap = (once: boolean) => {
      const facts = rm.live;
      const before = liveHeap();
      const policy = policyInForce(facts, NOW);
      const accumulator = new BattleMapAccumulator(dayOf(NOW), policy, null, { once });
      for (const f of facts.problems.values()) accumulator.put(f);
      const held = liveHeap() - before;
      return accumulator.result(NOW).tally.total.size > 0 ? held : 0;
    };
    const countyMap = { full: mapHeap(false), once: mapHeap(true) };
    const snapshots = (rm as unknown as { history?: { snapshots: unknown[] } }).history?.snapshots.length ?? 0;
    await app.close();

    let holders: Record<string, string | number>[] = [];
    if (breakdown) {
      const reopened = await openEventStore({ kind: 'sqlite', dataDir: dir }, schemaCodec(domainEventDefinitions));
      holders = await heapByProjection(reopened, written.events);
      await reopened.close();
    }
    return { written, raw, startSeconds, heap, heapWithHistory, background, asOf, today, newDay, holders, countyMap, snapshots };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<FigureTable[]> {
  const rows: Record<string, string | number>[] = [];
  let holders: Record<string, string | number>[] = [];
  for (const [i, size] of SIZES.entries()) {
    const m = await measureSize(size, i === 0);
    // Progress on stderr, so a long run shows its figures as they come.
    console.error(
      `asof ${m.written.events}: raw ${Math.round(m.raw.events / m.raw.seconds)}/s, as-of ${m.asOf.map((a) => `${Math.round(a.ms)} ms = ${a.value} (block ${Math.round(a.longestBlock)})`).join(', ')}, new day ${Math.round(m.newDay.ms)} ms (block ${Math.round(m.newDay.longestBlock)}), heap ${Math.round(m.heap / 2 ** 20)} MB, with history ${Math.round(m.heapWithHistory / 2 ** 20)} MB, history ${m.background ? `${Math.round(m.background.ms)} ms (block ${Math.round(m.background.longestBlock)})` : '-'}`,
    );
    if (i === 0) holders = m.holders;
    const million = (bytes: number) => Math.round(((bytes / m.written.events) * 1e6) / 2 ** 20);
    const slowest = m.asOf.reduce((a, b) => (b.ms > a.ms ? b : a));
    const longestAsOfBlock = Math.max(...m.asOf.map((a) => a.longestBlock));
    rows.push(
      {
        events: m.written.events,
        what: 'raw read + JSON.parse (anchor)',
        figure: `${Math.round(m.raw.events / m.raw.seconds).toLocaleString('en-US')} events/s`,
        target: '',
      },
      { events: m.written.events, what: 'application start (every projection)', figure: `${round(m.startSeconds)} s`, target: '' },
      {
        events: m.written.events,
        what: 'as-of battle map + wall, new instant: slowest of 3',
        figure: `${Math.round(slowest.ms)} ms (${m.asOf.map((a) => Math.round(a.ms)).join(' / ')}); replay + map + wall: ${slowest.value} ms`,
        target: '< 1,000 ms at 1M',
      },
      {
        events: m.written.events,
        what: '… longest event-loop block (longest GC pause)',
        figure: `${Math.round(longestAsOfBlock)} ms (${Math.round(Math.max(...m.asOf.map((a) => a.longestGc)))} ms)`,
        target: '≤ 50 ms',
      },
      { events: m.written.events, what: 'county map, first of a new day', figure: `${Math.round(m.newDay.ms)} ms`, target: '' },
      {
        events: m.written.events,
        what: '… longest event-loop block',
        figure: `${Math.round(m.newDay.longestBlock)} ms`,
        target: '≤ 50 ms',
      },
      { events: m.written.events, what: 'live heap after start, per 1M events', figure: `${million(m.heap)} MB`, target: '< 400 MB' },
      {
        events: m.written.events,
        what: 'one county map in the heap: kept (live) / built once (past)',
        figure: `${round(m.countyMap.full / 2 ** 20)} MB / ${round(m.countyMap.once / 2 ** 20)} MB (× ${m.snapshots} snapshots: ${Math.round((m.countyMap.full * m.snapshots) / 2 ** 20)} MB)`,
        target: '',
      },
    );
    if (m.background)
      rows.push(
        {
          events: m.written.events,
          what: 'as-of history folded in the background after start',
          figure: `${round(m.background.ms / 1000)} s, longest block ${Math.round(m.background.longestBlock)} ms (GC pause ${Math.round(m.background.longestGc)} ms)`,
          target: '≤ 50 ms',
        },
        {
          events: m.written.events,
          what: 'live heap with that history, per 1M events',
          figure: `${million(m.heapWithHistory)} MB`,
          target: '< 400 MB',
        },
      );
  }
  return [
    {
      title: 'No stall, and memory (issue 12, aims 2 and 3): a generated county in time order, in SQLite',
      rows,
      notes: [
        `As-of instants: ${INSTANTS.join(', ')}; the live clock stands at ${NOW}, the new day is ${NEXT_DAY}.`,
        'Longest block: the largest lateness of a 1 ms timer (and of monitorEventLoopDelay) while the work ran: what /healthz would wait.',
      ],
    },
    { title: `Who holds the heap (each projection built alone, ${SIZES[0]!.toLocaleString('en-US')} events)`, rows: holders },
  ];
}

await runIfMain(import.meta.url, run);
