import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Text, message } from '../shared/messages.js';
import { ProblemAssigned, ProblemRaised } from '../problem/events.js';

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
