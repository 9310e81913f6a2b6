import { HotlineReportStatus, hotlineReportStatus, sourceLabel } from '../../domain/index.js';
import type { HotlineRow } from '../../projections/hotlineView.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { builder } from './builder.js';
import { unitRow } from './args.js';
import { commandContext, commandIdArg, settled } from './mutations.js';
import { ProblemCategoryEnum, ProblemRef } from './problem.js';
import { UnitRef } from './unit.js';

export const ReportStatusEnum = builder.enumType('HotlineReportStatus', {
  description: `A ${sourceLabel.hotline} report's status: received (待处理), accepted into the ledger (已受理), or dismissed (不予受理).`,
  values: HotlineReportStatus.options,
});

const HotlineReportRef = builder.objectRef<HotlineRow>('HotlineReport').implement({
  description: 'A report to the 12317 hotline, as the office sees it.',
  fields: (t) => ({
    id: t.exposeID('reportId', { description: 'Stable id of the report.' }),
    receiptCode: t.exposeString('receiptCode', { description: '回执码 the reporter holds.' }),
    text: t.exposeString('text', { description: '举报内容' }),
    contact: t.exposeString('contact', { nullable: true, description: 'How to reach the reporter, if they said.' }),
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The unit the report is about, if the reporter named one.',
      resolve: (r, _a, ctx) => unitRow(ctx, r.unitId),
    }),
    status: t.field({ type: ReportStatusEnum, description: 'Where the report stands.', resolve: hotlineReportStatus }),
    submittedAt: t.exposeString('submittedAt', { description: 'When it came in (ISO-8601).' }),
    problem: t.field({
      type: ProblemRef,
      nullable: true,
      description: 'The problem it became, once triaged.',
      resolve: (r, _a, ctx) => (r.status === 'triaged' ? (ctx.services.runner.state(ledgerView).problems.get(r.problemId) ?? null) : null),
    }),
    dismissalReason: t.string({
      nullable: true,
      description: 'Why it was dismissed (not shown to the reporter).',
      resolve: (r) => (r.status === 'dismissed' ? r.reason : null),
    }),
  }),
});

const ReceiptRef = builder.objectRef<{ receiptCode: string }>('HotlineReceipt').implement({
  description: 'What a reporter gets back: the code to ask about the report’s status later.',
  fields: (t) => ({
    receiptCode: t.exposeString('receiptCode', { description: '回执码: keep it; it is the only way to ask about the report.' }),
  }),
});

builder.mutationField('submitHotlineReport', (t) =>
  t.field({
    type: ReceiptRef,
    description: 'Report to the 12317 hotline (public, no sign-in; limited per address). Returns a receipt code.',
    args: {
      text: t.arg.string({ required: true, description: 'What happened (at most 5000 characters).' }),
      contact: t.arg.string({ required: false, description: 'How the office may reach you (optional).' }),
      unitId: t.arg.id({ required: false, description: 'The unit the report is about (optional).' }),
    },
    resolve: async (_r, args, ctx) => {
      await ctx.limits.hotlineReport(ctx.clientIp);
      const { receiptCode, result } = await ctx.services.hotline.submit(
        { text: args.text, contact: args.contact ?? null, unitId: args.unitId ? String(args.unitId) : null },
        commandContext(ctx, null),
      );
      await settled(ctx, result);
      return { receiptCode };
    },
  }),
);

builder.queryField('hotlineReportStatus', (t) =>
  t.field({
    type: ReportStatusEnum,
    description: 'The status of a hotline report, by its receipt code (public; limited per address). Nothing else is told.',
    args: { receiptCode: t.arg.string({ required: true, description: 'The code given when the report was made.' }) },
    resolve: async (_r, args, ctx) => {
      await ctx.limits.hotlineLookup(ctx.clientIp);
      return ctx.services.hotline.statusOf(args.receiptCode);
    },
  }),
);

builder.queryField('hotlineReports', (t) =>
  t.field({
    type: [HotlineReportRef],
    description: 'The hotline in-tray, newest first (office).',
    args: { status: t.arg({ type: ReportStatusEnum, required: false, description: 'Only reports in this status.' }) },
    resolve: (_r, args, ctx) => ctx.services.hotline.reports(args.status ?? null),
  }),
);

builder.mutationField('triageHotlineReport', (t) =>
  t.field({
    type: ProblemRef,
    description: 'Enter a hotline report into the ledger as a problem (source hotline), linked to the report (office).',
    args: {
      reportId: t.arg.id({ required: true, description: 'The report.' }),
      category: t.arg({ type: ProblemCategoryEnum, required: true, description: '问题类别' }),
      description: t.arg.string({ required: false, description: 'The problem’s description; the report’s text when omitted.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_r, args, ctx) => {
      const input = { category: args.category, description: args.description ?? null };
      return ctx.services.hotline.triage(String(args.reportId), input, commandContext(ctx, args.commandId as string | undefined));
    },
  }),
);

builder.mutationField('dismissHotlineReport', (t) =>
  t.field({
    type: HotlineReportRef,
    description: 'Set a hotline report aside with a reason (office). The reporter sees only “dismissed”.',
    args: {
      reportId: t.arg.id({ required: true, description: 'The report.' }),
      reason: t.arg.string({ required: true, description: 'Why it does not become a problem.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_r, args, ctx) => {
      return ctx.services.hotline.dismiss(String(args.reportId), args.reason, commandContext(ctx, args.commandId as string | undefined));
    },
  }),
);
