import {
  type InterviewLevel,
  type InterviewRule,
  type Label,
  type UnitLeader,
  InterviewLevel as Levels,
  inChargeOn,
  principalOn,
  sourceLabels,
} from '../domain/index.js';
import { finishedOn, isOverdueFacts, overdueSince } from './battleMap.js';
import type { At, PolicyChoice } from './policyInForce.js';
import { atOnce, sliced } from './slices.js';
import {
  type ExemptionFacts,
  type FactsState,
  type InterviewFacts,
  type ProblemFacts,
  type SupervisionOrderFacts,
  eventIdOf,
  yearEndDue,
  yearEndYear,
} from './problemFacts.js';
import { overdueSweepsByUnit } from './sweeps.js';
import { daysFrom, instantMs, plusDays } from './time.js';

/**
 * A reason to talk to a unit (约谈 trigger): which unit, which rule, the evidence (ledger numbers
 * and event ids) and the level — the rule's own, raised one step for each `escalateAfterDays` it
 * stayed unresolved. An interview (`InterviewHeld`) on the trigger that covered all of its current
 * evidence resolves it; a problem added to the evidence later opens it again. Below 约谈 level, a
 * 督办 on each of its items, ordered since the trigger began and answered by the unit
 * (`SupervisionReplied`), resolves it too.
 */
export type Trigger = {
  /** Stable while the condition holds: what `recordInterview` names. */
  id: string;
  rule: InterviewRule;
  unitId: string;
  /** The level the rule sets, before escalation. */
  ruleLevel: InterviewLevel;
  level: InterviewLevel;
  escalations: number;
  /** The county day the condition began to hold. */
  since: string;
  /** The trigger in one sentence (情形), in Chinese as the county office writes it and in English. */
  summary: Label;
  problemIds: string[];
  ledgerNumbers: string[];
  eventIds: string[];
  resolvedBy: InterviewFacts | null;
  /** Interviews on this trigger that covered only part of today's evidence. */
  earlierInterviews: InterviewFacts[];
  /** The 督办 orders on its items since it began, with their replies. */
  supervisionOrders: TriggerOrder[];
  /** The day of the last reply that, with the orders, resolved it (below 约谈 level); null otherwise. */
  resolvedBySupervisionOn: string | null;
  /** The approved 容错纠错 exemption that resolved it, covering all of its current problems; null otherwise. */
  resolvedByExemption: ExemptionFacts | null;
  /** 被约谈人: whom to talk to, on the day asked about. */
  interviewee: Interviewee;
};

/**
 * Whom a trigger names (被约谈人), on the day asked about: the principal leader (主要负责人) in post
 * that day, and the leaders in charge (分管领导) whose portfolio covers the category of one of its
 * items. A village's or a work team's trigger rolls up to its township's leaders (县负总责、乡镇抓落实:
 * the township carries the work out and answers for it). Null or empty where nobody is on record.
 */
export type Interviewee = {
  /** The unit whose leaders answer: the trigger's own, or the township a village or work team belongs to. */
  unitId: string;
  rolledUp: boolean;
  principal: UnitLeader | null;
  inCharge: UnitLeader[];
};

/** A 督办 on one of a trigger's items; overdue when unanswered past its 办结时限 on the day asked about. */
export type TriggerOrder = SupervisionOrderFacts & { problemId: string; ledgerNumber: string; overdue: boolean };

type Candidate = Omit<
  Trigger,
  | 'level'
  | 'escalations'
  | 'resolvedBy'
  | 'earlierInterviews'
  | 'supervisionOrders'
  | 'resolvedBySupervisionOn'
  | 'resolvedByExemption'
  | 'interviewee'
>;

/** Which candidates to build, from their id and the day they began: all, or those that may complete an escalation step. */
type Keep = (id: string, since: string) => boolean;
const everyCandidate: Keep = () => true;

/** What a midnight (or any instant) asks of a unit's candidates: the instant, the policy in force then, which to build. */
type Asked = { at: At; policy: PolicyChoice; keep: Keep };

/** A unit's candidates being found for one instant asked: its rules, its year, what was found so far. */
type Judging = {
  at: At;
  keep: Keep;
  rules: PolicyChoice['document']['interviews']['rules'];
  thisYear: number;
  out: Candidate[];
  overdue: { f: ProblemFacts; since: string }[];
  unfinishedByYear: Map<number, ProblemFacts[]>;
};

/** The problem ids and ledger numbers of a candidate on an item (and the earlier items it names). */
const item = (f: ProblemFacts, extra: ProblemFacts[] = []) => ({
  problemIds: [f.problemId, ...extra.map((e) => e.problemId)],
  ledgerNumbers: [f.ledgerNumber, ...extra.map((e) => e.ledgerNumber)],
});

/**
 * A unit's candidates for each instant asked, in the order asked, pausing (`yield`) every 256 problems and instants: a
 * unit of a million-event county has thousands (issue 12). Each item is read once for all the instants: a scheduler's
 * catch-up asks the same facts about each of up to 31 midnights, and reading 108,000 items was most of each (issue 12).
 */
function* candidatesForUnit(
  state: FactsState,
  unitId: string,
  problems: Iterable<string>,
  asked: readonly Asked[],
): Generator<void, Candidate[][]> {
  const judging: Judging[] = asked.map(({ at, policy, keep }) => ({
    at,
    keep,
    rules: policy.document.interviews.rules,
    thisYear: Number(at.day.slice(0, 4)),
    out: [],
    overdue: [],
    unfinishedByYear: new Map(),
  }));
  // The latest day asked: an item overdue on any day asked is overdue on it (a day later is never less overdue).
  const lastDay =
    asked
      .map(({ at }) => at.day)
      .sort()
      .at(-1) ?? '';
  let seen = 0;
  for (const id of problems) {
    seen += judging.length;
    if (seen >= 256) {
      seen = 0;
      yield;
    }
    const f = state.problems.get(id)!;
    // When it began to be overdue does not depend on the day asked: found once for all of them.
    const overdueFrom = isOverdueFacts(f, lastDay) ? overdueSince(f) : null;
    for (const j of judging) itemCandidates(unitId, f, overdueFrom, state, j);
  }
  return judging.map((j) => unitCandidates(unitId, j));
}

/**
 * The candidates an item gives at one instant (in `j.out`), and what the unit's candidates need of it; `overdueFrom` is
 * `overdueSince(f)` when it is overdue on the latest day asked, else null.
 */
function itemCandidates(unitId: string, f: ProblemFacts, overdueFrom: string | null, state: FactsState, j: Judging): void {
  if (overdueFrom !== null && isOverdueFacts(f, j.at.day)) {
    const since = overdueFrom;
    j.overdue.push({ f, since });
    const daysOverdue = daysFrom(since, j.at.day) + 1;
    const overdueId = `item_overdue:${f.problemId}:${f.deadline}`;
    if (j.rules.item_overdue.enabled && j.keep(overdueId, since))
      j.out.push({
        id: overdueId,
        rule: 'item_overdue',
        unitId,
        ruleLevel: j.rules.item_overdue.level,
        since,
        summary: {
          zh: `${f.ledgerNumber} 已逾期：整改时限 ${f.deadline}，已逾期 ${daysOverdue} 天。`,
          en: `${f.ledgerNumber} is overdue: deadline ${f.deadline}, ${daysOverdue} day(s) overdue.`,
        },
        ...item(f),
        eventIds: [eventIdOf(f.deadlineEventId!)],
      });
    const long = j.rules.item_long_overdue;
    const longId = `item_long_overdue:${f.problemId}:${f.deadline}`;
    const longSince = long.enabled && daysOverdue >= long.days ? plusDays(since, long.days - 1) : null;
    if (longSince !== null && j.keep(longId, longSince))
      j.out.push({
        id: longId,
        rule: 'item_long_overdue',
        unitId,
        ruleLevel: long.level,
        since: longSince,
        summary: {
          zh: `${f.ledgerNumber} 已逾期 ${daysOverdue} 天（整改时限 ${f.deadline}），规则为 ${long.days} 天。`,
          en: `${f.ledgerNumber} has been overdue for ${daysOverdue} days (deadline ${f.deadline}); the rule says ${long.days}.`,
        },
        ...item(f),
        eventIds: [eventIdOf(f.deadlineEventId!)],
      });
  }
  const repeated = j.rules.rejected_repeatedly;
  if (
    repeated.enabled &&
    f.status !== 'closed' &&
    f.rejections !== null &&
    f.rejections.length >= repeated.rejections &&
    j.keep(`rejected_repeatedly:${f.problemId}`, f.rejections[repeated.rejections - 1]!.day)
  )
    j.out.push({
      id: `rejected_repeatedly:${f.problemId}`,
      rule: 'rejected_repeatedly',
      unitId,
      ruleLevel: repeated.level,
      since: f.rejections[repeated.rejections - 1]!.day,
      summary: {
        zh: `${f.ledgerNumber} 验收不通过已 ${f.rejections.length} 次。`,
        en: `${f.ledgerNumber}: verification rejected ${f.rejections.length} times.`,
      },
      ...item(f),
      eventIds: f.rejections.map((r) => r.id),
    });
  if (j.rules.recurrence.enabled && f.recurrenceOf !== null && f.status !== 'closed') {
    const earlier = state.problems.get(f.recurrenceOf);
    if (earlier && earlier.unitId === unitId && earlier.category === f.category && j.keep(`recurrence:${f.problemId}`, f.assignedOn!))
      j.out.push({
        id: `recurrence:${f.problemId}`,
        rule: 'recurrence',
        unitId,
        ruleLevel: j.rules.recurrence.level,
        since: f.assignedOn!,
        summary: {
          zh: `${f.ledgerNumber} 与 ${earlier.ledgerNumber} 为同一单位同类问题（同类问题第二次）。`,
          en: `${f.ledgerNumber} repeats ${earlier.ledgerNumber} in the same unit and category (同类问题第二次).`,
        },
        ...item(f, [earlier]),
        eventIds: [eventIdOf(f.raisedEventId), eventIdOf(f.assignedEventId!), eventIdOf(earlier.raisedEventId)],
      });
  }
  const found = j.rules.problem_found;
  if (
    found.enabled &&
    f.status !== 'closed' &&
    f.assignedOn !== null &&
    found.sources.includes(f.source) &&
    j.keep(`problem_found:${f.problemId}`, f.assignedOn)
  )
    j.out.push({
      id: `problem_found:${f.problemId}`,
      rule: 'problem_found',
      unitId,
      ruleLevel: found.level,
      since: f.assignedOn,
      summary: {
        zh: `${f.ledgerNumber}（${sourceLabels[f.source].zh}问题）于 ${f.assignedOn} 交办该单位。`,
        en: `${f.ledgerNumber} (${sourceLabels[f.source].en}) was assigned to the unit on ${f.assignedOn}.`,
      },
      ...item(f),
      eventIds: [eventIdOf(f.raisedEventId), eventIdOf(f.assignedEventId!)],
    });
  const unanswered = j.rules.supervision_unanswered;
  if (unanswered.enabled && f.status !== 'closed' && f.orders !== null)
    for (const o of f.orders) {
      if (o.finishBy === null || o.finishBy >= j.at.day || (o.reply !== null && o.reply.day <= j.at.day)) continue;
      const id = `supervision_unanswered:${f.problemId}:${o.supervisionCount}`;
      const since = plusDays(o.finishBy, 1);
      if (!j.keep(id, since)) continue;
      j.out.push({
        id,
        rule: 'supervision_unanswered',
        unitId,
        ruleLevel: unanswered.level,
        since,
        summary: {
          zh: `${f.ledgerNumber} 第 ${o.supervisionCount} 次督办已过办结时限 ${o.finishBy}，尚未回复。`,
          en: `${f.ledgerNumber}: supervision order (督办) no. ${o.supervisionCount} was due by ${o.finishBy} and has no reply.`,
        },
        ...item(f),
        eventIds: [o.eventId],
      });
    }
  // On the deadline in force on 31 December, as the scorecards judge it (yearEndDue).
  // Its year and the day it was finished first, without their event ids: asked of every item at every midnight.
  const year = j.rules.year_end_unfinished.enabled ? yearEndYear(f) : null;
  if (year !== null && year < j.thisYear) {
    const doneOn = finishedOn(f);
    // ISO days: finished after 31 December of the year is finished in a later year.
    if (doneOn === null || Number(doneOn.slice(0, 4)) > year) {
      const list = j.unfinishedByYear.get(year);
      if (list) list.push(f);
      else j.unfinishedByYear.set(year, [f]);
    }
  }
}

/** The unit's own candidates at one instant (many items overdue, items unfinished at a year's end), after its items'. */
function unitCandidates(unitId: string, j: Judging): Candidate[] {
  const many = j.rules.unit_many_overdue;
  const sinces = many.enabled && j.overdue.length >= many.count ? j.overdue.map((o) => o.since).sort() : null;
  if (sinces !== null && j.keep(`unit_many_overdue:${unitId}`, sinces[many.count - 1]!)) {
    j.out.push({
      id: `unit_many_overdue:${unitId}`,
      rule: 'unit_many_overdue',
      unitId,
      ruleLevel: many.level,
      since: sinces[many.count - 1]!,
      summary: {
        zh: `单位同时有 ${j.overdue.length} 个问题逾期（规则为 ${many.count} 个）。`,
        en: `${j.overdue.length} items of the unit are overdue at once; the rule says ${many.count}.`,
      },
      problemIds: j.overdue.map((o) => o.f.problemId),
      ledgerNumbers: j.overdue.map((o) => o.f.ledgerNumber),
      eventIds: j.overdue.map((o) => eventIdOf(o.f.deadlineEventId!)),
    });
  }
  for (const [year, items] of j.unfinishedByYear)
    if (j.keep(`year_end_unfinished:${unitId}:${year}`, `${year + 1}-01-01`))
      j.out.push({
        id: `year_end_unfinished:${unitId}:${year}`,
        rule: 'year_end_unfinished',
        unitId,
        ruleLevel: j.rules.year_end_unfinished.level,
        since: `${year + 1}-01-01`,
        summary: {
          zh: `${year} 年到期的 ${items.length} 个问题至 ${year} 年 12 月 31 日未报整改完成。`,
          en: `${items.length} item(s) due in ${year} were not reported fixed by 31 December ${year}.`,
        },
        problemIds: items.map((f) => f.problemId),
        ledgerNumbers: items.map((f) => f.ledgerNumber),
        // Built for a candidate kept (the scheduler's midnights keep few): an event id per item and midnight was most of
        // what its catch-up left for the collector (issue 12).
        eventIds: items.map((f) => yearEndDue(f)!.eventId),
      });
  return j.out;
}

/**
 * The 督办 orders on the trigger's items issued since it began, and the day by which each item had
 * one answered (null while some item has none): a trigger below 约谈 level is resolved that day.
 */
function supervisionOf(state: FactsState, c: Candidate, at: At): { orders: TriggerOrder[]; answeredOn: string | null } {
  const orders: TriggerOrder[] = [];
  let answeredOn: string | null = c.problemIds.length > 0 ? c.since : null;
  for (const problemId of c.problemIds) {
    const f = state.problems.get(problemId);
    // The orders since the trigger began, and the order a supervision_unanswered trigger is about (issued before it began).
    const since = (f?.orders ?? []).filter((o) => (o.day >= c.since || c.eventIds.includes(o.eventId)) && o.day <= at.day);
    const answered = (o: SupervisionOrderFacts) => o.reply !== null && o.reply.day <= at.day;
    for (const o of since) {
      const overdue = !answered(o) && o.finishBy !== null && o.finishBy < at.day;
      orders.push({ ...o, reply: answered(o) ? o.reply : null, problemId, ledgerNumber: f!.ledgerNumber, overdue });
    }
    const replies = since.flatMap((o) => (answered(o) ? [o.reply!.day] : [])).sort();
    if (replies.length === 0) answeredOn = null;
    else if (answeredOn !== null && replies[0]! > answeredOn) answeredOn = replies[0]!;
  }
  return { orders, answeredOn };
}

/** The unit whose leaders answer for a unit's triggers: a village's or work team's township (its nearest), else itself. */
export function answeringUnitId(state: Pick<FactsState, 'units'>, unitId: string): string {
  const unit = state.units.get(unitId);
  if (unit?.kind !== 'village' && unit?.kind !== 'work_team') return unitId;
  // A work team belongs to its village, a village to its township; the depth bound guards a malformed chain.
  let parent = unit.parentUnitId === null ? undefined : state.units.get(unit.parentUnitId);
  for (let depth = 0; parent && depth < 5; depth++) {
    if (parent.kind === 'township') return parent.unitId;
    parent = parent.parentUnitId === null ? undefined : state.units.get(parent.parentUnitId);
  }
  return unitId;
}

/** 被约谈人 of a trigger on a county day (see `Interviewee`). */
export function intervieweeOf(
  state: Pick<FactsState, 'units' | 'problems'>,
  c: Pick<Candidate, 'unitId' | 'problemIds'>,
  day: string,
): Interviewee {
  const unitId = answeringUnitId(state, c.unitId);
  const leaders = state.units.get(unitId)?.leaders ?? [];
  const categories = c.problemIds.flatMap((id) => state.problems.get(id)?.category ?? []);
  return { unitId, rolledUp: unitId !== c.unitId, principal: principalOn(leaders, day), inCharge: inChargeOn(leaders, day, categories) };
}

/** Resolution and escalation of one candidate, from the interviews held and the 督办 answered by the instant asked about. */
function settle(state: FactsState, c: Candidate, at: At, atMs: number, policy: PolicyChoice): Trigger {
  const held = (state.interviews.get(c.id) ?? []).filter((i) => instantMs(i.occurredAt) <= atMs);
  const resolvedBy = held.findLast((i) => c.problemIds.every((p) => i.problemIds.includes(p))) ?? null;
  // An exemption the committee approved as resolving this trigger, if it covered every problem the trigger now has.
  const resolvedByExemption =
    resolvedBy !== null
      ? null
      : ((state.exemptionsByTrigger.get(c.id) ?? []).findLast(
          (e) => instantMs(e.occurredAt) <= atMs && c.problemIds.every((p) => e.resolvesProblemIds.includes(p)),
        ) ?? null);
  const earlierInterviews = held.filter((i) => i !== resolvedBy);
  const { orders: supervisionOrders, answeredOn } = supervisionOf(state, c, at);
  const base = Levels.options.indexOf(c.ruleLevel);
  // The escalation clock restarts at the last partial interview on this trigger.
  const lastTalk = earlierInterviews.at(-1)?.heldOn;
  const start = lastTalk !== undefined && lastTalk > c.since ? lastTalk : c.since;
  const escalationsOn = (day: string) =>
    Math.max(
      0,
      Math.min(Levels.options.length - 1 - base, Math.floor(daysFrom(start, day) / policy.document.interviews.escalateAfterDays)),
    );
  let escalations = 0;
  let resolvedBySupervisionOn: string | null = null;
  if (resolvedBy === null && resolvedByExemption === null) {
    escalations = escalationsOn(at.day);
    // Answered before it reached 约谈: the order and its reply resolve it, and its level stays where it was then.
    if (answeredOn !== null && Levels.options[base + escalationsOn(answeredOn)] !== 'interview') {
      resolvedBySupervisionOn = answeredOn;
      escalations = escalationsOn(answeredOn);
    }
  }
  return {
    ...c,
    level: Levels.options[base + escalations]!,
    escalations,
    resolvedBy,
    earlierInterviews,
    supervisionOrders,
    resolvedBySupervisionOn,
    resolvedByExemption,
    interviewee: intervieweeOf(state, c, at.day),
  };
}

export type TriggerFilter = { unitId?: string | null; level?: InterviewLevel | null; includeResolved?: boolean };

/**
 * Every interview trigger as of an instant, under a policy: unresolved ones only unless asked,
 * ordered by level (约谈 first), then unit, then id.
 */
export function interviewTriggers(state: FactsState, at: At, policy: PolicyChoice, filter: TriggerFilter = {}): Trigger[] {
  return evaluate(state, at, policy, filter, everyCandidate);
}

/** A trigger risen above 提醒 by its escalation steps. */
export type EscalatedTrigger = Trigger & { level: Exclude<InterviewLevel, 'reminder'> };

/**
 * Whether a trigger completed an escalation step on a county day (at its midnight): its escalation
 * clock (from `since`, or from the last partial interview) reached a whole number of
 * `escalateAfterDays` that day, and that step raised its level (a step past 约谈 raises nothing).
 */
export function completesStepOn(t: Trigger, day: string, escalateAfterDays: number): t is EscalatedTrigger {
  if (t.escalations === 0 || t.level === 'reminder') return false;
  const lastTalk = t.earlierInterviews.at(-1)?.heldOn;
  const days = daysFrom(lastTalk !== undefined && lastTalk > t.since ? lastTalk : t.since, day);
  return days % escalateAfterDays === 0 && days / escalateAfterDays === t.escalations;
}

/**
 * The unresolved triggers that complete an escalation step on `at.day` (`completesStepOn`), in the
 * order `interviewTriggers` gives: the same as filtering its answer, but only the candidates whose
 * clock can complete a step that day are settled — those that began a whole number of steps (one up
 * to the top level) before it, and those with an interview on record (a partial interview restarts
 * the clock). What the scheduler asks at each midnight: most of a county's triggers are not stepping.
 */
export async function escalatingTriggers(state: FactsState, at: At, policy: PolicyChoice): Promise<EscalatedTrigger[]> {
  return (await escalatingTriggersOn(state, [{ at, policy }]))[0]!;
}

/**
 * `escalatingTriggers` at each of several instants (each with the policy in force then), in the order asked, from the same
 * facts: each item is read once for all of them (a catch-up's midnights after the log's last fact: up to 31).
 */
export async function escalatingTriggersOn(
  state: FactsState,
  instants: readonly { at: At; policy: PolicyChoice }[],
): Promise<EscalatedTrigger[][]> {
  const asked = instants.map(({ at, policy }): Asked => {
    const every = policy.document.interviews.escalateAfterDays;
    const stepDays = new Set<string>();
    for (let k = 1; k < Levels.options.length; k++) stepDays.add(plusDays(at.day, -k * every));
    return { at, policy, keep: (id, since) => stepDays.has(since) || state.interviews.has(id) };
  });
  // Unit by unit, yielding between slices (issue 12: a county's pass at a million events held the event loop 0.3 s).
  const found = await sliced(evaluating(state, asked, {}));
  return found.map((triggers, k) => {
    const { at, policy } = asked[k]!;
    return triggers.filter((t) => completesStepOn(t, at.day, policy.document.interviews.escalateAfterDays));
  });
}

/**
 * `sweep_unanswered`: one per unit and open sweep (举一反三排查) past its answer-by day without the
 * unit's answer. Its evidence is the sweep's order, not a problem: no 督办 resolves it (the unit's
 * answer does, or the office closing the sweep, or an interview).
 */
function sweepCandidates(state: FactsState, at: At, policy: PolicyChoice, unitId: string | null, keep: Keep): Candidate[] {
  const rule = policy.document.interviews.rules.sweep_unanswered;
  if (!rule.enabled) return [];
  const out: Candidate[] = [];
  for (const { unitId: unit, sweeps } of overdueSweepsByUnit(state.sweeps.values(), at.day, unitId))
    for (const sweep of sweeps) {
      const id = `sweep_unanswered:${unit}:${sweep.sweepId}`;
      const since = plusDays(sweep.answerBy, 1);
      if (!keep(id, since)) continue;
      out.push({
        id,
        rule: 'sweep_unanswered',
        unitId: unit,
        ruleLevel: rule.level,
        since,
        summary: {
          zh: `由 ${sweep.originLedgerNumber} 发起的举一反三排查已过反馈时限 ${sweep.answerBy}，该单位尚未反馈。`,
          en: `The sweep (举一反三) from ${sweep.originLedgerNumber} was to be answered by ${sweep.answerBy}; the unit has not answered.`,
        },
        problemIds: [],
        ledgerNumbers: [],
        eventIds: [sweep.eventId],
      });
    }
  return out;
}

function evaluate(state: FactsState, at: At, policy: PolicyChoice, filter: TriggerFilter, keep: Keep): Trigger[] {
  return atOnce(evaluating(state, [{ at, policy, keep }], filter))[0]!;
}

/** `evaluate`'s work at each instant asked, pausing after each unit and every 256 problems or candidates within one. */
function* evaluating(state: FactsState, asked: readonly Asked[], filter: TriggerFilter): Generator<void, Trigger[][]> {
  const atMs = asked.map(({ at }) => instantMs(at.instant));
  const units = filter.unitId ? [filter.unitId] : [...state.problemsByUnit.keys()];
  const out: Trigger[][] = asked.map(() => []);
  const consider = (k: number, c: Candidate) => {
    const { at, policy } = asked[k]!;
    const t = settle(state, c, at, atMs[k]!, policy);
    if (!filter.includeResolved && (t.resolvedBy !== null || t.resolvedBySupervisionOn !== null || t.resolvedByExemption !== null)) return;
    if (filter.level && t.level !== filter.level) return;
    out[k]!.push(t);
  };
  for (const unitId of units) {
    const problems = state.problemsByUnit.get(unitId);
    if (!problems) continue;
    const candidates = yield* candidatesForUnit(state, unitId, problems, asked);
    let settled = 0;
    for (const [k, found] of candidates.entries())
      for (const c of found) {
        consider(k, c);
        if ((++settled & 255) === 0) yield;
      }
    yield;
  }
  for (const [k, { at, policy, keep }] of asked.entries())
    for (const c of sweepCandidates(state, at, policy, filter.unitId ?? null, keep)) consider(k, c);
  const rank = (l: InterviewLevel) => -Levels.options.indexOf(l);
  for (const triggers of out)
    triggers.sort((a, b) => rank(a.level) - rank(b.level) || a.unitId.localeCompare(b.unitId) || a.id.localeCompare(b.id));
  return out;
}
