import { z } from 'zod';
import { CalendarDay, LeaderRole, type UnitLeader, inPostOn } from '../../domain/index.js';
import { parseOrThrow } from '../../application/validation.js';
import type { Interviewee } from '../../projections/interviewTriggers.js';
import { knownUnit, unitRow } from './args.js';
import { builder } from './builder.js';
import { InterviewTriggerRef } from './interviewTrigger.js';
import { LedgerEventRef } from './event.js';
import { commandContext, commandIdArg, settled } from './mutations.js';
import { ProblemCategoryEnum } from './problem.js';
import { UnitRef } from './unit.js';

/*
 * 领导班子: each unit's principal leader (主要负责人) and leaders in charge (分管领导), with their days
 * in post; the office records them, and interview triggers name the one to talk to.
 */

export const LeaderRoleEnum = builder.enumType('LeaderRole', {
  description: 'principal 主要负责人; in_charge 分管领导 (of a portfolio).',
  values: LeaderRole.options,
});

const PortfolioRef = builder.objectRef<NonNullable<UnitLeader['portfolio']>>('Portfolio').implement({
  description: '分管领域: what a leader in charge answers for.',
  fields: (t) => ({
    description: t.exposeString('description', { description: 'In words, e.g. 分管农业农村、脱贫攻坚.' }),
    categories: t.field({
      type: [ProblemCategoryEnum],
      description: 'The problem categories (问题类别) it covers: an interview about such an item names this leader.',
      resolve: (p) => p.categories,
    }),
  }),
});

export const UnitLeaderRef = builder.objectRef<UnitLeader>('UnitLeader').implement({
  description: 'A leader of a unit on record, with the days in post (from and until both included).',
  fields: (t) => ({
    id: t.exposeID('leaderId', { description: 'The record’s id; name it when the leader leaves.' }),
    role: t.field({ type: LeaderRoleEnum, description: 'principal or in_charge.', resolve: (l) => l.role }),
    name: t.exposeString('name', { description: '姓名' }),
    title: t.exposeString('title', { description: '职务' }),
    portfolio: t.field({
      type: PortfolioRef,
      nullable: true,
      description: '分管领域; none for the principal leader.',
      resolve: (l) => l.portfolio,
    }),
    from: t.exposeString('from', { description: 'First day in post (YYYY-MM-DD).' }),
    until: t.string({ nullable: true, description: 'Last day in post; null while in post.', resolve: (l) => l.until }),
  }),
});

/** A county day argument, checked (VALIDATION_FAILED naming the field otherwise). */
const DayAsked = z.object({ on: CalendarDay });

builder.objectField(UnitRef, 'leaders', (t) =>
  t.field({
    type: [UnitLeaderRef],
    description: 'Its leaders on record (领导班子), in the order appointed; with `on`, only those in post that county day.',
    args: { on: t.arg.string({ required: false, description: 'A county day, YYYY-MM-DD.' }) },
    resolve: (u, args) => {
      if (args.on == null) return [...u.leaders];
      const day = parseOrThrow(DayAsked, { on: args.on }).on;
      return u.leaders.filter((l) => inPostOn(l, day));
    },
  }),
);

const IntervieweeRef = builder.objectRef<Interviewee>('Interviewee').implement({
  description:
    '被约谈人 on the day asked about: the principal leader in post, and the leaders in charge of the items’ categories. A village’s or a work team’s trigger rolls up to its township’s leaders.',
  fields: (t) => ({
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'The unit whose leaders answer.',
      resolve: (i, _a, ctx) => unitRow(ctx, i.unitId),
    }),
    rolledUp: t.exposeBoolean('rolledUp', { description: 'True when that is the township of the trigger’s village or work team.' }),
    principal: t.field({
      type: UnitLeaderRef,
      nullable: true,
      description: '主要负责人 in post that day; null when none is on record.',
      resolve: (i) => i.principal,
    }),
    inCharge: t.field({
      type: [UnitLeaderRef],
      description: '分管领导 of the items’ categories, in post that day.',
      resolve: (i) => i.inCharge,
    }),
  }),
});

builder.objectField(InterviewTriggerRef, 'interviewee', (t) =>
  t.field({ type: IntervieweeRef, description: '被约谈人: whom to talk to, on the day asked about.', resolve: (x) => x.interviewee }),
);

const PortfolioInput = builder.inputType('PortfolioInput', {
  description: '分管领域 of a leader in charge.',
  fields: (t) => ({
    description: t.string({ required: true, description: 'In words, e.g. 分管农业农村、脱贫攻坚.' }),
    categories: t.field({ type: [ProblemCategoryEnum], required: false, description: 'The problem categories it covers.' }),
  }),
});

const LeaderPayload = builder
  .objectRef<{ unitId: string; events: Awaited<ReturnType<typeof settled>>; replayed: boolean }>('UnitLeaderPayload')
  .implement({
    description: 'The unit with its leaders after the command, and the events appended.',
    fields: (t) => ({
      unit: t.field({ type: UnitRef, description: 'The unit as it now stands.', resolve: (p, _a, ctx) => unitRow(ctx, p.unitId)! }),
      events: t.field({
        type: [LedgerEventRef],
        description: 'Appended by this command; empty when nothing changed.',
        resolve: (p) => p.events,
      }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
    }),
  });

builder.mutationField('appointUnitLeader', (t) =>
  t.field({
    type: LeaderPayload,
    description:
      'Record a leader of a unit from a day (任职, not after today): its principal leader (主要负责人; one at a time: record the predecessor’s last day first) or a leader in charge (分管领导, with a portfolio).',
    args: {
      unitId: t.arg.id({ required: true, description: 'The unit.' }),
      role: t.arg({ type: LeaderRoleEnum, required: true, description: 'principal or in_charge.' }),
      name: t.arg.string({ required: true, description: '姓名' }),
      title: t.arg.string({ required: true, description: '职务, e.g. 镇党委书记.' }),
      portfolio: t.arg({ type: PortfolioInput, required: false, description: '分管领域: required for a leader in charge.' }),
      from: t.arg.string({ required: true, description: 'First day in post, YYYY-MM-DD.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const unitId = knownUnit(ctx, args.unitId)!;
      const context = commandContext(ctx, args.commandId as string | undefined);
      const portfolio = args.portfolio ? { description: args.portfolio.description, categories: args.portfolio.categories ?? [] } : null;
      const result = await ctx.services.ledger.unitCommand(
        {
          type: 'AppointUnitLeader',
          data: {
            unitId,
            leaderId: ctx.services.ledger.leaderIdFor(context.commandId),
            role: args.role,
            name: args.name,
            title: args.title,
            portfolio,
            from: args.from,
          },
        },
        context,
      );
      return { unitId, events: await settled(ctx, result), replayed: result.replayed };
    },
  }),
);

builder.mutationField('recordUnitLeaderLeft', (t) =>
  t.field({
    type: LeaderPayload,
    description: 'Record a leader’s last day in post (离任): not after today, not before the first.',
    args: {
      unitId: t.arg.id({ required: true, description: 'The unit.' }),
      leaderId: t.arg.id({ required: true, description: 'The leader record (UnitLeader.id).' }),
      until: t.arg.string({ required: true, description: 'Last day in post, YYYY-MM-DD.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const unitId = knownUnit(ctx, args.unitId)!;
      const context = commandContext(ctx, args.commandId as string | undefined);
      const result = await ctx.services.ledger.unitCommand(
        { type: 'RecordUnitLeaderLeft', data: { unitId, leaderId: String(args.leaderId), until: args.until } },
        context,
      );
      return { unitId, events: await settled(ctx, result), replayed: result.replayed };
    },
  }),
);
