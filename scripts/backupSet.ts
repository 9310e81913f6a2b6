import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerNumberLabeler } from '../application/integrity.js';
import type { ExportedCheckpoint } from '../eventstore/checkpoints.js';
import { sqliteFile } from '../eventstore/index.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { type VerifyReport, verifyLog } from '../eventstore/verify.js';

/**
 * What a backup of a data directory holds besides the log: the keys kept beside it (the notification
 * key opens the channels' sealed secrets; the token secret keeps sign-ins valid) and the evidence
 * files (by content hash). Without the notification key a restored store cannot send to its channels.
 */
export const KEPT_BESIDE_THE_LOG = ['notification-key', 'token-secret'] as const;
export const FILES_DIR = 'files';

/** The database file of a backup given as a file or as a directory (a data directory's layout). */
export const databaseOf = (backup: string, isDirectory: boolean) => (isDirectory ? sqliteFile(backup) : backup);

/** Walks a SQLite copy's whole log: its hash chain, its checkpoints, and an exported checkpoint when given. */
export async function verifyCopy(file: string, held?: ExportedCheckpoint): Promise<{ report: VerifyReport; head: number }> {
  const store = new SqliteEventStore(file);
  try {
    const report = await verifyLog(store, { labeler: ledgerNumberLabeler, ...(held ? { held } : {}) });
    return { report, head: await store.headPosition() };
  } finally {
    await store.close();
  }
}

/** Copies the keys and the evidence files from one data directory to another; a key present in both must be the same. */
export function copyBesideTheLog(from: string, to: string): string[] {
  const copied: string[] = [];
  for (const name of KEPT_BESIDE_THE_LOG) {
    const source = join(from, name);
    if (!existsSync(source)) continue;
    const target = join(to, name);
    if (existsSync(target)) {
      if (!readFileSync(target).equals(readFileSync(source)))
        throw new Error(`${target} exists and differs from the backup's ${name}: move it away first.`);
      continue;
    }
    cpSync(source, target, { preserveTimestamps: true });
    copied.push(name);
  }
  if (existsSync(join(from, FILES_DIR))) {
    // Content-addressed: a file already there is the same file, so nothing is overwritten with something else.
    cpSync(join(from, FILES_DIR), join(to, FILES_DIR), { recursive: true, force: false, errorOnExist: false });
    copied.push(`${FILES_DIR}/`);
  }
  return copied;
}
