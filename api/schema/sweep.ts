import { SweepAnswerKind, categoryLabel, countyDay } from '../../domain/index.js';
import { ledgerView } from '../../projections/ledgerView.js';
import {
  type SweepAnswerFacts,
  type SweepFacts,
  isSweepOverdueFor,
  overdueSweepsByUnit,
  type UnitOverdueSweeps,
} from '../../projections/sweeps.js';
import { permits } from '../authz.js';
import type { Context } from '../context.js';
import { knownUnit, unitRow } from './args.js';
import { BattleMapRef } from './battleMap.js';
import { builder } from './builder.js';
import { commandContext, commandIdArg } from './mutations.js';
import { ProblemCategoryEnum, ProblemRef } from './problem.js';
import { UnitRef } from './unit.js';

/**
 * 举一反三排查: sweeps ordered from one problem, the units' answers, and where they show beside the
 * problems (the item page, the wall, a unit head's queue). Reads the live facts (projections/sweeps.ts).
 */
export const SweepAnswerKindEnum = builder.enumType('SweepAnswerKind', {
  description: 'found (发现同类问题: raises a self-report problem in the unit) or none (未发现: a statement the unit head signs).',
  values: SweepAnswerKind.options,
});

const today = (ctx: Context) => countyDay(ctx.services.clock());
const problemRow = (ctx: Context, problemId: string | null) =>
  problemId ? (ctx.services.runner.state(ledgerView).problems.get(problemId) ?? null) : null;

type Answer = SweepAnswerFacts & { answerBy: string };
const SweepAnswerRef = builder.objectRef<Answer>('SweepAnswer').implement({
  description: 'One unit’s answer to a sweep (排查反馈), given once.',
  fields: (t) => ({
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The unit that answered.',
      resolve: (a, _x, ctx) => unitRow(ctx, a.unitId),
    }),
    answer: t.field({ type: SweepAnswerKindEnum, description: 'found or none.', resolve: (a) => a.answer }),
    text: t.exposeString('text', { description: 'found: what was found (the problem’s description); none: the statement.' }),
    signedBy: t.exposeString('signedBy', { description: '单位负责人: who signed it.' }),
    answeredOn: t.exposeString('answeredOn', { description: 'The county day it was given.' }),
    answeredAt: t.exposeString('occurredAt', { description: 'When it was recorded (ISO-8601).' }),
    late: t.boolean({ description: 'Given after the answer-by day.', resolve: (a) => a.answeredOn > a.answerBy }),
    problem: t.field({
      type: ProblemRef,
      nullable: true,
      description: 'The self-report problem a found answer raised.',
      resolve: (a, _x, ctx) => problemRow(ctx, a.problemId),
    }),
  }),
});

type AskedUnit = { sweep: SweepFacts; unitId: string };
const SweepUnitRef = builder.objectRef<AskedUnit>('SweepUnit').implement({
  description: 'A unit the sweep asked, with its answer once given.',
  fields: (t) => ({
    unit: t.field({ type: UnitRef, nullable: true, description: 'The unit.', resolve: (u, _a, ctx) => unitRow(ctx, u.unitId) }),
    answer: t.field({
      type: SweepAnswerRef,
      nullable: true,
      description: 'Its answer; null while it has not answered.',
      resolve: (u) => {
        const a = u.sweep.answers.get(u.unitId);
        return a ? { ...a, answerBy: u.sweep.answerBy } : null;
      },
    }),
    overdue: t.boolean({
      description: 'Open, past the answer-by day (county calendar) and not answered.',
      resolve: (u, _a, ctx) => isSweepOverdueFor(u.sweep, u.unitId, today(ctx)),
    }),
  }),
});

export const SweepRef = builder.objectRef<SweepFacts>('Sweep').implement({
  description: '举一反三排查: the office asked these units to check themselves for the kind of problem the origin is, by a day.',
  fields: (t) => ({
    id: t.exposeID('sweepId', { description: 'Stable id of the sweep.' }),
    originProblem: t.field({
      type: ProblemRef,
      nullable: true,
      description: 'The problem the sweep starts from.',
      resolve: (s, _a, ctx) => problemRow(ctx, s.originProblemId),
    }),
    originLedgerNumber: t.exposeString('originLedgerNumber', { description: 'Its ledger number.' }),
    category: t.field({ type: ProblemCategoryEnum, description: 'The kind of problem looked for.', resolve: (s) => s.category }),
    categoryLabel: t.string({ description: 'That kind in Chinese.', resolve: (s) => categoryLabel[s.category] }),
    instruction: t.exposeString('instruction', { description: '排查要求: what the units are asked to check.' }),
    answerBy: t.exposeString('answerBy', { description: '反馈时限: the county day by which each unit answers.' }),
    orderedOn: t.exposeString('orderedOn', { description: 'The county day it was ordered.' }),
    orderedBy: t.exposeString('orderedBy', { description: 'Who ordered it.' }),
    closed: t.boolean({ description: 'Closed by the office: no more answers are taken.', resolve: (s) => s.closedOn !== null }),
    closedOn: t.string({ nullable: true, description: 'The county day it was closed.', resolve: (s) => s.closedOn }),
    closedReason: t.string({ nullable: true, description: 'Why, if the office said.', resolve: (s) => s.closedReason }),
    units: t.field({
      type: [SweepUnitRef],
      description: 'Every unit asked, in the order chosen, with its answer.',
      resolve: (s) => s.unitIds.map((unitId) => ({ sweep: s, unitId })),
    }),
    answers: t.field({
      type: [SweepAnswerRef],
      description: 'The answers, in the order they came.',
      resolve: (s) => [...s.answers.values()].map((a) => ({ ...a, answerBy: s.answerBy })),
    }),
    answeredCount: t.int({ description: 'How many units answered.', resolve: (s) => s.answers.size }),
    foundCount: t.int({
      description: 'How many answered found.',
      resolve: (s) => [...s.answers.values()].filter((a) => a.answer === 'found').length,
    }),
    overdueCount: t.int({
      description: 'How many asked units are overdue today (open, past the answer-by day, not answered).',
      resolve: (s, _a, ctx) => s.unitIds.filter((u) => isSweepOverdueFor(s, u, today(ctx))).length,
    }),
    canAnswer: t.boolean({
      description: 'The signed-in user may answer it now: a unit head whose unit it asked and who has not answered.',
      resolve: (s, _a, ctx) =>
        ctx.auth.kind === 'signed_in' &&
        permits('Mutation.answerSweep', ctx.auth.user, null) &&
        s.closedOn === null &&
        ctx.auth.user.unitId !== null &&
        s.unitIds.includes(ctx.auth.user.unitId) &&
        !s.answers.has(ctx.auth.user.unitId),
    }),
    canClose: t.boolean({
      description: 'The signed-in user may close it now.',
      resolve: (s, _a, ctx) => ctx.auth.kind === 'signed_in' && permits('Mutation.closeSweep', ctx.auth.user, null) && s.closedOn === null,
    }),
  }),
});

const SweepStatusEnum = builder.enumType('SweepStatus', {
  description: 'open (answers are taken) or closed (by the office).',
  values: ['open', 'closed'] as const,
});

builder.queryField('sweeps', (t) =>
  t.field({
    type: [SweepRef],
    description: 'The sweeps (举一反三排查), newest first: all, open or closed, or those that asked one unit.',
    args: {
      status: t.arg({ type: SweepStatusEnum, required: false, description: 'Only open or only closed sweeps.' }),
      unitId: t.arg.id({ required: false, description: 'Only sweeps that asked this unit.' }),
    },
    resolve: (_r, args, ctx) => ctx.services.sweeps.list({ status: args.status ?? null, unitId: knownUnit(ctx, args.unitId) }),
  }),
);

builder.queryField('sweep', (t) =>
  t.field({
    type: SweepRef,
    nullable: true,
    description: 'One sweep with its units and answers.',
    args: { id: t.arg.id({ required: true, description: 'The sweep’s id.' }) },
    resolve: (_r, args, ctx) => ctx.services.sweeps.get(String(args.id)),
  }),
);

builder.queryField('pendingSweeps', (t) =>
  t.field({
    type: [SweepRef],
    description:
      'A unit’s pending sweeps (待反馈): open, asking it, not answered by it; earliest answer-by day first. Your own unit when omitted.',
    args: { unitId: t.arg.id({ required: false, description: 'The unit; the signed-in user’s own when omitted.' }) },
    resolve: (_r, args, ctx) => {
      const unitId = knownUnit(ctx, args.unitId) ?? (ctx.auth.kind === 'signed_in' ? ctx.auth.user.unitId : null);
      return unitId ? ctx.services.sweeps.pendingFor(unitId) : [];
    },
  }),
);

builder.objectFields(ProblemRef, (t) => ({
  sweeps: t.field({
    type: [SweepRef],
    description: 'The sweeps (举一反三排查) ordered from this problem, oldest first.',
    resolve: (r, _a, ctx) => ctx.services.sweeps.orderedFrom(r.state.problemId),
  }),
  raisedBySweep: t.field({
    type: SweepRef,
    nullable: true,
    description: 'The sweep whose found answer raised this self-report problem, if any.',
    resolve: (r, _a, ctx) => ctx.services.sweeps.raisedBy(r.state.problemId),
  }),
  canOrderSweep: t.boolean({
    description: 'The signed-in user may order a sweep from this problem (the office).',
    resolve: (_r, _a, ctx) => ctx.auth.kind === 'signed_in' && permits('Mutation.orderSweep', ctx.auth.user, null),
  }),
}));

const UnitOverdueSweepsRef = builder.objectRef<UnitOverdueSweeps>('UnitOverdueSweeps').implement({
  description: 'One unit’s sweeps past their answer-by day without its answer: a count on the wall that opens to them.',
  fields: (t) => ({
    unit: t.field({ type: UnitRef, nullable: true, description: 'The unit.', resolve: (u, _a, ctx) => unitRow(ctx, u.unitId) }),
    count: t.int({ description: 'How many.', resolve: (u) => u.sweeps.length }),
    sweeps: t.field({ type: [SweepRef], description: 'The sweeps, earliest answer-by day first.', resolve: (u) => u.sweeps }),
  }),
});

builder.objectFields(BattleMapRef, (t) => ({
  overdueSweeps: t.field({
    type: [UnitOverdueSweepsRef],
    description:
      'Per unit (of the map’s unit, or all), the open sweeps (举一反三排查) past their answer-by day it has not answered, on the map’s day.',
    resolve: async (m, _a, ctx) => overdueSweepsByUnit((await ctx.services.readModels.factsAsOf(m.asOf)).sweeps.values(), m.day, m.unitId),
  }),
}));

const SweepAnswerPayloadRef = builder.objectRef<{ sweep: SweepFacts; problemId: string | null }>('SweepAnswerPayload').implement({
  description: 'The sweep after the answer, and the self-report problem a found answer raised.',
  fields: (t) => ({
    sweep: t.field({ type: SweepRef, description: 'The sweep as it now stands.', resolve: (p) => p.sweep }),
    problem: t.field({
      type: ProblemRef,
      nullable: true,
      description: 'The problem raised (found); null for none.',
      resolve: (p, _a, ctx) => problemRow(ctx, p.problemId),
    }),
  }),
});

builder.mutationField('orderSweep', (t) =>
  t.field({
    type: SweepRef,
    description:
      'Order a sweep (举一反三排查) from a problem (office): the units must answer by a day whether they have the same kind of problem.',
    args: {
      originProblemId: t.arg.id({ required: true, description: 'The problem it starts from.' }),
      unitIds: t.arg.idList({
        required: false,
        description: 'The units asked; every township but the origin’s own responsible unit when omitted.',
      }),
      answerBy: t.arg.string({ required: true, description: '反馈时限: a county day, YYYY-MM-DD, not before today.' }),
      instruction: t.arg.string({ required: true, description: '排查要求: what to check (at most 2000 characters).' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: (_r, args, ctx) =>
      ctx.services.sweeps.order(
        {
          originProblemId: String(args.originProblemId),
          unitIds: args.unitIds ? args.unitIds.map(String) : null,
          answerBy: args.answerBy,
          instruction: args.instruction,
        },
        commandContext(ctx, args.commandId as string | undefined),
      ),
  }),
);

builder.mutationField('answerSweep', (t) =>
  t.field({
    type: SweepAnswerPayloadRef,
    description:
      'Answer a sweep for your own unit (unit head), once: found raises a self-report problem (县自查) assigned to your unit; none is your signed statement.',
    args: {
      sweepId: t.arg.id({ required: true, description: 'The sweep.' }),
      answer: t.arg({ type: SweepAnswerKindEnum, required: true, description: 'found or none.' }),
      text: t.arg.string({ required: true, description: 'found: what was found; none: the statement (at most 5000 characters).' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: (_r, args, ctx) =>
      ctx.services.sweeps.answer(
        String(args.sweepId),
        { answer: args.answer, text: args.text },
        commandContext(ctx, args.commandId as string | undefined),
      ),
  }),
);

builder.mutationField('closeSweep', (t) =>
  t.field({
    type: SweepRef,
    description: 'Close a sweep (office): no more answers are taken, and units that did not answer are no longer chased.',
    args: {
      sweepId: t.arg.id({ required: true, description: 'The sweep.' }),
      reason: t.arg.string({ required: false, description: 'Why (optional).' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: (_r, args, ctx) =>
      ctx.services.sweeps.close(String(args.sweepId), args.reason ?? null, commandContext(ctx, args.commandId as string | undefined)),
  }),
);
