import { describe, expect, it } from 'vitest';
import { SLICE_MS, sliceClock, yieldToEventLoop } from '../../projections/slices.js';

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
});
