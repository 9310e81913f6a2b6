import { z } from 'zod';
import { Name } from '../shared/messages.js';
import { type Label, ProblemSource, zhOf } from '../problem/vocabulary.js';
import { UnitKind } from '../unit/events.js';
import { AssessmentItemKind } from '../assessment/vocabulary.js';

/** A light on the battle map (挂图作战): red, yellow or green, per item and per unit. */
export const Light = z.enum(['red', 'yellow', 'green']);
export type Light = z.infer<typeof Light>;

/** How hard the county leans on a unit: 提醒 (reminder) → 督办 (supervision order) → 约谈 (interview of the principal leader). */
export const InterviewLevel = z.enum(['reminder', 'supervision', 'interview']);
export type InterviewLevel = z.infer<typeof InterviewLevel>;
export const interviewLevelLabels: Record<InterviewLevel, Label> = {
  reminder: { zh: '提醒', en: 'Reminder' },
  supervision: { zh: '督办', en: 'Supervision order' },
  interview: { zh: '约谈', en: 'Interview' },
};
export const interviewLevelLabel: Record<InterviewLevel, string> = zhOf(interviewLevelLabels);

/** The interview rules (约谈规则) the policy can switch on, each evaluated as of an instant. */
export const InterviewRule = z.enum([
  'item_overdue',
  'item_long_overdue',
  'unit_many_overdue',
  'rejected_repeatedly',
  'recurrence',
  'problem_found',
  'year_end_unfinished',
  'supervision_unanswered',
  'sweep_unanswered',
]);
export type InterviewRule = z.infer<typeof InterviewRule>;
export const interviewRuleLabels: Record<InterviewRule, Label> = {
  item_overdue: { zh: '问题逾期', en: 'Item overdue' },
  item_long_overdue: { zh: '问题长期逾期', en: 'Item long overdue' },
  unit_many_overdue: { zh: '单位多个问题逾期', en: 'Several items overdue' },
  rejected_repeatedly: { zh: '多次验收不通过', en: 'Rejected repeatedly' },
  recurrence: { zh: '同类问题再次出现', en: 'Same kind again' },
  problem_found: { zh: '发现重要问题', en: 'Serious problem found' },
  year_end_unfinished: { zh: '年底未完成任务', en: 'Year’s task unfinished' },
  supervision_unanswered: { zh: '督办逾期未回复', en: 'Supervision order unanswered' },
  sweep_unanswered: { zh: '举一反三排查逾期未反馈', en: 'Sweep unanswered' },
};

/** 年度考核等次: 好 / 较好 / 一般 / 较差; 较差 carries the one-vote veto (一票否决). */
export const Grade = z.enum(['good', 'fairly_good', 'average', 'poor']);
export type Grade = z.infer<typeof Grade>;
export const gradeLabels: Record<Grade, Label> = {
  good: { zh: '好', en: 'Good' },
  fairly_good: { zh: '较好', en: 'Fairly good' },
  average: { zh: '一般', en: 'Average' },
  poor: { zh: '较差', en: 'Poor' },
};
export const gradeLabel: Record<Grade, string> = zhOf(gradeLabels);

/** Points on a scorecard: at most one decimal place, so weighted sums stay exact. */
const Points = z
  .number()
  .min(-100)
  .max(100)
  .refine((n) => Number.isInteger(Math.round(n * 10)) && Math.abs(Math.round(n * 10) - n * 10) < 1e-9, {
    message: 'must have at most one decimal place',
  });
const Days = z.number().int().min(1).max(3650);
/** When the scheduler acts (domain/schedule/): reminders, 回头看 and automatic 督办. Adopted before it existed: the defaults. */
export const TimingPolicy = z.strictObject({
  /** Reminders (到期提醒) this many days before an open item's deadline. */
  reminderOffsetsDays: z.array(z.number().int().min(1).max(365)).max(10).default([7, 3, 1]),
  /** Whether those days count calendar days or working days (工作日, the county calendar). */
  reminderDays: z.enum(['calendar', 'working']).default('calendar'),
  /** 回头看: a closed (销号) item is checked again this many days after closing. */
  recheckAfterDays: z.number().int().min(1).max(3650).default(90),
  /** 办结时限 of an automatic 督办 order: this many days after the escalation. */
  supervisionFinishByDays: z.number().int().min(1).max(365).default(10),
  /** The county hour (0–23, Asia/Shanghai) at which reminders, 回头看 and the daily digest are due. */
  scheduleAtHour: z.number().int().min(0).max(23).default(9),
});
export type TimingPolicy = z.infer<typeof TimingPolicy>;

/** How long the committee has to decide a 容错纠错 application (审核时限). Adopted before it existed: the defaults. */
export const ExemptionReviewPolicy = z.strictObject({
  /** The review period, counted from the county day of filing, that day not counted. */
  days: z.number().int().min(1).max(365).default(10),
  /** Whether those days are working days (工作日, on the county calendar in force at filing) or calendar days. */
  dayKind: z.enum(['working', 'calendar']).default('working'),
});
export type ExemptionReviewPolicy = z.infer<typeof ExemptionReviewPolicy>;

/** One kind of further assessment item: the part it counts in, and the most points one item may give or take. */
const ItemRule = z.strictObject({ part: z.enum(['ordinary', 'year_end']), maxPoints: z.number().min(0).max(100) });
/** Further assessment items (考核事项) by kind. Adopted before they existed: the defaults. */
export const AssessmentItemsPolicy = z.strictObject(
  Object.fromEntries(AssessmentItemKind.options.map((k) => [k, ItemRule])) as Record<AssessmentItemKind, typeof ItemRule>,
);
export type AssessmentItemsPolicy = z.infer<typeof AssessmentItemsPolicy>;
export const defaultAssessmentItems: AssessmentItemsPolicy = {
  task_completion: { part: 'year_end', maxPoints: 10 },
  inspection_result: { part: 'ordinary', maxPoints: 5 },
};

const Rule = <S extends z.ZodRawShape>(shape: S) => z.strictObject({ enabled: z.boolean(), level: InterviewLevel, ...shape });

/**
 * Points per problem found, by source. The county's own findings were split by who found them
 * (自查上报, 县级督查, 督查暗访) after policies were adopted: a stored policy without the three reads
 * them as the rule it was adopted under — those findings were recorded as 县自查 (`county_self_check`)
 * and counted its points — except 自查上报, which the seed says not to punish (0).
 */
const ProblemFoundPoints = z.preprocess(
  (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const given = value as Record<string, unknown>;
    const countyFindings = given.county_self_check;
    const split = countyFindings === undefined ? {} : { county_inspection: countyFindings, unannounced_visit: countyFindings };
    return { unit_self_report: 0, ...split, ...given };
  },
  z.record(ProblemSource, Points),
);

/**
 * A policy (考核办法): the light rules of the battle map, the interview rules and the scoring rules,
 * as one versioned document. The seed names the mechanisms, never the numbers: every number here is
 * the county's choice, changed by adopting a new version (`PolicyAdopted`), never by editing code.
 */
export const PolicyDocument = z.strictObject({
  /** What the committee calls this version, e.g. "2019年度整改考核办法". */
  name: Name(200),
  lights: z.strictObject({
    /** An open item whose deadline is within this many days is yellow (due soon). */
    dueSoonDays: z.number().int().min(0).max(365),
    /** Red when the item is back in rectification after a rejected verification. */
    redWhenRejected: z.boolean(),
    /** Yellow when an open item's deadline was ever extended (延期). */
    yellowWhenExtended: z.boolean(),
    /** Yellow when an open item has no deadline yet. */
    yellowWithoutDeadline: z.boolean(),
    /** A unit is red from this many red items, yellow from this many yellow (or red) items. */
    unitRedAtRedItems: z.number().int().min(1),
    unitYellowAtYellowItems: z.number().int().min(1),
  }),
  interviews: z.strictObject({
    /** An unresolved trigger rises one level (提醒 → 督办 → 约谈) after each such period. */
    escalateAfterDays: Days,
    rules: z.strictObject({
      /** An item past its deadline. */
      item_overdue: Rule({}),
      /** An item overdue for at least `days` days. */
      item_long_overdue: Rule({ days: Days }),
      /** A unit with at least `count` items overdue at once. */
      unit_many_overdue: Rule({ count: z.number().int().min(2) }),
      /** One item whose verification was rejected at least `rejections` times. */
      rejected_repeatedly: Rule({ rejections: z.number().int().min(1) }),
      /** A problem raised as a recurrence (同类问题第二次) of an earlier one in the same unit, while open. */
      recurrence: Rule({}),
      /** A problem from one of these sources assigned to a unit, while open (随时发现问题随时约谈). */
      problem_found: Rule({ sources: z.array(ProblemSource).min(1) }),
      /** After 31 December: a unit with items due that year not reported fixed by year end. */
      year_end_unfinished: Rule({}),
      /**
       * A 督办 whose finish-by day (办结时限) passed without the unit's reply, while the item is open.
       * Added after the first policies were adopted: a stored policy without it gets the default.
       */
      supervision_unanswered: Rule({}).default({ enabled: true, level: 'interview' }),
      /**
       * A sweep (举一反三排查) past its answer-by day without the unit's answer, while the sweep is open.
       * Added after the first policies were adopted: a stored policy without it gets the default.
       */
      sweep_unanswered: Rule({}).default({ enabled: true, level: 'reminder' }),
    }),
  }),
  timing: TimingPolicy.default({
    reminderOffsetsDays: [7, 3, 1],
    reminderDays: 'calendar',
    recheckAfterDays: 90,
    supervisionFinishByDays: 10,
    scheduleAtHour: 9,
  }),
  /** 容错纠错: the committee's review period for an application. */
  exemptionReview: ExemptionReviewPolicy.default({ days: 10, dayKind: 'working' }),
  scoring: z
    .strictObject({
      /** Each part starts here; the score is the weighted sum of the two parts. */
      base: z.number().int().min(0).max(1000),
      /** 平时 (ordinary-time performance) and 集中考核 (year-end assessment) weights, in percent. */
      ordinaryWeightPercent: z.number().int().min(0).max(100),
      yearEndWeightPercent: z.number().int().min(0).max(100),
      /** Units that get a card. A problem of another kind of unit counts for its nearest assessed ancestor. */
      assessedUnitKinds: z.array(UnitKind).min(1),
      ordinary: z.strictObject({
        /** Per problem raised that year against the unit, by source. */
        problemFound: ProblemFoundPoints,
        verificationRejected: Points,
        deadlineExtended: Points,
        supervisionOrdered: Points,
        problemReopened: Points,
        recurrence: Points,
        /** Per interview of the principal leader (约谈 level) held that year. */
        interviewHeld: Points,
      }),
      yearEnd: z.strictObject({
        /** Per item due that year, reported fixed by its deadline and closed (销号). */
        closedOnTime: Points,
        /** Per item due that year, reported fixed after its deadline but by 31 December. */
        finishedLate: Points,
        /** Per item due that year and not reported fixed by 31 December. */
        unfinishedAtYearEnd: Points,
      }),
      /**
       * 复发 across units: whether a problem linked as the recurrence (同类问题第二次) of an earlier
       * problem of ANOTHER unit costs the later unit `ordinary.recurrence` too (`counted`), or only a
       * recurrence within one unit does (`same_unit_only`). Both need the same category. Added after the
       * first policies were adopted: a stored policy without it keeps the rule it was adopted under.
       */
      recurrenceAcrossUnits: z.enum(['same_unit_only', 'counted']).default('same_unit_only'),
      /**
       * 配合单位: each co-responsible unit of an item gets this percent of each deduction (a negative
       * line) the item puts on its lead unit's card (牵头单位), rounded to one decimal. Added after the
       * first policies were adopted: a stored policy without it reads with our default, 50.
       */
      coResponsibleShare: z.number().int().min(0).max(100).default(50),
      /** Further assessment items (考核事项): which part each kind counts in, and its bound. */
      items: AssessmentItemsPolicy.default(defaultAssessmentItems),
      /**
       * 举一反三排查, in the 平时 part. Added after the first policies were adopted: a stored policy
       * without it gets these defaults (docs/policies.md).
       */
      sweeps: z
        .strictObject({
          /** Per sweep a unit did not answer by its answer-by day (counted in that day's year). */
          notAnsweredInTime: Points,
          /**
           * Per "none" (未发现) answer contradicted: a problem of the sweep's category, from a source other
           * than the county's self-check, raised in the unit within `contradictionWithinDays` after the answer.
           */
          noneContradicted: Points,
          contradictionWithinDays: Days,
        })
        .default({ notAnsweredInTime: -1, noneContradicted: -2, contradictionWithinDays: 365 }),
      /** Lowest score of each grade; below `average` is 较差. */
      grades: z.strictObject({ good: z.number(), fairlyGood: z.number(), average: z.number() }),
    })
    .refine((s) => s.ordinaryWeightPercent + s.yearEndWeightPercent === 100, {
      message: 'the two weights must add up to 100 percent',
      path: ['yearEndWeightPercent'],
    })
    .refine((s) => s.grades.good >= s.grades.fairlyGood && s.grades.fairlyGood >= s.grades.average, {
      message: 'grade thresholds must not increase from 好 to 一般',
      path: ['grades'],
    }),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/**
 * A document as the committee may adopt it from now on: PolicyDocument, and each grade's threshold
 * strictly below the one above it, so every grade can be given (好 = 较好 would leave 较好 to nobody).
 * Versions already adopted are read with PolicyDocument, so a stored tie still reads. Unknown keys
 * are refused at every depth (strict objects) rather than dropped.
 */
export const AdoptablePolicyDocument = PolicyDocument.superRefine((d, ctx) => {
  const { good, fairlyGood, average } = d.scoring.grades;
  if (!(fairlyGood < good))
    ctx.addIssue({
      code: 'custom',
      path: ['scoring', 'grades', 'fairlyGood'],
      message: `must be below good (${good}): 较好 starts below 好`,
    });
  if (!(average < fairlyGood))
    ctx.addIssue({
      code: 'custom',
      path: ['scoring', 'grades', 'average'],
      message: `must be below fairlyGood (${fairlyGood}): 一般 starts below 较好`,
    });
});
