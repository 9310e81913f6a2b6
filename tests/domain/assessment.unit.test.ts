import { describe, expect, it } from 'vitest';
import {
  AssessmentEvent,
  InterviewHeld,
  PolicyAdopted,
  RecordAssessmentItem,
  decideAssessment,
  decideInterview,
  decidePolicy,
  defaultPolicy,
  evolveAssessment,
  evolveInterviews,
  evolvePolicy,
  initialAssessmentState,
  initialInterviewsState,
  initialPolicyState,
} from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const T1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';
const P3 = '00000000-0000-4000-8000-000000000003';
const NOW = '2020-01-15T10:00:00+08:00';

const policies = deciderSpec({
  initialState: initialPolicyState,
  evolve: evolvePolicy,
  decide: decidePolicy,
  eventSchema: PolicyAdopted.schema,
});
const interviews = deciderSpec({
  initialState: initialInterviewsState,
  evolve: evolveInterviews,
  decide: decideInterview,
  eventSchema: InterviewHeld.schema,
});
const assessment = deciderSpec({
  initialState: initialAssessmentState,
  evolve: evolveAssessment,
  decide: decideAssessment,
  eventSchema: AssessmentEvent,
});

const strict = {
  ...defaultPolicy,
  name: '从严考核办法',
  scoring: { ...defaultPolicy.scoring, grades: { good: 99, fairlyGood: 98, average: 97 } },
};

describe('policies (考核办法)', () => {
  it('the first adoption is version 1', () => {
    policies
      .given([])
      .when({ type: 'AdoptPolicy', data: { document: strict, reason: '从严' } }, NOW)
      .then([{ type: 'PolicyAdopted', data: { version: 1, document: strict, reason: '从严' } }]);
  });
  it('adopting another document is the next version', () => {
    policies
      .given([{ type: 'PolicyAdopted', data: { version: 1, document: strict, reason: '从严' } }])
      .when({ type: 'AdoptPolicy', data: { document: defaultPolicy, reason: '恢复默认' } }, NOW)
      .then([{ type: 'PolicyAdopted', data: { version: 2, document: defaultPolicy, reason: '恢复默认' } }]);
  });
  it('adopting the document already in force changes nothing', () => {
    policies
      .given([{ type: 'PolicyAdopted', data: { version: 1, document: strict, reason: '从严' } }])
      .when({ type: 'AdoptPolicy', data: { document: strict, reason: '再次' } }, NOW)
      .thenNothing();
  });
});

const held = (interviewId: string, problemIds: string[], heldOn = '2020-01-14') => ({
  type: 'InterviewHeld' as const,
  data: {
    interviewId,
    triggerId: `unit_many_overdue:${T1}`,
    rule: 'unit_many_overdue' as const,
    level: 'supervision' as const,
    unitId: T1,
    problemIds,
    ledgerNumbers: problemIds.map((_, i) => `SJ-2019-00${i + 1}`),
    interviewee: '镇长',
    interviewer: '县督查办主任',
    heldOn,
    outcome: '限期整改',
  },
});

describe('interviews (约谈)', () => {
  it('an interview held today is recorded', () => {
    const e = held('00000000-0000-4000-8000-00000000000a', [P2]);
    interviews.given([]).when({ type: 'RecordInterview', data: e.data }, NOW).then([e]);
  });
  it('an interview on a day still to come is refused', () => {
    const e = held('00000000-0000-4000-8000-00000000000a', [P2], '2020-01-16');
    interviews.given([]).when({ type: 'RecordInterview', data: e.data }, NOW).thenError('INTERVIEW_IN_FUTURE');
  });
  it('an interview on a trigger an earlier one already covered changes nothing', () => {
    const earlier = held('00000000-0000-4000-8000-00000000000a', [P2, P3]);
    const again = held('00000000-0000-4000-8000-00000000000b', [P3]);
    interviews.given([earlier]).when({ type: 'RecordInterview', data: again.data }, NOW).thenNothing();
  });
  it('a problem the earlier interview did not cover needs a new one', () => {
    const earlier = held('00000000-0000-4000-8000-00000000000a', [P2]);
    const again = held('00000000-0000-4000-8000-00000000000b', [P2, P3]);
    interviews.given([earlier]).when({ type: 'RecordInterview', data: again.data }, NOW).then([again]);
  });
});

const U2 = '00000000-0000-4000-8000-0000000000b2';
const A1 = '00000000-0000-4000-8000-0000000000a1';
const A2 = '00000000-0000-4000-8000-0000000000a2';
const E1 = '00000000-0000-4000-8000-0000000000e1';
const E2 = '00000000-0000-4000-8000-0000000000e2';
const I1 = '00000000-0000-4000-8000-0000000000c1';

/** The deduction every exemption below names: SJ-2019-003's −3 at year end, on T1's card. */
const deduction = {
  year: 2019,
  unitId: T1,
  lineId: `unfinished_at_year_end:${P2}`,
  rule: 'unfinished_at_year_end',
  problemId: P2,
  eventIds: [P2],
  points: -3,
};
const exemption = {
  exemptionId: E1,
  ...deduction,
  reason: '汛期道路中断',
  approvedBy: '县考核委员会',
  resolvesTriggerId: null,
  resolvesProblemIds: [],
};
/** The committee's own exemption, as it files it: an application decided at once. */
const grant = { ...exemption, applicationId: A1, distinction: null };
const committeeFiling = {
  applicationId: A1,
  ...deduction,
  applicantUnitId: null,
  distinction: null,
  statement: '汛期道路中断',
  files: [],
  appliedOn: '2020-01-15',
  reviewBy: '2020-01-15',
  reviewDays: 0,
  reviewDayKind: 'calendar' as const,
};
const file = { name: '汛期通报.pdf', sha256: 'c'.repeat(64), size: 1024, contentType: 'application/pdf' };
/** T1's head applies: an honest slip while pushing development, with the flood bulletin; 10 working days to decide. */
const applied = (applicationId = A1, unitId = T1) => ({
  applicationId,
  ...deduction,
  unitId,
  applicantUnitId: T1,
  distinction: 'unintentional_for_development' as const,
  statement: '汛期道路中断，施工队无法进场',
  files: [file],
  appliedOn: '2020-01-15',
  reviewBy: '2020-02-05',
  reviewDays: 10,
  reviewDayKind: 'working' as const,
});
const apply = (applicationId = A1, unitId = T1) => ({ type: 'ApplyForExemption' as const, data: applied(applicationId, unitId) });
const appliedEvent = (applicationId = A1) => ({ type: 'ExemptionApplied' as const, data: applied(applicationId) });
const approve = (applicationId = A1) => ({
  type: 'ApproveExemption' as const,
  data: {
    applicationId,
    exemptionId: E2,
    year: 2019,
    reason: '属实，符合三个区分开来',
    approvedBy: '县考核委员会',
    resolvesTriggerId: `year_end_unfinished:${T1}:2019`,
    resolvesProblemIds: [P2],
  },
});
const approvedEvent = (applicationId = A1) => ({
  type: 'ExemptionGranted' as const,
  data: { ...approve(applicationId).data, ...deduction },
});
const refuse = (applicationId = A1) => ({
  type: 'RefuseExemption' as const,
  data: { applicationId, year: 2019, reasons: '道路中断仅两周，不足以解释逾期两个月', decidedBy: '县考核委员会' },
});
const refusedEvent = (applicationId = A1) => ({
  type: 'ExemptionRefused' as const,
  data: { ...refuse(applicationId).data, unitId: T1, lineId: deduction.lineId },
});
const withdraw = (applicantUnitId = T1) => ({
  type: 'WithdrawExemptionApplication' as const,
  data: { applicationId: A1, year: 2019, applicantUnitId },
});
const withdrawnEvent = {
  type: 'ExemptionApplicationWithdrawn' as const,
  data: { applicationId: A1, year: 2019, unitId: T1, lineId: deduction.lineId },
};

const finalized = {
  year: 2019,
  policyVersion: 0,
  asOf: NOW,
  position: 42,
  cardsHash: 'a'.repeat(64),
  cards: [{ unitId: T1, score: 96.8, grade: 'good' as const, veto: false, rank: 1 }],
};
const finalizedEvent = { type: 'AssessmentFinalized' as const, data: finalized };

describe('exemptions (容错纠错) granted by the committee, and finalization (考核定档)', () => {
  it('the committee’s exemption is an application it files and approves at once; granting it again changes nothing', () => {
    const state = assessment
      .given([])
      .when({ type: 'GrantExemption', data: grant }, NOW)
      .then([
        { type: 'ExemptionApplied', data: committeeFiling },
        { type: 'ExemptionGranted', data: { ...exemption, applicationId: A1 } },
      ]);
    expect(state.applications.get(A1)?.status).toBe('approved');
    assessment
      .given([{ type: 'ExemptionGranted', data: exemption }])
      .when({ type: 'GrantExemption', data: grant }, NOW)
      .thenNothing();
  });
  it('the committee does not grant over a unit’s application waiting on the same line: it decides that one', () => {
    assessment
      .given([appliedEvent()])
      .when({ type: 'GrantExemption', data: { ...grant, applicationId: A2 } }, NOW)
      .thenError('APPLICATION_PENDING');
  });
  it('a year is finalized only once it is over', () => {
    assessment.given([]).when({ type: 'FinalizeAssessment', data: finalized }, '2019-12-31T23:00:00+08:00').thenError('YEAR_NOT_OVER');
    assessment.given([]).when({ type: 'FinalizeAssessment', data: finalized }, NOW).then([finalizedEvent]);
  });
  it('a year is not finalized while an application waits for the committee; once decided, it is', () => {
    assessment.given([appliedEvent()]).when({ type: 'FinalizeAssessment', data: finalized }, NOW).thenError('APPLICATIONS_PENDING');
    assessment.given([appliedEvent(), refusedEvent()]).when({ type: 'FinalizeAssessment', data: finalized }, NOW).then([finalizedEvent]);
  });
  it('after finalization: no exemption, no second finalization with other cards, the same one changes nothing', () => {
    const given = assessment.given([finalizedEvent]);
    given.when({ type: 'GrantExemption', data: grant }, NOW).thenError('ASSESSMENT_FINALIZED');
    given.when({ type: 'FinalizeAssessment', data: { ...finalized, cardsHash: 'b'.repeat(64) } }, NOW).thenError('ALREADY_FINALIZED');
    given.when({ type: 'FinalizeAssessment', data: finalized }, NOW).thenNothing();
  });
});

describe('容错纠错 applications: a unit head applies, the committee decides', () => {
  it('a unit head applies for an exemption on a deduction of their own unit’s card, claiming one of the three distinctions', () => {
    const state = assessment.given([]).when(apply(), NOW).then([appliedEvent()]);
    expect(state.applications.get(A1)?.status).toBe('pending');
  });
  it('the same application sent again (a retry) changes nothing', () => {
    assessment.given([appliedEvent()]).when(apply(), NOW).thenNothing();
  });
  it('a second application on the same line is refused while the first waits, once the line is exempted, and after a refusal', () => {
    assessment.given([appliedEvent()]).when(apply(A2), NOW).thenError('APPLICATION_PENDING');
    assessment.given([appliedEvent(), approvedEvent()]).when(apply(A2), NOW).thenError('ALREADY_EXEMPTED');
    assessment.given([appliedEvent(), refusedEvent()]).when(apply(A2), NOW).thenError('APPLICATION_REFUSED');
  });
  it('after a withdrawal the unit may apply again', () => {
    assessment
      .given([appliedEvent(), withdrawnEvent])
      .when(apply(A2), NOW)
      .then([appliedEvent(A2)]);
  });
  it('a unit head cannot apply on another unit’s card', () => {
    assessment.given([]).when(apply(A1, U2), NOW).thenError('FORBIDDEN');
  });
  it('an application must say which distinction it claims', () => {
    assessment
      .given([])
      .when({ type: 'ApplyForExemption', data: { ...applied(), distinction: null } }, NOW)
      .thenError('DISTINCTION_REQUIRED');
  });
  it('approving removes the deduction and may resolve the trigger it came from; approving again changes nothing', () => {
    const state = assessment.given([appliedEvent()]).when(approve(), NOW).then([approvedEvent()]);
    expect(state.exemptedLines.has(`${T1}/${deduction.lineId}`)).toBe(true);
    assessment.given([appliedEvent(), approvedEvent()]).when(approve(), NOW).thenNothing();
  });
  it('refusing keeps the deduction, with the reasons; refusing again changes nothing', () => {
    const state = assessment.given([appliedEvent()]).when(refuse(), NOW).then([refusedEvent()]);
    expect(state.exemptedLines.size).toBe(0);
    assessment.given([appliedEvent(), refusedEvent()]).when(refuse(), NOW).thenNothing();
  });
  it('an application decided one way cannot be decided the other way', () => {
    assessment.given([appliedEvent(), approvedEvent()]).when(refuse(), NOW).thenError('ALREADY_DECIDED');
    assessment.given([appliedEvent(), refusedEvent()]).when(approve(), NOW).thenError('ALREADY_DECIDED');
  });
  it('a withdrawn application, or one that does not exist, cannot be decided', () => {
    assessment.given([appliedEvent(), withdrawnEvent]).when(approve(), NOW).thenError('APPLICATION_WITHDRAWN');
    assessment.given([appliedEvent(), withdrawnEvent]).when(refuse(), NOW).thenError('APPLICATION_WITHDRAWN');
    assessment.given([]).when(approve(), NOW).thenError('APPLICATION_NOT_FOUND');
  });
  it('only the applying unit withdraws, and only while the application waits; withdrawing twice changes nothing', () => {
    assessment.given([appliedEvent()]).when(withdraw(), NOW).then([withdrawnEvent]);
    assessment.given([appliedEvent()]).when(withdraw(U2), NOW).thenError('FORBIDDEN');
    assessment.given([appliedEvent(), approvedEvent()]).when(withdraw(), NOW).thenError('ALREADY_DECIDED');
    assessment.given([appliedEvent(), withdrawnEvent]).when(withdraw(), NOW).thenNothing();
  });
  it('a finalized year takes no application, decision or withdrawal', () => {
    assessment.given([finalizedEvent]).when(apply(), NOW).thenError('ASSESSMENT_FINALIZED');
    // A year cannot be finalized with an application pending; these were filed by a log older than that rule.
    assessment.given([appliedEvent(), finalizedEvent]).when(approve(), NOW).thenError('ASSESSMENT_FINALIZED');
    assessment.given([appliedEvent(), finalizedEvent]).when(refuse(), NOW).thenError('ASSESSMENT_FINALIZED');
    assessment.given([appliedEvent(), finalizedEvent]).when(withdraw(), NOW).thenError('ASSESSMENT_FINALIZED');
  });
});

describe('further assessment items (考核事项)', () => {
  const item = {
    itemId: I1,
    year: 2019,
    unitId: T1,
    kind: 'task_completion' as const,
    points: -2.5,
    title: '2019年易地扶贫搬迁任务未按期完成',
    evidence: '县发改委年终核查：计划搬迁120户，完成96户',
    files: [file],
  };
  const record = (data = {}) => ({ type: 'RecordAssessmentItem' as const, data: { ...item, maxPoints: 10, ...data } });
  it('the committee records an item for a unit and year; recording it again changes nothing', () => {
    assessment
      .given([])
      .when(record(), NOW)
      .then([{ type: 'AssessmentItemRecorded', data: item }]);
    assessment
      .given([{ type: 'AssessmentItemRecorded', data: item }])
      .when(record(), NOW)
      .thenNothing();
  });
  it('an item beyond the points the policy allows for its kind is refused', () => {
    assessment
      .given([])
      .when(record({ maxPoints: 2 }), NOW)
      .thenError('POINTS_OUT_OF_RANGE');
  });
  it('zero points, or more than one decimal place, are not an item', () => {
    expect(RecordAssessmentItem.schema.safeParse(record({ points: 0 })).success).toBe(false);
    expect(RecordAssessmentItem.schema.safeParse(record({ points: 1.25 })).success).toBe(false);
    expect(RecordAssessmentItem.schema.safeParse(record()).success).toBe(true);
  });
  it('an item for a year not begun is refused, and so is one for a finalized year', () => {
    assessment
      .given([])
      .when(record({ year: 2021 }), NOW)
      .thenError('YEAR_NOT_STARTED');
    assessment.given([finalizedEvent]).when(record(), NOW).thenError('ASSESSMENT_FINALIZED');
  });
});
