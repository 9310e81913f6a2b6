import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import {
  CalendarDay,
  ProblemAssigned,
  ProblemCategory,
  ProblemRaised,
  ProblemSource,
  ValidationError,
  categoryLabel,
  sourceCode,
  sourceLabel,
} from '../domain/index.js';
import type { CommandContext } from '../eventstore/commandHandler.js';
import type { LedgerViewState } from '../projections/ledgerView.js';
import type { Ledger } from './ledger.js';

/**
 * Importing a problem list (问题清单) from a county spreadsheet: read it, check every row, and
 * only when every row is right raise them all — with command ids that follow from the list's hash
 * and the row number, so importing the same list again finds its own problems and adds nothing.
 * The hash is of the cells read, not of the file's bytes: Excel rewrites a workbook's timestamps on
 * every save, and the same list saved again is still the same list.
 */

/** The columns, by their header in the sheet. The first three are required in every row. */
export const IMPORT_COLUMNS = ['问题来源', '问题类别', '问题描述', '责任单位', '责任人', '整改时限'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_HEADERS: ImportColumn[] = ['问题来源', '问题类别', '问题描述'];
/** Largest list accepted in one import; bigger lists go in several files. */
export const MAX_IMPORT_ROWS = 5000;

/** A row that passed every check, ready to become commands. */
export type ImportRow = {
  /** The row number as the spreadsheet shows it (the header row is counted). */
  row: number;
  source: ProblemSource;
  category: ProblemCategory;
  description: string;
  unitId: string | null;
  unitName: string | null;
  responsiblePerson: string | null;
  deadline: string | null;
  /** True when this file's row was imported before: it will add nothing. */
  alreadyImported: boolean;
};

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

export type ImportPreview = {
  fileName: string;
  /** SHA-256 of the list's content (every imported column of every row, with row numbers). */
  contentHash: string;
  rows: ImportRow[];
  issues: ImportIssue[];
};

type Units = LedgerViewState['units'];

const sourceAliases = aliasMap(ProblemSource.options, (s) => [sourceLabel[s], `${sourceLabel[s]}问题`, sourceCode[s]]);
const categoryAliases = aliasMap(ProblemCategory.options, (c) => [categoryLabel[c]]);

function aliasMap<T extends string>(values: readonly T[], aliases: (v: T) => string[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const value of values) for (const alias of [value, ...aliases(value)]) map.set(normalize(alias), value);
  return map;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/** Checks a problem list and says what importing it would do; appends nothing. */
export async function previewImport(
  bytes: Uint8Array,
  fileName: string,
  { ledger, units, today }: { ledger: Ledger; units: Units; today: string },
): Promise<ImportPreview> {
  const issues: ImportIssue[] = [];
  const table = await readTable(bytes, issues);
  const contentHash = createHash('sha256').update(table ? contentOf(table) : bytes).digest('hex');
  const rows = table ? checkRows(table, units, today, issues) : [];
  for (const row of rows) {
    const { state } = await ledger.loadProblem(ledger.problemIdFor(commandIdFor(contentHash, row.row, 'raise')));
    row.alreadyImported = state.status !== 'not_raised';
  }
  return { fileName, contentHash, rows, issues };
}

/**
 * Imports every row, or none: a list with any issue is refused whole, naming each issue. A row with a
 * unit is raised, assigned and given its deadline; a row without one is only raised.
 */
export async function commitImport(preview: ImportPreview, ledger: Ledger, context: Omit<CommandContext, 'commandId'>) {
  if (preview.issues.length > 0)
    throw new ValidationError(
      'IMPORT_REFUSED',
      `Nothing was imported: ${preview.issues.length} problem(s) in the file, e.g. ${describeIssue(preview.issues[0]!)}.`,
      { issues: preview.issues },
    );
  const problemIds: string[] = [];
  for (const row of preview.rows) {
    const at = (step: 'raise' | 'assign' | 'deadline'): CommandContext => ({ ...context, commandId: commandIdFor(preview.contentHash, row.row, step), correlationId: `import:${preview.contentHash}` });
    const raised = await ledger.raiseProblem(
      { source: row.source, category: row.category, description: row.description },
      at('raise'),
    );
    const problemId = ledger.problemIdFor(at('raise').commandId);
    if (raised.state.status === 'not_raised') throw new Error(`Import row ${row.row} did not raise ${problemId}`);
    if (row.unitId && row.responsiblePerson) {
      await ledger.problemCommand(
        { type: 'AssignProblem', data: { problemId, responsibleUnitId: row.unitId, responsiblePerson: row.responsiblePerson, leadingOfficial: null } },
        at('assign'),
      );
      if (row.deadline) await ledger.problemCommand({ type: 'SetDeadline', data: { problemId, deadline: row.deadline } }, at('deadline'));
    }
    problemIds.push(problemId);
  }
  return { problemIds, created: preview.rows.filter((r) => !r.alreadyImported).length, alreadyImported: preview.rows.filter((r) => r.alreadyImported).length };
}

/** The command id of one step of one row of one list: the same list imported twice gives the same ids. */
export function commandIdFor(contentHash: string, row: number, step: 'raise' | 'assign' | 'deadline'): string {
  return `import:${contentHash}:${row}:${step}`;
}

/** The list's content, canonically: each row's number and its imported columns as text. */
function contentOf(table: Table): string {
  const cellOf = (cells: Cell[], column: ImportColumn) => {
    const index = table.columns.get(column);
    return index === undefined ? '' : text(cells[index] ?? null);
  };
  return JSON.stringify(table.rows.map(({ row, cells }) => [row, ...IMPORT_COLUMNS.map((c) => cellOf(cells, c))]));
}

export function describeIssue(issue: ImportIssue): string {
  return issue.row === 0 ? issue.message : `row ${issue.row}, column ${issue.column}${issue.columnLetter ? ` (${issue.columnLetter})` : ''}: ${issue.message}`;
}

type Cell = string | Date | number | null;
type Table = { headerRow: number; columns: Map<ImportColumn, number>; rows: { row: number; cells: Cell[] }[] };

async function readTable(bytes: Uint8Array, issues: ImportIssue[]): Promise<Table | null> {
  const fileIssue = (code: string, message: string) => issues.push({ row: 0, column: '', columnLetter: '', code, message, value: null });
  const workbook = new ExcelJS.Workbook();
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const isOldExcel = bytes[0] === 0xd0 && bytes[1] === 0xcf;
  if (isOldExcel) {
    fileIssue('UNSUPPORTED_FORMAT', 'This is an old .xls workbook; save it as .xlsx or .csv and import that.');
    return null;
  }
  try {
    if (isZip) await workbook.xlsx.load(Buffer.from(bytes) as never); // exceljs declares an older Buffer type
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
    issues.push({ row: header.row, column, columnLetter: '', code: 'MISSING_COLUMN', message: `The header row has no ${column} column.`, value: null });
  if (missing.length > 0) return null;
  const rows = all.filter((r) => r.row > header.row && r.cells.some((c) => text(c) !== ''));
  if (rows.length === 0) fileIssue('NO_ROWS', 'The sheet has a header but no problems under it.');
  if (rows.length > MAX_IMPORT_ROWS) {
    fileIssue('TOO_MANY_ROWS', `The sheet has ${rows.length} rows; at most ${MAX_IMPORT_ROWS} are imported at once.`);
    return null;
  }
  return { headerRow: header.row, columns, rows };
}

function checkRows(table: Table, units: Units, today: string, issues: ImportIssue[]): ImportRow[] {
  const unitsByName = new Map<string, Units extends Map<string, infer U> ? U[] : never>();
  for (const unit of units.values()) unitsByName.set(normalize(unit.name), [...(unitsByName.get(normalize(unit.name)) ?? []), unit]);

  const out: ImportRow[] = [];
  for (const { row, cells } of table.rows) {
    const before = issues.length;
    const get = (column: ImportColumn): Cell => {
      const index = table.columns.get(column);
      return index === undefined ? null : (cells[index] ?? null);
    };
    const fail = (column: ImportColumn, code: string, message: string) => {
      const index = table.columns.get(column);
      const value = get(column);
      issues.push({ row, column, columnLetter: index === undefined ? '' : columnLetter(index), code, message, value: value === null ? null : text(value) });
    };
    const parse = <S extends z.ZodType>(column: ImportColumn, schema: S): z.infer<S> | null => {
      const result = schema.safeParse(text(get(column)));
      if (result.success) return result.data;
      fail(column, text(get(column)) === '' ? 'REQUIRED' : 'INVALID', `${column} ${result.error.issues[0]?.message ?? 'is invalid'}.`);
      return null;
    };

    const sourceText = text(get('问题来源'));
    const source = sourceAliases.get(normalize(sourceText)) ?? null;
    if (!sourceText) fail('问题来源', 'REQUIRED', '问题来源 must not be empty.');
    else if (!source) fail('问题来源', 'UNKNOWN_SOURCE', `“${sourceText}” is not a known source; use one of ${Object.values(sourceLabel).join(', ')}.`);

    const categoryText = text(get('问题类别'));
    const category = categoryAliases.get(normalize(categoryText)) ?? null;
    if (!categoryText) fail('问题类别', 'REQUIRED', '问题类别 must not be empty.');
    else if (!category) fail('问题类别', 'UNKNOWN_CATEGORY', `“${categoryText}” is not a known category; use one of ${Object.values(categoryLabel).join(', ')}.`);

    const description = parse('问题描述', ProblemRaised.data.shape.description);

    const unitName = text(get('责任单位')) || null;
    let unitId: string | null = null;
    if (unitName) {
      const matches = unitsByName.get(normalize(unitName)) ?? [];
      const active = matches.filter((u) => u.status === 'active');
      if (matches.length === 0) fail('责任单位', 'UNKNOWN_UNIT', `There is no unit named “${unitName}”.`);
      else if (active.length === 0) fail('责任单位', 'UNIT_MERGED', `Unit “${unitName}” was merged into another unit and takes no new work.`);
      else if (active.length > 1) fail('责任单位', 'AMBIGUOUS_UNIT', `${active.length} units are named “${unitName}”; assign this problem in the app instead.`);
      else unitId = active[0]!.unitId;
    }

    const personText = text(get('责任人'));
    let responsiblePerson: string | null = null;
    if (unitName && !personText) fail('责任人', 'REQUIRED', '责任人 is needed when a 责任单位 is given.');
    else if (!unitName && personText) fail('责任单位', 'REQUIRED', '责任单位 is needed when a 责任人 is given.');
    else if (personText) responsiblePerson = parse('责任人', ProblemAssigned.data.shape.responsiblePerson);

    const deadlineCell = get('整改时限');
    let deadline: string | null = null;
    if (text(deadlineCell) !== '') {
      const day = calendarDay(deadlineCell);
      if (!day) fail('整改时限', 'BAD_DATE', `“${text(deadlineCell)}” is not a date; write it as YYYY-MM-DD.`);
      else if (!unitName) fail('整改时限', 'DEADLINE_WITHOUT_UNIT', 'A deadline needs a 责任单位: it is set on an assigned problem.');
      else if (day < today) fail('整改时限', 'DEADLINE_BEFORE_RAISE', `The deadline ${day} is before today (${today}), the day the problem is raised.`);
      else deadline = day;
    }

    if (issues.length === before && source && category && description)
      out.push({ row, source, category, description, unitId, unitName, responsiblePerson, deadline, alreadyImported: false });
  }
  return out;
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

function text(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/**
 * A deadline cell as a county calendar day. Excel keeps dates without a zone and exceljs reads them
 * as UTC midnight, so the UTC date is the day the sheet shows. Text may be 2019-06-30, 2019/6/30,
 * 2019.6.30 or 2019年6月30日.
 */
function calendarDay(cell: Cell): string | null {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') {
    // A date cell without a date format: Excel's serial day number (1900 system).
    if (cell < 1 || cell > 100_000) return null;
    return new Date(Date.UTC(1899, 11, 30) + Math.round(cell) * 86_400_000).toISOString().slice(0, 10);
  }
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text(cell));
  if (!match) return null;
  const day = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  return CalendarDay.safeParse(day).success ? day : null;
}

function columnLetter(index: number): string {
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
