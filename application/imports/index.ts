import { createHash } from 'node:crypto';
import {
  type ImportedRow,
  type ProblemCommand,
  type ProblemsImportAccepted,
  ValidationError,
  countyDay,
  importDecider,
  importStreamId,
  problemDecider,
  problemStreamId,
} from '../../domain/index.js';
import { type CommandContext, handleCommand } from '../../eventstore/commandHandler.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { type LedgerRow, ledgerView } from '../../projections/ledgerView.js';
import type { ProjectionRunner } from '../../projections/runner.js';
import { rankSimilar, similarityIndex } from '../../projections/similarProblems.js';
import type { Ledger } from '../ledger.js';
import { type ImportRow, checkRows } from './rows.js';
import { type ImportIssue, contentOf, readTable } from './spreadsheet.js';

export type { ImportRow, SimilarImportMatch } from './rows.js';
export { IMPORT_COLUMNS, type ImportColumn, type ImportIssue, MAX_IMPORT_ROWS } from './spreadsheet.js';

/**
 * Importing a problem list (问题清单) from a county spreadsheet: read it (spreadsheet.ts), check
 * every row (rows.ts), and only when every row is right raise them all — with command ids that
 * follow from the list's hash and the row number, so importing the same list again finds its own
 * problems and adds nothing. The hash is of the cells read, not of the file's bytes: Excel rewrites
 * a workbook's timestamps on every save, and the same list saved again is still the same list.
 */

export type ImportPreview = {
  fileName: string;
  /** SHA-256 of the list's content (every imported column of every row, with row numbers). */
  contentHash: string;
  rows: ImportRow[];
  issues: ImportIssue[];
};

/** A list imported: how many rows it added, how many were there before, and every row's problem in row order. */
export type ImportResult = { created: number; alreadyImported: number; problems: LedgerRow[] };

type ImportStep = 'raise' | 'assign' | 'deadline';

/** How many existing problems the preview shows beside each new row (举一反三 before the import, not after). */
export const SIMILAR_PER_ROW = 3;

export class Imports {
  constructor(
    private readonly store: EventStore,
    private readonly ledger: Ledger,
    private readonly runner: ProjectionRunner,
    private readonly clock: () => string,
  ) {}

  /** Checks a problem list against the units and the day as they are now, and says what importing it would do; appends nothing. */
  preview(bytes: Uint8Array, fileName: string): Promise<ImportPreview> {
    return this.check(bytes, fileName, countyDay(this.clock()));
  }

  /**
   * Imports every row, or none: a list with any issue is refused whole, naming each issue. A row with
   * a unit is raised, assigned and given its deadline; a row without one is only raised. The checked
   * list is accepted first, in one event (ProblemsImportAccepted): from then on the import is finished
   * whatever happens — here, or at the next start when the server stopped half way. Answers once
   * every row is in and the read side has applied it, with every row's problem as the ledger lists it.
   */
  async commit(bytes: Uint8Array, fileName: string, context: Omit<CommandContext, 'commandId'>): Promise<ImportResult> {
    const preview = await this.check(bytes, fileName, countyDay(context.now()));
    if (preview.issues.length > 0)
      throw new ValidationError(
        'IMPORT_REFUSED',
        `Nothing was imported: ${preview.issues.length} problem(s) in the file, e.g. ${describeIssue(preview.issues[0]!)}.`,
        { issues: preview.issues },
      );
    const { contentHash } = preview;
    const rows: ImportedRow[] = preview.rows.map(
      ({ row, source, category, description, unitId, responsiblePerson, deadline, raisedOn }) => ({
        row,
        source,
        category,
        description,
        unitId,
        responsiblePerson,
        deadline,
        raisedOn,
      }),
    );
    // The list is the command: whoever imports it again, and under whatever file name, meets this acceptance.
    const accepted = await handleCommand(
      this.store,
      importStreamId(contentHash),
      importDecider,
      { type: 'AcceptProblemsImport', data: { contentHash, fileName, rows } },
      { ...context, commandId: `import:${contentHash}`, correlationId: `import:${contentHash}` },
      { fingerprint: null },
    );
    const acceptance = accepted.events[0] ?? (await this.store.readStream(importStreamId(contentHash), { maxCount: 1 }))[0]!;
    const problemIds = await this.finish(acceptance);
    // Read-your-writes: the ledger lists every row's problem before the import answers.
    await this.runner.waitFor(await this.store.headPosition());
    const view = this.runner.state(ledgerView);
    return {
      created: preview.rows.filter((r) => !r.alreadyImported).length,
      alreadyImported: preview.rows.filter((r) => r.alreadyImported).length,
      problems: problemIds.map((id) => view.problems.get(id)).filter((r): r is LedgerRow => r !== undefined),
    };
  }

  /**
   * Works through an accepted list's rows and completes the import: as the acceptance's own commands
   * (its actor and instant, ids from the list and the row), so running it again — a second import of
   * the list, or the start after a crash — finds every step done and appends nothing new. The rows
   * were checked when the list was accepted (units included); finishing does not check them again.
   * Returns every row's problem id, in row order.
   */
  async finish(acceptance: RecordedEvent): Promise<string[]> {
    const { contentHash, rows } = acceptance.data as ProblemsImportAccepted['data'];
    const { actor, occurredAt } = acceptance.metadata;
    const problemIds: string[] = [];
    for (const row of rows) {
      const at = (step: ImportStep): CommandContext => ({
        actor,
        commandId: commandIdFor(contentHash, row.row, step),
        correlationId: `import:${contentHash}`,
        causationId: acceptance.id,
        now: () => occurredAt,
      });
      const raised = await this.ledger.raiseProblem(
        // `raisedOn ?? null`: a list accepted before 交办日期 was read has none (its rows are raised on the acceptance's day).
        { source: row.source, category: row.category, description: row.description, raisedOn: row.raisedOn ?? null },
        at('raise'),
      );
      const problemId = this.ledger.problemIdFor(at('raise').commandId);
      if (raised.state.status === 'not_raised') throw new Error(`Import row ${row.row} did not raise ${problemId}`);
      const run = (command: ProblemCommand, step: ImportStep) =>
        handleCommand(this.store, problemStreamId(problemId), problemDecider, command, at(step));
      if (row.unitId && row.responsiblePerson) {
        const assign = {
          problemId,
          responsibleUnitId: row.unitId,
          responsiblePerson: row.responsiblePerson,
          leadingOfficial: null,
          coResponsibleUnitIds: [],
        };
        await run({ type: 'AssignProblem', data: assign }, 'assign');
        if (row.deadline) await run({ type: 'SetDeadline', data: { problemId, deadline: row.deadline } }, 'deadline');
      }
      problemIds.push(problemId);
    }
    await handleCommand(
      this.store,
      importStreamId(contentHash),
      importDecider,
      { type: 'CompleteProblemsImport', data: { contentHash } },
      {
        actor,
        commandId: `import:${contentHash}:completed`,
        correlationId: `import:${contentHash}`,
        causationId: acceptance.id,
        now: this.clock,
      },
      { fingerprint: null },
    );
    return problemIds;
  }

  private async check(bytes: Uint8Array, fileName: string, today: string): Promise<ImportPreview> {
    const issues: ImportIssue[] = [];
    const table = await readTable(bytes, issues);
    const contentHash = createHash('sha256')
      .update(table ? contentOf(table) : bytes)
      .digest('hex');
    const rows = table ? checkRows(table, this.runner.state(ledgerView).units, today, issues) : [];
    for (const row of rows) {
      const { state } = await this.ledger.loadProblem(this.ledger.problemIdFor(commandIdFor(contentHash, row.row, 'raise')));
      row.alreadyImported = state.status !== 'not_raised';
    }
    // 举一反三: each new row beside the existing problems it resembles, so the office sees a recurrence before importing it.
    const index = this.runner.state(similarityIndex);
    const problems = this.runner.state(ledgerView).problems;
    for (const row of rows) {
      if (row.alreadyImported) continue;
      row.similar = rankSimilar(index, { text: row.description, category: row.category, source: row.source }, SIMILAR_PER_ROW).flatMap(
        (match) => {
          const problem = problems.get(match.problemId);
          return problem ? [{ ...match, problem }] : [];
        },
      );
    }
    return { fileName, contentHash, rows, issues };
  }
}

/** The command id of one step of one row of one list: the same list imported twice gives the same ids. */
export function commandIdFor(contentHash: string, row: number, step: ImportStep): string {
  return `import:${contentHash}:${row}:${step}`;
}

export function describeIssue(issue: ImportIssue): string {
  return issue.row === 0
    ? issue.message
    : `row ${issue.row}, column ${issue.column}${issue.columnLetter ? ` (${issue.columnLetter})` : ''}: ${issue.message}`;
}
