import type { Step } from './nodeHttp.js';
import { sliceDue } from '../projections/slices.js';

/**
 * The slice of a turn in which GraphQL requests start back to back, in ms: shorter than the folds' (SLICE_MS, 8), since a
 * probe that comes in the middle waits for it. With 32 writers on this 2-core VM (the commands bench, 2026-12-04):
 * `/healthz` p99 9–16 ms at 2 ms, 14–17 at 4 and 20–25 at 8; 1 ms started too few commands a slice to save much.
 */
export const REQUEST_SLICE_MS = 2;

/**
 * GraphQL requests started in slices of the event loop's turns, on the clock the long folds' slices share
 * (projections/slices.ts, issue 12 aim 3): a request starts at once while the turn has run less than a slice and none
 * is waiting; otherwise it waits, and the waiting ones start in arrival order in the check phase, each while the slice
 * there allows, the rest in the next turn. So with 32 writers `/healthz`, the other routes, the writer thread's
 * acknowledgements and timers wait for a slice of commands, not for every command whose bytes came in the same turn
 * (about a millisecond of GraphQL each). Nothing is refused, the order is kept, and the wait counts in the request's
 * latency.
 *
 * Until the thirty-first round a request that found another started since the last turn waited for a turn of its own:
 * one command a turn, which with 32 clients cost each command a turn of the loop (its poll, its immediates, an answer
 * written and a client woken for each): side by side, 1.04 ms of server CPU a command against 0.82 in slices
 * (docs/benchmarks-history.md, the thirty-first round).
 */
export function requestsInSlices(): Step {
  const waiting: Array<() => void> = [];
  // One immediate queued per waiting request, each starting the longest-waiting one: in the check phase the event loop
  // runs each immediate's microtasks before the next, so the slice clock sees the work of the requests started before.
  const startOne = () => {
    if (sliceDue(REQUEST_SLICE_MS)) setImmediate(startOne);
    else waiting.shift()!();
  };
  return (_req, _res, next) => {
    if (waiting.length === 0 && !sliceDue(REQUEST_SLICE_MS)) {
      next();
      return;
    }
    waiting.push(next);
    setImmediate(startOne);
  };
}
