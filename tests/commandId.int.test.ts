import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../application/ledger.js';
import { type ProblemCommand, problemDecider, problemStreamId } from '../domain/index.js';
import { type CommandContext, eventIdFor, handleCommand } from '../eventstore/commandHandler.js';
import type { EventStore, NewEvent } from '../eventstore/port.js';
import { InterferingStore, storeKinds } from './support/storesUnderTest.js';

/**
 * Issue 10, item 1: a command id names one command. Sent again with the same actor, mutation and
 * input it is a retry and replays; used for anything else it is refused (COMMAND_ID_REUSED) and
 * appends nothing — never answered with the earlier command's result while the new one is dropped.
 */
const NOW = '2019-03-01T09:00:00+08:00';
const office = { userId: 'user-office', name: '张华', unitId: null, role: 'supervision_office' };
const head = { userId: 'user-head', name: '王明', unitId: 'unit-township', role: 'unit_head' };
const context = (actor: CommandContext['actor'], commandId: string = randomUUID()): CommandContext => ({
  actor,
  commandId,
  now: () => NOW,
});

describe.each(storeKinds('taizhang-cmdid-'))('a command id reused on %s', (_kind, makeStore) => {
  let store: EventStore;
  let ledger: Ledger;
  let dispose: () => Promise<void>;
  let problemId: string;

  beforeEach(async () => {
    ({ store, dispose } = await makeStore());
    ledger = new Ledger(store);
    const township = ledger.unitIdFor('township');
    await ledger.unitCommand(
      { type: 'RegisterUnit', data: { unitId: township, name: '衡山镇', kind: 'township', parentUnitId: null } },
      context(office),
    );
    const raised = await ledger.raiseProblem(
      { source: 'national_feedback', category: 'fund_misuse', description: '扶贫专项资金拨付滞后' },
      context(office),
    );
    problemId = (raised.events[0]!.data as { problemId: string }).problemId;
    await run({ type: 'AssignProblem', data: { problemId, responsibleUnitId: township, responsiblePerson: '王明' } }, context(office));
    await run({ type: 'AcknowledgeAssignment', data: { problemId, acknowledgedBy: '王明' } }, context(head));
    await run({ type: 'SubmitPlan', data: { problemId, measures: '三日内拨付到村' } }, context(head));
  });
  afterEach(() => dispose());

  const run = (command: unknown, ctx: CommandContext) => ledger.problemCommand(command, ctx);
  const stream = () => store.readStream(problemStreamId(problemId));
  const supervise = (): ProblemCommand => ({
    type: 'OrderSupervision',
    data: { problemId, instruction: '责成五日内办结', finishBy: '2030-12-31', triggerId: null },
  });
  const progress = (text = '已拨付两个村'): ProblemCommand => ({
    type: 'ReportProgress',
    data: { problemId, progress: text, percentComplete: 60, reportedByUnitId: null },
  });

  /** The attempt starts once the head is read (a store over the network answers later than the attempt would). */
  async function refused(attempt: () => Promise<unknown>) {
    const before = await store.headPosition();
    await expect(attempt()).rejects.toMatchObject({ code: 'COMMAND_ID_REUSED', kind: 'validation' });
    expect(await store.headPosition()).toBe(before);
  }

  it('by another user with another mutation (the issue: reportProgress after the office’s orderSupervision)', async () => {
    const commandId = randomUUID();
    await run(supervise(), context(office, commandId));
    await refused(() => run(progress(), context(head, commandId)));
    expect((await stream()).filter((e) => e.type === 'ProgressReported')).toEqual([]);
  });

  it('by the same user with another mutation on the same problem', async () => {
    const commandId = randomUUID();
    await run(supervise(), context(office, commandId));
    await refused(() => run({ type: 'SetDeadline', data: { problemId, deadline: '2019-06-30' } }, context(office, commandId)));
  });

  it('by the same user and mutation with another payload', async () => {
    const commandId = randomUUID();
    await run(progress('已拨付两个村'), context(head, commandId));
    await refused(() => run(progress('已全部拨付'), context(head, commandId)));
    expect((await stream()).filter((e) => e.type === 'ProgressReported').map((e) => (e.data as { progress: string }).progress)).toEqual([
      '已拨付两个村',
    ]);
  });

  it('by the same command from another user', async () => {
    const commandId = randomUUID();
    await run(supervise(), context(office, commandId));
    await refused(() => run(supervise(), context({ ...office, userId: 'user-office-2' }, commandId)));
  });

  it('a true retry still replays: the same events, nothing appended', async () => {
    const commandId = randomUUID();
    const first = await run(progress(), context(head, commandId));
    const before = await store.headPosition();
    const again = await run(progress(), context(head, commandId));
    expect(again.replayed).toBe(true);
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(await store.headPosition()).toBe(before);
  });

  it('events written before fingerprints were kept replay as before', async () => {
    const commandId = randomUUID();
    const streamId = problemStreamId(problemId);
    const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    await store.appendToStream(
      streamId,
      [
        {
          id: eventIdFor(commandId, streamId, 0),
          type: 'SupervisionOrdered',
          data: { problemId, instruction: '责成五日内办结', supervisionCount: 1 },
          metadata: { actor: office, commandId, correlationId: commandId, causationId: commandId, occurredAt: NOW, schemaVersion: 1 },
        },
      ],
      last!.revision,
    );
    const again = await run(progress(), context(head, commandId));
    expect(again.replayed).toBe(true);
    expect(again.events.map((e) => e.type)).toEqual(['SupervisionOrdered']);
  });

  it('a raise reusing another raise’s command id with another description, or by another user', async () => {
    const commandId = randomUUID();
    const input = { source: 'national_feedback' as const, category: 'fund_misuse' as const, description: '危房改造未完成' };
    const first = await ledger.raiseProblem(input, context(office, commandId));
    await refused(() => ledger.raiseProblem({ ...input, description: '另一个问题' }, context(office, commandId)));
    await refused(() => ledger.raiseProblem(input, context({ ...office, userId: 'user-office-2' }, commandId)));
    const again = await ledger.raiseProblem(input, context(office, commandId));
    expect(again.replayed).toBe(true);
    expect(again.events[0]!.id).toBe(first.events[0]!.id);
  });

  describe('when another process appended under the same command id just before us', () => {
    const theirs = (actor: CommandContext['actor'], commandId: string, data: unknown, type = 'SupervisionOrdered'): NewEvent[] => [
      {
        id: eventIdFor(commandId, problemStreamId(problemId), 0),
        type,
        data,
        metadata: {
          actor,
          commandId,
          correlationId: commandId,
          causationId: commandId,
          occurredAt: NOW,
          schemaVersion: 1,
          commandFingerprint: 'f'.repeat(64),
        },
      },
    ];

    it('other events under our event ids (DuplicateEventIdError, then a read) are refused, not taken as ours', async () => {
      const commandId = randomUUID();
      const other = new InterferingStore(store, problemStreamId(problemId), 1, () =>
        theirs(office, commandId, { problemId, instruction: '责成五日内办结', supervisionCount: 1 }),
      );
      await expect(
        handleCommand(other, problemStreamId(problemId), problemDecider, progress(), context(head, commandId)),
      ).rejects.toMatchObject({
        code: 'COMMAND_ID_REUSED',
      });
      expect(other.interferences).toBe(1);
      expect((await stream()).filter((e) => e.type === 'ProgressReported')).toEqual([]);
    });

    it('the very same events by another user (the store takes the append as a no-op) are refused too', async () => {
      const commandId = randomUUID();
      const other = new InterferingStore(store, problemStreamId(problemId), 1, () =>
        theirs({ ...office, userId: 'user-office-2' }, commandId, { problemId, instruction: '责成五日内办结', supervisionCount: 1 }),
      );
      await expect(
        handleCommand(other, problemStreamId(problemId), problemDecider, supervise(), context(office, commandId)),
      ).rejects.toMatchObject({
        code: 'COMMAND_ID_REUSED',
      });
      expect(other.interferences).toBe(1);
    });
  });
});
