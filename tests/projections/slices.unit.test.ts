import { describe, expect, it } from 'vitest';
import { SLICE_MS, mergingSorted, sliceClock, sliced, sortingStrings, yieldToEventLoop } from '../../projections/slices.js';

/** Counts the event loop's turns: an immediate queued from an immediate runs in the next turn. */
function turnCounter(): { now: () => number; stop: () => void } {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (running = false) };
}

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

/**
 * Issue 12, aim 3: every long piece of work yields through `yieldToEventLoop`. When several yield at once, a request must
 * wait for one slice, not for one slice of each: one slice goes on per turn of the event loop, the one that waited longest.
 */
describe('slices of work waiting together', () => {
  it('given three loops yielding between slices, when they run together, then one slice goes on per turn, in the order they yielded', async () => {
    const turns = turnCounter();
    const resumed: { loop: string; turn: number }[] = [];
    const loop = async (name: string) => {
      for (let i = 0; i < 4; i++) {
        await yieldToEventLoop();
        resumed.push({ loop: name, turn: turns.now() });
      }
    };
    await Promise.all([loop('a'), loop('b'), loop('c')]);
    turns.stop();

    expect(resumed.map((r) => r.loop).join('')).toBe('abcabcabcabc');
    const perTurn = new Map<number, number>();
    for (const r of resumed) perTurn.set(r.turn, (perTurn.get(r.turn) ?? 0) + 1);
    expect([...perTurn.values()].every((n) => n === 1)).toBe(true);
  });

  it('given a slice resumed after others had the loop, when its clock is asked, then it counts from its resumption, not from before the wait', async () => {
    const clock = sliceClock();
    const dueAfter = async (): Promise<boolean> => {
      for (let i = 0; i < 63; i++) clock.due();
      return clock.due();
    };
    busy(SLICE_MS + 2);
    expect(await dueAfter()).toBe(true);
    // Another loop's slice runs first; this one waits for the turn after it.
    const other = yieldToEventLoop().then(() => busy(SLICE_MS + 2));
    await yieldToEventLoop();
    await other;
    expect(await dueAfter()).toBe(false);
  });

  it('given one piece of work slicing alone, when a timer runs a short piece of sliced work between its slices, then that piece finishes in the turn it began, without waiting a slice', async () => {
    const background = function* (): Generator<void, void> {
      for (let i = 0; i < 300; i++) {
        busy(0.5);
        yield;
      }
    };
    const short = function* (): Generator<void, void> {
      busy(0.5);
      yield;
      busy(0.5);
      yield;
    };
    const turns = turnCounter();
    const jobs: { began: number; ended: number }[] = [];
    let stopped = false;
    const job = async () => {
      const began = turns.now();
      await sliced(short());
      jobs.push({ began, ended: turns.now() });
      if (!stopped) setTimeout(job, 15);
    };
    setTimeout(job, 15);
    await sliced(background());
    stopped = true;
    turns.stop();

    expect(jobs.length).toBeGreaterThanOrEqual(3);
    expect(jobs.filter((j) => j.ended !== j.began)).toEqual([]);
  });

  it('given pieces of sliced work each shorter than a slice, when they run one after another, then they share the slices and the event loop turns between', async () => {
    // Ten pieces of 5 ms in steps of 1 ms, each awaited after the one before, as a bulletin awaits its figures: each resolves
    // at once, so without a shared slice they ran in one turn, 50 ms.
    const piece = function* (steps: { turn: number; at: number }[], now: () => number): Generator<void, void> {
      for (let i = 0; i < 5; i++) {
        busy(1);
        steps.push({ turn: now(), at: performance.now() });
        yield;
      }
    };
    const turns = turnCounter();
    const steps: { turn: number; at: number }[] = [];
    for (let i = 0; i < 10; i++) await sliced(piece(steps, turns.now));
    turns.stop();

    const spans = new Map<number, { from: number; to: number }>();
    for (const { turn, at } of steps) {
      const span = spans.get(turn);
      spans.set(turn, { from: span?.from ?? at - 1, to: at });
    }
    expect(spans.size).toBeGreaterThanOrEqual(4);
    const longest = Math.max(...[...spans.values()].map((s) => s.to - s.from));
    expect(longest).toBeLessThan(3 * SLICE_MS);
  });

  it('given pieces of sliced work each done in one step, when they run one after another, then the event loop turns between them once a slice is spent', async () => {
    // Thirty pieces of 1 ms that never pause, awaited one after another as a bulletin awaits its units' small figures:
    // sliced asked the clock only after a pause, so all thirty ran in one turn.
    // biome-ignore lint/correctness/useYield: a piece done at its first step, the case under test
    const piece = function* (steps: { turn: number; at: number }[], now: () => number): Generator<void, void> {
      busy(1);
      steps.push({ turn: now(), at: performance.now() });
    };
    const turns = turnCounter();
    const steps: { turn: number; at: number }[] = [];
    for (let i = 0; i < 30; i++) await sliced(piece(steps, turns.now));
    turns.stop();

    const perTurn = new Map<number, number>();
    for (const { turn } of steps) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    expect(perTurn.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(SLICE_MS + 2);
  });
});

/** Runs a generator to its end, counting its pauses. */
function paused<T>(steps: Generator<void, T>): { value: T; pauses: number } {
  let pauses = 0;
  for (;;) {
    const step = steps.next();
    if (step.done) return { value: step.value, pauses };
    pauses += 1;
  }
}

/** Strings that sort differently by code unit than by code point or locale: surrogate pairs, CJK, case, ties. */
function strings(n: number, seed: number): string[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  const alphabet = ['a', 'B', 'b', '问', '题', '\u{1F600}', '\uFF5E', '-', '0'];
  return Array.from({ length: n }, () => Array.from({ length: 1 + (next() % 4) }, () => alphabet[next() % alphabet.length]).join(''));
}

describe('sorting and merging strings in pieces', () => {
  it('given 100,000 strings, when sorted in pieces, then the order is Array.prototype.sort’s and no merge runs 4,096 strings without a pause', () => {
    const input = strings(100_000, 7);
    const expected = [...input].sort();
    const { value, pauses } = paused(sortingStrings([...input]));
    expect(value).toStrictEqual(expected);
    // 17 passes of 100,000 strings: a pause every 4,096 of each, the last passes' long merges included.
    expect(pauses).toBeGreaterThanOrEqual(17 * Math.floor(100_000 / 4096));
  });

  it('given two sorted lists of 50,000, when merged in pieces, then the list is the sorted whole and it pauses every 4,096', () => {
    const a = strings(50_000, 11).sort();
    const b = strings(50_000, 13).sort();
    const { value, pauses } = paused(mergingSorted(a, b));
    expect(value).toStrictEqual([...a, ...b].sort());
    expect(pauses).toBeGreaterThanOrEqual(Math.floor(100_000 / 4096));
  });

  it('given a spare list longer and one shorter than the merge, when merged into each, then each is the sorted whole, cut or grown to its length, and it is the list returned', () => {
    const a = strings(5_000, 17).sort();
    const b = strings(3_000, 19).sort();
    const expected = [...a, ...b].sort();
    for (const spare of [strings(9_000, 23), strings(1_000, 29)]) {
      const value = paused(mergingSorted(a, b, spare)).value;
      expect(value).toBe(spare);
      expect(value).toStrictEqual(expected);
    }
  });

  it('given 100,000 sorted strings and a few (equal ones, one before all and one after all), when merged into a spare list, then it is the sorted whole and it pauses every 4,096', () => {
    const a = strings(100_000, 31).sort();
    const few = [...strings(40, 37), a[0]!, a[500]!, a[99_999]!, '', '\uFFFF'].sort();
    const { value, pauses } = paused(mergingSorted(a, few, strings(50, 41)));
    expect(value).toStrictEqual([...a, ...few].sort());
    expect(pauses).toBeGreaterThanOrEqual(Math.floor(100_045 / 4096));
  });
});
