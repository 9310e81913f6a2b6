import { gql } from './api';

/** The vocabulary the API's enums use; labels live in i18n. */
export const SOURCES = [
  'national_feedback',
  'provincial_review',
  'municipal_review',
  'county_self_check',
  'audit',
  'discipline_inspection',
  'hotline',
] as const;
export type Source = (typeof SOURCES)[number];

export const CATEGORIES = [
  'data_mismatch',
  'wrongful_inclusion_exclusion',
  'wrongful_exit',
  'fund_misuse',
  'project_delay',
  'work_style',
  'supervision_findings',
  'education',
  'health',
  'housing',
  'drinking_water',
  'roads',
  'power',
  'network',
  'industry',
  'employment',
  'social_protection',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const STATUSES = ['raised', 'assigned', 'rectifying', 'awaiting_verification', 'verified', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

export type Unit = { id: string; name: string; kind: string; status: string };

/** A row of the ledger, as the ledger page and the export need it. */
export type LedgerItem = {
  id: string;
  ledgerNumber: string;
  source: Source;
  category: Category;
  description: string;
  status: Status;
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
};

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

const LEDGER_FIELDS = `id ledgerNumber source category description status overdue raisedOn deadline
  responsibleUnit { id name } responsiblePerson measures latestProgress closedOn rejectionCount daysLeft`;

export type LedgerFilter = {
  source?: Source;
  category?: Category;
  unitId?: string;
  status?: Status;
  overdue?: boolean;
};

/** Every problem matching the filter, page after page (the API pages at most 100 at a time). */
export async function fetchLedger(filter: LedgerFilter): Promise<LedgerItem[]> {
  const items: LedgerItem[] = [];
  let after: string | null = null;
  for (;;) {
    const data: {
      problems: { edges: { node: LedgerItem }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    } = await gql(
      `query Ledger($source: ProblemSource, $category: ProblemCategory, $unitId: ID, $status: ProblemStatus, $overdue: Boolean, $after: String) {
        problems(source: $source, category: $category, unitId: $unitId, status: $status, overdue: $overdue, first: 100, after: $after) {
          edges { node { ${LEDGER_FIELDS} } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { ...filter, after },
    );
    items.push(...data.problems.edges.map((e) => e.node));
    if (!data.problems.pageInfo.hasNextPage || !data.problems.pageInfo.endCursor) return items;
    after = data.problems.pageInfo.endCursor;
  }
}

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

export async function fetchUnits(): Promise<Unit[]> {
  return (await gql<{ units: Unit[] }>(`query Units { units { id name kind status } }`)).units;
}
