import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Id, Name, Text, message } from '../shared/messages.js';
import { OriginalNumber } from '../sourceDocument/events.js';
import { ProblemCategory, ProblemSource } from './vocabulary.js';

/** A file attached as evidence, stored by the SHA-256 of its content. */
export const EvidenceFile = z.object({
  name: Name(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
  size: z.number().int().nonnegative(),
  contentType: z.string().max(100).optional(),
});

/** 整改佐证: what was done, described, with optional file references. */
export const Evidence = z.object({
  description: Text(5000),
  files: z.array(EvidenceFile).max(50).default([]),
});

/**
 * What a raise may record at once after ProblemRaised: the responsible unit (a 自查上报 is assigned to
 * the reporting unit itself) and, for 立行立改, the evidence of the fix already made on the spot. A
 * raise carrying it appends ProblemAssigned, and for a self-report or a fix on the spot
 * AssignmentAcknowledged (the unit found or fixed it: it has taken it on), and with evidence
 * RectificationReported: the item then waits for another unit's verification before 销号, as any other.
 */
export const RaiseAssignment = z.object({
  responsibleUnitId: Id,
  responsiblePerson: Name(50),
  leadingOfficial: z.string().trim().max(50).nullable().default(null),
  /** 立行立改: the evidence (整改佐证) of the fix made on the spot. */
  evidence: Evidence.nullable().default(null),
});
export type RaiseAssignment = z.infer<typeof RaiseAssignment>;

/**
 * 迁移导入: the event was recorded from an office's existing ledger (台账) by an import, not as it
 * happened: `importId` is the import (the list's content hash), `on` the business day the fact stands
 * for (交办日期 for the raise and assignment, 销号时间 for the fix and 销号). The read side counts the
 * fact "as of" that day; "as known on" it counts from when it was recorded (metadata `occurredAt`),
 * and the actor of the import is who migrated it. Absent on every event recorded as it happened.
 */
export const Migrated = z.object({ importId: z.string().min(1).max(100), on: CalendarDay });
export type Migrated = z.infer<typeof Migrated>;

/** The unit recorded as verifier of a migrated 销号: the old ledger says the item was closed, not who verified it. */
export const MIGRATED_VERIFIER_UNIT_ID = '00000000-0000-0000-0000-000000000000';

/** 问题交办: the problem was found and entered into the ledger with its number. */
export const ProblemRaised = message(
  'ProblemRaised',
  1,
  z.object({
    problemId: Id,
    /** 台账编号, e.g. GJ-2019-007 */
    ledgerNumber: z.string().max(32, 'must be at most 32 characters'),
    source: ProblemSource,
    category: ProblemCategory,
    /** 问题描述 */
    description: Text(5000),
    /**
     * 交办日期: the county day it was raised (handed down) — the business date every read model counts
     * it on (the year of the scorecards, the wall). Given with the raise, it may be in the past (an
     * item of an earlier list), never after the day it is recorded nor before its source document's
     * date; a raise that gives none is raised today. Deadlines may not be earlier.
     */
    raisedOn: CalendarDay,
    /** 同类问题第二次: the earlier problem of the same kind this one repeats, if any. */
    recurrenceOf: Id.nullable(),
    /** The hotline report (12317) this problem was triaged from, if any. */
    hotlineReportId: z.string().max(100, 'must be at most 100 characters').nullable().default(null),
    /**
     * The sweep (举一反三排查) whose "found" answer raised this self-report problem; absent otherwise
     * (left out rather than null, so every raise recorded before keeps its exact shape).
     */
    sweepId: Id.optional(),
    /** 来源文件: the registered source document that lists it (its 文号 and date are there); null for raises before documents. */
    sourceDocumentId: Id.nullable().default(null),
    /** 原编号: its number in the source document; with the document's 文号 it identifies the item (raised once). */
    originalNumber: OriginalNumber.nullable().default(null),
    /** 立行立改: raised already fixed on the spot; the events after it assign it and report the fix, awaiting verification. */
    fixedOnTheSpot: z.boolean().default(false),
    /** 迁移导入: raised from an existing ledger by an import, counted on its 交办日期 "as of" (left out otherwise). */
    migrated: Migrated.optional(),
  }),
);

/** 配合单位: units beside the lead unit, each once. */
/** At most this many 配合单位 beside one lead unit. */
export const MAX_CO_RESPONSIBLE_UNITS = 20;
export const CoResponsibleUnitIds = z
  .array(Id)
  .max(MAX_CO_RESPONSIBLE_UNITS, `at most ${MAX_CO_RESPONSIBLE_UNITS} co-responsible units`)
  .refine((ids) => new Set(ids).size === ids.length, 'names a unit twice')
  .default([]);

/** 责任单位: who must fix it (the lead unit, 牵头单位, and any co-responsible units), and the person answerable (责任人). */
export const ProblemAssigned = message(
  'ProblemAssigned',
  1,
  z.object({
    problemId: Id,
    responsibleUnitId: Id,
    responsiblePerson: Name(50),
    /** 牵头领导: the leading official, when one is named. */
    leadingOfficial: z.string().trim().max(50).nullable().default(null),
    /**
     * 配合单位: the co-responsible units beside the lead unit (牵头单位, `responsibleUnitId`). Empty in
     * assignments recorded before they were: those read as a lead unit alone.
     */
    coResponsibleUnitIds: CoResponsibleUnitIds,
    migrated: Migrated.optional(),
  }),
);

/** 配合单位 changed by the office before closing: the whole new list (the lead unit stays). */
export const CoResponsibleUnitsChanged = message(
  'CoResponsibleUnitsChanged',
  1,
  z.object({ problemId: Id, coResponsibleUnitIds: CoResponsibleUnitIds }),
);

/**
 * 转办: the office hands the item to another lead unit (牵头单位) before closing, with the reason and
 * the person answerable there. The history keeps both units; each is answerable for its own time.
 */
export const ProblemTransferred = message(
  'ProblemTransferred',
  1,
  z.object({
    problemId: Id,
    fromUnitId: Id,
    toUnitId: Id,
    /** 责任人 at the new lead unit. */
    responsiblePerson: Name(50),
    reason: Text(2000),
  }),
);

/** 延期申请: the lead unit asks the office for a later deadline; the office approves or refuses it. */
export const ExtensionRequested = message(
  'ExtensionRequested',
  1,
  z.object({
    problemId: Id,
    /** 1 for the item's first request, then 2, …: the request the office's answer names. */
    requestNumber: z.number().int().positive(),
    /** The requesting unit: the lead unit at the time. */
    unitId: Id,
    /** The deadline in force when asked. */
    currentDeadline: CalendarDay,
    /** The day asked for: after the current deadline. */
    proposedDeadline: CalendarDay,
    reason: Text(2000),
  }),
);

/** 同意延期: the office approves the request; a DeadlineExtended to the day asked for follows it. */
export const ExtensionRequestApproved = message(
  'ExtensionRequestApproved',
  1,
  z.object({ problemId: Id, requestNumber: z.number().int().positive() }),
);

/** 不同意延期: the office refuses the request, with the reason; the deadline stays. */
export const ExtensionRequestRefused = message(
  'ExtensionRequestRefused',
  1,
  z.object({ problemId: Id, requestNumber: z.number().int().positive(), reason: Text(2000) }),
);

/** 签收: the responsible unit has taken the problem on. */
export const AssignmentAcknowledged = message(
  'AssignmentAcknowledged',
  1,
  z.object({ problemId: Id, acknowledgedBy: Name(50), migrated: Migrated.optional() }),
);

/**
 * How many working days (工作日) a deadline was given as, counted from the day it was set; null when
 * it was given as a day. Nullable, with a default, so deadlines recorded before still parse.
 */
export const DeadlineWorkingDays = z.number().int().min(1).max(365).nullable().default(null);

/** 整改时限: the calendar day by which it must be fixed (and the working days it was given as, if so). */
export const DeadlineSet = message(
  'DeadlineSet',
  1,
  z.object({ problemId: Id, deadline: CalendarDay, workingDays: DeadlineWorkingDays, migrated: Migrated.optional() }),
);

/** 延期: a later deadline, with the reason; the count of extensions is kept. */
export const DeadlineExtended = message(
  'DeadlineExtended',
  1,
  z.object({
    problemId: Id,
    previousDeadline: CalendarDay,
    deadline: CalendarDay,
    workingDays: DeadlineWorkingDays,
    reason: Text(2000),
    extensionCount: z.number().int().positive(),
  }),
);

/** 整改方案 / 整改措施: how the unit will fix it. */
export const RectificationPlanSubmitted = message('RectificationPlanSubmitted', 1, z.object({ problemId: Id, measures: Text(5000) }));

/** 整改进展: how far along the fix is. */
export const ProgressReported = message(
  'ProgressReported',
  1,
  z.object({
    problemId: Id,
    progress: Text(5000),
    percentComplete: z.number().int().min(0).max(100).nullable().default(null),
    /** The reporting unit: the lead unit, or a co-responsible unit on its part (配合); null in reports recorded before. */
    unitId: Id.nullable().default(null),
  }),
);

/** 整改完成: the unit reports it fixed, with evidence, and asks for verification. */
export const RectificationReported = message(
  'RectificationReported',
  1,
  z.object({ problemId: Id, evidence: Evidence, migrated: Migrated.optional() }),
);

/** 验收通过: a verifier from another unit accepts the fix. */
export const VerificationPassed = message(
  'VerificationPassed',
  1,
  z.object({ problemId: Id, verifierUnitId: Id, opinion: Text(2000), migrated: Migrated.optional() }),
);

/** 验收不通过: the fix is rejected and goes back to rectification, with the reasons. */
export const VerificationRejected = message(
  'VerificationRejected',
  1,
  z.object({
    problemId: Id,
    verifierUnitId: Id,
    reasons: Text(2000),
    rejectionCount: z.number().int().positive(),
  }),
);

/** 销号: the ledger number is cancelled; the problem is closed. */
export const ProblemClosed = message('ProblemClosed', 1, z.object({ problemId: Id, closedOn: CalendarDay, migrated: Migrated.optional() }));

/** 巩固 failed: a later check found the problem back. */
export const ProblemReopened = message(
  'ProblemReopened',
  1,
  z.object({
    problemId: Id,
    reason: Text(2000),
    reopenCount: z.number().int().positive(),
  }),
);

/**
 * 督办: the office orders the unit to finish (跟踪督办, 责成按时办结) by a day (办结时限), by hand or
 * for an interview trigger that reached 督办 level. `finishBy` and `triggerId` are null in orders
 * written before they were recorded.
 */
export const SupervisionOrdered = message(
  'SupervisionOrdered',
  1,
  z.object({
    problemId: Id,
    instruction: Text(2000),
    supervisionCount: z.number().int().positive(),
    /** 办结时限: the county day by which the unit must answer; never before the order's day. */
    finishBy: CalendarDay.nullable().default(null),
    /** The interview trigger an automatic order answers; null for an order made by hand. */
    triggerId: z.string().max(200, 'must be at most 200 characters').nullable().default(null),
  }),
);

/** A reply's text: bounded and not blank, but not trimmed: kept exactly as the unit sent it. */
export const ReplyText = z
  .string()
  .max(5000, 'must be at most 5000 characters')
  .refine((s) => s.trim().length > 0, { message: 'must not be empty' });

/** 督办回复: the responsible unit answers the open order: what was done, with files. */
export const SupervisionReplied = message(
  'SupervisionReplied',
  1,
  z.object({
    problemId: Id,
    /** The order answered (the latest; it answers the earlier open ones too). */
    supervisionCount: z.number().int().positive(),
    /** Kept exactly as sent. */
    reply: ReplyText,
    files: z.array(EvidenceFile).max(50).default([]),
    repliedOn: CalendarDay,
  }),
);

/** 巩固: the 回头看 after 销号 found the fix holding. */
export const ConsolidationConfirmed = message(
  'ConsolidationConfirmed',
  1,
  z.object({
    problemId: Id,
    confirmedOn: CalendarDay,
    opinion: Text(2000),
    /** The checking unit (a verifier's); null when the office checked. */
    checkedByUnitId: Id.nullable(),
  }),
);

/**
 * How a problem is linked to an earlier one: 复发 (`recurrence`, 同类问题第二次: the same problem
 * again, also in another unit, which the scorecards count as the policy says) or 相关 (`related`: a
 * case to learn from, 举一反三, which costs nothing).
 */
export const ProblemLinkKind = z.enum(['recurrence', 'related']);
export type ProblemLinkKind = z.infer<typeof ProblemLinkKind>;

/**
 * The office linked this problem to an earlier one (of any unit). Recorded on the later problem's
 * stream; the earlier one shows it through the read model (projections/ledgerView.ts). A raise that
 * names the problem it repeats records this too, right after ProblemRaised: since then
 * `ProblemRaised.recurrenceOf` is always null, and older raises that carry it read as this link.
 */
export const ProblemLinked = message(
  'ProblemLinked',
  1,
  z.object({
    problemId: Id,
    /** The earlier problem (raised on or before this one). */
    earlierProblemId: Id,
    kind: ProblemLinkKind,
  }),
);

/** 批示 (the office's instruction to the unit) or 回复 (the unit's answer to one). */
export const CommentKind = z.enum(['instruction', 'answer']);
export type CommentKind = z.infer<typeof CommentKind>;

/**
 * A comment in the item's timeline: the office's instruction (批示) or the responsible unit's answer
 * (回复) to one, with files uploaded to /files. Numbered on the problem (1, 2, …), so an answer names
 * the instruction it answers.
 */
export const CommentPosted = message(
  'CommentPosted',
  1,
  z.object({
    problemId: Id,
    commentNumber: z.number().int().positive(),
    kind: CommentKind,
    /** Kept exactly as written. */
    text: ReplyText,
    files: z.array(EvidenceFile).max(50).default([]),
    /** The comment it answers or follows up (an answer always names its instruction); null for a new instruction. */
    replyTo: z.number().int().positive().nullable(),
    /** The answering unit; null for the office's instruction. */
    postedByUnitId: Id.nullable(),
    postedOn: CalendarDay,
  }),
);

export const problemEventDefinitions = [
  ProblemRaised,
  ProblemAssigned,
  AssignmentAcknowledged,
  DeadlineSet,
  DeadlineExtended,
  RectificationPlanSubmitted,
  ProgressReported,
  RectificationReported,
  VerificationPassed,
  VerificationRejected,
  ProblemClosed,
  ProblemReopened,
  SupervisionOrdered,
  SupervisionReplied,
  ConsolidationConfirmed,
  ProblemLinked,
  CoResponsibleUnitsChanged,
  ProblemTransferred,
  ExtensionRequested,
  ExtensionRequestApproved,
  ExtensionRequestRefused,
  CommentPosted,
] as const;

export const ProblemEvent = z.discriminatedUnion('type', [
  ProblemRaised.schema,
  ProblemAssigned.schema,
  AssignmentAcknowledged.schema,
  DeadlineSet.schema,
  DeadlineExtended.schema,
  RectificationPlanSubmitted.schema,
  ProgressReported.schema,
  RectificationReported.schema,
  VerificationPassed.schema,
  VerificationRejected.schema,
  ProblemClosed.schema,
  ProblemReopened.schema,
  SupervisionOrdered.schema,
  SupervisionReplied.schema,
  ConsolidationConfirmed.schema,
  ProblemLinked.schema,
  CoResponsibleUnitsChanged.schema,
  ProblemTransferred.schema,
  ExtensionRequested.schema,
  ExtensionRequestApproved.schema,
  ExtensionRequestRefused.schema,
  CommentPosted.schema,
]);
export type ProblemEvent = z.infer<typeof ProblemEvent>;
export type ProblemRaisedData = z.infer<typeof ProblemRaised.data>;

export const problemStreamId = (problemId: string) => `problem-${problemId}`;

/** What is known about a problem once it is raised. */
export type RaisedFacts = {
  problemId: string;
  ledgerNumber: string;
  source: ProblemSource;
  category: ProblemCategory;
  description: string;
  raisedOn: string;
  /** 复发: the earlier problem this one repeats (同类问题第二次), linked at the raise or later; at most one. */
  recurrenceOf: string | null;
  /** 相关: earlier problems linked as related, in the order linked. */
  relatedTo: readonly string[];
  /** 来源文件 and 原编号, when the raise named them. */
  sourceDocumentId: string | null;
  originalNumber: string | null;
  /** 立行立改: raised already fixed on the spot. */
  fixedOnTheSpot: boolean;
  /** 迁移导入: the import (list content hash) that brought it in from an existing ledger; absent when raised here. */
  migratedFrom?: string;
};

/** The latest 延期申请 of an item, and the office's answer once given. */
export type ExtensionRequestFacts = {
  requestNumber: number;
  unitId: string;
  proposedDeadline: string;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  /** The office's reason when it refused. */
  refusal: string | null;
};

/** What is known once it is assigned to a responsible unit. */
export type AssignmentFacts = RaisedFacts & {
  /** 牵头单位: the lead unit, answerable for the fix; changed by a transfer (转办). */
  responsibleUnitId: string;
  /** 配合单位: the co-responsible units, each reporting progress on its part. */
  coResponsibleUnitIds: readonly string[];
  /** The latest extension request (延期申请), pending or answered; null before the first. */
  extensionRequest: ExtensionRequestFacts | null;
  responsiblePerson: string;
  leadingOfficial: string | null;
  deadline: string | null;
  extensionCount: number;
  measures: string | null;
  rejectionCount: number;
  reopenCount: number;
  supervisionCount: number;
  /** The latest 督办 not answered yet (a reply answers it and the earlier ones), if any. */
  openSupervision: OpenSupervision | null;
  /** The latest reply, to recognize a repeated one. */
  lastSupervisionReply: { supervisionCount: number; reply: string } | null;
  /** 批示 and 回复 posted, by number (the first is comment 1). */
  comments: readonly CommentKind[];
};

/** An order (督办) waiting for the unit's reply. */
export type OpenSupervision = { supervisionCount: number; finishBy: string | null; triggerId: string | null };

/** After 销号: waiting for the 回头看, or 巩固 confirmed by it. */
export type Consolidation = 'awaiting_recheck' | 'confirmed';

/**
 * A problem's life (the card's words first): raised → assigned → (acknowledged) rectifying →
 * awaiting verification → verified → closed (销号), awaiting the 回头看 until 巩固 is confirmed; a
 * rejection goes back to rectifying, and a reopened problem (巩固 failed) too.
 */
export type ProblemState =
  | { status: 'not_raised' }
  | ({ status: 'raised' } & RaisedFacts)
  | ({ status: 'assigned' } & AssignmentFacts)
  | ({ status: 'rectifying' } & AssignmentFacts)
  | ({ status: 'awaiting_verification' } & AssignmentFacts)
  | ({ status: 'verified' } & AssignmentFacts)
  | ({ status: 'closed'; closedOn: string; consolidation: Consolidation } & AssignmentFacts);

export type ProblemStatus = ProblemState['status'];
export type AssignedProblem = Exclude<ProblemState, { status: 'not_raised' } | { status: 'raised' }>;

export const initialProblemState: ProblemState = { status: 'not_raised' };

export function isAssigned(state: ProblemState): state is AssignedProblem {
  return state.status !== 'not_raised' && state.status !== 'raised';
}

function assigned(state: ProblemState, event: ProblemEvent): AssignedProblem {
  if (!isAssigned(state)) throw new Error(`${event.type} on a problem that is not assigned`);
  return state;
}

export function evolveProblem(state: ProblemState, event: ProblemEvent): ProblemState {
  switch (event.type) {
    case 'ProblemRaised': {
      const { problemId, ledgerNumber, source, category, description, raisedOn, recurrenceOf } = event.data;
      // `?? null`, `?? false`: a raise recorded before documents and 立行立改 has neither.
      const { sourceDocumentId = null, originalNumber = null, fixedOnTheSpot = false } = event.data;
      return {
        status: 'raised',
        problemId,
        ledgerNumber,
        source,
        category,
        description,
        raisedOn,
        recurrenceOf,
        relatedTo: [],
        sourceDocumentId,
        originalNumber,
        fixedOnTheSpot,
        ...(event.data.migrated ? { migratedFrom: event.data.migrated.importId } : {}),
      };
    }
    case 'ProblemAssigned': {
      if (state.status === 'not_raised') throw new Error('ProblemAssigned before ProblemRaised');
      const previous = isAssigned(state) ? state : undefined;
      const { responsibleUnitId, responsiblePerson, leadingOfficial } = event.data;
      return {
        deadline: null,
        extensionCount: 0,
        measures: null,
        rejectionCount: 0,
        reopenCount: 0,
        supervisionCount: 0,
        openSupervision: null,
        lastSupervisionReply: null,
        extensionRequest: null,
        comments: [],
        ...state,
        ...previous,
        status: 'assigned',
        responsibleUnitId,
        responsiblePerson,
        leadingOfficial,
        coResponsibleUnitIds: event.data.coResponsibleUnitIds ?? [],
      };
    }
    case 'AssignmentAcknowledged':
      return { ...assigned(state, event), status: 'rectifying' };
    case 'DeadlineSet':
      return { ...assigned(state, event), deadline: event.data.deadline };
    case 'DeadlineExtended':
      return { ...assigned(state, event), deadline: event.data.deadline, extensionCount: event.data.extensionCount };
    case 'RectificationPlanSubmitted':
      return { ...assigned(state, event), measures: event.data.measures };
    case 'ProgressReported':
      return state;
    case 'RectificationReported':
      return { ...assigned(state, event), status: 'awaiting_verification' };
    case 'VerificationPassed':
      return { ...assigned(state, event), status: 'verified' };
    case 'VerificationRejected':
      return { ...assigned(state, event), status: 'rectifying', rejectionCount: event.data.rejectionCount };
    case 'ProblemClosed':
      // 销号 finishes the work an open order asked for (办结): nothing is left to answer. Copied into a new object, not
      // spread into a literal that adds `closedOn` and `consolidation`: Node's V8 gives each object so made a hidden class
      // of its own (a map and its descriptors, some 1 KB a closed problem), where this copy shares one with every other.
      return Object.assign({}, assigned(state, event), {
        status: 'closed',
        closedOn: event.data.closedOn,
        consolidation: 'awaiting_recheck',
        openSupervision: null,
      } satisfies Pick<Extract<ProblemState, { status: 'closed' }>, 'status' | 'closedOn' | 'consolidation' | 'openSupervision'>);
    case 'ProblemReopened': {
      const {
        closedOn: _closedOn,
        consolidation: _consolidation,
        ...rest
      } = assigned(state, event) as AssignedProblem & {
        closedOn?: string;
        consolidation?: Consolidation;
      };
      return { ...rest, status: 'rectifying', reopenCount: event.data.reopenCount };
    }
    case 'SupervisionOrdered': {
      const { supervisionCount, finishBy, triggerId } = event.data;
      return { ...assigned(state, event), supervisionCount, openSupervision: { supervisionCount, finishBy, triggerId } };
    }
    case 'SupervisionReplied': {
      const { supervisionCount, reply } = event.data;
      return { ...assigned(state, event), openSupervision: null, lastSupervisionReply: { supervisionCount, reply } };
    }
    case 'ConsolidationConfirmed': {
      const problem = assigned(state, event);
      if (problem.status !== 'closed') throw new Error('ConsolidationConfirmed on a problem that is not closed');
      return { ...problem, consolidation: 'confirmed' };
    }
    case 'ProblemLinked': {
      if (state.status === 'not_raised') throw new Error('ProblemLinked before ProblemRaised');
      const { earlierProblemId, kind } = event.data;
      if (kind === 'recurrence') return { ...state, recurrenceOf: earlierProblemId };
      return { ...state, relatedTo: [...state.relatedTo, earlierProblemId] };
    }
    case 'CoResponsibleUnitsChanged':
      return { ...assigned(state, event), coResponsibleUnitIds: event.data.coResponsibleUnitIds };
    case 'ProblemTransferred': {
      const problem = assigned(state, event);
      const { toUnitId, responsiblePerson } = event.data;
      // The new lead unit is no longer one of its own co-responsible units.
      const coResponsibleUnitIds = problem.coResponsibleUnitIds.filter((id) => id !== toUnitId);
      return { ...problem, responsibleUnitId: toUnitId, responsiblePerson, coResponsibleUnitIds };
    }
    case 'ExtensionRequested': {
      const { requestNumber, unitId, proposedDeadline, reason } = event.data;
      const extensionRequest: ExtensionRequestFacts = { requestNumber, unitId, proposedDeadline, reason, status: 'pending', refusal: null };
      return { ...assigned(state, event), extensionRequest };
    }
    case 'ExtensionRequestApproved':
    case 'ExtensionRequestRefused': {
      const problem = assigned(state, event);
      const request = problem.extensionRequest;
      if (request === null || request.requestNumber !== event.data.requestNumber) throw new Error(`${event.type} of an unknown request`);
      const answer: Pick<ExtensionRequestFacts, 'status' | 'refusal'> =
        event.type === 'ExtensionRequestApproved'
          ? { status: 'approved', refusal: null }
          : { status: 'refused', refusal: event.data.reason };
      return { ...problem, extensionRequest: { ...request, ...answer } };
    }
    case 'CommentPosted': {
      const problem = assigned(state, event);
      return { ...problem, comments: [...problem.comments, event.data.kind] };
    }
    default:
      return assertNever(event);
  }
}

/** 延期申请待审: an extension request waits for the office's answer. */
export function hasPendingExtensionRequest(state: ProblemState): boolean {
  return isAssigned(state) && state.extensionRequest?.status === 'pending';
}

/** 牵头单位 or 配合单位: is this unit on the item? */
export function isOnProblem(state: ProblemState, unitId: string): boolean {
  return isAssigned(state) && (state.responsibleUnitId === unitId || state.coResponsibleUnitIds.includes(unitId));
}

/** The business day a migrated event stands for (迁移导入), or null for an event recorded as it happened. */
export function migratedDayOf(data: unknown): string | null {
  const migrated = (data as { migrated?: { on?: unknown } } | null)?.migrated;
  return typeof migrated?.on === 'string' ? migrated.on : null;
}

/**
 * Overdue (逾期): the deadline's calendar day has passed in the county's calendar and the unit has
 * not reported the problem fixed (a report waiting for verification, or a verified or closed
 * problem, is not overdue).
 */
export function isOverdue(state: ProblemState, today: string): boolean {
  if (!isAssigned(state) || state.deadline === null) return false;
  if (state.status === 'awaiting_verification' || state.status === 'verified' || state.status === 'closed') return false;
  return today > state.deadline;
}
