import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { MAX_IMPORT_ROWS } from '../../domain/index.js';
import { excel } from '../documents/xlsx.js';

/**
 * Reading a problem list (问题清单) from a county spreadsheet, .xlsx or .csv: find the header row
 * and the columns, and give every row's cells as plain values. Whether a row makes sense is
 * rows.ts's business; what is wrong with the file as a whole is an issue on row 0.
 */

/**
 * The columns, by their header in the sheet. 问题来源 and 问题描述 are required. A list's content (its
 * hash) is of the first seven, found by their exact headers, as lists were first imported: 交办日期
 * only when the sheet has it, the columns after it never (a 序号 or 配合单位 column that a list
 * imported before had, unread, must not make it another list). An item of a document is known by
 * 文号 + 原编号 instead, whatever the list's hash.
 */
export const IMPORT_COLUMNS = [
  '问题来源',
  '问题类别',
  '问题描述',
  '责任单位',
  '责任人',
  '整改时限',
  '交办日期',
  '序号',
  '文号',
  '原编号',
  '配合单位',
  '整改状态',
  '销号时间',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const HASHED_COLUMNS: readonly ImportColumn[] = IMPORT_COLUMNS.slice(0, IMPORT_COLUMNS.indexOf('交办日期') + 1);
const REQUIRED_HEADERS: ImportColumn[] = ['问题来源', '问题描述'];
/** Other headers offices write for the same columns. */
const HEADER_ALIASES: Record<string, ImportColumn> = {
  牵头单位: '责任单位',
  牵头责任单位: '责任单位',
  整改期限: '整改时限',
  完成时限: '整改时限',
  发文字号: '文号',
  来源文号: '文号',
  问题编号: '原编号',
  配合责任单位: '配合单位',
  协办单位: '配合单位',
  完成情况: '整改状态',
  办理状态: '整改状态',
  销号日期: '销号时间',
  办结时间: '销号时间',
};

/** The column a header cell names, if any. */
function columnNamed(cell: Cell): ImportColumn | null {
  if (typeof cell !== 'string') return null;
  const name = normalize(cell);
  return IMPORT_COLUMNS.find((c) => normalize(c) === name) ?? HEADER_ALIASES[name] ?? null;
}

/** 一、二、… : the heading of a group of rows (one source document's items), not an item. */
const GROUP_HEADING = /^[一二三四五六七八九十]+[、.．]/;
/** A note above or under the table (合计, 备注, 填报人 …), not an item. */
const NOTE = /^(合计|总计|小计|备注|注[:：]|说明|填报|制表|审核|联系人|联系电话|负责人)/;

/** A row left out of a list, and why: a group heading (一、…) or a note (合计, 备注, 填报人 …). */
export type SkippedRow = { row: number; reason: 'group_heading' | 'note'; text: string };
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
export type Table = {
  headerRow: number;
  columns: Map<ImportColumn, number>;
  rows: { row: number; cells: Cell[] }[];
  /** Rows under the header that are no items: group headings and notes. */
  skipped: SkippedRow[];
  /** The hashed columns found under their exact header, as lists were first read (`contentOf`). */
  hashColumns: Map<ImportColumn, number>;
};

/** Reads the first sheet of a workbook or a CSV file; null (with the issues said) when it cannot be imported at all. */
export async function readTable(bytes: Uint8Array, issues: ImportIssue[]): Promise<Table | null> {
  const fileIssue = (code: string, message: string) => issues.push({ row: 0, column: '', columnLetter: '', code, message, value: null });
  const workbook = new (await excel()).Workbook();
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
  const headerAt = all.slice(0, 10).findIndex((r) => r.cells.some((c) => columnNamed(c) === '问题描述'));
  if (headerAt < 0) {
    fileIssue('MISSING_HEADER', `No header row found: the first sheet needs the columns ${IMPORT_COLUMNS.join(', ')}.`);
    return null;
  }
  const header = all[headerAt]!;
  // A header merged over two rows (整改情况 over 整改状态 and 销号时间): the row under it names columns too, and the lower name wins.
  const lower = all[headerAt + 1]?.cells.some((c) => columnNamed(c) !== null) ? all[headerAt + 1]! : null;
  const columns = new Map<ImportColumn, number>();
  const hashColumns = new Map<ImportColumn, number>();
  const width = Math.max(header.cells.length, lower?.cells.length ?? 0);
  for (let index = 0; index < width; index++) {
    const cell = columnNamed(lower?.cells[index] ?? null) ? lower!.cells[index]! : (header.cells[index] ?? null);
    const name = columnNamed(cell);
    if (name && !columns.has(name)) columns.set(name, index);
    const exact = HASHED_COLUMNS.find((c) => typeof cell === 'string' && normalize(cell) === normalize(c));
    if (exact && !hashColumns.has(exact)) hashColumns.set(exact, index);
  }
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
  const headerRow = lower?.row ?? header.row;
  const rows: Table['rows'] = [];
  const skipped: SkippedRow[] = [];
  for (const r of all.filter((r) => r.row > headerRow && r.cells.some((c) => text(c) !== ''))) {
    const first = text(r.cells.find((c) => text(c) !== '') ?? null).normalize('NFKC');
    if (GROUP_HEADING.test(first)) skipped.push({ row: r.row, reason: 'group_heading', text: first });
    else if (NOTE.test(first)) skipped.push({ row: r.row, reason: 'note', text: first });
    else rows.push(r);
  }
  if (rows.length === 0) fileIssue('NO_ROWS', 'The sheet has a header but no problems under it.');
  if (rows.length > MAX_IMPORT_ROWS) {
    fileIssue('TOO_MANY_ROWS', `The sheet has ${rows.length} rows; at most ${MAX_IMPORT_ROWS} are imported at once.`);
    return null;
  }
  return { headerRow, columns, rows, skipped, hashColumns };
}

/** The list's content, canonically: each row's number and its hashed columns as text (see IMPORT_COLUMNS). */
export function contentOf(table: Table): string {
  const cellOf = (cells: Cell[], column: ImportColumn) => {
    const index = table.hashColumns.get(column);
    return index === undefined ? '' : text(cells[index] ?? null);
  };
  const hashed = HASHED_COLUMNS.filter((c) => c !== '交办日期' || table.hashColumns.has(c));
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

/** Text compared loosely: full-width forms folded (NFKC), without white space, in lower case. */
export function normalize(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
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
