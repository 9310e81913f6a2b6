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

/**
 * How many rows a read cut by time (`readUntilDue`) takes from the store at once, between two looks at the clock. A
 * million rows read in chunks of 64 took 1–9 % longer than in batches of 500–1,000 (a statement's start each: one read
 * transaction around a read's chunks saved nothing), a row at a time (better-sqlite3's `iterate`) 10–20 % longer.
 */
const ROWS_PER_LOOK = 64;

/** A follower's read: the store's `readAll`, told when its time is up when the follow is given `readMs`. */
export type FollowRead = ReadAllOptions & { due?: () => boolean };

/**
 * Up to `maxCount` rows after `after`, read `ROWS_PER_LOOK` at a time (`readRows`, rows in position order) and each
 * mapped to what it holds (an event, a link: each with its position, where the next chunk begins after), until the
 * read's time is up (`due`, asked after each chunk): what a store whose read is synchronous (SQLite) gives a follower.
 * A read sized beforehand to 4 ms from the last one's time per event took 170 ms in a profiled first start at ten
 * million events, V8's incremental marking taking its steps inside it as it fell behind its schedule (issue 12, aim 3;
 * the longest blocks of unprofiled first starts, 268–509 ms, were taken to be the same): a read cut by the clock ends
 * with the chunk in which the steps ran.
 */
export function readUntilDue<R, T extends { position: number }>(
  readRows: (after: number, count: number) => R[],
  { after = -1, maxCount, due }: FollowRead,
  map: (row: R) => T,
): T[] {
  if (due === undefined) return readRows(after, maxCount).map(map);
  const read: T[] = [];
  let from = after;
  while (read.length < maxCount) {
    const count = Math.min(ROWS_PER_LOOK, maxCount - read.length);
    const rows = readRows(from, count);
    for (const row of rows) read.push(map(row));
    if (rows.length < count || due()) break;
    from = read[read.length - 1]!.position;
  }
  return read;
}

/**
 * Catch-up then live, by reading the global log in batches from the last position delivered. The
 * "live" phase is the same loop, woken by an append: there is no hand-over between two mechanisms,
 * so there is no gap and no duplicate to get wrong. One abort listener and one poll timer serve the
 * whole follow (the timer re-armed before each read): making and dropping both at every append cost
 * more than the read itself.
 *
 * No piece of it holds the event loop past a slice (issue 12, aim 3): it yields between events once the turn has run a
 * slice (`sliceDue`), and a reader whose read is synchronous (SQLite: the rows, their JSON and the codec in one block) is
 * given `readMs`, the time a read may take, as a `due` it asks while reading (`readUntilDue`). A batch cut short by it is
 * not the head: the follow reads on after a turn. A batch short of `batchSize` with its time not up is the head.
 */
export async function followByReading<T extends { position: number } = RecordedEvent>(
  store: { readAll(options: FollowRead): Promise<T[]> },
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
  try {
    while (!signal.aborted) {
      // Register for the wake-up before reading, so an append between the read and the wait is not missed.
      const woken = new Promise<void>((resolve) => {
        resolveWait = resolve;
      });
      appended.onNext(wakeUp);
      poll.refresh();
      const reading = performance.now();
      const due = readMs === undefined ? undefined : () => performance.now() - reading >= readMs;
      const batch = await store.readAll({ after: position, maxCount: batchSize, due });
      // Cut by its time, not by the head: read on (a read that reached the head past its time reads once more, and finds
      // nothing).
      const cut = batch.length > 0 && due?.() === true;
      for (const event of batch) {
        if (signal.aborted) return;
        // Awaited only when it returns a promise: an await per event (a turn of the microtask queue each) was about 3 % of
        // the main thread's CPU in a catch-up of a million events, whose callbacks (the read models') return nothing.
        const handling = onEvent(event);
        if (handling !== undefined) await handling;
        position = event.position;
        if (sliceDue()) await yieldToEventLoop();
      }
      if (batch.length < batchSize && !cut) await woken;
      // A full batch, or one cut by its time: let timers and requests in before the next (issue 12). A read from SQLite
      // resolves at once, so a catch-up of a million events was one run of microtasks: /healthz and /readyz went
      // unanswered until it ended.
      else await yieldToEventLoop();
    }
  } finally {
    clearTimeout(poll);
    signal.removeEventListener('abort', wakeUp);
    appended.cancel(wakeUp);
  }
}
