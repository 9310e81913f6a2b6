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
  /** 复发 / 相关: links to earlier problems and from later ones. */
  links: ProblemLink[];
  supervisionOrders: SupervisionOrder[];
  history: LedgerEvent[];
  /** 转办: both units, the reason, who. */
  transfers: {
    eventId: string;
    fromUnit: { name: string } | null;
    toUnit: { name: string } | null;
    reason: string;
    transferredAt: string;
    transferredBy: string;
  }[];
  /** The latest 延期申请 and the office's answer. */
  extensionRequest: { status: 'pending' | 'approved' | 'refused'; proposedDeadline: string; reason: string; refusal: string | null } | null;
  /** 迁移导入: the import that brought it in from an earlier ledger, or null. */
  migratedFrom: string | null;
};

export type ProblemLink = {
  kind: 'recurrence' | 'related';
  direction: 'earlier' | 'later';
  problem: { id: string; ledgerNumber: string };
  linkedAt: string;
  linkedBy: string;
  eventId: string;
};

/** 督办 and the unit's reply (files withheld from another unit's head). */
export type SupervisionOrder = {
  eventId: string;
  supervisionCount: number;
  instruction: string;
  finishBy: string | null;
  orderedAt: string;
  orderedBy: string;
  overdue: boolean;
  reply: {
    reply: string;
    repliedOn: string;
    repliedBy: string;
    files: { name: string; sha256: string; size: number; contentType: string | null }[];
  } | null;
};

export async function fetchProblem(id: string): Promise<ProblemDetail | null> {
  const data = await gql<{ problem: ProblemDetail | null }>(
    `query Problem($id: ID) {
      problem(id: $id) {
        ${LEDGER_FIELDS} leadingOfficial extensionCount reopenCount supervisionCount
        recurrenceOf { id ledgerNumber }
        links { kind direction problem { id ledgerNumber } linkedAt linkedBy eventId }
        supervisionOrders { eventId supervisionCount instruction finishBy orderedAt orderedBy overdue
          reply { reply repliedOn repliedBy files { name sha256 size contentType } } }
        history { id type occurredAt actor { name role unitId } data }
        transfers { eventId fromUnit { name } toUnit { name } reason transferredAt transferredBy }
        extensionRequest { status proposedDeadline reason refusal }
        migratedFrom
      }
    }`,
    { id },
  );
  return data.problem;
}
