import { type ProblemCommandType, acceptedCommands, isAssigned } from '../../domain/index.js';
import type { LedgerRow } from '../../projections/ledgerView.js';
import { permits } from '../authz.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';

/** Each command on a raised problem and the mutation that sends it (api/schema/mutations.ts registers them from here). */
export const problemMutation = {
  AssignProblem: 'assignProblem',
  AcknowledgeAssignment: 'acknowledgeAssignment',
  SetDeadline: 'setDeadline',
  ExtendDeadline: 'extendDeadline',
  SubmitPlan: 'submitPlan',
  ReportProgress: 'reportProgress',
  ReportRectified: 'reportRectified',
  PassVerification: 'passVerification',
  RejectVerification: 'rejectVerification',
  CloseProblem: 'closeProblem',
  ReopenProblem: 'reopenProblem',
  OrderSupervision: 'orderSupervision',
  ReplyToSupervision: 'replyToSupervision',
  ConfirmConsolidation: 'confirmConsolidation',
  LinkProblem: 'linkProblem',
  ChangeCoResponsibleUnits: 'changeCoResponsibleUnits',
  TransferProblem: 'transferProblem',
  RequestExtension: 'requestExtension',
  ApproveExtensionRequest: 'approveExtensionRequest',
  RefuseExtensionRequest: 'refuseExtensionRequest',
  PostInstruction: 'postInstruction',
  AnswerInstruction: 'answerInstruction',
} as const satisfies Record<Exclude<ProblemCommandType, 'RaiseProblem' | 'RecordMigratedFacts'>, string>;
export type ProblemMutation = (typeof problemMutation)[keyof typeof problemMutation];

export const ProblemActionEnum = builder.enumType('ProblemAction', {
  description: 'A mutation on a problem, by its name (Mutation.<value>).',
  values: Object.values(problemMutation),
});

/**
 * What the caller may do to this problem now: the commands its state accepts (the domain's
 * `acceptedCommands`) that the authorization table lets this user run on it (`permits`). A hint for
 * clients, as of the read model; the mutation itself still decides.
 */
export function availableActions(row: LedgerRow, ctx: Context): ProblemMutation[] {
  if (ctx.auth.kind !== 'signed_in') return [];
  const { user } = ctx.auth;
  const unit = isAssigned(row.state) ? row.state.responsibleUnitId : null;
  const coUnits = isAssigned(row.state) ? row.state.coResponsibleUnitIds : [];
  return acceptedCommands(row.state)
    .flatMap((type) => (type === 'RaiseProblem' || type === 'RecordMigratedFacts' ? [] : [problemMutation[type]]))
    .filter((mutation) => permits(`Mutation.${mutation}`, user, unit, coUnits));
}
