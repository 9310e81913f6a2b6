/** Asked for what could not be made: why (its `cause`), and in how many seconds the next making may start (`Retry-After`). */
export class NotMadeYet extends Error {
  constructor(
    reason: unknown,
    readonly retryAfterSeconds: number,
  ) {
    super(`Not made: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: reason });
  }
}

export type MadeOnceOptions = {
  /** How long after a failed making the next one may start (ms). */
  retryMs: number;
  /** How long one making may take (ms): past it, its signal is aborted and it counts as failed. */
  timeoutMs: number;
  /** Told of each making that failed, once (to log it). */
  onFailure?: (error: unknown) => void;
  now?: () => number;
};

/**
 * Something made once and kept (the console page): one making at a time, shared by every ask while under way. A making
 * that failed, or ran past `timeoutMs` (its signal aborted), is tried again by the first ask `retryMs` after it failed;
 * an ask before then is refused at once with `NotMadeYet`. So asks, whoever sends them, start at most one making in any
 * `retryMs`, and none waits longer than `timeoutMs`.
 */
export function madeOnce<T>(make: (signal: AbortSignal) => Promise<T>, options: MadeOnceOptions): () => Promise<T> {
  const { retryMs, timeoutMs, onFailure, now = Date.now } = options;
  let made: Promise<T> | undefined;
  let failed: { at: number; error: unknown } | undefined;
  const refusal = (error: unknown, at: number) => new NotMadeYet(error, Math.max(1, Math.ceil((at + retryMs - now()) / 1000)));
  return () => {
    if (made !== undefined) return made;
    if (failed !== undefined && now() < failed.at + retryMs) return Promise.reject(refusal(failed.error, failed.at));
    const controller = new AbortController();
    const making = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Error(`It took longer than ${timeoutMs} ms.`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
      timer.unref();
      // A `make` that throws at once fails as one that rejects does (a throw in an executor rejects), its timer cleared.
      new Promise<T>((settle) => settle(make(controller.signal))).then(resolve, reject).finally(() => clearTimeout(timer));
    });
    made = making.catch((error: unknown) => {
      failed = { at: now(), error };
      made = undefined;
      onFailure?.(error);
      throw refusal(error, failed.at);
    });
    return made;
  };
}
