import {
  type Light,
  type PolicyDocument,
  type ProblemCategory,
  type ProblemSource,
  ProblemCategory as ProblemCategories,
  ProblemSource as ProblemSources,
} from '../domain/index.js';
import type { At, PolicyChoice } from './policyInForce.js';
import type { FactsState, ProblemFacts } from './problemFacts.js';
import { plusDays } from './time.js';

/** Why an item has its light. */
export type LightReason = 'overdue' | 'rejected' | 'due_soon' | 'extended' | 'no_deadline';

/**
 * Overdue (逾期), as the domain's `isOverdue` says: past the deadline's calendar day and not
 * reported fixed (awaiting verification, verified and closed items are not overdue).
 */
export function isOverdueFacts(f: ProblemFacts, today: string): boolean {
  return f.deadline !== null && (f.status === 'assigned' || f.status === 'rectifying') && today > f.deadline;
}

/** The first day an overdue item counted as overdue: the day after its deadline, or the day it re-entered rectification. */
export function overdueSince(f: ProblemFacts): string {
  const afterDeadline = plusDays(f.deadline!, 1);
  return afterDeadline > f.openSince ? afterDeadline : f.openSince;
}

const isOpen = (f: ProblemFacts) => f.status === 'raised' || f.status === 'assigned' || f.status === 'rectifying';

/**
 * An item's light, by the policy's written rule:
 * red — overdue, or back in rectification after a rejected verification;
 * yellow — open and due within `dueSoonDays`, or open with an extended deadline, or open without a deadline;
 * green — everything else (on track, awaiting or passed verification, closed).
 */
export function itemLight(f: ProblemFacts, today: string, dueSoonLimit: string, rules: PolicyDocument['lights']): { light: Light; reasons: LightReason[] } {
  const reasons: LightReason[] = [];
  if (isOverdueFacts(f, today)) reasons.push('overdue');
  if (rules.redWhenRejected && f.reworking) reasons.push('rejected');
  if (reasons.length > 0) return { light: 'red', reasons };
  if (isOpen(f)) {
    if (f.deadline !== null && f.deadline >= today && f.deadline <= dueSoonLimit) reasons.push('due_soon');
    if (rules.yellowWhenExtended && f.extensions !== null) reasons.push('extended');
    if (rules.yellowWithoutDeadline && f.deadline === null) reasons.push('no_deadline');
  }
  return { light: reasons.length > 0 ? 'yellow' : 'green', reasons };
}

/** A count that drills down to its ledger numbers (对账销号). */
export type ProblemSet = { count: number; ledgerNumbers: string[] };
const emptySet = (): ProblemSet => ({ count: 0, ledgerNumbers: [] });
function add(set: ProblemSet, f: ProblemFacts): void {
  set.count += 1;
  set.ledgerNumbers.push(f.ledgerNumber);
}

export type Tally = {
  total: ProblemSet;
  open: ProblemSet;
  overdue: ProblemSet;
  dueSoon: ProblemSet;
  closed: ProblemSet;
  red: ProblemSet;
  yellow: ProblemSet;
  green: ProblemSet;
};
const emptyTally = (): Tally => ({
  total: emptySet(),
  open: emptySet(),
  overdue: emptySet(),
  dueSoon: emptySet(),
  closed: emptySet(),
  red: emptySet(),
  yellow: emptySet(),
  green: emptySet(),
});

export type BattleMapItem = {
  problemId: string;
  ledgerNumber: string;
  unitId: string | null;
  status: ProblemFacts['status'];
  deadline: string | null;
  light: Light;
  reasons: LightReason[];
};

export type UnitLightRow = { unitId: string; light: Light } & Tally;

export type BattleMap = {
  asOf: string;
  day: string;
  policyVersion: number;
  /** The unit asked about, or null for the whole county. */
  unitId: string | null;
  light: Light;
  tally: Tally;
  byStatus: Record<ProblemFacts['status'], ProblemSet>;
  extended: ProblemSet;
  rejected: ProblemSet;
  withoutDeadline: ProblemSet;
  closedOnTime: ProblemSet;
  closedLate: ProblemSet;
  /** Closed on time ÷ closed; null when nothing is closed. */
  onTimeClosureRate: number | null;
  bySource: ({ source: ProblemSource } & Tally)[];
  byCategory: ({ category: ProblemCategory } & Tally)[];
  /** One row per responsible unit with problems in the map. */
  units: UnitLightRow[];
  items: BattleMapItem[];
};

/** A unit's (or the county's) light from its items' lights, by the policy's thresholds. */
export function unitLight(tally: Tally, rules: PolicyDocument['lights']): Light {
  if (tally.red.count >= rules.unitRedAtRedItems) return 'red';
  if (tally.red.count + tally.yellow.count >= rules.unitYellowAtYellowItems) return 'yellow';
  return 'green';
}

/**
 * When the unit finished the item, for the year's task: the first report that passed verification
 * (a later reopening does not undo it), else a report still standing (awaiting verification).
 */
export function finished(f: ProblemFacts): { day: string; eventId: string } | null {
  if (f.acceptedReportOn !== null) return { day: f.acceptedReportOn, eventId: f.acceptedReportEventId! };
  if (f.status === 'awaiting_verification' || f.status === 'verified' || f.status === 'closed')
    return f.rectifiedOn === null ? null : { day: f.rectifiedOn, eventId: f.rectifiedEventId! };
  return null;
}

/** Closed on time: the report that passed verification came on or before the deadline (or there was none). */
export function closedOnTime(f: ProblemFacts): boolean {
  return f.status === 'closed' && (f.deadline === null || (f.rectifiedOn !== null && f.rectifiedOn <= f.deadline));
}

/**
 * The battle map (挂图作战) as of an instant, for the county or one unit: counts by state, overdue,
 * due soon, by source and category, on-time closure, lights per item and per unit. Every count
 * carries its ledger numbers.
 */
export function battleMap(state: FactsState, at: At, policy: PolicyChoice, unitId: string | null = null): BattleMap {
  const rules = policy.document.lights;
  const dueSoonLimit = plusDays(at.day, rules.dueSoonDays);
  const tally = emptyTally();
  const byStatus = {
    raised: emptySet(),
    assigned: emptySet(),
    rectifying: emptySet(),
    awaiting_verification: emptySet(),
    verified: emptySet(),
    closed: emptySet(),
  };
  const extended = emptySet();
  const rejected = emptySet();
  const withoutDeadline = emptySet();
  const onTime = emptySet();
  const late = emptySet();
  const bySource = new Map<ProblemSource, Tally>();
  const byCategory = new Map<ProblemCategory, Tally>();
  const byUnit = new Map<string, Tally>();
  const items: BattleMapItem[] = [];

  const ids = unitId === null ? state.problems.keys() : (state.problemsByUnit.get(unitId) ?? new Set<string>()).values();
  for (const id of ids) {
    const f = state.problems.get(id)!;
    const { light, reasons } = itemLight(f, at.day, dueSoonLimit, rules);
    items.push({ problemId: f.problemId, ledgerNumber: f.ledgerNumber, unitId: f.unitId, status: f.status, deadline: f.deadline, light, reasons });
    let source = bySource.get(f.source);
    if (!source) bySource.set(f.source, (source = emptyTally()));
    let category = byCategory.get(f.category);
    if (!category) byCategory.set(f.category, (category = emptyTally()));
    const tallies = [tally, source, category];
    if (f.unitId !== null) {
      let unit = byUnit.get(f.unitId);
      if (!unit) byUnit.set(f.unitId, (unit = emptyTally()));
      tallies.push(unit);
    }
    const overdue = reasons[0] === 'overdue';
    const dueSoon = reasons.includes('due_soon');
    for (const t of tallies) {
      add(t.total, f);
      if (isOpen(f)) add(t.open, f);
      if (overdue) add(t.overdue, f);
      if (dueSoon) add(t.dueSoon, f);
      if (f.status === 'closed') add(t.closed, f);
      add(t[light], f);
    }
    add(byStatus[f.status], f);
    if (f.extensions !== null) add(extended, f);
    if (f.rejections !== null) add(rejected, f);
    if (f.deadline === null && isOpen(f)) add(withoutDeadline, f);
    if (f.status === 'closed') add(closedOnTime(f) ? onTime : late, f);
  }

  return {
    asOf: at.instant,
    day: at.day,
    policyVersion: policy.version,
    unitId,
    light: unitLight(tally, rules),
    tally,
    byStatus,
    extended,
    rejected,
    withoutDeadline,
    closedOnTime: onTime,
    closedLate: late,
    onTimeClosureRate: tally.closed.count === 0 ? null : onTime.count / tally.closed.count,
    bySource: ProblemSources.options.filter((s) => bySource.has(s)).map((source) => ({ source, ...bySource.get(source)! })),
    byCategory: ProblemCategories.options.filter((c) => byCategory.has(c)).map((category) => ({ category, ...byCategory.get(category)! })),
    units: [...byUnit].map(([id, t]) => ({ unitId: id, light: unitLight(t, rules), ...t })),
    items,
  };
}
