import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../application/ledger.js';
import { NotFoundError, ValidationError, problemDecider, problemStreamId, type ProblemCommand, type UnitKind } from '../domain/index.js';
import { ConcurrencyRetriesExhaustedError, eventIdFor, handleCommand, type CommandContext } from '../eventstore/commandHandler.js';
import type { EventStore, NewEvent, RecordedEvent } from '../eventstore/port.js';
import { InterferingStore, storeKinds } from './support/storesUnderTest.js';

const NOW = '2019-03-01T09:00:00+08:00';
const clock = () => NOW;
const actor = { userId: 'user-zhang', name: '张华', unitId: null, role: 'supervision_office' };
const context = (commandId: string = randomUUID(), now: () => string = clock): CommandContext => ({ actor, commandId, now });

describe.each(storeKinds('taizhang-ledger-'))('the ledger on %s', (_kind, makeStore) => {
  let store: EventStore;
  let ledger: Ledger;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, dispose } = await makeStore());
    ledger = new Ledger(store);
  });
  afterEach(async () => {
    await dispose();
  });

  const types = (events: readonly RecordedEvent[]) => events.map((e) => e.type);
  const problemStream = (problemId: string) => store.readStream(problemStreamId(problemId));

  async function registerUnit(name: string, kind: UnitKind): Promise<string> {
    const unitId = randomUUID();
    await ledger.unitCommand({ type: 'RegisterUnit', data: { unitId, name, kind, parentUnitId: null } }, context());
    return unitId;
  }

  async function raise(source: 'national_feedback' | 'audit' = 'national_feedback', ctx = context()) {
    const result = await ledger.raiseProblem({ source, category: 'fund_misuse', description: '扶贫专项资金拨付滞后' }, ctx);
    const data = result.events[0]!.data as { problemId: string; ledgerNumber: string };
    return { ...result, problemId: data.problemId, ledgerNumber: data.ledgerNumber };
  }

  const run = (command: unknown, ctx = context()) => ledger.problemCommand(command, ctx);

  /** Raises a problem and takes it as far as verified; returns its id and the units involved. */
  async function verifiedProblem() {
    const township = await registerUnit('衡山镇', 'township');
    const verifier = await registerUnit('县审计局', 'department');
    const { problemId } = await raise();
    await run({ type: 'AssignProblem', data: { problemId, responsibleUnitId: township, responsiblePerson: '王明' } });
    await run({ type: 'AcknowledgeAssignment', data: { problemId, acknowledgedBy: '王明' } });
    await run({ type: 'SetDeadline', data: { problemId, deadline: '2019-06-30' } });
    await run({ type: 'SubmitPlan', data: { problemId, measures: '三日内拨付到村' } });
    await run({ type: 'ReportRectified', data: { problemId, evidence: { description: '资金已到账，附回单' } } });
    await run({ type: 'PassVerification', data: { problemId, verifierUnitId: verifier, opinion: '经核查属实' } });
    return { problemId, township, verifier };
  }

  it('a whole life, raised to closed, leaves 8 events in the problem stream', async () => {
    const { problemId } = await verifiedProblem();
    const closedResult = await run({ type: 'CloseProblem', data: { problemId } });

    const events = await problemStream(problemId);
    expect(types(events)).toStrictEqual([
      'ProblemRaised',
      'ProblemAssigned',
      'AssignmentAcknowledged',
      'DeadlineSet',
      'RectificationPlanSubmitted',
      'RectificationReported',
      'VerificationPassed',
      'ProblemClosed',
    ]);
    expect(events.map((e) => e.revision)).toStrictEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(events[0]!.data).toMatchObject({ ledgerNumber: 'GJ-2019-001', raisedOn: '2019-03-01', source: 'national_feedback' });
    expect(events[3]!.data).toStrictEqual({ problemId, deadline: '2019-06-30', workingDays: null });
    expect(events[7]!.data).toStrictEqual({ problemId, closedOn: '2019-03-01' });
    for (const event of events) expect(event.metadata).toMatchObject({ actor, occurredAt: NOW, schemaVersion: 1 });
    expect(closedResult.state).toMatchObject({ status: 'closed', closedOn: '2019-03-01', ledgerNumber: 'GJ-2019-001' });
    expect(closedResult.replayed).toBe(false);
  });

  it('assigning to a unit that does not exist fails with UNIT_NOT_FOUND and appends nothing', async () => {
    const { problemId } = await raise();
    const before = await store.headPosition();
    const attempt = run({ type: 'AssignProblem', data: { problemId, responsibleUnitId: randomUUID(), responsiblePerson: '王明' } });
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'responsibleUnitId' } });
    expect(await store.headPosition()).toBe(before);
  });

  it('a verifier from a unit that does not exist fails with UNIT_NOT_FOUND and appends nothing', async () => {
    const township = await registerUnit('衡山镇', 'township');
    const verifier = await registerUnit('县审计局', 'department');
    const { problemId } = await raise();
    await run({ type: 'AssignProblem', data: { problemId, responsibleUnitId: township, responsiblePerson: '王明' } });
    await run({ type: 'AcknowledgeAssignment', data: { problemId, acknowledgedBy: '王明' } });
    await run({ type: 'SubmitPlan', data: { problemId, measures: '三日内拨付到村' } });
    await run({ type: 'ReportRectified', data: { problemId, evidence: { description: '资金已到账' } } });
    const before = await store.headPosition();
    await expect(
      run({ type: 'PassVerification', data: { problemId, verifierUnitId: randomUUID(), opinion: '属实' } }),
    ).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'verifierUnitId' } });
    expect(await store.headPosition()).toBe(before);
    expect(verifier).not.toBe(township);
  });

  it('registering a unit under a parent that does not exist fails with UNIT_NOT_FOUND and appends nothing', async () => {
    const before = await store.headPosition();
    await expect(
      ledger.unitCommand(
        { type: 'RegisterUnit', data: { unitId: randomUUID(), name: '王家店村', kind: 'village', parentUnitId: randomUUID() } },
        context(),
      ),
    ).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'parentUnitId' } });
    expect(await store.headPosition()).toBe(before);
  });

  it('a command on a problem that does not exist fails with PROBLEM_NOT_FOUND and appends nothing', async () => {
    await raise();
    const before = await store.headPosition();
    const attempt = run({ type: 'CloseProblem', data: { problemId: randomUUID() } });
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toMatchObject({ code: 'PROBLEM_NOT_FOUND' });
    expect(await store.headPosition()).toBe(before);
  });

  it('a 10 MB description is refused with a readable message and appends nothing', async () => {
    const before = await store.headPosition();
    const attempt = ledger.raiseProblem(
      { source: 'national_feedback', category: 'fund_misuse', description: 'x'.repeat(10 * 1024 * 1024) },
      context(),
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'description must be at most 5000 characters',
    });
    expect(await store.headPosition()).toBe(before);
  });

  it('an empty extension reason is refused by the command schema and appends nothing', async () => {
    const { problemId } = await verifiedProblem();
    const before = await store.headPosition();
    await expect(run({ type: 'ExtendDeadline', data: { problemId, deadline: '2019-07-31', reason: '  ' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'reason must not be empty',
    });
    expect(await store.headPosition()).toBe(before);
  });

  it('20 concurrent raises of the same source and year get 20 distinct consecutive ledger numbers', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => raise()));

    const numbers = results.map((r) => r.ledgerNumber).sort();
    expect(numbers).toStrictEqual([
      'GJ-2019-001',
      'GJ-2019-002',
      'GJ-2019-003',
      'GJ-2019-004',
      'GJ-2019-005',
      'GJ-2019-006',
      'GJ-2019-007',
      'GJ-2019-008',
      'GJ-2019-009',
      'GJ-2019-010',
      'GJ-2019-011',
      'GJ-2019-012',
      'GJ-2019-013',
      'GJ-2019-014',
      'GJ-2019-015',
      'GJ-2019-016',
      'GJ-2019-017',
      'GJ-2019-018',
      'GJ-2019-019',
      'GJ-2019-020',
    ]);
    expect(new Set(results.map((r) => r.problemId)).size).toBe(20);
    for (const { problemId, ledgerNumber } of results) {
      const events = await problemStream(problemId);
      expect(types(events)).toStrictEqual(['ProblemRaised']);
      expect(events[0]!.data).toMatchObject({ ledgerNumber });
    }
    const reservations = await store.readStream('ledger-GJ-2019');
    expect(reservations.map((e) => (e.data as { sequence: number }).sequence)).toStrictEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
  });

  it('each source keeps its own sequence, and a new county year starts again at 001', async () => {
    expect((await raise('national_feedback')).ledgerNumber).toBe('GJ-2019-001');
    expect((await raise('audit')).ledgerNumber).toBe('AU-2019-001');
    expect((await raise('national_feedback')).ledgerNumber).toBe('GJ-2019-002');
    // 16:00 UTC on New Year's Eve is already 2020 in the county.
    const newYear = await raise(
      'national_feedback',
      context(randomUUID(), () => '2019-12-31T16:00:00Z'),
    );
    expect(newYear.ledgerNumber).toBe('GJ-2020-001');
    expect(newYear.events[0]!.data).toMatchObject({ raisedOn: '2020-01-01' });
  });

  it('20 concurrent closes of one verified problem append exactly one ProblemClosed', async () => {
    const { problemId } = await verifiedProblem();
    const results = await Promise.all(Array.from({ length: 20 }, () => run({ type: 'CloseProblem', data: { problemId } })));

    const closings = (await problemStream(problemId)).filter((e) => e.type === 'ProblemClosed');
    expect(closings).toHaveLength(1);
    expect(results.filter((r) => r.events.length === 1)).toHaveLength(1);
    expect(results.filter((r) => r.events.length === 0)).toHaveLength(19);
    for (const result of results) expect(result.state.status).toBe('closed');
  });

  it('a raise retried with the same command id returns the same problem and appends nothing new', async () => {
    const ctx = context();
    const first = await raise('national_feedback', ctx);
    const before = await store.headPosition();
    const retried = await raise('national_feedback', ctx);

    expect(retried.replayed).toBe(true);
    expect(retried.problemId).toBe(first.problemId);
    expect(retried.ledgerNumber).toBe('GJ-2019-001');
    expect(retried.events.map((e) => e.id)).toStrictEqual(first.events.map((e) => e.id));
    expect(await store.headPosition()).toBe(before);
    expect((await raise()).ledgerNumber).toBe('GJ-2019-002');
  });

  it('the same raise sent twice at once takes one number', async () => {
    const ctx = context();
    const [a, b] = await Promise.all([raise('national_feedback', ctx), raise('national_feedback', ctx)]);
    expect(a.problemId).toBe(b.problemId);
    expect([a.ledgerNumber, b.ledgerNumber]).toStrictEqual(['GJ-2019-001', 'GJ-2019-001']);
    expect(await store.readStream('ledger-GJ-2019')).toHaveLength(1);
    expect((await raise()).ledgerNumber).toBe('GJ-2019-002');
  });

  it('a close retried with the same command id returns the same result and appends nothing new', async () => {
    const { problemId } = await verifiedProblem();
    const ctx = context();
    const first = await run({ type: 'CloseProblem', data: { problemId } }, ctx);
    const before = await store.headPosition();
    const retried = await run({ type: 'CloseProblem', data: { problemId } }, ctx);

    expect(first.replayed).toBe(false);
    expect(types(first.events)).toStrictEqual(['ProblemClosed']);
    expect(retried.replayed).toBe(true);
    expect(retried.events.map((e) => e.id)).toStrictEqual(first.events.map((e) => e.id));
    expect(retried.state).toStrictEqual(first.state);
    expect(await store.headPosition()).toBe(before);
  });

  it('a reservation whose ProblemRaised never landed is completed by the next raise, so numbers stay gap-free', async () => {
    const orphanProblemId = randomUUID();
    const orphanCommandId = randomUUID();
    const raised = {
      problemId: orphanProblemId,
      ledgerNumber: 'GJ-2019-001',
      source: 'national_feedback',
      category: 'wrongful_exit',
      description: '错退户未及时纠正',
      raisedOn: '2019-02-27',
      recurrenceOf: null,
      hotlineReportId: null,
    };
    await store.appendToStream(
      'ledger-GJ-2019',
      [
        {
          id: randomUUID(),
          type: 'LedgerNumberReserved',
          data: { sequence: 1, raised },
          metadata: {
            actor,
            commandId: orphanCommandId,
            correlationId: orphanCommandId,
            causationId: orphanCommandId,
            occurredAt: '2019-02-27T10:00:00+08:00',
            schemaVersion: 1,
          },
        },
      ],
      'no_stream',
    );
    expect(await problemStream(orphanProblemId)).toStrictEqual([]);

    const next = await raise();

    expect(next.ledgerNumber).toBe('GJ-2019-002');
    const orphan = await problemStream(orphanProblemId);
    expect(types(orphan)).toStrictEqual(['ProblemRaised']);
    // A reservation written before documents and 立行立改 reads them as none: the raise it completes records that.
    expect(orphan[0]!.data).toStrictEqual({ ...raised, sourceDocumentId: null, originalNumber: null, fixedOnTheSpot: false });
    expect(orphan[0]!.metadata).toMatchObject({ commandId: orphanCommandId, occurredAt: '2019-02-27T10:00:00+08:00' });
  });

  it('a raise that stopped after reserving its number gets that number when retried, not a new one', async () => {
    // What a crash between the reservation and the problem's first event leaves behind.
    const commandId = randomUUID();
    const problemId = ledger.problemIdFor(commandId);
    const raised = {
      problemId,
      ledgerNumber: 'GJ-2019-001',
      source: 'national_feedback',
      category: 'fund_misuse',
      description: '扶贫专项资金拨付滞后',
      raisedOn: '2019-03-01',
      recurrenceOf: null,
      hotlineReportId: null,
    };
    await store.appendToStream(
      'ledger-GJ-2019',
      [
        {
          id: eventIdFor(commandId, 'ledger-GJ-2019', 0),
          type: 'LedgerNumberReserved',
          data: { sequence: 1, raised },
          metadata: { actor, commandId, correlationId: commandId, causationId: commandId, occurredAt: NOW, schemaVersion: 1 },
        },
      ],
      'no_stream',
    );

    const retried = await raise('national_feedback', context(commandId));

    expect(retried.problemId).toBe(problemId);
    expect(retried.ledgerNumber).toBe('GJ-2019-001');
    expect(await store.readStream('ledger-GJ-2019')).toHaveLength(1);
    expect((await raise()).ledgerNumber).toBe('GJ-2019-002');
  });

  describe('when another writer gets to the stream first', () => {
    const otherWritersSupervision =
      (problemId: string) =>
      (n: number): NewEvent => {
        const commandId = randomUUID();
        return {
          id: randomUUID(),
          type: 'SupervisionOrdered',
          data: { problemId, instruction: `另一进程的督办 ${n}`, supervisionCount: n },
          metadata: { actor, commandId, correlationId: commandId, causationId: commandId, occurredAt: NOW, schemaVersion: 1 },
        };
      };

    it('the command handler reads again, decides on the fresh state and appends', async () => {
      const { problemId } = await verifiedProblem();
      const interfering = new InterferingStore(store, problemStreamId(problemId), 1, otherWritersSupervision(problemId));
      const ctx = context();

      const result = await new Ledger(interfering).problemCommand(
        { type: 'OrderSupervision', data: { problemId, instruction: '责成五日内办结', finishBy: '2019-03-06', triggerId: null } },
        ctx,
      );

      expect(interfering.interferences).toBe(1);
      const supervision = (await problemStream(problemId)).filter((e) => e.type === 'SupervisionOrdered');
      expect(
        supervision.map((e) => [e.metadata.commandId === ctx.commandId, (e.data as { supervisionCount: number }).supervisionCount]),
      ).toStrictEqual([
        [false, 1],
        [true, 2],
      ]);
      expect(result.events.map((e) => e.data)).toStrictEqual([
        { problemId, instruction: '责成五日内办结', supervisionCount: 2, finishBy: '2019-03-06', triggerId: null },
      ]);
    });

    it('the command handler gives up after its bound with ConcurrencyRetriesExhaustedError', async () => {
      const { problemId } = await verifiedProblem();
      const interfering = new InterferingStore(store, problemStreamId(problemId), Infinity, otherWritersSupervision(problemId));
      const ctx = context();
      const command: ProblemCommand = {
        type: 'OrderSupervision',
        data: { problemId, instruction: '责成五日内办结', finishBy: '2019-03-06', triggerId: null },
      };

      await expect(
        handleCommand(interfering, problemStreamId(problemId), problemDecider, command, ctx, { maxAttempts: 3 }),
      ).rejects.toBeInstanceOf(ConcurrencyRetriesExhaustedError);
      expect(interfering.interferences).toBe(3);
      const ours = (await problemStream(problemId)).filter((e) => e.metadata.commandId === ctx.commandId);
      expect(ours).toStrictEqual([]);
    });

    it('a raise whose command id another process reserved on a fresher sequence takes that reservation, not a new number', async () => {
      await raise(); // GJ-2019-001
      const commandId = randomUUID();
      const problemId = ledger.problemIdFor(commandId);
      const reservation = (id: string, by: string, sequence: number, problem: string): NewEvent => ({
        id,
        type: 'LedgerNumberReserved',
        data: {
          sequence,
          raised: {
            problemId: problem,
            ledgerNumber: `GJ-2019-00${sequence}`,
            source: 'national_feedback',
            category: 'fund_misuse',
            description: '扶贫专项资金拨付滞后',
            raisedOn: '2019-03-01',
            recurrenceOf: null,
            hotlineReportId: null,
          },
        },
        metadata: { actor, commandId: by, correlationId: by, causationId: by, occurredAt: NOW, schemaVersion: 1 },
      });
      // Between this raise's read and its append: another writer reserves 002, then the other process, with
      // this command id, 003. This raise's own append (002, under the same event id) is then a mismatch.
      const other = randomUUID();
      const inner = new InterferingStore(store, 'ledger-GJ-2019', 1, () => reservation(randomUUID(), other, 2, randomUUID()));
      const racing = new InterferingStore(inner, 'ledger-GJ-2019', 1, () =>
        reservation(eventIdFor(commandId, 'ledger-GJ-2019', 0), commandId, 3, problemId),
      );

      const result = await new Ledger(racing).raiseProblem(
        { source: 'national_feedback', category: 'fund_misuse', description: '扶贫专项资金拨付滞后' },
        context(commandId),
      );

      expect(result.events.map((e) => e.data)).toMatchObject([{ problemId, ledgerNumber: 'GJ-2019-003' }]);
      const sequence = await store.readStream('ledger-GJ-2019');
      expect(sequence.map((e) => (e.data as { sequence: number }).sequence)).toStrictEqual([1, 2, 3]);
    });

    it('the ledger retries 10 times by default, then reports CONCURRENCY_CONFLICT', async () => {
      const { problemId } = await verifiedProblem();
      const interfering = new InterferingStore(store, problemStreamId(problemId), Infinity, otherWritersSupervision(problemId));

      await expect(
        new Ledger(interfering).problemCommand(
          { type: 'OrderSupervision', data: { problemId, instruction: '责成五日内办结', finishBy: '2019-03-06', triggerId: null } },
          context(),
        ),
      ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
      expect(interfering.interferences).toBe(10);
    });
  });
});
