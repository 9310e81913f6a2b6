import { v5 as uuidv5 } from 'uuid';
import {
  type LedgerNumberReserved,
  NotFoundError,
  type ProblemCategory,
  type ProblemCommand,
  type ProblemSource,
  ProblemCommand as ProblemCommandSchema,
  type ProblemState,
  type UnitCommand,
  UnitCommand as UnitCommandSchema,
  type UnitState,
  ValidationError,
  countyDay,
  countyYear,
  formatLedgerNumber,
  ledgerSequenceStreamId,
  problemDecider,
  problemStreamId,
  schemaVersionOf,
  unitDecider,
  unitStreamId,
  IllegalStateError,
} from '../domain/index.js';
import {
  type CommandContext,
  type CommandResult,
  ConcurrencyRetriesExhaustedError,
  eventIdFor,
  handleCommand,
  metadataFor,
  foldStream,
} from '../eventstore/commandHandler.js';
import { DuplicateEventIdError, type EventStore, type RecordedEvent, WrongExpectedRevisionError } from '../eventstore/port.js';
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
   * Raises a problem: reserves the next ledger number of its source and year, then appends the
   * problem's first event. Retried with the same command id, it returns the same problem.
   */
  async raiseProblem(input: RaiseInput, context: CommandContext): Promise<CommandResult<ProblemState>> {
    const problemId = this.problemIdFor(context.commandId);
    const existing = await this.loadProblem(problemId);
    if (existing.state.status !== 'not_raised')
      return { state: existing.state, events: existing.events.slice(0, 1), nextExpectedRevision: existing.events.length - 1, replayed: true };

    const now = context.now();
    const raw = {
      type: 'RaiseProblem',
      data: {
        problemId,
        ledgerNumber: 'pending',
        source: input.source,
        category: input.category,
        description: input.description,
        raisedOn: countyDay(now),
        recurrenceOf: input.recurrenceOf ?? null,
        hotlineReportId: input.hotlineReportId ?? null,
      },
    };
    const command = parseOrThrow(ProblemCommandSchema, raw);
    if (command.type !== 'RaiseProblem') throw new Error('unreachable');
    if (command.data.recurrenceOf) {
      const earlier = await this.loadProblem(command.data.recurrenceOf);
      if (earlier.state.status === 'not_raised')
        throw new NotFoundError('PROBLEM_NOT_FOUND', `The earlier problem ${command.data.recurrenceOf} does not exist.`, {
          field: 'recurrenceOf',
        });
    }
    const reservation = await this.reserveLedgerNumber(command.data.source, countyYear(now), command.data, context, now);
    await this.completeRaise(reservation);
    const { state, events } = await this.loadProblem(problemId);
    return { state, events: events.slice(0, 1), nextExpectedRevision: events.length - 1, replayed: false };
  }

  private async reserveLedgerNumber(
    source: ProblemSource,
    year: number,
    raised: LedgerNumberReserved['data']['raised'],
    context: CommandContext,
    now: string,
  ): Promise<RecordedEvent> {
    const streamId = ledgerSequenceStreamId(source, year);
    const eventId = eventIdFor(context.commandId, streamId, 0);
    for (let attempt = 1; attempt <= 50; attempt++) {
      const [last] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      if (last) await this.completeRaise(last);
      const sequence = ((last?.data as LedgerNumberReserved['data'] | undefined)?.sequence ?? 0) + 1;
      const data: LedgerNumberReserved['data'] = {
        sequence,
        raised: { ...raised, ledgerNumber: formatLedgerNumber(source, year, sequence) },
      };
      try {
        await this.store.appendToStream(
          streamId,
          [{ id: eventId, type: 'LedgerNumberReserved', data, metadata: metadataFor(context, now, schemaVersionOf('LedgerNumberReserved')) }],
          last ? last.revision : 'no_stream',
        );
        const [reserved] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
        if (reserved?.id === eventId) return reserved;
        return this.findReservation(streamId, eventId);
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) continue;
        // This command reserved a number before and stopped: finish that reservation, not a new one.
        if (error instanceof DuplicateEventIdError) return this.findReservation(streamId, eventId);
        throw error;
      }
    }
    throw new ConcurrencyRetriesExhaustedError(streamId, 50);
  }

  private async findReservation(streamId: string, eventId: string): Promise<RecordedEvent> {
    const found = (await this.store.readStream(streamId)).find((e) => e.id === eventId);
    if (!found) throw new Error(`Reservation ${eventId} vanished from ${streamId}`);
    return found;
  }

  /** Appends the problem's first event from its reservation, unless it is there already. */
  async completeRaise(reservation: RecordedEvent): Promise<void> {
    const { raised } = reservation.data as LedgerNumberReserved['data'];
    const streamId = problemStreamId(raised.problemId);
    const [first] = await this.store.readStream(streamId, { maxCount: 1 });
    if (first) return;
    try {
      await this.store.appendToStream(
        streamId,
        [
          {
            id: eventIdFor(reservation.metadata.commandId, streamId, 0),
            type: 'ProblemRaised',
            data: raised,
            metadata: { ...reservation.metadata, schemaVersion: schemaVersionOf('ProblemRaised'), causationId: reservation.id },
          },
        ],
        'no_stream',
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error; // someone else completed it
    }
  }
}
