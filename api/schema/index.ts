import { lexicographicSortSchema } from 'graphql';
import { nextTurn, sliced } from '../../projections/slices.js';
import { enforceAuthorization } from '../authz.js';
import { builder } from './builder.js';
import { schemaInSlices } from './inSlices.js';

/**
 * The modules declaring the schema's types on the builder, in this order. Imported one at a time with a whole turn of the
 * event loop after each (a chunk of its own in dist/, compiled and evaluated alone): as static imports they were
 * compiled with the server's module and evaluated in one block (40-48 ms of a start's profile at ~1.5 s, issue 12, aim 3).
 */
const declaring = [
  () => import('./unit.js'),
  () => import('./event.js'),
  () => import('./problem.js'),
  () => import('./mutations.js'),
  () => import('./policy.js'),
  () => import('./calendar.js'),
  () => import('./battleMap.js'),
  () => import('./battleMapWall.js'),
  () => import('./interviewTrigger.js'),
  () => import('./scorecard.js'),
  () => import('./battleMapUpdate.js'),
  () => import('./accounts.js'),
  () => import('./hotline.js'),
  () => import('./audit.js'),
  () => import('./problemImport.js'),
  () => import('./ledgerVerification.js'),
  () => import('./reproduction.js'),
  () => import('./vocabulary.js'),
  () => import('./notification.js'),
  () => import('./report.js'),
  () => import('./similarProblems.js'),
  () => import('./review.js'),
  () => import('./serverStatus.js'),
  () => import('./bulletin.js'),
  () => import('./sweep.js'),
  () => import('./sourceDocument.js'),
  () => import('./problemUnits.js'),
  () => import('./unitLeaders.js'),
  () => import('./migration.js'),
];

/**
 * The schema, with the authorization layer (api/authz.ts) wrapped around every root field. Sorted as
 * `toSchema({ sortSchema: true })` sorts it. The types declared, the schema built (in slices: `schemaInSlices`) and its
 * sorting each take turns of the event loop of their own: at once they held a starting server's loop ~80 ms (issue 12, aim 3).
 */
for (const declare of declaring) {
  await declare();
  await nextTurn();
}
const unsorted = await sliced(schemaInSlices(builder));
await nextTurn();
export const schema = enforceAuthorization(lexicographicSortSchema(unsorted));
