import type { z } from 'zod';
import {
  CalendarDay,
  ProblemAssigned,
  ProblemCategory,
  ProblemRaised,
  ProblemSource,
  categoryLabel,
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
  /** True when this file's row was imported before: it will add nothing. */
  alreadyImported: boolean;
  /** 举一反三: the existing problems of any unit its description resembles, best first (none for a row imported before). */
  similar: SimilarImportMatch[];
};

/** An existing problem that an import row resembles: the ranking's match with the problem as the ledger lists it. */
export type SimilarImportMatch = SimilarMatch & { problem: LedgerRow };

export type Units = LedgerViewState['units'];

const sourceAliases = aliasMap(ProblemSource.options, (s) => [sourceLabel[s], `${sourceLabel[s]}问题`, sourceCode[s]]);
const categoryAliases = aliasMap(ProblemCategory.options, (c) => [categoryLabel[c]]);

function aliasMap<T extends string>(values: readonly T[], aliases: (v: T) => string[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const value of values) for (const alias of [value, ...aliases(value)]) map.set(normalize(alias), value);
  return map;
}

/** The rows that pass every check; each failed check is pushed onto `issues`. */
export function checkRows(table: Table, units: Units, today: string, issues: ImportIssue[]): ImportRow[] {
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
    const category = categoryAliases.get(normalize(categoryText)) ?? null;
    if (!categoryText) fail('问题类别', 'REQUIRED', '问题类别 must not be empty.');
    else if (!category)
      fail(
        '问题类别',
        'UNKNOWN_CATEGORY',
        `“${categoryText}” is not a known category; use one of ${Object.values(categoryLabel).join(', ')}.`,
      );

    const description = parse('问题描述', ProblemRaised.data.shape.description);

    const unitName = text(get('责任单位')) || null;
    let unitId: string | null = null;
    if (unitName) {
      const matches = unitsByName.get(normalize(unitName)) ?? [];
      const active = matches.filter((u) => u.status === 'active');
      if (matches.length === 0) fail('责任单位', 'UNKNOWN_UNIT', `There is no unit named “${unitName}”.`);
      else if (active.length === 0)
        fail('责任单位', 'UNIT_MERGED', `Unit “${unitName}” was merged into another unit and takes no new work.`);
      else if (active.length > 1)
        fail('责任单位', 'AMBIGUOUS_UNIT', `${active.length} units are named “${unitName}”; assign this problem in the app instead.`);
      else unitId = active[0]!.unitId;
    }

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

    const deadlineCell = get('整改时限');
    let deadline: string | null = null;
    if (text(deadlineCell) !== '') {
      const day = calendarDay(deadlineCell);
      if (!day) fail('整改时限', 'BAD_DATE', `“${text(deadlineCell)}” is not a date; write it as YYYY-MM-DD.`);
      else if (!unitName) fail('整改时限', 'DEADLINE_WITHOUT_UNIT', 'A deadline needs a 责任单位: it is set on an assigned problem.');
      else if (day < raiseDay)
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
        alreadyImported: false,
        similar: [],
      });
  }
  return out;
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
