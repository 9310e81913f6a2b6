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
import { currentIndex, rankingSimilar, similarityIndex } from '../../projections/similarProblems.js';
import { sliced } from '../../projections/slices.js';
import type { Ledger } from '../ledger.js';
import { type ImportRow, checkRows } from './rows.js';
import { type ImportIssue, type SkippedRow, columnLetter, contentOf, readTable } from './spreadsheet.js';
import { sourceDocumentsView } from '../../projections/sourceDocuments.js';

export type { ImportRow, SimilarImportMatch } from './rows.js';
export { IMPORT_COLUMNS, type ImportColumn, type ImportIssue, MAX_IMPORT_ROWS, type SkippedRow } from './spreadsheet.js';

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
  /** Rows of the sheet that are no items (group headings 一、二、…, notes such as 合计 or 填报人), left out. */
  skipped: SkippedRow[];
  issues: ImportIssue[];
};

/** A list imported: how many rows it added, how many were there before, and every row's problem in row order. */
export type ImportResult = { created: number; alreadyImported: number; problems: LedgerRow[] };

type ImportStep = 'raise' | 'assign' | 'deadline' | 'migrate';

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
    // Rows whose item (文号 + 原编号) is in the ledger already, from another list or another shape of this one, add nothing.
    const rows: ImportedRow[] = preview.rows
      .filter((r) => !r.alreadyImported || r.originalNumber === null)
      .map(({ alreadyImported: _, unitName: _name, coResponsibleUnitNames: _coNames, ...row }) => row);
    const acceptedBefore = (await this.store.readStream(importStreamId(contentHash), { maxCount: 1 }))[0];
    if (rows.length === 0 && !acceptedBefore) {
      const view = this.runner.state(ledgerView);
      return {
        created: 0,
        alreadyImported: preview.rows.length,
        problems: preview.rows.map((r) => view.problems.get(this.problemIdOf(contentHash, r))).filter((r): r is LedgerRow => !!r),
      };
    }
    // The list is the command: whoever imports it again, and under whatever file name, meets this acceptance.
    const accepted = await handleCommand(
      this.store,
      importStreamId(contentHash),
      importDecider,
      { type: 'AcceptProblemsImport', data: { contentHash, fileName, rows } },
      { ...context, commandId: `import:${contentHash}`, correlationId: `import:${contentHash}` },
      { fingerprint: null },
    );
    const acceptance = accepted.events[0] ?? acceptedBefore!;
    await this.finish(acceptance, context.reached);
    const problemIds = preview.rows.map((r) => this.problemIdOf(contentHash, r));
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
   * Returns every row's problem id, in row order. `reached`: the importing request's (CommandContext).
   */
  async finish(acceptance: RecordedEvent, reached?: CommandContext['reached']): Promise<string[]> {
    const { contentHash, rows } = acceptance.data as ProblemsImportAccepted['data'];
    const { actor, occurredAt } = acceptance.metadata;
    const problemIds: string[] = [];
    for (const row of rows) {
      const problemId = this.problemIdOf(contentHash, row);
      const at = (step: ImportStep): CommandContext => ({
        actor,
        commandId: commandIdFor(contentHash, row.row, step),
        correlationId: `import:${contentHash}`,
        causationId: acceptance.id,
        now: () => occurredAt,
        ...(reached ? { reached } : {}),
      });
      // An item (文号 + 原编号) raised by another list, or by hand, since this one was checked: in the ledger already.
      const before = await this.ledger.loadProblem(problemId);
      if (before.state.status !== 'not_raised' && before.events[0]?.metadata.commandId !== at('raise').commandId) {
        problemIds.push(problemId);
        continue;
      }
      // `?? null`: a list accepted before these columns were read has none of them.
      const { sourceDocumentId = null, originalNumber = null, status = null, closedOn = null, coResponsibleUnitIds = [] } = row;
      const raised = await this.ledger.raiseProblem(
        // `raisedOn ?? null`: a list accepted before 交办日期 was read has none (its rows are raised on the acceptance's day).
        {
          source: row.source,
          category: row.category,
          description: row.description,
          raisedOn: row.raisedOn ?? null,
          sourceDocumentId,
          originalNumber,
          // 迁移导入: a ledger's row (it names its 整改状态) keeps its dates as migrated facts of this import.
          migratedBy: status === null ? null : contentHash,
        },
        at('raise'),
      );
      if (raised.state.status === 'not_raised') throw new Error(`Import row ${row.row} did not raise ${problemId}`);
      const run = (command: ProblemCommand, step: ImportStep) =>
        handleCommand(this.store, problemStreamId(problemId), problemDecider, command, at(step));
      if (status !== null) {
        if (row.unitId && row.responsiblePerson) {
          const facts = {
            problemId,
            importId: contentHash,
            status,
            responsibleUnitId: row.unitId,
            responsiblePerson: row.responsiblePerson,
            coResponsibleUnitIds,
          };
          await run({ type: 'RecordMigratedFacts', data: { ...facts, deadline: row.deadline, closedOn } }, 'migrate');
        }
      } else if (row.unitId && row.responsiblePerson) {
        const assign = {
          problemId,
          responsibleUnitId: row.unitId,
          responsiblePerson: row.responsiblePerson,
          leadingOfficial: null,
          coResponsibleUnitIds,
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
        ...(reached ? { reached } : {}),
      },
      { fingerprint: null },
    );
    return problemIds;
  }

  /** A row's problem: the item's (文号 + 原编号) when it names one, else the one this list's row raises. */
  private problemIdOf(contentHash: string, row: { row: number; sourceDocumentId?: string | null; originalNumber?: string | null }) {
    return row.sourceDocumentId && row.originalNumber
      ? this.ledger.sourceItemProblemId(row.sourceDocumentId, row.originalNumber)
      : this.ledger.problemIdFor(commandIdFor(contentHash, row.row, 'raise'));
  }

  private async check(bytes: Uint8Array, fileName: string, today: string): Promise<ImportPreview> {
    const issues: ImportIssue[] = [];
    const table = await readTable(bytes, issues);
    const contentHash = createHash('sha256')
      .update(table ? contentOf(table) : bytes)
      .digest('hex');
    const documents = this.runner.state(sourceDocumentsView).documents;
    const documentFor = (documentNumber: string) => {
      const document = documents.get(this.ledger.sourceDocumentIdFor(documentNumber));
      return document ? { documentId: document.documentId, issuedOn: document.issuedOn } : null;
    };
    const rows = table ? checkRows(table, this.runner.state(ledgerView).units, documentFor, today, issues) : [];
    // The same item twice in one list is one item: the second row is named.
    const seen = new Map<string, number>();
    for (const row of rows) {
      if (!row.sourceDocumentId || !row.originalNumber) continue;
      const key = this.problemIdOf(contentHash, row);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, row.row);
      else
        issues.push({
          row: row.row,
          column: '原编号',
          columnLetter: columnLetter(table!.columns.get('原编号')!),
          code: 'DUPLICATE_ITEM',
          message: `Item ${row.originalNumber} of this document is already on row ${first}.`,
          value: row.originalNumber,
        });
    }
    for (const row of rows) {
      const { state } = await this.ledger.loadProblem(this.problemIdOf(contentHash, row));
      row.alreadyImported = state.status !== 'not_raised';
    }
    // 举一反三: each new row beside the existing problems it resembles, so the office sees a recurrence before importing it.
    const index = await currentIndex(this.runner.state(similarityIndex));
    const problems = this.runner.state(ledgerView).problems;
    for (const row of rows) {
      if (row.alreadyImported) continue;
      const asked = { text: row.description, category: row.category, source: row.source };
      row.similar = (await sliced(rankingSimilar(index, asked, SIMILAR_PER_ROW))).flatMap((match) => {
        const problem = problems.get(match.problemId);
        return problem ? [{ ...match, problem }] : [];
      });
    }
    return { fileName, contentHash, rows, skipped: table?.skipped ?? [], issues };
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
