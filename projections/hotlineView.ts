import { type HotlineEvent, type HotlineState, evolveHotline, initialHotlineState } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection } from './runner.js';

export type HotlineRow = Exclude<HotlineState, { status: 'not_submitted' }> & { submittedAt: string };

const hotlineEvents = new Set<string>([
  'HotlineReportSubmitted',
  'HotlineReportTriaged',
  'HotlineReportDismissed',
] satisfies HotlineEvent['type'][]);

/** The hotline's in-tray (12317), for the office. */
export const hotlineView: Projection<{ reports: Map<string, HotlineRow> }> = {
  name: 'hotline',
  version: 1,
  initial: () => ({ reports: new Map() }),
  apply(view, event: RecordedEvent) {
    if (!hotlineEvents.has(event.type)) return;
    const domainEvent = event as unknown as HotlineEvent;
    const row = view.reports.get(domainEvent.data.reportId);
    const state = evolveHotline(row ?? initialHotlineState, domainEvent);
    if (state.status !== 'not_submitted')
      view.reports.set(domainEvent.data.reportId, { ...state, submittedAt: row?.submittedAt ?? event.metadata.occurredAt });
  },
};
