// The start-up bench's asks of a server starting (bench/startup.ts): its polls of /healthz and /readyz, and the probe
// that asks /healthz every few ms on a thread of its own (this file, started as a worker) and keeps how long each answer
// took. Plain JavaScript, so the probe's thread loads no TypeScript loader while the server it measures is starting.
//
// node:http on one keep-alive connection, not fetch: on two cores the bench's own CPU is taken from the server it
// measures. fetch (undici) cost 0.2-0.5 ms of CPU an ask in a scratch loop, node:http 0.07-0.14; at one ask every 5 ms,
// fetch took 4-10 % of a core, and the first start at 100k was ready 0.1-0.3 s later with the probe than without it
// (three pairs, the thirty-eighth round).
import http from 'node:http';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** A GET's status through `agent`, undefined without an answer in 5 s (not listening yet, or stalled). */
export function statusOf(url, agent) {
  return new Promise((resolve) => {
    const asked = http.get(url, { agent, timeout: 5_000 }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode));
      response.once('error', () => resolve(undefined));
    });
    asked.once('timeout', () => asked.destroy());
    asked.once('error', () => resolve(undefined));
  });
}

if (!isMainThread && workerData?.healthProbe) {
  const { base, began, every } = workerData;
  const now = () => performance.timeOrigin + performance.now();
  let stopped = false;
  parentPort.once('message', () => {
    stopped = true;
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const waits = [];
  while (!stopped) {
    const asked = now();
    // Kept even without an answer: a wait that ran into the 5 s time-out is a stall of at least that.
    await statusOf(`${base}/healthz`, agent);
    waits.push({ at: (asked - began) / 1000, ms: now() - asked });
    await new Promise((resolve) => setTimeout(resolve, every));
  }
  agent.destroy();
  parentPort.postMessage(waits);
}
