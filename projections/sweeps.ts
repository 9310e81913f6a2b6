import { type SweepAnswer, type SweepEvent, type SweepOrderedData, assertNever, sweepEventDefinitions } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';

/**
 * Sweeps (举一反三排查) as the read side knows them: each with its answers by unit, and the events
 * behind them. Kept in the one fold of the log (problemFacts) so that the wall, the interview
 * triggers and the scorecards can ask about them as of any instant, like every other deadline.
 */
export type SweepAnswerFacts = SweepAnswer & { eventId: string; occurredAt: string };

export type SweepFacts = SweepOrderedData & {
  eventId: string;
  orderedAt: string;
  orderedBy: string;
  /** The answers, by the unit that gave them, in the order they came. */
  answers: Map<string, SweepAnswerFacts>;
  closedOn: string | null;
  closedAt: string | null;
  closedReason: string | null;
};

export const sweepEventTypes: ReadonlySet<string> = new Set(sweepEventDefinitions.map((d) => d.type));

/** Applies one sweep event to the sweeps by id. */
export function applySweepEvent(sweeps: Map<string, SweepFacts>, event: RecordedEvent): void {
  const domainEvent = event as unknown as SweepEvent;
  const at = event.metadata.occurredAt;
  switch (domainEvent.type) {
    case 'SweepOrdered': {
      const d = domainEvent.data;
      if (sweeps.has(d.sweepId)) return;
      sweeps.set(d.sweepId, {
        ...d,
        eventId: event.id,
        orderedAt: at,
        orderedBy: event.metadata.actor.name,
        answers: new Map(),
        closedOn: null,
        closedAt: null,
        closedReason: null,
      });
      return;
    }
    case 'SweepAnswered': {
      const sweep = sweeps.get(domainEvent.data.sweepId);
      if (sweep && !sweep.answers.has(domainEvent.data.unitId))
        sweep.answers.set(domainEvent.data.unitId, { ...domainEvent.data, eventId: event.id, occurredAt: at });
      return;
    }
    case 'SweepClosed': {
      const sweep = sweeps.get(domainEvent.data.sweepId);
      if (!sweep || sweep.closedOn !== null) return;
      sweep.closedOn = domainEvent.data.closedOn;
      sweep.closedAt = at;
      sweep.closedReason = domainEvent.data.reason;
      return;
    }
    default:
      assertNever(domainEvent);
  }
}

/** Open, or closed by the office; `overdue` adds "and some asked unit has not answered past the answer-by day". */
export type SweepStatus = 'open' | 'closed';

/** The asked units still without an answer. */
export function unansweredUnits(sweep: SweepFacts): string[] {
  return sweep.unitIds.filter((u) => !sweep.answers.has(u));
}

/** Overdue (逾期未反馈) on a county day: open, past its answer-by day, and this unit asked and not answered. */
export function isSweepOverdueFor(sweep: SweepFacts, unitId: string, day: string): boolean {
  return sweep.closedOn === null && day > sweep.answerBy && sweep.unitIds.includes(unitId) && !sweep.answers.has(unitId);
}

/** One unit's overdue sweeps: a count on the wall that opens to the sweeps. */
export type UnitOverdueSweeps = { unitId: string; sweeps: SweepFacts[] };

/**
 * The units with sweeps overdue on a county day (all, or one unit's), by unit id, each with its
 * sweeps by answer-by day: what the wall (挂图作战) counts beside the problems.
 */
export function overdueSweepsByUnit(sweeps: Iterable<SweepFacts>, day: string, unitId: string | null = null): UnitOverdueSweeps[] {
  const byUnit = new Map<string, SweepFacts[]>();
  for (const sweep of sweeps) {
    if (sweep.closedOn !== null || day <= sweep.answerBy) continue;
    for (const u of unansweredUnits(sweep)) {
      if (unitId !== null && u !== unitId) continue;
      const list = byUnit.get(u);
      if (list) list.push(sweep);
      else byUnit.set(u, [sweep]);
    }
  }
  return [...byUnit.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([u, list]) => ({
      unitId: u,
      sweeps: list.sort((a, b) => a.answerBy.localeCompare(b.answerBy) || a.sweepId.localeCompare(b.sweepId)),
    }));
}

/** How many sweeps' answer-by days are before `day`: a card is the same on two days with the same count (see ReadModels.scorecards). */
export function sweepDaysPassed(sweeps: Iterable<SweepFacts>, day: string): number {
  let n = 0;
  for (const sweep of sweeps) if (day > sweep.answerBy) n += 1;
  return n;
}
