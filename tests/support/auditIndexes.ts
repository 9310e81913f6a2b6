import Database from 'better-sqlite3';

/** The indexes the audit trail's table holds in a read-model database, by name, read from a connection of the test's own (the trail closed). */
export function auditIndexes(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit' ORDER BY name").pluck().all() as string[];
  } finally {
    db.close();
  }
}
