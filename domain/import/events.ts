import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Text, message } from '../shared/messages.js';
import { CoResponsibleUnitIds, ProblemAssigned, ProblemRaised } from '../problem/events.js';
import { MigratedStatus } from '../problem/decide.js';
import { Id } from '../shared/messages.js';
import { OriginalNumber } from '../sourceDocument/events.js';

/**
 * Importing a problem list (问题清单导入): all rows or none, across a crash too. The checked list is
 * accepted first, in one event on its own stream; its rows then become problems with command ids
 * that follow from the list and the row, and the import is completed. An import accepted but not
 * completed (the server stopped in between) is finished by the server: nothing of a list is ever
 * left half imported.
 */
export const importStreamId = (contentHash: string) => `import-${contentHash}`;

/** At most this many rows are imported at once. */
export const MAX_IMPORT_ROWS = 5000;

/** SHA-256 (hex) of the list's cells: the same list imported twice is the same import. */
export const ContentHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');

/** One checked row, ready to become commands: raised, and when it names a unit, assigned and given its deadline. */
export const ImportedRow = z.object({
  /** The row number as the spreadsheet shows it (the header row is counted). */
  row: z.number().int().positive(),
  source: ProblemRaised.data.shape.source,
  category: ProblemRaised.data.shape.category,
  description: ProblemRaised.data.shape.description,
  unitId: ProblemAssigned.data.shape.responsibleUnitId.nullable(),
  responsiblePerson: ProblemAssigned.data.shape.responsiblePerson.nullable(),
  deadline: CalendarDay.nullable(),
  /** 交办日期 from the sheet; null (and absent in lists accepted before) means the day the list was accepted. */
  raisedOn: CalendarDay.nullable().default(null),
  /** 来源文件 (by its 文号) and 原编号: the pair identifies the item, so it is imported once whatever the list's shape. */
  sourceDocumentId: Id.nullable().default(null),
  originalNumber: OriginalNumber.nullable().default(null),
  /**
   * 迁移导入: the state the ledger row names (整改状态, through `ledgerStatusTerms`); null for a list
   * without that column, whose rows are raised, assigned and given their deadline as recorded now.
   */
  status: MigratedStatus.nullable().default(null),
  /** 销号时间 of a closed row. */
  closedOn: CalendarDay.nullable().default(null),
  /** The other units the row names (配合单位, and the units after the first in 责任单位), as written. */
  otherUnits: z.string().max(500).nullable().default(null),
  /**
   * Those units found by their names: assigned as co-responsible (配合单位) beside the lead unit.
   * Empty (and absent) in lists accepted before they were, whose other units were kept only as text.
   */
  coResponsibleUnitIds: CoResponsibleUnitIds,
  /** A 整改时限 given in words (长期坚持, 6月底前, 3天), as written, with the rule that read it. */
  deadlineTerm: z.string().max(100).nullable().default(null),
});
export type ImportedRow = z.infer<typeof ImportedRow>;

/** 导入受理: the list passed every check; its rows will all be imported. */
export const ProblemsImportAccepted = message(
  'ProblemsImportAccepted',
  1,
  z.object({
    contentHash: ContentHash,
    fileName: Text(255),
    rows: z.array(ImportedRow).min(1, 'must have at least one row').max(MAX_IMPORT_ROWS, `must have at most ${MAX_IMPORT_ROWS} rows`),
  }),
);
export type ProblemsImportAccepted = z.infer<typeof ProblemsImportAccepted.schema>;

/** 导入完成: every row of the accepted list is in the ledger. */
export const ProblemsImportCompleted = message(
  'ProblemsImportCompleted',
  1,
  z.object({ contentHash: ContentHash, rowCount: z.number().int().positive() }),
);
export type ProblemsImportCompleted = z.infer<typeof ProblemsImportCompleted.schema>;

export const importEventDefinitions = [ProblemsImportAccepted, ProblemsImportCompleted] as const;
export const ImportEvent = z.discriminatedUnion('type', [ProblemsImportAccepted.schema, ProblemsImportCompleted.schema]);
export type ImportEvent = z.infer<typeof ImportEvent>;

export type ImportState =
  | { status: 'none' }
  | { status: 'accepted' | 'completed'; contentHash: string; fileName: string; rows: ImportedRow[] };
export const initialImportState: ImportState = { status: 'none' };

export function evolveImport(state: ImportState, event: ImportEvent): ImportState {
  switch (event.type) {
    case 'ProblemsImportAccepted':
      return { status: 'accepted', ...event.data };
    case 'ProblemsImportCompleted':
      return state.status === 'none' ? state : { ...state, status: 'completed' };
    default:
      return assertNever(event);
  }
}
