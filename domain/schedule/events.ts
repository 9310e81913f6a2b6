import { z } from 'zod';
import { CalendarDay, Instant } from '../shared/calendar.js';
import { InterviewRule } from '../policy/document.js';
import { type Actor, Id, message } from '../shared/messages.js';

/**
 * What the scheduler writes when a moment comes (到期提醒、逾期、升级、回头看): not a second definition
 * of "overdue" (the as-of answers stay the read models'), but the record of what the system did and
 * told whom, and when. Each event is about one subject (a problem, a unit, the county), and its id
 * follows from its kind, its subject and its due instant (`scheduleEventKey`), so a catch-up after
 * a stop and a second process on the same store write each one once.
 */
const DueAt = Instant;

/** 到期提醒: an open item's deadline is `daysBefore` days away. */
export const DeadlineReminderDue = message(
  'DeadlineReminderDue',
  1,
  z.object({ problemId: Id, unitId: Id, deadline: CalendarDay, daysBefore: z.number().int().min(1), dueAt: DueAt }),
);
/** 逾期: the deadline's day ended and the item was not reported fixed. Due at 00:00 of the day after the deadline. */
export const DeadlinePassed = message('DeadlinePassed', 1, z.object({ problemId: Id, unitId: Id, deadline: CalendarDay, dueAt: DueAt }));
/** 升级: an unresolved interview trigger rose to 督办 or 约谈 (one step per `escalateAfterDays`). */
export const EscalationReached = message(
  'EscalationReached',
  1,
  z.object({
    /** The trigger's id (projections/interviewTriggers.ts): rule, subject and day, never free text. */
    triggerId: z.string().max(200),
    rule: InterviewRule,
    unitId: Id,
    level: z.enum(['supervision', 'interview']),
    problemIds: z.array(Id),
    dueAt: DueAt,
  }),
);
/** 回头看 falls due: `recheckAfterDays` after 销号, the closed item is to be checked again. */
export const RecheckDue = message(
  'RecheckDue',
  1,
  z.object({ problemId: Id, unitId: Id, closedOn: CalendarDay, dueOn: CalendarDay, dueAt: DueAt }),
);
/** 回头看 not done: its day ended without a confirmation of 巩固 (or a reopening). */
export const RecheckOverdue = message('RecheckOverdue', 1, z.object({ problemId: Id, unitId: Id, dueOn: CalendarDay, dueAt: DueAt }));
/** 督办 not answered: the order's 办结时限 ended without a reply. */
export const SupervisionReplyOverdue = message(
  'SupervisionReplyOverdue',
  1,
  z.object({ problemId: Id, unitId: Id, supervisionCount: z.number().int().min(1), finishBy: CalendarDay, dueAt: DueAt }),
);
/** The day's overdue digest (逾期通报) is due: at least one item is overdue at the county's hour. */
export const DailyOverdueDigestDue = message('DailyOverdueDigestDue', 1, z.object({ day: CalendarDay, dueAt: DueAt }));
/** 每日汇总: the day's digest is due for the users who chose one instead of single messages; every county day at the policy's hour. */
export const DailyDigestDue = message('DailyDigestDue', 1, z.object({ day: CalendarDay, dueAt: DueAt }));
/** A year's assessment (考核定档) is still not finalized. */
export const YearNotFinalized = message('YearNotFinalized', 1, z.object({ year: z.number().int(), dueAt: DueAt }));

/** 反馈提醒: an open sweep (举一反三排查) asks this unit to answer by `answerBy`, `daysBefore` days away, and it has not. */
export const SweepAnswerDue = message(
  'SweepAnswerDue',
  1,
  z.object({ sweepId: Id, unitId: Id, answerBy: CalendarDay, daysBefore: z.number().int().min(1), dueAt: DueAt }),
);

export const scheduleEventDefinitions = [
  DeadlineReminderDue,
  DeadlinePassed,
  EscalationReached,
  RecheckDue,
  RecheckOverdue,
  SupervisionReplyOverdue,
  DailyOverdueDigestDue,
  DailyDigestDue,
  YearNotFinalized,
  SweepAnswerDue,
] as const;

const ScheduleEventSchema = z.discriminatedUnion('type', [
  DeadlineReminderDue.schema,
  DeadlinePassed.schema,
  EscalationReached.schema,
  RecheckDue.schema,
  RecheckOverdue.schema,
  SupervisionReplyOverdue.schema,
  DailyOverdueDigestDue.schema,
  DailyDigestDue.schema,
  YearNotFinalized.schema,
  SweepAnswerDue.schema,
]);
export type ScheduleEvent = z.infer<typeof ScheduleEventSchema>;
export type ScheduleEventType = ScheduleEvent['type'];
export const scheduleEventTypes: ReadonlySet<string> = new Set(scheduleEventDefinitions.map((d) => d.type));

/** Who writes them: the scheduler, a system actor of no unit. */
export const schedulerActor: Actor = { userId: 'scheduler', name: '台账 scheduler', unitId: null, role: 'system' };

/** The stream of a subject's schedule events: a problem's, a unit's (escalations) or the county's (digests, years). */
export function scheduleStreamId(event: ScheduleEvent): string {
  switch (event.type) {
    case 'EscalationReached':
      return `schedule-unit-${event.data.unitId}`;
    case 'DailyOverdueDigestDue':
    case 'DailyDigestDue':
    case 'YearNotFinalized':
      return 'schedule-county';
    case 'SweepAnswerDue':
      return `schedule-sweep-${event.data.sweepId}`;
    default:
      return `schedule-${event.data.problemId}`;
  }
}

/** What an event is about, for its id: the problem, the trigger, the day or the year. */
export function scheduleSubjectId(event: ScheduleEvent): string {
  switch (event.type) {
    case 'EscalationReached':
      return event.data.triggerId;
    case 'DailyOverdueDigestDue':
    case 'DailyDigestDue':
      return event.data.day;
    case 'YearNotFinalized':
      return String(event.data.year);
    case 'SupervisionReplyOverdue':
      // Two orders of one item may share a 办结时限: the order's count tells them apart.
      return `${event.data.problemId}:${event.data.supervisionCount}`;
    case 'SweepAnswerDue':
      return `${event.data.sweepId}:${event.data.unitId}`;
    default:
      return event.data.problemId;
  }
}

/** The name the event id is derived from (uuid v5 of it): `${kind}|${subjectId}|${dueAt}`. */
export function scheduleEventKey(event: ScheduleEvent): string {
  return `${event.type}|${scheduleSubjectId(event)}|${event.data.dueAt}`;
}
