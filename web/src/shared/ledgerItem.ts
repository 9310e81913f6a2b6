import { gql } from './api';

/** After 销号 (the API's Consolidation): awaiting the 回头看, or 巩固 confirmed. */
export type Consolidation = 'awaiting_recheck' | 'confirmed';

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
  /** Closed: awaiting the 回头看, or 巩固 confirmed; null while open. */
  consolidation: Consolidation | null;
  /** The day its 回头看 falls due (closed and awaiting it; else null), and whether today is past it. */
  recheckDueOn: string | null;
  recheckOverdue: boolean;
  /** The latest 督办 still waiting for the unit's reply. */
  openSupervision: { supervisionCount: number; finishBy: string | null; overdue: boolean } | null;
  /** What the signed-in user may do to it now, as the server says. */
  availableActions: ProblemAction[];
  /** 配合单位: the co-responsible units beside the lead unit (responsibleUnit, 牵头单位). */
  coResponsibleUnits: { id: string; name: string }[];
  /** 延期申请待审: an extension request waits for the office's answer. */
  extensionRequestPending: boolean;
};

export const LEDGER_FIELDS = `id ledgerNumber source category description status overdue raisedOn deadline
  responsibleUnit { id name } responsiblePerson measures latestProgress closedOn rejectionCount daysLeft availableActions
  consolidation recheckDueOn recheckOverdue openSupervision { supervisionCount finishBy overdue }
  coResponsibleUnits { id name } extensionRequestPending`;

export type Unit = { id: string; name: string; kind: string; status: string };

export async function fetchUnits(): Promise<Unit[]> {
  return (await gql<{ units: Unit[] }>(`query Units { units { id name kind status } }`)).units;
}
