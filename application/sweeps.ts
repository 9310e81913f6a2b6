import { v5 as uuidv5 } from 'uuid';
import {
  IllegalStateError,
  NotFoundError,
  ProblemCommand as ProblemCommandSchema,
  type SweepAnswerKind,
  SweepCommand as SweepCommandSchema,
  type SweepState,
  ValidationError,
  isAssigned,
  sweepDecider,
  sweepStreamId,
} from '../domain/index.js';
import { type CommandContext, type CommandResult, foldStream, handleCommand } from '../eventstore/commandHandler.js';
import type { EventStore } from '../eventstore/port.js';
import { ledgerView } from '../projections/ledgerView.js';
import { problemFacts } from '../projections/problemFacts.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { SweepFacts } from '../projections/sweeps.js';
import type { Ledger } from './ledger.js';
import { parseOrThrow } from './validation.js';

const SWEEP_NAMESPACE = '5d3a8e61-2c7f-4b9a-8f0d-6a1e4c3b2d59';

export type OrderSweepInput = {
  originProblemId: string;
  /** The units asked; every active township but the origin's own when null or absent. */
  unitIds?: readonly string[] | null;
  answerBy: string;
  instruction: string;
};

export type SweepFilter = { status?: 'open' | 'closed' | null; unitId?: string | null };

/**
 * 举一反三排查: the office orders a sweep from one problem, each asked unit answers once, the office
 * closes it. A "found" answer raises a self-report problem (县自查) in the unit, assigned to it, named
 * by the sweep; a "none" answer is the unit head's signed statement.
 */
export class Sweeps {
  constructor(
    private readonly store: EventStore,
    private readonly ledger: Ledger,
    private readonly runner: ProjectionRunner,
  ) {}

  private get all(): Map<string, SweepFacts> {
    return this.runner.state(problemFacts).sweeps;
  }

  /** The sweeps, newest first: all, open or closed, or those asking one unit. */
  list(filter: SweepFilter = {}): SweepFacts[] {
    return [...this.all.values()]
      .filter((s) => !filter.status || (filter.status === 'closed') === (s.closedOn !== null))
      .filter((s) => !filter.unitId || s.unitIds.includes(filter.unitId))
      .sort((a, b) => b.orderedAt.localeCompare(a.orderedAt) || a.sweepId.localeCompare(b.sweepId));
  }

  get(sweepId: string): SweepFacts | null {
    return this.all.get(sweepId) ?? null;
  }

  /** A unit's pending sweeps (待反馈): open, asking it, not answered by it; the earliest answer-by day first. */
  pendingFor(unitId: string): SweepFacts[] {
    return [...this.all.values()]
      .filter((s) => s.closedOn === null && s.unitIds.includes(unitId) && !s.answers.has(unitId))
      .sort((a, b) => a.answerBy.localeCompare(b.answerBy) || a.sweepId.localeCompare(b.sweepId));
  }

  /** The sweeps ordered from a problem, oldest first. */
  orderedFrom(problemId: string): SweepFacts[] {
    return [...this.all.values()].filter((s) => s.originProblemId === problemId).sort((a, b) => a.orderedAt.localeCompare(b.orderedAt));
  }

  /** The sweep whose "found" answer raised this problem, if any. */
  raisedBy(problemId: string): SweepFacts | null {
    for (const s of this.all.values()) for (const a of s.answers.values()) if (a.problemId === problemId) return s;
    return null;
  }

  /** A sweep's id follows from the order's command id, so a retried order finds its own sweep. */
  sweepIdFor(commandId: string): string {
    return uuidv5(`sweep/${commandId}`, SWEEP_NAMESPACE);
  }

  async load(sweepId: string): Promise<SweepState> {
    return foldStream(sweepDecider, await this.store.readStream(sweepStreamId(sweepId)));
  }

  private async run(input: unknown, context: CommandContext): Promise<CommandResult<SweepState>> {
    const command = parseOrThrow(SweepCommandSchema, input);
    const result = await handleCommand(this.store, sweepStreamId(command.data.sweepId), sweepDecider, command, context);
    await this.runner.waitForEvents(result.events);
    return result;
  }

  private settledRow(sweepId: string): SweepFacts {
    const row = this.get(sweepId);
    if (!row) throw new Error(`Sweep ${sweepId} is not in the read model`);
    return row;
  }

  /** Orders the sweep; answers with it as the read side then lists it. */
  async order(input: OrderSweepInput, context: CommandContext): Promise<SweepFacts> {
    const { state: origin } = await this.ledger.loadProblem(input.originProblemId);
    if (origin.status === 'not_raised')
      throw new NotFoundError('PROBLEM_NOT_FOUND', `There is no problem with id ${input.originProblemId}.`, { field: 'originProblemId' });
    const units = this.runner.state(ledgerView).units;
    const originUnit = isAssigned(origin) ? origin.responsibleUnitId : null;
    const unitIds =
      input.unitIds ??
      [...units.values()].filter((u) => u.kind === 'township' && u.status === 'active' && u.unitId !== originUnit).map((u) => u.unitId);
    for (const unitId of input.unitIds ?? []) {
      const unit = units.get(unitId);
      if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', `There is no unit with id ${unitId} (unitIds).`, { field: 'unitIds' });
      if (unit.status === 'merged')
        throw new IllegalStateError('UNIT_MERGED', `Unit ${unit.name} was merged into another unit and takes no new work.`, {
          field: 'unitIds',
        });
    }
    const sweepId = this.sweepIdFor(context.commandId);
    await this.run(
      {
        type: 'OrderSweep',
        data: {
          sweepId,
          originProblemId: origin.problemId,
          originLedgerNumber: origin.ledgerNumber,
          category: origin.category,
          unitIds,
          answerBy: input.answerBy,
          instruction: input.instruction,
        },
      },
      context,
    );
    return this.settledRow(sweepId);
  }

  /**
   * One unit's answer, given by its head (the unit and the name come from the signed-in account).
   * "found": the sweep's stream decides first (so the unit answers once), then the self-report
   * problem is raised with the id that follows from the command id and assigned to the unit; a retry
   * with the same command id finishes an answer cut short between the two, as a hotline triage does.
   */
  async answer(
    sweepId: string,
    input: { answer: SweepAnswerKind; text: string },
    context: CommandContext,
  ): Promise<{ sweep: SweepFacts; problemId: string | null }> {
    const unitId = context.actor.unitId;
    if (!unitId)
      throw new ValidationError('SWEEP_ANSWER_WITHOUT_UNIT', 'Only a unit head with a unit can answer a sweep, for that unit.', {
        field: 'unitId',
      });
    const signedBy = context.actor.name;
    if (input.answer === 'none') {
      await this.run(
        { type: 'AnswerSweep', data: { sweepId, unitId, answer: 'none', text: input.text, signedBy, problemId: null } },
        context,
      );
      return { sweep: this.settledRow(sweepId), problemId: null };
    }
    const sweep = await this.load(sweepId);
    if (sweep.status === 'not_ordered') throw new NotFoundError('SWEEP_NOT_FOUND', 'There is no such sweep (举一反三排查).');
    const problemId = this.ledger.problemIdFor(context.commandId);
    const raise = { source: 'county_self_check' as const, category: sweep.category, description: input.text, sweepId };
    // The problem's data is checked before the answer is recorded, so a bad description refuses both.
    parseOrThrow(ProblemCommandSchema, {
      type: 'RaiseProblem',
      data: { ...raise, problemId, ledgerNumber: 'pending', raisedOn: '2000-01-01', recurrenceOf: null },
    });
    await this.run({ type: 'AnswerSweep', data: { sweepId, unitId, answer: 'found', text: input.text, signedBy, problemId } }, context);
    const raised = await this.ledger.raiseProblem(raise, context);
    const assign = {
      type: 'AssignProblem',
      data: { problemId, responsibleUnitId: unitId, responsiblePerson: signedBy.slice(0, 50), leadingOfficial: null },
    };
    // Its own command id: the raise's is taken on the problem's stream.
    const assigned = await this.ledger.problemCommand(assign, { ...context, commandId: `${context.commandId}:assign` });
    await this.runner.waitForEvents([...raised.events, ...assigned.events]);
    return { sweep: this.settledRow(sweepId), problemId };
  }

  /** Closes the sweep; answers with it as it then stands. */
  async close(sweepId: string, reason: string | null, context: CommandContext): Promise<SweepFacts> {
    await this.run({ type: 'CloseSweep', data: { sweepId, reason } }, context);
    return this.settledRow(sweepId);
  }
}
