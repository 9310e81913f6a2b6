import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../eventstore/memory.js';
import { type Projection, ProjectionRunner } from '../../projections/runner.js';
import { numberedEvent } from '../support/numberedEvent.js';

const counted: Projection<{ n: number }> = {
  name: 'counted',
  version: 1,
  initial: () => ({ n: 0 }),
  apply: (state) => {
    state.n += 1;
  },
};

describe('the projection runner and those waiting for a position (issue 12: the log follower awaits only what needs it)', () => {
  it('given ten events appended at once, when a reader waits for the fifth, then it reads the read models as of the fifth, before the sixth is applied', async () => {
    const store = new MemoryEventStore();
    const runner = new ProjectionRunner(store, [counted]);
    await runner.start();
    // An empty log: the ten take positions 0 to 9. The reader waits before they are appended.
    const fifth = 4;
    const seen: { position: number; counted: number }[] = [];
    const waited = runner.waitFor(fifth).then(() => seen.push({ position: runner.position, counted: runner.state(counted).n }));

    const { position: last } = await store.appendToStream('s-1', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(numberedEvent), 'no_stream');
    await runner.waitFor(last);
    await waited;

    // Applied without a pause in one batch, the reader would have found all ten.
    expect(seen).toEqual([{ position: fifth, counted: 5 }]);
    await runner.stop();
  });
});
