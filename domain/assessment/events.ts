import { z } from 'zod';
import { Instant } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import { Grade } from '../policy/document.js';

/** 考核年度: a year the assessment can be asked about, finalized or exempted in; the bounds of every `year` argument. */
export const AssessmentYear = z
  .number()
  .int('must be a whole year')
  .min(2000, 'must be an assessment year from 2000 to 2100')
  .max(2100, 'must be an assessment year from 2000 to 2100');
const Year = AssessmentYear;

/**
 * 容错纠错: the committee removes one deduction from a unit's card, with the reason and who
 * approved it. The deduction is named by its line id (`rule:eventId`), so it removes exactly that
 * line; the line stays on the card, marked as exempted.
 */
export const ExemptionGranted = message(
  'ExemptionGranted',
  1,
  z.object({
    exemptionId: Id,
    year: Year,
    /** The assessed unit whose card carries the deduction. */
    unitId: Id,
    /** The deduction: its line id, rule, problem and the events behind it, and the points it removed. */
    lineId: z.string().min(1).max(200),
    rule: z.string().min(1).max(50),
    problemId: Id.nullable(),
    eventIds: z.array(z.string().max(100)).min(1).max(100),
    points: z.number().negative(),
    /** 容错理由: why it is excused (三个区分开来). */
    reason: Text(2000),
    /** Who approved it (审批人). */
    approvedBy: Name(100),
  }),
);

/** One unit's result as finalized. */
export const FinalizedCard = z.object({
  unitId: Id,
  score: z.number(),
  grade: Grade,
  /** 一票否决 */
  veto: z.boolean(),
  rank: z.number().int().positive(),
});
export type FinalizedCard = z.infer<typeof FinalizedCard>;

/**
 * 考核定档: the year's cards are fixed. The cards were computed from the log up to `position`, as
 * of `asOf`, under `policyVersion`; `cardsHash` is the SHA-256 of the full cards with every line,
 * so the frozen cards can be recomputed and checked later.
 */
export const AssessmentFinalized = message(
  'AssessmentFinalized',
  1,
  z.object({
    year: Year,
    policyVersion: z.number().int().min(0),
    asOf: z.string().max(40, 'must be at most 40 characters').pipe(Instant),
    position: z.number().int().min(-1),
    cardsHash: z.string().regex(/^[0-9a-f]{64}$/),
    cards: z.array(FinalizedCard).max(100_000),
  }),
);
export const assessmentEventDefinitions = [ExemptionGranted, AssessmentFinalized] as const;
export const AssessmentEvent = z.discriminatedUnion('type', [ExemptionGranted.schema, AssessmentFinalized.schema]);
export type AssessmentEvent = z.infer<typeof AssessmentEvent>;
export type ExemptionGrantedData = z.infer<typeof ExemptionGranted.data>;
export type AssessmentFinalizedData = z.infer<typeof AssessmentFinalized.data>;

/** One stream per assessment year: its exemptions and its finalization. */
export const assessmentStreamId = (year: number) => `assessment-${year}`;

export type AssessmentState = {
  exemptedLines: ReadonlySet<string>;
  finalized: AssessmentFinalizedData | null;
};
export const initialAssessmentState: AssessmentState = { exemptedLines: new Set(), finalized: null };

export function evolveAssessment(state: AssessmentState, event: AssessmentEvent): AssessmentState {
  switch (event.type) {
    case 'ExemptionGranted':
      return { ...state, exemptedLines: new Set([...state.exemptedLines, `${event.data.unitId}/${event.data.lineId}`]) };
    case 'AssessmentFinalized':
      return { ...state, finalized: event.data };
    default:
      return assertNever(event);
  }
}
