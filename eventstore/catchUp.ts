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

  /** Resolves at the next append, after `timeoutMs`, or when the signal aborts, whichever comes first. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
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
    const woken = appended.wait(pollMs, signal);
    const batch = await store.readAll({ after: position, maxCount: batchSize });
    for (const event of batch) {
      if (signal.aborted) return;
      await onEvent(event);
      position = event.position;
    }
    if (batch.length < batchSize) await woken;
  }
}
