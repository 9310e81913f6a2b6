import { z } from 'zod';
import { CalendarDay, Instant } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import { Grade } from '../policy/document.js';
import { EvidenceFile } from '../problem/events.js';
import { AssessmentItemKind, Distinction, type ExemptionApplicationStatus } from './vocabulary.js';

/** 考核年度: a year the assessment can be asked about, finalized or exempted in; the bounds of every `year` argument. */
export const AssessmentYear = z
  .number()
  .int('must be a whole year')
  .min(2000, 'must be an assessment year from 2000 to 2100')
  .max(2100, 'must be an assessment year from 2000 to 2100');
const Year = AssessmentYear;

/** The deduction an exemption or an application names: its line id (`rule:eventId`), rule, problem, events and points. */
const Deduction = {
  year: Year,
  /** The assessed unit whose card carries the deduction. */
  unitId: Id,
  lineId: z.string().min(1).max(200),
  rule: z.string().min(1).max(50),
  problemId: Id.nullable(),
  eventIds: z.array(z.string().max(100)).min(1).max(100),
  points: z.number().negative(),
};

/**
 * 容错纠错 applied for: a unit asks the committee to remove one deduction of its own card, claiming
 * one of the three distinctions (三个区分开来) with a statement and evidence files. The committee
 * decides it by `reviewBy` (the policy's review period, counted from `appliedOn`). The committee's
 * own direct exemption is an application too, filed by it (`applicantUnitId` null) and decided at once.
 */
export const ExemptionApplied = message(
  'ExemptionApplied',
  1,
  z.object({
    applicationId: Id,
    ...Deduction,
    /** The unit that applied (its head); null when the committee filed it itself. */
    applicantUnitId: Id.nullable(),
    /** Which of the three distinctions it claims; null only in the committee's own filing, which may leave it unsaid. */
    distinction: Distinction.nullable(),
    /** 情况说明: what happened and why it is an honest mistake. */
    statement: Text(5000),
    files: z.array(EvidenceFile).max(50).default([]),
    /** The county day it was filed, and the last day of its review (审核时限). */
    appliedOn: CalendarDay,
    reviewBy: CalendarDay,
    /** The review period it was given, and whether in working days (工作日) or calendar days. */
    reviewDays: z.number().int().min(0).max(365),
    reviewDayKind: z.enum(['working', 'calendar']),
  }),
);

/**
 * 容错纠错 granted: the deduction is removed from the unit's card, with the reason and who approved
 * it. The deduction is named by its line id (`rule:eventId`), so it removes exactly that line; the
 * line stays on the card, marked as exempted. Written when the committee approves an application
 * (`applicationId`; absent in exemptions granted before applications existed). It may resolve the
 * interview trigger the deduction came from (`resolvesTriggerId`, its problems as they stood).
 */
export const ExemptionGranted = message(
  'ExemptionGranted',
  1,
  z.object({
    exemptionId: Id,
    ...Deduction,
    /** 容错理由: why it is excused (三个区分开来). */
    reason: Text(2000),
    /** Who approved it (审批人). */
    approvedBy: Name(100),
    /** The application it approves. */
    applicationId: Id.optional(),
    /** The interview trigger (约谈) this exemption resolves, and the problems it covered then. */
    resolvesTriggerId: z.string().min(1).max(200).nullable().default(null),
    resolvesProblemIds: z.array(Id).max(1000).default([]),
  }),
);

/** 容错纠错 refused: the committee keeps the deduction, with its reasons and who decided. */
export const ExemptionRefused = message(
  'ExemptionRefused',
  1,
  z.object({ applicationId: Id, year: Year, unitId: Id, lineId: z.string().min(1).max(200), reasons: Text(2000), decidedBy: Name(100) }),
);

/** The unit took back its application before the committee decided it. */
export const ExemptionApplicationWithdrawn = message(
  'ExemptionApplicationWithdrawn',
  1,
  z.object({ applicationId: Id, year: Year, unitId: Id, lineId: z.string().min(1).max(200) }),
);

/** Points given or taken by a further assessment item: not zero, at most one decimal place (the card keeps tenths). */
export const ItemPoints = z
  .number()
  .min(-100)
  .max(100)
  .refine((n) => n !== 0, 'must not be zero')
  .refine((n) => Math.abs(Math.round(n * 10) - n * 10) < 1e-9, 'must have at most one decimal place');

/**
 * 考核事项: the committee records a further assessment item for a unit and year (a task's completion,
 * an inspection's result), with its points and evidence. The policy says which part (平时 or 集中考核)
 * its kind counts in; who entered it is the event's actor.
 */
export const AssessmentItemRecorded = message(
  'AssessmentItemRecorded',
  1,
  z.object({
    itemId: Id,
    year: Year,
    unitId: Id,
    kind: AssessmentItemKind,
    points: ItemPoints,
    /** What was assessed, in one line (e.g. 2019年易地扶贫搬迁任务按期完成). */
    title: Name(200),
    /** 考核依据: the evidence, described, with files. */
    evidence: Text(5000),
    files: z.array(EvidenceFile).max(50).default([]),
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
export const assessmentEventDefinitions = [
  ExemptionGranted,
  AssessmentFinalized,
  ExemptionApplied,
  ExemptionRefused,
  ExemptionApplicationWithdrawn,
  AssessmentItemRecorded,
] as const;
export const AssessmentEvent = z.discriminatedUnion('type', [
  ExemptionGranted.schema,
  AssessmentFinalized.schema,
  ExemptionApplied.schema,
  ExemptionRefused.schema,
  ExemptionApplicationWithdrawn.schema,
  AssessmentItemRecorded.schema,
]);
export type AssessmentEvent = z.infer<typeof AssessmentEvent>;
export type ExemptionGrantedData = z.infer<typeof ExemptionGranted.data>;
export type AssessmentFinalizedData = z.infer<typeof AssessmentFinalized.data>;
export type ExemptionAppliedData = z.infer<typeof ExemptionApplied.data>;
export type ExemptionRefusedData = z.infer<typeof ExemptionRefused.data>;
export type AssessmentItemRecordedData = z.infer<typeof AssessmentItemRecorded.data>;

/** One stream per assessment year: its exemptions and the applications for them, further items, and its finalization. */
export const assessmentStreamId = (year: number) => `assessment-${year}`;

/** An application as the decider needs it: what it asks for, and where it stands. */
export type ApplicationState = ExemptionAppliedData & { status: ExemptionApplicationStatus };

export type AssessmentState = {
  exemptedLines: ReadonlySet<string>;
  /** 容错纠错 applications by id, in filing order. */
  applications: ReadonlyMap<string, ApplicationState>;
  /** Further assessment items recorded, by id. */
  items: ReadonlySet<string>;
  finalized: AssessmentFinalizedData | null;
};
export const initialAssessmentState: AssessmentState = {
  exemptedLines: new Set(),
  applications: new Map(),
  items: new Set(),
  finalized: null,
};

const withStatus = (state: AssessmentState, applicationId: string | undefined, status: ExemptionApplicationStatus): AssessmentState => {
  const application = applicationId === undefined ? undefined : state.applications.get(applicationId);
  if (!application) return state;
  return { ...state, applications: new Map(state.applications).set(application.applicationId, { ...application, status }) };
};

export function evolveAssessment(state: AssessmentState, event: AssessmentEvent): AssessmentState {
  switch (event.type) {
    case 'ExemptionGranted': {
      const exempted = { ...state, exemptedLines: new Set([...state.exemptedLines, `${event.data.unitId}/${event.data.lineId}`]) };
      return withStatus(exempted, event.data.applicationId, 'approved');
    }
    case 'ExemptionApplied':
      return { ...state, applications: new Map(state.applications).set(event.data.applicationId, { ...event.data, status: 'pending' }) };
    case 'ExemptionRefused':
      return withStatus(state, event.data.applicationId, 'refused');
    case 'ExemptionApplicationWithdrawn':
      return withStatus(state, event.data.applicationId, 'withdrawn');
    case 'AssessmentItemRecorded':
      return { ...state, items: new Set([...state.items, event.data.itemId]) };
    case 'AssessmentFinalized':
      return { ...state, finalized: event.data };
    default:
      return assertNever(event);
  }
}
