import { gql } from '../shared/api';

/** A 督办 on one of a trigger's items since it began, with the unit's reply once it came. */
export type TriggerOrder = {
  ledgerNumber: string;
  supervisionCount: number;
  instruction: string | null;
  orderedOn: string;
  finishBy: string | null;
  /** Unanswered past its 办结时限. */
  overdue: boolean;
  reply: { reply: string; repliedOn: string } | null;
};

export type Trigger = {
  id: string;
  /** A rule and a level: values of the server's vocabulary (interviewRules, interviewLevels). */
  rule: string;
  level: string;
  escalations: number;
  since: string;
  /** The trigger in one sentence (情形), in both languages: the page shows the one of the UI. */
  summaryLabel: { zh: string; en: string };
  ledgerNumbers: string[];
  unit: { id: string; name: string } | null;
  resolved: boolean;
  resolvedBy: { interviewee: string; interviewer: string; heldOn: string; outcome: string } | null;
  supervisionOrders: TriggerOrder[];
  /** The day the orders' replies resolved it (below 约谈 level). */
  resolvedBySupervisionOn: string | null;
  /** 被约谈人: the principal leader in post (of the township, for a village or work team), and the leaders in charge. */
  interviewee: {
    unit: { id: string; name: string } | null;
    rolledUp: boolean;
    principal: Leader | null;
    inCharge: Leader[];
  };
};

/** A unit's leader on record. */
export type Leader = { name: string; title: string };

const TRIGGERS = `query($resolved: Boolean) {
  interviewTriggers(includeResolved: $resolved) {
    id rule level escalations since summaryLabel { zh en } ledgerNumbers unit { id name } resolved
    resolvedBy { interviewee interviewer heldOn outcome }
    supervisionOrders { ledgerNumber supervisionCount instruction orderedOn finishBy overdue reply { reply repliedOn } }
    resolvedBySupervisionOn
    interviewee { unit { id name } rolledUp principal { name title } inCharge { name title } }
  }
}`;

/** 约谈 triggers: the open ones, or every one with those resolved by an interview or a 督办 answered. */
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
