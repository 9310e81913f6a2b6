import { gql } from '../shared/api';

export type Trigger = {
  id: string;
  /** A rule and a level: values of the server's vocabulary (interviewRules, interviewLevels). */
  rule: string;
  level: string;
  escalations: number;
  since: string;
  summary: string;
  ledgerNumbers: string[];
  unit: { id: string; name: string } | null;
  resolved: boolean;
  resolvedBy: { interviewee: string; interviewer: string; heldOn: string; outcome: string } | null;
};

const TRIGGERS = `query($resolved: Boolean) {
  interviewTriggers(includeResolved: $resolved) {
    id rule level escalations since summary ledgerNumbers unit { id name } resolved
    resolvedBy { interviewee interviewer heldOn outcome }
  }
}`;

/** 约谈 triggers: the open ones, or every one with those resolved by an interview. */
export const fetchTriggers = async (includeResolved: boolean): Promise<Trigger[]> =>
  (await gql<{ interviewTriggers: Trigger[] }>(TRIGGERS, { resolved: includeResolved })).interviewTriggers;

/** Records the interview held for a trigger (resolving it). */
export async function recordInterview(input: {
  triggerId: string;
  interviewee: string;
  interviewer: string;
  heldOn: string | null;
  outcome: string;
}) {
  await gql(
    `mutation($id: ID!, $ee: String!, $er: String!, $on: String, $out: String!) {
      recordInterview(triggerId: $id, interviewee: $ee, interviewer: $er, heldOn: $on, outcome: $out) { replayed }
    }`,
    { id: input.triggerId, ee: input.interviewee, er: input.interviewer, on: input.heldOn, out: input.outcome },
  );
}
