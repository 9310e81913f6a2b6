import { existsSync } from 'node:fs';
import { configFromEnv } from '../application/config.js';
import { openEventStore, sqliteFile } from '../eventstore/index.js';

/** Opens the configured store for a script (`--data-dir` overrides DATA_DIR), refusing to create an empty one. */
export async function openStoreForScript(dataDir: string | undefined) {
  const config = configFromEnv({ ...process.env, ...(dataDir ? { DATA_DIR: dataDir } : {}) });
  if (config.store.kind === 'sqlite' && !existsSync(sqliteFile(config.store.dataDir)))
    throw new Error(`There is no store at ${sqliteFile(config.store.dataDir)}.`);
  return openEventStore(config.store);
}

/** Runs a script's main, printing a failure as one line and exiting 2 (1 is kept for "broken"). */
export function runScript(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
