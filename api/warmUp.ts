import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
 * modules in one of ~30 ms. Blocks measured one by one on an idle machine: none over 25 ms. A part ending in `/` is each
 * `.js` file of that folder of the package, one step each: graphql's validation requires its 35 rules in one block (44 ms
 * of a first start's profile at 0.5 s, on a slower machine).
 */
const STEPS: readonly (readonly [pkg: string, parts?: readonly string[]])[] = [
  [
    'graphql',
    [
      'graphql/error',
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
  ['zod'],
  ['luxon'],
  ['uuid'],
  ['graphql-yoga'],
  ['@escape.tech/graphql-armor'],
  ['@pothos/core'],
  ['@pothos/plugin-relay'],
  ['helmet'],
  ['pino'],
  ['prom-client'],
  ['rate-limiter-flexible'],
  ['jose'],
  ['docx'],
];

/** Loads STEPS one at a time, then Node's own fetch (undici, loaded on first use: ~20 ms), a whole turn of the event loop after each. */
export async function warmUp(): Promise<void> {
  const require = createRequire(import.meta.url);
  for (const [pkg, parts = []] of STEPS) {
    for (const part of parts.flatMap((part) => filesOf(require, pkg, part))) {
      try {
        // A dependency as the package sees it: required from the package's own file (a nested copy, if any, is its).
        (part.startsWith(`${pkg}/`) ? require : createRequire(require.resolve(pkg)))(part);
      } catch {
        // Not there (another version of the package): its own require loads what it needs.
      }
      await nextTurn();
    }
    await import(pkg).catch(() => undefined);
    await nextTurn();
  }
  void globalThis.Response;
  await nextTurn();
}

/** A part as the files it names: itself, or for a folder (`pkg/dir/`) each `.js` file in it (none when it cannot be read). */
function filesOf(require: NodeJS.Require, pkg: string, part: string): string[] {
  if (!part.endsWith('/')) return [part];
  try {
    const folder = join(dirname(require.resolve(`${pkg}/package.json`)), part.slice(pkg.length + 1));
    return readdirSync(folder)
      .filter((file) => file.endsWith('.js'))
      .map((file) => part + file);
  } catch {
    return [];
  }
}
