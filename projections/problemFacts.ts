import {
  type AssessmentFinalizedData,
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
  assertNever,
  defaultPolicy,
  problemEventDefinitions,
  recheckDueOn,
} from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import { type AdoptedVersion, adoptedVersion } from './adoptedVersions.js';
import { policyInForce } from './policyInForce.js';
import type { Projection } from './runner.js';
import { dayOf, instantMs } from './time.js';
import { type SweepFacts, applySweepEvent, sweepEventTypes } from './sweeps.js';

/** An event a read model points at as evidence: its id and the county day it happened. */
export type EventRef = { id: string; day: string };

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
  raisedEventId: string;
  recurrenceOf: string | null;
  /** 责任单位, once assigned. */
  unitId: string | null;
  assignedOn: string | null;
  assignedEventId: string | null;
  status: Exclude<ProblemStatus, 'not_raised'>;
  deadline: string | null;
  /** The DeadlineSet or DeadlineExtended event that fixed the current deadline. */
  deadlineEventId: string | null;
  /** The day it last entered rectification (assigned, rejected or reopened): it cannot be overdue before. */
  openSince: string;
  /** The day of the report that is waiting for, or passed, verification; null while in rectification. */
  rectifiedOn: string | null;
  rectifiedEventId: string | null;
  /** The first report that passed verification: a fix that counted, even if the problem came back later. */
  acceptedReportOn: string | null;
  acceptedReportEventId: string | null;
  /** Sent back by a rejected verification and not reported fixed again since. */
  reworking: boolean;
  closedOn: string | null;
  closedEventId: string | null;
  extensions: EventRef[] | null;
  rejections: EventRef[] | null;
  supervisions: EventRef[] | null;
  /** The 督办 orders with their replies, oldest first. */
  orders: SupervisionOrderFacts[] | null;
  /**
   * The 督办 waiting for the unit's reply, as the domain's `openSupervision`: the latest order, until
   * a reply answers it or 销号 finishes the work it asked for (a reopening does not bring it back).
   */
  openOrder: { supervisionCount: number; finishBy: string | null } | null;
  reopens: EventRef[] | null;
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
};

export type PolicyVersion = AdoptedVersion<PolicyDocument>;

export type InterviewFacts = InterviewEvent['data'] & { eventId: string; occurredAt: string };
export type ExemptionFacts = ExemptionGrantedData & { eventId: string; occurredAt: string; grantedBy: string };
export type FinalizationFacts = AssessmentFinalizedData & { eventId: string; occurredAt: string; finalizedBy: string };

export type FactsState = {
  problems: Map<string, ProblemFacts>;
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
  /** Sweeps (举一反三排查) by id, with their answers (projections/sweeps.ts). */
  sweeps: Map<string, SweepFacts>;
  /** Counts applied events: a cheap key for caching answers computed from this state. */
  changes: number;
  /** The latest `occurredAt` seen, in ms: an as-of question at or after it is answered by this state as it is. */
  latestMs: number;
};

const problemEventTypes = new Set<string>(problemEventDefinitions.map((d) => d.type));

function push(list: EventRef[] | null, ref: EventRef): EventRef[] {
  if (list === null) return [ref];
  list.push(ref);
  return list;
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
  const day = dayOf(recorded.metadata.occurredAt, ms);
  const ref = { id: recorded.id, day };
  if (event.type === 'ProblemRaised') {
    if (state.problems.has(event.data.problemId)) return;
    const d = event.data;
    state.problems.set(d.problemId, {
      problemId: d.problemId,
      ledgerNumber: d.ledgerNumber,
      source: d.source,
      category: d.category,
      raisedOn: d.raisedOn,
      raisedEventId: recorded.id,
      recurrenceOf: d.recurrenceOf,
      unitId: null,
      assignedOn: null,
      assignedEventId: null,
      status: 'raised',
      deadline: null,
      deadlineEventId: null,
      openSince: d.raisedOn,
      rectifiedOn: null,
      rectifiedEventId: null,
      acceptedReportOn: null,
      acceptedReportEventId: null,
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
  const f = state.problems.get(event.data.problemId);
  if (!f) return;
  switch (event.type) {
    case 'ProblemAssigned':
      moveToUnit(state, f, event.data.responsibleUnitId);
      f.status = 'assigned';
      f.assignedOn = day;
      f.assignedEventId = recorded.id;
      f.openSince = day;
      return;
    case 'AssignmentAcknowledged':
      f.status = 'rectifying';
      return;
    case 'DeadlineSet':
      f.deadline = event.data.deadline;
      f.deadlineEventId = recorded.id;
      return;
    case 'DeadlineExtended':
      f.deadline = event.data.deadline;
      f.deadlineEventId = recorded.id;
      f.extensions = push(f.extensions, ref);
      return;
    case 'RectificationPlanSubmitted':
    case 'ProgressReported':
      return;
    case 'RectificationReported':
      f.status = 'awaiting_verification';
      f.rectifiedOn = day;
      f.rectifiedEventId = recorded.id;
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
      f.rejections = push(f.rejections, ref);
      f.reworking = true;
      f.openSince = day;
      f.rectifiedOn = null;
      f.rectifiedEventId = null;
      return;
    case 'ProblemClosed':
      f.status = 'closed';
      f.closedOn = event.data.closedOn;
      f.closedEventId = recorded.id;
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
      f.reopens = push(f.reopens, ref);
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
      f.supervisions = push(f.supervisions, ref);
      const { supervisionCount, finishBy, triggerId } = event.data;
      // `?? null`: an order written before finishBy and triggerId were recorded has neither.
      const order = { eventId: recorded.id, day, supervisionCount, finishBy: finishBy ?? null, triggerId: triggerId ?? null, reply: null };
      if (f.orders === null) f.orders = [order];
      else f.orders.push(order);
      f.openOrder = { supervisionCount, finishBy: order.finishBy };
      return;
    }
    case 'SupervisionReplied':
      for (const order of f.orders ?? [])
        if (order.reply === null && order.supervisionCount <= event.data.supervisionCount) order.reply = ref;
      f.openOrder = null;
      return;
    case 'ConsolidationConfirmed':
      f.consolidation = 'confirmed';
      f.consolidatedOn = event.data.confirmedOn;
      return;
    default:
      assertNever(event);
  }
}

function applyUnitEvent(state: FactsState, event: UnitEvent): void {
  switch (event.type) {
    case 'UnitRegistered': {
      const { unitId, name, kind, parentUnitId, registeredOn } = event.data;
      if (!state.units.has(unitId)) state.units.set(unitId, { unitId, name, kind, parentUnitId, registeredOn, mergedOn: null });
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
    default:
      assertNever(event);
  }
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
  version: 5,
  initial: () => ({
    problems: new Map(),
    problemsByUnit: new Map(),
    units: new Map(),
    policies: [],
    interviews: new Map(),
    exemptions: new Map(),
    finalizations: new Map(),
    sweeps: new Map(),
    changes: 0,
    latestMs: Number.NEGATIVE_INFINITY,
  }),
  apply(state, event) {
    const ms = instantMs(event.metadata.occurredAt);
    if (ms > state.latestMs) state.latestMs = ms;
    const type = event.type;
    if (problemEventTypes.has(type)) applyProblemEvent(state, event as unknown as ProblemEvent, event, ms);
    else if (type === 'UnitRegistered' || type === 'UnitRenamed' || type === 'UnitMerged')
      applyUnitEvent(state, event as unknown as UnitEvent);
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
      if (!year.has(key))
        year.set(key, { ...data, eventId: event.id, occurredAt: event.metadata.occurredAt, grantedBy: event.metadata.actor.name });
    } else if (type === 'AssessmentFinalized') {
      const data = event.data as AssessmentFinalizedData;
      if (!state.finalizations.has(data.year))
        state.finalizations.set(data.year, {
          ...data,
          eventId: event.id,
          occurredAt: event.metadata.occurredAt,
          finalizedBy: event.metadata.actor.name,
        });
    } else if (sweepEventTypes.has(type)) applySweepEvent(state.sweeps, event);
    else return;
    state.changes += 1;
  },
};
