import { sliceDue, yieldToEventLoop } from '../projections/slices.js';
import type { ReadAllOptions, RecordedEvent, SubscribeOptions } from './port.js';

/**
 * Wakes subscribers when this process appends. Readers in other processes (a second server on the
 * same SQLite file) are covered by the poll interval instead.
 */
export class AppendSignal {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Calls `wake` once, at the next append (registering the same function twice still calls it once). */
  onNext(wake: () => void): void {
    this.waiters.add(wake);
  }

  /** Drops a registration `onNext` made that is no longer wanted. */
  cancel(wake: () => void): void {
    this.waiters.delete(wake);
  }
}

/** A catch-up's first read when its batches are sized by time: small, while the code is not yet compiled. */
const FIRST_TIMED_BATCH = 100;
/** The fewest events a read sized by time asks for. */
const LEAST_TIMED_BATCH = 50;

/**
 * Catch-up then live, by reading the global log in batches from the last position delivered. The
 * "live" phase is the same loop, woken by an append: there is no hand-over between two mechanisms,
 * so there is no gap and no duplicate to get wrong. One abort listener and one poll timer serve the
 * whole follow (the timer re-armed before each read): making and dropping both at every append cost
 * more than the read itself.
 *
 * No piece of it holds the event loop past a slice (issue 12, aim 3): it yields between events once the turn has run a
 * slice (`sliceDue`), and a reader whose read is synchronous (SQLite: the rows, their JSON and the codec in one block) gives
 * `readMs`, the time a read may take: each batch is then sized from the last one's time per event, up to `batchSize`
 * (a catch-up's first reads, before the code is compiled, took 20–40 ms for 1,000 events).
 */
export async function followByReading<T extends { position: number } = RecordedEvent>(
  store: { readAll(options: ReadAllOptions): Promise<T[]> },
  appended: AppendSignal,
  { after, signal }: SubscribeOptions,
  onEvent: (event: T) => Promise<void> | void,
  { batchSize = 1000, pollMs = 500, readMs }: { batchSize?: number; pollMs?: number; readMs?: number } = {},
): Promise<void> {
  let position = after ?? -1;
  let resolveWait = () => {};
  const wakeUp = () => resolveWait();
  signal.addEventListener('abort', wakeUp, { once: true });
  const poll = setTimeout(wakeUp, pollMs);
  let size = readMs === undefined ? batchSize : Math.min(batchSize, FIRST_TIMED_BATCH);
  try {
    while (!signal.aborted) {
      // Register for the wake-up before reading, so an append between the read and the wait is not missed.
      const woken = new Promise<void>((resolve) => {
        resolveWait = resolve;
      });
      appended.onNext(wakeUp);
      poll.refresh();
      const asked = size;
      const reading = performance.now();
      const batch = await store.readAll({ after: position, maxCount: asked });
      if (readMs !== undefined && batch.length === asked) {
        const perEvent = Math.max(performance.now() - reading, 0.01) / asked;
        size = Math.max(LEAST_TIMED_BATCH, Math.min(batchSize, Math.round(readMs / perEvent)));
      }
      for (const event of batch) {
        if (signal.aborted) return;
        // Awaited only when it returns a promise: an await per event (a turn of the microtask queue each) was about 3 % of
        // the main thread's CPU in a catch-up of a million events, whose callbacks (the read models') return nothing.
        const handling = onEvent(event);
        if (handling !== undefined) await handling;
        position = event.position;
        if (sliceDue()) await yieldToEventLoop();
      }
      if (batch.length < asked) await woken;
      // A full batch: let timers and requests in before the next (issue 12). A read from SQLite resolves at once, so a
      // catch-up of a million events was one run of microtasks: /healthz and /readyz went unanswered until it ended.
      else await yieldToEventLoop();
    }
  } finally {
    clearTimeout(poll);
    signal.removeEventListener('abort', wakeUp);
    appended.cancel(wakeUp);
  }
}
