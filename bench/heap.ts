import { getHeapStatistics } from 'node:v8';
import type { EventStore } from '../eventstore/port.js';
import { auditTrail } from '../projections/auditView.js';
import { ledgerView } from '../projections/ledgerView.js';
import { outboxView } from '../projections/outboxView.js';
import { problemFacts } from '../projections/problemFacts.js';
import { type Projection, ProjectionRunner } from '../projections/runner.js';
import { scheduleView } from '../projections/scheduleView.js';
import { currentIndex, similarityIndex } from '../projections/similarProblems.js';
import { exposedGc } from '../projections/youngGeneration.js';

/** A full garbage collection, without `--expose-gc` on the command line (so `npm run bench` needs no flag). */
const gc = exposedGc!;

/** The heap in use after two full collections: what is live. */
export function liveHeap(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}

/** Node's heap limit in this process (`v8.getHeapStatistics().heap_size_limit`). */
export const heapLimit = () => getHeapStatistics().heap_size_limit;

export const megabytes = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * Who holds the heap: each of the big projections built alone over `store` (every event), the live
 * heap with it minus without it, per million events and per event. The audit trail is in its
 * read-model database (a temporary file here): what it still holds in the heap is its caches.
 */
export async function heapByProjection(store: EventStore, events: number): Promise<Record<string, string | number>[]> {
  const holders: Record<string, string | number>[] = [];
  const audit = auditTrail();
  // biome-ignore lint/suspicious/noExplicitAny: projections of every state type
  for (const projection of [audit, ledgerView, problemFacts, similarityIndex, scheduleView, outboxView] as Projection<any>[]) {
    let runner: ProjectionRunner | null = new ProjectionRunner(store, [projection]);
    await runner.start();
    // The index segments its raises after the start: counted once they are.
    if (projection === similarityIndex) await currentIndex(runner.state(similarityIndex));
    await runner.stop();
    const withIt = liveHeap();
    runner = null;
    // The runner's start leaves a turn's callback (its first snapshot's, run or not) holding it: let it run first.
    await new Promise((resolve) => setImmediate(resolve));
    const held = withIt - liveHeap();
    holders.push({
      projection: projection.name,
      'heap MB per 1M events': Math.round(((held / events) * 1e6) / 2 ** 20),
      'bytes per event': Math.round(held / events),
    });
  }
  audit.close();
  return holders;
}
