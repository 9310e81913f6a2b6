import { gql } from '../shared/api';
import { LEDGER_FIELDS, type LedgerItem } from '../shared/ledgerItem';

export type LedgerEvent = {
  id: string;
  type: string;
  occurredAt: string;
  actor: { name: string; role: string; unitId: string | null };
  data: Record<string, unknown>;
};

export type ProblemDetail = LedgerItem & {
  leadingOfficial: string | null;
  extensionCount: number;
  reopenCount: number;
  supervisionCount: number;
  recurrenceOf: { id: string; ledgerNumber: string } | null;
  history: LedgerEvent[];
};

export async function fetchProblem(id: string): Promise<ProblemDetail | null> {
  const data = await gql<{ problem: ProblemDetail | null }>(
    `query Problem($id: ID) {
      problem(id: $id) {
        ${LEDGER_FIELDS} leadingOfficial extensionCount reopenCount supervisionCount
        recurrenceOf { id ledgerNumber }
        history { id type occurredAt actor { name role unitId } data }
      }
    }`,
    { id },
  );
  return data.problem;
}
