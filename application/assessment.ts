import { v5 as uuidv5 } from 'uuid';
import {
  AdoptPolicy,
  AssessmentCommand,
  IllegalStateError,
  NotFoundError,
  RecordInterview,
  ValidationError,
  assessmentStreamId,
  countyDay,
  interviewStreamId,
  policyStreamId,
  problemStreamId,
} from '../domain/index.js';
import { type CommandContext, type CommandResult, commandFingerprint, handleCommand } from '../eventstore/commandHandler.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import type { Trigger } from '../projections/interviewTriggers.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { cardsHash } from '../projections/scorecards/finalized.js';
import { assessmentDecider, interviewDecider, policyDecider } from '../domain/index.js';
import { parseOrThrow } from './validation.js';

const ID_NAMESPACE = '0d6a5f0e-8a0b-4b6c-9a57-2f3c1e4d5b69';

export type InterviewInput = { triggerId: string; interviewee: string; interviewer: string; heldOn?: string | null; outcome: string };
export type ExemptionInput = { unitId: string; year: number; lineId: string; reason: string; approvedBy: string };

/**
 * The committee's and the office's commands on policies, interviews and assessments. Like the
 * Ledger service, it checks what a pure decision cannot know — that the trigger or the deduction
 * exists right now, on the read models — and fills in the evidence from them before deciding.
 */
export class Assessment {
  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly readModels: ReadModels,
  ) {}

  adoptPolicy(input: { document: unknown; reason: string }, context: CommandContext) {
    const command = parseOrThrow(AdoptPolicy.schema, { type: 'AdoptPolicy', data: input });
    return handleCommand(this.store, policyStreamId, policyDecider, command, context);
  }

  /** The trigger as it stands now, resolved or not. */
  private findTrigger(triggerId: string, now: string): Trigger {
    const facts = this.readModels.live;
    const [, subject] = triggerId.split(':');
    const unitId = subject ? (facts.problems.get(subject)?.unitId ?? subject) : undefined;
    const at = { instant: now, day: countyDay(now) };
    const found = unitId
      ? this.readModels.triggers(facts, at, { unitId, includeResolved: true }).find((t) => t.id === triggerId)
      : undefined;
    if (!found) throw new NotFoundError('TRIGGER_NOT_FOUND', `There is no interview trigger ${triggerId} now.`, { field: 'triggerId' });
    return found;
  }

  /** A trigger's evidence: the events it names (deadlines, rejections, raises, assignments), read from the problems' streams. */
  async triggerEvidence(trigger: Pick<Trigger, 'problemIds' | 'eventIds'>): Promise<RecordedEvent[]> {
    const ids = new Set(trigger.eventIds);
    const streams = [...new Set(trigger.problemIds.map(problemStreamId))];
    const events = (await Promise.all(streams.map((s) => this.store.readStream(s)))).flat();
    return events.filter((e) => ids.has(e.id));
  }

  async recordInterview(input: InterviewInput, context: CommandContext) {
    const now = context.now();
    const trigger = this.findTrigger(input.triggerId, now);
    const command = parseOrThrow(RecordInterview.schema, {
      type: 'RecordInterview',
      data: {
        interviewId: uuidv5(`interview/${context.commandId}`, ID_NAMESPACE),
        triggerId: trigger.id,
        rule: trigger.rule,
        level: trigger.level,
        unitId: trigger.unitId,
        problemIds: trigger.problemIds,
        ledgerNumbers: trigger.ledgerNumbers,
        interviewee: input.interviewee,
        interviewer: input.interviewer,
        heldOn: input.heldOn ?? countyDay(now),
        outcome: input.outcome,
      },
    });
    // The trigger's figures are read now and may have moved by a retry: the command is what the caller sent.
    const fingerprint = commandFingerprint(context.actor.userId, command.type, {
      triggerId: input.triggerId,
      interviewee: input.interviewee,
      interviewer: input.interviewer,
      heldOn: input.heldOn ?? null,
      outcome: input.outcome,
    });
    const result = await handleCommand(this.store, interviewStreamId(trigger.unitId), interviewDecider, command, { ...context, now: () => now }, { fingerprint });
    return { result, trigger };
  }

  async grantExemption(input: ExemptionInput, context: CommandContext) {
    const now = context.now();
    const facts = this.readModels.live;
    const at = { instant: now, day: countyDay(now) };
    const cards = this.readModels.scorecards(facts, input.year, at, this.readModels.policy(facts, at, null));
    const card = cards.find((c) => c.unitId === input.unitId);
    const line = card?.lines.find((l) => l.id === input.lineId);
    if (!line)
      throw new NotFoundError('DEDUCTION_NOT_FOUND', `The ${input.year} card of unit ${input.unitId} has no line ${input.lineId}.`, {
        field: 'lineId',
      });
    if (line.points >= 0) throw new ValidationError('NOT_A_DEDUCTION', `Line ${line.id} gains points; only a deduction can be exempted.`, { field: 'lineId' });
    const command = parseOrThrow(AssessmentCommand, {
      type: 'GrantExemption',
      data: {
        exemptionId: uuidv5(`exemption/${context.commandId}`, ID_NAMESPACE),
        year: input.year,
        unitId: input.unitId,
        lineId: line.id,
        rule: line.rule,
        problemId: line.problemId,
        eventIds: line.eventIds,
        points: line.points,
        reason: input.reason,
        approvedBy: input.approvedBy,
      },
    });
    const { unitId, year, lineId, reason, approvedBy } = input;
    const fingerprint = commandFingerprint(context.actor.userId, command.type, { unitId, year, lineId, reason, approvedBy });
    return handleCommand(this.store, assessmentStreamId(input.year), assessmentDecider, command, { ...context, now: () => now }, { fingerprint });
  }

  /**
   * Freezes the year's cards as computed now from everything the read models have applied, under
   * the policy asked for (or the one in force). The position and the cards are taken together, in
   * one synchronous step, so they describe the same log.
   */
  async finalize(input: { year: number; policyVersion?: number | null }, context: CommandContext): Promise<CommandResult<unknown>> {
    const now = context.now();
    const facts = this.readModels.live;
    const at = { instant: now, day: countyDay(now) };
    const policy = this.readModels.policy(facts, at, input.policyVersion);
    const position = this.runner.position;
    const cards = this.readModels.scorecards(facts, input.year, at, policy);
    if (cards.length === 0) throw new IllegalStateError('NOTHING_TO_FINALIZE', `There are no ${input.year} scorecards to finalize.`);
    const command = parseOrThrow(AssessmentCommand, {
      type: 'FinalizeAssessment',
      data: {
        year: input.year,
        policyVersion: policy.version,
        asOf: now,
        position,
        cardsHash: cardsHash(cards),
        cards: cards.map((c) => ({ unitId: c.unitId, score: c.score, grade: c.grade, veto: c.veto, rank: c.rank })),
      },
    });
    // The cards are computed now and the instant is now: a retry is the same year and policy asked for.
    const fingerprint = commandFingerprint(context.actor.userId, command.type, { year: input.year, policyVersion: input.policyVersion ?? null });
    return handleCommand(this.store, assessmentStreamId(input.year), assessmentDecider, command, { ...context, now: () => now }, { fingerprint });
  }
}
