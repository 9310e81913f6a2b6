import { z } from 'zod';
import { countyDay } from '../shared/calendar.js';
import { IllegalStateError, NotFoundError, assertNever } from '../shared/errors.js';
import { Id, Text, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { HotlineReportSubmitted, type HotlineEvent, type HotlineState, evolveHotline, initialHotlineState } from './events.js';

export const SubmitHotlineReport = message(
  'SubmitHotlineReport',
  1,
  HotlineReportSubmitted.data.omit({ submittedOn: true }).extend({
    contact: z.string().trim().max(200).nullable().default(null),
    unitId: Id.nullable().default(null),
  }),
);
export const TriageHotlineReport = message('TriageHotlineReport', 1, z.object({ reportId: Id, problemId: Id }));
export const DismissHotlineReport = message('DismissHotlineReport', 1, z.object({ reportId: Id, reason: Text(2000) }));

export const HotlineCommand = z.discriminatedUnion('type', [
  SubmitHotlineReport.schema,
  TriageHotlineReport.schema,
  DismissHotlineReport.schema,
]);
export type HotlineCommand = z.infer<typeof HotlineCommand>;

/** A report that is still waiting for the office, or an error saying why it is not. */
export function mustBeAwaitingTriage(state: HotlineState): Extract<HotlineState, { status: 'received' }> {
  if (state.status === 'not_submitted') throw new NotFoundError('HOTLINE_REPORT_NOT_FOUND', 'There is no such hotline report.');
  if (state.status === 'triaged')
    throw new IllegalStateError('HOTLINE_REPORT_TRIAGED', 'This hotline report was already entered into the ledger as a problem.');
  if (state.status === 'dismissed') throw new IllegalStateError('HOTLINE_REPORT_DISMISSED', 'This hotline report was already dismissed.');
  return state;
}

/** Decide what a hotline command means; repeating a triage or dismissal that happened is a no-op. */
export function decideHotline(state: HotlineState, command: HotlineCommand, now: string): HotlineEvent[] {
  switch (command.type) {
    case 'SubmitHotlineReport':
      if (state.status !== 'not_submitted') return [];
      return [{ type: 'HotlineReportSubmitted', data: { ...command.data, submittedOn: countyDay(now) } }];
    case 'TriageHotlineReport':
      if (state.status === 'triaged' && state.problemId === command.data.problemId) return [];
      mustBeAwaitingTriage(state);
      return [{ type: 'HotlineReportTriaged', data: command.data }];
    case 'DismissHotlineReport':
      if (state.status === 'dismissed') return [];
      mustBeAwaitingTriage(state);
      return [{ type: 'HotlineReportDismissed', data: command.data }];
    default:
      return assertNever(command);
  }
}

/** The decider of a hotline report (热线): what the command handler runs on its stream. */
export const hotlineDecider: Decider<HotlineState, HotlineCommand, HotlineEvent> = {
  decide: decideHotline,
  evolve: evolveHotline,
  initialState: initialHotlineState,
};
