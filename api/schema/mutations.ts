import { randomUUID } from 'node:crypto';
import type { CommandContext, CommandResult, RecordedEvent } from '../../application/index.js';
import { type ProblemState, ValidationError } from '../../domain/index.js';
import { type LedgerRow, type LedgerViewState, ledgerView } from '../../projections/ledgerView.js';
import type { Context } from '../context.js';
import type { InputFieldMap } from '@pothos/core';
import { builder } from './builder.js';
import { LedgerEventRef } from './event.js';
import { ProblemCategoryEnum, ProblemRef, ProblemSourceEnum } from './problem.js';
import { problemMutation } from './problemActions.js';
import { ProblemLinkKindEnum } from './similarProblems.js';
import { UnitKindEnum, UnitRef } from './unit.js';

type Payload<T> = { subject: T; events: RecordedEvent[]; replayed: boolean };

export const ProblemPayload = builder.objectRef<Payload<LedgerRow> & { warnings: string[] }>('ProblemPayload').implement({
  description: 'The problem after the command, and the events the command appended.',
  fields: (t) => ({
    problem: t.field({ type: ProblemRef, description: 'The problem as it now stands.', resolve: (p) => p.subject }),
    events: t.field({
      type: [LedgerEventRef],
      description: 'Appended by this command; empty when nothing changed.',
      resolve: (p) => p.events,
    }),
    replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before and nothing new was appended.' }),
    warnings: t.exposeStringList('warnings', {
      description:
        'What the caller should know although the command went through: e.g. a deadline in working days counted partly outside the years the county calendar covers (there, Monday to Friday).',
    }),
  }),
});

type UnitRow = Payload<LedgerViewState['units'] extends Map<string, infer U> ? U : never>;
const UnitPayload = builder.objectRef<UnitRow>('UnitPayload').implement({
  description: 'The unit after the command, and the events the command appended.',
  fields: (t) => ({
    unit: t.field({ type: UnitRef, description: 'The unit as it now stands.', resolve: (p) => p.subject }),
    events: t.field({ type: [LedgerEventRef], description: 'Appended by this command.', resolve: (p) => p.events }),
    replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
  }),
});

/**
 * Half of a surrogate pair, which JSON lets through (`"\ud800"`): ids follow from the command id by its UTF-8 bytes
 * (eventstore/commandHandler.ts `eventIdFor`), where such a half becomes U+FFFD, so two different ids would name one
 * command. Refused as the caller's mistake.
 */
const BROKEN_CHARACTER = /\p{Cs}/u;

/**
 * The command's context: the actor the authorization layer (api/authz.ts) derived from the token,
 * and the request's id as the correlation id, so a request's events are found from its log line; the
 * positions its commands reach are credited to the request (`X-Log-Position`).
 */
export function commandContext(ctx: Context, commandId: string | null | undefined): CommandContext {
  if (!ctx.actor) throw new Error('A mutation ran without the authorization layer setting its actor');
  if (commandId != null && BROKEN_CHARACTER.test(commandId)) {
    const message = 'holds a broken character (half of a UTF-16 surrogate pair): send an id of whole characters, such as a UUID';
    throw new ValidationError('VALIDATION_FAILED', `commandId ${message}`, { issues: [{ field: 'commandId', message }] });
  }
  return {
    actor: ctx.actor,
    commandId: commandId ?? randomUUID(),
    correlationId: ctx.requestId,
    now: ctx.services.clock,
    reached: ctx.reached,
  };
}

/** Read-your-writes: the mutation answers once the read models have applied its events. */
export async function settled<S>(ctx: Context, result: CommandResult<S>): Promise<RecordedEvent[]> {
  const last = result.events.at(-1);
  if (last) await ctx.services.runner.waitFor(last.position);
  return result.events;
}

export async function problemPayload(
  ctx: Context,
  problemId: string,
  result: CommandResult<unknown> & { warnings?: string[] },
): Promise<Payload<LedgerRow> & { warnings: string[] }> {
  const events = await settled(ctx, result);
  const row = ctx.services.runner.state(ledgerView).problems.get(problemId);
  if (!row) throw new Error(`Problem ${problemId} is not in the ledger view`);
  return { subject: row, events: result.replayed ? result.events : events, replayed: result.replayed, warnings: result.warnings ?? [] };
}

export const commandIdArg = (t: { arg: { id: (o: { required: false; description: string }) => unknown } }) =>
  t.arg.id({
    required: false,
    description: 'Your id for this command. Send the same id again when retrying: you get the same result and nothing is appended twice.',
  });

export const EvidenceFileInput = builder.inputType('EvidenceFileInput', {
  description: 'A file already uploaded, referenced by the SHA-256 of its content.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'File name.' }),
    sha256: t.string({ required: true, description: 'SHA-256 hex digest of the content.' }),
    size: t.int({ required: true, description: 'Size in bytes.' }),
    contentType: t.string({ required: false, description: 'MIME type.' }),
  }),
});
export const EvidenceInput = builder.inputType('EvidenceInput', {
  description: '整改佐证: what was done, with optional files.',
  fields: (t) => ({
    description: t.string({ required: true, description: 'What was done to fix the problem.' }),
    files: t.field({ type: [EvidenceFileInput], required: false, description: 'Files backing the description.' }),
  }),
});

builder.mutationField('registerUnit', (t) =>
  t.field({
    type: UnitPayload,
    description: 'Register a unit (county, township, village, department, assisting unit, work team).',
    args: {
      name: t.arg.string({ required: true, description: '单位名称' }),
      kind: t.arg({ type: UnitKindEnum, required: true, description: 'Kind of unit.' }),
      parentUnitId: t.arg.id({ required: false, description: 'The unit it belongs to.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const context = commandContext(ctx, args.commandId as string | undefined);
      const unitId = ctx.services.ledger.unitIdFor(context.commandId);
      const result = await ctx.services.ledger.unitCommand(
        { type: 'RegisterUnit', data: { unitId, name: args.name, kind: args.kind, parentUnitId: args.parentUnitId ?? null } },
        context,
      );
      const events = await settled(ctx, result);
      const unit = ctx.services.runner.state(ledgerView).units.get(unitId);
      if (!unit) throw new Error(`Unit ${unitId} is not in the ledger view`);
      return { subject: unit, events, replayed: result.replayed };
    },
  }),
);

builder.mutationField('raiseProblem', (t) =>
  t.field({
    type: ProblemPayload,
    description:
      'Raise a problem (问题交办): it gets the next ledger number of its source and of the year of its raise day (交办日期). ' +
      'An item of a registered source document names the document and its 原编号: the pair is raised once (SOURCE_ITEM_ALREADY_RAISED). ' +
      'Naming the responsible unit assigns it at once; with fixedOnTheSpot (立行立改) it lands reported fixed, awaiting verification.',
    args: {
      source: t.arg({
        type: ProblemSourceEnum,
        required: true,
        description: '问题来源 (自查上报 only by a unit head, for their own unit: selfReportProblem).',
      }),
      category: t.arg({ type: ProblemCategoryEnum, required: true, description: '问题类别' }),
      description: t.arg.string({ required: true, description: '问题描述 (at most 5000 characters).' }),
      recurrenceOf: t.arg.id({ required: false, description: 'An earlier problem of the same kind this one repeats.' }),
      raisedOn: t.arg.string({
        required: false,
        description: '交办日期 (YYYY-MM-DD): today when omitted; may be past, never future nor before the source document’s date.',
      }),
      sourceDocumentId: t.arg.id({ required: false, description: '来源文件: a registered source document listing this item.' }),
      originalNumber: t.arg.string({ required: false, description: '原编号: the item’s number in its source document.' }),
      responsibleUnitId: t.arg.id({ required: false, description: '责任单位, to assign at once (with responsiblePerson).' }),
      responsiblePerson: t.arg.string({ required: false, description: '责任人, with responsibleUnitId.' }),
      leadingOfficial: t.arg.string({ required: false, description: '牵头领导, if one is named.' }),
      fixedOnTheSpot: t.arg({
        type: EvidenceInput,
        required: false,
        description:
          '立行立改: the evidence of the fix made on the spot (needs the responsible unit); another unit still verifies it before 销号.',
      }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const context = commandContext(ctx, args.commandId as string | undefined);
      const unitId = args.responsibleUnitId ? String(args.responsibleUnitId) : null;
      if ((unitId === null) !== !args.responsiblePerson || (args.fixedOnTheSpot && unitId === null)) {
        const field = unitId === null ? 'responsibleUnitId' : 'responsiblePerson';
        const message = args.fixedOnTheSpot
          ? 'A problem fixed on the spot (立行立改) names the unit that fixed it and its responsible person.'
          : 'Name both the responsible unit and its responsible person, or neither.';
        throw new ValidationError('VALIDATION_FAILED', message, { field, issues: [{ field, message }] });
      }
      const result = await ctx.services.ledger.raiseProblem(
        {
          source: args.source,
          category: args.category,
          description: args.description,
          recurrenceOf: args.recurrenceOf ? String(args.recurrenceOf) : null,
          raisedOn: args.raisedOn ?? null,
          sourceDocumentId: args.sourceDocumentId ? String(args.sourceDocumentId) : null,
          originalNumber: args.originalNumber ?? null,
          assignment:
            unitId === null
              ? null
              : {
                  responsibleUnitId: unitId,
                  responsiblePerson: args.responsiblePerson ?? '',
                  leadingOfficial: args.leadingOfficial ?? null,
                  evidence: args.fixedOnTheSpot
                    ? { description: args.fixedOnTheSpot.description, files: args.fixedOnTheSpot.files ?? [] }
                    : null,
                },
        },
        context,
      );
      return problemPayload(ctx, raisedProblemId(result, ctx.services.ledger.problemIdFor(context.commandId)), result);
    },
  }),
);

/** The problem a raise answers with: its own (an item of a source document has an id of its own, not the command's). */
export function raisedProblemId(result: CommandResult<ProblemState>, fallback: string): string {
  return result.state.status === 'not_raised' ? fallback : result.state.problemId;
}

/**
 * Every other problem command: its type (its mutation's name is in problemActions.ts), its description,
 * its arguments and how they become command data. `fromActor` adds data that comes from the signed-in
 * user, never from the request.
 */
export function problemCommand<A extends InputFieldMap>(
  type: keyof typeof problemMutation,
  description: string,
  args: (t: Parameters<Parameters<typeof builder.mutationField>[1]>[0]) => A,
  fromActor: (actor: NonNullable<Context['actor']>) => Record<string, unknown> = () => ({}),
) {
  builder.mutationField(
    problemMutation[type],
    (t) =>
      t.field({
        type: ProblemPayload,
        description,
        args: {
          problemId: t.arg.id({ required: true, description: 'The problem.' }),
          commandId: commandIdArg(t) as never,
          ...args(t),
        },
        resolve: async (_root, rawArgs, ctx) => {
          const { commandId, problemId, ...data } = rawArgs as Record<string, unknown>;
          const context = commandContext(ctx, commandId as string | undefined);
          const result = await ctx.services.ledger.problemCommand(
            { type, data: { problemId: String(problemId), ...data, ...fromActor(context.actor) } },
            context,
          );
          return problemPayload(ctx, String(problemId), result);
        },
      }) as never,
  );
}

problemCommand('AssignProblem', 'Assign the problem to its responsible unit (责任单位) and person (责任人).', (t) => ({
  responsibleUnitId: t.arg.id({ required: true, description: 'The responsible unit.' }),
  responsiblePerson: t.arg.string({ required: true, description: '责任人' }),
  leadingOfficial: t.arg.string({ required: false, description: '牵头领导' }),
  coResponsibleUnitIds: t.arg.idList({
    required: false,
    description: '配合单位: the co-responsible units beside the lead unit (responsibleUnitId, 牵头单位); none when left out.',
  }),
}));
problemCommand('AcknowledgeAssignment', 'The responsible unit takes the problem on (签收).', (t) => ({
  acknowledgedBy: t.arg.string({ required: true, description: 'Who acknowledged it.' }),
}));
const workingDaysArg = (t: Parameters<Parameters<typeof builder.mutationField>[1]>[0]) =>
  t.arg.int({
    required: false,
    description:
      'Instead of deadline: a number of working days (工作日, 1–365) from today, counted on the county calendar in force; the event records the day it comes to and this number.',
  });
problemCommand(
  'SetDeadline',
  'Set the deadline (整改时限), a county calendar day, not before the raise day: give either deadline or workingDays.',
  (t) => ({
    deadline: t.arg.string({ required: false, description: 'YYYY-MM-DD (or give workingDays).' }),
    workingDays: workingDaysArg(t),
  }),
);
problemCommand('ExtendDeadline', 'Extend the deadline (延期) to a later day, with a reason: give either deadline or workingDays.', (t) => ({
  deadline: t.arg.string({ required: false, description: 'The new deadline, YYYY-MM-DD (or give workingDays).' }),
  workingDays: workingDaysArg(t),
  reason: t.arg.string({ required: true, description: 'Why it needs more time.' }),
}));
problemCommand('SubmitPlan', 'Submit the rectification plan (整改方案 / 整改措施).', (t) => ({
  measures: t.arg.string({ required: true, description: 'The measures that will fix it.' }),
}));
/** The reporting unit is the signed-in unit head's own, from the token. */
const reportingUnit = (actor: NonNullable<Context['actor']>) => ({ reportedByUnitId: actor.unitId });
problemCommand(
  'ReportProgress',
  'Report progress (整改进展): by the lead unit, or by a co-responsible unit (配合单位) on its part.',
  (t) => ({
    progress: t.arg.string({ required: true, description: 'What has been done so far.' }),
    percentComplete: t.arg.int({ required: false, description: '0–100' }),
  }),
  reportingUnit,
);
problemCommand(
  'ReportRectified',
  'Report the problem fixed, with evidence, and ask for verification: by the lead unit (牵头单位) only.',
  (t) => ({ evidence: t.arg({ type: EvidenceInput, required: true, description: '整改佐证' }) }),
  reportingUnit,
);
/** The verifying unit is the signed-in verifier's own unit, from the token. */
const verifierUnit = (actor: NonNullable<Context['actor']>) => ({ verifierUnitId: actor.unitId });
problemCommand(
  'PassVerification',
  'Accept the fix (验收通过), as a verifier. The verifying unit is yours, and may not be the responsible unit.',
  (t) => ({ opinion: t.arg.string({ required: true, description: '验收意见' }) }),
  verifierUnit,
);
problemCommand(
  'RejectVerification',
  'Reject the fix (验收不通过), as a verifier: back to rectification with the reasons.',
  (t) => ({ reasons: t.arg.string({ required: true, description: 'Why it is not fixed.' }) }),
  verifierUnit,
);
problemCommand('CloseProblem', 'Close the problem and cancel its ledger number (销号); needs a passed verification.', () => ({}));
problemCommand('ReopenProblem', 'Reopen a closed problem a later check found back (巩固 failed).', (t) => ({
  reason: t.arg.string({ required: true, description: 'What the later check found.' }),
}));
problemCommand('OrderSupervision', 'Order the unit to finish (督办) by a day (办结时限); the unit must reply.', (t) => ({
  instruction: t.arg.string({ required: true, description: '督办意见' }),
  finishBy: t.arg.string({ required: true, description: '办结时限: YYYY-MM-DD, not before today (county calendar).' }),
  triggerId: t.arg.string({ required: false, description: 'The interview trigger this order answers, if any.' }),
}));
problemCommand(
  'ReplyToSupervision',
  'Answer the open supervision order (督办回复), as the responsible unit: what was done, with files uploaded to /files.',
  (t) => ({
    reply: t.arg.string({ required: true, description: 'What was done; kept exactly as sent.' }),
    files: t.arg({ type: [EvidenceFileInput], required: false, description: 'Files backing the reply.' }),
  }),
  (actor) => ({ repliedByUnitId: actor.unitId }),
);
problemCommand(
  'ConfirmConsolidation',
  'Record the 回头看 of a closed problem: the fix holds (巩固). By the office, or a verifier of another unit.',
  (t) => ({ opinion: t.arg.string({ required: true, description: '回头看意见' }) }),
  (actor) => ({ checkedByUnitId: actor.role === 'verifier' ? actor.unitId : null }),
);
problemCommand(
  'LinkProblem',
  'Link the problem to an earlier one (of any unit, raised on or before it): as its recurrence (复发, 同类问题第二次; at most one, counted on the scorecards as the policy says) or as related (相关). Shown on both problems.',
  (t) => ({
    earlierProblemId: t.arg.id({ required: true, description: 'The earlier problem.' }),
    kind: t.arg({ type: ProblemLinkKindEnum, required: true, description: 'recurrence (复发) or related (相关).' }),
  }),
);
problemCommand(
  'PostInstruction',
  'Post an instruction (批示) on the item, as the office, with files uploaded to /files; replyTo follows up an earlier comment.',
  (t) => ({
    text: t.arg.string({ required: true, description: 'The instruction; kept exactly as sent.' }),
    files: t.arg({ type: [EvidenceFileInput], required: false, description: 'Files with it.' }),
    replyTo: t.arg.int({ required: false, description: 'The number of the comment it follows up.' }),
  }),
);
problemCommand(
  'AnswerInstruction',
  'Answer an instruction (回复), as the head of the responsible unit, with files uploaded to /files: the one numbered replyTo, or the latest.',
  (t) => ({
    text: t.arg.string({ required: true, description: 'The answer; kept exactly as sent.' }),
    files: t.arg({ type: [EvidenceFileInput], required: false, description: 'Files backing it.' }),
    replyTo: t.arg.int({ required: false, description: 'The number of the instruction answered; the latest when omitted.' }),
  }),
  (actor) => ({ answeredByUnitId: actor.unitId }),
);
