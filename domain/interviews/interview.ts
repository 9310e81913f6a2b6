import { z } from 'zod';
import { CalendarDay, countyDay } from '../shared/calendar.js';
import { ValidationError, assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import { InterviewLevel, InterviewRule } from '../policies/policy.js';

/**
 * 约谈记录: an interview (or reminder, or supervision talk) held about a trigger. It resolves the
 * trigger for the problems it covered; a problem that slips later raises the trigger again.
 */
export const InterviewHeld = message(
  'InterviewHeld',
  1,
  z.object({
    interviewId: Id,
    /** The trigger it answers, e.g. `unit_many_overdue:<unitId>`. */
    triggerId: z.string().min(1).max(200),
    rule: InterviewRule,
    /** The level the trigger stood at when the interview was held. */
    level: InterviewLevel,
    unitId: Id,
    /** The evidence the interview covered: the problems, by id and ledger number. */
    problemIds: z.array(Id).max(100_000),
    ledgerNumbers: z.array(z.string().max(32)).max(100_000),
    /** 被约谈人: usually the unit's principal leader. */
    interviewee: Name(100),
    /** 约谈人 */
    interviewer: Name(100),
    heldOn: CalendarDay,
    /** 约谈结果: what was said and promised. */
    outcome: Text(2000),
  }),
);
export const interviewEventDefinitions = [InterviewHeld] as const;
export type InterviewEvent = z.infer<typeof InterviewHeld.schema>;

export const RecordInterview = message('RecordInterview', 1, InterviewHeld.data);
export type RecordInterview = z.infer<typeof RecordInterview.schema>;

/** One stream per unit: the interviews held with it. */
export const interviewStreamId = (unitId: string) => `interviews-${unitId}`;

export type InterviewsState = { interviews: readonly InterviewEvent['data'][] };
export const initialInterviewsState: InterviewsState = { interviews: [] };

export function evolveInterviews(state: InterviewsState, event: InterviewEvent): InterviewsState {
  switch (event.type) {
    case 'InterviewHeld':
      return { interviews: [...state.interviews, event.data] };
    default:
      return assertNever(event.type);
  }
}

/**
 * Recording an interview held on a day not yet come is refused; recording one that was already
 * recorded, or whose trigger an earlier interview already covered, changes nothing.
 */
export function decideInterview(state: InterviewsState, command: RecordInterview, now: string): InterviewEvent[] {
  switch (command.type) {
    case 'RecordInterview': {
      const data = command.data;
      if (data.heldOn > countyDay(now))
        throw new ValidationError('INTERVIEW_IN_FUTURE', `An interview cannot be recorded as held on ${data.heldOn}, a day still to come.`, {
          field: 'heldOn',
        });
      if (data.problemIds.length !== data.ledgerNumbers.length)
        throw new ValidationError('EVIDENCE_MISMATCH', 'Each covered problem needs its ledger number.', { field: 'ledgerNumbers' });
      const covered = state.interviews.some(
        (i) => i.interviewId === data.interviewId || (i.triggerId === data.triggerId && data.problemIds.every((p) => i.problemIds.includes(p))),
      );
      return covered ? [] : [{ type: 'InterviewHeld', data }];
    }
    default:
      return assertNever(command.type);
  }
}
