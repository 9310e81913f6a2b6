import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { configFromEnv } from '../application/config.js';
import { sqliteFile } from '../eventstore/index.js';
import { describeReport } from '../eventstore/verify.js';
import { copyBesideTheLog, databaseOf, verifyCopy } from './backupSet.js';
import { runScript } from './cli.js';

/**
 * `npm run backup -- <dir-or-file> [--data-dir DIR]`: a consistent copy of the SQLite store, taken
 * while the server runs (SQLite's online backup: the whole database copied in one step, under one
 * read transaction, so it is the log as it stood at one instant; writers are not blocked in WAL mode).
 * Given a directory (existing, or a path ending in "/"), it holds a data directory: the database,
 * the keys kept beside it and the evidence files; given a file, only the database. The copy's hash
 * chain and checkpoints are verified before the backup is reported written. PostgreSQL: pg_dump
 * (docs/deployment.md). Exit 0 written and intact, 1 the copy is not intact, 2 could not run.
 */
runScript(async () => {
  const { values, positionals } = parseArgs({ options: { 'data-dir': { type: 'string' } }, allowPositionals: true });
  const [target] = positionals;
  if (!target || positionals.length > 1) throw new Error('Usage: npm run backup -- <dir-or-file> [--data-dir DIR]');
  const config = configFromEnv({ ...process.env, ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}) });
  if (config.store.kind !== 'sqlite')
    throw new Error(
      `EVENT_STORE=${config.store.kind}: this command copies the SQLite store; see docs/deployment.md for PostgreSQL (pg_dump).`,
    );
  const source = sqliteFile(config.store.dataDir);
  if (!existsSync(source)) throw new Error(`There is no store at ${source}.`);
  const isDirectory = target.endsWith('/') || (existsSync(target) && statSync(target).isDirectory());
  const file = resolve(databaseOf(target, isDirectory));
  if (existsSync(file)) throw new Error(`${file} exists already: a backup never overwrites one; name another.`);
  mkdirSync(dirname(file), { recursive: true });

  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const started = performance.now();
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    // The first step only measures; the second copies every page at once, so the copy is one consistent state.
    await db.backup(partial, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  const { report, head } = await verifyCopy(partial);
  if (!report.intact) {
    rmSync(partial, { force: true });
    console.error(`The copy is not intact, so no backup was written:\n${describeReport(report)}`);
    return 1;
  }
  renameSync(partial, file);
  const beside = isDirectory ? copyBesideTheLog(config.store.dataDir, target) : [];
  const checkpoint = report.latestCheckpoint ? `, last checkpoint #${report.latestCheckpoint.number}` : ', no checkpoint yet';
  console.log(
    `Backup written to ${file}${beside.length > 0 ? ` (with ${beside.join(', ')})` : ''}: ${report.eventCount} events up to position ${head}${checkpoint}; hash chain and checkpoints verified in ${((performance.now() - started) / 1000).toFixed(2)} s.`,
  );
  return 0;
});
