import { randomInt } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import {
  type HotlineReportStatus,
  type HotlineState,
  HotlineCommand as HotlineCommandSchema,
  NotFoundError,
  type ProblemCategory,
  ProblemCommand as ProblemCommandSchema,
  hotlineStreamId,
  hotlineDecider,
  hotlineReportStatus,
  mustBeAwaitingTriage,
} from '../domain/index.js';
import { type CommandContext, type CommandResult, handleCommand, foldStream } from '../eventstore/commandHandler.js';
import type { EventStore } from '../eventstore/port.js';
import { type HotlineRow, hotlineView } from '../projections/hotlineView.js';
import { type LedgerRow, ledgerView } from '../projections/ledgerView.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { Ledger } from './ledger.js';
import { parseOrThrow } from './validation.js';

const REPORT_NAMESPACE = '2c7f5d3a-8e61-4b9a-9f0d-6a1e4c3b2d58';
/** Crockford's base32: no I, L, O or U, so a code read over the phone is not misheard. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A receipt code (回执码): 60 random bits, as XXXX-XXXX-XXXX. */
export function newReceiptCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
}

/** How a reporter may type a code: any case, spaces or dashes anywhere; O read as 0, I and L as 1. */
export function normalizeReceiptCode(input: string): string | null {
  const plain = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(plain)) return null;
  return `${plain.slice(0, 4)}-${plain.slice(4, 8)}-${plain.slice(8)}`;
}

/** The 12317 hotline: public reports in, the office's triage into problems or dismissal out. */
export class Hotline {
  constructor(
    private readonly store: EventStore,
    private readonly ledger: Ledger,
    private readonly runner: ProjectionRunner,
  ) {}

  /** The office's in-tray, newest first, of one status or all. */
  reports(status: HotlineReportStatus | null): HotlineRow[] {
    return [...this.runner.state(hotlineView).reports.values()]
      .filter((r) => !status || hotlineReportStatus(r) === status)
      .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  }

  /** What a reporter learns with the receipt code: the status, nothing else. */
  async statusOf(receiptCode: string): Promise<HotlineReportStatus> {
    const code = normalizeReceiptCode(receiptCode);
    const report = code ? await this.load(this.reportIdFor(code)) : undefined;
    if (!report || report.status === 'not_submitted')
      throw new NotFoundError('RECEIPT_NOT_FOUND', 'No hotline report has this receipt code; check the code.');
    return hotlineReportStatus(report);
  }

  /** The report's id follows from its receipt code, so a status lookup reads one stream. */
  reportIdFor(receiptCode: string): string {
    return uuidv5(`hotline/${receiptCode}`, REPORT_NAMESPACE);
  }

  async load(reportId: string): Promise<HotlineState> {
    const events = await this.store.readStream(hotlineStreamId(reportId));
    return foldStream(hotlineDecider, events);
  }

  private run(input: unknown, context: CommandContext): Promise<CommandResult<HotlineState>> {
    const command = parseOrThrow(HotlineCommandSchema, input);
    return handleCommand(this.store, hotlineStreamId(command.data.reportId), hotlineDecider, command, context);
  }

  async submit(
    report: { text: string; contact?: string | null; unitId?: string | null },
    context: CommandContext,
  ): Promise<{ receiptCode: string; result: CommandResult<HotlineState> }> {
    const receiptCode = newReceiptCode();
    if (report.unitId) {
      const unit = await this.ledger.loadUnit(report.unitId);
      if (unit.status === 'unregistered')
        throw new NotFoundError('UNIT_NOT_FOUND', `There is no unit with id ${report.unitId} (unitId).`, { field: 'unitId' });
    }
    const result = await this.run(
      {
        type: 'SubmitHotlineReport',
        data: {
          reportId: this.reportIdFor(receiptCode),
          receiptCode,
          text: report.text,
          contact: report.contact || null,
          unitId: report.unitId ?? null,
        },
      },
      context,
    );
    return { receiptCode, result };
  }

  /**
   * Enters the report into the ledger as a hotline problem, linked both ways. The report's stream
   * decides first (so two office users cannot both triage it), then the problem is raised with the
   * id that follows from the command id: retrying the same command finishes a triage cut short.
   * Answers with the problem as the ledger then lists it.
   */
  async triage(
    reportId: string,
    input: { category: ProblemCategory; description?: string | null },
    context: CommandContext,
  ): Promise<LedgerRow> {
    const problemId = this.ledger.problemIdFor(context.commandId);
    const report = await this.load(reportId);
    const retry = report.status === 'triaged' && report.problemId === problemId;
    const received = retry ? report : mustBeAwaitingTriage(report);
    const raise = {
      source: 'hotline' as const,
      category: input.category,
      description: input.description || received.text,
      hotlineReportId: reportId,
    };
    // Check the problem's data before the report is marked, so a bad category or description refuses both.
    parseOrThrow(ProblemCommandSchema, {
      type: 'RaiseProblem',
      data: { ...raise, problemId, ledgerNumber: 'pending', raisedOn: '2000-01-01', recurrenceOf: null },
    });
    await this.run({ type: 'TriageHotlineReport', data: { reportId, problemId } }, context);
    await this.runner.waitForEvents((await this.ledger.raiseProblem(raise, context)).events);
    const problem = this.runner.state(ledgerView).problems.get(problemId);
    if (!problem) throw new Error('The triaged problem is not in the ledger view');
    return problem;
  }

  /** Sets the report aside with the office's reason; answers with the report as the in-tray then lists it. */
  async dismiss(reportId: string, reason: string, context: CommandContext): Promise<HotlineRow> {
    const result = await this.run({ type: 'DismissHotlineReport', data: { reportId, reason } }, context);
    await this.runner.waitForEvents(result.events);
    const row = this.runner.state(hotlineView).reports.get(reportId);
    if (!row) throw new Error('The dismissed report is not in the hotline view');
    return row;
  }
}
