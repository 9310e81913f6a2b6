import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ledgerNumberLabeler } from '../application/integrity.js';
import { CHECKPOINT_STREAM, CHECKPOINT_TYPE, CheckpointDrafter } from '../eventstore/checkpoints.js';
import { GENESIS_HASH, eventHash } from '../eventstore/hashChain.js';
import { openEventStore, sqliteFile } from '../eventstore/index.js';
import type { EventMetadata, RecordedEvent } from '../eventstore/port.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { verifyLog } from '../eventstore/verify.js';
import { type FigureTable, runIfMain } from './report.js';

/** The benchmark writes as the office would; who does not matter to the figures. */
const benchActor: EventMetadata['actor'] = { userId: 'bench', name: '基准测试', unitId: null, role: 'office' };

/**
 * Issue 6's benchmark: `npm run verify` over a generated log of 1,000,000 events in 100,000 problem
 * streams (ten events each, interleaved as a busy ledger's are), with checkpoints as the follower
 * records them. The log is written straight into the SQLite
 * table with the same hashes the chain computes (appending a million events one command at a
 * time would measure the store, not verification), then verified from a cold open.
 */
const EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 1_000_000);
const STREAMS = Math.max(1, Math.round(EVENTS / 10));
/**
 * Every 10,000 events, not the default 1,000: drafting a checkpoint hashes the Merkle tree over
 * every stream (100,000 here), which would make generating the log take far longer than verifying
 * it. Verification's own cost per checkpoint grows with the events since the last, not the streams.
 */
const CHECKPOINT_EVERY = 10_000;
const TYPES = [
  'ProblemRaised',
  'ProblemAssigned',
  'AssignmentAcknowledged',
  'DeadlineSet',
  'RectificationPlanSubmitted',
  'ProgressReported',
  'ProgressReported',
  'RectificationReported',
  'VerificationPassed',
  'ProblemClosed',
];

export function generate(file: string): { events: number; checkpoints: number } {
  // Created by the adapter so the table is exactly the store's; then filled without its durability.
  new SqliteEventStore(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const drafter = new CheckpointDrafter();
  const heads: { revision: number; hash: string }[] = new Array(STREAMS);
  const problemIds = Array.from({ length: STREAMS }, () => randomUUID());
  let position = 0;
  let checkpoints = 0;
  let sinceCheckpoint = 0;
  const write = (streamId: string, revision: number, type: string, data: unknown, metadata: EventMetadata, prevHash: string) => {
    const chained = { ...metadata, prevHash };
    const hash = eventHash({ streamId, revision, type, data, metadata: chained }, prevHash);
    const id = randomUUID();
    const full = { ...chained, hash };
    insert.run(id, streamId, revision, type, JSON.stringify(data), JSON.stringify(full));
    position += 1;
    const event: RecordedEvent = { id, streamId, revision, type, data, metadata: full, position };
    drafter.observe(event);
    return hash;
  };
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      // Stride through the streams so each gets ten events spread across the whole log.
      const s = (i * 7919) % STREAMS;
      const head = heads[s];
      const revision = head ? head.revision + 1 : 0;
      const type = TYPES[revision % TYPES.length]!;
      const problemId = problemIds[s]!;
      const data =
        revision === 0
          ? {
              problemId,
              ledgerNumber: `GJ-2019-${s + 1}`,
              source: 'national_feedback',
              category: 'housing',
              description: `磨子潭镇危房改造未按期完成（${s}）`,
              raisedOn: '2019-05-10',
              recurrenceOf: null,
              hotlineReportId: null,
            }
          : { problemId, note: `${type} ${revision}` };
      const commandId = randomUUID();
      const metadata: EventMetadata = {
        actor: benchActor,
        commandId,
        correlationId: commandId,
        causationId: commandId,
        occurredAt: '2019-05-10T02:00:00.000Z',
        schemaVersion: 1,
      };
      heads[s] = { revision, hash: write(`problem-${problemId}`, revision, type, data, metadata, head?.hash ?? GENESIS_HASH) };
      if (++sinceCheckpoint === CHECKPOINT_EVERY) {
        sinceCheckpoint = 0;
        const data = drafter.draft('events');
        const id = randomUUID();
        const last = checkpoints === 0 ? undefined : checkpointHead;
        const metadata: EventMetadata = {
          actor: benchActor,
          commandId: id,
          correlationId: id,
          causationId: id,
          occurredAt: '2019-05-10T02:00:00.000Z',
          schemaVersion: 1,
        };
        checkpointHead = write(CHECKPOINT_STREAM, checkpoints, CHECKPOINT_TYPE, data, metadata, last ?? GENESIS_HASH);
        checkpoints += 1;
      }
    }
  });
  let checkpointHead = GENESIS_HASH;
  for (let from = 0; from < EVENTS; from += 10_000) batch(from, Math.min(EVENTS, from + 10_000));
  db.close();
  return { events: position, checkpoints };
}

export async function run(): Promise<FigureTable> {
  const dir = mkdtempSync(join(tmpdir(), 'taizhang-bench-verify-'));
  try {
    const file = sqliteFile(dir);
    let started = performance.now();
    const { events, checkpoints } = generate(file);
    const generateSeconds = (performance.now() - started) / 1000;
    const store = await openEventStore({ kind: 'sqlite', dataDir: dir });
    started = performance.now();
    const report = await verifyLog(store, { labeler: ledgerNumberLabeler });
    const seconds = (performance.now() - started) / 1000;
    await store.close();
    if (!report.intact || report.eventCount !== events)
      throw new Error(`The generated log did not verify: ${JSON.stringify(report.firstBreak)}`);
    return {
      title: `npm run verify over ${events.toLocaleString('en-US')} events (${STREAMS.toLocaleString('en-US')} streams, ${checkpoints} checkpoints)`,
      rows: [
        {
          events,
          seconds: Number(seconds.toFixed(1)),
          'events/s': events / seconds,
          'file MB': statSync(file).size / 1e6,
          'peak RSS MB': process.resourceUsage().maxRSS / 1024,
        },
      ],
      notes: [
        `Generating the log took ${generateSeconds.toFixed(1)} s (not counted). Verification reads in batches of 10,000 from a cold open: every hash recomputed, every link and revision checked, every checkpoint's moved heads and counts, the latest checkpoint's Merkle root.`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runIfMain(import.meta.url, run);
