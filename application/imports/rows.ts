import type { z } from 'zod';
import {
  CalendarDay,
  MAX_CO_RESPONSIBLE_UNITS,
  type MigratedStatus,
  OriginalNumber,
  ProblemAssigned,
  ProblemCategory,
  ProblemRaised,
  ProblemSource,
  categoryLabel,
  ledgerStatusOf,
  ledgerStatusTerms,
  readDeadlineTerm,
  sourceCode,
  sourceLabel,
} from '../../domain/index.js';
import type { LedgerRow, LedgerViewState } from '../../projections/ledgerView.js';
import type { SimilarMatch } from '../../projections/similarProblems.js';
import { type Cell, type ImportColumn, type ImportIssue, type Table, columnLetter, normalize, text } from './spreadsheet.js';

/**
 * Checking a problem list's rows: every cell against the domain's rules and the county's units
 * as they are today. A row with any issue is left out; the issues name row, column and why.
 */

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
  /** 交办日期: the day the row's problem was handed down; null when the sheet leaves it out (then: the day of the import). */
  raisedOn: string | null;
  /** 来源文件 (by its 文号, registered) and 原编号: the item's identity. */
  sourceDocumentId: string | null;
  originalNumber: string | null;
  /** 迁移导入: the state the row's 整改状态 means; null for a list without that column. */
  status: MigratedStatus | null;
  /** 销号时间 of a closed row. */
  closedOn: string | null;
  /** The other units the row names (配合单位, and those after the first in 责任单位), as written. */
  otherUnits: string | null;
  /** 配合单位: those other units found by their names, assigned as co-responsible beside the lead unit (牵头单位, `unitId`). */
  coResponsibleUnitIds: string[];
  /** Their names as written, in the same order. */
  coResponsibleUnitNames: string[];
  /** A 整改时限 given in words (长期坚持, 6月底前, 3天), as written. */
  deadlineTerm: string | null;
  /** True when this file's row was imported before: it will add nothing. */
  alreadyImported: boolean;
  /** 举一反三: the existing problems of any unit its description resembles, best first (none for a row imported before). */
  similar: SimilarImportMatch[];
};

/** An existing problem that an import row resembles: the ranking's match with the problem as the ledger lists it. */
export type SimilarImportMatch = SimilarMatch & { problem: LedgerRow };

export type Units = LedgerViewState['units'];
/** A registered source document by its 文号, or null when none is registered under it. */
export type DocumentByNumber = (documentNumber: string) => { documentId: string; issuedOn: string } | null;

/**
 * The category of a row when the sheet has no 问题类别 column (a ledger keeps none): 督查巡查问题整改,
 * the seed's category for findings handed down by inspections. Stated, documented (docs/migration.md).
 */
export const CATEGORY_WITHOUT_COLUMN: ProblemCategory = 'supervision_findings';

/** Several units in one cell: 、，, ；; and white space between names. */
const UNIT_SEPARATORS = /[、，,；;\s]+/;

const sourceAliases = aliasMap(ProblemSource.options, (s) => [sourceLabel[s], `${sourceLabel[s]}问题`, sourceCode[s]]);
const categoryAliases = aliasMap(ProblemCategory.options, (c) => [categoryLabel[c]]);

function aliasMap<T extends string>(values: readonly T[], aliases: (v: T) => string[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const value of values) for (const alias of [value, ...aliases(value)]) map.set(normalize(alias), value);
  return map;
}

/** The rows that pass every check; each failed check is pushed onto `issues`. */
export function checkRows(table: Table, units: Units, documentFor: DocumentByNumber, today: string, issues: ImportIssue[]): ImportRow[] {
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
      issues.push({
        row,
        column,
        columnLetter: index === undefined ? '' : columnLetter(index),
        code,
        message,
        value: value === null ? null : text(value),
      });
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
    else if (!source)
      fail('问题来源', 'UNKNOWN_SOURCE', `“${sourceText}” is not a known source; use one of ${Object.values(sourceLabel).join(', ')}.`);

    const categoryText = text(get('问题类别'));
    const category = table.columns.has('问题类别') ? (categoryAliases.get(normalize(categoryText)) ?? null) : CATEGORY_WITHOUT_COLUMN;
    if (!table.columns.has('问题类别')) {
      // No 问题类别 column: every row takes CATEGORY_WITHOUT_COLUMN.
    } else if (!categoryText) fail('问题类别', 'REQUIRED', '问题类别 must not be empty.');
    else if (!category)
      fail(
        '问题类别',
        'UNKNOWN_CATEGORY',
        `“${categoryText}” is not a known category; use one of ${Object.values(categoryLabel).join(', ')}.`,
      );

    const description = parse('问题描述', ProblemRaised.data.shape.description);

    // A unit by its name as registered: the one active unit of that name, or the cell is named.
    const unitNamed = (name: string, column: ImportColumn): string | null => {
      const matches = unitsByName.get(normalize(name)) ?? [];
      const active = matches.filter((u) => u.status === 'active');
      if (matches.length === 0) fail(column, 'UNKNOWN_UNIT', `There is no unit named “${name}”.`);
      else if (active.length === 0) fail(column, 'UNIT_MERGED', `Unit “${name}” was merged into another unit and takes no new work.`);
      else if (active.length > 1)
        fail(column, 'AMBIGUOUS_UNIT', `${active.length} units are named “${name}”; assign this problem in the app instead.`);
      else return active[0]!.unitId;
      return null;
    };

    // 责任单位 may name several units: the first is the lead unit (牵头单位), the others are co-responsible (配合单位) with those of 配合单位.
    const [firstUnit = '', ...moreUnits] = text(get('责任单位'))
      .split(UNIT_SEPARATORS)
      .filter((u) => u !== '');
    const unitName = firstUnit || null;
    const coUnitNames = text(get('配合单位'))
      .split(UNIT_SEPARATORS)
      .filter((u) => u !== '');
    const others = [...moreUnits, ...coUnitNames];
    const otherUnits = others.length > 0 ? others.join('、') : null;
    if (otherUnits !== null && otherUnits.length > 500)
      fail('配合单位', 'TOO_LONG', 'The other units named (配合单位, and those after the first 责任单位) must be at most 500 characters.');
    const unitId = unitName ? unitNamed(unitName, '责任单位') : null;
    const coResponsibleUnits: { unitId: string; name: string }[] = [];
    if (others.length > 0 && !unitName)
      fail('责任单位', 'REQUIRED', '责任单位 is needed when 配合单位 are given: they help its lead unit.');
    else
      for (const [index, name] of others.entries()) {
        const column: ImportColumn = index < moreUnits.length ? '责任单位' : '配合单位';
        const id = unitNamed(name, column);
        if (id === null || coResponsibleUnits.some((u) => u.unitId === id)) continue; // the same unit twice is one 配合单位
        if (id === unitId)
          fail(column, 'CO_RESPONSIBLE_IS_LEAD', `“${name}” is the lead unit (牵头单位); it cannot also be one of its 配合单位.`);
        else coResponsibleUnits.push({ unitId: id, name });
      }
    if (coResponsibleUnits.length > MAX_CO_RESPONSIBLE_UNITS)
      fail(
        '配合单位',
        'TOO_MANY_UNITS',
        `At most ${MAX_CO_RESPONSIBLE_UNITS} 配合单位 can help a lead unit; the row names ${coResponsibleUnits.length}.`,
      );

    const personText = text(get('责任人'));
    let responsiblePerson: string | null = null;
    if (unitName && !personText) fail('责任人', 'REQUIRED', '责任人 is needed when a 责任单位 is given.');
    else if (!unitName && personText) fail('责任单位', 'REQUIRED', '责任单位 is needed when a 责任人 is given.');
    else if (personText) responsiblePerson = parse('责任人', ProblemAssigned.data.shape.responsiblePerson);

    // 交办日期: in the past is allowed (an earlier list), in the future is not; without one the problem is raised today.
    const raisedCell = get('交办日期');
    let raisedOn: string | null = null;
    if (text(raisedCell) !== '') {
      const day = calendarDay(raisedCell);
      if (!day) fail('交办日期', 'BAD_DATE', `“${text(raisedCell)}” is not a date; write it as YYYY-MM-DD.`);
      else if (day > today) fail('交办日期', 'RAISED_ON_IN_FUTURE', `The raise day ${day} is after today (${today}).`);
      else raisedOn = day;
    }
    const raiseDay = raisedOn ?? today;
    // A 交办日期 that is wrong is named once: what is measured from it (deadline, 销号时间) is not judged against a guess.
    const raiseDayKnown = raisedOn !== null || text(raisedCell) === '';

    // 文号 and 原编号: the document must be registered (its date bounds the 交办日期); the pair names the item.
    const documentNumber = text(get('文号'));
    const document = documentNumber ? documentFor(documentNumber) : null;
    if (documentNumber && !document)
      fail('文号', 'UNKNOWN_DOCUMENT', `No source document is registered under 文号 “${documentNumber}”; register it first (来源文件).`);
    else if (document && raisedOn !== null && raisedOn < document.issuedOn)
      fail(
        '交办日期',
        'RAISED_BEFORE_DOCUMENT',
        `The raise day (交办日期) ${raisedOn} is before its document's date (${document.issuedOn}).`,
      );
    const numberText = text(get('原编号')).normalize('NFKC');
    let originalNumber: string | null = null;
    if (numberText && !documentNumber)
      fail(
        '原编号',
        'ORIGINAL_NUMBER_WITHOUT_DOCUMENT',
        'An original number (原编号) is a number in a source document: give its 文号 too.',
      );
    else if (numberText) originalNumber = parse('原编号', OriginalNumber);

    // 整改状态, through the one table (ledgerStatusTerms); 销号时间 only, and always, on a closed row.
    let status: MigratedStatus | null = null;
    if (table.columns.has('整改状态')) {
      const statusText = text(get('整改状态'));
      status = ledgerStatusOf(statusText);
      if (!statusText) fail('整改状态', 'REQUIRED', '整改状态 must not be empty.');
      else if (!status)
        fail(
          '整改状态',
          'UNKNOWN_STATUS',
          `“${statusText}” is not in the table of states; use one of ${ledgerStatusTerms.map((t) => t.term).join('、')}.`,
        );
      else if (status !== 'open' && !unitName)
        fail('责任单位', 'REQUIRED', `责任单位 is needed for a row that is ${statusText}: someone is rectifying it.`);
    }
    const closedCell = get('销号时间');
    let closedOn: string | null = null;
    if (text(closedCell) !== '') {
      const day = calendarDay(closedCell);
      if (!day) fail('销号时间', 'BAD_DATE', `“${text(closedCell)}” is not a date; write it as YYYY-MM-DD.`);
      else if (status !== 'closed') fail('销号时间', 'CLOSED_ON_OF_OPEN_ROW', `A row that is not closed has no 销号时间 (${day}).`);
      else if (day > today) fail('销号时间', 'CLOSED_ON_IN_FUTURE', `The 销号时间 ${day} is after today (${today}).`);
      else if (raiseDayKnown && day < raiseDay)
        fail('销号时间', 'CLOSED_BEFORE_RAISE', `The 销号时间 ${day} is before the raise day (交办日期) ${raiseDay}.`);
      else closedOn = day;
    } else if (status === 'closed') fail('销号时间', 'REQUIRED', 'A closed (销号) row needs its 销号时间.');

    const deadlineCell = get('整改时限');
    let deadline: string | null = null;
    let deadlineTerm: string | null = null;
    if (text(deadlineCell) !== '') {
      // A deadline in words (长期坚持, 6月底前, 3天) is read by its stated rule (readDeadlineTerm), never guessed.
      const term = calendarDay(deadlineCell) ? null : readDeadlineTerm(text(deadlineCell), raisedOn);
      if (term) deadlineTerm = text(deadlineCell);
      const day = term && (term.kind === 'month_end' || term.kind === 'days') ? term.day : calendarDay(deadlineCell);
      if (term?.kind === 'standing') {
        // 长期坚持: standing work, brought in without a deadline; the row keeps the words.
      } else if (term?.kind === 'needs_raise_day')
        fail('整改时限', 'DEADLINE_NEEDS_RAISE_DAY', `“${term.term}” counts from the 交办日期: give the row its 交办日期.`);
      else if (!day)
        fail(
          '整改时限',
          'BAD_DATE',
          `“${text(deadlineCell)}” is not a date nor a deadline in words (长期坚持, 6月底前, 3天); write it as YYYY-MM-DD.`,
        );
      else if (!unitName) fail('整改时限', 'DEADLINE_WITHOUT_UNIT', 'A deadline needs a 责任单位: it is set on an assigned problem.');
      else if (raiseDayKnown && day < raiseDay)
        fail(
          '整改时限',
          'DEADLINE_BEFORE_RAISE',
          raisedOn === null
            ? `The deadline ${day} is before today (${today}), the day the problem is raised (give its 交办日期 if it was raised earlier).`
            : `The deadline ${day} is before the raise day (交办日期) ${raisedOn}.`,
        );
      else deadline = day;
    }

    if (issues.length === before && source && category && description)
      out.push({
        row,
        source,
        category,
        description,
        unitId,
        unitName,
        responsiblePerson,
        deadline,
        raisedOn,
        sourceDocumentId: document?.documentId ?? null,
        originalNumber,
        status,
        closedOn,
        otherUnits,
        coResponsibleUnitIds: coResponsibleUnits.map((u) => u.unitId),
        coResponsibleUnitNames: coResponsibleUnits.map((u) => u.name),
        deadlineTerm,
        alreadyImported: false,
        similar: [],
      });
  }
  return out;
}

/**
 * A date cell as a county calendar day. Excel keeps dates without a zone and exceljs reads them as
 * UTC midnight, so the UTC date is the day the sheet shows. Text may be 2019-06-30, 2019/6/30,
 * 2019.6.30 or 2019年6月30日, in full-width digits too; a number is an Excel serial day (or text of one).
 */
function calendarDay(cell: Cell): string | null {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  const serial =
    typeof cell === 'number' ? cell : /^\d{5}$/.test(text(cell).normalize('NFKC')) ? Number(text(cell).normalize('NFKC')) : null;
  if (serial !== null) {
    // A date cell without a date format: Excel's serial day number (1900 system).
    if (serial < 1 || serial > 100_000) return null;
    return new Date(Date.UTC(1899, 11, 30) + Math.round(serial) * 86_400_000).toISOString().slice(0, 10);
  }
  // Full-width digits and dots (２０１９．６．３０) are folded first.
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text(cell).normalize('NFKC'));
  if (!match) return null;
  const day = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  return CalendarDay.safeParse(day).success ? day : null;
}
