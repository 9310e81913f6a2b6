import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { MAX_IMPORT_ROWS } from '../../domain/index.js';

/**
 * Reading a problem list (问题清单) from a county spreadsheet, .xlsx or .csv: find the header row
 * and the columns, and give every row's cells as plain values. Whether a row makes sense is
 * rows.ts's business; what is wrong with the file as a whole is an issue on row 0.
 */

/** The columns, by their header in the sheet. The first three are required in every row. */
export const IMPORT_COLUMNS = ['问题来源', '问题类别', '问题描述', '责任单位', '责任人', '整改时限', '交办日期'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
/**
 * Columns added after lists were first imported: they count in a list's content (its hash) only when
 * the sheet has them, so a list imported before hashes as it did then and is still recognised.
 */
const LATER_COLUMNS: readonly ImportColumn[] = ['交办日期'];
const REQUIRED_HEADERS: ImportColumn[] = ['问题来源', '问题类别', '问题描述'];
/** Largest list accepted in one import (the domain's bound on an accepted import); bigger lists go in several files. */
export { MAX_IMPORT_ROWS };

/** One thing wrong with one cell (or the whole file, row 0), named by row and column and why. */
export type ImportIssue = {
  row: number;
  /** The column's header (问题来源 …), or '' for the file as a whole. */
  column: string;
  /** The spreadsheet's column letter (A, B, …), or '' when the column is missing. */
  columnLetter: string;
  code: string;
  message: string;
  value: string | null;
};

export type Cell = string | Date | number | null;
/** The first sheet as read: where the header is, which column holds what, and the non-empty rows under it. */
export type Table = { headerRow: number; columns: Map<ImportColumn, number>; rows: { row: number; cells: Cell[] }[] };

/** Reads the first sheet of a workbook or a CSV file; null (with the issues said) when it cannot be imported at all. */
export async function readTable(bytes: Uint8Array, issues: ImportIssue[]): Promise<Table | null> {
  const fileIssue = (code: string, message: string) => issues.push({ row: 0, column: '', columnLetter: '', code, message, value: null });
  const workbook = new ExcelJS.Workbook();
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const isOldExcel = bytes[0] === 0xd0 && bytes[1] === 0xcf;
  if (isOldExcel) {
    fileIssue('UNSUPPORTED_FORMAT', 'This is an old .xls workbook; save it as .xlsx or .csv and import that.');
    return null;
  }
  try {
    if (isZip)
      await workbook.xlsx.load(Buffer.from(bytes) as never); // exceljs declares an older Buffer type
    else await workbook.csv.read(Readable.from([decodeText(bytes)]), { map: (value: unknown) => value } as never);
  } catch {
    fileIssue('UNREADABLE_FILE', 'The file is neither a readable .xlsx workbook nor a CSV text file.');
    return null;
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) {
    fileIssue('EMPTY_FILE', 'The workbook has no sheet.');
    return null;
  }
  const all: { row: number; cells: Cell[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellValue(cell.value);
    });
    all.push({ row: rowNumber, cells });
  });
  // A county sheet often has a title line or two above the header: the header is the first row naming 问题描述.
  const header = all.slice(0, 10).find((r) => r.cells.some((c) => typeof c === 'string' && normalize(c) === '问题描述'));
  if (!header) {
    fileIssue('MISSING_HEADER', `No header row found: the first sheet needs the columns ${IMPORT_COLUMNS.join(', ')}.`);
    return null;
  }
  const columns = new Map<ImportColumn, number>();
  header.cells.forEach((c, index) => {
    const name = IMPORT_COLUMNS.find((col) => typeof c === 'string' && normalize(c) === normalize(col));
    if (name && !columns.has(name)) columns.set(name, index);
  });
  const missing = REQUIRED_HEADERS.filter((h) => !columns.has(h));
  for (const column of missing)
    issues.push({
      row: header.row,
      column,
      columnLetter: '',
      code: 'MISSING_COLUMN',
      message: `The header row has no ${column} column.`,
      value: null,
    });
  if (missing.length > 0) return null;
  const rows = all.filter((r) => r.row > header.row && r.cells.some((c) => text(c) !== ''));
  if (rows.length === 0) fileIssue('NO_ROWS', 'The sheet has a header but no problems under it.');
  if (rows.length > MAX_IMPORT_ROWS) {
    fileIssue('TOO_MANY_ROWS', `The sheet has ${rows.length} rows; at most ${MAX_IMPORT_ROWS} are imported at once.`);
    return null;
  }
  return { headerRow: header.row, columns, rows };
}

/** The list's content, canonically: each row's number and its imported columns as text. */
export function contentOf(table: Table): string {
  const cellOf = (cells: Cell[], column: ImportColumn) => {
    const index = table.columns.get(column);
    return index === undefined ? '' : text(cells[index] ?? null);
  };
  const hashed = IMPORT_COLUMNS.filter((c) => !LATER_COLUMNS.includes(c) || table.columns.has(c));
  return JSON.stringify(table.rows.map(({ row, cells }) => [row, ...hashed.map((c) => cellOf(cells, c))]));
}

/** A cell's value, plain: rich text and formulas become what they show, dates stay dates. */
function cellValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellValue((value.result ?? null) as ExcelJS.CellValue);
    if ('error' in value) return null;
  }
  return null;
}

/** A cell as the text it shows (a date as YYYY-MM-DD), trimmed. */
export function text(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/** Text compared loosely: without white space, in lower case. */
export function normalize(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/** The spreadsheet's letter of a column (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** CSV from Excel on a Chinese Windows is often GB18030, not UTF-8: take UTF-8 when it is valid. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
