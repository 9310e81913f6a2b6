import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import {
  AdoptCalendar,
  type CalendarState,
  IllegalStateError,
  Id,
  type LedgerNumberReserved,
  NotFoundError,
  type ProblemCategory,
  type ProblemCommand,
  ProblemCommand as ProblemCommandSchema,
  type ProblemSource,
  type ProblemState,
  ReserveLedgerNumber,
  SourceDocumentCommand,
  type SourceDocumentState,
  type UnitCommand,
  UnitCommand as UnitCommandSchema,
  type UnitState,
  ValidationError,
  WorkingDays,
  addWorkingDays,
  calendarDecider,
  calendarStreamId,
  countyDay,
  documentNumberKey,
  ledgerNumberDecider,
  ledgerSequenceStreamId,
  problemDecider,
  problemStreamId,
  sourceDocumentDecider,
  sourceDocumentStreamId,
  unitDecider,
  unitStreamId,
} from '../domain/index.js';
import {
  type CommandContext,
  CommandIdReusedError,
  type CommandResult,
  assertSameCommand,
  commandFingerprint,
  type BatchItem,
  type Settled,
  currentState,
  foldStream,
  handleCommand,
  handleCommands,
} from '../eventstore/commandHandler.js';
import { observerOf } from '../eventstore/observed.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { parseOrThrow } from './validation.js';

const ID_NAMESPACE = 'b3a8e0f4-52a3-4f7e-8c51-3f0c6a3e9b27';

export type RaiseInput = {
  source: ProblemSource;
  category: ProblemCategory;
  description: string;
  recurrenceOf?: string | null;
  hotlineReportId?: string | null;
  /** The sweep (举一反三排查) a "found" answer raised this problem for. */
  sweepId?: string | null;
  /** 交办日期 (YYYY-MM-DD): today when not given; may be in the past, never in the future nor before its document's date. */
  raisedOn?: string | null;
  /** 来源文件 (registered, see SourceDocuments) and the item's 原编号 there: the pair is raised once. */
  sourceDocumentId?: string | null;
  originalNumber?: string | null;
  /** 迁移导入: raised from an existing ledger by this import (its list's hash), counted on its 交办日期 "as of". */
  migratedBy?: string | null;
  /** The unit the raise assigns at once: required for 自查上报; with `evidence`, 立行立改 (already fixed on the spot). */
  assignment?: {
    responsibleUnitId: string;
    responsiblePerson: string;
    leadingOfficial?: string | null;
    evidence?: { description: string; files?: unknown[] } | null;
  } | null;
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

  /** A leader record's id (领导班子) follows from the appointment's command id, so a retried appointment finds its own record. */
  leaderIdFor(commandId: string): string {
    return uuidv5(`leader/${commandId}`, ID_NAMESPACE);
  }

  async loadUnit(unitId: string): Promise<UnitState> {
    return (await currentState(this.store, unitStreamId(unitId), unitDecider)).state;
  }

  async loadProblem(problemId: string): Promise<{ state: ProblemState; events: RecordedEvent[] }> {
    const events = await this.store.readStream(problemStreamId(problemId));
    return { state: foldStream(problemDecider, events), events };
  }

  /** A problem's state now, from its stream (the commands' kept fold: no read of the whole stream). */
  async problemState(problemId: string): Promise<ProblemState> {
    return (await currentState(this.store, problemStreamId(problemId), problemDecider)).state;
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

  /** Adopts a county calendar (工作日历: holidays and 调休 make-up working days), in force from now. */
  adoptCalendar(input: { document: unknown; reason: string }, context: CommandContext): Promise<CommandResult<CalendarState>> {
    const command = parseOrThrow(AdoptCalendar.schema, { type: 'AdoptCalendar', data: input });
    return handleCommand(this.store, calendarStreamId, calendarDecider, command, context);
  }

  /** The county calendar in force now, from its own stream (not a read model): a deadline is counted on what was adopted last. */
  async calendarInForce(): Promise<CalendarState> {
    return (await currentState(this.store, calendarStreamId, calendarDecider)).state;
  }

  /**
   * Every problem command but the raise. A deadline (SetDeadline, ExtendDeadline) is given as a day
   * or as a number of working days from today — exactly one; working days become the day they come
   * to on the calendar in force, and the command carries both. `warnings` says when that count went
   * beyond the years the calendar covers (there it is Monday to Friday).
   */
  async problemCommand(input: unknown, context: CommandContext): Promise<CommandResult<ProblemState> & { warnings: string[] }> {
    const now = context.now();
    const { resolved, warnings } = await this.deadlineFromWorkingDays(input, countyDay(now));
    const result = await this.runProblemCommand(resolved, { ...context, now: () => now });
    return { ...result, warnings };
  }

  /** A deadline given in working days, counted from `today` on the calendar in force; the input unchanged otherwise. */
  private async deadlineFromWorkingDays(input: unknown, today: string): Promise<{ resolved: unknown; warnings: string[] }> {
    const { type, data } = (input ?? {}) as { type?: unknown; data?: unknown };
    if ((type !== 'SetDeadline' && type !== 'ExtendDeadline') || typeof data !== 'object' || data === null)
      return { resolved: input, warnings: [] };
    const given = data as Record<string, unknown>;
    const byDay = given.deadline != null;
    const byCount = given.workingDays != null;
    if (byDay === byCount) {
      const field = byDay ? 'workingDays' : 'deadline';
      const message = byDay
        ? 'Give the deadline as a day (deadline) or as working days (workingDays), not both.'
        : 'Give the deadline as a day (deadline, YYYY-MM-DD) or as a number of working days from today (workingDays).';
      throw new ValidationError('VALIDATION_FAILED', message, { field, issues: [{ field, message }] });
    }
    if (byDay) return { resolved: { type, data: { ...given, workingDays: null } }, warnings: [] };
    const { workingDays } = parseOrThrow(z.object({ workingDays: WorkingDays }), { workingDays: given.workingDays });
    const calendar = (await this.calendarInForce()).document;
    const { day, outsideCalendar } = addWorkingDays(today, workingDays, calendar);
    const warnings = !outsideCalendar
      ? []
      : calendar === null
        ? [`No county calendar is adopted: the ${workingDays} working days to ${day} were counted Monday to Friday, without holidays.`]
        : [
            `The calendar in force (${calendar.name}) covers ${calendar.years.join(', ')}: the ${workingDays} working days to ${day} were counted Monday to Friday, without holidays, outside those years.`,
          ];
    return { resolved: { type, data: { ...given, deadline: day, workingDays } }, warnings };
  }

  private async runProblemCommand(input: unknown, context: CommandContext): Promise<CommandResult<ProblemState>> {
    const command = await this.checkedProblemCommand(await this.withEarlierProblem(input));
    return handleCommand(this.store, problemStreamId(command.data.problemId), problemDecider, command, context).catch((error: unknown) => {
      throw problemNotFound(error, command);
    });
  }

  /**
   * Several problem commands at once (`handleCommands`: decided one by one, appended in one durable
   * commit), for a writer with many at one instant: the scheduler's automatic 督办 orders. Each is
   * checked, decided and answered as `problemCommand` would; one refused leaves the others.
   */
  async problemCommands(
    items: readonly { input: unknown; context: CommandContext }[],
  ): Promise<Settled<CommandResult<ProblemState> & { warnings: string[] }>[]> {
    const settled: (Settled<CommandResult<ProblemState> & { warnings: string[] }> | undefined)[] = items.map(() => undefined);
    const batch: { index: number; warnings: string[]; item: BatchItem<ProblemCommand> }[] = [];
    for (const [index, { input, context }] of items.entries()) {
      try {
        const now = context.now();
        const { resolved, warnings } = await this.deadlineFromWorkingDays(input, countyDay(now));
        const command = await this.checkedProblemCommand(await this.withEarlierProblem(resolved));
        batch.push({
          index,
          warnings,
          item: { streamId: problemStreamId(command.data.problemId), command, context: { ...context, now: () => now } },
        });
      } catch (error) {
        settled[index] = { ok: false, error };
      }
    }
    const handled = await handleCommands(
      this.store,
      problemDecider,
      batch.map((b) => b.item),
    );
    for (const [i, { index, warnings, item }] of batch.entries()) {
      const outcome = handled[i]!;
      settled[index] = outcome.ok
        ? { ok: true, value: { ...outcome.value, warnings } }
        : { ok: false, error: problemNotFound(outcome.error, item.command) };
    }
    return settled as Settled<CommandResult<ProblemState> & { warnings: string[] }>[];
  }

  /**
   * A link (复发 / 相关) names an earlier problem: it must exist, and the day it was raised goes into the
   * command, so the decision can refuse one raised after the problem linked. Other commands unchanged.
   */
  private async withEarlierProblem(input: unknown): Promise<unknown> {
    const { type, data } = (input ?? {}) as { type?: unknown; data?: unknown };
    if (type !== 'LinkProblem' || typeof data !== 'object' || data === null) return input;
    const { earlierProblemId } = parseOrThrow(z.object({ earlierProblemId: Id }), data);
    const earlier = await this.loadProblem(earlierProblemId);
    if (earlier.state.status === 'not_raised')
      throw new NotFoundError('PROBLEM_NOT_FOUND', `There is no problem with id ${earlierProblemId} to link to.`, {
        field: 'earlierProblemId',
      });
    return { type, data: { ...data, earlierRaisedOn: earlier.state.raisedOn } };
  }

  /** A problem command parsed, with the units it names checked: what the decision cannot see. */
  private async checkedProblemCommand(input: unknown): Promise<ProblemCommand> {
    const command: ProblemCommand = parseOrThrow(ProblemCommandSchema, input);
    if (command.type === 'RaiseProblem') throw new Error('Use raiseProblem, which reserves the ledger number');
    if (command.type === 'AssignProblem') await this.activeUnit(command.data.responsibleUnitId, 'responsibleUnitId');
    // 配合单位 and 转办: every unit named must exist and take work.
    if (command.type === 'AssignProblem' || command.type === 'ChangeCoResponsibleUnits')
      for (const unitId of command.data.coResponsibleUnitIds) await this.activeUnit(unitId, 'coResponsibleUnitIds');
    if (command.type === 'TransferProblem') await this.activeUnit(command.data.toUnitId, 'toUnitId');
    if (command.type === 'PassVerification' || command.type === 'RejectVerification')
      await this.activeUnit(command.data.verifierUnitId, 'verifierUnitId');
    // 回头看 by a verifier: their unit must exist (the decision refuses the responsible unit itself).
    if (command.type === 'ConfirmConsolidation' && command.data.checkedByUnitId !== null)
      await this.activeUnit(command.data.checkedByUnitId, 'checkedByUnitId');
    return command;
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
    const sourceDocumentId = input.sourceDocumentId ?? null;
    const originalNumber = input.originalNumber ?? null;
    // An item of a document is known by its 文号 and 原编号: its problem id follows from them, so the pair is raised once.
    const itemKey = sourceDocumentId !== null && originalNumber !== null ? { sourceDocumentId, originalNumber } : null;
    const problemId = itemKey
      ? this.sourceItemProblemId(itemKey.sourceDocumentId, itemKey.originalNumber)
      : this.problemIdFor(context.commandId);
    // A retry is the same raise: same user, same input (not the day it is sent on, nor the sequence it lands in).
    const fingerprint = commandFingerprint(context.actor.userId, 'RaiseProblem', {
      source: input.source,
      category: input.category,
      description: input.description,
      recurrenceOf: input.recurrenceOf ?? null,
      hotlineReportId: input.hotlineReportId ?? null,
      ...(input.sweepId ? { sweepId: input.sweepId } : {}),
      ...(input.raisedOn ? { raisedOn: input.raisedOn } : {}),
      ...(sourceDocumentId !== null ? { sourceDocumentId, originalNumber } : {}),
      ...(input.assignment ? { assignment: input.assignment } : {}),
      ...(input.migratedBy ? { migratedBy: input.migratedBy } : {}),
    });
    // Raised already under this command id, perhaps in another sequence (a retry after New Year): that raise.
    const existing = await this.loadProblem(problemId);
    if (existing.state.status !== 'not_raised') {
      if (itemKey && existing.events[0]?.metadata.commandId !== context.commandId) throw this.itemRaisedAlready(existing.state);
      assertSameCommand(existing.events.slice(0, 1), context.commandId, fingerprint);
      // Settled here, not in the handler: the store's watchers (metrics, the request's log position) are told as the handler would.
      observerOf(this.store)?.command?.('RaiseProblem', { kind: 'replayed', position: existing.events[0]!.position });
      context.reached?.(existing.events[0]!.position);
      return {
        state: existing.state,
        events: existing.events.slice(0, 1),
        nextExpectedRevision: existing.events.length - 1,
        replayed: true,
      };
    }

    const now = context.now();
    const document = sourceDocumentId === null ? null : await this.sourceDocument(sourceDocumentId);
    const reserve: ReserveLedgerNumber = parseOrThrow(ReserveLedgerNumber.schema, {
      type: 'ReserveLedgerNumber',
      data: {
        problemId,
        source: input.source,
        category: input.category,
        description: input.description,
        raisedOn: input.raisedOn ?? countyDay(now),
        recurrenceOf: input.recurrenceOf ?? null,
        hotlineReportId: input.hotlineReportId ?? null,
        ...(input.sweepId ? { sweepId: input.sweepId } : {}),
        sourceDocumentId,
        originalNumber,
        ...(input.migratedBy ? { migrated: { importId: input.migratedBy, on: input.raisedOn ?? countyDay(now) } } : {}),
        assignment: input.assignment ?? null,
        sourceDocumentIssuedOn: document?.issuedOn ?? null,
        raisedByUnitId: context.actor.unitId,
      },
    });
    if (reserve.data.recurrenceOf) {
      const earlier = await this.loadProblem(reserve.data.recurrenceOf);
      if (earlier.state.status === 'not_raised')
        throw new NotFoundError('PROBLEM_NOT_FOUND', `The earlier problem ${reserve.data.recurrenceOf} does not exist.`, {
          field: 'recurrenceOf',
        });
    }
    if (reserve.data.assignment) await this.activeUnit(reserve.data.assignment.responsibleUnitId, 'responsibleUnitId');
    // The sequence of the year of its 交办日期, as its number says: an item of last year's list is numbered in last year's.
    const sequence = ledgerSequenceStreamId(reserve.data.source, Number(reserve.data.raisedOn.slice(0, 4)));
    // A raise cut short before its problem's first event left the sequence's last reservation pending:
    // finish it first (unless it is this raise's own, which is finished below).
    const [last] = await this.store.readStream(sequence, { direction: 'backwards', maxCount: 1 });
    if (last && last.metadata.commandId !== context.commandId) await this.completeRaise(last, context.reached);
    // Every raise of a source and year, in every process, meets on this one stream: a wider bound than one problem's.
    const reserved = await handleCommand(
      this.store,
      sequence,
      ledgerNumberDecider,
      reserve,
      { ...context, now: () => now },
      {
        maxAttempts: 50,
        fingerprint,
      },
    );
    const raised = await this.completeRaise(reserved.events[0]!, context.reached);
    // Two raises of one document item at once: the first took the problem; this one's number stays unused.
    const reservedNumber = (reserved.events[0]!.data as LedgerNumberReserved['data']).raised.ledgerNumber;
    if (itemKey && raised.state.status !== 'not_raised' && raised.state.ledgerNumber !== reservedNumber)
      throw this.itemRaisedAlready(raised.state);
    // Only when both halves were done before is the whole raise a replay (a cut-short raise, retried, is not).
    return { ...raised, replayed: reserved.replayed && raised.replayed };
  }

  /**
   * 自查上报: a unit head reports a problem of their own unit (自查自纠), with the unit's responsible
   * person; the problem is assigned to that unit and acknowledged at once (with evidence: 立行立改).
   * The unit is the reporter's own (from the token), never one the request names.
   */
  selfReport(
    input: Omit<RaiseInput, 'source' | 'assignment' | 'hotlineReportId'> & {
      responsiblePerson: string;
      evidence?: { description: string; files?: unknown[] } | null;
    },
    context: CommandContext,
  ): Promise<CommandResult<ProblemState>> {
    const unitId = context.actor.unitId;
    if (unitId === null)
      throw new IllegalStateError(
        'SELF_REPORT_WITHOUT_UNIT',
        'Your account belongs to no unit, so there is no unit of yours to report about.',
      );
    const { responsiblePerson, evidence, ...raise } = input;
    return this.raiseProblem(
      { ...raise, source: 'unit_self_report', assignment: { responsibleUnitId: unitId, responsiblePerson, evidence: evidence ?? null } },
      context,
    );
  }

  /** The problem id of item 原编号 of a source document: the same pair always names the same problem. */
  sourceItemProblemId(sourceDocumentId: string, originalNumber: string): string {
    return uuidv5(`source-item/${sourceDocumentId}/${documentNumberKey(originalNumber)}`, ID_NAMESPACE);
  }

  /** The id of the source document with this 文号: registering the same 文号 twice is the same document. */
  sourceDocumentIdFor(documentNumber: string): string {
    return uuidv5(`source-document/${documentNumberKey(documentNumber)}`, ID_NAMESPACE);
  }

  async loadSourceDocument(documentId: string): Promise<SourceDocumentState> {
    return foldStream(sourceDocumentDecider, await this.store.readStream(sourceDocumentStreamId(documentId)));
  }

  private async sourceDocument(documentId: string): Promise<Extract<SourceDocumentState, { status: 'registered' }>> {
    const document = await this.loadSourceDocument(documentId);
    if (document.status !== 'registered')
      throw new NotFoundError('SOURCE_DOCUMENT_NOT_FOUND', `There is no registered source document with id ${documentId}.`, {
        field: 'sourceDocumentId',
      });
    return document;
  }

  private itemRaisedAlready(state: Exclude<ProblemState, { status: 'not_raised' }>): IllegalStateError {
    return new IllegalStateError(
      'SOURCE_ITEM_ALREADY_RAISED',
      `Item ${state.originalNumber} of this source document was raised already, as ${state.ledgerNumber}.`,
      { field: 'originalNumber', ledgerNumber: state.ledgerNumber, problemId: state.problemId },
    );
  }

  /** Registers a source document (来源文件) by its 文号; the same registration again changes nothing. */
  registerSourceDocument(
    input: { issuingBody: string; title: string; documentNumber: string; issuedOn: string },
    context: CommandContext,
  ): Promise<CommandResult<SourceDocumentState>> {
    const documentId = this.sourceDocumentIdFor(String(input.documentNumber ?? ''));
    const command = parseOrThrow(SourceDocumentCommand, { type: 'RegisterSourceDocument', data: { ...input, documentId } });
    return handleCommand(this.store, sourceDocumentStreamId(documentId), sourceDocumentDecider, command, context);
  }

  /**
   * Runs the raise a reservation carries through the problem's decider, as the reservation's own
   * command (its id, actor and instant): the same ProblemRaised, with the same event id, whoever
   * completes it — the raise itself, the next raise of its sequence, or the next start. The problem
   * keeps the reservation's fingerprint, so a retry of the raise is recognised there too. `reached`:
   * the raising request's (CommandContext).
   */
  async completeRaise(reservation: RecordedEvent, reached?: CommandContext['reached']): Promise<CommandResult<ProblemState>> {
    const { raised } = reservation.data as LedgerNumberReserved['data'];
    const { actor, commandId, correlationId, occurredAt, commandFingerprint: fingerprint } = reservation.metadata;
    const context: CommandContext = {
      actor,
      commandId,
      correlationId,
      causationId: reservation.id,
      now: () => occurredAt,
      ...(reached ? { reached } : {}),
    };
    const { assignment } = reservation.data as LedgerNumberReserved['data'];
    const raise: ProblemCommand = { type: 'RaiseProblem', data: { ...raised, assignment: assignment ?? null } };
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

/** The decision refuses a problem that was never raised; to the caller that id simply does not exist. */
function problemNotFound(error: unknown, command: ProblemCommand): unknown {
  return error instanceof IllegalStateError && error.code === 'PROBLEM_NOT_RAISED'
    ? new NotFoundError('PROBLEM_NOT_FOUND', `There is no problem with id ${command.data.problemId}.`)
    : error;
}
