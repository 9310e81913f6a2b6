import { type ExtensionRequestFacts, countyDay, hasPendingExtensionRequest, isAssigned } from '../../domain/index.js';
import { type LedgerRow, type TransferRow, ledgerRows, ledgerView } from '../../projections/ledgerView.js';
import { unitRow } from './args.js';
import { builder } from './builder.js';
import { problemCommand } from './mutations.js';
import { ProblemRef } from './problem.js';
import { UnitRef } from './unit.js';

/**
 * 牵头单位 / 配合单位, 转办 and 延期申请 on the GraphQL side: the fields the item shows, the office's
 * queue of pending requests, and the mutations (their rules are in api/authz.ts).
 */

const TransferRef = builder.objectRef<TransferRow>('ProblemTransfer').implement({
  description: 'A transfer (转办) of the item to another lead unit: both units, the reason, when and by whom.',
  fields: (t) => ({
    fromUnit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The lead unit it left.',
      resolve: (r, _a, ctx) => unitRow(ctx, r.fromUnitId),
    }),
    toUnit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The lead unit it went to.',
      resolve: (r, _a, ctx) => unitRow(ctx, r.toUnitId),
    }),
    reason: t.exposeString('reason', { description: '转办理由' }),
    transferredAt: t.exposeString('transferredAt', { description: 'When it was recorded.' }),
    transferredBy: t.exposeString('transferredBy', { description: 'Who transferred it.' }),
    eventId: t.exposeString('eventId', { description: 'The ProblemTransferred event.' }),
  }),
});

type RequestRow = ExtensionRequestFacts & { requestedAt: string | null; requestedBy: string | null };

const ExtensionRequestStatusEnum = builder.enumType('ExtensionRequestStatus', {
  description: 'pending (延期申请待审), approved (同意延期: the deadline moved), refused (不同意).',
  values: ['pending', 'approved', 'refused'] as const,
});

const ExtensionRequestRef = builder.objectRef<RequestRow>('ExtensionRequest').implement({
  description: 'The latest extension request (延期申请) of an item, and the office’s answer once given.',
  fields: (t) => ({
    requestNumber: t.exposeInt('requestNumber', { description: 'Its number among the item’s requests (1, 2, …).' }),
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The requesting (lead) unit.',
      resolve: (r, _a, ctx) => unitRow(ctx, r.unitId),
    }),
    proposedDeadline: t.exposeString('proposedDeadline', { description: 'The day asked for (YYYY-MM-DD).' }),
    reason: t.exposeString('reason', { description: '申请理由' }),
    status: t.field({ type: ExtensionRequestStatusEnum, description: 'Pending, approved or refused.', resolve: (r) => r.status }),
    refusal: t.string({ nullable: true, description: 'The office’s reason, when refused.', resolve: (r) => r.refusal }),
    requestedAt: t.string({ nullable: true, description: 'When it was made.', resolve: (r) => r.requestedAt }),
    requestedBy: t.string({ nullable: true, description: 'Who made it.', resolve: (r) => r.requestedBy }),
  }),
});

function requestOf(row: LedgerRow): RequestRow | null {
  if (!isAssigned(row.state) || row.state.extensionRequest === null) return null;
  return {
    ...row.state.extensionRequest,
    requestedAt: row.extensionRequestedAt?.at ?? null,
    requestedBy: row.extensionRequestedAt?.by ?? null,
  };
}

builder.objectFields(ProblemRef, (t) => ({
  coResponsibleUnits: t.field({
    type: [UnitRef],
    description: '配合单位: the co-responsible units beside the lead unit (responsibleUnit, 牵头单位).',
    resolve: (r, _a, ctx) =>
      (isAssigned(r.state) ? r.state.coResponsibleUnitIds : []).flatMap((id) => {
        const unit = unitRow(ctx, id);
        return unit ? [unit] : [];
      }),
  }),
  transfers: t.field({ type: [TransferRef], description: 'Its transfers (转办), oldest first.', resolve: (r) => r.transfers }),
  extensionRequest: t.field({
    type: ExtensionRequestRef,
    nullable: true,
    description: 'The latest extension request (延期申请), pending or answered; null before the first.',
    resolve: requestOf,
  }),
  extensionRequestPending: t.boolean({
    description: '延期申请待审: an extension request waits for the office’s answer.',
    resolve: (r) => hasPendingExtensionRequest(r.state),
  }),
}));

builder.queryField('extensionRequests', (t) =>
  t.field({
    type: [ProblemRef],
    description: 'The office’s queue: open items with an extension request (延期申请) waiting for its answer, oldest request first.',
    resolve: (_root, _args, ctx) =>
      ledgerRows(ctx.services.runner.state(ledgerView), { extensionRequestPending: true }, countyDay(ctx.services.clock())).sort((a, b) =>
        (a.extensionRequestedAt?.at ?? '').localeCompare(b.extensionRequestedAt?.at ?? ''),
      ),
  }),
);

problemCommand(
  'ChangeCoResponsibleUnits',
  'Replace the co-responsible units (配合单位) of an item before closing; the lead unit stays.',
  (t) => ({ coResponsibleUnitIds: t.arg.idList({ required: true, description: 'The whole new list; empty for none.' }) }),
);
problemCommand(
  'TransferProblem',
  'Transfer (转办) the item to another lead unit (牵头单位) before closing, with the reason and the person answerable there.',
  (t) => ({
    toUnitId: t.arg.id({ required: true, description: 'The new lead unit.' }),
    responsiblePerson: t.arg.string({ required: true, description: '责任人 at the new lead unit.' }),
    reason: t.arg.string({ required: true, description: '转办理由' }),
  }),
);
problemCommand(
  'RequestExtension',
  'Request a later deadline (延期申请) for your own unit’s item, as its lead unit: one pending request per item.',
  (t) => ({
    proposedDeadline: t.arg.string({ required: true, description: 'The day asked for, YYYY-MM-DD, after the current deadline.' }),
    reason: t.arg.string({ required: true, description: '申请理由' }),
  }),
  (actor) => ({ requestedByUnitId: actor.unitId }),
);
problemCommand(
  'ApproveExtensionRequest',
  'Approve the pending extension request (同意延期): the deadline moves to the day asked for, recorded as an extension.',
  () => ({}),
);
problemCommand(
  'RefuseExtensionRequest',
  'Refuse the pending extension request (不同意延期), with the reason; the deadline stays.',
  (t) => ({
    reason: t.arg.string({ required: true, description: 'Why it is refused.' }),
  }),
);
