import {
  type LedgerStatus,
  NotFoundError,
  countyDay,
  isAssigned,
  isOverdue,
  problemStatusLabels,
  problemStatuses,
} from '../domain/index.js';
import type { CommandContext } from '../eventstore/commandHandler.js';
import { ledgerView } from '../projections/ledgerView.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { type SourceDocumentRow, sourceDocumentsView } from '../projections/sourceDocuments.js';
import { type RenderedFile, XLSX_TYPE, renderXlsx } from './documents/index.js';
import type { Ledger } from './ledger.js';

export type { SourceDocumentRow } from '../projections/sourceDocuments.js';

/** One item of a document beside the ledger's entry for it (对账). */
export type ReconciliationItem = {
  problemId: string;
  /** 原编号; null for a problem that names the document without a number. */
  originalNumber: string | null;
  ledgerNumber: string;
  description: string;
  raisedOn: string;
  unitId: string | null;
  unitName: string | null;
  status: LedgerStatus;
  deadline: string | null;
  /** 销号时间 */
  closedOn: string | null;
  overdue: boolean;
};

/** 对账: a document's items as the ledger has them today, with the totals a superior asks for. */
export type Reconciliation = {
  document: SourceDocumentRow;
  /** The county day the states, overdue included, are as of (today: the ledger as known now). */
  asOf: string;
  items: ReconciliationItem[];
  totals: { items: number; byStatus: Record<LedgerStatus, number>; overdue: number; closed: number };
};

/** 原编号 in the document's order: 2 before 10, 一-3 before 一-12; items without one last. */
const byOriginalNumber = (a: ReconciliationItem, b: ReconciliationItem) =>
  a.originalNumber === null || b.originalNumber === null
    ? Number(a.originalNumber === null) - Number(b.originalNumber === null) || a.ledgerNumber.localeCompare(b.ledgerNumber)
    : a.originalNumber.localeCompare(b.originalNumber, 'zh', { numeric: true }) || a.ledgerNumber.localeCompare(b.ledgerNumber);

/**
 * Source documents (来源文件) and the reconciliation per document (对账): the office registers the
 * superior's document, raises its items with their 原编号 (Ledger.raiseProblem), and reconciles the
 * ledger against the document item by item, on screen or as the .xlsx the superior asks for.
 */
export class SourceDocuments {
  constructor(
    private readonly ledger: Ledger,
    private readonly runner: ProjectionRunner,
    private readonly clock: () => string,
  ) {}

  /** Registers a document by its 文号 (the same 文号 is the same document); answers once the list shows it. */
  async register(
    input: { issuingBody: string; title: string; documentNumber: string; issuedOn: string },
    context: CommandContext,
  ): Promise<{ document: SourceDocumentRow; replayed: boolean; events: import('../eventstore/port.js').RecordedEvent[] }> {
    const result = await this.ledger.registerSourceDocument(input, context);
    await this.runner.waitForEvents(result.events);
    if (result.state.status !== 'registered') throw new Error('The registered document has no state');
    return { document: this.get(result.state.documentId), replayed: result.replayed, events: result.events };
  }

  /** Every registered document, the latest first. */
  list(): SourceDocumentRow[] {
    return [...this.runner.state(sourceDocumentsView).documents.values()].sort(
      (a, b) => b.issuedOn.localeCompare(a.issuedOn) || a.documentNumber.localeCompare(b.documentNumber),
    );
  }

  get(documentId: string): SourceDocumentRow {
    const document = this.runner.state(sourceDocumentsView).documents.get(documentId);
    if (!document)
      throw new NotFoundError('SOURCE_DOCUMENT_NOT_FOUND', `There is no registered source document with id ${documentId}.`, {
        field: 'documentId',
      });
    return document;
  }

  /** The document's items beside their ledger entries, as of today (the ledger as recorded now). */
  reconciliation(documentId: string): Reconciliation {
    const document = this.get(documentId);
    const today = countyDay(this.clock());
    const { problems, units } = this.runner.state(ledgerView);
    const items: ReconciliationItem[] = [];
    for (const problemId of this.runner.state(sourceDocumentsView).items.get(documentId) ?? []) {
      const row = problems.get(problemId);
      if (!row) continue;
      const { state } = row;
      const unitId = isAssigned(state) ? state.responsibleUnitId : null;
      items.push({
        problemId,
        originalNumber: state.originalNumber,
        ledgerNumber: state.ledgerNumber,
        description: state.description,
        raisedOn: state.raisedOn,
        unitId,
        unitName: unitId === null ? null : (units.get(unitId)?.name ?? null),
        status: state.status,
        deadline: isAssigned(state) ? state.deadline : null,
        closedOn: state.status === 'closed' ? state.closedOn : null,
        overdue: isOverdue(state, today),
      });
    }
    items.sort(byOriginalNumber);
    const byStatus = Object.fromEntries(problemStatuses.map((s) => [s, 0])) as Record<LedgerStatus, number>;
    for (const item of items) byStatus[item.status] += 1;
    const totals = { items: items.length, byStatus, overdue: items.filter((i) => i.overdue).length, closed: byStatus.closed };
    return { document, asOf: today, items, totals };
  }

  /** The reconciliation as the superior's .xlsx: 序号, 原编号, 问题描述, 责任单位, 整改时限, 整改状态, 销号时间, 台账编号. */
  async reconciliationFile(documentId: string): Promise<RenderedFile> {
    const { document, asOf, items, totals } = this.reconciliation(documentId);
    const status = (item: ReconciliationItem) => `${problemStatusLabels[item.status].zh}${item.overdue ? '（逾期）' : ''}`;
    const caption = `${document.documentNumber}问题整改对账表`;
    const data = await renderXlsx(
      [
        {
          caption,
          sheetName: '对账表',
          columns: [
            { header: '序号', numeric: true, width: 6 },
            { header: '原编号', width: 10 },
            { header: '问题描述', width: 50 },
            { header: '责任单位', width: 18 },
            { header: '整改时限', width: 12 },
            { header: '整改状态', width: 14 },
            { header: '销号时间', width: 12 },
            { header: '台账编号', width: 14 },
          ],
          rows: items.map((item, i) => [
            i + 1,
            item.originalNumber,
            item.description,
            item.unitName,
            item.deadline,
            status(item),
            item.closedOn,
            item.ledgerNumber,
          ]),
          note: `截至${asOf}，共${totals.items}项：已销号${totals.closed}项，逾期${totals.overdue}项；${problemStatuses
            .filter((s) => totals.byStatus[s] > 0)
            .map((s) => `${problemStatusLabels[s].zh}${totals.byStatus[s]}项`)
            .join('，')}。`,
        },
      ],
      { creator: '台账 taizhang', title: `${document.title}（${document.documentNumber}）对账` },
    );
    return { name: `${document.documentNumber}对账表.xlsx`, contentType: XLSX_TYPE, data };
  }
}
