import { domainEventDefinitions } from '../../domain/index.js';
import { Ledger } from '../../application/ledger.js';
import type { CommandContext } from '../../eventstore/commandHandler.js';
import { CHECKPOINT_STREAM, checkpointFrom } from '../../eventstore/checkpoints.js';
import { rawStore } from '../../eventstore/hashChain.js';
import { openEventStore } from '../../eventstore/index.js';
import type { EventStore } from '../../eventstore/port.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';

const actor = { userId: 'office-1', name: '县督查办', unitId: null, role: 'office' };

/** A command context with a fixed id and a clock that stands at `at`. */
export const contextAt = (commandId: string, at: string): CommandContext => ({ actor, commandId, now: () => at });

/**
 * A small ledger, written through the real command handlers: two units, three national-feedback
 * problems (GJ-2019-001..003), the first two assigned. Stream revisions:
 * unit ×2 (0), ledger-GJ-2019 (0..2), problem 1 and 2 (0..1), problem 3 (0).
 */
export async function writeSampleLedger(dataDir: string) {
  const store = await openEventStore({ kind: 'sqlite', dataDir }, schemaCodec(domainEventDefinitions));
  const ledger = new Ledger(store);
  const county = ledger.unitIdFor('unit-county');
  const township = ledger.unitIdFor('unit-mozitan');
  await ledger.unitCommand(
    { type: 'RegisterUnit', data: { unitId: county, name: '霍山县', kind: 'county' } },
    contextAt('unit-county', '2019-01-02T01:00:00.000Z'),
  );
  await ledger.unitCommand(
    { type: 'RegisterUnit', data: { unitId: township, name: '磨子潭镇', kind: 'township', parentUnitId: county } },
    contextAt('unit-mozitan', '2019-01-02T02:00:00.000Z'),
  );
  const problems: string[] = [];
  for (const n of [1, 2, 3]) {
    const raised = await ledger.raiseProblem(
      { source: 'national_feedback', category: 'data_mismatch', description: `问题 ${n}: 数据不一致` },
      contextAt(`raise-${n}`, `2019-03-0${n}T02:00:00.000Z`),
    );
    problems.push(raised.state.status === 'not_raised' ? '' : raised.state.problemId);
  }
  for (const n of [1, 2])
    await ledger.problemCommand(
      { type: 'AssignProblem', data: { problemId: problems[n - 1], responsibleUnitId: township, responsiblePerson: '张三' } },
      contextAt(`assign-${n}`, `2019-03-1${n}T02:00:00.000Z`),
    );
  return { store, problems, streams: { problems: problems.map((id) => `problem-${id}`) } };
}

/** Appends one event after the sample ledger: its third problem assigned (the events "after" a checkpoint in the tests). */
export async function assignThirdProblem(store: EventStore, problems: string[]) {
  const ledger = new Ledger(store);
  await ledger.problemCommand(
    {
      type: 'AssignProblem',
      data: { problemId: problems[2]!, responsibleUnitId: ledger.unitIdFor('unit-mozitan'), responsiblePerson: '李四' },
    },
    contextAt('assign-3', '2019-03-22T02:00:00.000Z'),
  );
}

/** The checkpoints recorded in a store, oldest first. */
export async function checkpointsIn(store: EventStore) {
  return (await rawStore(store).readStream(CHECKPOINT_STREAM)).map(checkpointFrom);
}
