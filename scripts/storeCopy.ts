import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ledgerNumberLabeler } from '../application/integrity.js';
import { sqliteFile } from '../eventstore/index.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { PostgresEventStore } from '../eventstore/postgres.js';
import { logInPages } from '../eventstore/shared.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { type VerifyReport, describeReport, verifyLog } from '../eventstore/verify.js';
import { runScript } from './cli.js';

const USAGE = 'Usage: npm run store:copy -- --from sqlite:<data dir> --to postgres:<url>';
const BATCH = 5_000;

/**
 * `npm run store:copy -- --from sqlite:DIR --to postgres:URL`: moves a ledger from the embedded
 * store to PostgreSQL. The source must verify intact; its events go over exactly as stored (ids,
 * global positions, stream revisions, data and metadata, hashes included: the checkpoints name
 * positions, so positions are kept too) into an empty PostgreSQL store in one transaction. Then
 * the copy is read back and held against the source (a digest of every event) and verified on its
 * own (`npm run verify`'s walk). Exit 0 when the copy is whole and intact, 1 when it is not (or
 * the source is broken), 2 when it could not run. `--from postgres:URL` copies between two databases.
 */
runScript(async () => {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  if (!values.from || !values.to) throw new Error(USAGE);
  const from = parseSpec(values.from);
  const to = parseSpec(values.to);
  if (to.kind !== 'postgres') throw new Error(`${USAGE}\nThe copy goes to PostgreSQL.`);

  const source = await openSource(from);
  try {
    const before = await verifyLog(source, { labeler: ledgerNumberLabeler });
    if (!before.intact) {
      console.log(`The source is not intact; nothing was copied.\n${describeReport(before)}`);
      return 1;
    }
    const target = await PostgresEventStore.open(to.location, undefined, { listen: false });
    try {
      const sourceDigest = new LogDigest();
      const copied = await target.importRecorded(batches(source, sourceDigest));
      const targetDigest = new LogDigest();
      for await (const batch of batches(target, targetDigest)) void batch; // read back only for the digest
      const after = await verifyLog(target, { labeler: ledgerNumberLabeler });
      const sameLog = sourceDigest.value() === targetDigest.value() && targetDigest.count === copied;
      const sameCheckpoint = checkpointOf(after) === checkpointOf(before);
      console.log(`Copied ${copied} events from ${from.kind} to ${to.kind}.`);
      console.log(
        sameLog
          ? `Read back: the same ${copied} events, ids, positions, revisions and hashes (digest ${targetDigest.value().slice(0, 16)}…).`
          : `Read back: NOT the same log (${targetDigest.count} events, digest ${targetDigest.value().slice(0, 16)}… against the source's ${sourceDigest.value().slice(0, 16)}…).`,
      );
      console.log(describeReport(after));
      if (!sameCheckpoint) console.log('The latest checkpoint differs from the source’s.');
      return after.intact && sameLog && sameCheckpoint ? 0 : 1;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
});

type Spec = { kind: 'sqlite' | 'postgres'; location: string };

/** `sqlite:<dir>`, `postgres:<url>`, or a bare `postgres://` / `postgresql://` URL. */
function parseSpec(spec: string): Spec {
  if (/^postgres(ql)?:\/\//.test(spec)) return { kind: 'postgres', location: spec };
  const match = /^(sqlite|postgres):(.+)$/.exec(spec);
  if (!match) throw new Error(`${USAGE}\nNot a store: ${spec}`);
  return { kind: match[1] as Spec['kind'], location: match[2]! };
}

async function openSource({ kind, location }: Spec): Promise<EventStore> {
  if (kind === 'postgres') return PostgresEventStore.open(location, undefined, { listen: false });
  const file = sqliteFile(location);
  if (!existsSync(file)) throw new Error(`There is no store at ${file}.`);
  return new SqliteEventStore(file);
}

/** The whole log as stored, in batches, each event added to `digest` as it goes by. */
async function* batches(store: EventStore, digest: LogDigest): AsyncGenerator<RecordedEvent[]> {
  for await (const batch of logInPages(store, BATCH)) {
    for (const event of batch) digest.add(event);
    yield batch;
  }
}

/** SHA-256 over each event's position, id, stream, revision and hash, in log order. */
class LogDigest {
  private readonly hash = createHash('sha256');
  count = 0;
  add(e: RecordedEvent): void {
    this.hash.update(`${JSON.stringify([e.position, e.id, e.streamId, e.revision, e.type, e.metadata.hash ?? null])}\n`);
    this.count += 1;
  }
  private digest: string | undefined;
  value(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}

const checkpointOf = (report: VerifyReport) =>
  report.latestCheckpoint
    ? `${report.latestCheckpoint.number}:${report.latestCheckpoint.position}:${report.latestCheckpoint.merkleRoot}`
    : '';
