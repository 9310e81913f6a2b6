// What survives the young generation, by where it was allocated: a sampling heap profile of the server's main thread
// that keeps the objects later freed by a major collection (those freed by a scavenge are dropped), taken between two
// moments of a start. Loaded before the server by Node's --import, e.g. for the startup bench:
//
//   BENCH_STARTUP_NODE_FLAGS="--import ./bench/heapSample.mjs" HEAP_SAMPLE_FROM_MS=12500 HEAP_SAMPLE_TO_MS=32000 \
//     npm run bench -- startup 1000000
//
// The profile is written to HEAP_SAMPLE_OUT (default heap-sample-<pid>.heapprofile in the working folder) and opens in
// Chrome's DevTools (Memory, Load). Issue 12, ninth round: it named what a first start's catch-up left for the collector.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { isMainThread } from 'node:worker_threads';

const from = Number(process.env.HEAP_SAMPLE_FROM_MS ?? 10_000);
const to = Number(process.env.HEAP_SAMPLE_TO_MS ?? 30_000);
const out = process.env.HEAP_SAMPLE_OUT ?? `heap-sample-${process.pid}.heapprofile`;

if (isMainThread) {
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  setTimeout(async () => {
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true });
    setTimeout(async () => {
      const { profile } = await post('HeapProfiler.stopSampling');
      writeFileSync(out, JSON.stringify(profile));
      process.stderr.write(`heap sample written to ${out}\n`);
    }, to - from).unref();
  }, from).unref();
}
