import { GrowingMap, type ShardedMap, shardFor, shardedMap } from './growingMap.js';
import {
  type AssessmentFinalizedData,
  type AssessmentItemRecordedData,
  type ExemptionApplicationStatus,
  type ExemptionAppliedData,
  type ExemptionRefusedData,
  type BulletinPublishedData,
  type HotlineEvent,
  type ExemptionGrantedData,
  type InterviewEvent,
  type PolicyDocument,
  type PolicyEvent,
  type ProblemCategory,
  type ProblemEvent,
  type ProblemSource,
  type ProblemStatus,
  type UnitEvent,
  type UnitKind,
  type UnitLeader,
  assertNever,
  defaultPolicy,
  migratedDayOf,
  problemEventDefinitions,
  recheckDueOn,
  unitEventDefinitions,
} from '../domain/index.js';
import { isCheckpoint } from '../eventstore/checkpoints.js';
import type { RecordedEvent } from '../eventstore/port.js';
import { type AdoptedVersion, adoptedVersion } from './adoptedVersions.js';
import { internString } from './intern.js';
import { policyInForce } from './policyInForce.js';
import type { Projection } from './runner.js';
import { dayOf, instantMs } from './time.js';
import { type SweepFacts, applySweepEvent, sweepEventTypes } from './sweeps.js';

/**
 * An event id as a problem's record keeps it (issue 12, aim 2): an id written as a UUID (every id the
 * application makes) is kept as its 16 bytes, a string of 16 one-byte characters (32 bytes in the heap
 * instead of 56 for the 36 characters); any other id with one character before it saying so (`\u0001`,
 * or `\u0002` twice for an id of 15 characters), so that no other id is ever 16 characters long. Read
 * it with `eventIdOf`. Opaque, so the compiler finds every reader that must unpack it.
 */
export type PackedEventId = { readonly packedEventId: never };

/** Where each of a UUID's 16 bytes starts among its 36 characters. */
const BYTE_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
/** A lowercase hex digit's value by its character code; -1 for any other character. */
const NIBBLE = Array.from({ length: 128 }, (_, c) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1));
const bytes = new Array<number>(16);
/** The character codes of lowercase hex digits, by value. */
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** A UUID's 36 character codes as `eventIdOf` writes them (its dashes stay where they are). */
const uuidCodes: number[] = Array.from({ length: 36 }, (_, i) => (i === 8 || i === 13 || i === 18 || i === 23 ? 45 : 48));

/** A UUID's 16 bytes in `bytes`, false when `id` is not a lowercase UUID (read by character codes: no regex, no slices). */
function uuidBytes(id: string): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45)
    return false;
  for (let i = 0; i < 16; i++) {
    const at = BYTE_AT[i]!;
    const high = NIBBLE[id.charCodeAt(at)] ?? -1;
    const low = NIBBLE[id.charCodeAt(at + 1)] ?? -1;
    if (high < 0 || low < 0) return false;
    bytes[i] = high * 16 + low;
  }
  return true;
}

export function packEventId(id: string): PackedEventId {
  // One call, one flat string: `+=` would keep a tree of pieces (a cons string) larger than the id.
  if (uuidBytes(id)) return String.fromCharCode.apply(null, bytes) as unknown as PackedEventId;
  return (id.length === 15 ? `\u0002\u0002${id}` : `\u0001${id}`) as unknown as PackedEventId;
}

/** The event id `packEventId` kept. */
export function eventIdOf(packed: PackedEventId): string {
  const kept = packed as unknown as string;
  if (kept.length !== 16) return kept.slice(kept.charCodeAt(0) === 2 ? 2 : 1);
  // One call, one flat string, as `packEventId`: `+=` made some twenty strings per id, and a bulletin's tallies and the
  // interview triggers ask for tens of thousands of ids (issue 12: most of what a first start's collections copied).
  for (let i = 0; i < 16; i++) {
    const byte = kept.charCodeAt(i);
    const at = BYTE_AT[i]!;
    uuidCodes[at] = HEX_CODES[byte >> 4]!;
    uuidCodes[at + 1] = HEX_CODES[byte & 15]!;
  }
  return String.fromCharCode.apply(null, uuidCodes);
}

/** `eventIdOf`, null kept null. */
export const eventIdOrNull = (packed: PackedEventId | null): string | null => (packed === null ? null : eventIdOf(packed));

/** An event a read model points at as evidence: its id and the county day it happened. */
export type EventRef = { id: string; day: string };
/** An event that concerns the unit holding the item then (延期, 验收不通过, 督办, 重新打开): that lead unit (转办 moves it). */
export type HeldEventRef = EventRef & { unitId: string | null };
/** A lead unit's time with the item: from the county day of its assignment or transfer (转办) in. */
export type Holding = { unitId: string; from: string; eventId: string };

/** A deadline (整改时限) as set or extended: the day it names, the county day it was recorded, and its event. */
export type DeadlineRef = { deadline: string; day: string; eventId: string };

/** A 督办 and the unit's reply to it (a reply answers its order and every earlier one still open). */
export type SupervisionOrderFacts = {
  eventId: string;
  /** The county day it was ordered. */
  day: string;
  supervisionCount: number;
  /** 办结时限; null for orders written before it was recorded. */
  finishBy: string | null;
  triggerId: string | null;
  reply: EventRef | null;
};

/**
 * What the battle map, the interview triggers and the scorecards need to know about a problem, and
 * no more: its status and dates, and the ids of the events that evidence each fact.
 */
export type ProblemFacts = {
  problemId: string;
  ledgerNumber: string;
  source: ProblemSource;
  category: ProblemCategory;
  raisedOn: string;
  raisedEventId: PackedEventId;
  /** 复发: the earlier problem this one repeats, named at the raise (older raises) or linked (ProblemLinked). */
  recurrenceOf: string | null;
  /** The ProblemLinked that made it a recurrence; null when an older raise named it (the raise is the evidence). */
  recurrenceEventId: PackedEventId | null;
  /** 牵头单位 (责任单位) now, once assigned: the battle map, the wall and the overdue triggers count it here. */
  unitId: string | null;
  /** 配合单位 now: each gets the policy's share (`scoring.coResponsibleShare`) of the lead unit's deductions. */
  coUnitIds: readonly string[];
  /**
   * Every lead unit it had, in order (the assignment, then each 转办): whose time it was on a day. Null
   * while the assignment is its only holding (most problems: a list and a record each for what
   * `unitId`, `assignedOn` and `assignedEventId` say already); read it through `holdingsOf`.
   */
  holdings: Holding[] | null;
  assignedOn: string | null;
  assignedEventId: PackedEventId | null;
  status: Exclude<ProblemStatus, 'not_raised'>;
  deadline: string | null;
  /** The DeadlineSet or DeadlineExtended event that fixed the current deadline. */
  deadlineEventId: PackedEventId | null;
  /** The county day the current deadline was set or extended (recorded); null without a deadline. */
  deadlineOn: string | null;
  /**
   * The deadlines set or extended before the current one, in log order, each with the county day it
   * was recorded; null while the current one is the only one (most problems: a list and a record each
   * for what `deadline`, `deadlineOn` and `deadlineEventId` say already). Read them all, the current
   * one last, through `deadlinesOf`: what `yearEndDue` judges a year on.
   */
  earlierDeadlines: DeadlineRef[] | null;
  /** The day it last entered rectification (assigned, rejected or reopened): it cannot be overdue before. */
  openSince: string;
  /** The day of the report that is waiting for, or passed, verification; null while in rectification. */
  rectifiedOn: string | null;
  rectifiedEventId: PackedEventId | null;
  /** The first report that passed verification: a fix that counted, even if the problem came back later. */
  acceptedReportOn: string | null;
  acceptedReportEventId: PackedEventId | null;
  /** The 销号 that followed that report (the first closing): it stays the evidence of the fix after a reopening. */
  acceptedClosedEventId: PackedEventId | null;
  /** Sent back by a rejected verification and not reported fixed again since. */
  reworking: boolean;
  closedOn: string | null;
  closedEventId: PackedEventId | null;
  extensions: HeldEventRef[] | null;
  rejections: HeldEventRef[] | null;
  supervisions: HeldEventRef[] | null;
  /** The 督办 orders with their replies, oldest first. */
  orders: SupervisionOrderFacts[] | null;
  /**
   * The 督办 waiting for the unit's reply, as the domain's `openSupervision`: the latest order, until
   * a reply answers it or 销号 finishes the work it asked for (a reopening does not bring it back).
   */
  openOrder: { supervisionCount: number; finishBy: string | null } | null;
  reopens: HeldEventRef[] | null;
  /** After 销号: awaiting the 回头看, or 巩固 confirmed; null while open. */
  consolidation: 'awaiting_recheck' | 'confirmed' | null;
  consolidatedOn: string | null;
  /**
   * The day the 回头看 of the last closing (销号) falls due, by the `timing` of the policy in force at
   * the closing (the scheduler's `recheckDueOn`); null while open.
   */
  recheckDueOn: string | null;
};

export type UnitFacts = {
  unitId: string;
  name: string;
  kind: UnitKind;
  parentUnitId: string | null;
  registeredOn: string;
  mergedOn: string | null;
  /** 领导班子 on record, with their days in post: whom an interview trigger names. */
  leaders: UnitLeader[];
};

export type PolicyVersion = AdoptedVersion<PolicyDocument>;

export type InterviewFacts = InterviewEvent['data'] & { eventId: string; occurredAt: string };
export type ExemptionFacts = ExemptionGrantedData & { eventId: string; occurredAt: string; grantedBy: string };
/** A 容错纠错 application as it stands, with the committee's decision once made. */
export type ExemptionApplicationFacts = ExemptionAppliedData & {
  eventId: string;
  occurredAt: string;
  /** Who filed it (the unit head, or the committee member for the committee's own exemption). */
  appliedBy: string;
  status: ExemptionApplicationStatus;
  /** The approval, refusal or withdrawal: its event, when, who recorded it, and the reasons (none for a withdrawal). */
  decision: { eventId: string; occurredAt: string; by: string; decidedBy: string | null; reasons: string | null } | null;
};
/** A further assessment item (考核事项), with who entered it. */
export type AssessmentItemFacts = AssessmentItemRecordedData & { eventId: string; occurredAt: string; recordedBy: string };
export type FinalizationFacts = AssessmentFinalizedData & { eventId: string; occurredAt: string; finalizedBy: string };
/** 月通报印发: a month's bulletin as published, with who published it. */
export type PublicationFacts = BulletinPublishedData & { eventId: string; occurredAt: string; publishedBy: string };

/** A 12317 report as the monthly bulletin counts it: the day it came in, and how it ended (受理 / 不予受理), if it has. */
export type HotlineFacts = {
  reportId: string;
  submittedOn: string;
  submittedEventId: string;
  outcome: 'accepted' | 'dismissed' | null;
  /** The problem it became, when accepted (受理). */
  problemId: string | null;
  outcomeEventId: string | null;
  outcomeDay: string | null;
};

export type FactsState = {
  problems: GrowingMap<ProblemFacts>;
  /** Problem ids by responsible unit, for per-unit answers without a scan. */
  problemsByUnit: Map<string, Set<string>>;
  units: Map<string, UnitFacts>;
  /** Adopted versions, in order; version 0 (the default) is not stored, it lives in the code. */
  policies: PolicyVersion[];
  /** Interviews held, by the trigger they answered. */
  interviews: Map<string, InterviewFacts[]>;
  /** Exemptions by year, keyed `unitId/lineId`. */
  exemptions: Map<number, Map<string, ExemptionFacts>>;
  finalizations: Map<number, FinalizationFacts>;
  /** 容错纠错 applications by year, by application id in filing order. */
  exemptionApplications: Map<number, Map<string, ExemptionApplicationFacts>>;
  /**
   * The id of the latest application on each deduction, by year, keyed `unitId/lineId`: what the card shows beside the
   * line (`applicationOnLine`). An id, not the record: the record changes when it is decided, and a snapshot reads back an
   * object two big maps hold as two copies (projections/snapshots.ts).
   */
  applicationsByLine: Map<number, Map<string, string>>;
  /** Exemptions that resolve an interview trigger, by trigger id. */
  exemptionsByTrigger: Map<string, ExemptionFacts[]>;
  /** Further assessment items (考核事项) by year, in recording order. */
  assessmentItems: Map<number, AssessmentItemFacts[]>;
  /** 12317 reports, by report id (the monthly bulletin's hotline figures). */
  hotline: Map<string, HotlineFacts>;
  /** Published monthly bulletins (月通报), by month. */
  publications: Map<string, PublicationFacts>;
  /** Sweeps (举一反三排查) by id, with their answers (projections/sweeps.ts). */
  sweeps: Map<string, SweepFacts>;
  /** Counts applied events: a cheap key for caching answers computed from this state. */
  changes: number;
  /** The latest `occurredAt` of an event that changed the facts, in ms: an as-of question at or after it is answered by this state as it is. */
  latestMs: number;
};

export const problemEventTypes = new Set<string>(problemEventDefinitions.map((d) => d.type));
const unitEventTypes = new Set<string>(unitEventDefinitions.map((d) => d.type));

/**
 * A problem's list with one more entry, as a new array: a problem's lists and orders are replaced,
 * never changed in place, so a copy of its record (`copyFacts`, the as-of history's snapshots) shares
 * them, and each array is its exact length (an array grown by `push` keeps room for a dozen more).
 */
function push<R>(list: readonly R[] | null, ref: R): R[] {
  return list === null ? [ref] : [...list, ref];
}

/** Every lead unit the problem had, in order: the assignment's (when there is one) unless its list says more. */
export function holdingsOf(f: ProblemFacts): readonly Holding[] {
  if (f.holdings !== null) return f.holdings;
  return f.assignedOn === null ? [] : [{ unitId: f.unitId!, from: f.assignedOn, eventId: eventIdOf(f.assignedEventId!) }];
}

/** No co-responsible unit: one list for every problem without one. */
const NO_UNITS: readonly string[] = Object.freeze([]);
const units = (ids: readonly string[] | undefined): readonly string[] => (ids === undefined || ids.length === 0 ? NO_UNITS : ids);

/**
 * States whose problems' records the as-of history's snapshots hold as they are (issue 12, aim 2), with
 * the problems whose record is the state's own since the last snapshot: an event on any other problem
 * copies its record first (once), so a record a snapshot holds is never changed. Before, each snapshot
 * held a copy of every problem changed or raised since the one before, whether it changed again or not.
 * Sharded (64 Maps, as `heads` in eventstore/streamHeads.ts): at ten million events one Set of the problems owned since
 * the last snapshot grew its table in a single `add`, 184 ms in a first start's CPU profile.
 */
const sharedRecords = new WeakMap<FactsState, ShardedMap<true>>();

/** From now on the records of `state` are held by a snapshot: each is copied before an event changes it. */
export function recordsShared(state: FactsState): void {
  sharedRecords.set(state, shardedMap());
}

/** Events of a problem that change nothing of its record (the ledger view shows them). */
const leavesRecord = new Set<string>([
  'RectificationPlanSubmitted',
  'ProgressReported',
  'CommentPosted',
  'ExtensionRequested',
  'ExtensionRequestApproved',
  'ExtensionRequestRefused',
]);

/** The problem's record to change: its own, or a copy of the one a snapshot holds (`recordsShared`). */
function ownRecord(state: FactsState, problemId: string, type: string): ProblemFacts | undefined {
  const f = state.problems.get(problemId);
  const owned = sharedRecords.get(state);
  if (f === undefined || owned === undefined || leavesRecord.has(type)) return f;
  const shard = shardFor(owned, problemId);
  if (shard.has(problemId)) return f;
  shard.set(problemId, true);
  const copy = { ...f };
  state.problems.set(problemId, copy);
  return copy;
}

function moveToUnit(state: FactsState, facts: ProblemFacts, unitId: string): void {
  if (facts.unitId === unitId) return;
  if (facts.unitId !== null) state.problemsByUnit.get(facts.unitId)?.delete(facts.problemId);
  let set = state.problemsByUnit.get(unitId);
  if (!set) state.problemsByUnit.set(unitId, (set = new Set()));
  set.add(facts.problemId);
  facts.unitId = unitId;
}

function applyProblemEvent(state: FactsState, event: ProblemEvent, recorded: RecordedEvent, ms: number): void {
  // The day it counts on: a migrated fact's business day (迁移导入), otherwise the county day it was recorded.
  // One string per county day (`internString`): a problem's record keeps several of them, each computed afresh.
  const day = migratedDayOf(event.data) ?? internString(dayOf(recorded.metadata.occurredAt, ms));
  const ref = { id: recorded.id, day };
  if (event.type === 'ProblemRaised') {
    if (state.problems.has(event.data.problemId)) return;
    const d = event.data;
    // A new record: no snapshot holds it yet.
    const owned = sharedRecords.get(state);
    if (owned !== undefined) shardFor(owned, d.problemId).set(d.problemId, true);
    state.problems.set(d.problemId, {
      problemId: d.problemId,
      ledgerNumber: d.ledgerNumber,
      source: d.source,
      category: d.category,
      raisedOn: d.raisedOn,
      raisedEventId: packEventId(recorded.id),
      recurrenceOf: d.recurrenceOf,
      recurrenceEventId: null,
      unitId: null,
      coUnitIds: NO_UNITS,
      holdings: null,
      assignedOn: null,
      assignedEventId: null,
      status: 'raised',
      deadline: null,
      deadlineEventId: null,
      deadlineOn: null,
      earlierDeadlines: null,
      openSince: d.raisedOn,
      rectifiedOn: null,
      rectifiedEventId: null,
      acceptedReportOn: null,
      acceptedReportEventId: null,
      acceptedClosedEventId: null,
      reworking: false,
      closedOn: null,
      closedEventId: null,
      extensions: null,
      rejections: null,
      supervisions: null,
      orders: null,
      openOrder: null,
      reopens: null,
      consolidation: null,
      consolidatedOn: null,
      recheckDueOn: null,
    });
    return;
  }
  const f = ownRecord(state, event.data.problemId, event.type);
  if (!f) return;
  // A literal, not `{ ...ref, unitId }`: that gives each of these objects a hidden class of its own (`sharedShape`).
  const held = { id: recorded.id, day, unitId: f.unitId };
  switch (event.type) {
    case 'ProblemAssigned':
      moveToUnit(state, f, event.data.responsibleUnitId);
      f.coUnitIds = units(event.data.coResponsibleUnitIds);
      // A reassignment before 签收 replaces the first holding (the unit never held it): the assignment is the only one.
      f.holdings = null;
      f.status = 'assigned';
      f.assignedOn = day;
      f.assignedEventId = packEventId(recorded.id);
      f.openSince = day;
      return;
    case 'AssignmentAcknowledged':
      f.status = 'rectifying';
      return;
    case 'DeadlineSet':
    case 'DeadlineExtended': {
      const current = currentDeadline(f);
      if (current !== null) f.earlierDeadlines = push(f.earlierDeadlines, current);
      f.deadline = event.data.deadline;
      f.deadlineEventId = packEventId(recorded.id);
      f.deadlineOn = day;
      if (event.type === 'DeadlineExtended') f.extensions = push(f.extensions, held);
      return;
    }
    case 'RectificationPlanSubmitted':
    case 'ProgressReported':
      return;
    case 'RectificationReported':
      f.status = 'awaiting_verification';
      f.rectifiedOn = day;
      f.rectifiedEventId = packEventId(recorded.id);
      f.reworking = false;
      return;
    case 'VerificationPassed':
      f.status = 'verified';
      if (f.acceptedReportOn === null) {
        f.acceptedReportOn = f.rectifiedOn;
        f.acceptedReportEventId = f.rectifiedEventId;
      }
      return;
    case 'VerificationRejected':
      f.status = 'rectifying';
      f.rejections = push(f.rejections, held);
      f.reworking = true;
      f.openSince = day;
      f.rectifiedOn = null;
      f.rectifiedEventId = null;
      return;
    case 'ProblemClosed':
      f.status = 'closed';
      f.closedOn = event.data.closedOn;
      f.closedEventId = packEventId(recorded.id);
      if (f.acceptedClosedEventId === null) f.acceptedClosedEventId = f.closedEventId;
      f.consolidation = 'awaiting_recheck';
      f.consolidatedOn = null;
      f.recheckDueOn = recheckDueOn(
        event.data.closedOn,
        policyInForce(state, recorded.metadata.occurredAt).document.timing ?? defaultPolicy.timing,
      );
      f.openOrder = null;
      return;
    case 'ProblemReopened':
      f.status = 'rectifying';
      f.reopens = push(f.reopens, held);
      f.openSince = day;
      f.rectifiedOn = null;
      f.rectifiedEventId = null;
      f.closedOn = null;
      f.closedEventId = null;
      f.consolidation = null;
      f.consolidatedOn = null;
      f.recheckDueOn = null;
      return;
    case 'SupervisionOrdered': {
      f.supervisions = push(f.supervisions, held);
      const { supervisionCount, finishBy, triggerId } = event.data;
      // `?? null`: an order written before finishBy and triggerId were recorded has neither.
      const order = { eventId: recorded.id, day, supervisionCount, finishBy: finishBy ?? null, triggerId: triggerId ?? null, reply: null };
      f.orders = push(f.orders, order);
      f.openOrder = { supervisionCount, finishBy: order.finishBy };
      return;
    }
    case 'SupervisionReplied':
      if (f.orders !== null)
        f.orders = f.orders.map((order) =>
          order.reply === null && order.supervisionCount <= event.data.supervisionCount ? { ...order, reply: ref } : order,
        );
      f.openOrder = null;
      return;
    case 'ConsolidationConfirmed':
      f.consolidation = 'confirmed';
      f.consolidatedOn = event.data.confirmedOn;
      return;
    case 'CommentPosted':
      // 批示 and 回复 are shown by the item, not counted.
      return;
    case 'ProblemLinked':
      // 复发 counts (scorecards, interview triggers); 相关 is only shown, by the ledger view.
      if (event.data.kind === 'recurrence') {
        f.recurrenceOf = event.data.earlierProblemId;
        f.recurrenceEventId = packEventId(recorded.id);
      }
      return;
    case 'CoResponsibleUnitsChanged':
      f.coUnitIds = units(event.data.coResponsibleUnitIds);
      return;
    case 'ProblemTransferred':
      // The holdings first: while the assignment is the only one, its unit is the one the problem is moving from.
      f.holdings = push(holdingsOf(f), { unitId: event.data.toUnitId, from: day, eventId: recorded.id });
      moveToUnit(state, f, event.data.toUnitId);
      f.coUnitIds = units(f.coUnitIds.filter((id) => id !== event.data.toUnitId));
      return;
    case 'ExtensionRequested':
    case 'ExtensionRequestApproved':
    case 'ExtensionRequestRefused':
      // The approval's DeadlineExtended, recorded with it, is what the cards and triggers count.
      return;
    default:
      assertNever(event);
  }
}

/** The deadline in force as a record of its own (null without one). */
function currentDeadline(f: ProblemFacts): DeadlineRef | null {
  return f.deadline === null ? null : { deadline: f.deadline, day: f.deadlineOn!, eventId: eventIdOf(f.deadlineEventId!) };
}

/** Every deadline set or extended, in log order, with the county day it was recorded (none: an empty list). */
export function deadlinesOf(f: ProblemFacts): readonly DeadlineRef[] {
  const current = currentDeadline(f);
  if (current === null) return f.earlierDeadlines ?? [];
  return f.earlierDeadlines === null ? [current] : [...f.earlierDeadlines, current];
}

/**
 * The lead unit (牵头单位) holding the item at the end of a county day: the last assignment or 转办
 * recorded on or before it; the first holder before its assignment day. Null when never assigned.
 */
export function holderOn(f: ProblemFacts, day: string): string | null {
  // The assignment alone: its unit, whatever the day (as the first holder is before its assignment day).
  if (f.holdings === null) return f.assignedOn === null ? null : f.unitId;
  let holder = f.holdings[0]?.unitId ?? null;
  for (const h of f.holdings) if (h.from <= day) holder = h.unitId;
  return holder;
}

/**
 * Whether an event counts in the ledger "as of" an instant (按业务日期): a migrated fact (迁移导入)
 * from its business day on (交办日期, 销号时间: the county day `day` of the instant, or earlier),
 * every other event from when it was recorded. "As known on" (`knownOnMs`, when given) keeps only
 * what was recorded by then, migrated or not. Both null: everything.
 */
export function countsAsOf(event: RecordedEvent, asOf: { ms: number; day: string } | null, knownOnMs: number | null): boolean {
  const recordedMs = instantMs(event.metadata.occurredAt);
  if (knownOnMs !== null && recordedMs > knownOnMs) return false;
  if (asOf === null) return true;
  const businessDay = migratedDayOf(event.data);
  return businessDay !== null ? businessDay <= asOf.day : recordedMs <= asOf.ms;
}

/**
 * The one year whose year-end lines (集中考核) an item counts in, and the deadline that judges it
 * there: the first year whose 31 December found the item due within that year, on the deadline in
 * force that day (the last one recorded by then). An extension recorded after a year is over
 * rewrites nothing in it, and gives the item no second year-end line. A first deadline recorded
 * after the year (nothing in force to rewrite) stands for the year it names. Null without a deadline.
 */
export function yearEndDue(f: ProblemFacts): { year: number; deadline: string; eventId: string } | null {
  const i = yearEndIndex(f);
  if (i < 0) return null;
  const deadline = deadlineAt(f, i);
  const earlier = f.earlierDeadlines ?? [];
  return { year: yearOf(deadline), deadline, eventId: i < earlier.length ? earlier[i]!.eventId : eventIdOf(f.deadlineEventId!) };
}

/**
 * `yearEndDue`'s year alone, without building its answer: what the interview triggers ask of every item at every midnight
 * (most items have one deadline, never extended: the year it names).
 */
export function yearEndYear(f: ProblemFacts): number | null {
  if (f.earlierDeadlines === null) return f.deadline === null ? null : yearOf(f.deadline);
  const i = yearEndIndex(f);
  return i < 0 ? null : yearOf(deadlineAt(f, i));
}

/** The `i`th deadline `deadlinesOf` lists (the earlier ones, then the one in force), and the county day it was recorded. */
const deadlineAt = (f: ProblemFacts, i: number): string =>
  f.earlierDeadlines !== null && i < f.earlierDeadlines.length ? f.earlierDeadlines[i]!.deadline : f.deadline!;
const deadlineRecordedOn = (f: ProblemFacts, i: number): string =>
  f.earlierDeadlines !== null && i < f.earlierDeadlines.length ? f.earlierDeadlines[i]!.day : f.deadlineOn!;

/** An ISO day's year, read from its first four digits (no string made). */
const yearOf = (day: string): number =>
  (day.charCodeAt(0) - 48) * 1000 + (day.charCodeAt(1) - 48) * 100 + (day.charCodeAt(2) - 48) * 10 + (day.charCodeAt(3) - 48);

/**
 * Which deadline judges the item on its year-end line (`yearEndDue`), as its place in `deadlinesOf`'s list; -1 for none.
 * Read where the deadlines are kept, building no list, id or string: the interview triggers ask it of every extended
 * item at every midnight (issue 12: `deadlinesOf`, a Set of years and an event id each time were most of what a first
 * start's catch-up left for the collector).
 */
function yearEndIndex(f: ProblemFacts): number {
  const count = (f.earlierDeadlines?.length ?? 0) + (f.deadline === null ? 0 : 1);
  // Each year a deadline names, from the earliest: the first whose 31 December found a deadline of that year in force.
  for (let year = Number.NEGATIVE_INFINITY; ; ) {
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < count; i++) {
      const y = yearOf(deadlineAt(f, i));
      if (y > year && y < next) next = y;
    }
    if (next === Number.POSITIVE_INFINITY) return -1;
    year = next;
    // The deadline in force that day: the last recorded by then (the first when none was).
    let inForce = 0;
    for (let i = 0; i < count; i++) if (yearOf(deadlineRecordedOn(f, i)) <= year) inForce = i;
    if (yearOf(deadlineAt(f, inForce)) === year) return inForce;
  }
}

function applyUnitEvent(state: FactsState, event: UnitEvent): void {
  switch (event.type) {
    case 'UnitRegistered': {
      const { unitId, name, kind, parentUnitId, registeredOn } = event.data;
      if (!state.units.has(unitId))
        state.units.set(unitId, { unitId, name, kind, parentUnitId, registeredOn, mergedOn: null, leaders: [] });
      return;
    }
    case 'UnitRenamed': {
      const unit = state.units.get(event.data.unitId);
      if (unit) unit.name = event.data.name;
      return;
    }
    case 'UnitMerged': {
      const unit = state.units.get(event.data.unitId);
      if (unit) unit.mergedOn = event.data.mergedOn;
      return;
    }
    case 'UnitLeaderAppointed': {
      const { unitId, ...leader } = event.data;
      const unit = state.units.get(unitId);
      if (unit && !unit.leaders.some((l) => l.leaderId === leader.leaderId)) unit.leaders.push({ ...leader, until: null });
      return;
    }
    case 'UnitLeaderLeft': {
      const leader = state.units.get(event.data.unitId)?.leaders.find((l) => l.leaderId === event.data.leaderId);
      if (leader) leader.until = event.data.until;
      return;
    }
    default:
      assertNever(event);
  }
}

/** An application's answer (approved, refused) or its withdrawal, once: the first one recorded stands. */
function decideApplication(
  state: FactsState,
  year: number,
  applicationId: string | undefined,
  status: Exclude<ExemptionApplicationStatus, 'pending'>,
  event: RecordedEvent,
  decidedBy: string | null,
  reasons: string | null,
): void {
  const facts = applicationId === undefined ? undefined : state.exemptionApplications.get(year)?.get(applicationId);
  if (facts?.status !== 'pending') return;
  facts.status = status;
  facts.decision = { eventId: event.id, occurredAt: event.metadata.occurredAt, by: event.metadata.actor.name, decidedBy, reasons };
}

/** The latest 容错纠错 application on a deduction (`unitId/lineId`) of a year, if there is one. */
export function applicationOnLine(state: FactsState, year: number, line: string): ExemptionApplicationFacts | null {
  const id = state.applicationsByLine.get(year)?.get(line);
  return id === undefined ? null : (state.exemptionApplications.get(year)?.get(id) ?? null);
}

function applyHotlineEvent(state: FactsState, event: HotlineEvent, recorded: RecordedEvent, ms: number): void {
  if (event.type === 'HotlineReportSubmitted') {
    const { reportId, submittedOn } = event.data;
    if (!state.hotline.has(reportId))
      state.hotline.set(reportId, {
        reportId,
        submittedOn,
        submittedEventId: recorded.id,
        outcome: null,
        problemId: null,
        outcomeEventId: null,
        outcomeDay: null,
      });
    return;
  }
  const report = state.hotline.get(event.data.reportId);
  if (!report) return;
  report.outcome = event.type === 'HotlineReportTriaged' ? 'accepted' : 'dismissed';
  report.problemId = event.type === 'HotlineReportTriaged' ? event.data.problemId : null;
  report.outcomeEventId = recorded.id;
  report.outcomeDay = dayOf(recorded.metadata.occurredAt, ms);
}

/**
 * One fold of the log shared by the battle map, the interview triggers and the scorecards: each of
 * those is computed at query time from these facts (projections/battleMap.ts, interviewTriggers.ts,
 * scorecards.ts), because their answers depend on the instant asked about (overdue, due soon,
 * escalation) and on the policy version. One pass and one compact record per problem keep a
 * rebuild over a million events fast and small.
 */
export const problemFacts: Projection<FactsState> = {
  name: 'problem-facts',
  // 5: the deadlines as recorded and the 销号 of the accepted fix (yearEndDue, the scorecards' year-end lines).
  // 6: links between problems (ProblemLinked: 复发 across units, 相关).
  // 7: exemption applications (容错纠错) and assessment items beside the problems' facts.
  // 8: 12317 reports and published monthly bulletins (月通报), for the bulletin's figures.
  // 9: sweeps (举一反三排查) and their answers.
  // 10: lead and co-responsible units, transfers (转办): who held the item when.
  // 11: the units' leaders on record (领导班子), whom interview triggers name.
  // 12: the current deadline's day beside it, and only the earlier deadlines in a list (`deadlinesOf`).
  // 13: a problem's own event ids packed (`packEventId`: a UUID's 16 bytes), read through `eventIdOf`.
  // 14: the problems in a GrowingMap (a snapshot keeps it as such).
  // 15: the latest application on a deduction by its id (`applicationsByLine`), its record only in `exemptionApplications`.
  version: 15,
  initial: () => ({
    problems: new GrowingMap(),
    problemsByUnit: new Map(),
    units: new Map(),
    policies: [],
    interviews: new Map(),
    exemptions: new Map(),
    finalizations: new Map(),
    exemptionApplications: new Map(),
    applicationsByLine: new Map(),
    exemptionsByTrigger: new Map(),
    assessmentItems: new Map(),
    hotline: new Map(),
    publications: new Map(),
    sweeps: new Map(),
    changes: 0,
    latestMs: Number.NEGATIVE_INFINITY,
  }),
  apply(state, event) {
    // A checkpoint changes no fact, and its metadata is read from the log's file when asked (after its data in the row:
    // 13 MB to walk for a million events' first).
    if (isCheckpoint(event)) return;
    const ms = instantMs(event.metadata.occurredAt);
    const type = event.type;
    if (problemEventTypes.has(type)) applyProblemEvent(state, event as unknown as ProblemEvent, event, ms);
    else if (unitEventTypes.has(type)) applyUnitEvent(state, event as unknown as UnitEvent);
    else if (type === 'PolicyAdopted') state.policies.push(adoptedVersion(event, (event as unknown as PolicyEvent).data));
    else if (type === 'InterviewHeld') {
      const { data } = event as unknown as InterviewEvent;
      const list = state.interviews.get(data.triggerId);
      const facts = { ...data, eventId: event.id, occurredAt: event.metadata.occurredAt };
      if (list) list.push(facts);
      else state.interviews.set(data.triggerId, [facts]);
    } else if (type === 'ExemptionGranted') {
      const data = event.data as ExemptionGrantedData;
      let year = state.exemptions.get(data.year);
      if (!year) state.exemptions.set(data.year, (year = new Map()));
      const key = `${data.unitId}/${data.lineId}`;
      if (!year.has(key)) {
        const facts = { ...data, eventId: event.id, occurredAt: event.metadata.occurredAt, grantedBy: event.metadata.actor.name };
        year.set(key, facts);
        decideApplication(state, data.year, data.applicationId, 'approved', event, data.approvedBy, data.reason);
        if (data.resolvesTriggerId) {
          const list = state.exemptionsByTrigger.get(data.resolvesTriggerId);
          if (list) list.push(facts);
          else state.exemptionsByTrigger.set(data.resolvesTriggerId, [facts]);
        }
      }
    } else if (type === 'ExemptionApplied') {
      const data = event.data as ExemptionAppliedData;
      let year = state.exemptionApplications.get(data.year);
      if (!year) state.exemptionApplications.set(data.year, (year = new Map()));
      if (year.has(data.applicationId)) return;
      const facts: ExemptionApplicationFacts = {
        ...data,
        eventId: event.id,
        occurredAt: event.metadata.occurredAt,
        appliedBy: event.metadata.actor.name,
        status: 'pending',
        decision: null,
      };
      year.set(data.applicationId, facts);
      let byLine = state.applicationsByLine.get(data.year);
      if (!byLine) state.applicationsByLine.set(data.year, (byLine = new Map()));
      byLine.set(`${data.unitId}/${data.lineId}`, data.applicationId);
    } else if (type === 'ExemptionRefused') {
      const data = event.data as ExemptionRefusedData;
      decideApplication(state, data.year, data.applicationId, 'refused', event, data.decidedBy, data.reasons);
    } else if (type === 'ExemptionApplicationWithdrawn') {
      const data = event.data as { year: number; applicationId: string };
      decideApplication(state, data.year, data.applicationId, 'withdrawn', event, null, null);
    } else if (type === 'AssessmentItemRecorded') {
      const data = event.data as AssessmentItemRecordedData;
      const facts = { ...data, eventId: event.id, occurredAt: event.metadata.occurredAt, recordedBy: event.metadata.actor.name };
      const list = state.assessmentItems.get(data.year);
      if (!list) state.assessmentItems.set(data.year, [facts]);
      else if (!list.some((i) => i.itemId === data.itemId)) list.push(facts);
    } else if (type === 'AssessmentFinalized') {
      const data = event.data as AssessmentFinalizedData;
      if (!state.finalizations.has(data.year))
        state.finalizations.set(data.year, {
          ...data,
          eventId: event.id,
          occurredAt: event.metadata.occurredAt,
          finalizedBy: event.metadata.actor.name,
        });
    } else if (type === 'HotlineReportSubmitted' || type === 'HotlineReportTriaged' || type === 'HotlineReportDismissed')
      applyHotlineEvent(state, event as unknown as HotlineEvent, event, ms);
    else if (type === 'BulletinPublished') {
      const data = event.data as BulletinPublishedData;
      if (!state.publications.has(data.month))
        state.publications.set(data.month, {
          ...data,
          eventId: event.id,
          occurredAt: event.metadata.occurredAt,
          publishedBy: event.metadata.actor.name,
        });
    } else if (sweepEventTypes.has(type)) applySweepEvent(state.sweeps, event);
    else return;
    state.changes += 1;
    // Only an event that changes the facts moves it: the others (a checkpoint, the notifier's and the lease's events, a
    // notification) leave the answer as of any later instant as it is. A start's own events came after every fact of an
    // old log, and each midnight the scheduler caught up was answered by a replay from the history (issue 12).
    if (ms > state.latestMs) state.latestMs = ms;
  },
};
