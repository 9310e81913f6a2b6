import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as turn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { v5 as uuidv5 } from 'uuid';
import { CheckpointDrafter } from '../eventstore/checkpoints.js';
import { headsRoot } from '../eventstore/merkle.js';
import type { LogLink } from '../eventstore/port.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { cachedLog } from './memory.js';
import { type FigureTable, formatNumber, runIfMain } from './report.js';

/**
 * Issue 12 (aims 1 and 4): what a live server's checkpointer costs as the log grows. A server drafts a checkpoint every
 * 1,000 events (`CHECKPOINT_EVERY_EVENTS`, as shipped), each a Merkle root over every stream's head sorted by stream id
 * and the heads moved since the last; the start-up bench does not see it (a first start proves its history with one
 * root) and the commands bench keeps checkpoints out of reach. Here the real `CheckpointDrafter` follows the generated
 * county (bench/data/, reused) from its first event to its head, drafting as the checkpointer does, each draft's slices
 * (the pauses where the checkpointer yields to the event loop) timed. Twice: with the stream ids as the generator writes
 * them (numbered: every new stream sorts after the others) and as the application names streams (`problem-` and a
 * UUID v5 of the command: a new stream lands anywhere in the order). The figure: the checkpoints of the last
 * WINDOW_EVENTS events up to the log's last new stream (the generated county's last weeks only move the streams it has:
 * a ledger in use keeps opening new ones). The anchor, the simplest alternative: the root hashed from scratch over every
 * head at the log's head (`headsRoot`), as drafting did before it kept its tree.
 * `npm run bench -- checkpoints`, or `npm run bench -- checkpoints 100000 1000000 10000000` for chosen sizes.
 */
const DEFAULT_SIZES = [100_000, 1_000_000];
const EVERY_EVENTS = 1000;
const WINDOW_EVENTS = 20_000;
/**
 * Logs up to this size are drafted throughout; a larger one only from WINDOW_EVENTS (and one checkpoint's) before its last
 * new stream: the first draft there proves all before it (a root from scratch, as a first start's; left out of the figures).
 */
const DRAFT_ALL_UP_TO = 1_000_000;
/** Any fixed namespace: the ids only need the application's shape (a UUID v5, in no order). */
const NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

type Draft = { position: number; streams: number; ms: number; longestOwn: number };
/** A slice longer than 5 ms: when it began and how long it took (the collector's pauses in it are taken off after). */
type Slice = { start: number; ms: number };
type Measured = {
  streams: number;
  drafts: Draft[];
  lastNew: number;
  observeMs: number;
  scratchMs: number;
  collectorMs: number;
  longestPause: number;
};

/** Follows the log from its first event to its head as the checkpointer reads it (`subscribeToLinks`), each link renamed. */
async function walk(file: string, rename: (streamId: string) => string, onLink: (link: LogLink) => Promise<void> | void): Promise<void> {
  const store = new SqliteEventStore(file);
  try {
    const head = await store.headPosition();
    const abort = new AbortController();
    await store.subscribeToLinks({ signal: abort.signal }, (link) => {
      if (link.position >= head) abort.abort();
      return onLink({ ...link, streamId: rename(link.streamId) });
    });
  } finally {
    await store.close();
  }
}

/** Each stream named as the application names it: its kind, then a UUID v5 (in no order). */
function applicationNames(): (streamId: string) => string {
  const names = new Map<string, string>();
  return (streamId) => {
    let name = names.get(streamId);
    if (name === undefined) names.set(streamId, (name = `${streamId.split('-')[0]}-${uuidv5(streamId, NAMESPACE)}`));
    return name;
  };
}

/** The position of the log's last new stream (its first event). */
function lastNewStream(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT MAX(position) AS position FROM events WHERE revision = 0').get() as { position: number }).position;
  } finally {
    db.close();
  }
}

/**
 * The drafter over every link, a checkpoint every EVERY_EVENTS uncovered events (up to the log's last new stream), each
 * draft's slices timed.
 */
async function follow(file: string, events: number, rename: (streamId: string) => string): Promise<Measured> {
  // The collector's pauses, to tell a slice's own work from a pause of this process's heap that fell in it.
  const pauses: { start: number; end: number }[] = [];
  const collector = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  collector.observe({ entryTypes: ['gc'] });
  const drafter = new CheckpointDrafter();
  const drafts: Draft[] = [];
  const long: Slice[][] = [];
  let observeMs = 0;
  const lastNew = lastNewStream(file);
  const draftFrom = events > DRAFT_ALL_UP_TO ? lastNew - WINDOW_EVENTS - EVERY_EVENTS : -1;
  await walk(file, rename, async (link) => {
    const started = performance.now();
    drafter.observe(link);
    observeMs += performance.now() - started;
    if (link.position < draftFrom || link.position > lastNew || drafter.uncovered.length < EVERY_EVENTS) return;
    const drafting = drafter.drafting('events');
    const slices: Slice[] = [];
    let ms = 0;
    for (;;) {
      const started = performance.now();
      const step = drafting.next();
      const slice = performance.now() - started;
      ms += slice;
      if (slice > 5) slices.push({ start: started, ms: slice });
      if (step.done) break;
    }
    long.push(slices);
    drafts.push({ position: link.position, streams: drafter.heads.streamCount, ms, longestOwn: 0 });
    // A turn of the event loop after each draft, as on a server (the collector's entries are delivered in turns).
    await turn();
  });
  if (draftFrom >= 0) {
    // The first draft proved the whole log before it: a root from scratch, not one a live server drafts.
    drafts.shift();
    long.shift();
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  collector.disconnect();
  for (const [i, slices] of long.entries())
    drafts[i]!.longestOwn = Math.max(0, ...slices.map(({ start, ms }) => ms - collected(pauses, start, start + ms)));
  const collectorMs = pauses.reduce((sum, p) => sum + p.end - p.start, 0);
  const longestPause = Math.max(0, ...pauses.map((p) => p.end - p.start));
  const heads = drafter.heads.movedAfter(-1);
  const started = performance.now();
  headsRoot(heads);
  return { streams: heads.length, drafts, lastNew, observeMs, scratchMs: performance.now() - started, collectorMs, longestPause };
}

/** Milliseconds of the collector's pauses within [from, to]. */
function collected(pauses: readonly { start: number; end: number }[], from: number, to: number): number {
  let ms = 0;
  for (const pause of pauses) ms += Math.max(0, Math.min(to, pause.end) - Math.max(from, pause.start));
  return ms;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

function rows(
  size: number,
  ids: string,
  { streams, drafts, lastNew, observeMs, scratchMs, collectorMs, longestPause }: Measured,
): Record<string, string | number>[] {
  const window = drafts.filter((d) => d.position > lastNew - WINDOW_EVENTS);
  const before = drafts[drafts.indexOf(window[0]!) - 1];
  if (window.length < 2 || !before)
    throw new Error(
      `The ${formatNumber(size)}-event log opens its last stream too early for ${WINDOW_EVENTS / EVERY_EVENTS} checkpoints before it`,
    );
  const added = (window.at(-1)!.streams - before.streams) / window.length;
  const windowMean = mean(window.map((d) => d.ms));
  return [
    {
      log: `${formatNumber(size)} events, ${formatNumber(streams)} streams`,
      'stream ids': ids,
      'ms a checkpoint, every one up to it': size > DRAFT_ALL_UP_TO ? '—' : mean(drafts.map((d) => d.ms)),
      [`ms a checkpoint, the ${window.length} up to the last new stream (there)`]: windowMean,
      'new streams a checkpoint there': added,
      'µs an event there': (1000 * windowMean) / EVERY_EVENTS,
      // There, as the columns beside it (not a start's first drafts); only steps over 5 ms are kept to take the pauses off.
      'longest step there less the collector, ms': Math.max(0, ...window.map((d) => d.longestOwn)) || '< 5',
      'the collector: ms in all, longest pause': `${formatNumber(collectorMs)}, ${formatNumber(longestPause)}`,
      'observing every event, ms': observeMs,
      'anchor: a root from scratch at the head, ms': scratchMs,
      'there ÷ anchor': windowMean / scratchMs,
    },
  ];
}

export async function run(): Promise<FigureTable> {
  const asked = process.argv
    .slice(2)
    .filter((a) => /^\d+$/.test(a))
    .map(Number);
  const sizes = asked.length > 0 ? asked : DEFAULT_SIZES;
  const measured: Record<string, string | number>[] = [];
  for (const size of sizes) {
    const file = cachedLog(size).file;
    measured.push(...rows(size, 'as generated (numbered)', await follow(file, size, (streamId) => streamId)));
    measured.push(...rows(size, 'as the application names them (UUID v5)', await follow(file, size, applicationNames())));
  }
  return {
    title: `The checkpointer on a live server: a checkpoint every ${EVERY_EVENTS} events over the generated county (CheckpointDrafter, in this process)`,
    rows: measured,
    notes: [
      'A checkpoint: the draft as the checkpointer runs it (`drafting`: the root and the moved heads), each of its steps (the work between two yields) timed; a live checkpointer runs steps in slices of about 8 ms (`sliced`), so a step is at most a slice of its own. Its append (a small event) is not counted. The longest step less the collector: its time less the pauses PerformanceObserver reported in it (under --trace-gc at 10M, steps of 93–95 ms fell on scavenges of 48–73 ms: what it does not report stays in).',
      `Up to the last new stream: the checkpoints of the last ${formatNumber(WINDOW_EVENTS)} events before the log's last new stream (the generated county's last weeks open none). Logs over ${formatNumber(DRAFT_ALL_UP_TO)} events are drafted there only, after one draft that proves all before (left out). µs an event: what the checkpoints add to each event appended on a live server, on its main thread.`,
      "Anchor: `headsRoot` over every head at the log's head, once: what each checkpoint would hash if drafting kept no tree.",
      `Load average at the end: ${loadavg()[0]!.toFixed(1)}.`,
    ],
  };
}

await runIfMain(import.meta.url, run);
