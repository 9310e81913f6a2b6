import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CheckpointDrafter, Checkpointer } from '../../eventstore/checkpoints.js';
import { yieldToEventLoop } from '../../projections/slices.js';
import { rawStore } from '../../eventstore/hashChain.js';
import { StreamHeads } from '../../eventstore/streamHeads.js';
import { verifyLog } from '../../eventstore/verify.js';
import { eventually } from '../support/receivers.js';
import { assignThirdProblem, checkpointsIn, writeSampleLedger } from './sampleLedger.js';

const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-checkpointer-catch-up-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A checkpoint after every event, so any drafting during the catch-up would show. */
const policy = { everyEvents: 1, everySeconds: 3600, triggerTypes: ['AssessmentFinalized'] };

/**
 * Issue 12: a server starting on a log no checkpoint covers (written before checkpoints, or while
 * none ran) proves that history with one checkpoint at the head it found, not one every
 * `everyEvents` of it (each a Merkle root over every head); that checkpoint proves what a full one
 * would, and live events are checkpointed as before.
 */
describe('a checkpointer catching up a log no checkpoint covers', () => {
  it('given ten events and no checkpoint, when a checkpointer (one per event) starts, then it drafts one checkpoint at the head covering every stream, and the next event gets its own', async () => {
    const { store, problems } = await writeSampleLedger(dataDir);
    const events = await rawStore(store).readAll({ maxCount: 1000 });
    const head = events.at(-1)!.position;
    const streams = new Set(events.map((e) => e.streamId));
    expect(events.length).toBeGreaterThan(5);

    const root = vi.spyOn(StreamHeads.prototype, 'root');
    const checkpointer = new Checkpointer(store, policy, () => '2019-03-21T00:00:00.000Z');
    checkpointer.start();
    await eventually(async () => (await checkpointsIn(store)).length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(root).toHaveBeenCalledTimes(1);
    const [first, ...others] = await checkpointsIn(store);
    expect(others).toEqual([]);
    expect(first).toMatchObject({ number: 1, position: head, eventCount: events.length, previousPosition: -1, reason: 'events' });
    expect(first!.streamCount).toBe(streams.size);
    expect(first!.moved.map(([streamId]) => streamId)).toEqual([...streams].sort());

    // A drafter walking the whole log from scratch to the same position finds the same root.
    const scratch = new CheckpointDrafter();
    for (const event of events) scratch.observe(event);
    expect(scratch.draft('manual').merkleRoot).toBe(first!.merkleRoot);

    await assignThirdProblem(store, problems);
    await eventually(async () => (await checkpointsIn(store)).length === 2);
    await checkpointer.stop();
    root.mockRestore();
    const [, second] = await checkpointsIn(store);
    expect(second!.previousPosition).toBe(head);
    expect(second!.moved.some(([streamId]) => streamId === `problem-${problems[2]}`)).toBe(true);
    expect((await verifyLog(store)).intact).toBe(true);
  });

  it('given work waiting for its turn of the event loop, when the checkpointer drafts a checkpoint for an event the log handed it, then the draft begins behind that work, not in the turn the event came in', async () => {
    const { store } = await writeSampleLedger(join(dataDir, 'turn'));
    const order: string[] = [];
    const drafting = CheckpointDrafter.prototype.drafting;
    const spy = vi.spyOn(CheckpointDrafter.prototype, 'drafting').mockImplementation(function (this: CheckpointDrafter, reason) {
      void yieldToEventLoop().then(() => order.push('waiting'));
      const steps = drafting.call(this, reason);
      return (function* () {
        order.push('draft');
        return yield* steps;
      })();
    });
    const checkpointer = new Checkpointer(store, policy, () => '2019-03-21T00:00:00.000Z');
    checkpointer.start();
    await eventually(async () => (await checkpointsIn(store)).length >= 1);
    await checkpointer.stop();
    spy.mockRestore();
    expect(order.slice(0, 2)).toStrictEqual(['waiting', 'draft']);
  });
});
