import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nextTurn } from '../projections/slices.js';

/**
 * The packages the server loads, loaded one piece at a time with a turn of the event loop between, while the server
 * already listens and answers "starting" (issue 12, aim 3: no piece of work over 50 ms in the first seconds). Importing
 * the server at once evaluates every package it imports in one block (0.17–0.2 s at ~0.5 s from spawn); loaded here
 * first, each is taken from the module cache when the server imports it. Only a matter of speed: a step that fails
 * is skipped (the server's own import then loads the package, and reports a real error).
 *
 * Each step is a package imported as the server imports it (`import()`: the same instance, ES module or CommonJS),
 * or, before it, the heavy parts of a CommonJS package required from where the package itself requires them (the
 * same files in the same cache): express requires its dependencies in one synchronous block of ~50 ms, graphql its
 * modules in one of ~30 ms. Blocks measured one by one on an idle machine: none over 30 ms (the thirteenth round, on a
 * slow host). A part ending in `/` is each `.js` file of that folder of the package but its index.js (left to the
 * package's own import, after them), one step each: graphql's validation requires its 35 rules in one block (44 ms of a
 * first start's profile at 0.5 s, on a slower machine). A file of an ES module package (zod's, @graphql-tools'),
 * which `require` refuses, is imported by its URL: the URL the package's own imports resolve to, so the same module.
 * graphql-yoga is preceded by the packages it imports (it evaluated them in one block of 48–62 ms, idle), zod by its
 * locales and modules (38–48 ms), prom-client by its files (30–58 ms). docx is not here: one module of 1 MB, its
 * loading is one block of 40–55 ms, so it is loaded when a first Word document is made (application/documents).
 */
const STEPS: readonly (readonly [pkg: string, parts?: readonly string[]])[] = [
  [
    'graphql',
    [
      'graphql/error',
      'graphql/language/',
      'graphql/language',
      'graphql/type/definition',
      'graphql/type/introspection',
      'graphql/type',
      'graphql/validation/rules/',
      'graphql/validation',
      'graphql/execution',
      'graphql/utilities/buildASTSchema',
      'graphql/utilities',
    ],
  ],
  [
    'express',
    [
      'mime-types',
      'get-intrinsic',
      'side-channel',
      'qs',
      'iconv-lite',
      'raw-body',
      'type-is',
      'body-parser',
      'send',
      'router',
      'finalhandler',
      'serve-static',
    ],
  ],
  ['zod', ['zod/v4/locales/', 'zod/v4/core/', 'zod/v4/classic/']],
  ['luxon'],
  ['uuid'],
  ['@whatwg-node/promise-helpers'],
  ['@whatwg-node/disposablestack'],
  ['@whatwg-node/events'],
  ['@whatwg-node/fetch', ['urlpattern-polyfill', '@fastify/busboy', 'tslib', '@whatwg-node/node-fetch']],
  ['@whatwg-node/server'],
  ['@graphql-tools/utils', ['@graphql-tools/utils/esm/']],
  ['@graphql-tools/merge'],
  ['@graphql-tools/schema'],
  ['@graphql-tools/executor'],
  ['@envelop/instrumentation'],
  ['@envelop/core'],
  ['lru-cache'],
  ['@graphql-yoga/logger'],
  ['@graphql-yoga/subscription'],
  ['graphql-yoga'],
  ['@escape.tech/graphql-armor'],
  ['@pothos/core'],
  ['@pothos/plugin-relay'],
  ['helmet'],
  ['pino'],
  ['prom-client', ['prom-client/lib/']],
  ['rate-limiter-flexible'],
  ['jose'],
];

/**
 * Loads STEPS one at a time, a whole turn of the event loop after each. Node's own fetch (undici) is not among them: one
 * block of 45–78 ms, loaded only when a webhook notification is first sent (api/server.ts, `withoutGlobalRequest`).
 */
export async function warmUp(): Promise<void> {
  const require = createRequire(import.meta.url);
  for (const [pkg, parts = []] of STEPS) {
    for (const part of parts.flatMap((part) => filesOf(require, pkg, part))) {
      try {
        // A dependency as the package sees it: required from the package's own file (a nested copy, if any, is its).
        (isAbsolute(part) || part.startsWith(`${pkg}/`) ? require : createRequire(require.resolve(pkg)))(part);
      } catch (error) {
        // An ES module's file: imported by its URL. Anything else not there (another version of the package): its own
        // import loads what it needs.
        if (isAbsolute(part) && (error as { code?: string }).code === 'ERR_REQUIRE_ESM')
          await import(pathToFileURL(part).href).catch(() => undefined);
      }
      await nextTurn();
    }
    await import(pkg).catch(() => undefined);
    await nextTurn();
  }
  // The first instant read with its offset, as the codec reads an event's (domain/shared/calendar.ts `Instant`): luxon
  // sets up its locale and zones there (one block of ~22 ms), which a warm start's first read of the log met in the same
  // turn as a snapshot's slice and a collection (70–85 ms waits at 100k events, the twenty-first round).
  const { Instant } = await import('../domain/shared/calendar.js');
  Instant.safeParse('2020-01-01T08:00:00.000+08:00');
  await nextTurn();
}

/**
 * A part as the files it names: itself, or for a folder (`pkg/dir/`) the path of each `.js` file in it but its index (which
 * imports the others at once; the package's own import loads it after them), none when it cannot be read.
 */
function filesOf(require: NodeJS.Require, pkg: string, part: string): string[] {
  if (!part.endsWith('/')) return [part];
  try {
    const folder = join(dirname(require.resolve(`${pkg}/package.json`)), part.slice(pkg.length + 1));
    return readdirSync(folder)
      .filter((file) => file.endsWith('.js') && file !== 'index.js')
      .map((file) => join(folder, file));
  } catch {
    return [];
  }
}
