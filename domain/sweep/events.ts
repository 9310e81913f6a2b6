import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import { ProblemCategory } from '../problem/vocabulary.js';

/**
 * 举一反三排查 (a sweep): from one problem, the office asks a set of units (every township by
 * default) to check themselves for the same kind of problem and answer by a day. Each unit answers
 * once: 发现同类问题 ("found", which raises a self-report problem in that unit) or 未发现 ("none", a
 * statement its unit head signs). One stream per sweep.
 */
export const SweepOrdered = message(
  'SweepOrdered',
  1,
  z.object({
    sweepId: Id,
    /** The problem the sweep starts from (举一反三 of which case). */
    originProblemId: Id,
    originLedgerNumber: z.string().max(32),
    /** The origin's category when ordered: the kind of problem the units look for. */
    category: ProblemCategory,
    /** The units asked, each once. */
    unitIds: z.array(Id).min(1).max(1000),
    /** 反馈时限: the county day by which each unit answers. */
    answerBy: CalendarDay,
    /** 排查要求: what the units are asked to check. */
    instruction: Text(2000),
    orderedOn: CalendarDay,
  }),
);

/** What a unit answered: found (with what was found) or none (a signed statement). */
export const SweepAnswerKind = z.enum(['found', 'none']);
export type SweepAnswerKind = z.infer<typeof SweepAnswerKind>;

/** 排查反馈: one unit's answer, given once. A "found" answer names the self-report problem it raised. */
export const SweepAnswered = message(
  'SweepAnswered',
  1,
  z.object({
    sweepId: Id,
    unitId: Id,
    answer: SweepAnswerKind,
    /** "found": the problem's description; "none": the statement (未发现同类问题的说明). */
    text: Text(5000),
    /** 单位负责人: who signed the answer (the unit head, from the token). */
    signedBy: Name(100),
    /** The self-report problem a "found" answer raised; null for "none". */
    problemId: Id.nullable(),
    answeredOn: CalendarDay,
  }),
);

/** The office closed the sweep: no further answers are taken, and unanswered units are no longer chased. */
export const SweepClosed = message(
  'SweepClosed',
  1,
  z.object({ sweepId: Id, reason: z.string().trim().max(2000).nullable(), closedOn: CalendarDay }),
);

export const SweepEvent = z.discriminatedUnion('type', [SweepOrdered.schema, SweepAnswered.schema, SweepClosed.schema]);
export type SweepEvent = z.infer<typeof SweepEvent>;
export const sweepEventDefinitions = [SweepOrdered, SweepAnswered, SweepClosed] as const;

export type SweepOrderedData = z.infer<typeof SweepOrdered.data>;
export type SweepAnswer = z.infer<typeof SweepAnswered.data>;

/** A sweep's life: not ordered → open (answers come in) → closed. */
export type SweepState =
  | { status: 'not_ordered' }
  | ({ status: 'open'; answers: readonly SweepAnswer[] } & SweepOrderedData)
  | ({ status: 'closed'; answers: readonly SweepAnswer[]; closedOn: string } & SweepOrderedData);

export const initialSweepState: SweepState = { status: 'not_ordered' };

export function evolveSweep(state: SweepState, event: SweepEvent): SweepState {
  switch (event.type) {
    case 'SweepOrdered':
      return { status: 'open', answers: [], ...event.data };
    case 'SweepAnswered':
      return state.status === 'not_ordered' ? state : { ...state, answers: [...state.answers, event.data] };
    case 'SweepClosed':
      return state.status === 'not_ordered' ? state : { ...state, status: 'closed', closedOn: event.data.closedOn };
    default:
      return assertNever(event);
  }
}

export const sweepStreamId = (sweepId: string) => `sweep-${sweepId}`;
