import { problemStreamId } from '../domain/index.js';
import type { StreamLabeler } from '../eventstore/verify.js';

/**
 * Names a problem's stream by its ledger number in integrity reports. Both the reservation and the
 * raise carry it, so a problem whose own stream was deleted is still named. The data is read as
 * stored (it may be the tampered part), so nothing here trusts its shape.
 */
export const ledgerNumberLabeler: StreamLabeler = (event) => {
  const data = event.data as { problemId?: unknown; ledgerNumber?: unknown; raised?: { problemId?: unknown; ledgerNumber?: unknown } } | null;
  const raised = event.type === 'ProblemRaised' ? data : event.type === 'LedgerNumberReserved' ? data?.raised : undefined;
  if (typeof raised?.problemId === 'string' && typeof raised.ledgerNumber === 'string')
    return [[problemStreamId(raised.problemId), raised.ledgerNumber]];
  return [];
};
