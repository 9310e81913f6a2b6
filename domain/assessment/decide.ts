import { z } from 'zod';
import { countyDay } from '../shared/calendar.js';
import { IllegalStateError, ValidationError, assertNever } from '../shared/errors.js';
import { message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import {
  AssessmentFinalized,
  ExemptionGranted,
  type AssessmentEvent,
  type AssessmentState,
  evolveAssessment,
  initialAssessmentState,
} from './events.js';

export const GrantExemption = message('GrantExemption', 1, ExemptionGranted.data);
export const FinalizeAssessment = message('FinalizeAssessment', 1, AssessmentFinalized.data);
export const AssessmentCommand = z.discriminatedUnion('type', [GrantExemption.schema, FinalizeAssessment.schema]);
export type AssessmentCommand = z.infer<typeof AssessmentCommand>;

/**
 * After finalization the year's cards are fixed: no more exemptions, no second finalization with
 * other cards. Finalizing needs the year to be over in the county's calendar. Granting an
 * exemption already granted, or finalizing again with the same cards, changes nothing.
 */
export function decideAssessment(state: AssessmentState, command: AssessmentCommand, now: string): AssessmentEvent[] {
  switch (command.type) {
    case 'GrantExemption': {
      const { year, unitId, lineId } = command.data;
      if (state.exemptedLines.has(`${unitId}/${lineId}`)) return [];
      if (state.finalized)
        throw new IllegalStateError(
          'ASSESSMENT_FINALIZED',
          `The ${year} assessment was finalized; its cards are fixed and take no more exemptions.`,
        );
      return [{ type: 'ExemptionGranted', data: command.data }];
    }
    case 'FinalizeAssessment': {
      const { year, cardsHash } = command.data;
      if (state.finalized?.cardsHash === cardsHash) return [];
      if (state.finalized)
        throw new IllegalStateError('ALREADY_FINALIZED', `The ${year} assessment was already finalized; its cards are fixed.`);
      if (countyDay(now) <= `${year}-12-31`)
        throw new ValidationError('YEAR_NOT_OVER', `The ${year} assessment can be finalized only after 31 December ${year}.`, {
          field: 'year',
        });
      return [{ type: 'AssessmentFinalized', data: command.data }];
    }
    default:
      return assertNever(command);
  }
}

/** The decider of a year's assessment (年度考核): what the command handler runs on its stream. */
export const assessmentDecider: Decider<AssessmentState, AssessmentCommand, AssessmentEvent> = {
  decide: decideAssessment,
  evolve: evolveAssessment,
  initialState: initialAssessmentState,
};
