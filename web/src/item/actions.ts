import type { MessageKey } from '../shared/i18n';
import type { ProblemAction } from '../shared/ledgerItem';

/** A form field of an action. */
export type ActionField = {
  name: string;
  label: MessageKey;
  kind: 'text' | 'textarea' | 'date' | 'number' | 'unit' | 'units' | 'files';
  required: boolean;
  /** Bounds of a number (0–100 when not given). */
  min?: number;
  max?: number;
};

/** 工作日: a deadline may be given as a number of working days from today instead of a day (the server wants exactly one). */
const workingDays: ActionField = { name: 'workingDays', label: 'input.workingDays', kind: 'number', required: false, min: 1, max: 365 };

/**
 * One thing that can be done to a problem: its GraphQL mutation and the form that feeds it. Whether
 * it is offered is the server's word (`Problem.availableActions`), not this file's.
 */
export type ActionDef = {
  key:
    | 'assign'
    | 'acknowledge'
    | 'setDeadline'
    | 'extend'
    | 'plan'
    | 'progress'
    | 'rectified'
    | 'pass'
    | 'reject'
    | 'close'
    | 'reopen'
    | 'supervise'
    | 'reply'
    | 'confirmConsolidation'
    | 'coUnits'
    | 'transfer'
    | 'requestExtension'
    | 'approveExtension'
    | 'refuseExtension'
    | 'instruct'
    | 'answer';
  label: MessageKey;
  /** The mutation, its variable declarations and arguments (problemId is always passed). */
  mutation: string;
  fields: ActionField[];
  confirm?: MessageKey;
};

export const ACTIONS: readonly ActionDef[] = [
  {
    key: 'assign',
    label: 'action.assign',
    mutation:
      'assignProblem(problemId: $problemId, responsibleUnitId: $responsibleUnitId, responsiblePerson: $responsiblePerson, leadingOfficial: $leadingOfficial, coResponsibleUnitIds: $coResponsibleUnitIds)',
    fields: [
      { name: 'responsibleUnitId', label: 'input.leadUnit', kind: 'unit', required: true },
      { name: 'coResponsibleUnitIds', label: 'input.coUnits', kind: 'units', required: false },
      { name: 'responsiblePerson', label: 'input.person', kind: 'text', required: true },
      { name: 'leadingOfficial', label: 'input.leadingOfficial', kind: 'text', required: false },
    ],
  },
  {
    key: 'requestExtension',
    label: 'action.requestExtension',
    // The requesting unit is the signed-in unit head's own, from the token.
    mutation: 'requestExtension(problemId: $problemId, proposedDeadline: $proposedDeadline, reason: $reason)',
    fields: [
      { name: 'proposedDeadline', label: 'input.proposedDeadline', kind: 'date', required: true },
      { name: 'reason', label: 'input.extensionReason', kind: 'textarea', required: true },
    ],
  },
  {
    key: 'approveExtension',
    label: 'action.approveExtension',
    mutation: 'approveExtensionRequest(problemId: $problemId)',
    fields: [],
    confirm: 'input.confirmApproveExtension',
  },
  {
    key: 'refuseExtension',
    label: 'action.refuseExtension',
    mutation: 'refuseExtensionRequest(problemId: $problemId, reason: $reason)',
    fields: [{ name: 'reason', label: 'input.refusal', kind: 'textarea', required: true }],
  },
  {
    key: 'transfer',
    label: 'action.transfer',
    mutation: 'transferProblem(problemId: $problemId, toUnitId: $toUnitId, responsiblePerson: $responsiblePerson, reason: $reason)',
    fields: [
      { name: 'toUnitId', label: 'input.toUnit', kind: 'unit', required: true },
      { name: 'responsiblePerson', label: 'input.person', kind: 'text', required: true },
      { name: 'reason', label: 'input.transferReason', kind: 'textarea', required: true },
    ],
  },
  {
    key: 'coUnits',
    label: 'action.coUnits',
    mutation: 'changeCoResponsibleUnits(problemId: $problemId, coResponsibleUnitIds: $coUnitIds)',
    fields: [{ name: 'coUnitIds', label: 'input.coUnits', kind: 'units', required: false }],
  },
  {
    key: 'acknowledge',
    label: 'action.acknowledge',
    mutation: 'acknowledgeAssignment(problemId: $problemId, acknowledgedBy: $acknowledgedBy)',
    fields: [{ name: 'acknowledgedBy', label: 'input.acknowledgedBy', kind: 'text', required: true }],
  },
  {
    key: 'setDeadline',
    label: 'action.setDeadline',
    mutation: 'setDeadline(problemId: $problemId, deadline: $deadline, workingDays: $workingDays)',
    fields: [{ name: 'deadline', label: 'input.deadline', kind: 'date', required: false }, workingDays],
  },
  {
    key: 'plan',
    label: 'action.plan',
    mutation: 'submitPlan(problemId: $problemId, measures: $measures)',
    fields: [{ name: 'measures', label: 'input.measures', kind: 'textarea', required: true }],
  },
  {
    key: 'progress',
    label: 'action.progress',
    mutation: 'reportProgress(problemId: $problemId, progress: $progress, percentComplete: $percentComplete)',
    fields: [
      { name: 'progress', label: 'input.progress', kind: 'textarea', required: true },
      { name: 'percentComplete', label: 'input.percent', kind: 'number', required: false },
    ],
  },
  {
    key: 'rectified',
    label: 'action.rectified',
    mutation: 'reportRectified(problemId: $problemId, evidence: $evidence)',
    fields: [
      { name: 'description', label: 'input.evidence', kind: 'textarea', required: true },
      { name: 'files', label: 'input.files', kind: 'files', required: false },
    ],
  },
  {
    key: 'pass',
    label: 'action.pass',
    // The verifying unit is the signed-in verifier's own, from the token.
    mutation: 'passVerification(problemId: $problemId, opinion: $opinion)',
    fields: [{ name: 'opinion', label: 'input.opinion', kind: 'textarea', required: true }],
  },
  {
    key: 'reject',
    label: 'action.reject',
    mutation: 'rejectVerification(problemId: $problemId, reasons: $reasons)',
    fields: [{ name: 'reasons', label: 'input.reasons', kind: 'textarea', required: true }],
  },
  {
    key: 'close',
    label: 'action.close',
    mutation: 'closeProblem(problemId: $problemId)',
    fields: [],
    confirm: 'input.confirmClose',
  },
  {
    key: 'extend',
    label: 'action.extend',
    mutation: 'extendDeadline(problemId: $problemId, deadline: $deadline, workingDays: $workingDays, reason: $reason)',
    fields: [
      { name: 'deadline', label: 'input.newDeadline', kind: 'date', required: false },
      workingDays,
      { name: 'reason', label: 'input.reason', kind: 'textarea', required: true },
    ],
  },
  {
    key: 'supervise',
    label: 'action.supervise',
    mutation: 'orderSupervision(problemId: $problemId, instruction: $instruction, finishBy: $finishBy)',
    fields: [
      { name: 'instruction', label: 'input.instruction', kind: 'textarea', required: true },
      { name: 'finishBy', label: 'input.finishBy', kind: 'date', required: true },
    ],
  },
  {
    key: 'reply',
    label: 'action.reply',
    // The replying unit is the signed-in unit head's own, from the token.
    mutation: 'replyToSupervision(problemId: $problemId, reply: $reply, files: $files)',
    fields: [
      { name: 'reply', label: 'input.reply', kind: 'textarea', required: true },
      { name: 'files', label: 'input.replyFiles', kind: 'files', required: false },
    ],
  },
  {
    key: 'confirmConsolidation',
    label: 'action.confirmConsolidation',
    mutation: 'confirmConsolidation(problemId: $problemId, opinion: $opinion)',
    fields: [{ name: 'opinion', label: 'input.recheckOpinion', kind: 'textarea', required: true }],
  },
  {
    key: 'reopen',
    label: 'action.reopen',
    mutation: 'reopenProblem(problemId: $problemId, reason: $reason)',
    fields: [{ name: 'reason', label: 'input.reopenReason', kind: 'textarea', required: true }],
  },
  {
    key: 'instruct',
    label: 'action.instruct',
    // 批示: the office's, with files uploaded to /files.
    mutation: 'postInstruction(problemId: $problemId, text: $text, files: $files)',
    fields: [
      { name: 'text', label: 'input.instructionText', kind: 'textarea', required: true },
      { name: 'files', label: 'input.replyFiles', kind: 'files', required: false },
    ],
  },
  {
    key: 'answer',
    label: 'action.answer',
    // 回复: the latest instruction, by the signed-in unit head's own unit (from the token).
    mutation: 'answerInstruction(problemId: $problemId, text: $text, files: $files)',
    fields: [
      { name: 'text', label: 'input.answerText', kind: 'textarea', required: true },
      { name: 'files', label: 'input.replyFiles', kind: 'files', required: false },
    ],
  },
];

/** GraphQL types of the action variables. */
export const VARIABLE_TYPES: Record<string, string> = {
  problemId: 'ID!',
  responsibleUnitId: 'ID!',
  responsiblePerson: 'String!',
  leadingOfficial: 'String',
  acknowledgedBy: 'String!',
  deadline: 'String',
  workingDays: 'Int',
  measures: 'String!',
  progress: 'String!',
  percentComplete: 'Int',
  evidence: 'EvidenceInput!',
  opinion: 'String!',
  reasons: 'String!',
  reason: 'String!',
  instruction: 'String!',
  finishBy: 'String!',
  reply: 'String!',
  text: 'String!',
  files: '[EvidenceFileInput!]',
  coResponsibleUnitIds: '[ID!]',
  coUnitIds: '[ID!]!',
  toUnitId: 'ID!',
  proposedDeadline: 'String!',
};

/** The mutation an action runs, by name (a `Problem.availableActions` value). */
export const mutationOf = (action: ActionDef): ProblemAction => action.mutation.slice(0, action.mutation.indexOf('('));

/** The actions the server offers on a problem, in this page's order. */
export function offeredActions(available: readonly ProblemAction[]): ActionDef[] {
  return ACTIONS.filter((action) => available.includes(mutationOf(action)));
}
