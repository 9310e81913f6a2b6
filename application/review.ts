import { v5 as uuidv5 } from 'uuid';
import {
  ApplyForExemption,
  AssessmentCommand,
  type AssessmentItemKind,
  RecordAssessmentItem,
  type Distinction,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  addDays,
  addWorkingDays,
  assessmentDecider,
  assessmentStreamId,
  countyDay,
} from '../domain/index.js';
import { type CommandContext, commandFingerprint, handleCommand } from '../eventstore/commandHandler.js';
import type { EventStore } from '../eventstore/port.js';
import type { Trigger } from '../projections/interviewTriggers.js';
import type { AssessmentItemFacts, ExemptionApplicationFacts } from '../projections/problemFacts.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { type Assessment, deductionFields } from './assessment.js';
import { checkYear, parseOrThrow } from './validation.js';

const ID_NAMESPACE = '0d6a5f0e-8a0b-4b6c-9a57-2f3c1e4d5b69';

/** An evidence file as the upload (POST /files) answered it. */
export type FileInput = { name: string; sha256: string; size: number; contentType?: string | null };
export type ApplyInput = { unitId: string; year: number; lineId: string; distinction: Distinction; statement: string; files: FileInput[] };
export type DecideInput = {
  year: number;
  applicationId: string;
  decision: 'approve' | 'refuse';
  reasons: string;
  /** 审批人: who decided, as the committee signs it. */
  decidedBy: string;
  /** On approval: the interview trigger (约谈) the deduction came from, to resolve with it. */
  resolveTriggerId?: string | null;
};
export type ItemInput = {
  unitId: string;
  year: number;
  kind: AssessmentItemKind;
  points: number;
  title: string;
  evidence: string;
  files: FileInput[];
};
export type ApplicationFilter = { unitId?: string | null; status?: ExemptionApplicationFacts['status'] | null };

const files = (list: FileInput[]) => list.map(({ contentType, ...f }) => (contentType ? { ...f, contentType } : f));

/**
 * 容错纠错 reviewed, and the year's further assessment items (考核事项): a unit head applies for an
 * exemption on one deduction of their own unit's card, the committee approves or refuses it by the
 * review deadline the policy gives; the committee records further items, which the cards weigh in.
 * Like `Assessment`, it checks on the read models what a pure decision cannot see (the deduction is
 * on the card now, the trigger exists) and fills in the evidence from them.
 */
export class AssessmentReview {
  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly readModels: ReadModels,
    private readonly assessment: Assessment,
    private readonly clock: () => string,
  ) {}

  /** The year's applications, in filing order, filtered by unit and status. */
  applications(year: number, filter: ApplicationFilter = {}): ExemptionApplicationFacts[] {
    checkYear(year);
    const all = [...(this.readModels.live.exemptionApplications.get(year)?.values() ?? [])];
    return all.filter((a) => (!filter.unitId || a.unitId === filter.unitId) && (!filter.status || a.status === filter.status));
  }

  /** Pending and past its review deadline (审核时限) on the county day of `instant` (now when not given). */
  overdue(application: ExemptionApplicationFacts, instant?: string): boolean {
    return application.status === 'pending' && countyDay(instant ?? this.clock()) > application.reviewBy;
  }

  /** The open interview triggers about the deduction's problem: what an approval may resolve. */
  triggersFor(application: Pick<ExemptionApplicationFacts, 'problemId'>): Trigger[] {
    const facts = this.readModels.live;
    const problem = application.problemId ? facts.problems.get(application.problemId) : undefined;
    if (!problem?.unitId) return [];
    const now = this.clock();
    return this.readModels
      .triggers(facts, { instant: now, day: countyDay(now) }, { unitId: problem.unitId })
      .filter((t) => t.problemIds.includes(problem.problemId));
  }

  /** The year's further assessment items, in recording order, of one unit when given. */
  items(year: number, unitId?: string | null): AssessmentItemFacts[] {
    checkYear(year);
    return (this.readModels.live.assessmentItems.get(year) ?? []).filter((i) => !unitId || i.unitId === unitId);
  }

  private application(year: number, applicationId: string): ExemptionApplicationFacts {
    checkYear(year);
    const found = this.readModels.live.exemptionApplications.get(year)?.get(applicationId);
    if (!found)
      throw new NotFoundError('APPLICATION_NOT_FOUND', `There is no ${year} exemption application ${applicationId}.`, {
        field: 'applicationId',
      });
    return found;
  }

  /**
   * A unit head applies: the deduction must be on their unit's card now; the review deadline is
   * the policy's period from today, in working days on the county calendar in force or in calendar days.
   */
  async apply(input: ApplyInput, context: CommandContext) {
    checkYear(input.year);
    const now = context.now();
    const applicantUnitId = context.actor.unitId;
    if (!applicantUnitId)
      throw new ForbiddenError('FORBIDDEN', 'Your account belongs to no unit, so there is no card of yours to apply on.', {
        reason: 'OUTSIDE_YOUR_UNIT',
      });
    const line = this.assessment.deduction(input.unitId, input.year, input.lineId, now);
    const { days, dayKind } = this.assessment.policy(null, now).document.exemptionReview;
    const today = countyDay(now);
    const reviewBy =
      dayKind === 'working' ? addWorkingDays(today, days, this.readModels.calendar(now)?.document ?? null).day : addDays(today, days);
    const command = parseOrThrow(ApplyForExemption.schema, {
      type: 'ApplyForExemption',
      data: {
        applicationId: uuidv5(`exemption-application/${context.commandId}`, ID_NAMESPACE),
        year: input.year,
        unitId: input.unitId,
        ...deductionFields(line),
        applicantUnitId,
        distinction: input.distinction,
        statement: input.statement,
        files: files(input.files),
        appliedOn: today,
        reviewBy,
        reviewDays: days,
        reviewDayKind: dayKind,
      },
    });
    const { unitId, year, lineId, distinction, statement } = input;
    const fingerprint = commandFingerprint(context.actor.userId, command.type, {
      unitId,
      year,
      lineId,
      distinction,
      statement,
      files: input.files.map((f) => f.sha256),
    });
    return this.handle(input.year, command, { ...context, now: () => now }, fingerprint, command.data.applicationId);
  }

  /** The committee approves (removing the deduction, and resolving the trigger named) or refuses, with its reasons. */
  async decide(input: DecideInput, context: CommandContext) {
    const now = context.now();
    const application = this.application(input.year, input.applicationId);
    let command: AssessmentCommand;
    if (input.decision === 'approve') {
      const trigger = input.resolveTriggerId ? this.assessment.findTrigger(input.resolveTriggerId, now) : null;
      if (trigger && (application.problemId === null || !trigger.problemIds.includes(application.problemId)))
        throw new ValidationError('TRIGGER_NOT_OF_DEDUCTION', `Trigger ${trigger.id} is not about the deduction’s problem.`, {
          field: 'resolveTriggerId',
        });
      command = parseOrThrow(AssessmentCommand, {
        type: 'ApproveExemption',
        data: {
          applicationId: application.applicationId,
          exemptionId: uuidv5(`exemption/${context.commandId}`, ID_NAMESPACE),
          year: input.year,
          reason: input.reasons,
          approvedBy: input.decidedBy,
          resolvesTriggerId: trigger?.id ?? null,
          resolvesProblemIds: trigger?.problemIds ?? [],
        },
      });
    } else
      command = parseOrThrow(AssessmentCommand, {
        type: 'RefuseExemption',
        data: { applicationId: application.applicationId, year: input.year, reasons: input.reasons, decidedBy: input.decidedBy },
      });
    const { year, applicationId, decision, reasons, decidedBy } = input;
    const fingerprint = commandFingerprint(context.actor.userId, command.type, {
      year,
      applicationId,
      decision,
      reasons,
      decidedBy,
      resolveTriggerId: input.resolveTriggerId ?? null,
    });
    return this.handle(input.year, command, { ...context, now: () => now }, fingerprint, applicationId);
  }

  /** The applying unit takes its application back while it waits. */
  async withdraw(input: { year: number; applicationId: string }, context: CommandContext) {
    const application = this.application(input.year, input.applicationId);
    const command = parseOrThrow(AssessmentCommand, {
      type: 'WithdrawExemptionApplication',
      data: { applicationId: application.applicationId, year: input.year, applicantUnitId: context.actor.unitId ?? '' },
    });
    const fingerprint = commandFingerprint(context.actor.userId, command.type, input);
    return this.handle(input.year, command, context, fingerprint, application.applicationId);
  }

  /** The committee records a further assessment item, bounded by the points the policy in force allows its kind. */
  async recordItem(input: ItemInput, context: CommandContext) {
    checkYear(input.year);
    const now = context.now();
    const policy = this.assessment.policy(null, now).document;
    const command = parseOrThrow(RecordAssessmentItem.schema, {
      type: 'RecordAssessmentItem',
      data: {
        itemId: uuidv5(`assessment-item/${context.commandId}`, ID_NAMESPACE),
        year: input.year,
        unitId: input.unitId,
        kind: input.kind,
        points: input.points,
        title: input.title,
        evidence: input.evidence,
        files: files(input.files),
        maxPoints: policy.scoring.items[input.kind]?.maxPoints ?? 0,
      },
    });
    const fingerprint = commandFingerprint(context.actor.userId, command.type, { ...input, files: input.files.map((f) => f.sha256) });
    const { result } = await this.handle(input.year, command, { ...context, now: () => now }, fingerprint, null);
    const item = this.items(input.year).find((i) => i.itemId === command.data.itemId) ?? null;
    return { result, item, scorecard: await this.assessment.currentCard(input.unitId, input.year) };
  }

  /** Handles the command on the year's stream, waits for the read models, answers with the application and the card. */
  private async handle(
    year: number,
    command: AssessmentCommand,
    context: CommandContext,
    fingerprint: string,
    applicationId: string | null,
  ) {
    const result = await handleCommand(this.store, assessmentStreamId(year), assessmentDecider, command, context, { fingerprint });
    await this.runner.waitForEvents(result.events);
    const application = applicationId ? (this.readModels.live.exemptionApplications.get(year)?.get(applicationId) ?? null) : null;
    const scorecard = application ? await this.assessment.currentCard(application.unitId, year) : null;
    return { result, application, scorecard };
  }
}
