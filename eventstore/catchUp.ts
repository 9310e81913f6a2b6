import type { EventStore, RecordedEvent, SubscribeOptions } from './port.js';

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

  /**
   * Registers for the next append now, so one that lands before the caller gets round to waiting
   * is not missed. `woken` resolves at that append, after `timeoutMs`, or when the signal aborts,
   * whichever comes first; `cancel` drops the registration (its timer and abort listener) when the
   * caller no longer needs it.
   */
  register(timeoutMs: number, signal: AbortSignal): { woken: Promise<void>; cancel: () => void } {
    let cancel!: () => void;
    const woken = new Promise<void>((resolve) => {
      cancel = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', cancel);
        this.waiters.delete(cancel);
        resolve();
      };
    });
    const timer = setTimeout(cancel, timeoutMs);
    signal.addEventListener('abort', cancel, { once: true });
    this.waiters.add(cancel);
    return { woken, cancel };
  }
}

/**
 * Catch-up then live, by reading the global log in batches from the last position delivered. The
 * "live" phase is the same loop, woken by an append: there is no hand-over between two mechanisms,
 * so there is no gap and no duplicate to get wrong.
 */
export async function followByReading(
  store: Pick<EventStore, 'readAll'>,
  appended: AppendSignal,
  { after, signal }: SubscribeOptions,
  onEvent: (event: RecordedEvent) => Promise<void> | void,
  { batchSize = 1000, pollMs = 500 }: { batchSize?: number; pollMs?: number } = {},
): Promise<void> {
  let position = after ?? -1;
  while (!signal.aborted) {
    // Register for the wake-up before reading, so an append between the read and the wait is not missed.
    const wakeUp = appended.register(pollMs, signal);
    try {
      const batch = await store.readAll({ after: position, maxCount: batchSize });
      for (const event of batch) {
        if (signal.aborted) return;
        // Awaited only when the handler is asynchronous: an await per event of a synchronous one (the read models') was a
        // trip through the microtask queue for each of a million events.
        const handled = onEvent(event);
        if (handled) await handled;
        position = event.position;
      }
      if (batch.length < batchSize) await wakeUp.woken;
      // A full batch: let timers and requests in before the next (issue 12). A read from SQLite resolves at once, so a
      // catch-up of a million events was one run of microtasks: /healthz and /readyz went unanswered until it ended.
      else await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      // A full batch goes straight on to the next read: drop this registration rather than leave a
      // timer and an abort listener behind for every batch of a long catch-up.
      wakeUp.cancel();
    }
  }
}
