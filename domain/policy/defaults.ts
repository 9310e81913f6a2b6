import { type PolicyDocument, defaultAssessmentItems } from './document.js';

/**
 * The built-in policy, version 0, in force until the committee adopts a version of its own.
 * These numbers are OURS, not the seed's: the seed names the mechanisms (挂图作战, 约谈, 一票否决)
 * and leaves thresholds, points and weights to the county. docs/policies.md lists and explains them.
 */
export const defaultPolicy: PolicyDocument = {
  name: '默认考核办法 (taizhang built-in defaults)',
  lights: {
    dueSoonDays: 7,
    redWhenRejected: true,
    yellowWhenExtended: true,
    yellowWithoutDeadline: true,
    unitRedAtRedItems: 1,
    unitYellowAtYellowItems: 1,
  },
  interviews: {
    escalateAfterDays: 14,
    rules: {
      item_overdue: { enabled: true, level: 'reminder' },
      item_long_overdue: { enabled: true, level: 'supervision', days: 30 },
      unit_many_overdue: { enabled: true, level: 'supervision', count: 3 },
      rejected_repeatedly: { enabled: true, level: 'supervision', rejections: 2 },
      recurrence: { enabled: true, level: 'interview' },
      problem_found: { enabled: true, level: 'interview', sources: ['national_feedback'] },
      year_end_unfinished: { enabled: true, level: 'interview' },
      supervision_unanswered: { enabled: true, level: 'interview' },
      sweep_unanswered: { enabled: true, level: 'reminder' },
    },
  },
  timing: {
    reminderOffsetsDays: [7, 3, 1],
    reminderDays: 'calendar',
    recheckAfterDays: 90,
    supervisionFinishByDays: 10,
    scheduleAtHour: 9,
  },
  exemptionReview: { days: 10, dayKind: 'working' },
  scoring: {
    base: 100,
    ordinaryWeightPercent: 40,
    yearEndWeightPercent: 60,
    assessedUnitKinds: ['township', 'department'],
    ordinary: {
      problemFound: {
        national_feedback: -2,
        provincial_review: -1,
        municipal_review: -1,
        county_self_check: 0,
        audit: -1,
        discipline_inspection: -2,
        hotline: -0.5,
        // 自查自纠 is not punished (the seed); what the county's inspectors and unannounced visits find counts.
        unit_self_report: 0,
        county_inspection: -1,
        unannounced_visit: -1.5,
      },
      verificationRejected: -1,
      deadlineExtended: -0.5,
      supervisionOrdered: -1,
      problemReopened: -2,
      recurrence: -3,
      interviewHeld: -2,
    },
    yearEnd: {
      closedOnTime: 1,
      finishedLate: -1,
      unfinishedAtYearEnd: -3,
    },
    recurrenceAcrossUnits: 'same_unit_only',
    coResponsibleShare: 50,
    items: defaultAssessmentItems,
    sweeps: { notAnsweredInTime: -1, noneContradicted: -2, contradictionWithinDays: 365 },
    grades: { good: 95, fairlyGood: 90, average: 80 },
  },
};
