import { describe, it } from 'vitest';
import {
  HotlineEvent,
  type HotlineCommand,
  type HotlineEvent as HotlineEventType,
  decideHotline,
  evolveHotline,
  initialHotlineState,
} from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const { given } = deciderSpec({
  initialState: initialHotlineState,
  evolve: evolveHotline,
  decide: decideHotline,
  eventSchema: HotlineEvent,
});

const REPORT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const PROBLEM = '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a';
const OTHER_PROBLEM = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
const NOW = '2019-08-12T23:30:00+08:00';

const submitted: HotlineEventType = {
  type: 'HotlineReportSubmitted',
  data: { reportId: REPORT, receiptCode: 'K7QM-2F9X-P4TD', text: '低保评定不公', contact: null, unitId: null, submittedOn: '2019-08-12' },
};
const triaged: HotlineEventType = { type: 'HotlineReportTriaged', data: { reportId: REPORT, problemId: PROBLEM } };
const dismissed: HotlineEventType = { type: 'HotlineReportDismissed', data: { reportId: REPORT, reason: '不属于扶贫领域' } };
const triage = (problemId: string): HotlineCommand => ({ type: 'TriageHotlineReport', data: { reportId: REPORT, problemId } });
const dismiss: HotlineCommand = { type: 'DismissHotlineReport', data: { reportId: REPORT, reason: '不属于扶贫领域' } };

describe('hotline reports (12317)', () => {
  it('a report is recorded on the county day it came in', () => {
    given([])
      .when(
        {
          type: 'SubmitHotlineReport',
          data: { reportId: REPORT, receiptCode: 'K7QM-2F9X-P4TD', text: '低保评定不公', contact: null, unitId: null },
        },
        NOW,
      )
      .then([submitted]);
  });

  it('the office triages a received report into a problem, once', () => {
    given([submitted]).when(triage(PROBLEM), NOW).then([triaged]);
    given([submitted, triaged]).when(triage(PROBLEM), NOW).thenNothing();
    given([submitted, triaged]).when(triage(OTHER_PROBLEM), NOW).thenError('HOTLINE_REPORT_TRIAGED');
  });

  it('or dismisses it; a dismissed report is not triaged, a triaged one not dismissed', () => {
    given([submitted]).when(dismiss, NOW).then([dismissed]);
    given([submitted, dismissed]).when(dismiss, NOW).thenNothing();
    given([submitted, dismissed]).when(triage(PROBLEM), NOW).thenError('HOTLINE_REPORT_DISMISSED');
    given([submitted, triaged]).when(dismiss, NOW).thenError('HOTLINE_REPORT_TRIAGED');
  });

  it('an unknown report cannot be triaged or dismissed', () => {
    given([]).when(triage(PROBLEM), NOW).thenError('HOTLINE_REPORT_NOT_FOUND');
    given([]).when(dismiss, NOW).thenError('HOTLINE_REPORT_NOT_FOUND');
  });
});
