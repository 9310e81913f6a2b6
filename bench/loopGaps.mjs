// Where the server's event loop was held, from inside it: a 1 ms timer's late firings (each gap is at least one turn of
// the loop that ran that long) and the garbage collector's pauses, with when each began (ms from the process's start).
// Loaded before the server by Node's --import, e.g. for the startup bench:
//
//   BENCH_STARTUP_NODE_FLAGS="--import ./bench/loopGaps.mjs" npm run bench -- startup 100000
//
// Written when the process ends, to LOOP_GAPS_OUT (default loop-gaps-<pid>.json in the working folder): `gaps` as
// [began, ms] over LOOP_GAPS_MIN_MS (12 by default), `gcs` as [began, ms, kind] (1 scavenge, 4 mark-compact,
// 8 incremental marking), and `clock` as [performance.now(), process.hrtime in µs] taken together, to place them in a
// CPU profile of the same process (its startTime is on hrtime's clock). Issue 12, the twenty-seventh round: a warm start's
// longest /healthz waits, put beside this, were a snapshot's first slice and the check phase's in one turn.
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const out = process.env.LOOP_GAPS_OUT || `loop-gaps-${process.pid}.json`;
  const least = Number(process.env.LOOP_GAPS_MIN_MS || 12);
  const clock = [performance.now(), Number(process.hrtime.bigint() / 1000n)];
  const gaps = [];
  const gcs = [];
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    if (now - last > least) gaps.push([Math.round(last), Math.round(now - last)]);
    last = now;
    setTimeout(tick, 1).unref();
  };
  setTimeout(tick, 1).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([Math.round(e.startTime), Number(e.duration.toFixed(1)), e.detail?.kind]);
  }).observe({ entryTypes: ['gc'] });
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    writeFileSync(out, JSON.stringify({ clock, gaps, gcs }));
  };
  process.on('exit', write);
  // The server exits on SIGTERM by its own handler; written first, in case that handler ends the process another way.
  // Before the server has set its handler (during a start's catch-up) this listener is the only one, and a listener
  // takes the signal's default away: the process then ends here, as it would have without this file.
  process.prependListener('SIGTERM', () => {
    write();
    if (process.listenerCount('SIGTERM') === 1) process.exit(128 + 15);
  });
}
