import { type CalendarDay, addDays } from '../shared/calendar.js';
import type { MigratedStatus } from '../problem/decide.js';

/**
 * How offices write a ledger (台账) and what an import (迁移导入) takes it to mean: the one table
 * of 整改状态 terms, and the rules for 整改时限 written as words. Shown to the office in the API's
 * vocabulary (`importStatusTerms`, `importDeadlineRules`) and in docs/migration.md; a term not in
 * the table is refused by name, never guessed.
 */

/** 整改状态 as offices write it → the state the item is brought in with. Compared without spaces, full-width folded. */
export const ledgerStatusTerms: readonly { term: string; status: MigratedStatus }[] = [
  { term: '已办结', status: 'closed' },
  { term: '已整改', status: 'closed' },
  { term: '完成整改', status: 'closed' },
  { term: '整改完成', status: 'closed' },
  { term: '已完成', status: 'closed' },
  { term: '已销号', status: 'closed' },
  { term: '正在办理', status: 'rectifying' },
  { term: '持续整改', status: 'rectifying' },
  { term: '基本完成', status: 'rectifying' },
  { term: '整改中', status: 'rectifying' },
  { term: '正在整改', status: 'rectifying' },
  { term: '未整改', status: 'open' },
  { term: '未启动', status: 'open' },
  { term: '未开始', status: 'open' },
];

/** Text as the tables compare it: NFKC (full-width digits and brackets folded), without white space. */
export function foldLedgerText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

const statusByTerm = new Map(ledgerStatusTerms.map(({ term, status }) => [foldLedgerText(term), status]));

/** The state a 整改状态 term means, or null when the table does not have it. */
export function ledgerStatusOf(term: string): MigratedStatus | null {
  return statusByTerm.get(foldLedgerText(term)) ?? null;
}

/** Deadlines written as standing work: the item is brought in without a deadline, and the row says why. */
export const STANDING_DEADLINE_TERMS = ['长期坚持', '长期', '持续推进', '常态化'] as const;

/**
 * A 整改时限 written as words, read by a stated rule (the date forms are the spreadsheet's business):
 * - 长期坚持 (and 长期, 持续推进, 常态化) → no deadline, the row flagged `standing`;
 * - "6月底前" / "6月底" / "6月末" → the last day of that month in the year of the 交办日期;
 * - "3天" / "3日内" / "3天内" → the 交办日期 plus that many calendar days.
 * Null when the words are none of these (the row is refused, naming them). The relative forms need
 * a 交办日期: `raisedOn` null gives `needsRaiseDay`.
 */
export type DeadlineTerm =
  | { kind: 'standing'; term: string }
  | { kind: 'month_end' | 'days'; day: CalendarDay; term: string }
  | { kind: 'needs_raise_day'; term: string };

export function readDeadlineTerm(text: string, raisedOn: CalendarDay | null): DeadlineTerm | null {
  const term = foldLedgerText(text);
  if ((STANDING_DEADLINE_TERMS as readonly string[]).includes(term)) return { kind: 'standing', term };
  const monthEnd = /^(\d{1,2})月(?:底|末)前?$/.exec(term);
  const days = /^(\d{1,3})(?:天|日)内?$/.exec(term);
  if (!monthEnd && !days) return null;
  if (raisedOn === null) return { kind: 'needs_raise_day', term };
  if (monthEnd) {
    const month = Number(monthEnd[1]);
    if (month < 1 || month > 12) return null;
    const year = Number(raisedOn.slice(0, 4));
    const firstOfNext = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
    return { kind: 'month_end', day: addDays(firstOfNext, -1), term };
  }
  const count = Number(days![1]);
  if (count < 1) return null;
  return { kind: 'days', day: addDays(raisedOn, count), term };
}
