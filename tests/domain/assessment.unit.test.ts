import { describe, it } from 'vitest';
import {
  AssessmentEvent,
  InterviewHeld,
  PolicyAdopted,
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

const exemption = {
  exemptionId: '00000000-0000-4000-8000-0000000000e1',
  year: 2019,
  unitId: T1,
  lineId: `unfinished_at_year_end:${P2}`,
  rule: 'unfinished_at_year_end',
  problemId: P2,
  eventIds: [P2],
  points: -3,
  reason: '汛期道路中断',
  approvedBy: '县考核委员会',
};
const finalized = {
  year: 2019,
  policyVersion: 0,
  asOf: NOW,
  position: 42,
  cardsHash: 'a'.repeat(64),
  cards: [{ unitId: T1, score: 96.8, grade: 'good' as const, veto: false, rank: 1 }],
};

describe('exemptions (容错纠错) and finalization (考核定档)', () => {
  it('an exemption is granted once; granting it again changes nothing', () => {
    assessment
      .given([])
      .when({ type: 'GrantExemption', data: exemption }, NOW)
      .then([{ type: 'ExemptionGranted', data: exemption }]);
    assessment
      .given([{ type: 'ExemptionGranted', data: exemption }])
      .when({ type: 'GrantExemption', data: exemption }, NOW)
      .thenNothing();
  });
  it('a year is finalized only once it is over', () => {
    assessment.given([]).when({ type: 'FinalizeAssessment', data: finalized }, '2019-12-31T23:00:00+08:00').thenError('YEAR_NOT_OVER');
    assessment
      .given([])
      .when({ type: 'FinalizeAssessment', data: finalized }, NOW)
      .then([{ type: 'AssessmentFinalized', data: finalized }]);
  });
  it('after finalization: no exemption, no second finalization with other cards, the same one changes nothing', () => {
    const given = assessment.given([{ type: 'AssessmentFinalized', data: finalized }]);
    given.when({ type: 'GrantExemption', data: exemption }, NOW).thenError('ASSESSMENT_FINALIZED');
    given.when({ type: 'FinalizeAssessment', data: { ...finalized, cardsHash: 'b'.repeat(64) } }, NOW).thenError('ALREADY_FINALIZED');
    given.when({ type: 'FinalizeAssessment', data: finalized }, NOW).thenNothing();
  });
});
