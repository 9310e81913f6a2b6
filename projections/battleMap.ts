import {
  dayNumber,
  type Light,
  type PolicyDocument,
  type ProblemCategory,
  type ProblemSource,
  ProblemCategory as ProblemCategories,
  ProblemSource as ProblemSources,
} from '../domain/index.js';
import type { At, PolicyChoice } from './policyInForce.js';
import { type FactsState, type ProblemFacts, eventIdOf } from './problemFacts.js';
import { ChunkedList, type ShardedMap, shardFor, shardedMap } from './growingMap.js';
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
 * A count that drills down to its ledger numbers (对账销号): its size is the count. A map's counts are
 * numbers kept as a problem is put (and, on the live map, taken out and put back), their ledger numbers
 * read from its packed problems when asked (`LiveCount`). Ledger numbers are unique (a sequence gives
 * them out), so each is in a count once.
 */
export interface ProblemSet extends Iterable<string> {
  readonly size: number;
  has(ledgerNumber: string): boolean;
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
/**
 * Ledger numbers in an array, in the order they were added (the monthly bulletin's counts of red and
 * overdue items). Most are asked only for their size; a set is made (once) only when one is asked
 * whether it holds a number.
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
 * Where a map keeps the way to sum its wall's cells from its packed problems, in slices, without making its items. A
 * symbol: copied with the map (`{ ...map }`), left out of its data (`Object.entries`, GraphQL).
 */
export const WALL_FROM_SLOTS: unique symbol = Symbol('wall tallies from slots');

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
  /** Its wall's cells summed from its problems as they stand (their unit, category and light), in slices. */
  [WALL_FROM_SLOTS]?: () => Promise<WallTallies>;
};

/** A unit's (or the county's) light from its items' lights, by the policy's thresholds. */
export function unitLight(tally: { red: { size: number }; yellow: { size: number } }, rules: PolicyDocument['lights']): Light {
  if (tally.red.size >= rules.unitRedAtRedItems) return 'red';
  if (tally.red.size + tally.yellow.size >= rules.unitYellowAtYellowItems) return 'yellow';
  return 'green';
}

/**
 * When the unit finished the item, for the year's task: the first report that passed verification
 * (a later reopening does not undo it), else a report still standing (awaiting verification).
 */
export function finished(f: ProblemFacts): { day: string; eventId: string } | null {
  const day = finishedOn(f);
  if (day === null) return null;
  return { day, eventId: eventIdOf(f.acceptedReportOn !== null ? f.acceptedReportEventId! : f.rectifiedEventId!) };
}

/** `finished`'s day alone (no event id built): asked of every item at every midnight by the interview triggers. */
export function finishedOn(f: ProblemFacts): string | null {
  if (f.acceptedReportOn !== null) return f.acceptedReportOn;
  if (f.status === 'awaiting_verification' || f.status === 'verified' || f.status === 'closed') return f.rectifiedOn;
  return null;
}

/** Closed on time: the report that passed verification came on or before the deadline (or there was none). */
export function closedOnTime(f: ProblemFacts): boolean {
  return f.status === 'closed' && (f.deadline === null || (f.rectifiedOn !== null && f.rectifiedOn <= f.deadline));
}

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

/** The counts of a tally in order: bit i of a live problem's code says it is in `TALLY[i]` (`total` is "on the map"). */
const TALLY = ['total', 'open', 'overdue', 'dueSoon', 'closed', 'red', 'yellow', 'green'] as const;
const ON_MAP = 1;
const T_OPEN = 2;
const T_OVERDUE = 4;
const T_DUE_SOON = 8;
const T_CLOSED = 16;
const LIGHT_BIT: Record<Light, number> = { red: 32, yellow: 64, green: 128 };
/** Bit LIST_SHIFT + i: in `LISTS[i]`. */
const LIST_SHIFT = 8;
const LIST_BIT = Object.fromEntries(LISTS.map((name, i) => [name, 1 << (LIST_SHIFT + i)])) as Record<(typeof LISTS)[number], number>;
/** Three bits from STATUS_SHIFT: the status's index in STATUSES (the order of `byStatus`). */
const STATUS_SHIFT = 17;
const STATUSES = ['raised', 'assigned', 'rectifying', 'awaiting_verification', 'verified', 'closed'] as const;
const STATUS_INDEX = new Map<string, number>(STATUSES.map((s, i) => [s, i]));
/** Bit REASON_SHIFT + i: the item has reason `REASONS[i]` (the order `itemLight` gives them in: red's, then yellow's). */
const REASON_SHIFT = 20;
const REASONS = ['overdue', 'rejected', 'due_soon', 'extended', 'no_deadline'] as const satisfies readonly LightReason[];
/** The reasons a set of REASONS bits names, in order: one frozen list for each of the 32 (an item's list, read only). */
const REASON_LISTS = Array.from({ length: 32 }, (_, bits) => Object.freeze(REASONS.filter((_, i) => bits & (1 << i)))) as LightReason[][];
const REASON_BIT = Object.fromEntries(REASONS.map((reason, i) => [reason, 1 << (REASON_SHIFT + i)])) as Record<LightReason, number>;
/** Two bits from CONSOLIDATION_SHIFT: the index in CONSOLIDATIONS. */
const CONSOLIDATION_SHIFT = 25;
const CONSOLIDATIONS = [null, 'awaiting_recheck', 'confirmed'] as const satisfies readonly ProblemFacts['consolidation'][];
const SOURCE_INDEX = new Map<string, number>(ProblemSources.options.map((s, i) => [s, i]));
const CATEGORY_INDEX = new Map<string, number>(ProblemCategories.options.map((c, i) => [c, i]));
/** No wake day: a wake day is kept as its `dayNumber` (domain/shared/calendar.ts: days from 1970-01-01, ordered as the days). */
const NO_WAKE = 0x7fffffff;

/** Which problems a count ranges over: the county's (or the unit's) own, a source's, a category's or a unit's (kind × GROUP + index). */
const GROUP = 1 << 20;
const COUNTY = 0;
const BY_SOURCE = 1;
const BY_CATEGORY = 2;
const BY_UNIT = 3;

/**
 * The problems of a live map, one slot each in the order they were first put, packed (issue 12:
 * the map as sets of ledger numbers held about 95 MB per million events, each problem in some
 * fourteen sets): its ledger number and id, its deadline, and one 32-bit code that says which
 * counts it is in and what its item shows (light, status, reasons, consolidation), with its unit,
 * source and category by index and the day it must be put again. About 80 bytes a problem.
 */
class Slots {
  length = 0;
  /**
   * Slot by ledger number (a ledger number is a problem's for good: a sequence gives it at the raise): made when first
   * asked (`slotOf`), then kept as slots are added. A map built once (`once`) never looks a problem up while it is built.
   * Sharded, and the lists below chunked (issue 12, aim 3): as one Map and three arrays, the live county map's `put` of
   * the 1,048,576th problem took 268 ms and of the 869,461st 116 ms, each copying a full table into a bigger one.
   */
  private byLedgerNumber: ShardedMap<number> | null = null;
  readonly problemIds = new ChunkedList<string>();
  readonly ledgerNumbers = new ChunkedList<string>();
  readonly deadlines = new ChunkedList<string | null>();
  readonly codes = new ChunkedList<number>((n) => new Int32Array(n));
  /** Index in `unitIds`, or -1 when the problem has no unit yet. */
  readonly units = new ChunkedList<number>((n) => new Int32Array(n));
  readonly sources = new ChunkedList<number>((n) => new Uint8Array(n));
  readonly categories = new ChunkedList<number>((n) => new Uint8Array(n));
  /** The day (its `dayNumber`) the problem must be put again, or NO_WAKE. */
  readonly wakes = new ChunkedList<number>((n) => new Int32Array(n));
  readonly unitIds: string[] = [];
  readonly unitIndex = new Map<string, number>();
  /** The slots on the map by unit (made when a unit's count is listed; dropped when a problem comes, goes or moves). */
  private byUnit: { starts: Int32Array; slots: Int32Array } | null = null;

  add(f: ProblemFacts): number {
    const slot = this.length++;
    if (this.byLedgerNumber !== null) shardFor(this.byLedgerNumber, f.ledgerNumber).set(f.ledgerNumber, slot);
    this.problemIds.push(f.problemId);
    this.ledgerNumbers.push(f.ledgerNumber);
    this.deadlines.push(null);
    this.codes.push(0);
    this.units.push(-1);
    this.sources.push(0);
    this.categories.push(0);
    this.wakes.push(NO_WAKE);
    return slot;
  }

  /** The slot of a ledger number, if it has one. */
  slotOf(ledgerNumber: string): number | undefined {
    if (this.byLedgerNumber === null) {
      const byLedgerNumber = shardedMap<number>();
      for (let slot = 0; slot < this.length; slot++) {
        const ledgerNumber = this.ledgerNumbers.at(slot);
        shardFor(byLedgerNumber, ledgerNumber).set(ledgerNumber, slot);
      }
      this.byLedgerNumber = byLedgerNumber;
    }
    return shardFor(this.byLedgerNumber, ledgerNumber).get(ledgerNumber);
  }

  unitOf(unitId: string | null): number {
    if (unitId === null) return -1;
    let index = this.unitIndex.get(unitId);
    if (index === undefined) {
      index = this.unitIds.push(unitId) - 1;
      this.unitIndex.set(unitId, index);
    }
    return index;
  }

  /** Forgets the slots by unit: a problem came onto the map, left it, or moved to another unit. */
  moved(): void {
    this.byUnit = null;
  }

  /** Whether the problem in `slot` is in the count of `group` that `mask` (or, from 0 up, `status`) names. */
  holds(slot: number, group: number, mask: number, status: number): boolean {
    const code = this.codes.at(slot);
    if ((code & ON_MAP) === 0) return false;
    const kind = (group / GROUP) | 0;
    const key = group % GROUP;
    if (
      kind === BY_SOURCE
        ? this.sources.at(slot) !== key
        : kind === BY_CATEGORY
          ? this.categories.at(slot) !== key
          : kind === BY_UNIT && this.units.at(slot) !== key
    )
      return false;
    return status >= 0 ? ((code >>> STATUS_SHIFT) & 7) === status : (code & mask) !== 0;
  }

  /** The ledger numbers of a count, in slot order: a unit's from its own slots, any other's from every slot. */
  list(group: number, mask: number, status: number): string[] {
    const found: string[] = [];
    if (((group / GROUP) | 0) === BY_UNIT) {
      for (const slot of this.slotsOfUnit(group % GROUP))
        if (this.holds(slot, group, mask, status)) found.push(this.ledgerNumbers.at(slot));
      return found;
    }
    for (let slot = 0; slot < this.length; slot++) if (this.holds(slot, group, mask, status)) found.push(this.ledgerNumbers.at(slot));
    return found;
  }

  /** The slots on the map of one unit, in slot order (one counting pass over every slot, kept until a problem moves). */
  private slotsOfUnit(unit: number): Int32Array {
    if (this.byUnit === null) {
      const starts = new Int32Array(this.unitIds.length + 1);
      for (let slot = 0; slot < this.length; slot++)
        if (this.codes.at(slot) & ON_MAP && this.units.at(slot) >= 0) starts[this.units.at(slot) + 1]! += 1;
      for (let u = 0; u < this.unitIds.length; u++) starts[u + 1]! += starts[u]!;
      const next = starts.slice(0, this.unitIds.length);
      const slots = new Int32Array(starts[this.unitIds.length]!);
      for (let slot = 0; slot < this.length; slot++)
        if (this.codes.at(slot) & ON_MAP && this.units.at(slot) >= 0) slots[next[this.units.at(slot)]!++] = slot;
      this.byUnit = { starts, slots };
    }
    return this.byUnit.slots.subarray(this.byUnit.starts[unit]!, this.byUnit.starts[unit + 1]!);
  }

  /** The wall's cells of the problems on the map, summed in slices. */
  async wall(): Promise<WallTallies> {
    const wall: WallTallies = new Map();
    const clock = sliceClock();
    for (let slot = 0; slot < this.length; slot++) {
      if (clock.due()) await yieldToEventLoop();
      const code = this.codes.at(slot);
      const unit = this.units.at(slot);
      if (!(code & ON_MAP) || unit < 0) continue;
      const light = code & LIGHT_BIT.red ? 'red' : code & LIGHT_BIT.yellow ? 'yellow' : 'green';
      addToWall(wall, this.unitIds[unit]!, ProblemCategories.options[this.categories.at(slot)]!, light, this.ledgerNumbers.at(slot));
    }
    return wall;
  }

  /** The item of the problem in `slot`, as `mapItem` made it when it was last put. */
  item(slot: number): BattleMapItem {
    const code = this.codes.at(slot);
    const unit = this.units.at(slot);
    return {
      problemId: this.problemIds.at(slot),
      ledgerNumber: this.ledgerNumbers.at(slot),
      unitId: unit < 0 ? null : this.unitIds[unit]!,
      status: STATUSES[(code >>> STATUS_SHIFT) & 7]!,
      deadline: this.deadlines.at(slot),
      light: code & LIGHT_BIT.red ? 'red' : code & LIGHT_BIT.yellow ? 'yellow' : 'green',
      reasons: REASON_LISTS[(code >>> REASON_SHIFT) & 31]!,
      consolidation: CONSOLIDATIONS[(code >>> CONSOLIDATION_SHIFT) & 3]!,
    };
  }
}

/**
 * A count of a live map: a number kept as problems are put, and the ledger numbers behind it read
 * from the slots when asked (`has` by the ledger number's slot; listing by a pass over the slots).
 */
class LiveCount implements ProblemSet {
  size = 0;
  constructor(
    private readonly slots: Slots,
    private readonly group: number,
    private readonly mask: number,
    private readonly status = -1,
  ) {}
  has(ledgerNumber: string): boolean {
    const slot = this.slots.slotOf(ledgerNumber);
    return slot !== undefined && this.slots.holds(slot, this.group, this.mask, this.status);
  }
  [Symbol.iterator](): Iterator<string> {
    return this.slots.list(this.group, this.mask, this.status)[Symbol.iterator]();
  }
}

/** A tally of a live map: its counts by name, and the same in TALLY order (bit i of a code). */
type LiveTally = { tally: Tally; counts: LiveCount[] };
function liveTally(slots: Slots, group: number): LiveTally {
  const counts = TALLY.map((_, i) => new LiveCount(slots, group, 1 << i));
  const [total, open, overdue, dueSoon, closed, red, yellow, green] = counts as [LiveCount, ...LiveCount[]];
  return { tally: { total, open, overdue, dueSoon, closed, red, yellow, green } as Tally, counts };
}

/** Adds `by` to every count of `t` whose bit is in `code`. */
function countIn(t: LiveTally, code: number, by: number): void {
  const counts = t.counts;
  for (let i = 0; i < 8; i++) if (code & (1 << i)) counts[i]!.size += by;
}

/**
 * The live battle map (挂图作战) for one day under one policy: every count a number, kept as a
 * problem is taken out and put back in when an event changes it, and the ledger numbers behind a
 * count read from the problems' packed slots when asked. The live county map is maintained this
 * way event by event, and rebuilt only when the policy changes. When the day moves on
 * (`advanceTo`), only the problems whose day-dependent state may change by then are put again.
 */
export class BattleMapAccumulator {
  private readonly rules: PolicyDocument['lights'];
  private dueSoonLimit: string;
  private readonly slots = new Slots();
  private readonly county: LiveTally;
  private readonly byStatus: Record<ProblemFacts['status'], LiveCount>;
  /** The counts of the county (or unit) beside its tallies, in LISTS order: extended, rejected, closed on time and late, 回头看, 督办. */
  private readonly lists: LiveCount[];
  private readonly bySource: LiveTally[];
  private readonly byCategory: LiveTally[];
  /** By index in the slots' `unitIds`. */
  private readonly byUnit: LiveTally[] = [];

  /**
   * Built once (a past map, answered and then cached as it is): each problem is put once, and the map never moves to
   * another day, so neither a problem's slot is looked up nor its wake day computed (issue 12, aim 3: the as-of map's cost).
   */
  private readonly once: boolean;

  constructor(
    public day: string,
    readonly policy: PolicyChoice,
    readonly unitId: string | null,
    { once = false }: { once?: boolean } = {},
  ) {
    this.once = once;
    this.rules = policy.document.lights;
    this.dueSoonLimit = plusDays(day, this.rules.dueSoonDays);
    const slots = this.slots;
    this.county = liveTally(slots, COUNTY);
    this.byStatus = Object.fromEntries(STATUSES.map((s, i) => [s, new LiveCount(slots, COUNTY, 0, i)])) as Record<
      ProblemFacts['status'],
      LiveCount
    >;
    this.lists = LISTS.map((_, i) => new LiveCount(slots, COUNTY, 1 << (LIST_SHIFT + i)));
    this.bySource = ProblemSources.options.map((_, i) => liveTally(slots, BY_SOURCE * GROUP + i));
    this.byCategory = ProblemCategories.options.map((_, i) => liveTally(slots, BY_CATEGORY * GROUP + i));
  }

  /** Puts a problem on the map as its facts now stand, replacing what was there for it (built once: puts it, once). */
  put(f: ProblemFacts): void {
    const slots = this.slots;
    const onMap = this.unitId === null || f.unitId === this.unitId;
    let slot = this.once ? undefined : slots.slotOf(f.ledgerNumber);
    if (slot === undefined) {
      if (!onMap) return;
      slot = slots.add(f);
    }
    const previous = slots.codes.at(slot);
    if (previous & ON_MAP) this.count(slot, previous, -1);
    if (!onMap) {
      slots.codes.set(slot, 0);
      slots.wakes.set(slot, NO_WAKE);
      slots.moved();
      return;
    }
    const unit = slots.unitOf(f.unitId);
    if (!(previous & ON_MAP) || slots.units.at(slot) !== unit) slots.moved();
    slots.units.set(slot, unit);
    if (unit >= 0 && unit === this.byUnit.length) this.byUnit.push(liveTally(slots, BY_UNIT * GROUP + unit));
    slots.sources.set(slot, SOURCE_INDEX.get(f.source)!);
    slots.categories.set(slot, CATEGORY_INDEX.get(f.category)!);
    slots.deadlines.set(slot, f.deadline);
    const code = this.codeOf(f);
    slots.codes.set(slot, code);
    this.count(slot, code, 1);
    if (this.once) return;
    const wake = nextChange(f, this.day, this.rules.dueSoonDays);
    slots.wakes.set(slot, wake === null ? NO_WAKE : dayNumber(wake));
  }

  /** What the map shows of a problem on its day: the counts it is in and its item's light, status, reasons and consolidation. */
  private codeOf(f: ProblemFacts): number {
    const { light, reasons } = itemLight(f, this.day, this.dueSoonLimit, this.rules);
    const open = isOpen(f);
    const closed = f.status === 'closed';
    let code = ON_MAP | LIGHT_BIT[light] | (STATUS_INDEX.get(f.status)! << STATUS_SHIFT);
    if (open) code |= T_OPEN;
    if (reasons[0] === 'overdue') code |= T_OVERDUE;
    for (const reason of reasons) code |= REASON_BIT[reason];
    if (reasons.includes('due_soon')) code |= T_DUE_SOON;
    if (closed) code |= T_CLOSED;
    if (f.extensions !== null) code |= LIST_BIT.extended;
    if (f.rejections !== null) code |= LIST_BIT.rejected;
    if (f.deadline === null && open) code |= LIST_BIT.withoutDeadline;
    if (closed) code |= closedOnTime(f) ? LIST_BIT.onTime : LIST_BIT.late;
    if (f.consolidation === 'awaiting_recheck') {
      code |= LIST_BIT.awaitingRecheck;
      if (isRecheckOverdueFacts(f, this.day)) code |= LIST_BIT.recheckOverdue;
    }
    if (f.openOrder !== null) {
      code |= LIST_BIT.awaitingReply;
      if (f.openOrder.finishBy !== null && this.day > f.openOrder.finishBy) code |= LIST_BIT.replyOverdue;
    }
    return code | (CONSOLIDATIONS.indexOf(f.consolidation) << CONSOLIDATION_SHIFT);
  }

  /** Adds `by` to every count the problem in `slot` with `code` is in. */
  private count(slot: number, code: number, by: number): void {
    const slots = this.slots;
    countIn(this.county, code, by);
    countIn(this.bySource[slots.sources.at(slot)]!, code, by);
    countIn(this.byCategory[slots.categories.at(slot)]!, code, by);
    const unit = slots.units.at(slot);
    if (unit >= 0) countIn(this.byUnit[unit]!, code, by);
    this.byStatus[STATUSES[(code >>> STATUS_SHIFT) & 7]!].size += by;
    for (let i = 0; i < LISTS.length; i++) if (code & (1 << (LIST_SHIFT + i))) this.lists[i]!.size += by;
  }

  /**
   * Moves the map to a later day, putting again only the problems whose day-dependent state may
   * change by then (their wake day has come): the first query of a new day costs what changed, not
   * the whole county. `facts` gives a problem's facts as they stand now.
   */
  advanceTo(day: string, facts: (problemId: string) => ProblemFacts | undefined): void {
    if (this.once) throw new RangeError('A map built once does not move to another day');
    if (day <= this.day) throw new RangeError(`A map moves forward only: ${day} is not after ${this.day}`);
    this.day = day;
    this.dueSoonLimit = plusDays(day, this.rules.dueSoonDays);
    const slots = this.slots;
    const today = dayNumber(day);
    for (let slot = 0; slot < slots.length; slot++) {
      if (slots.wakes.at(slot) > today) continue;
      const f = facts(slots.problemIds.at(slot));
      if (f) this.put(f);
      else slots.wakes.set(slot, NO_WAKE);
    }
  }

  /** The map as it stands, as of `instant` (on this accumulator's day). Its counts are live: read them now. */
  result(instant: string): BattleMap {
    const lists = Object.fromEntries(LISTS.map((name, i) => [name, this.lists[i]!])) as Record<(typeof LISTS)[number], LiveCount>;
    const tally = this.county.tally;
    const slots = this.slots;
    return {
      asOf: instant,
      day: this.day,
      policyVersion: this.policy.version,
      unitId: this.unitId,
      light: unitLight(tally, this.rules),
      tally,
      byStatus: this.byStatus,
      extended: lists.extended,
      rejected: lists.rejected,
      withoutDeadline: lists.withoutDeadline,
      closedOnTime: lists.onTime,
      closedLate: lists.late,
      awaitingRecheck: lists.awaitingRecheck,
      recheckOverdue: lists.recheckOverdue,
      awaitingSupervisionReply: lists.awaitingReply,
      supervisionReplyOverdue: lists.replyOverdue,
      onTimeClosureRate: tally.closed.size === 0 ? null : lists.onTime.size / tally.closed.size,
      bySource: ProblemSources.options.flatMap((source, i) => {
        const t = this.bySource[i]!.tally;
        return t.total.size > 0 ? [{ source, ...t }] : [];
      }),
      byCategory: ProblemCategories.options.flatMap((category, i) => {
        const t = this.byCategory[i]!.tally;
        return t.total.size > 0 ? [{ category, ...t }] : [];
      }),
      units: [...slots.unitIds.keys()]
        .filter((u) => this.byUnit[u]!.tally.total.size > 0)
        .sort((a, b) => (slots.unitIds[a]! < slots.unitIds[b]! ? -1 : 1))
        .map((u) => {
          const t = this.byUnit[u]!.tally;
          return { unitId: slots.unitIds[u]!, light: unitLight(t, this.rules), ...t };
        }),
      items: () => {
        const items: BattleMapItem[] = [];
        for (let slot = 0; slot < slots.length; slot++) if (slots.codes.at(slot) & ON_MAP) items.push(slots.item(slot));
        return items;
      },
      // A problem's category is its raise's: the slot's is the facts'.
      [WALL_FROM_SLOTS]: () => slots.wall(),
    };
  }
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

/** What the monthly bulletin reads of a county's map: its light, its items overdue, each unit's light with its red and overdue items. */
export type CountyLights = {
  light: Light;
  tally: { overdue: ProblemSet };
  units: readonly { unitId: string; light: Light; red: ProblemSet; overdue: ProblemSet }[];
};

/**
 * A county's `CountyLights` as its battle map of `at` under `policy` has them (the same `itemLight` and `unitLight`, the
 * same overdue count), in slices, without the map: no items, wall or other counts (issue 12: a bulletin published from a
 * replay built two whole past maps, a third of what a first start at a million events left for the collector).
 */
export async function slicedCountyLights(state: FactsState, at: At, policy: PolicyChoice): Promise<CountyLights> {
  const rules = policy.document.lights;
  const dueSoonLimit = plusDays(at.day, rules.dueSoonDays);
  type Lights = { red: LedgerNumbers; yellow: { size: number }; overdue: LedgerNumbers };
  const lights = (): Lights => ({ red: new LedgerNumbers(), yellow: { size: 0 }, overdue: new LedgerNumbers() });
  const count = (c: Lights, light: Light, overdue: boolean, ledgerNumber: string) => {
    if (light === 'red') c.red.add(ledgerNumber);
    else if (light === 'yellow') c.yellow.size += 1;
    if (overdue) c.overdue.add(ledgerNumber);
  };
  const county = lights();
  const byUnit = new Map<string, Lights>();
  const clock = sliceClock();
  for (const f of state.problems.values()) {
    if (clock.due()) await yieldToEventLoop();
    const { light, reasons } = itemLight(f, at.day, dueSoonLimit, rules);
    const overdue = reasons[0] === 'overdue';
    count(county, light, overdue, f.ledgerNumber);
    if (f.unitId === null) continue;
    let unit = byUnit.get(f.unitId);
    if (!unit) byUnit.set(f.unitId, (unit = lights()));
    count(unit, light, overdue, f.ledgerNumber);
  }
  return {
    light: unitLight(county, rules),
    tally: { overdue: county.overdue },
    units: [...byUnit.keys()].sort().map((unitId) => {
      const u = byUnit.get(unitId)!;
      return { unitId, light: unitLight(u, rules), red: u.red, overdue: u.overdue };
    }),
  };
}

/** Puts problems on a map in slices (of time, or of `every` problems when given: the tests' way to force yields). */
export async function putSliced(
  accumulator: { put(f: ProblemFacts): void },
  problems: Iterable<ProblemFacts>,
  every?: number,
): Promise<void> {
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
