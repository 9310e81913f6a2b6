import { nextTurn } from '../projections/slices.js';

/**
 * The packages the server loads, loaded one at a time with a turn of the event loop between, while the server already
 * listens and answers "starting" (issue 12, aim 3: no piece of work over 50 ms in the first seconds). Importing the
 * server at once evaluates every package it imports in one block; loaded here first, each is the same module the
 * server's own import then finds loaded. Only a matter of speed: a step that fails is skipped (the server's own import
 * then loads the package, and reports a real error).
 *
 * Each step is an import by a name written out, so the build (scripts/buildServer.mjs, which bundles the packages)
 * makes each its own chunk, loaded and evaluated in its own turn; under tsx each is Node's own import of the package.
 * A package's dependencies come before it where it would otherwise evaluate them in one block: express's (iconv-lite,
 * qs, http-errors, send with mime-types, body-parser: express in one step was 40–49 ms, body-parser with mime-types 53 ms
 * with a scavenge, the thirty-third round), graphql-yoga's (whatwg-node's, graphql-tools', envelop's: 80 ms together).
 * Measured one by one in warm starts at 1M events (the thirty-third round, an idle machine): graphql 17–21 ms, send
 * 20–23 ms, the rest 1–14 ms each, the whole list about 0.2 s. send's own types, mime-types over mime-db (a JSON of
 * every type), come before it: send with them was one block of 32–36 ms with a scavenge, the longest wait of a cold
 * start's first second at 100k (a CPU profile beside bench/loopGaps.mjs, the thirty-seventh round). docx is not here:
 * one module of 1 MB, loaded when a first Word document is made (application/documents).
 */
const STEPS: readonly (() => Promise<unknown>)[] = [
  () => import('graphql'),
  () => import('iconv-lite'),
  () => import('qs'),
  () => import('http-errors'),
  // @ts-expect-error: no types, and none needed (imported to be evaluated, nothing of it used here).
  () => import('mime-db'),
  // @ts-expect-error: as above.
  () => import('mime-types'),
  () => import('send'),
  () => import('body-parser'),
  () => import('express'),
  () => import('zod'),
  () => import('luxon'),
  () => import('uuid'),
  () => import('@whatwg-node/promise-helpers'),
  () => import('@whatwg-node/disposablestack'),
  () => import('@whatwg-node/events'),
  () => import('@whatwg-node/fetch'),
  () => import('@whatwg-node/server'),
  () => import('@graphql-tools/utils'),
  () => import('@graphql-tools/merge'),
  () => import('@graphql-tools/schema'),
  () => import('@graphql-tools/executor'),
  () => import('@envelop/instrumentation'),
  () => import('@envelop/core'),
  () => import('lru-cache'),
  () => import('@graphql-yoga/logger'),
  () => import('@graphql-yoga/subscription'),
  () => import('graphql-yoga'),
  () => import('@escape.tech/graphql-armor'),
  () => import('@pothos/core'),
  () => import('@pothos/plugin-relay'),
  () => import('helmet'),
  () => import('pino'),
  () => import('prom-client'),
  () => import('rate-limiter-flexible'),
  () => import('jose'),
];

/**
 * Loads STEPS one at a time, a whole turn of the event loop after each. Node's own fetch (undici) is not among them: one
 * block of 45–78 ms, loaded only when a webhook notification is first sent (api/server.ts, `withoutGlobalRequest`).
 */
export async function warmUp(): Promise<void> {
  for (const step of STEPS) {
    await step().catch(() => undefined);
    await nextTurn();
  }
  // The first instant read with its offset, as the codec reads an event's (domain/shared/calendar.ts `Instant`): luxon
  // sets up its locale and zones there (one block of ~22 ms), which a warm start's first read of the log met in the same
  // turn as a snapshot's slice and a collection (70–85 ms waits at 100k events, the twenty-first round).
  const { Instant } = await import('../domain/shared/calendar.js');
  Instant.safeParse('2020-01-01T08:00:00.000+08:00');
  await nextTurn();
}
