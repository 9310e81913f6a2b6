import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import { InterviewLevel, InterviewRule } from '../policy/document.js';

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
