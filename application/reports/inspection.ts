import { ValidationError, addDays, countyDay, startOfCountyDay } from '../../domain/index.js';
import { isOverdueFacts, isRecheckOverdueFacts } from '../../projections/battleMap.js';
import type { FactsState, ProblemFacts } from '../../projections/problemFacts.js';

/** A quarter (季度) as the report names it: `2019-Q3`. */
const QUARTER = /^(\d{4})-Q([1-4])$/;

export type Quarter = {
  /** `YYYY-Qn`. */
  id: string;
  year: number;
  quarter: 1 | 2 | 3 | 4;
  firstDay: string;
  lastDay: string;
};

/** Parses `YYYY-Qn`; a malformed quarter is a BAD_QUARTER error. */
export function parseQuarter(text: string): Quarter {
  const match = QUARTER.exec(text.trim());
  const year = match ? Number(match[1]) : Number.NaN;
  if (!match || year < 1990 || year > 2999)
    throw new ValidationError('BAD_QUARTER', `"${text}" is not a quarter: write the year and the quarter, e.g. 2019-Q3.`, {
      field: 'quarter',
    });
  const quarter = Number(match[2]) as Quarter['quarter'];
  const firstMonth = (quarter - 1) * 3 + 1;
  const firstDay = `${year}-${String(firstMonth).padStart(2, '0')}-01`;
  const next = quarter === 4 ? `${year + 1}-01-01` : `${year}-${String(firstMonth + 3).padStart(2, '0')}-01`;
  return { id: `${year}-Q${quarter}`, year, quarter, firstDay, lastDay: addDays(next, -1) };
}

/** A figure of the report: how many items, and which, by ledger number (台账编号) and id. */
export type Figure = { count: number; ledgerNumbers: string[]; problemIds: string[] };

/** The figures of one responsible unit (责任单位), or of the county (合计). */
export type InspectionRow = {
  /** The responsible unit as the quarter ended; null for the county's total and for items not yet assigned. */
  unitId: string | null;
  unitName: string;
  /** 检查事项: see `INSPECTION_RULE`. */
  inspected: Figure;
  /** 新增: raised in the quarter. */
  raised: Figure;
  /** 销号: closed in the quarter (and not reopened by its end). */
  closed: Figure;
  /** 逾期: overdue as the quarter ended (past the deadline, not reported fixed). */
  overdue: Figure;
  /** 重新打开: reopened in the quarter (a 回头看 or a check found the problem back). */
  reopened: Figure;
  /** 回头看到期: its 回头看 fell due in the quarter. */
  rechecksDue: Figure;
  /** 回头看巩固: the 回头看 confirmed the fix holding (巩固) in the quarter. */
  rechecksConfirmed: Figure;
  /** 回头看逾期: its 回头看 was due and not done as the quarter ended. */
  rechecksOverdue: Figure;
};

export const FIGURES = [
  'inspected',
  'raised',
  'closed',
  'overdue',
  'reopened',
  'rechecksDue',
  'rechecksConfirmed',
  'rechecksOverdue',
] as const satisfies readonly (keyof InspectionRow)[];
export type FigureName = (typeof FIGURES)[number];

/** The Chinese column heads of the figures, in the report's order. */
export const figureLabel: Record<FigureName, string> = {
  inspected: '检查事项',
  raised: '新增',
  closed: '销号',
  overdue: '逾期',
  reopened: '重新打开',
  rechecksDue: '回头看到期',
  rechecksConfirmed: '回头看巩固',
  rechecksOverdue: '回头看逾期',
};

/** Which items a quarter's inspection covers, in the words the report prints. */
export const INSPECTION_RULE =
  '检查事项为本季度内任一天处于整改中（已提出、未销号）的事项，以及本季度内回头看到期、完成回头看或回头看逾期的已销号事项；按季度末的责任单位统计，数据截至季度末。';

export type InspectionReport = {
  quarter: Quarter;
  /** The instant the figures are as of: the quarter's last moment, or now while it runs. */
  asOf: string;
  /** The county day the figures are as of. */
  day: string;
  /** False while the quarter runs: the figures are as of now. */
  complete: boolean;
  rule: string;
  /** One row per responsible unit with an item inspected, in the order units were registered; unassigned items last. */
  rows: InspectionRow[];
  totals: InspectionRow;
};

const within = (day: string | null, q: Quarter) => day !== null && day >= q.firstDay && day <= q.lastDay;

/** Which figures an item counts in, as of the county day `day` that ends (or runs) the quarter. */
function figuresOf(f: ProblemFacts, q: Quarter, day: string): Set<FigureName> {
  const out = new Set<FigureName>();
  const openInQuarter = f.raisedOn <= q.lastDay && (f.closedOn === null || f.closedOn >= q.firstDay);
  if (within(f.raisedOn, q)) out.add('raised');
  if (within(f.closedOn, q)) out.add('closed');
  if (isOverdueFacts(f, day)) out.add('overdue');
  if ((f.reopens ?? []).some((r) => within(r.day, q))) out.add('reopened');
  if (within(f.recheckDueOn, q)) out.add('rechecksDue');
  if (f.consolidation === 'confirmed' && within(f.consolidatedOn, q)) out.add('rechecksConfirmed');
  if (isRecheckOverdueFacts(f, day)) out.add('rechecksOverdue');
  if (openInQuarter || out.has('rechecksDue') || out.has('rechecksConfirmed') || out.has('rechecksOverdue')) out.add('inspected');
  return out;
}

function emptyRow(unitId: string | null, unitName: string): InspectionRow {
  const figure = (): Figure => ({ count: 0, ledgerNumbers: [], problemIds: [] });
  const row = { unitId, unitName } as InspectionRow;
  for (const name of FIGURES) row[name] = figure();
  return row;
}

/**
 * The quarterly inspection report (季督查) from the facts as the quarter ended (or as they stand, for
 * the running quarter): per responsible unit, the items inspected, the 回头看 outcomes, overdue and
 * reopened items, each figure with its ledger numbers.
 */
export function inspectionReport(facts: FactsState, quarter: Quarter, asOf: string, complete: boolean): InspectionReport {
  const day = countyDay(asOf);
  const byUnit = new Map<string | null, InspectionRow>();
  const totals = emptyRow(null, '合计');
  const problems = [...facts.problems.values()].sort((a, b) => a.ledgerNumber.localeCompare(b.ledgerNumber));
  for (const f of problems) {
    const figures = figuresOf(f, quarter, day);
    if (!figures.has('inspected')) continue;
    let row = byUnit.get(f.unitId);
    if (!row) byUnit.set(f.unitId, (row = emptyRow(f.unitId, f.unitId ? (facts.units.get(f.unitId)?.name ?? f.unitId) : '未交办')));
    for (const name of figures)
      for (const target of [row[name], totals[name]]) {
        target.count++;
        target.ledgerNumbers.push(f.ledgerNumber);
        target.problemIds.push(f.problemId);
      }
  }
  const order = [...facts.units.keys()];
  const rows = [...byUnit.values()].sort((a, b) => rank(order, a.unitId) - rank(order, b.unitId));
  return { quarter, asOf, day, complete, rule: INSPECTION_RULE, rows, totals };
}

const rank = (order: string[], unitId: string | null) => (unitId === null ? order.length : order.indexOf(unitId));

/** The quarter's last instant (23:59:59.999, county time): the figures of a finished quarter are as of it. */
export function quarterEnd(q: Quarter): string {
  return new Date(Date.parse(startOfCountyDay(addDays(q.lastDay, 1))) - 1).toISOString();
}
