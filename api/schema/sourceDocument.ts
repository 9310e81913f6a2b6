import type { Reconciliation, ReconciliationItem, SourceDocumentRow } from '../../application/sourceDocuments.js';
import { type LedgerStatus, problemStatuses } from '../../domain/index.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { builder } from './builder.js';
import { LedgerEventRef } from './event.js';
import { EvidenceInput, ProblemPayload, commandContext, commandIdArg, problemPayload, raisedProblemId } from './mutations.js';
import { ProblemCategoryEnum, ProblemRef, ProblemStatusEnum } from './problem.js';

/** 来源文件 and 对账: the superiors' documents, their items, and the reconciliation per document. */

const SourceDocumentRef = builder.objectRef<SourceDocumentRow>('SourceDocument').implement({
  description:
    '来源文件: a superior’s document listing problems, registered by the office. Its 文号 and an item’s 原编号 identify the item.',
  fields: (t) => ({
    id: t.exposeID('documentId', { description: 'Stable id of the document (it follows from its 文号).' }),
    issuingBody: t.exposeString('issuingBody', { description: '发文机关' }),
    title: t.exposeString('title', { description: '文件标题' }),
    documentNumber: t.exposeString('documentNumber', { description: '文号, e.g. 国开发〔2019〕3号.' }),
    issuedOn: t.exposeString('issuedOn', { description: '成文日期 (YYYY-MM-DD): no item of it is raised before.' }),
    registeredAt: t.exposeString('registeredAt', { description: 'When the office registered it (ISO-8601).' }),
  }),
});

const ReconciliationItemRef = builder.objectRef<ReconciliationItem>('ReconciliationItem').implement({
  description: 'One item of a source document beside its ledger entry (对账).',
  fields: (t) => ({
    originalNumber: t.exposeString('originalNumber', { nullable: true, description: '原编号' }),
    ledgerNumber: t.exposeString('ledgerNumber', { description: '台账编号' }),
    description: t.exposeString('description', { description: '问题描述' }),
    raisedOn: t.exposeString('raisedOn', { description: '交办日期' }),
    unitName: t.exposeString('unitName', { nullable: true, description: '责任单位 (its name now).' }),
    status: t.field({ type: ProblemStatusEnum, description: '整改状态', resolve: (i) => i.status }),
    deadline: t.exposeString('deadline', { nullable: true, description: '整改时限' }),
    closedOn: t.exposeString('closedOn', { nullable: true, description: '销号时间' }),
    overdue: t.exposeBoolean('overdue', { description: 'Past its deadline and not reported fixed (逾期), today.' }),
    problem: t.field({
      type: ProblemRef,
      description: 'The problem in the ledger.',
      resolve: (i, _a, ctx) => ctx.services.runner.state(ledgerView).problems.get(i.problemId)!,
    }),
  }),
});

const StatusCountRef = builder.objectRef<{ status: LedgerStatus; count: number }>('ReconciliationStatusCount').implement({
  description: 'How many items are in one state.',
  fields: (t) => ({
    status: t.field({ type: ProblemStatusEnum, description: '整改状态', resolve: (c) => c.status }),
    count: t.exposeInt('count', { description: 'Items in it.' }),
  }),
});

const ReconciliationRef = builder.objectRef<Reconciliation>('Reconciliation').implement({
  description:
    '对账: every item of a source document beside its 原编号, ledger number, unit, state, deadline and 销号 date, with totals. ' +
    'As the ledger is recorded now (overdue as of today); also downloaded as .xlsx from /reports/reconciliation/<documentId>.xlsx.',
  fields: (t) => ({
    document: t.field({ type: SourceDocumentRef, description: 'The document.', resolve: (r) => r.document }),
    asOf: t.exposeString('asOf', { description: 'The county day the states and overdue are as of (today).' }),
    items: t.field({ type: [ReconciliationItemRef], description: 'Its items, in the order of their 原编号.', resolve: (r) => r.items }),
    total: t.int({ description: 'Items raised from the document.', resolve: (r) => r.totals.items }),
    closed: t.int({ description: 'Of them closed (已销号).', resolve: (r) => r.totals.closed }),
    overdue: t.int({ description: 'Of them overdue (逾期) today.', resolve: (r) => r.totals.overdue }),
    byStatus: t.field({
      type: [StatusCountRef],
      description: 'Items per state, every state listed.',
      resolve: (r) => problemStatuses.map((status) => ({ status, count: r.totals.byStatus[status] })),
    }),
  }),
});

builder.queryField('sourceDocuments', (t) =>
  t.field({
    type: [SourceDocumentRef],
    description: '来源文件: every registered source document, the latest first.',
    resolve: (_r, _a, ctx) => ctx.services.sourceDocuments.list(),
  }),
);

builder.queryField('reconciliation', (t) =>
  t.field({
    type: ReconciliationRef,
    description: '对账: a source document’s items beside their ledger entries, with totals (SOURCE_DOCUMENT_NOT_FOUND for an unknown id).',
    args: { documentId: t.arg.id({ required: true, description: 'The source document.' }) },
    resolve: (_r, args, ctx) => ctx.services.sourceDocuments.reconciliation(String(args.documentId)),
  }),
);

const SourceDocumentPayload = builder
  .objectRef<{ document: SourceDocumentRow; events: import('../../application/index.js').RecordedEvent[]; replayed: boolean }>(
    'SourceDocumentPayload',
  )
  .implement({
    description: 'The document after the command, and the events it appended.',
    fields: (t) => ({
      document: t.field({ type: SourceDocumentRef, description: 'The document.', resolve: (p) => p.document }),
      events: t.field({
        type: [LedgerEventRef],
        description: 'Appended by this command; empty when nothing changed.',
        resolve: (p) => p.events,
      }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
    }),
  });

builder.mutationField('registerSourceDocument', (t) =>
  t.field({
    type: SourceDocumentPayload,
    description:
      'Register a source document (来源文件) by its 文号: the same registration again changes nothing; another document under a 文号 taken is DOCUMENT_NUMBER_TAKEN.',
    args: {
      issuingBody: t.arg.string({ required: true, description: '发文机关' }),
      title: t.arg.string({ required: true, description: '文件标题' }),
      documentNumber: t.arg.string({ required: true, description: '文号' }),
      issuedOn: t.arg.string({ required: true, description: '成文日期 (YYYY-MM-DD), not after today.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: (_r, args, ctx) => {
      const { commandId, ...input } = args;
      return ctx.services.sourceDocuments.register(input, commandContext(ctx, commandId as string | undefined));
    },
  }),
);

builder.mutationField('selfReportProblem', (t) =>
  t.field({
    type: ProblemPayload,
    description:
      '自查上报: a unit head reports a problem of their own unit (自查自纠, not punished by default). It is assigned to their unit and acknowledged at once; ' +
      'with fixedOnTheSpot (立行立改) it lands reported fixed, awaiting another unit’s verification.',
    args: {
      category: t.arg({ type: ProblemCategoryEnum, required: true, description: '问题类别' }),
      description: t.arg.string({ required: true, description: '问题描述 (at most 5000 characters).' }),
      responsiblePerson: t.arg.string({ required: true, description: '责任人 in the unit.' }),
      raisedOn: t.arg.string({
        required: false,
        description: 'The day it was found (YYYY-MM-DD): today when omitted, never in the future.',
      }),
      fixedOnTheSpot: t.arg({ type: EvidenceInput, required: false, description: '立行立改: the evidence of the fix already made.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_r, args, ctx) => {
      const context = commandContext(ctx, args.commandId as string | undefined);
      const evidence = args.fixedOnTheSpot
        ? { description: args.fixedOnTheSpot.description, files: args.fixedOnTheSpot.files ?? [] }
        : null;
      const result = await ctx.services.ledger.selfReport(
        {
          category: args.category,
          description: args.description,
          responsiblePerson: args.responsiblePerson,
          raisedOn: args.raisedOn ?? null,
          evidence,
        },
        context,
      );
      return problemPayload(ctx, raisedProblemId(result, ctx.services.ledger.problemIdFor(context.commandId)), result);
    },
  }),
);
