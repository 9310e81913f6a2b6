// `npm run build:server` (run by `npm start`): bundles the server's own code (api/main.ts and all it
// imports) into dist/, so a start loads a few prebuilt files instead of tsx transpiling some 200
// TypeScript files (about 0.85 s of every start). Plain JavaScript: it runs before anything is built.
//
// - The packages a start loads are bundled with our code: Node's loader resolving, reading and compiling node_modules
//   file by file held 0.65-0.72 s of a start's main thread at 100k events (its frames in CPU profiles; 0.25-0.28 s
//   bundled), and side by side the main thread's CPU to ready fell by 0.2-0.5 s (issue 12, the thirty-third round).
//   Left to Node (EXTERNAL): native addons and packages that find files of their own by path (better-sqlite3, pino's
//   transports), and those loaded only on demand or in a worker of their own (the other stores' clients, the Word and
//   Excel writers, mail, GraphiQL's 9 MB page). Bundled CommonJS packages require Node's own modules through the
//   `require` the banner makes.
// - Code splitting keeps api/main.ts's order: it listens first, then imports the rest of the server
//   (its dynamic imports become chunks loaded then, with their packages).
// - dist/ is one folder below the checkout, like api/ and eventstore/: the paths the code resolves
//   from its own file (`new URL(…, import.meta.url)`: the web app's web/dist, the SQLite writer's
//   worker ./sqliteWriter.js) find the same files from a chunk in dist/ as from their source. The
//   workers are entries of their own (dist/sqliteWriter.js, auditTable.js, consolePage.js), next to the chunks.
// - Written file by file through a rename, and stale files removed after: two servers sharing a
//   checkout (docker-compose.yml's postgres profile) may build at once, and one never reads a half-written file.
// - Not built again when nothing it was built from changed: dist/inputs.json keeps the SHA-256 of every
//   file of ours the bundle holds, of this script, package.json, its lock and tsconfig.json, and of every
//   file it wrote (hashing them takes milliseconds, a build half a second of every `npm start`). A source
//   changed, added to an import or gone, or an output changed or gone: built again.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const output = (name) => `dist/${name}`;
const inputsFile = join(outdir, 'inputs.json');
const started = Date.now();
const always = ['scripts/buildServer.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];
const EXTERNAL = [
  'better-sqlite3',
  'pino',
  '@kurrent/kurrentdb-client',
  'pg',
  'docx',
  'exceljs',
  'nodemailer',
  '@graphql-yoga/render-graphiql',
];

/** Each file's SHA-256, null for one that cannot be read. */
const hashes = (files) =>
  Object.fromEntries(
    files.map((file) => {
      try {
        return [
          file,
          createHash('sha256')
            .update(readFileSync(join(root, file)))
            .digest('hex'),
        ];
      } catch {
        return [file, null];
      }
    }),
  );

try {
  const { inputs, outputs } = JSON.parse(readFileSync(inputsFile, 'utf8'));
  const kept = { ...inputs, ...outputs };
  const now = hashes(Object.keys(kept));
  const current = Object.entries(kept).every(([file, hash]) => hash !== null && now[file] === hash);
  if (current && always.every((file) => file in inputs) && output('main.js') in outputs) {
    console.log('Server in dist/ is current with its sources.');
    process.exit(0);
  }
} catch {
  // No dist/inputs.json (never built) or not readable: built.
}

const { build } = await import('esbuild');
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'api/main.ts',
    sqliteWriter: 'eventstore/sqliteWriter.js',
    auditTable: 'projections/auditTable.js',
    consolePage: 'api/consolePage.js',
  },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  outdir,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'eof',
  logLevel: 'warning',
  write: false,
  metafile: true,
});
const inputs = hashes([...Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/')), ...always]);

mkdirSync(outdir, { recursive: true });
const written = new Set();
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
  written.add(basename(file.path));
}
// Last: a build stopped half-way leaves the previous list, which no longer matches what it was built from.
const temporary = `${inputsFile}.${process.pid}.tmp`;
const outputs = Object.fromEntries(
  result.outputFiles.map((file) => [output(basename(file.path)), createHash('sha256').update(file.contents).digest('hex')]),
);
writeFileSync(temporary, JSON.stringify({ inputs, outputs }));
renameSync(temporary, inputsFile);
written.add(basename(inputsFile));
for (const name of readdirSync(outdir)) {
  if (!written.has(name) && !name.endsWith('.tmp')) rmSync(join(outdir, name), { force: true });
}
console.log(`Server built into dist/ (${written.size} files) in ${Date.now() - started} ms.`);
