import { loadavg } from 'node:os';
import { linkOf } from '../eventstore/checkpoints.js';
import type { LogLink } from '../eventstore/port.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { blocking } from './asof.js';
import { cachedLog } from './memory.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 12 (aims 1 and 3): what the checkpointer's walk over the log costs on a first start, read as links
 * (`subscribeToLinks`: SQLite picks out the chain hash and a checkpoint's position, no event's JSON reaches JavaScript)
 * beside the simplest alternative, the events followed and each made a link (`linkOf`: what the checkpointer read
 * before). The generated 1M-event county (bench/data/, reused), followed from its start to its head, alternating
 * (events, links, events, links). `npm run bench -- links`, or `npm run bench -- links 100000` for another size.
 */
const DEFAULT_SIZE = 1_000_000;
const ROUNDS = 2;

type Walk = { seconds: number; cpu: number; gcMs: number; longestBlock: number; links: number };

async function walk(store: SqliteEventStore, asLinks: boolean): Promise<Walk> {
  const head = await store.headPosition();
  const cpuBefore = process.cpuUsage();
  let links = 0;
  let last: LogLink | undefined;
  const { ms, longestBlock, gcMs } = await blocking(async () => {
    const abort = new AbortController();
    const take = (link: LogLink) => {
      links += 1;
      last = link;
      if (link.position >= head) abort.abort();
    };
    if (asLinks) await store.subscribeToLinks({ signal: abort.signal }, take);
    else await store.subscribeToAll({ signal: abort.signal }, (event) => take(linkOf(event)));
  });
  const cpu = process.cpuUsage(cpuBefore);
  if (last?.position !== head) throw new Error(`The walk stopped at ${last?.position}, not at the head ${head}`);
  return { seconds: ms / 1000, cpu: (cpu.user + cpu.system) / 1e6, gcMs, longestBlock, links };
}

export async function run(): Promise<FigureTable> {
  const size = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? DEFAULT_SIZE);
  const { file } = cachedLog(size);
  const store = new SqliteEventStore(file);
  const walks: { asLinks: boolean; walk: Walk }[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (const asLinks of [false, true]) walks.push({ asLinks, walk: await walk(store, asLinks) });
  } finally {
    await store.close();
  }
  const best = (asLinks: boolean) =>
    walks.filter((w) => w.asLinks === asLinks).reduce((a, b) => (b.walk.seconds < a.walk.seconds ? b : a)).walk;
  const events = best(false);
  const links = best(true);
  const row = (what: string, w: Walk, anchor: string) => ({
    what,
    events: w.links,
    's (best of 2)': w.seconds,
    'CPU s': w.cpu,
    'garbage collection ms': Math.round(w.gcMs),
    'longest block ms': Math.round(w.longestBlock),
    anchor,
  });
  return {
    title: `The checkpointer's walk over a ${size.toLocaleString('en')}-event log (SQLite, the store's own follow, no codec)`,
    rows: [
      row('events followed, each made a link (before)', events, 'the simplest alternative'),
      row(
        'links read as links (subscribeToLinks)',
        links,
        `× ${(events.seconds / links.seconds).toFixed(1)} as fast; ${(links.gcMs / Math.max(events.gcMs, 1)).toFixed(2)} of its collection time`,
      ),
    ],
    notes: [
      `Alternating rounds (events, links, events, links); the faster of each kind's two. Load average at the end: ${loadavg()[0]!.toFixed(1)}.`,
      'Longest block: the largest lateness of a 1 ms timer while the walk ran (the follow yields between slices).',
    ],
  };
}

await runIfMain(import.meta.url, run);
