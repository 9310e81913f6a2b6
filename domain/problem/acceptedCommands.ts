import type { ProblemCommand } from './decide.js';
import { isAssigned, type AssignedProblem, type ProblemState } from './events.js';

export type ProblemCommandType = ProblemCommand['type'];

/** Assigned and not closed (销号). */
const isOpen = (state: ProblemState): state is AssignedProblem => isAssigned(state) && state.status !== 'closed';

/**
 * Which commands a problem in this state takes, command by command: `decideProblem` would turn a
 * fresh request of it into events. A command it refuses (an IllegalStateError) is left out, and so is
 * one it would only acknowledge as already done (签收 of a problem already acknowledged): neither is
 * something to offer. Who may send it is not asked here (api/authz.ts answers that).
 *
 * Written out rather than found by running `decideProblem`, so it reads as the rule it is;
 * tests/domain/acceptedCommands.unit.test.ts holds it against `decideProblem` state by state.
 */
const accepts: Record<ProblemCommandType, (state: ProblemState) => boolean> = {
  RaiseProblem: (s) => s.status === 'not_raised',
  // Reassigning is possible until the unit has acknowledged (签收) the problem.
  AssignProblem: (s) => s.status === 'raised' || s.status === 'assigned',
  AcknowledgeAssignment: (s) => s.status === 'assigned',
  // 整改时限: set once, then only extended (延期) with a reason.
  SetDeadline: (s) => isOpen(s) && s.deadline === null,
  ExtendDeadline: (s) => isOpen(s) && s.deadline !== null,
  SubmitPlan: (s) => s.status === 'rectifying',
  ReportProgress: (s) => s.status === 'rectifying',
  // Reported fixed only with a rectification plan (整改方案) on file.
  ReportRectified: (s) => s.status === 'rectifying' && s.measures !== null,
  PassVerification: (s) => s.status === 'awaiting_verification',
  RejectVerification: (s) => s.status === 'awaiting_verification',
  // 销号 only after the verification passed.
  CloseProblem: (s) => s.status === 'verified',
  // 巩固 failed: possible on a closed problem, before the 回头看 confirmed it and after.
  ReopenProblem: (s) => s.status === 'closed',
  OrderSupervision: isOpen,
  // 督办回复: while an order waits for its answer.
  ReplyToSupervision: (s) => isAssigned(s) && s.openSupervision !== null,
  // 回头看: once per closing, until 巩固 is confirmed.
  ConfirmConsolidation: (s) => s.status === 'closed' && s.consolidation === 'awaiting_recheck',
  // 复发 / 相关: a link to an earlier problem, at any time once raised (which one is the form's to choose).
  LinkProblem: (s) => s.status !== 'not_raised',
  // 配合单位 and 转办: by the office, at any stage before closing.
  ChangeCoResponsibleUnits: isOpen,
  TransferProblem: isOpen,
  // 延期申请: one pending at a time, on an item with a deadline; the office answers the pending one.
  RequestExtension: (s) => isOpen(s) && s.deadline !== null && s.extensionRequest?.status !== 'pending',
  ApproveExtensionRequest: (s) => isOpen(s) && s.extensionRequest?.status === 'pending',
  RefuseExtensionRequest: (s) => isOpen(s) && s.extensionRequest?.status === 'pending',
  // 批示: on an assigned item, also after 销号 (the 回头看 may call for one).
  PostInstruction: isAssigned,
  // 回复: once there is an instruction to answer.
  AnswerInstruction: (s) => isAssigned(s) && s.comments.includes('instruction'),
  // 迁移导入: a raise brought in from a ledger, once, before anything else happens to it (the import's own step).
  RecordMigratedFacts: (s) => s.status === 'raised' && s.migratedFrom !== undefined,
};

/** The commands this problem's state accepts now, in the order of `ProblemCommand`. */
export function acceptedCommands(state: ProblemState): ProblemCommandType[] {
  return (Object.keys(accepts) as ProblemCommandType[]).filter((type) => accepts[type](state));
}
