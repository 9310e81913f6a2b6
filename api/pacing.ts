import type express from 'express';

/**
 * Starts one request, then lets the event loop turn before the next (issue 12 aim 3: with 32
 * writers, /healthz waited behind every command whose bytes had arrived in the same turn, about a
 * millisecond of GraphQL each). A request that finds none started since the last turn goes straight
 * on; the others wait in arrival order and are started one per turn, so probes, other routes, the
 * writer thread's acknowledgements and timers come in between two commands instead of after
 * thirty-two. Nothing is refused, the order is kept, and the wait counts in the request's latency.
 */
export function oneRequestPerTurn(): express.RequestHandler {
  const waiting: Array<() => void> = [];
  let started = false;
  // Queued from the poll phase it runs in this turn's check phase; queued from itself, in the next turn.
  const startNext = () => {
    const next = waiting.shift();
    if (!next) {
      started = false;
      return;
    }
    setImmediate(startNext);
    next();
  };
  return (_req, _res, next) => {
    if (started) {
      waiting.push(next);
      return;
    }
    started = true;
    setImmediate(startNext);
    next();
  };
}
