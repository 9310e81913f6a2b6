import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CheckpointDrafter, Checkpointer, recordCheckpoint } from '../../eventstore/checkpoints.js';
import { rawStore } from '../../eventstore/hashChain.js';
import { StreamHeads } from '../../eventstore/streamHeads.js';
import { verifyLog } from '../../eventstore/verify.js';
import { eventually } from '../support/receivers.js';
import { assignThirdProblem, checkpointsIn, writeSampleLedger } from './sampleLedger.js';

const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-checkpointer-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const policy = { everyEvents: 1, everySeconds: 3600, triggerTypes: ['AssessmentFinalized'] };

/**
 * Issue 12: a server restarting on a log it proved before must not draft a checkpoint (a Merkle
 * root over every stream head) each `everyEvents` of the history it catches up; it drafts only for
 * what came after the newest checkpoint, and that checkpoint proves what a full one would.
 */
describe('a checkpointer restarting on a proved log', () => {
  it('given a log whose every event a checkpoint covers, when a checkpointer starts and catches up, then it computes no root and writes nothing; the next events get one checkpoint that verifies', async () => {
    const { store, problems } = await writeSampleLedger(dataDir);
    const proved = await recordCheckpoint(store, { now: '2019-03-20T00:00:00.000Z' });
    expect(proved).toBeDefined();

    const root = vi.spyOn(StreamHeads.prototype, 'root');
    const checkpointer = new Checkpointer(store, policy, () => '2019-03-21T00:00:00.000Z');
    checkpointer.start();
    // Caught up once an event appended now is seen: wait for the checkpoint it (with one more) calls for.
    await new Promise((r) => setTimeout(r, 100));
    expect(root).not.toHaveBeenCalled();
    expect(await checkpointsIn(store)).toHaveLength(1);

    await assignThirdProblem(store, problems);
    await eventually(async () => (await checkpointsIn(store)).length === 2);
    await checkpointer.stop();
    expect(root).toHaveBeenCalledTimes(1);
    root.mockRestore();

    const [first, second] = await checkpointsIn(store);
    expect(second!.previousPosition).toBe(first!.position);
    expect(second!.moved.some(([streamId]) => streamId === `problem-${problems[2]}`)).toBe(true);

    // A drafter walking the whole log from scratch to the same position finds the same root.
    const scratch = new CheckpointDrafter();
    for (const event of await rawStore(store).readAll({ maxCount: 10_000 })) if (event.position <= second!.position) scratch.observe(event);
    expect(scratch.draft('manual').merkleRoot).toBe(second!.merkleRoot);
    const report = await verifyLog(store);
    expect(report.intact).toBe(true);
  });
});
