import { v5 as uuidv5 } from 'uuid';
import {
  IllegalStateError,
  type LedgerNumberReserved,
  NotFoundError,
  type ProblemCategory,
  type ProblemCommand,
  ProblemCommand as ProblemCommandSchema,
  type ProblemSource,
  type ProblemState,
  ReserveLedgerNumber,
  type UnitCommand,
  UnitCommand as UnitCommandSchema,
  type UnitState,
  countyDay,
  countyYear,
  ledgerNumberDecider,
  ledgerSequenceStreamId,
  problemDecider,
  problemStreamId,
  unitDecider,
  unitStreamId,
} from '../domain/index.js';
import {
  type CommandContext,
  CommandIdReusedError,
  type CommandResult,
  assertSameCommand,
  commandFingerprint,
  foldStream,
  handleCommand,
} from '../eventstore/commandHandler.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { parseOrThrow } from './validation.js';

const ID_NAMESPACE = 'b3a8e0f4-52a3-4f7e-8c51-3f0c6a3e9b27';

export type RaiseInput = {
  source: ProblemSource;
  category: ProblemCategory;
  description: string;
  recurrenceOf?: string | null;
  hotlineReportId?: string | null;
};

/**
 * The ledger's application service: validates commands, checks what a pure decision cannot know
 * (does the unit exist?), reserves ledger numbers, and runs the command handler. The API and the
 * demo-data loader both go through it, so demo history is made by the same rules as real use.
 */
export class Ledger {
  constructor(readonly store: EventStore) {}

  /** A problem's id follows from the raise's command id, so a retried raise finds its own problem. */
  problemIdFor(commandId: string): string {
    return uuidv5(`problem/${commandId}`, ID_NAMESPACE);
  }

  unitIdFor(commandId: string): string {
    return uuidv5(`unit/${commandId}`, ID_NAMESPACE);
  }

  async loadUnit(unitId: string): Promise<UnitState> {
    const events = await this.store.readStream(unitStreamId(unitId));
    return foldStream(unitDecider, events);
  }

  async loadProblem(problemId: string): Promise<{ state: ProblemState; events: RecordedEvent[] }> {
    const events = await this.store.readStream(problemStreamId(problemId));
    return { state: foldStream(problemDecider, events), events };
  }

  /** A problem's history: every event of its stream, oldest first. */
  history(problemId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(problemStreamId(problemId));
  }

  async unitCommand(input: unknown, context: CommandContext): Promise<CommandResult<UnitState>> {
    const command: UnitCommand = parseOrThrow(UnitCommandSchema, input);
    if (command.type === 'RegisterUnit' && command.data.parentUnitId) await this.activeUnit(command.data.parentUnitId, 'parentUnitId');
    if (command.type === 'MergeUnit') await this.activeUnit(command.data.intoUnitId, 'intoUnitId');
    return handleCommand(this.store, unitStreamId(command.data.unitId), unitDecider, command, context);
  }

  /** Every problem command but the raise. */
  async problemCommand(input: unknown, context: CommandContext): Promise<CommandResult<ProblemState>> {
    const command: ProblemCommand = parseOrThrow(ProblemCommandSchema, input);
    if (command.type === 'RaiseProblem') throw new Error('Use raiseProblem, which reserves the ledger number');
    if (command.type === 'AssignProblem') await this.activeUnit(command.data.responsibleUnitId, 'responsibleUnitId');
    if (command.type === 'PassVerification' || command.type === 'RejectVerification')
      await this.activeUnit(command.data.verifierUnitId, 'verifierUnitId');
    // The decision refuses a problem that was never raised; to the caller that id simply does not exist.
    return handleCommand(this.store, problemStreamId(command.data.problemId), problemDecider, command, context).catch(
      (error: unknown) => {
        if (error instanceof IllegalStateError && error.code === 'PROBLEM_NOT_RAISED')
          throw new NotFoundError('PROBLEM_NOT_FOUND', `There is no problem with id ${command.data.problemId}.`);
        throw error;
      },
    );
  }

  private async activeUnit(unitId: string, field: string): Promise<void> {
    const unit = await this.loadUnit(unitId);
    if (unit.status === 'unregistered')
      throw new NotFoundError('UNIT_NOT_FOUND', `There is no unit with id ${unitId} (${field}).`, { field });
    if (unit.status === 'merged')
      throw new IllegalStateError('UNIT_MERGED', `Unit ${unit.name} was merged into another unit and takes no new work.`, {
        field,
      });
  }

  /**
   * Raises a problem (问题交办): reserves the next ledger number of its source and year, then runs the
   * raise the reservation carries through the problem's decider. Retried with the same command id, it
   * returns the same problem: the handler finds the reservation and the raise it made the first time.
   */
  async raiseProblem(input: RaiseInput, context: CommandContext): Promise<CommandResult<ProblemState>> {
    const problemId = this.problemIdFor(context.commandId);
    // A retry is the same raise: same user, same input (not the day it is sent on, nor the sequence it lands in).
    const fingerprint = commandFingerprint(context.actor.userId, 'RaiseProblem', {
      source: input.source,
      category: input.category,
      description: input.description,
      recurrenceOf: input.recurrenceOf ?? null,
      hotlineReportId: input.hotlineReportId ?? null,
    });
    // Raised already under this command id, perhaps in another sequence (a retry after New Year): that raise.
    const existing = await this.loadProblem(problemId);
    if (existing.state.status !== 'not_raised') {
      assertSameCommand(existing.events.slice(0, 1), context.commandId, fingerprint);
      return { state: existing.state, events: existing.events.slice(0, 1), nextExpectedRevision: existing.events.length - 1, replayed: true };
    }

    const now = context.now();
    const reserve: ReserveLedgerNumber = parseOrThrow(ReserveLedgerNumber.schema, {
      type: 'ReserveLedgerNumber',
      data: {
        problemId,
        source: input.source,
        category: input.category,
        description: input.description,
        raisedOn: countyDay(now),
        recurrenceOf: input.recurrenceOf ?? null,
        hotlineReportId: input.hotlineReportId ?? null,
      },
    });
    if (reserve.data.recurrenceOf) {
      const earlier = await this.loadProblem(reserve.data.recurrenceOf);
      if (earlier.state.status === 'not_raised')
        throw new NotFoundError('PROBLEM_NOT_FOUND', `The earlier problem ${reserve.data.recurrenceOf} does not exist.`, {
          field: 'recurrenceOf',
        });
    }
    const sequence = ledgerSequenceStreamId(reserve.data.source, countyYear(now));
    // A raise cut short before its problem's first event left the sequence's last reservation pending:
    // finish it first (unless it is this raise's own, which is finished below).
    const [last] = await this.store.readStream(sequence, { direction: 'backwards', maxCount: 1 });
    if (last && last.metadata.commandId !== context.commandId) await this.completeRaise(last);
    // Every raise of a source and year, in every process, meets on this one stream: a wider bound than one problem's.
    const reserved = await handleCommand(this.store, sequence, ledgerNumberDecider, reserve, { ...context, now: () => now }, {
      maxAttempts: 50,
      fingerprint,
    });
    const raised = await this.completeRaise(reserved.events[0]!);
    // Only when both halves were done before is the whole raise a replay (a cut-short raise, retried, is not).
    return { ...raised, replayed: reserved.replayed && raised.replayed };
  }

  /**
   * Runs the raise a reservation carries through the problem's decider, as the reservation's own
   * command (its id, actor and instant): the same ProblemRaised, with the same event id, whoever
   * completes it — the raise itself, the next raise of its sequence, or the next start. The problem
   * keeps the reservation's fingerprint, so a retry of the raise is recognised there too.
   */
  async completeRaise(reservation: RecordedEvent): Promise<CommandResult<ProblemState>> {
    const { raised } = reservation.data as LedgerNumberReserved['data'];
    const { actor, commandId, correlationId, occurredAt, commandFingerprint: fingerprint } = reservation.metadata;
    const context: CommandContext = { actor, commandId, correlationId, causationId: reservation.id, now: () => occurredAt };
    const raise: ProblemCommand = { type: 'RaiseProblem', data: raised };
    const streamId = problemStreamId(raised.problemId);
    try {
      return await handleCommand(this.store, streamId, problemDecider, raise, context, { fingerprint: fingerprint ?? null });
    } catch (error) {
      // Another raise under this command id, in another sequence, raised the problem first: nothing is left to finish here.
      if (!(error instanceof CommandIdReusedError)) throw error;
      const { state, events } = await this.loadProblem(raised.problemId);
      return { state, events: events.slice(0, 1), nextExpectedRevision: events.length - 1, replayed: true };
    }
  }
}
