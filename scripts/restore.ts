import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExportedCheckpoint } from '../eventstore/checkpoints.js';
import { sqliteFile } from '../eventstore/index.js';
import { describeReport } from '../eventstore/verify.js';
import { copyBesideTheLog, databaseOf, verifyCopy } from './backupSet.js';
import { runScript } from './cli.js';

/**
 * `npm run restore -- <backup> <data dir> [--checkpoint FILE]`: installs a backup (`npm run backup`)
 * as the store of a data directory that has none, after walking the copy's whole hash chain and its
 * checkpoints (and an exported checkpoint, when given): a backup that is not exactly what was written
 * is refused and nothing is installed. Exit 0 restored, 1 refused as not intact, 2 could not run.
 */
runScript(async () => {
  const { values, positionals } = parseArgs({ options: { checkpoint: { type: 'string' } }, allowPositionals: true });
  const [backup, dataDir] = positionals;
  if (!backup || !dataDir || positionals.length > 2) throw new Error('Usage: npm run restore -- <backup> <data dir> [--checkpoint FILE]');
  if (!existsSync(backup)) throw new Error(`There is no backup at ${backup}.`);
  const isDirectory = statSync(backup).isDirectory();
  const source = databaseOf(backup, isDirectory);
  if (!existsSync(source)) throw new Error(`${backup} holds no database (${source}).`);
  const target = sqliteFile(dataDir);
  for (const file of [target, `${target}-wal`])
    if (existsSync(file))
      throw new Error(`${file} exists: restore into a data directory without a store (stop the server, move the old one away).`);
  const held = values.checkpoint ? ExportedCheckpoint.parse(JSON.parse(readFileSync(values.checkpoint, 'utf8'))) : undefined;

  // What is verified is the very file installed: copied in beside the target first, renamed into place only when intact.
  mkdirSync(dataDir, { recursive: true });
  const restoring = `${target}.restoring`;
  rmSync(restoring, { force: true });
  copyFileSync(source, restoring);
  let verified: Awaited<ReturnType<typeof verifyCopy>>;
  try {
    verified = await verifyCopy(restoring, held);
  } catch (error) {
    rmSync(restoring, { force: true });
    throw new Error(`${source} could not be read as a taizhang store: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { report, head } = verified;
  if (!report.intact) {
    rmSync(restoring, { force: true });
    console.error(`Refused: the backup ${source} is not intact, and nothing was restored.\n${describeReport(report)}`);
    return 1;
  }
  const beside = isDirectory ? copyBesideTheLog(backup, dataDir) : [];
  renameSync(restoring, target);
  console.log(
    `Restored ${report.eventCount} events (up to position ${head}) into ${target}${beside.length > 0 ? `, with ${beside.join(', ')}` : ''}: hash chain and checkpoints verified.`,
  );
  return 0;
});
