import { nextTurn } from '../../projections/slices.js';

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

/** Declares the schema's types on the builder: the modules imported in order, a whole turn of the event loop after each. */
export async function declareTypes(): Promise<void> {
  for (const declare of declaring) {
    await declare();
    await nextTurn();
  }
}
