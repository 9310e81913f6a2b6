import { gql } from './api';

/** A mutation on a problem, as `Problem.availableActions` names it (the API's ProblemAction). */
export type ProblemAction = string;

/** A row of the ledger, as the ledger page, the work queues and the export need it. */
export type LedgerItem = {
  id: string;
  ledgerNumber: string;
  /** A source, a category and a status: values of the server's vocabulary (shared/vocabulary.tsx). */
  source: string;
  category: string;
  description: string;
  status: string;
  overdue: boolean;
  raisedOn: string;
  deadline: string | null;
  responsibleUnit: { id: string; name: string } | null;
  responsiblePerson: string | null;
  measures: string | null;
  latestProgress: string | null;
  closedOn: string | null;
  rejectionCount: number;
  /** Days from the server's today to the deadline (negative once past); null without a deadline. */
  daysLeft: number | null;
  /** What the signed-in user may do to it now, as the server says. */
  availableActions: ProblemAction[];
};

export const LEDGER_FIELDS = `id ledgerNumber source category description status overdue raisedOn deadline
  responsibleUnit { id name } responsiblePerson measures latestProgress closedOn rejectionCount daysLeft availableActions`;

export type Unit = { id: string; name: string; kind: string; status: string };

export async function fetchUnits(): Promise<Unit[]> {
  return (await gql<{ units: Unit[] }>(`query Units { units { id name kind status } }`)).units;
}
