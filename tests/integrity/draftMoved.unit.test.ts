import { describe, expect, it, vi } from 'vitest';
import { Random } from '../../application/demo/random.js';
import { CHECKPOINT_STREAM, CheckpointDrafter } from '../../eventstore/checkpoints.js';
import type { LogLink } from '../../eventstore/port.js';
import { StreamHeads } from '../../eventstore/streamHeads.js';

/**
 * Issue 12, the forty-third round: a draft names the heads moved since the checkpoint it follows. After a root of its own,
 * the drafter reads them off the streams moved since that root instead of walking every head. Whatever comes between two
 * drafts (new streams, moves, another server's checkpoint covering part of the log, a restore from the drafter's state, a draft left unfinished),
 * each draft's moved heads must be those whose last event is after the checkpoint it follows, counted here from a plain map.
 */
describe('the heads a draft names as moved', () => {
  it('given drafts between random events, others’ checkpoints, a restore and drafts left unfinished, then every draft names exactly the heads moved after the one it follows, and most drafts do not walk every head', () => {
    const random = new Random(4_300);
    const pick = (n: number) => Math.floor(random.next() * n);
    const hash = () =>
      pick(2 ** 32)
        .toString(16)
        .padStart(64, '0');
    const last = new Map<string, { revision: number; hash: string; position: number }>();
    let drafter = new CheckpointDrafter();
    const walks = vi.spyOn(StreamHeads.prototype, 'movingAfter');
    let position = 0;
    const observe = (streamId: string, covers: number | null) => {
      const revision = (last.get(streamId)?.revision ?? -1) + 1;
      const link: LogLink = {
        id: `e${position}`,
        streamId,
        revision,
        position,
        type: covers === null ? 'X' : 'CheckpointRecorded',
        hash: hash(),
        covers,
      };
      drafter.observe(link);
      last.set(streamId, { revision, hash: link.hash!, position });
      position += 1;
    };
    const ids: string[] = [];
    let drafts = 0;
    for (let round = 0; round < 40; round++) {
      const events = 1 + pick(round % 9 === 0 ? 3_000 : 300);
      for (let i = 0; i < events; i++) {
        const fresh = ids.length === 0 || random.next() < 0.2;
        if (fresh) ids.push(`s-${hash().slice(-10)}`);
        observe(fresh ? ids.at(-1)! : ids[pick(ids.length)]!, null);
      }
      // Now and then another server's checkpoint, covering some of the log or all of it before itself.
      if (round % 4 === 3)
        observe(CHECKPOINT_STREAM, random.next() < 0.5 ? position - 1 : drafter.covered + pick(position - drafter.covered));
      if (round % 7 === 5) drafter = CheckpointDrafter.from(drafter.state()!);
      // Now and then a draft left unfinished (its first steps run, as a server stopping mid-draft would), and more events.
      if (round % 5 === 1) {
        const unfinished = drafter.drafting('events');
        for (let step = 0; step < 3; step++) unfinished.next();
        for (let i = 0; i < 20; i++) observe(random.next() < 0.5 ? `s-new-${round}-${i}` : ids[pick(ids.length)]!, null);
      }
      const follows = drafter.covered;
      const draft = drafter.draft('events');
      drafts += 1;
      const expected = [...last]
        .filter(([, head]) => head.position > follows)
        .map(([streamId, head]) => [streamId, head.revision, head.hash])
        .sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1));
      expect(draft.previousPosition).toBe(follows);
      expect(draft.moved).toStrictEqual(expected);
    }
    // Counted here: a walk after the first draft, each restore and each draft of more than 4,096 moved streams, no more.
    expect(walks.mock.calls.length).toBeLessThan(drafts / 2);
  });
});
