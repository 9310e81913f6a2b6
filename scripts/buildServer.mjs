// `npm run build:server` (run by `npm start`): bundles the server's own code (api/main.ts and all it
// imports) into dist/, so a start loads a few prebuilt files instead of tsx transpiling some 200
// TypeScript files (about 0.85 s of every start). Plain JavaScript: it runs before anything is built.
//
// - Packages stay external (node_modules, the native better-sqlite3): only our code is bundled.
// - Code splitting keeps api/main.ts's order: it listens first, then imports the rest of the server
//   (its dynamic imports become chunks loaded then, with their packages).
// - dist/ is one folder below the checkout, like api/ and eventstore/: the paths the code resolves
//   from its own file (`new URL(…, import.meta.url)`: the web app's web/dist, the SQLite writer's
//   worker ./sqliteWriter.js) find the same files from a chunk in dist/ as from their source. The
//   writer is an entry of its own (dist/sqliteWriter.js), next to the chunks.
// - Written file by file through a rename, and stale files removed after: two servers sharing a
//   checkout (docker-compose.yml's postgres profile) may build at once, and one never reads a half-written file.
import { readdirSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const started = Date.now();

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'api/main.ts', sqliteWriter: 'eventstore/sqliteWriter.js' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});

mkdirSync(outdir, { recursive: true });
const written = new Set();
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
  written.add(basename(file.path));
}
for (const name of readdirSync(outdir)) {
  if (!written.has(name) && !name.endsWith('.tmp')) rmSync(join(outdir, name), { force: true });
}
console.log(`Server built into dist/ (${written.size} files) in ${Date.now() - started} ms.`);
