import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { Id, Name, Text, message } from '../shared/messages.js';
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
    /** 发现日期: the county day it was raised. Deadlines may not be earlier. */
    raisedOn: CalendarDay,
    /** 同类问题第二次: the earlier problem of the same kind this one repeats, if any. */
    recurrenceOf: Id.nullable(),
    /** The hotline report (12317) this problem was triaged from, if any. */
    hotlineReportId: z.string().max(100, 'must be at most 100 characters').nullable().default(null),
  }),
);

/** 责任单位: who must fix it, and the person answerable (责任人). */
export const ProblemAssigned = message(
  'ProblemAssigned',
  1,
  z.object({
    problemId: Id,
    responsibleUnitId: Id,
    responsiblePerson: Name(50),
    /** 牵头领导: the leading official, when one is named. */
    leadingOfficial: z.string().trim().max(50).nullable().default(null),
  }),
);

/** 签收: the responsible unit has taken the problem on. */
export const AssignmentAcknowledged = message(
  'AssignmentAcknowledged',
  1,
  z.object({ problemId: Id, acknowledgedBy: Name(50) }),
);

/** 整改时限: the calendar day by which it must be fixed. */
export const DeadlineSet = message('DeadlineSet', 1, z.object({ problemId: Id, deadline: CalendarDay }));

/** 延期: a later deadline, with the reason; the count of extensions is kept. */
export const DeadlineExtended = message(
  'DeadlineExtended',
  1,
  z.object({
    problemId: Id,
    previousDeadline: CalendarDay,
    deadline: CalendarDay,
    reason: Text(2000),
    extensionCount: z.number().int().positive(),
  }),
);

/** 整改方案 / 整改措施: how the unit will fix it. */
export const RectificationPlanSubmitted = message(
  'RectificationPlanSubmitted',
  1,
  z.object({ problemId: Id, measures: Text(5000) }),
);

/** 整改进展: how far along the fix is. */
export const ProgressReported = message(
  'ProgressReported',
  1,
  z.object({
    problemId: Id,
    progress: Text(5000),
    percentComplete: z.number().int().min(0).max(100).nullable().default(null),
  }),
);

/** 整改完成: the unit reports it fixed, with evidence, and asks for verification. */
export const RectificationReported = message(
  'RectificationReported',
  1,
  z.object({ problemId: Id, evidence: Evidence }),
);

/** 验收通过: a verifier from another unit accepts the fix. */
export const VerificationPassed = message(
  'VerificationPassed',
  1,
  z.object({ problemId: Id, verifierUnitId: Id, opinion: Text(2000) }),
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
export const ProblemClosed = message('ProblemClosed', 1, z.object({ problemId: Id, closedOn: CalendarDay }));

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

/** 督办: the office orders the unit to finish (跟踪督办, 责成按时办结). */
export const SupervisionOrdered = message(
  'SupervisionOrdered',
  1,
  z.object({ problemId: Id, instruction: Text(2000), supervisionCount: z.number().int().positive() }),
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
]);
export type ProblemEvent = z.infer<typeof ProblemEvent>;
export type ProblemRaisedData = z.infer<typeof ProblemRaised.data>;

export const problemStreamId = (problemId: string) => `problem-${problemId}`;
