import { createHash } from 'node:crypto';
import {
  type InterviewLevel,
  type InterviewRule,
  type Light,
  type Month,
  monthDays,
  monthEndInstant,
  previousMonth,
} from '../domain/index.js';
import { canonicalJson, hashCanonicalJsonSliced } from '../eventstore/canonicalJson.js';
import type { RecordedEvent } from '../eventstore/port.js';
import { type CountyLights, closedOnTime, overdueSince, slicedCountyLights } from './battleMap.js';
import { sliceClock, sliced, sortingStrings, yieldToEventLoop } from './slices.js';
import { type At, policyInForce } from './policyInForce.js';
import { type FactsState, type ProblemFacts, eventIdOf, eventIdOrNull, problemFacts } from './problemFacts.js';
import { dayOf, daysFrom, instantMs } from './time.js';

/*
 * 月通报: the county's monthly bulletin, built from the problem facts as of the month's end (the
 * same fold the battle map and the scorecards read) and the battle map of that instant. A plain,
 * serialisable value: its canonical JSON is what publishing hashes, and the documents (.docx,
 * .xlsx, the print page) render it as it is. Every figure carries the ledger numbers (台账编号) and
 * the events behind it, as the wall's counts do.
 */

/** How many of the longest-overdue items the bulletin names. */
export const LONGEST_OVERDUE_ITEMS = 10;

/**
 * A count that drills down: each counted thing is one event (a raise, a closing, an order, a
 * reply, an interview, a report), so `count` is the number of `eventIds`; `ledgerNumbers` are the
 * problems they are about, each once, in order.
 */
export type BulletinFigure = { count: number; ledgerNumbers: string[]; eventIds: string[] };

/** A line's headline counts, for last month's figures and the change from them. */
export type BulletinCounts = { raised: number; closed: number; overdue: number; onTimeClosureRate: number | null };

/** A line's figures for the month. */
export type BulletinFigures = {
  /** 新增: raised in the month (by the day it was raised). */
  raised: BulletinFigure;
  /** 销号: closed in the month and still closed at the month's end. */
  closed: BulletinFigure;
  /** Of those, closed on time (fixed on or before the deadline, or without one). */
  closedOnTime: BulletinFigure;
  /** 逾期: overdue at the month's end, as the wall says it (the deadline's day passed, not reported fixed). */
  overdue: BulletinFigure;
  /** 按期销号率: closed on time ÷ closed in the month; null when nothing was closed. */
  onTimeClosureRate: number | null;
};

/** A line of the bulletin (the county's, or a unit's): the month, last month, and the change (this month − last month). */
export type BulletinLine = { figures: BulletinFigures; previous: BulletinCounts; change: BulletinCounts; light: Light };

/** A unit's line, ranked (docs/policies.md, "The monthly bulletin"). */
export type BulletinUnitLine = BulletinLine & { unitId: string; name: string; rank: number };

/** 红灯单位: a unit red on the wall at the month's end, named, with its red items. */
export type BulletinRedUnit = { unitId: string; name: string; red: BulletinFigure };

/** One of the items overdue longest at the month's end. */
export type BulletinOverdueItem = {
  problemId: string;
  ledgerNumber: string;
  unitId: string | null;
  unitName: string | null;
  deadline: string;
  /** The first day it counted as overdue. */
  overdueSince: string;
  /** Days overdue at the month's end, that first day included. */
  daysOverdue: number;
  /** The event that fixed the deadline it missed. */
  deadlineEventId: string;
};

/** 约谈: one held in the month. */
export type BulletinInterview = {
  interviewId: string;
  eventId: string;
  unitId: string;
  unitName: string;
  heldOn: string;
  rule: InterviewRule;
  level: InterviewLevel;
  interviewee: string;
  interviewer: string;
  ledgerNumbers: string[];
};

/** 12317 reports counted by report, with the reports' ids beside the figure. */
export type BulletinHotlineFigure = BulletinFigure & { reportIds: string[] };

export type Bulletin = {
  month: Month;
  /** The month's first day, and the last day counted (the month's last day, or today for the month under way). */
  from: string;
  through: string;
  /** The instant the figures are as of: the month's last instant, or now for the month under way. */
  asOf: string;
  /** The month is over: the figures are the month's, not so far. */
  complete: boolean;
  /** The policy in force at `asOf`, whose light rules make the wall's red. */
  policyVersion: number;
  county: BulletinLine;
  /** Every assessed unit, and every other unit with problems, ranked. */
  units: BulletinUnitLine[];
  redUnits: BulletinRedUnit[];
  /** The items overdue longest at the month's end, longest first (at most LONGEST_OVERDUE_ITEMS). */
  longestOverdue: BulletinOverdueItem[];
  /** 督办: orders issued in the month, and replies (答复) given in it. */
  supervision: { issued: BulletinFigure; answered: BulletinFigure };
  /** 约谈 held in the month. */
  interviews: { held: BulletinFigure; list: BulletinInterview[] };
  /** 12317 reports received in the month, and how they stood at its end: accepted (受理), dismissed (不予受理), pending. */
  hotline: {
    received: BulletinHotlineFigure;
    accepted: BulletinHotlineFigure;
    dismissed: BulletinHotlineFigure;
    pending: BulletinHotlineFigure;
  };
  /** 反弹: problems raised in the month as a recurrence of an earlier one, and closed problems reopened in it. */
  recurrences: { raised: BulletinFigure; reopened: BulletinFigure };
};

/** The facts and instant one month's figures are counted from. */
export type MonthBasis = { facts: FactsState; at: At };

/**
 * The county's lights of a month's basis as its battle map has them, under the policy in force at its instant: the
 * application's live map when the basis is the live facts, else `countyLightsSliced`.
 */
export type MapOf = (facts: FactsState, at: At) => Promise<CountyLights>;

/** The county's lights of a month's basis built in slices from its facts (a replay's; the integrity check, the tests). */
export const countyLightsSliced: MapOf = (facts, at) => slicedCountyLights(facts, at, policyInForce(facts, at.instant));

type Counted = { ledgerNumbers: readonly string[]; eventId: string };

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A figure from the things counted, pausing (`yield`) every few thousand: a county's month counts up to tens of
 * thousands of items, whose ledger numbers and event ids sorted at once held the event loop 50-70 ms at a million
 * events (issue 12, a first start's CPU profile). Sorted as `compare` sorts (UTF-16 code units). The ledger numbers are
 * sorted with their repeats (an interview names several; a problem may be counted twice), then each kept once: a Set of
 * them grew by rehashing tens of thousands at once and was spread in one block (a first start's profile, round 13).
 */
function* figuring(counted: readonly Counted[]): Generator<void, BulletinFigure> {
  const named: string[] = [];
  const eventIds: string[] = new Array(counted.length);
  for (let i = 0; i < counted.length; i++) {
    const c = counted[i]!;
    for (const n of c.ledgerNumbers) named.push(n);
    eventIds[i] = c.eventId;
    if ((i & 4095) === 4095) yield;
  }
  const sorted = yield* sortingStrings(named);
  const ledgerNumbers: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) ledgerNumbers.push(sorted[i]!);
    if ((i & 4095) === 4095) yield;
  }
  return { count: counted.length, ledgerNumbers, eventIds: yield* sortingStrings(eventIds) };
}

/** A figure from the things counted, built in slices. */
const figure = (counted: readonly Counted[]): Promise<BulletinFigure> => sliced(figuring(counted));

type Draft = { raised: Counted[]; closed: Counted[]; onTime: Counted[]; overdue: Counted[] };
const emptyDraft = (): Draft => ({ raised: [], closed: [], onTime: [], overdue: [] });

const inMonth = (day: string | null, from: string, through: string) => day !== null && day >= from && day <= through;

/**
 * The month's per-line counts from its facts: the county's, and each responsible unit's (at the month's end). One pass over
 * every problem, in slices with a yield between them.
 */
async function tallyMonth(
  basis: MonthBasis,
  from: string,
  mapOf: MapOf,
): Promise<{ map: CountyLights; county: Draft; units: Map<string, Draft> }> {
  const { facts, at } = basis;
  const map = await mapOf(facts, at);
  const clock = sliceClock();
  // The items overdue as a set made in slices: a published month's list makes its own on its first `has`, in one block
  // (35 ms at a million events: a CPU profile of a first start).
  const overdue = new Set<string>();
  for (const ledgerNumber of map.tally.overdue) {
    overdue.add(ledgerNumber);
    if (clock.due()) await yieldToEventLoop();
  }
  const county = emptyDraft();
  const units = new Map<string, Draft>();
  for (const f of facts.problems.values()) {
    if (clock.due()) await yieldToEventLoop();
    let unit: Draft | null = null;
    if (f.unitId !== null) {
      unit = units.get(f.unitId) ?? null;
      if (!unit) units.set(f.unitId, (unit = emptyDraft()));
    }
    const raised = inMonth(f.raisedOn, from, at.day);
    const closed = f.status === 'closed' && inMonth(f.closedOn, from, at.day);
    const late = overdue.has(f.ledgerNumber);
    if (!raised && !closed && !late) continue;
    // Each thing counted made once, for the county's line and the unit's (issue 12: two copies of each, and lists made for
    // every problem counted or not, were what a first start's bulletins left most for the collector).
    const one = [f.ledgerNumber];
    const counted = (key: keyof Draft, entry: Counted) => {
      county[key].push(entry);
      unit?.[key].push(entry);
    };
    if (raised) counted('raised', { ledgerNumbers: one, eventId: eventIdOf(f.raisedEventId) });
    if (closed) {
      const entry = { ledgerNumbers: one, eventId: eventIdOf(f.closedEventId!) };
      counted('closed', entry);
      if (closedOnTime(f)) counted('onTime', entry);
    }
    if (late) counted('overdue', { ledgerNumbers: one, eventId: eventIdOf(f.deadlineEventId ?? f.raisedEventId) });
  }
  return { map, county, units };
}

const rate = (d: Draft) => (d.closed.length === 0 ? null : d.onTime.length / d.closed.length);
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function counts(d: Draft | undefined): BulletinCounts {
  const draft = d ?? emptyDraft();
  return { raised: draft.raised.length, closed: draft.closed.length, overdue: draft.overdue.length, onTimeClosureRate: rate(draft) };
}

async function line(d: Draft | undefined, before: Draft | undefined, light: Light): Promise<BulletinLine> {
  const draft = d ?? emptyDraft();
  const now = counts(draft);
  const previous = counts(before);
  return {
    figures: {
      raised: await figure(draft.raised),
      closed: await figure(draft.closed),
      closedOnTime: await figure(draft.onTime),
      overdue: await figure(draft.overdue),
      onTimeClosureRate: now.onTimeClosureRate,
    },
    previous,
    change: {
      raised: now.raised - previous.raised,
      closed: now.closed - previous.closed,
      overdue: now.overdue - previous.overdue,
      onTimeClosureRate:
        now.onTimeClosureRate === null || previous.onTimeClosureRate === null
          ? null
          : round4(now.onTimeClosureRate - previous.onTimeClosureRate),
    },
    light,
  };
}

/**
 * The ranking rule (docs/policies.md): fewer items overdue at the month's end first; then the
 * higher on-time closure rate in the month (a unit that closed nothing after every unit that
 * closed something); then more items closed in the month. Lines equal on all three share a rank
 * (1, 2, 2, 4) and are listed by name.
 */
function rankUnits(lines: Omit<BulletinUnitLine, 'rank'>[]): BulletinUnitLine[] {
  const key = (l: Omit<BulletinUnitLine, 'rank'>) => [
    l.figures.overdue.count,
    -(l.figures.onTimeClosureRate ?? -1),
    -l.figures.closed.count,
  ];
  const byKey = (a: Omit<BulletinUnitLine, 'rank'>, b: Omit<BulletinUnitLine, 'rank'>) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  };
  const sorted = [...lines].sort((a, b) => byKey(a, b) || a.name.localeCompare(b.name, 'zh-CN') || compare(a.unitId, b.unitId));
  const ranked: BulletinUnitLine[] = [];
  sorted.forEach((l, i) => {
    const rank = i > 0 && byKey(sorted[i - 1]!, l) === 0 ? ranked[i - 1]!.rank : i + 1;
    ranked.push({ ...l, rank });
  });
  return ranked;
}

/** The event behind an item's red light: the deadline it missed, else the verification that sent it back. */
const redEvidence = (f: ProblemFacts, overdue: boolean) =>
  (overdue ? eventIdOrNull(f.deadlineEventId) : f.rejections?.at(-1)?.id) ?? eventIdOf(f.deadlineEventId ?? f.raisedEventId);

/**
 * The bulletin of a month, from the facts as of its end (`current`) and as of the end of the month
 * before (`previous`), both read from the same log. `complete` says the month is over. Built in
 * slices (issue 12: a pass over every problem, and the battle maps, at a million events held the
 * event loop for most of a second): the facts must not move while it is built (replays, or the
 * live state of a month under way, whose figures are "so far" anyway).
 */
export async function buildBulletin(
  month: Month,
  current: MonthBasis,
  previous: MonthBasis,
  complete: boolean,
  mapOf: MapOf = countyLightsSliced,
): Promise<Bulletin> {
  const { facts, at } = current;
  const { first } = monthDays(month);
  const now = await tallyMonth(current, first, mapOf);
  const before = await tallyMonth(previous, monthDays(previous.at.day.slice(0, 7)).first, mapOf);
  const clock = sliceClock();
  const policy = policyInForce(facts, at.instant);
  const unitName = (id: string) => facts.units.get(id)?.name ?? id;
  const lights = new Map(now.map.units.map((u) => [u.unitId, u]));

  // Every unit the policy assesses that existed in the month, and every unit with problems in either month.
  const assessed = new Set(policy.document.scoring.assessedUnitKinds);
  const unitIds = new Set<string>([...now.units.keys(), ...before.units.keys()]);
  for (const u of facts.units.values())
    if (assessed.has(u.kind) && u.registeredOn <= at.day && (u.mergedOn === null || u.mergedOn >= first)) unitIds.add(u.unitId);
  const lines: Omit<BulletinUnitLine, 'rank'>[] = [];
  for (const unitId of unitIds)
    lines.push({
      unitId,
      name: unitName(unitId),
      ...(await line(now.units.get(unitId), before.units.get(unitId), lights.get(unitId)?.light ?? 'green')),
    });
  const units = rankUnits(lines);

  const redUnits: BulletinRedUnit[] = [];
  for (const u of units) {
    if (u.light !== 'red') continue;
    const row = lights.get(u.unitId)!;
    const red: Counted[] = [];
    for (const id of facts.problemsByUnit.get(u.unitId) ?? []) {
      if (clock.due()) await yieldToEventLoop();
      if (row.red.has(facts.problems.get(id)!.ledgerNumber)) {
        const f = facts.problems.get(id)!;
        red.push({ ledgerNumbers: [f.ledgerNumber], eventId: redEvidence(f, row.overdue.has(f.ledgerNumber)) });
      }
    }
    redUnits.push({ unitId: u.unitId, name: u.name, red: await figure(red) });
  }

  // The longest overdue, earliest overdue first, then by ledger number: kept as the pass goes, where a stable sort of every
  // overdue item would put each (issue 12: that sort, of tens of thousands at a million events, held the loop 40-60 ms).
  const longestOverdue: BulletinOverdueItem[] = [];
  const byOverdue = (a: Pick<BulletinOverdueItem, 'overdueSince' | 'ledgerNumber'>, b: typeof a) =>
    compare(a.overdueSince, b.overdueSince) || compare(a.ledgerNumber, b.ledgerNumber);
  for (const f of facts.problems.values()) {
    if (clock.due()) await yieldToEventLoop();
    if (!now.map.tally.overdue.has(f.ledgerNumber)) continue;
    const since = overdueSince(f);
    const item = { overdueSince: since, ledgerNumber: f.ledgerNumber };
    let place = longestOverdue.length;
    while (place > 0 && byOverdue(longestOverdue[place - 1]!, item) > 0) place--;
    if (place >= LONGEST_OVERDUE_ITEMS) continue;
    longestOverdue.splice(place, 0, {
      problemId: f.problemId,
      ledgerNumber: f.ledgerNumber,
      unitId: f.unitId,
      unitName: f.unitId === null ? null : unitName(f.unitId),
      deadline: f.deadline!,
      overdueSince: since,
      daysOverdue: daysFrom(since, at.day) + 1,
      deadlineEventId: eventIdOf(f.deadlineEventId ?? f.raisedEventId),
    });
    if (longestOverdue.length > LONGEST_OVERDUE_ITEMS) longestOverdue.pop();
  }

  const issued: Counted[] = [];
  const answered = new Map<string, Counted>();
  const recurrences: Counted[] = [];
  const reopened: Counted[] = [];
  for (const f of facts.problems.values()) {
    if (clock.due()) await yieldToEventLoop();
    const one = [f.ledgerNumber];
    for (const order of f.orders ?? []) {
      if (inMonth(order.day, first, at.day)) issued.push({ ledgerNumbers: one, eventId: order.eventId });
      // One reply answers its order and the earlier ones still open: it counts once.
      if (order.reply && inMonth(order.reply.day, first, at.day))
        answered.set(order.reply.id, { ledgerNumbers: one, eventId: order.reply.id });
    }
    if (f.recurrenceOf !== null && inMonth(f.raisedOn, first, at.day))
      recurrences.push({ ledgerNumbers: one, eventId: eventIdOf(f.raisedEventId) });
    for (const r of f.reopens ?? []) if (inMonth(r.day, first, at.day)) reopened.push({ ledgerNumbers: one, eventId: r.id });
  }

  const interviews: BulletinInterview[] = [];
  for (const held of facts.interviews.values())
    for (const i of held)
      if (inMonth(i.heldOn, first, at.day))
        interviews.push({
          interviewId: i.interviewId,
          eventId: i.eventId,
          unitId: i.unitId,
          unitName: unitName(i.unitId),
          heldOn: i.heldOn,
          rule: i.rule,
          level: i.level,
          interviewee: i.interviewee,
          interviewer: i.interviewer,
          ledgerNumbers: [...i.ledgerNumbers].sort(compare),
        });
  interviews.sort((a, b) => compare(a.heldOn, b.heldOn) || compare(a.eventId, b.eventId));

  const reports = { received: [] as Counted[], accepted: [] as Counted[], dismissed: [] as Counted[], pending: [] as Counted[] };
  const reportIds = { received: [] as string[], accepted: [] as string[], dismissed: [] as string[], pending: [] as string[] };
  for (const r of facts.hotline.values()) {
    if (!inMonth(r.submittedOn, first, at.day)) continue;
    const problem = r.problemId ? facts.problems.get(r.problemId) : undefined;
    const ledgerNumbers = problem ? [problem.ledgerNumber] : [];
    const ended = r.outcome ?? 'pending';
    reports.received.push({ ledgerNumbers, eventId: r.submittedEventId });
    reports[ended].push({ ledgerNumbers, eventId: r.outcomeEventId ?? r.submittedEventId });
    reportIds.received.push(r.reportId);
    reportIds[ended].push(r.reportId);
  }
  const hotline = async (k: keyof typeof reports): Promise<BulletinHotlineFigure> => ({
    ...(await figure(reports[k])),
    reportIds: await sliced(sortingStrings(reportIds[k])),
  });

  return {
    month,
    from: first,
    through: at.day,
    asOf: at.instant,
    complete,
    policyVersion: policy.version,
    county: await line(now.county, before.county, now.map.light),
    units,
    redUnits,
    longestOverdue,
    supervision: { issued: await figure(issued), answered: await figure([...answered.values()]) },
    interviews: {
      held: await figure(interviews.map((i) => ({ ledgerNumbers: i.ledgerNumbers, eventId: i.eventId }))),
      list: interviews,
    },
    hotline: {
      received: await hotline('received'),
      accepted: await hotline('accepted'),
      dismissed: await hotline('dismissed'),
      pending: await hotline('pending'),
    },
    recurrences: { raised: await figure(recurrences), reopened: await figure(reopened) },
  };
}

/** The bulletin's canonical JSON (eventstore/canonicalJson.ts): what publishing fixes. */
export const bulletinCanonical = (bulletin: Bulletin): string => canonicalJson(bulletin);

/**
 * The SHA-256 of the bulletin's canonical JSON: a published bulletin's `bulletinHash`. Hashed in slices (a county's
 * bulletin names some 100k ledger numbers: ~0.1 s in one block), the same bytes as `bulletinCanonical`, so the same hash.
 */
export async function bulletinHash(bulletin: Bulletin): Promise<string> {
  return (await hashCanonicalJsonSliced(createHash('sha256'), bulletin)).digest('hex');
}

/** The basis of a complete month's bulletin: the facts as of its last instant. */
export const monthEndAt = (month: Month): At => {
  const instant = monthEndInstant(month);
  return { instant, day: dayOf(instant) };
};

/**
 * A published month's bulletin built again from the log: only the events at or before the pinned
 * position, each month's facts as of its last instant. The same code publishing used, so an
 * untouched log gives the same canonical JSON, hence the same hash. Folds and builds in slices.
 */
export async function rebuildBulletin(
  events: Iterable<RecordedEvent>,
  pin: { month: Month; position: number },
): Promise<{ bulletin: Bulletin; hash: string }> {
  const current = monthEndAt(pin.month);
  const previous = monthEndAt(previousMonth(pin.month));
  const [currentMs, previousMs] = [instantMs(current.instant), instantMs(previous.instant)];
  const now = problemFacts.initial();
  const before = problemFacts.initial();
  const clock = sliceClock();
  for (const event of events) {
    if (clock.due()) await yieldToEventLoop();
    if (event.position > pin.position) continue;
    const ms = instantMs(event.metadata.occurredAt);
    if (ms <= currentMs) problemFacts.apply(now, event);
    if (ms <= previousMs) problemFacts.apply(before, event);
  }
  const bulletin = await buildBulletin(pin.month, { facts: now, at: current }, { facts: before, at: previous }, true);
  return { bulletin, hash: await bulletinHash(bulletin) };
}
