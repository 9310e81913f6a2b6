import {
  ProblemEvent,
  decideProblem,
  evolveProblem,
  initialProblemState,
  type ProblemCommand,
  type ProblemRaisedData,
} from '../../domain/index.js';
import { deciderSpec } from './givenWhenThen.js';

/** Written out by hand so a test never takes its expected values from the code under test. */
export const PROBLEM = '5b0c3c1e-7f1a-4c3e-9d2b-0a1b2c3d4e5f';
export const EARLIER_PROBLEM = '0d6f1b7a-2c4e-4b8a-8f3d-6e5c4b3a2918';
/** 责任单位: a township that must fix the problem. */
export const TOWNSHIP = '1e2d3c4b-5a69-4788-9a6b-5c4d3e2f1a0b';
export const OTHER_TOWNSHIP = '2f3e4d5c-6b7a-4899-8b7c-6d5e4f3a2b1c';
/** 验收单位: a county department that verifies other units' fixes. */
export const VERIFIER_UNIT = '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d';
/** 配合单位: a county department that helps the lead unit on its part. */
export const HELPING_UNIT = '4c5d6e7f-8091-4a2b-8c3d-4e5f6a7b8c9d';

/** 2019-03-01 in the county: the day the problem is raised in these tests. */
export const NOW = '2019-03-01T09:00:00+08:00';

export const problemSpec = deciderSpec({
  initialState: initialProblemState,
  evolve: evolveProblem,
  decide: decideProblem,
  eventSchema: ProblemEvent,
});

type Event<T extends ProblemEvent['type']> = Extract<ProblemEvent, { type: T }>;
type Command<T extends ProblemCommand['type']> = Extract<ProblemCommand, { type: T }>;

export const raised = (data: Partial<ProblemRaisedData> = {}): Event<'ProblemRaised'> => ({
  type: 'ProblemRaised',
  data: {
    problemId: PROBLEM,
    ledgerNumber: 'GJ-2019-001',
    source: 'national_feedback',
    category: 'fund_misuse',
    description: '扶贫专项资金拨付滞后，3个村未按时到账',
    raisedOn: '2019-03-01',
    recurrenceOf: null,
    hotlineReportId: null,
    sourceDocumentId: null,
    originalNumber: null,
    fixedOnTheSpot: false,
    ...data,
  },
});
export const assigned = (
  responsibleUnitId = TOWNSHIP,
  responsiblePerson = '王明',
  coResponsibleUnitIds: string[] = [],
): Event<'ProblemAssigned'> => ({
  type: 'ProblemAssigned',
  data: { problemId: PROBLEM, responsibleUnitId, responsiblePerson, leadingOfficial: '李副县长', coResponsibleUnitIds },
});
export const acknowledged: Event<'AssignmentAcknowledged'> = {
  type: 'AssignmentAcknowledged',
  data: { problemId: PROBLEM, acknowledgedBy: '王明' },
};
export const deadlineSet = (deadline = '2019-06-30'): Event<'DeadlineSet'> => ({
  type: 'DeadlineSet',
  data: { problemId: PROBLEM, deadline, workingDays: null },
});
export const deadlineExtended = (previousDeadline: string, deadline: string, extensionCount: number): Event<'DeadlineExtended'> => ({
  type: 'DeadlineExtended',
  data: { problemId: PROBLEM, previousDeadline, deadline, workingDays: null, reason: '村级账户尚未开通', extensionCount },
});
export const MEASURES = '一、县财政局三日内拨付；二、乡镇逐村核对到账';
export const planSubmitted = (measures = MEASURES): Event<'RectificationPlanSubmitted'> => ({
  type: 'RectificationPlanSubmitted',
  data: { problemId: PROBLEM, measures },
});
export const EVIDENCE = { description: '3个村资金已全部到账，附银行回单', files: [] };
export const rectified: Event<'RectificationReported'> = {
  type: 'RectificationReported',
  data: { problemId: PROBLEM, evidence: EVIDENCE },
};
export const passed = (verifierUnitId = VERIFIER_UNIT): Event<'VerificationPassed'> => ({
  type: 'VerificationPassed',
  data: { problemId: PROBLEM, verifierUnitId, opinion: '经核查，资金已到账' },
});
export const rejected = (rejectionCount: number): Event<'VerificationRejected'> => ({
  type: 'VerificationRejected',
  data: { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, reasons: '回单与台账金额不符', rejectionCount },
});
export const closed = (closedOn = '2019-03-01'): Event<'ProblemClosed'> => ({
  type: 'ProblemClosed',
  data: { problemId: PROBLEM, closedOn },
});
export const reopened = (reopenCount: number): Event<'ProblemReopened'> => ({
  type: 'ProblemReopened',
  data: { problemId: PROBLEM, reason: '回头看发现资金再次滞留', reopenCount },
});
/** 办结时限 of the orders in these tests: five days after NOW's day. */
export const FINISH_BY = '2019-03-06';
export const supervisionOrdered = (
  supervisionCount: number,
  finishBy: string | null = FINISH_BY,
  triggerId: string | null = null,
): Event<'SupervisionOrdered'> => ({
  type: 'SupervisionOrdered',
  data: { problemId: PROBLEM, instruction: '责成五日内办结', supervisionCount, finishBy, triggerId },
});
export const REPLY = '  已责成乡财政所三日内拨付到位，附拨付凭证。\n';
export const supervisionReplied = (supervisionCount: number, repliedOn = '2019-03-01'): Event<'SupervisionReplied'> => ({
  type: 'SupervisionReplied',
  data: { problemId: PROBLEM, supervisionCount, reply: REPLY, files: [], repliedOn },
});
export const consolidationConfirmed = (
  checkedByUnitId: string | null = VERIFIER_UNIT,
  confirmedOn = '2019-03-01',
): Event<'ConsolidationConfirmed'> => ({
  type: 'ConsolidationConfirmed',
  data: { problemId: PROBLEM, confirmedOn, opinion: '回头看：资金已到账，未反弹', checkedByUnitId },
});
/** 复发 / 相关: this problem linked to an earlier one. */
export const linked = (earlierProblemId = EARLIER_PROBLEM, kind: 'recurrence' | 'related' = 'recurrence'): Event<'ProblemLinked'> => ({
  type: 'ProblemLinked',
  data: { problemId: PROBLEM, earlierProblemId, kind },
});
export const INSTRUCTION = '请于本周内将拨付凭证报县督查办。';
export const ANSWER = '  已上传拨付凭证三份。\n';
/** 批示 / 回复: comment `commentNumber` on the problem, posted on NOW's day. */
export const commentPosted = (
  commentNumber: number,
  kind: 'instruction' | 'answer' = 'instruction',
  replyTo: number | null = null,
  postedByUnitId: string | null = kind === 'answer' ? TOWNSHIP : null,
): Event<'CommentPosted'> => ({
  type: 'CommentPosted',
  data: {
    problemId: PROBLEM,
    commentNumber,
    kind,
    text: kind === 'instruction' ? INSTRUCTION : ANSWER,
    files: [],
    replyTo,
    postedByUnitId,
    postedOn: '2019-03-01',
  },
});
export const progressReported: Event<'ProgressReported'> = {
  type: 'ProgressReported',
  data: { problemId: PROBLEM, progress: '已拨付2个村', percentComplete: 60, unitId: TOWNSHIP },
};
/** 配合单位 changed. */
export const coUnitsChanged = (coResponsibleUnitIds: string[]): Event<'CoResponsibleUnitsChanged'> => ({
  type: 'CoResponsibleUnitsChanged',
  data: { problemId: PROBLEM, coResponsibleUnitIds },
});
export const TRANSFER_REASON = '经核实，该问题属县财政局职责';
/** 转办 from one lead unit to another. */
export const transferred = (fromUnitId = TOWNSHIP, toUnitId = OTHER_TOWNSHIP, responsiblePerson = '赵刚'): Event<'ProblemTransferred'> => ({
  type: 'ProblemTransferred',
  data: { problemId: PROBLEM, fromUnitId, toUnitId, responsiblePerson, reason: TRANSFER_REASON },
});
export const EXTENSION_REASON = '汛期施工受阻，需延至九月底';
/** 延期申请 by the lead unit. */
export const extensionRequested = (
  requestNumber = 1,
  proposedDeadline = '2019-09-30',
  currentDeadline = '2019-06-30',
  unitId = TOWNSHIP,
): Event<'ExtensionRequested'> => ({
  type: 'ExtensionRequested',
  data: { problemId: PROBLEM, requestNumber, unitId, currentDeadline, proposedDeadline, reason: EXTENSION_REASON },
});
export const extensionApproved = (requestNumber = 1): Event<'ExtensionRequestApproved'> => ({
  type: 'ExtensionRequestApproved',
  data: { problemId: PROBLEM, requestNumber },
});
export const REFUSAL = '理由不充分，请按期完成';
export const extensionRefused = (requestNumber = 1, reason = REFUSAL): Event<'ExtensionRequestRefused'> => ({
  type: 'ExtensionRequestRefused',
  data: { problemId: PROBLEM, requestNumber, reason },
});

/** A problem's history at each step of its life, each built on the one before. */
const raisedOnly = [raised()];
const assignedOnly = [...raisedOnly, assigned()];
const rectifying = [...assignedOnly, acknowledged, deadlineSet()];
const withPlan = [...rectifying, planSubmitted()];
const awaitingVerification = [...withPlan, rectified];
const verified = [...awaitingVerification, passed()];
const closedProblem = [...verified, closed()];
export const history = { raisedOnly, assignedOnly, rectifying, withPlan, awaitingVerification, verified, closedProblem };

export const command = {
  raise: (
    data: Partial<ProblemRaisedData> = {},
    assignment: Command<'RaiseProblem'>['data']['assignment'] = null,
  ): Command<'RaiseProblem'> => ({
    type: 'RaiseProblem',
    data: { ...raised(data).data, assignment },
  }),
  assign: (responsibleUnitId = TOWNSHIP, responsiblePerson = '王明', coResponsibleUnitIds: string[] = []): Command<'AssignProblem'> => ({
    type: 'AssignProblem',
    data: { problemId: PROBLEM, responsibleUnitId, responsiblePerson, leadingOfficial: '李副县长', coResponsibleUnitIds },
  }),
  acknowledge: (): Command<'AcknowledgeAssignment'> => ({
    type: 'AcknowledgeAssignment',
    data: { problemId: PROBLEM, acknowledgedBy: '王明' },
  }),
  setDeadline: (deadline: string): Command<'SetDeadline'> => ({ type: 'SetDeadline', data: { problemId: PROBLEM, deadline } }),
  extendDeadline: (deadline: string, reason = '村级账户尚未开通'): Command<'ExtendDeadline'> => ({
    type: 'ExtendDeadline',
    data: { problemId: PROBLEM, deadline, reason },
  }),
  submitPlan: (measures = MEASURES): Command<'SubmitPlan'> => ({ type: 'SubmitPlan', data: { problemId: PROBLEM, measures } }),
  reportProgress: (reportedByUnitId: string | null = TOWNSHIP): Command<'ReportProgress'> => ({
    type: 'ReportProgress',
    data: { problemId: PROBLEM, progress: '已拨付2个村', percentComplete: 60, reportedByUnitId },
  }),
  reportRectified: (reportedByUnitId: string | null = TOWNSHIP): Command<'ReportRectified'> => ({
    type: 'ReportRectified',
    data: { problemId: PROBLEM, evidence: EVIDENCE, reportedByUnitId },
  }),
  changeCoUnits: (coResponsibleUnitIds: string[]): Command<'ChangeCoResponsibleUnits'> => ({
    type: 'ChangeCoResponsibleUnits',
    data: { problemId: PROBLEM, coResponsibleUnitIds },
  }),
  transfer: (toUnitId = OTHER_TOWNSHIP, responsiblePerson = '赵刚'): Command<'TransferProblem'> => ({
    type: 'TransferProblem',
    data: { problemId: PROBLEM, toUnitId, responsiblePerson, reason: TRANSFER_REASON },
  }),
  requestExtension: (
    proposedDeadline = '2019-09-30',
    requestedByUnitId: string | null = TOWNSHIP,
    reason = EXTENSION_REASON,
  ): Command<'RequestExtension'> => ({
    type: 'RequestExtension',
    data: { problemId: PROBLEM, requestedByUnitId, proposedDeadline, reason },
  }),
  approveExtension: (): Command<'ApproveExtensionRequest'> => ({ type: 'ApproveExtensionRequest', data: { problemId: PROBLEM } }),
  refuseExtension: (reason = REFUSAL): Command<'RefuseExtensionRequest'> => ({
    type: 'RefuseExtensionRequest',
    data: { problemId: PROBLEM, reason },
  }),
  pass: (verifierUnitId = VERIFIER_UNIT): Command<'PassVerification'> => ({
    type: 'PassVerification',
    data: { problemId: PROBLEM, verifierUnitId, opinion: '经核查，资金已到账' },
  }),
  reject: (verifierUnitId = VERIFIER_UNIT): Command<'RejectVerification'> => ({
    type: 'RejectVerification',
    data: { problemId: PROBLEM, verifierUnitId, reasons: '回单与台账金额不符' },
  }),
  close: (): Command<'CloseProblem'> => ({ type: 'CloseProblem', data: { problemId: PROBLEM } }),
  reopen: (): Command<'ReopenProblem'> => ({
    type: 'ReopenProblem',
    data: { problemId: PROBLEM, reason: '回头看发现资金再次滞留' },
  }),
  orderSupervision: (finishBy = FINISH_BY, triggerId: string | null = null): Command<'OrderSupervision'> => ({
    type: 'OrderSupervision',
    data: { problemId: PROBLEM, instruction: '责成五日内办结', finishBy, triggerId },
  }),
  reply: (repliedByUnitId: string | null = TOWNSHIP, reply = REPLY): Command<'ReplyToSupervision'> => ({
    type: 'ReplyToSupervision',
    data: { problemId: PROBLEM, reply, files: [], repliedByUnitId },
  }),
  confirmConsolidation: (checkedByUnitId: string | null = VERIFIER_UNIT): Command<'ConfirmConsolidation'> => ({
    type: 'ConfirmConsolidation',
    data: { problemId: PROBLEM, opinion: '回头看：资金已到账，未反弹', checkedByUnitId },
  }),
  instruct: (replyTo: number | null = null, text = INSTRUCTION): Command<'PostInstruction'> => ({
    type: 'PostInstruction',
    data: { problemId: PROBLEM, text, files: [], replyTo },
  }),
  answer: (answeredByUnitId: string | null = TOWNSHIP, replyTo: number | null = null, text = ANSWER): Command<'AnswerInstruction'> => ({
    type: 'AnswerInstruction',
    data: { problemId: PROBLEM, text, files: [], replyTo, answeredByUnitId },
  }),
  /** The earlier problem was raised on `earlierRaisedOn` (the application reads it from its stream). */
  link: (
    earlierProblemId = EARLIER_PROBLEM,
    kind: 'recurrence' | 'related' = 'recurrence',
    earlierRaisedOn = '2018-11-20',
  ): Command<'LinkProblem'> => ({
    type: 'LinkProblem',
    data: { problemId: PROBLEM, earlierProblemId, kind, earlierRaisedOn },
  }),
};
