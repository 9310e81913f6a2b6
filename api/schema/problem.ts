import { resolveArrayConnection } from '@pothos/plugin-relay';
import {
  ProblemCategory,
  ProblemSource,
  categoryLabel,
  countyDay,
  daysBetween,
  isAssigned,
  isOverdue,
  problemStatuses,
  sourceLabel,
} from '../../domain/index.js';
import { type LedgerRow, type SupervisionOrderRow, ledgerRows, ledgerView } from '../../projections/ledgerView.js';
import { problemFacts } from '../../projections/problemFacts.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { unitRow } from './args.js';
import { LedgerEventRef } from './event.js';
import { ProblemActionEnum, availableActions } from './problemActions.js';
import { UnitRef } from './unit.js';

export const ProblemSourceEnum = builder.enumType('ProblemSource', {
  description: 'Where a problem came from (问题来源); its code prefixes the ledger number.',
  values: ProblemSource.options,
});
export const ProblemCategoryEnum = builder.enumType('ProblemCategory', {
  description: 'The kind of problem: the seven special campaigns (七个专项治理) and the sector projects.',
  values: ProblemCategory.options,
});
export const ProblemStatusEnum = builder.enumType('ProblemStatus', {
  description: 'raised → assigned → rectifying → awaiting_verification → verified → closed (销号).',
  values: problemStatuses,
});

export const ConsolidationEnum = builder.enumType('Consolidation', {
  description: 'After 销号: awaiting_recheck (closed, awaiting the 回头看) or confirmed (巩固).',
  values: ['awaiting_recheck', 'confirmed'] as const,
});

type FileRef = NonNullable<SupervisionOrderRow['reply']>['files'][number];
export const EvidenceFileRef = builder.objectRef<FileRef>('EvidenceFile').implement({
  description: 'A file uploaded to /files, referenced by the SHA-256 of its content (GET /files/<sha256>).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'File name.' }),
    sha256: t.exposeString('sha256', { description: 'SHA-256 hex digest of the content.' }),
    size: t.exposeInt('size', { description: 'Size in bytes.' }),
    contentType: t.string({ nullable: true, description: 'MIME type.', resolve: (f) => f.contentType ?? null }),
  }),
});

type Reply = NonNullable<SupervisionOrderRow['reply']>;
export const SupervisionReplyRef = builder.objectRef<Reply>('SupervisionReply').implement({
  description: '督办回复: the responsible unit’s answer to a supervision order.',
  fields: (t) => ({
    reply: t.exposeString('reply', { description: 'What was done, exactly as sent.' }),
    files: t.field({
      type: [EvidenceFileRef],
      description: 'Files backing it (withheld from other units’ heads).',
      resolve: (r) => r.files,
    }),
    repliedOn: t.exposeString('repliedOn', { description: 'County day of the reply.' }),
    repliedAt: t.exposeString('repliedAt', { description: 'When it was recorded.' }),
    repliedBy: t.exposeString('repliedBy', { description: 'Who replied.' }),
    eventId: t.exposeString('eventId', { description: 'The SupervisionReplied event.' }),
  }),
});

export const SupervisionOrderRef = builder.objectRef<SupervisionOrderRow>('SupervisionOrder').implement({
  description: '督办: an order to finish by a day (办结时限), and the unit’s reply once it came.',
  fields: (t) => ({
    supervisionCount: t.exposeInt('supervisionCount', { description: 'Its number among the problem’s orders (1, 2, …).' }),
    instruction: t.exposeString('instruction', { description: '督办意见' }),
    finishBy: t.string({
      nullable: true,
      description: '办结时限 (null for orders recorded before it was asked).',
      resolve: (o) => o.finishBy,
    }),
    triggerId: t.string({ nullable: true, description: 'The interview trigger it answers, if any.', resolve: (o) => o.triggerId }),
    orderedAt: t.exposeString('orderedAt', { description: 'When it was ordered.' }),
    orderedBy: t.exposeString('orderedBy', { description: 'Who ordered it.' }),
    eventId: t.exposeString('eventId', { description: 'The SupervisionOrdered event.' }),
    reply: t.field({
      type: SupervisionReplyRef,
      nullable: true,
      description: 'The reply; null while unanswered.',
      resolve: (o) => o.reply,
    }),
    overdue: t.boolean({
      description: 'Unanswered past its finish-by day (county calendar).',
      resolve: (o, _a, ctx) => o.reply === null && o.finishBy !== null && countyDay(ctx.services.clock()) > o.finishBy,
    }),
  }),
});

const assignedField = <K extends string>(row: LedgerRow, key: K): unknown =>
  isAssigned(row.state) ? (row.state as unknown as Record<K, unknown>)[key] : null;

export const ProblemRef = builder.objectRef<LedgerRow>('Problem');

/** When the 回头看 of a closed item awaiting it falls due, as the read side's facts keep it (projections/problemFacts.ts). */
function recheckDueOn(r: LedgerRow, ctx: Context): string | null {
  if (r.state.status !== 'closed' || r.state.consolidation !== 'awaiting_recheck') return null;
  return ctx.services.runner.state(problemFacts).problems.get(r.state.problemId)?.recheckDueOn ?? null;
}

ProblemRef.implement({
  description: 'A problem in the rectification ledger (整改台账), as of the latest event.',
  fields: (t) => ({
    id: t.id({ description: 'Stable id of the problem.', resolve: (r) => r.state.problemId }),
    ledgerNumber: t.string({ description: '台账编号, e.g. GJ-2019-007.', resolve: (r) => r.state.ledgerNumber }),
    source: t.field({ type: ProblemSourceEnum, description: '问题来源', resolve: (r) => r.state.source }),
    sourceLabel: t.string({ description: 'The source in Chinese.', resolve: (r) => sourceLabel[r.state.source] }),
    category: t.field({ type: ProblemCategoryEnum, description: '问题类别', resolve: (r) => r.state.category }),
    categoryLabel: t.string({ description: 'The category in Chinese.', resolve: (r) => categoryLabel[r.state.category] }),
    description: t.string({ description: '问题描述', resolve: (r) => r.state.description }),
    raisedOn: t.string({ description: 'County day it was raised (YYYY-MM-DD).', resolve: (r) => r.state.raisedOn }),
    status: t.field({ type: ProblemStatusEnum, description: 'Where it is in its life.', resolve: (r) => r.state.status }),
    responsibleUnit: t.field({
      type: UnitRef,
      nullable: true,
      description: '责任单位',
      resolve: (r, _a, ctx) => unitRow(ctx, isAssigned(r.state) ? r.state.responsibleUnitId : null),
    }),
    responsiblePerson: t.string({
      nullable: true,
      description: '责任人',
      resolve: (r) => assignedField(r, 'responsiblePerson') as string | null,
    }),
    leadingOfficial: t.string({
      nullable: true,
      description: '牵头领导',
      resolve: (r) => assignedField(r, 'leadingOfficial') as string | null,
    }),
    deadline: t.string({
      nullable: true,
      description: '整改时限 (county calendar day).',
      resolve: (r) => assignedField(r, 'deadline') as string | null,
    }),
    extensionCount: t.int({
      description: 'How many times the deadline was extended.',
      resolve: (r) => (assignedField(r, 'extensionCount') as number | null) ?? 0,
    }),
    measures: t.string({
      nullable: true,
      description: '整改措施 (the plan).',
      resolve: (r) => assignedField(r, 'measures') as string | null,
    }),
    rejectionCount: t.int({
      description: 'Times verification was rejected.',
      resolve: (r) => (assignedField(r, 'rejectionCount') as number | null) ?? 0,
    }),
    reopenCount: t.int({
      description: 'Times it was reopened after closing.',
      resolve: (r) => (assignedField(r, 'reopenCount') as number | null) ?? 0,
    }),
    supervisionCount: t.int({
      description: 'Supervision orders (督办) issued.',
      resolve: (r) => (assignedField(r, 'supervisionCount') as number | null) ?? 0,
    }),
    latestProgress: t.string({
      nullable: true,
      description: '整改进展: the text of the latest progress report, if any.',
      resolve: (r) => r.latestProgress,
    }),
    closedOn: t.string({
      nullable: true,
      description: '销号时间',
      resolve: (r) => (r.state.status === 'closed' ? r.state.closedOn : null),
    }),
    consolidation: t.field({
      type: ConsolidationEnum,
      nullable: true,
      description: 'Closed: awaiting the 回头看, or 巩固 confirmed; null while open.',
      resolve: (r) => (r.state.status === 'closed' ? r.state.consolidation : null),
    }),
    recheckDueOn: t.string({
      nullable: true,
      description:
        'The county day its 回头看 falls due: 销号 day plus the recheckAfterDays of the policy in force at the closing; null unless closed and awaiting the 回头看.',
      resolve: (r, _a, ctx) => recheckDueOn(r, ctx),
    }),
    recheckOverdue: t.boolean({
      description: 'Closed, awaiting the 回头看, and past the day it fell due (county calendar, as of today).',
      resolve: (r, _a, ctx) => {
        const due = recheckDueOn(r, ctx);
        return due !== null && countyDay(ctx.services.clock()) > due;
      },
    }),
    supervisionOrders: t.field({
      type: [SupervisionOrderRef],
      description: '督办 orders, oldest first, with their replies.',
      resolve: (r) => r.supervisionOrders,
    }),
    openSupervision: t.field({
      type: SupervisionOrderRef,
      nullable: true,
      description: 'The latest 督办 still waiting for the unit’s reply, if any.',
      resolve: (r) => {
        const open = isAssigned(r.state) ? r.state.openSupervision : null;
        return open ? (r.supervisionOrders.find((o) => o.supervisionCount === open.supervisionCount) ?? null) : null;
      },
    }),
    overdue: t.boolean({
      description: 'Past its deadline (county calendar) and not yet reported fixed.',
      resolve: (r, _a, ctx) => isOverdue(r.state, countyDay(ctx.services.clock())),
    }),
    daysLeft: t.int({
      nullable: true,
      description:
        'Whole days from today (county calendar) to the deadline: 0 on the day itself, negative once past; null without a deadline.',
      resolve: (r, _a, ctx) => {
        const deadline = assignedField(r, 'deadline') as string | null;
        return deadline === null ? null : daysBetween(countyDay(ctx.services.clock()), deadline);
      },
    }),
    recurrenceOf: t.field({
      type: ProblemRef,
      nullable: true,
      description: 'The earlier problem of the same kind this one repeats (同类问题第二次).',
      resolve: (r, _a, ctx) =>
        r.state.recurrenceOf ? (ctx.services.runner.state(ledgerView).problems.get(r.state.recurrenceOf) ?? null) : null,
    }),
    updatedAt: t.string({ description: 'When its last event happened.', resolve: (r) => r.updatedAt }),
    availableActions: t.field({
      type: [ProblemActionEnum],
      description: 'The mutations you may run on it now: its state accepts them and your role and unit allow them.',
      resolve: (r, _a, ctx) => availableActions(r, ctx),
    }),
    history: t.field({
      type: [LedgerEventRef],
      description: 'Every event of the problem, oldest first, with who and when.',
      resolve: (r, _a, ctx) => ctx.services.ledger.history(r.state.problemId),
    }),
  }),
});

builder.queryField('problem', (t) =>
  t.field({
    type: ProblemRef,
    nullable: true,
    description: 'One problem, by id or by ledger number.',
    args: {
      id: t.arg.id({ required: false, description: 'The problem’s id.' }),
      ledgerNumber: t.arg.string({ required: false, description: 'The ledger number, e.g. GJ-2019-007.' }),
    },
    resolve: (_root, args, ctx) => {
      const view = ctx.services.runner.state(ledgerView);
      const id = args.id ? String(args.id) : args.ledgerNumber ? view.byLedgerNumber.get(args.ledgerNumber) : undefined;
      return id ? (view.problems.get(id) ?? null) : null;
    },
  }),
);

builder.queryField('problems', (t) =>
  t.connection({
    type: ProblemRef,
    description: 'The ledger, filtered, in ledger-number order, a page at a time.',
    args: {
      source: t.arg({ type: ProblemSourceEnum, required: false, description: 'Only this source.' }),
      category: t.arg({ type: ProblemCategoryEnum, required: false, description: 'Only this category.' }),
      unitId: t.arg.id({ required: false, description: 'Only problems this unit leads (牵头) or helps on (配合).' }),
      status: t.arg({ type: ProblemStatusEnum, required: false, description: 'Only problems in this status.' }),
      overdue: t.arg.boolean({ required: false, description: 'Only overdue (true) or only not overdue (false).' }),
      awaitingSupervisionReply: t.arg.boolean({
        required: false,
        description: 'Only problems with a 督办 waiting for the unit’s reply (true) or without (false).',
      }),
      consolidation: t.arg({
        type: ConsolidationEnum,
        required: false,
        description: 'Only closed problems awaiting the 回头看, or confirmed (巩固).',
      }),
    },
    resolve: (_root, args, ctx) => {
      const filter = { ...args, unitId: args.unitId == null ? null : String(args.unitId) };
      return resolveArrayConnection({ args }, ledgerRows(ctx.services.runner.state(ledgerView), filter, countyDay(ctx.services.clock())));
    },
  }),
);
