import type { z } from 'zod';
import { countyDay } from '../shared/calendar.js';
import { ValidationError, assertNever } from '../shared/errors.js';
import { message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { InterviewHeld, type InterviewEvent, type InterviewsState, evolveInterviews, initialInterviewsState } from './events.js';

export const RecordInterview = message('RecordInterview', 1, InterviewHeld.data);
export type RecordInterview = z.infer<typeof RecordInterview.schema>;

/**
 * Recording an interview held on a day not yet come is refused; recording one that was already
 * recorded, or whose trigger an earlier interview already covered, changes nothing.
 */
export function decideInterview(state: InterviewsState, command: RecordInterview, now: string): InterviewEvent[] {
  switch (command.type) {
    case 'RecordInterview': {
      const data = command.data;
      if (data.heldOn > countyDay(now))
        throw new ValidationError(
          'INTERVIEW_IN_FUTURE',
          `An interview cannot be recorded as held on ${data.heldOn}, a day still to come.`,
          {
            field: 'heldOn',
          },
        );
      if (data.problemIds.length !== data.ledgerNumbers.length)
        throw new ValidationError('EVIDENCE_MISMATCH', 'Each covered problem needs its ledger number.', { field: 'ledgerNumbers' });
      const covered = state.interviews.some(
        (i) =>
          i.interviewId === data.interviewId || (i.triggerId === data.triggerId && data.problemIds.every((p) => i.problemIds.includes(p))),
      );
      return covered ? [] : [{ type: 'InterviewHeld', data }];
    }
    default:
      return assertNever(command.type);
  }
}

/** The decider of a unit's interviews (约谈): what the command handler runs on its stream. */
export const interviewDecider: Decider<InterviewsState, RecordInterview, InterviewEvent> = {
  decide: decideInterview,
  evolve: evolveInterviews,
  initialState: initialInterviewsState,
};
