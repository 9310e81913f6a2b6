import { gql } from '../shared/api';
import { type Consolidation, LEDGER_FIELDS, type LedgerItem } from '../shared/ledgerItem';

export type LedgerFilter = {
  source?: string;
  category?: string;
  unitId?: string;
  status?: string;
  overdue?: boolean;
  /** 回头看: closed and awaiting it, or 巩固 confirmed. */
  consolidation?: Consolidation;
};

/** Every problem matching the filter, page after page (the API pages at most 100 at a time). */
export async function fetchLedger(filter: LedgerFilter): Promise<LedgerItem[]> {
  const items: LedgerItem[] = [];
  let after: string | null = null;
  for (;;) {
    const data: {
      problems: { edges: { node: LedgerItem }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    } = await gql(
      `query Ledger($source: ProblemSource, $category: ProblemCategory, $unitId: ID, $status: ProblemStatus, $overdue: Boolean,
        $consolidation: Consolidation, $after: String) {
        problems(source: $source, category: $category, unitId: $unitId, status: $status, overdue: $overdue,
          consolidation: $consolidation, first: 100, after: $after) {
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
