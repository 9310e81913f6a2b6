import {
  type AdoptPolicy,
  type AssessmentCommand,
  type AssessmentEvent,
  type AssessmentState,
  type InterviewEvent,
  type InterviewsState,
  type PolicyEvent,
  type PolicyState,
  type RecordInterview,
  decideAssessment,
  decideInterview,
  decidePolicy,
  evolveAssessment,
  evolveInterviews,
  evolvePolicy,
  initialAssessmentState,
  initialInterviewsState,
  initialPolicyState,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  type HotlineCommand,
  type HotlineEvent,
  type HotlineState,
  decideAccount,
  decideHotline,
  evolveAccount,
  evolveHotline,
  initialAccountState,
  initialHotlineState,
  type ProblemCommand,
  type ProblemEvent,
  type ProblemState,
  type UnitCommand,
  type UnitEvent,
  type UnitState,
  decideProblem,
  decideUnit,
  domainEventDefinitions,
  evolveProblem,
  evolveUnit,
  initialProblemState,
  initialUnitState,
} from '../domain/index.js';
import type { Decider } from '../eventstore/commandHandler.js';

const versions = new Map(domainEventDefinitions.map((d) => [d.type, d.schemaVersion]));
export const schemaVersionOf = (type: string): number => {
  const version = versions.get(type);
  if (version === undefined) throw new Error(`No schema registered for event type ${type}`);
  return version;
};

export const problemDecider: Decider<ProblemState, ProblemCommand, ProblemEvent> = {
  initialState: initialProblemState,
  evolve: evolveProblem,
  decide: decideProblem,
  schemaVersionOf,
};

export const unitDecider: Decider<UnitState, UnitCommand, UnitEvent> = {
  initialState: initialUnitState,
  evolve: evolveUnit,
  decide: decideUnit,
  schemaVersionOf,
};

export const policyDecider: Decider<PolicyState, AdoptPolicy, PolicyEvent> = {
  initialState: initialPolicyState,
  evolve: evolvePolicy,
  decide: decidePolicy,
  schemaVersionOf,
};

export const interviewDecider: Decider<InterviewsState, RecordInterview, InterviewEvent> = {
  initialState: initialInterviewsState,
  evolve: evolveInterviews,
  decide: decideInterview,
  schemaVersionOf,
};

export const assessmentDecider: Decider<AssessmentState, AssessmentCommand, AssessmentEvent> = {
  initialState: initialAssessmentState,
  evolve: evolveAssessment,
  decide: decideAssessment,
  schemaVersionOf,
};

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
  schemaVersionOf,
};

export const hotlineDecider: Decider<HotlineState, HotlineCommand, HotlineEvent> = {
  initialState: initialHotlineState,
  evolve: evolveHotline,
  decide: decideHotline,
  schemaVersionOf,
};
