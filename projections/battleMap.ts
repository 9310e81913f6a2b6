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
import { sliceClock, yieldToEventLoop } from './slices.js';
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

/** 回头看 overdue: closed, 巩固 not confirmed, and past the day its 回头看 fell due (the scheduler's `RecheckOverdue`). */
export function isRecheckOverdueFacts(f: ProblemFacts, today: string): boolean {
  return f.consolidation === 'awaiting_recheck' && f.recheckDueOn !== null && today > f.recheckDueOn;
}

/** The first day an overdue item counted as overdue: the day after its deadline, or the day it re-entered rectification. */
export function overdueSince(f: ProblemFacts): string {
  const afterDeadline = plusDays(f.deadline!, 1);
  // biome-ignore lint/complexity/useMathMinMax: ISO days compare as strings; Math.max would make numbers of them
  return afterDeadline > f.openSince ? afterDeadline : f.openSince;
}

const isOpen = (f: ProblemFacts) => f.status === 'raised' || f.status === 'assigned' || f.status === 'rectifying';

/**
 * An item's light, by the policy's written rule:
 * red — overdue, or back in rectification after a rejected verification;
 * yellow — open and due within `dueSoonDays`, or open with an extended deadline, or open without a deadline;
 * green — everything else (on track, awaiting or passed verification, closed).
 */
export function itemLight(
  f: ProblemFacts,
  today: string,
  dueSoonLimit: string,
  rules: PolicyDocument['lights'],
): { light: Light; reasons: LightReason[] } {
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

/**
 * A count that drills down to its ledger numbers (对账销号): its size is the count. A live map's counts
 * are sets (a problem is taken out and put back as it changes); a map built once holds them as arrays
 * (`LedgerNumbers`). Ledger numbers are unique (a sequence gives them out), so each is in a count once.
 */
export interface ProblemSet extends Iterable<string> {
  readonly size: number;
  has(ledgerNumber: string): boolean;
}

/** A count as the map fills it: a set on a live map, an array on a map built once. */
type Filling = ProblemSet & { add(ledgerNumber: string): unknown };

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
/** A tally as the map fills it. */
type FillingTally = { [K in keyof Tally]: Filling };
const emptyTally = (make: () => Filling): FillingTally => ({
  total: make(),
  open: make(),
  overdue: make(),
  dueSoon: make(),
  closed: make(),
  red: make(),
  yellow: make(),
  green: make(),
});

/**
 * The counts of a map built once: the ledger numbers in an array, in the order they were put. Most
 * counts are asked only for their size; a set is made (once) only when one is asked whether it holds
 * a number. A county map has some 15 counts per problem: making a set of each (hashing every number
 * again into a table that grows as it fills) was most of a past map's cost (issue 12).
 */
export class LedgerNumbers implements ProblemSet {
  private readonly ledgerNumbers: string[] = [];
  private set: Set<string> | null = null;
  add(ledgerNumber: string): this {
    this.ledgerNumbers.push(ledgerNumber);
    this.set?.add(ledgerNumber);
    return this;
  }
  get size(): number {
    return this.ledgerNumbers.length;
  }
  has(ledgerNumber: string): boolean {
    this.set ??= new Set(this.ledgerNumbers);
    return this.set.has(ledgerNumber);
  }
  [Symbol.iterator](): Iterator<string> {
    return this.ledgerNumbers[Symbol.iterator]();
  }
}
const ledgerNumbers = (): Filling => new LedgerNumbers();
const set = (): Filling => new Set<string>();
/** The counts beside the tallies, by name. */
const LISTS = [
  'extended',
  'rejected',
  'withoutDeadline',
  'onTime',
  'late',
  'awaitingRecheck',
  'recheckOverdue',
  'awaitingReply',
  'replyOverdue',
] as const;

export type BattleMapItem = {
  problemId: string;
  ledgerNumber: string;
  unitId: string | null;
  status: ProblemFacts['status'];
  deadline: string | null;
  light: Light;
  reasons: LightReason[];
  /** Closed (销号): awaiting the 回头看, or 巩固 confirmed; null while open. */
  consolidation: ProblemFacts['consolidation'];
};

/** An item as the battle map shows it on `today`: its facts and its light with the reasons. */
export function mapItem(f: ProblemFacts, today: string, dueSoonLimit: string, rules: PolicyDocument['lights']): BattleMapItem {
  const { light, reasons } = itemLight(f, today, dueSoonLimit, rules);
  return {
    problemId: f.problemId,
    ledgerNumber: f.ledgerNumber,
    unitId: f.unitId,
    status: f.status,
    deadline: f.deadline,
    light,
    reasons,
    consolidation: f.consolidation,
  };
}

export type UnitLightRow = { unitId: string; light: Light } & Tally;

/** What the wall (挂图作战) draws in one cell, a responsible unit × a category: its problems' ledger numbers and lights. */
export type WallTally = { ledgerNumbers: string[]; red: number; yellow: number; green: number };
/** Wall tallies by unit, then category. */
export type WallTallies = Map<string, Map<ProblemCategory, WallTally>>;

/** Counts a problem in its wall cell, made when it is the cell's first. */
export function addToWall(wall: WallTallies, unitId: string, category: ProblemCategory, light: Light, ledgerNumber: string): void {
  let cells = wall.get(unitId);
  if (!cells) wall.set(unitId, (cells = new Map()));
  let cell = cells.get(category);
  if (!cell) cells.set(category, (cell = { ledgerNumbers: [], red: 0, yellow: 0, green: 0 }));
  cell.ledgerNumbers.push(ledgerNumber);
  cell[light] += 1;
}

/**
 * Where a map built once keeps its wall's cells, summed as its problems were put (battleMapWall.ts
 * reads them instead of a pass over every item). A symbol: copied with the map (`{ ...map }`), left
 * out of its data (`Object.entries`, GraphQL).
 */
export const WALL: unique symbol = Symbol('wall tallies');

export type BattleMap = {
  asOf: string;
  /** "As known on": only what was recorded by this instant counted; absent when everything recorded did. */
  knownOn?: string | null;
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
  /** Closed and awaiting the 回头看 (巩固 not yet confirmed). */
  awaitingRecheck: ProblemSet;
  /** Of those, the ones past the day their 回头看 fell due, on the map's day. */
  recheckOverdue: ProblemSet;
  /** With a 督办 waiting for the unit's reply (督办待回复). */
  awaitingSupervisionReply: ProblemSet;
  /** Of those, the ones whose order is past its 办结时限 on the map's day. */
  supervisionReplyOverdue: ProblemSet;
  /** Closed on time ÷ closed; null when nothing is closed. */
  onTimeClosureRate: number | null;
  bySource: ({ source: ProblemSource } & Tally)[];
  byCategory: ({ category: ProblemCategory } & Tally)[];
  /** One row per responsible unit with problems in the map, by unit id. */
  units: UnitLightRow[];
  /** Every item with its light (computed when asked: a county has many). */
  items: () => BattleMapItem[];
  /** The wall's cells, on a map built once (a live map's problems move between them: the wall sums its items). */
  [WALL]?: WallTallies;
};

/** A unit's (or the county's) light from its items' lights, by the policy's thresholds. */
export function unitLight(tally: Tally, rules: PolicyDocument['lights']): Light {
  if (tally.red.size >= rules.unitRedAtRedItems) return 'red';
  if (tally.red.size + tally.yellow.size >= rules.unitYellowAtYellowItems) return 'yellow';
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

/** A problem on the map: its item, the sets it is in, and the next day its light or counts may change with no event (null: none). */
type Entry = { item: BattleMapItem; sets: Set<string>[]; wake: string | null };

/**
 * The first day after `day` on which the day alone may change how an item is counted: it comes due
 * soon, goes overdue, its 回头看 or its 督办's 办结时限 passes. Every day the map reads its day through
 * (`itemLight`, `isRecheckOverdueFacts`, the reply's `finishBy`) is among these.
 */
function nextChange(f: ProblemFacts, day: string, dueSoonDays: number): string | null {
  let next: string | null = null;
  if (f.deadline !== null) {
    next = sooner(next, plusDays(f.deadline, -dueSoonDays), day);
    next = sooner(next, plusDays(f.deadline, 1), day);
  }
  if (f.recheckDueOn !== null) next = sooner(next, plusDays(f.recheckDueOn, 1), day);
  if (f.openOrder?.finishBy) next = sooner(next, plusDays(f.openOrder.finishBy, 1), day);
  return next;
}

/** The candidate when it is after `day` and before `next` (or there is no `next`); else `next`. */
function sooner(next: string | null, candidate: string, day: string): string | null {
  return candidate > day && (next === null || candidate < next) ? candidate : next;
}

/**
 * The battle map (挂图作战) for one day under one policy, kept as sets of ledger numbers so that one
 * problem can be taken out and put back in when an event changes it: the live county map is
 * maintained this way event by event, and rebuilt only when the policy changes. When the day moves
 * on (`advanceTo`), only the problems whose day-dependent state may change by then are put again.
 *
 * A map built `once` (a past map, answered and then cached as it is) puts each problem once and
 * never moves: it keeps no record of which sets a problem is in nor of when it wakes, only its
 * items, so a county's map is about half the allocations (issue 12: the as-of map's cost).
 */
export class BattleMapAccumulator {
  private readonly rules: PolicyDocument['lights'];
  private dueSoonLimit: string;
  /** Every problem on the map with its sets and wake; null for a map built once, which keeps its items only. */
  private readonly entries: Map<string, Entry> | null;
  private readonly items: BattleMapItem[] = [];
  /** On a map built once: its wall's cells, by unit then category. */
  private readonly wall: WallTallies = new Map();
  /** Problem ids by the day they must be put again (their `wake`). */
  private readonly wakes = new Map<string, Set<string>>();
  /** Makes the map's counts: sets, or on a map built once arrays of ledger numbers (`LedgerNumbers`). */
  private readonly newCount: () => Filling;
  private readonly tally: FillingTally;
  private readonly byStatus: Record<ProblemFacts['status'], Filling>;
  /** The counts of the county (or unit) beside its tallies: extended, rejected, closed on time and late, 回头看, 督办. */
  private readonly lists: Record<(typeof LISTS)[number], Filling>;
  private readonly bySource = new Map<ProblemSource, FillingTally>();
  private readonly byCategory = new Map<ProblemCategory, FillingTally>();
  private readonly byUnit = new Map<string, FillingTally>();

  constructor(
    public day: string,
    readonly policy: PolicyChoice,
    readonly unitId: string | null,
    { once = false }: { once?: boolean } = {},
  ) {
    this.rules = policy.document.lights;
    this.dueSoonLimit = plusDays(day, this.rules.dueSoonDays);
    this.entries = once ? null : new Map();
    const make = (this.newCount = once ? ledgerNumbers : set);
    this.tally = emptyTally(make);
    this.byStatus = {
      raised: make(),
      assigned: make(),
      rectifying: make(),
      awaiting_verification: make(),
      verified: make(),
      closed: make(),
    };
    this.lists = Object.fromEntries(LISTS.map((name) => [name, make()])) as Record<(typeof LISTS)[number], Filling>;
  }

  /** Puts a problem on the map as its facts now stand, replacing what was there for it (on a map built once: puts it, once). */
  put(f: ProblemFacts): void {
    const entries = this.entries;
    const previous = entries?.get(f.problemId);
    if (previous) {
      for (const set of previous.sets) set.delete(previous.item.ledgerNumber);
      if (previous.wake !== null) this.wakes.get(previous.wake)?.delete(f.problemId);
    }
    if (this.unitId !== null && f.unitId !== this.unitId) {
      entries?.delete(f.problemId);
      return;
    }
    const item = mapItem(f, this.day, this.dueSoonLimit, this.rules);
    // The sets it is put in, remembered to take it out again (not on a map built once). No closures here:
    // this runs for every problem of a county, and tsx gives each closure a name as it is made.
    const sets: Set<string>[] | null = entries ? [] : null;
    const ledgerNumber = f.ledgerNumber;
    const { light, reasons } = item;
    const open = isOpen(f);
    const closed = f.status === 'closed';
    const flags =
      (open ? OPEN : 0) | (reasons[0] === 'overdue' ? OVERDUE : 0) | (reasons.includes('due_soon') ? DUE_SOON : 0) | (closed ? CLOSED : 0);
    count(this.tally, light, flags, ledgerNumber, sets);
    count(tallyIn(this.bySource, f.source, this.newCount), light, flags, ledgerNumber, sets);
    count(tallyIn(this.byCategory, f.category, this.newCount), light, flags, ledgerNumber, sets);
    if (f.unitId !== null) count(tallyIn(this.byUnit, f.unitId, this.newCount), light, flags, ledgerNumber, sets);
    enter(this.byStatus[f.status], ledgerNumber, sets);
    if (f.extensions !== null) enter(this.lists.extended, ledgerNumber, sets);
    if (f.rejections !== null) enter(this.lists.rejected, ledgerNumber, sets);
    if (f.deadline === null && open) enter(this.lists.withoutDeadline, ledgerNumber, sets);
    if (closed) enter(closedOnTime(f) ? this.lists.onTime : this.lists.late, ledgerNumber, sets);
    if (f.consolidation === 'awaiting_recheck') {
      enter(this.lists.awaitingRecheck, ledgerNumber, sets);
      if (isRecheckOverdueFacts(f, this.day)) enter(this.lists.recheckOverdue, ledgerNumber, sets);
    }
    if (f.openOrder !== null) {
      enter(this.lists.awaitingReply, ledgerNumber, sets);
      if (f.openOrder.finishBy !== null && this.day > f.openOrder.finishBy) enter(this.lists.replyOverdue, ledgerNumber, sets);
    }
    if (sets === null) {
      this.items.push(item);
      if (f.unitId !== null) addToWall(this.wall, f.unitId, f.category, light, ledgerNumber);
      return;
    }
    const wake = nextChange(f, this.day, this.rules.dueSoonDays);
    if (wake !== null) {
      let due = this.wakes.get(wake);
      if (!due) this.wakes.set(wake, (due = new Set()));
      due.add(f.problemId);
    }
    entries!.set(f.problemId, { item, sets, wake });
  }

  /**
   * Moves the map to a later day, putting again only the problems whose day-dependent state may
   * change by then (their wake day has come): the first query of a new day costs what changed, not
   * the whole county. `facts` gives a problem's facts as they stand now.
   */
  advanceTo(day: string, facts: (problemId: string) => ProblemFacts | undefined): void {
    if (this.entries === null) throw new RangeError('A map built once does not move to another day');
    if (day <= this.day) throw new RangeError(`A map moves forward only: ${day} is not after ${this.day}`);
    this.day = day;
    this.dueSoonLimit = plusDays(day, this.rules.dueSoonDays);
    const due = [...this.wakes.keys()].filter((wake) => wake <= day);
    for (const wake of due) {
      const ids = this.wakes.get(wake)!;
      this.wakes.delete(wake);
      for (const id of ids) {
        const f = facts(id);
        if (f) this.put(f);
      }
    }
  }

  /** The map as it stands, as of `instant` (on this accumulator's day). Its sets are live: read them now. */
  result(instant: string): BattleMap {
    const present = <K, T extends Tally>(map: Map<K, Tally>, order: readonly K[], row: (key: K, t: Tally) => T) =>
      order.filter((k) => (map.get(k)?.total.size ?? 0) > 0).map((k) => row(k, map.get(k)!));
    const { entries, items } = this;
    return {
      asOf: instant,
      day: this.day,
      policyVersion: this.policy.version,
      unitId: this.unitId,
      light: unitLight(this.tally, this.rules),
      tally: this.tally,
      byStatus: this.byStatus,
      extended: this.lists.extended,
      rejected: this.lists.rejected,
      withoutDeadline: this.lists.withoutDeadline,
      closedOnTime: this.lists.onTime,
      closedLate: this.lists.late,
      awaitingRecheck: this.lists.awaitingRecheck,
      recheckOverdue: this.lists.recheckOverdue,
      awaitingSupervisionReply: this.lists.awaitingReply,
      supervisionReplyOverdue: this.lists.replyOverdue,
      onTimeClosureRate: this.tally.closed.size === 0 ? null : this.lists.onTime.size / this.tally.closed.size,
      bySource: present(this.bySource, ProblemSources.options, (source, t) => ({ source, ...t })),
      byCategory: present(this.byCategory, ProblemCategories.options, (category, t) => ({ category, ...t })),
      units: present(this.byUnit, [...this.byUnit.keys()].sort(), (unitId, t) => ({ unitId, light: unitLight(t, this.rules), ...t })),
      items: () => (entries ? [...entries.values()].map((e) => e.item) : items.slice()),
      ...(entries ? {} : { [WALL]: this.wall }),
    };
  }
}

const OPEN = 1;
const OVERDUE = 2;
const DUE_SOON = 4;
const CLOSED = 8;

/**
 * Puts a ledger number in a count, and the count in `sets` when given (the sets a problem is in, to take
 * it out again: only on a live map, whose counts are sets).
 */
function enter(count: Filling, ledgerNumber: string, sets: Set<string>[] | null): void {
  count.add(ledgerNumber);
  sets?.push(count as Set<string>);
}

/** Counts a ledger number in a tally: in total, its light, and the counts its `flags` name. */
function count(t: FillingTally, light: Light, flags: number, ledgerNumber: string, sets: Set<string>[] | null): void {
  enter(t.total, ledgerNumber, sets);
  enter(t[light], ledgerNumber, sets);
  if (flags & OPEN) enter(t.open, ledgerNumber, sets);
  if (flags & OVERDUE) enter(t.overdue, ledgerNumber, sets);
  if (flags & DUE_SOON) enter(t.dueSoon, ledgerNumber, sets);
  if (flags & CLOSED) enter(t.closed, ledgerNumber, sets);
}

function tallyIn<K>(map: Map<K, FillingTally>, key: K, make: () => Filling): FillingTally {
  let t = map.get(key);
  if (!t) map.set(key, (t = emptyTally(make)));
  return t;
}

/**
 * The battle map (挂图作战) as of an instant, for the county or one unit: counts by state, overdue,
 * due soon, by source and category, on-time closure, 督办 awaiting a reply, 回头看 awaiting and overdue, lights per item and per unit. Every count
 * carries its ledger numbers.
 */
export function battleMap(state: FactsState, at: At, policy: PolicyChoice, unitId: string | null = null): BattleMap {
  const accumulator = new BattleMapAccumulator(at.day, policy, unitId, { once: true });
  for (const f of mapProblems(state, unitId)) accumulator.put(f);
  return accumulator.result(at.instant);
}

/**
 * `battleMap` put together in slices with a yield to the event loop between them (issue 12: a county's map at a
 * million events held the event loop for about 0.7 s in one block); `every` problems a slice when given (tests).
 */
export async function slicedBattleMap(
  state: FactsState,
  at: At,
  policy: PolicyChoice,
  unitId: string | null = null,
  every?: number,
): Promise<BattleMap> {
  const accumulator = new BattleMapAccumulator(at.day, policy, unitId, { once: true });
  await putSliced(accumulator, mapProblems(state, unitId), every);
  return accumulator.result(at.instant);
}

/** Puts problems on a map in slices (of time, or of `every` problems when given: the tests' way to force yields). */
export async function putSliced(accumulator: BattleMapAccumulator, problems: Iterable<ProblemFacts>, every?: number): Promise<void> {
  const clock = sliceClock();
  let n = 0;
  for (const f of problems) {
    accumulator.put(f);
    if (every ? ++n % every === 0 : clock.due()) await yieldToEventLoop();
  }
}

/** The problems on a map: the county's as the facts hold them (no lookup per problem), or one unit's. */
export function mapProblems(state: FactsState, unitId: string | null): Iterable<ProblemFacts> {
  if (unitId === null) return state.problems.values();
  return [...(state.problemsByUnit.get(unitId) ?? [])].map((id) => state.problems.get(id)!);
}
