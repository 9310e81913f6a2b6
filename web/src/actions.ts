import type { MessageKey } from './i18n';
import type { ProblemDetail, Status } from './model';

/** A form field of an action. */
export type ActionField = {
  name: string;
  label: MessageKey;
  kind: 'text' | 'textarea' | 'date' | 'number' | 'unit' | 'files';
  required: boolean;
};

/** One thing that can be done to a problem: its GraphQL mutation and the form that feeds it. */
export type ActionDef = {
  key: 'assign' | 'acknowledge' | 'setDeadline' | 'extend' | 'plan' | 'progress' | 'rectified' | 'pass' | 'reject' | 'close' | 'reopen' | 'supervise';
  label: MessageKey;
  /** The mutation, its variable declarations and arguments (problemId is always passed). */
  mutation: string;
  fields: ActionField[];
  /** The statuses in which the ledger accepts it (the server remains the judge). */
  statuses: readonly Status[];
  when?: (problem: ProblemDetail) => boolean;
  confirm?: MessageKey;
};

const open: readonly Status[] = ['assigned', 'rectifying', 'awaiting_verification', 'verified'];

export const ACTIONS: readonly ActionDef[] = [
  {
    key: 'assign',
    label: 'action.assign',
    mutation: 'assignProblem(problemId: $problemId, responsibleUnitId: $responsibleUnitId, responsiblePerson: $responsiblePerson, leadingOfficial: $leadingOfficial)',
    fields: [
      { name: 'responsibleUnitId', label: 'input.unit', kind: 'unit', required: true },
      { name: 'responsiblePerson', label: 'input.person', kind: 'text', required: true },
      { name: 'leadingOfficial', label: 'input.leadingOfficial', kind: 'text', required: false },
    ],
    statuses: ['raised', 'assigned'],
  },
  {
    key: 'acknowledge',
    label: 'action.acknowledge',
    mutation: 'acknowledgeAssignment(problemId: $problemId, acknowledgedBy: $acknowledgedBy)',
    fields: [{ name: 'acknowledgedBy', label: 'input.acknowledgedBy', kind: 'text', required: true }],
    statuses: ['assigned'],
  },
  {
    key: 'setDeadline',
    label: 'action.setDeadline',
    mutation: 'setDeadline(problemId: $problemId, deadline: $deadline)',
    fields: [{ name: 'deadline', label: 'input.deadline', kind: 'date', required: true }],
    statuses: open,
    when: (p) => p.deadline === null,
  },
  {
    key: 'plan',
    label: 'action.plan',
    mutation: 'submitPlan(problemId: $problemId, measures: $measures)',
    fields: [{ name: 'measures', label: 'input.measures', kind: 'textarea', required: true }],
    statuses: ['rectifying'],
  },
  {
    key: 'progress',
    label: 'action.progress',
    mutation: 'reportProgress(problemId: $problemId, progress: $progress, percentComplete: $percentComplete)',
    fields: [
      { name: 'progress', label: 'input.progress', kind: 'textarea', required: true },
      { name: 'percentComplete', label: 'input.percent', kind: 'number', required: false },
    ],
    statuses: ['rectifying'],
  },
  {
    key: 'rectified',
    label: 'action.rectified',
    mutation: 'reportRectified(problemId: $problemId, evidence: $evidence)',
    fields: [
      { name: 'description', label: 'input.evidence', kind: 'textarea', required: true },
      { name: 'files', label: 'input.files', kind: 'files', required: false },
    ],
    statuses: ['rectifying'],
    when: (p) => p.measures !== null,
  },
  {
    key: 'pass',
    label: 'action.pass',
    // The verifying unit is the signed-in verifier's own, from the token.
    mutation: 'passVerification(problemId: $problemId, opinion: $opinion)',
    fields: [
      { name: 'opinion', label: 'input.opinion', kind: 'textarea', required: true },
    ],
    statuses: ['awaiting_verification'],
  },
  {
    key: 'reject',
    label: 'action.reject',
    mutation: 'rejectVerification(problemId: $problemId, reasons: $reasons)',
    fields: [
      { name: 'reasons', label: 'input.reasons', kind: 'textarea', required: true },
    ],
    statuses: ['awaiting_verification'],
  },
  {
    key: 'close',
    label: 'action.close',
    mutation: 'closeProblem(problemId: $problemId)',
    fields: [],
    statuses: ['verified'],
    confirm: 'input.confirmClose',
  },
  {
    key: 'extend',
    label: 'action.extend',
    mutation: 'extendDeadline(problemId: $problemId, deadline: $deadline, reason: $reason)',
    fields: [
      { name: 'deadline', label: 'input.newDeadline', kind: 'date', required: true },
      { name: 'reason', label: 'input.reason', kind: 'textarea', required: true },
    ],
    statuses: open,
    when: (p) => p.deadline !== null,
  },
  {
    key: 'supervise',
    label: 'action.supervise',
    mutation: 'orderSupervision(problemId: $problemId, instruction: $instruction)',
    fields: [{ name: 'instruction', label: 'input.instruction', kind: 'textarea', required: true }],
    statuses: open,
  },
  {
    key: 'reopen',
    label: 'action.reopen',
    mutation: 'reopenProblem(problemId: $problemId, reason: $reason)',
    fields: [{ name: 'reason', label: 'input.reopenReason', kind: 'textarea', required: true }],
    statuses: ['closed'],
  },
];

/** GraphQL types of the action variables. */
export const VARIABLE_TYPES: Record<string, string> = {
  problemId: 'ID!',
  responsibleUnitId: 'ID!',
  responsiblePerson: 'String!',
  leadingOfficial: 'String',
  acknowledgedBy: 'String!',
  deadline: 'String!',
  measures: 'String!',
  progress: 'String!',
  percentComplete: 'Int',
  evidence: 'EvidenceInput!',
  opinion: 'String!',
  reasons: 'String!',
  reason: 'String!',
  instruction: 'String!',
};

/** Who is using the app: the signed-in user (the `me` query). */
export type User = { name: string; roles: string[]; unitId: string | null };

/**
 * Who takes each action — the server's rule (api/authz.ts) mirrored, so the page offers only what
 * the server will accept: the office runs the ledger, a unit head works on their own unit's items,
 * a verifier verifies other units' items.
 */
const takenBy: Record<ActionDef['key'], (user: User, responsibleUnitId: string | null) => boolean> = {
  assign: (u) => u.roles.includes('office'),
  setDeadline: (u) => u.roles.includes('office'),
  extend: (u) => u.roles.includes('office'),
  supervise: (u) => u.roles.includes('office'),
  close: (u) => u.roles.includes('office'),
  reopen: (u) => u.roles.includes('office'),
  acknowledge: (u, unit) => u.roles.includes('unit_head') && unit !== null && u.unitId === unit,
  plan: (u, unit) => u.roles.includes('unit_head') && unit !== null && u.unitId === unit,
  progress: (u, unit) => u.roles.includes('unit_head') && unit !== null && u.unitId === unit,
  rectified: (u, unit) => u.roles.includes('unit_head') && unit !== null && u.unitId === unit,
  pass: (u, unit) => u.roles.includes('verifier') && u.unitId !== unit,
  reject: (u, unit) => u.roles.includes('verifier') && u.unitId !== unit,
};

/** The actions offered on a problem: those its status allows, and that the user may take. */
export function allowedActions(problem: ProblemDetail, user: User): ActionDef[] {
  const unit = problem.responsibleUnit?.id ?? null;
  return ACTIONS.filter((a) => a.statuses.includes(problem.status) && (a.when?.(problem) ?? true) && takenBy[a.key](user, unit));
}
