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
  defaultPolicy,
  type Distinction,
  interviewStreamId,
  policyStreamId,
  problemStreamId,
} from '../domain/index.js';
import { type CommandContext, commandFingerprint, handleCommand } from '../eventstore/commandHandler.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import type { Trigger, TriggerFilter } from '../projections/interviewTriggers.js';
import { policyInForce, policyVersion } from '../projections/policyInForce.js';
import type { FinalizationFacts, PolicyVersion } from '../projections/problemFacts.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { ScoreLine, Scorecard } from '../projections/scorecards/card.js';
import { type CardDifference, cardDifference } from '../projections/scorecards/difference.js';
import { cardsHash } from '../projections/scorecards/finalized.js';
import { assessmentDecider, interviewDecider, policyDecider } from '../domain/index.js';
import { checkYear, parseOrThrow } from './validation.js';

const ID_NAMESPACE = '0d6a5f0e-8a0b-4b6c-9a57-2f3c1e4d5b69';

export type InterviewInput = { triggerId: string; interviewee: string; interviewer: string; heldOn?: string | null; outcome: string };
export type ExemptionInput = {
  unitId: string;
  year: number;
  lineId: string;
  reason: string;
  approvedBy: string;
  /** Which of the three distinctions (三个区分开来) the committee grants it under; it may leave it unsaid. */
  distinction?: Distinction | null;
};

/** A policy version (考核办法) as listed: the default (version 0) has no adoption to tell of. */
export type PolicyRow = Pick<PolicyVersion, 'version' | 'document'> & Partial<Omit<PolicyVersion, 'version' | 'document'>>;

/** A card as served: computed now (or as of an instant), or frozen by a finalization (考核定档). */
export type CardView = { card: Scorecard; frozen: boolean; finalization: FinalizationFacts | null; reproduced: boolean | null };

/**
 * The committee's and the office's commands on policies, interviews and assessments. Like the
 * Ledger service, it checks what a pure decision cannot know — that the trigger or the deduction
 * exists right now, on the read models — and fills in the evidence from them before deciding.
 */
/** What an exemption, or an application for one, records of its deduction: the line as the card gave it. */
export const deductionFields = (line: ScoreLine) => ({
  lineId: line.id,
  rule: line.rule,
  problemId: line.problemId,
  eventIds: line.eventIds,
  points: line.points,
});

export class Assessment {
  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly readModels: ReadModels,
    private readonly clock: () => string,
  ) {}

  /** Interview triggers (约谈) as of an instant (now when not given), 约谈 first. */
  async triggers(asOf: string | undefined, filter: TriggerFilter): Promise<Trigger[]> {
    const { facts, at } = await this.readModels.at(asOf, this.clock());
    return this.readModels.triggers(facts, at, filter);
  }

  /**
   * The year's cards as asked, ranked: the frozen ones when the year was finalized by `asOf` (now
   * when not given) and no other policy is asked for; else computed under `policyVersion` (the one
   * in force at the instant when not given). `asOf` is by business dates (migrated facts on their
   * days); `knownOn` keeps only what was recorded by then (readModels.at).
   */
  async cards(year: number, asOf?: string, policyVersion?: number | null, knownOn?: string): Promise<CardView[]> {
    checkYear(year);
    const { facts, at } = await this.readModels.at(asOf, this.clock(), knownOn ?? null);
    const finalization = facts.finalizations.get(year);
    if (finalization && (policyVersion == null || policyVersion === finalization.policyVersion)) {
      const frozen = await this.readModels.frozenCards(year, facts);
      if (frozen) return frozen.cards.map((card) => ({ card, frozen: true, finalization, reproduced: frozen.reproduced }));
    }
    const policy = this.readModels.policy(facts, at, policyVersion);
    return this.readModels
      .scorecards(facts, year, at, policy)
      .map((card) => ({ card, frozen: false, finalization: null, reproduced: null }));
  }

  /** One unit's card, as `cards` gives it. */
  async card(unitId: string, year: number, asOf?: string, policyVersion?: number | null, knownOn?: string): Promise<CardView | null> {
    return (await this.cards(year, asOf, policyVersion, knownOn)).find((v) => v.card.unitId === unitId) ?? null;
  }

  /** The unit's card computed now, with every event so far and the policy in force. */
  async currentCard(unitId: string, year: number): Promise<CardView | null> {
    const { facts, at } = await this.readModels.at(undefined, this.clock());
    const card = this.readModels.scorecards(facts, year, at, this.readModels.policy(facts, at, null)).find((c) => c.unitId === unitId);
    return card ? { card, frozen: false, finalization: null, reproduced: null } : null;
  }

  /** The unit's finalized card; null while the year is not finalized. */
  async frozenCard(unitId: string, year: number): Promise<CardView | null> {
    const finalization = this.finalization(year);
    const frozen = await this.readModels.frozenCards(year);
    const card = frozen?.cards.find((c) => c.unitId === unitId);
    return card && frozen && finalization ? { card, frozen: true, finalization, reproduced: frozen.reproduced } : null;
  }

  /** The frozen card against the card computed now, whichever of the two is given; null when the year is not finalized. */
  async cardDifference(view: CardView): Promise<CardDifference | null> {
    const { unitId, year } = view.card;
    if (view.frozen) {
      const now = await this.currentCard(unitId, year);
      return now ? cardDifference(view.card, now.card) : null;
    }
    const frozen = await this.frozenCard(unitId, year);
    return frozen ? cardDifference(frozen.card, view.card) : null;
  }

  /** The year's finalization (考核定档), if it was finalized. */
  finalization(year: number): FinalizationFacts | null {
    return this.readModels.live.finalizations.get(year) ?? null;
  }

  /** Exemptions and the finalization are taken until the year is finalized. */
  isOpen(year: number): boolean {
    return !this.readModels.live.finalizations.has(year);
  }

  /** Adopts a policy version, in force from now; answers with the version then in force. */
  async adoptPolicy(input: { document: unknown; reason: string }, context: CommandContext) {
    const command = parseOrThrow(AdoptPolicy.schema, { type: 'AdoptPolicy', data: input });
    const result = await handleCommand(this.store, policyStreamId, policyDecider, command, context);
    await this.runner.waitForEvents(result.events);
    return { result, policy: this.policy(result.state.version) };
  }

  /** One policy version (0 is the built-in default), or the one in force at an instant (now when neither is given). */
  policy(version: number | null | undefined, asOf?: string): PolicyRow {
    const facts = this.readModels.live;
    return version != null ? policyVersion(facts, version, asOf, 'version') : policyInForce(facts, asOf ?? this.clock());
  }

  /** Every policy version, the default (0) first. */
  policies(): PolicyRow[] {
    return [{ version: 0, document: defaultPolicy }, ...this.readModels.live.policies];
  }

  /** The trigger as it stands now, resolved or not. */
  findTrigger(triggerId: string, now: string): Trigger {
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
    const result = await handleCommand(
      this.store,
      interviewStreamId(trigger.unitId),
      interviewDecider,
      command,
      { ...context, now: () => now },
      { fingerprint },
    );
    await this.runner.waitForEvents(result.events);
    const [after] = (await this.triggers(undefined, { unitId: trigger.unitId, includeResolved: true })).filter((t) => t.id === trigger.id);
    return { result, trigger: after ?? trigger };
  }

  /** The deduction `lineId` on the unit's card computed now under the policy in force; refused when there is none. */
  deduction(unitId: string, year: number, lineId: string, now: string): ScoreLine {
    checkYear(year);
    const facts = this.readModels.live;
    const at = { instant: now, day: countyDay(now) };
    const card = this.readModels.scorecards(facts, year, at, this.readModels.policy(facts, at, null)).find((c) => c.unitId === unitId);
    const line = card?.lines.find((l) => l.id === lineId);
    if (!line)
      throw new NotFoundError('DEDUCTION_NOT_FOUND', `The ${year} card of unit ${unitId} has no line ${lineId}.`, { field: 'lineId' });
    if (line.points >= 0)
      throw new ValidationError('NOT_A_DEDUCTION', `Line ${line.id} gains points; only a deduction can be exempted.`, { field: 'lineId' });
    return line;
  }

  /**
   * The committee's own exemption (容错纠错): an application it files and approves at once, so a
   * deduction is removed one way (see `AssessmentReview.decide` for a unit's application). Answers
   * with the card as it then stands.
   */
  async grantExemption(input: ExemptionInput, context: CommandContext) {
    const now = context.now();
    const line = this.deduction(input.unitId, input.year, input.lineId, now);
    const command = parseOrThrow(AssessmentCommand, {
      type: 'GrantExemption',
      data: {
        exemptionId: uuidv5(`exemption/${context.commandId}`, ID_NAMESPACE),
        applicationId: uuidv5(`exemption-application/${context.commandId}`, ID_NAMESPACE),
        year: input.year,
        unitId: input.unitId,
        ...deductionFields(line),
        reason: input.reason,
        approvedBy: input.approvedBy,
        distinction: input.distinction ?? null,
      },
    });
    const { unitId, year, lineId, reason, approvedBy } = input;
    const fingerprint = commandFingerprint(context.actor.userId, command.type, {
      unitId,
      year,
      lineId,
      reason,
      approvedBy,
      // Only when given, so a retry recorded before the distinction existed keeps its fingerprint.
      ...(input.distinction ? { distinction: input.distinction } : {}),
    });
    const result = await handleCommand(
      this.store,
      assessmentStreamId(input.year),
      assessmentDecider,
      command,
      { ...context, now: () => now },
      { fingerprint },
    );
    await this.runner.waitForEvents(result.events);
    return { result, scorecard: await this.currentCard(input.unitId, input.year) };
  }

  /**
   * Freezes the year's cards as computed now from everything the read models have applied, under
   * the policy asked for (or the one in force). The position and the cards are taken together, in
   * one synchronous step, so they describe the same log. Answers with the finalization recorded.
   */
  async finalize(input: { year: number; policyVersion?: number | null }, context: CommandContext) {
    checkYear(input.year);
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
    const fingerprint = commandFingerprint(context.actor.userId, command.type, {
      year: input.year,
      policyVersion: input.policyVersion ?? null,
    });
    const result = await handleCommand(
      this.store,
      assessmentStreamId(input.year),
      assessmentDecider,
      command,
      { ...context, now: () => now },
      { fingerprint },
    );
    await this.runner.waitForEvents(result.events);
    const finalization = this.finalization(input.year);
    if (!finalization) throw new NotFoundError('NOT_FINALIZED', `The ${input.year} assessment is not finalized.`);
    return { result, finalization };
  }
}
