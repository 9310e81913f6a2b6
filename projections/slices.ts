// Long work on the event loop done in slices (issue 12, aim 3: no piece of work holds the loop over 50 ms):
// the pause between slices, how long a slice may run, and the ways to run a loop or a generator sliced.

/** The slices waiting to go on, in the order they yielded, and whether a turn's resumption is scheduled. */
const waiting: (() => void)[] = [];
let resuming = false;
/** When the work now holding the event loop began to count against a slice (`sliceBegan`), and whether that is known. */
let turnBegan = 0;
let turnKnown = false;
const forgetTurn = (): void => {
  turnKnown = false;
};

/**
 * When the work now holding the event loop began to count against a slice: when a slice was resumed (`resumeOne`), or,
 * in a turn no slice began (a request, a timer, a read's callback), when the first slice clock was asked in it, forgotten
 * at the next check phase. Every piece of sliced work in a turn counts from it, so pieces run one after another through
 * promises that resolve at once share one slice (issue 12: a bulletin's figures, each `sliced` from its own start, held
 * the loop 8 ms each, 53 ms in a row at a million events). Approximate on one side only: work in a later phase of the
 * same turn (a request after a timer that asked) counts from that first ask, and may yield early.
 */
function sliceBegan(): number {
  if (!turnKnown) {
    turnKnown = true;
    turnBegan = performance.now();
    setImmediate(forgetTurn);
  }
  return turnBegan;
}

/**
 * Whether the work now holding the event loop has run a slice (SLICE_MS, or the `ms` given: GraphQL requests start in
 * shorter ones, api/pacing.ts) and should yield (`yieldToEventLoop`).
 */
export const sliceDue = (ms: number = SLICE_MS): boolean => performance.now() - sliceBegan() >= ms;

/**
 * Queues the next resumption and, right after it in the same check phase, the forgetting of the clock it sets: the
 * resumed slice runs in between (its microtasks), and the next turn's timers and requests count from their own first
 * ask. The forget its own `sliceBegan` queues comes a turn late: with one piece slicing alone, its clock otherwise ran on
 * through the next turn, whose sliced work yielded at its first ask and waited a slice of it.
 */
function scheduleResume(): void {
  setImmediate(resumeOne);
  setImmediate(forgetTurn);
}

/** Resumes the slice that has waited longest, one a turn of the event loop; the next turn resumes the next. */
function resumeOne(): void {
  const next = waiting.shift()!;
  if (waiting.length > 0) scheduleResume();
  else resuming = false;
  turnKnown = false;
  sliceBegan();
  next();
}

/**
 * Lets timers and requests run between two slices of a long fold. One slice goes on per turn of the event loop, the one
 * that waited longest (issue 12): when every piece of work yielding here resumed in the same turn (the read models'
 * follower, the checkpointer's walk, the similarity index, the scheduler's midnights, the history's fold, a snapshot's
 * bytes after a first start), a request waited for a slice of each, 8 ms times six and the collections between them, where
 * it now waits for one. The work as a whole goes as fast: the turns are as many as the slices.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (resuming) return;
    resuming = true;
    scheduleResume();
  });

/** The longest a slice of work holds the event loop before it yields, in ms: well under issue 12's 50 ms, even on a busy machine. */
export const SLICE_MS = 8;

/**
 * A clock for slicing a long loop: `due()` says, every 64 calls, whether the turn has run a slice (`sliceDue`); the loop
 * then awaits `yieldToEventLoop()`. Slices by time, not by count, so a slow or busy machine does not make them longer.
 */
export function sliceClock(): { due: () => boolean } {
  let calls = 0;
  return { due: () => (++calls & 63) === 0 && sliceDue() };
}

/**
 * Work written once as a generator that pauses (`yield`) between pieces, run two ways: `atOnce` to its end (a synchronous
 * caller, a test), `sliced` yielding to the event loop whenever the turn has run a slice (`sliceDue`).
 */
export function atOnce<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function sliced<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    // Asked after the last step too: work done in one step, past the turn's slice, lets the loop turn before its caller
    // goes on. A bulletin's figures, each done at its first step (their lists under 4,096 ledger numbers), were awaited one
    // after another, four a unit, never asking: a turn of 50 ms at a million events (issue 12, aim 3).
    if (sliceDue()) await yieldToEventLoop();
    if (step.done) return step.value;
  }
}

/**
 * `sliced` with its first slice too in a turn's check phase, one slice among the others queued there, for work begun in an
 * I/O callback (the poll phase), where a first slice made two in one turn with the check phase's, on top of what the
 * callback had done. A snapshot's state read when its file read comes back: the longest /healthz wait of a warm start at
 * 100k was 30–60 ms, over 50 in five of fourteen starts, and 20–35 ms in nine with this (the twenty-seventh round). The
 * checkpointer's draft begun when the log's follower hands it an event (38 ms at once in a first start at a million
 * events: the follower's read, the draft's first slice, the merge of its new heads; the twenty-eighth round).
 */
export async function slicedInATurnOfItsOwn<T>(steps: Generator<void, T>): Promise<T> {
  await yieldToEventLoop();
  return sliced(steps);
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

/**
 * `strings` sorted as `Array.prototype.sort` sorts them (UTF-16 code units), by a bottom-up merge sort that pauses (`yield`)
 * every 4,096 strings merged, inside a merge too (the last pass merges two halves of the whole list): a first checkpoint's
 * 108,000 stream ids at a million events (~0.1 s in one sort), a county bulletin's ledger numbers and event ids of a month.
 * The array given is reused.
 */
export function* sortingStrings(strings: string[]): Generator<void, string[]> {
  let from = strings;
  let to: string[] = new Array(strings.length);
  for (let width = 1; width < from.length; width *= 2) {
    for (let start = 0; start < from.length; start += 2 * width) {
      const middle = Math.min(start + width, from.length);
      const end = Math.min(start + 2 * width, from.length);
      yield* merging(to, start, from, start, middle, from, middle, end);
    }
    [from, to] = [to, from];
  }
  return from;
}

/**
 * Two lists sorted as `sortingStrings` sorts merged into one (on a tie, a's first), pausing every 4,096 strings. Into `into`
 * when given (written over from its start and cut to the merge's length; neither `a` nor `b`), else a new list: a list of a
 * million entries made at once took 23–31 ms here, in one slice (its pages touched as it is filled with holes).
 */
export function* mergingSorted(a: readonly string[], b: readonly string[], into?: string[]): Generator<void, string[]> {
  if (into === a || into === b) throw new Error('mergingSorted writes into a list it reads');
  const out: string[] = into ?? new Array(a.length + b.length);
  yield* b.length * 64 < a.length ? mergingFew(out, a, b) : merging(out, 0, a, 0, a.length, b, 0, b.length);
  out.length = a.length + b.length;
  return out;
}

/**
 * `merging` of all of `a` and all of a far shorter `b` into `out`, pausing as it does: each of b's strings placed by a
 * binary search of `a`, the runs of `a` between them copied without comparing. A checkpoint merges the hundred or so
 * streams new since the last into all the others' ids, which in the application's ids (a UUID v5, in no order) spread over
 * the whole list: compared one by one, 17 ms a checkpoint at a million events (a CPU profile, the forty-third round).
 */
function* mergingFew(out: string[], a: readonly string[], b: readonly string[]): Generator<void> {
  let k = 0;
  let i = 0;
  for (let j = 0; j <= b.length; j++) {
    // a's run below b[j] (a string equal to it is the same value on either side of it); the rest of a after b's last.
    const end = j < b.length ? lowerBound(a, b[j]!, i) : a.length;
    while (i < end) {
      const stop = Math.min(end, i + ((k | 4095) + 1 - k));
      while (i < stop) out[k++] = a[i++]!;
      if ((k & 4095) === 0) yield;
    }
    if (j === b.length) break;
    out[k++] = b[j]!;
    if ((k & 4095) === 0) yield;
  }
}

/** The first index in `sorted` (from `from`) whose string is not below `value`. */
export function lowerBound(sorted: readonly string[], value: string, from = 0): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merges the sorted runs a[i, aEnd) and b[j, bEnd) into `out` from `k` (on a tie, a's first), pausing (`yield`) each time
 * `k` passes a multiple of 4,096 (a merge of short runs pauses only now and then, one of long runs within itself).
 */
function* merging(
  out: string[],
  k: number,
  a: readonly string[],
  i: number,
  aEnd: number,
  b: readonly string[],
  j: number,
  bEnd: number,
): Generator<void> {
  const end = k + (aEnd - i) + (bEnd - j);
  while (k < end) {
    const stop = Math.min(end, (k | 4095) + 1);
    while (k < stop && i < aEnd && j < bEnd) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
    while (k < stop && i < aEnd) out[k++] = a[i++]!;
    while (k < stop && j < bEnd) out[k++] = b[j++]!;
    if (k === stop && (k & 4095) === 0) yield;
  }
}
