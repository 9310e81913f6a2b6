import type {
  AssessmentReport,
  ExemptionRow,
  Figure,
  InspectionReport,
  InspectionRow,
  RankingRow,
} from '../../application/reports/index.js';
import { gradeLabel } from '../../domain/index.js';
import { unitRow } from './args.js';
import { builder } from './builder.js';
import { GradeEnum } from './scorecard.js';
import { UnitRef } from './unit.js';

const FigureRef = builder.objectRef<Figure>('ReportFigure').implement({
  description: 'A figure of a report: how many items, and which (台账编号), so every number drills down to the ledger.',
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'How many items.' }),
    ledgerNumbers: t.exposeStringList('ledgerNumbers', { description: 'Their ledger numbers (台账编号), in order.' }),
    problemIds: t.exposeIDList('problemIds', { description: 'Their problem ids, in the same order.' }),
  }),
});

const InspectionRowRef = builder.objectRef<InspectionRow>('InspectionRow').implement({
  description: 'One responsible unit’s line of the quarterly inspection report (or the county’s total).',
  fields: (t) => ({
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The responsible unit as the quarter ended; null for the total and for items not assigned yet.',
      resolve: (r, _a, ctx) => unitRow(ctx, r.unitId),
    }),
    unitName: t.exposeString('unitName', { description: '单位名称 (合计 for the total, 未交办 for unassigned items).' }),
    inspected: t.field({ type: FigureRef, description: '检查事项: see InspectionReport.rule.', resolve: (r) => r.inspected }),
    raised: t.field({ type: FigureRef, description: '新增: raised in the quarter.', resolve: (r) => r.raised }),
    closed: t.field({ type: FigureRef, description: '销号: closed in the quarter.', resolve: (r) => r.closed }),
    overdue: t.field({ type: FigureRef, description: '逾期: overdue as the quarter ended.', resolve: (r) => r.overdue }),
    reopened: t.field({ type: FigureRef, description: '重新打开: reopened in the quarter.', resolve: (r) => r.reopened }),
    rechecksDue: t.field({
      type: FigureRef,
      description: '回头看到期: its 回头看 fell due in the quarter.',
      resolve: (r) => r.rechecksDue,
    }),
    rechecksConfirmed: t.field({
      type: FigureRef,
      description: '回头看巩固: the 回头看 confirmed the fix holding in the quarter.',
      resolve: (r) => r.rechecksConfirmed,
    }),
    rechecksOverdue: t.field({
      type: FigureRef,
      description: '回头看逾期: due and not done as the quarter ended.',
      resolve: (r) => r.rechecksOverdue,
    }),
  }),
});

const InspectionReportRef = builder.objectRef<InspectionReport>('InspectionReport').implement({
  description: '季督查: the quarter’s inspection per responsible unit — items inspected, 回头看 outcomes, overdue and reopened items.',
  fields: (t) => ({
    quarter: t.string({ description: 'The quarter, YYYY-Qn.', resolve: (r) => r.quarter.id }),
    firstDay: t.string({ description: 'Its first day.', resolve: (r) => r.quarter.firstDay }),
    lastDay: t.string({ description: 'Its last day.', resolve: (r) => r.quarter.lastDay }),
    asOf: t.exposeString('asOf', { description: 'The instant the figures are as of: the quarter’s last moment, or now while it runs.' }),
    complete: t.exposeBoolean('complete', { description: 'The quarter is over (false: the figures are as of now).' }),
    rule: t.exposeString('rule', { description: 'Which items count as inspected, in the report’s words.' }),
    rows: t.field({ type: [InspectionRowRef], description: 'One line per unit with an item inspected.', resolve: (r) => r.rows }),
    totals: t.field({ type: InspectionRowRef, description: 'The county’s total (合计).', resolve: (r) => r.totals }),
    docx: t.string({
      description: 'Where to download the 通报 (.docx), with the same token.',
      resolve: (r) => `/reports/inspection/${r.quarter.id}.docx`,
    }),
    xlsx: t.string({ description: 'Where to download its tables (.xlsx).', resolve: (r) => `/reports/inspection/${r.quarter.id}.xlsx` }),
  }),
});

builder.queryField('inspectionReport', (t) =>
  t.field({
    type: InspectionReportRef,
    description:
      '季督查通报: the quarter’s inspection report (YYYY-Qn), as of its end or as of now while it runs. A malformed quarter is BAD_QUARTER, one not begun QUARTER_IN_FUTURE.',
    args: { quarter: t.arg.string({ required: true, description: 'The quarter, e.g. 2019-Q3.' }) },
    resolve: (_root, args, ctx) => ctx.services.reports.inspection(args.quarter),
  }),
);

const RankingRowRef = builder.objectRef<RankingRow>('AssessmentRankingRow').implement({
  description: 'One unit’s line of the annual ranking, off its frozen card.',
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: '名次' }),
    unit: t.field({ type: UnitRef, nullable: true, description: 'The assessed unit.', resolve: (r, _a, ctx) => unitRow(ctx, r.unitId) }),
    unitName: t.exposeString('unitName', { description: '单位名称' }),
    ordinaryScore: t.exposeFloat('ordinaryScore', { description: '平时' }),
    yearEndScore: t.exposeFloat('yearEndScore', { description: '集中考核' }),
    score: t.exposeFloat('score', { description: '总分' }),
    grade: t.field({ type: GradeEnum, description: '等次', resolve: (r) => r.grade }),
    gradeLabel: t.string({ description: '好 / 较好 / 一般 / 较差', resolve: (r) => gradeLabel[r.grade] }),
    veto: t.exposeBoolean('veto', { description: '一票否决' }),
  }),
});

const ExemptionRowRef = builder.objectRef<ExemptionRow>('AssessmentExemptionRow').implement({
  description: 'An exemption (容错纠错) on a frozen card.',
  fields: (t) => ({
    unitName: t.exposeString('unitName', { description: '单位名称' }),
    ledgerNumber: t.exposeString('ledgerNumber', { nullable: true, description: '台账编号 of the deduction, if about a problem.' }),
    rule: t.exposeString('rule', { description: 'The deduction’s rule, in Chinese.' }),
    points: t.exposeFloat('points', { description: 'The points the deduction took (negative).' }),
    reason: t.exposeString('reason', { description: '容错理由' }),
    approvedBy: t.exposeString('approvedBy', { description: '审批人' }),
    grantedOn: t.exposeString('grantedOn', { description: 'The county day it was granted.' }),
  }),
});

const AssessmentReportRef = builder.objectRef<AssessmentReport>('AssessmentReport').implement({
  description:
    '年度考核结果通报: a finalized year’s ranking, grades, one-vote-veto list and exemptions, every figure off the frozen cards.',
  fields: (t) => ({
    year: t.exposeInt('year', { description: 'Assessment year.' }),
    reproduced: t.exposeBoolean('reproduced', { description: 'The frozen cards recompute from the log to the frozen hash.' }),
    ranking: t.field({ type: [RankingRowRef], description: 'Every unit, ranked.', resolve: (r) => r.ranking }),
    vetoed: t.field({ type: [RankingRowRef], description: '一票否决: the units graded 较差.', resolve: (r) => r.vetoed }),
    exemptions: t.field({ type: [ExemptionRowRef], description: '容错纠错 granted on the frozen cards.', resolve: (r) => r.exemptions }),
    docx: t.string({
      description: 'Where to download the 通报 (.docx), with the same token.',
      resolve: (r) => `/reports/assessment/${r.year}.docx`,
    }),
    xlsx: t.string({ description: 'Where to download its tables (.xlsx).', resolve: (r) => `/reports/assessment/${r.year}.xlsx` }),
  }),
});

builder.queryField('assessmentReport', (t) =>
  t.field({
    type: AssessmentReportRef,
    description:
      '年度考核结果通报 of a finalized year (committee and office): NOT_FINALIZED before the committee finalizes it. Download it from the docx and xlsx addresses.',
    args: { year: t.arg.int({ required: true, description: 'The finalized assessment year, e.g. 2019.' }) },
    resolve: (_root, args, ctx) => ctx.services.reports.assessment(args.year),
  }),
);
