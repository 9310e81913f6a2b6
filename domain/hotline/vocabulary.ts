import { z } from 'zod';
import type { Label } from '../problem/vocabulary.js';
import type { HotlineState } from './events.js';

/**
 * A hotline report's status as the office lists it and the reporter learns it with the receipt
 * code: 待处理 (received), 已受理 (accepted: entered into the ledger), 不予受理 (dismissed). Which
 * problem it became, and why it was dismissed, stay with the office.
 */
export const HotlineReportStatus = z.enum(['received', 'accepted', 'dismissed']);
export type HotlineReportStatus = z.infer<typeof HotlineReportStatus>;

export const hotlineReportStatusLabels: Record<HotlineReportStatus, Label> = {
  received: { zh: '待处理', en: 'To triage' },
  accepted: { zh: '已受理', en: 'Accepted' },
  dismissed: { zh: '不予受理', en: 'Dismissed' },
};

/** The status told about a submitted report: a triaged report reads as accepted. */
export function hotlineReportStatus(state: Exclude<HotlineState, { status: 'not_submitted' }>): HotlineReportStatus {
  return state.status === 'triaged' ? 'accepted' : state.status;
}
