// Long work on the event loop done in slices (issue 12, aim 3: no piece of work holds the loop over 50 ms):
// the pause between slices, how long a slice may run, and the ways to run a loop or a generator sliced.

/** Lets timers and requests run between two slices of a long fold. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The longest a slice of work holds the event loop before it yields, in ms: well under issue 12's 50 ms, even on a busy machine. */
export const SLICE_MS = 8;

/**
 * A clock for slicing a long loop: `due()` says, every 64 calls, whether SLICE_MS have passed since
 * the last yield; the loop then awaits `yieldToEventLoop()`. Slices by time, not by count, so a
 * slow or busy machine does not make them longer.
 */
export function sliceClock(): { due: () => boolean } {
  let since = performance.now();
  let calls = 0;
  return {
    due: () => {
      if ((++calls & 63) !== 0) return false;
      const now = performance.now();
      if (now - since < SLICE_MS) return false;
      since = now;
      return true;
    },
  };
}

/**
 * Work written once as a generator that pauses (`yield`) between pieces, run two ways: `atOnce` to its end (a synchronous
 * caller, a test), `sliced` yielding to the event loop whenever SLICE_MS have passed since the last yield.
 */
export function atOnce<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function sliced<T>(steps: Generator<void, T>): Promise<T> {
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - since >= SLICE_MS) {
      await yieldToEventLoop();
      since = performance.now();
    }
  }
}

/**
 * A whole turn of the event loop, through its poll phase (requests): a `yieldToEventLoop` awaited from an I/O callback
 * resumes in the same turn's check phase, before any request that came meanwhile; two always let the requests in. For
 * steps longer than a slice (a module evaluated, a schema built), where two steps back to back would hold the loop.
 */
export const nextTurn = async (): Promise<void> => {
  await yieldToEventLoop();
  await yieldToEventLoop();
};
