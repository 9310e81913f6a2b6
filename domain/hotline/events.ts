import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Id, Text, message } from '../shared/messages.js';

/**
 * A report to the 12317 hotline (扶贫监督举报平台): what a member of the public told the county.
 * It becomes a problem only when the supervision office triages it; the reporter holds a receipt
 * code (回执码) and can learn the report's status with it, nothing else.
 */
export const HotlineReportSubmitted = message(
  'HotlineReportSubmitted',
  1,
  z.object({
    reportId: Id,
    /** 回执码: the reporter's only handle on the report. */
    receiptCode: z.string().regex(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
    /** 举报内容 */
    text: Text(5000),
    /** 联系方式: optional, as the reporter gave it. */
    contact: z.string().trim().max(200).nullable(),
    /** The unit the report is about, if the reporter named one. */
    unitId: Id.nullable(),
    submittedOn: CalendarDay,
  }),
);
/** 受理: the office entered the report into the ledger as a problem. */
export const HotlineReportTriaged = message('HotlineReportTriaged', 1, z.object({ reportId: Id, problemId: Id }));
/** 不予受理: the office set the report aside, with its reason (the reporter does not see it). */
export const HotlineReportDismissed = message('HotlineReportDismissed', 1, z.object({ reportId: Id, reason: Text(2000) }));

export const HotlineEvent = z.discriminatedUnion('type', [
  HotlineReportSubmitted.schema,
  HotlineReportTriaged.schema,
  HotlineReportDismissed.schema,
]);
export type HotlineEvent = z.infer<typeof HotlineEvent>;
export const hotlineEventDefinitions = [HotlineReportSubmitted, HotlineReportTriaged, HotlineReportDismissed] as const;

type Submitted = HotlineReportSubmitted['data'];
export type HotlineReportSubmitted = z.infer<typeof HotlineReportSubmitted.schema>;

export type HotlineState =
  | { status: 'not_submitted' }
  | ({ status: 'received' } & Submitted)
  | ({ status: 'triaged'; problemId: string } & Submitted)
  | ({ status: 'dismissed'; reason: string } & Submitted);

export const initialHotlineState: HotlineState = { status: 'not_submitted' };

export function evolveHotline(state: HotlineState, event: HotlineEvent): HotlineState {
  switch (event.type) {
    case 'HotlineReportSubmitted':
      return { status: 'received', ...event.data };
    case 'HotlineReportTriaged':
      return state.status === 'not_submitted' ? state : { ...state, status: 'triaged', problemId: event.data.problemId };
    case 'HotlineReportDismissed':
      return state.status === 'not_submitted' ? state : { ...state, status: 'dismissed', reason: event.data.reason };
    default:
      return assertNever(event);
  }
}

export const hotlineStreamId = (reportId: string) => `hotline-${reportId}`;
