import { describe, expect, it } from 'vitest';
import * as domain from '../../domain/index.js';
import { EARLIER_PROBLEM, PROBLEM, TOWNSHIP, VERIFIER_UNIT } from '../support/problemFixtures.js';

/**
 * A 10 MB paste must be refused by every command and event schema, in every string field, with a
 * message a person can read (the field and the limit, not the pasted text echoed back).
 */
const TEN_MB = 'x'.repeat(10 * 1024 * 1024);

const file = { name: '银行回单.pdf', sha256: 'a'.repeat(64), size: 1024, contentType: 'application/pdf' };
const evidence = { description: '3个村资金已全部到账', files: [file] };
const raisedData = {
  problemId: PROBLEM,
  ledgerNumber: 'GJ-2019-001',
  source: 'national_feedback',
  category: 'fund_misuse',
  description: '扶贫专项资金拨付滞后',
  raisedOn: '2019-03-01',
  recurrenceOf: EARLIER_PROBLEM,
  hotlineReportId: '12317-2019-0001',
  sourceDocumentId: VERIFIER_UNIT,
  originalNumber: '一-3',
  fixedOnTheSpot: true,
};
/** 立行立改 / 自查上报: the unit a raise assigns at once, with the evidence of the fix on the spot. */
const raiseAssignment = { responsibleUnitId: TOWNSHIP, responsiblePerson: '王明', leadingOfficial: '李副县长', evidence };
const sourceDocument = {
  documentId: VERIFIER_UNIT,
  issuingBody: '国务院扶贫开发领导小组',
  title: '关于反馈2018年脱贫攻坚成效考核发现问题的通知',
  documentNumber: '国开发〔2019〕3号',
  issuedOn: '2019-02-15',
};

/** 分管领导 on record (the leader id is any UUID). */
const leader = {
  unitId: TOWNSHIP,
  leaderId: EARLIER_PROBLEM,
  role: 'in_charge',
  name: '赵敏',
  title: '副镇长',
  portfolio: { description: '分管农业农村', categories: ['fund_misuse'] },
  from: '2019-01-01',
};

type Definition = {
  type: string;
  schema: { safeParse: (input: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } };
};

/** A valid sample of every command and event, by hand. */
const samples: [Definition, Record<string, unknown>][] = [
  [domain.RaiseProblem, { ...raisedData, assignment: raiseAssignment }],
  [domain.AssignProblem, { problemId: PROBLEM, responsibleUnitId: TOWNSHIP, responsiblePerson: '王明', leadingOfficial: '李副县长' }],
  [domain.AcknowledgeAssignment, { problemId: PROBLEM, acknowledgedBy: '王明' }],
  [domain.SetDeadline, { problemId: PROBLEM, deadline: '2019-06-30' }],
  [domain.ExtendDeadline, { problemId: PROBLEM, deadline: '2019-07-31', reason: '村级账户尚未开通' }],
  [domain.SubmitPlan, { problemId: PROBLEM, measures: '三日内拨付' }],
  [domain.ReportProgress, { problemId: PROBLEM, progress: '已拨付2个村', percentComplete: 60 }],
  [domain.ReportRectified, { problemId: PROBLEM, evidence }],
  [domain.PassVerification, { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, opinion: '经核查，资金已到账' }],
  [domain.RejectVerification, { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, reasons: '金额不符' }],
  [domain.CloseProblem, { problemId: PROBLEM }],
  [domain.ReopenProblem, { problemId: PROBLEM, reason: '回头看发现问题反弹' }],
  [
    domain.OrderSupervision,
    { problemId: PROBLEM, instruction: '责成五日内办结', finishBy: '2019-03-06', triggerId: `item_long_overdue:${PROBLEM}:2019-06-30` },
  ],
  [domain.ReplyToSupervision, { problemId: PROBLEM, reply: '已拨付到位', files: [file], repliedByUnitId: TOWNSHIP }],
  [domain.ConfirmConsolidation, { problemId: PROBLEM, opinion: '回头看：未反弹', checkedByUnitId: VERIFIER_UNIT }],
  [domain.LinkProblem, { problemId: PROBLEM, earlierProblemId: EARLIER_PROBLEM, kind: 'recurrence', earlierRaisedOn: '2018-11-20' }],
  [domain.ChangeCoResponsibleUnits, { problemId: PROBLEM, coResponsibleUnitIds: [VERIFIER_UNIT] }],
  [domain.TransferProblem, { problemId: PROBLEM, toUnitId: VERIFIER_UNIT, responsiblePerson: '赵刚', reason: '职责调整' }],
  [domain.RequestExtension, { problemId: PROBLEM, requestedByUnitId: TOWNSHIP, proposedDeadline: '2019-09-30', reason: '汛期施工受阻' }],
  [domain.ApproveExtensionRequest, { problemId: PROBLEM }],
  [domain.RefuseExtensionRequest, { problemId: PROBLEM, reason: '理由不充分' }],
  [
    domain.RecordMigratedFacts,
    {
      problemId: PROBLEM,
      importId: 'a'.repeat(64),
      status: 'closed',
      responsibleUnitId: TOWNSHIP,
      responsiblePerson: '王明',
      coResponsibleUnitIds: [],
      deadline: '2019-12-31',
      closedOn: '2019-11-20',
    },
  ],
  [domain.RegisterUnit, { unitId: TOWNSHIP, name: '衡山镇', kind: 'township', parentUnitId: VERIFIER_UNIT }],
  [domain.RenameUnit, { unitId: TOWNSHIP, name: '衡山镇人民政府' }],
  [domain.MergeUnit, { unitId: TOWNSHIP, intoUnitId: VERIFIER_UNIT }],
  [domain.AppointUnitLeader, leader],
  [domain.RecordUnitLeaderLeft, { unitId: TOWNSHIP, leaderId: EARLIER_PROBLEM, until: '2019-07-14' }],
  [domain.PostInstruction, { problemId: PROBLEM, text: '请报送凭证', files: [file], replyTo: null }],
  [domain.AnswerInstruction, { problemId: PROBLEM, text: '已报送', files: [file], replyTo: 1, answeredByUnitId: TOWNSHIP }],
  [domain.ProblemRaised, raisedData],
  [domain.ProblemAssigned, { problemId: PROBLEM, responsibleUnitId: TOWNSHIP, responsiblePerson: '王明', leadingOfficial: '李副县长' }],
  [domain.AssignmentAcknowledged, { problemId: PROBLEM, acknowledgedBy: '王明' }],
  [domain.DeadlineSet, { problemId: PROBLEM, deadline: '2019-06-30' }],
  [
    domain.DeadlineExtended,
    { problemId: PROBLEM, previousDeadline: '2019-06-30', deadline: '2019-07-31', reason: '村级账户尚未开通', extensionCount: 1 },
  ],
  [domain.RectificationPlanSubmitted, { problemId: PROBLEM, measures: '三日内拨付' }],
  [domain.ProgressReported, { problemId: PROBLEM, progress: '已拨付2个村', percentComplete: 60 }],
  [domain.RectificationReported, { problemId: PROBLEM, evidence }],
  [domain.VerificationPassed, { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, opinion: '经核查，资金已到账' }],
  [domain.VerificationRejected, { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, reasons: '金额不符', rejectionCount: 1 }],
  [domain.ProblemClosed, { problemId: PROBLEM, closedOn: '2019-07-01' }],
  [domain.ProblemReopened, { problemId: PROBLEM, reason: '回头看发现问题反弹', reopenCount: 1 }],
  [
    domain.SupervisionOrdered,
    {
      problemId: PROBLEM,
      instruction: '责成五日内办结',
      supervisionCount: 1,
      finishBy: '2019-03-06',
      triggerId: `item_long_overdue:${PROBLEM}:2019-06-30`,
    },
  ],
  [domain.SupervisionReplied, { problemId: PROBLEM, supervisionCount: 1, reply: '已拨付到位', files: [file], repliedOn: '2019-03-05' }],
  [
    domain.ConsolidationConfirmed,
    { problemId: PROBLEM, confirmedOn: '2019-10-01', opinion: '回头看：未反弹', checkedByUnitId: VERIFIER_UNIT },
  ],
  [domain.ProblemLinked, { problemId: PROBLEM, earlierProblemId: EARLIER_PROBLEM, kind: 'related' }],
  [domain.CoResponsibleUnitsChanged, { problemId: PROBLEM, coResponsibleUnitIds: [VERIFIER_UNIT] }],
  [
    domain.ProblemTransferred,
    { problemId: PROBLEM, fromUnitId: TOWNSHIP, toUnitId: VERIFIER_UNIT, responsiblePerson: '赵刚', reason: '职责调整' },
  ],
  [
    domain.ExtensionRequested,
    {
      problemId: PROBLEM,
      requestNumber: 1,
      unitId: TOWNSHIP,
      currentDeadline: '2019-06-30',
      proposedDeadline: '2019-09-30',
      reason: '汛期施工受阻',
    },
  ],
  [domain.ExtensionRequestApproved, { problemId: PROBLEM, requestNumber: 1 }],
  [domain.ExtensionRequestRefused, { problemId: PROBLEM, requestNumber: 1, reason: '理由不充分' }],
  [domain.UnitRegistered, { unitId: TOWNSHIP, name: '衡山镇', kind: 'township', parentUnitId: null, registeredOn: '2019-03-01' }],
  [domain.UnitRenamed, { unitId: TOWNSHIP, name: '衡山镇人民政府' }],
  [domain.UnitMerged, { unitId: TOWNSHIP, intoUnitId: VERIFIER_UNIT, mergedOn: '2019-03-01' }],
  [domain.UnitLeaderAppointed, leader],
  [domain.UnitLeaderLeft, { unitId: TOWNSHIP, leaderId: EARLIER_PROBLEM, until: '2019-07-14' }],
  [
    domain.CommentPosted,
    {
      problemId: PROBLEM,
      commentNumber: 2,
      kind: 'answer',
      text: '已报送',
      files: [file],
      replyTo: 1,
      postedByUnitId: TOWNSHIP,
      postedOn: '2019-03-05',
    },
  ],
  [domain.LedgerNumberReserved, { sequence: 1, raised: raisedData, assignment: raiseAssignment }],
  [
    domain.PolicyAdopted,
    { version: 1, document: { ...domain.defaultPolicy, name: '2019年度整改考核办法' }, reason: '县考核委员会审议通过' },
  ],
  [
    domain.CalendarAdopted,
    {
      version: 1,
      document: {
        name: '2019年工作日历',
        years: [2019],
        holidays: ['2019-10-01'],
        workingWeekends: ['2019-09-29'],
        source: '国务院办公厅关于2019年部分节假日安排的通知',
        marked: 'published schedule',
      },
      reason: '国务院办公厅通知发布',
    },
  ],
  [
    domain.InterviewHeld,
    {
      interviewId: EARLIER_PROBLEM,
      triggerId: `item_overdue:${PROBLEM}:2019-06-30`,
      rule: 'item_overdue',
      level: 'interview',
      unitId: TOWNSHIP,
      problemIds: [PROBLEM],
      ledgerNumbers: ['GJ-2019-001'],
      interviewee: '镇党委书记',
      interviewer: '县委副书记',
      heldOn: '2019-07-02',
      outcome: '限期两周整改到位',
    },
  ],
  [
    domain.ExemptionGranted,
    {
      exemptionId: EARLIER_PROBLEM,
      year: 2019,
      unitId: TOWNSHIP,
      lineId: 'unfinished_at_year_end:6f1c1b8e-3d0a-4c55-9a51-7b0c0f2f9d41',
      rule: 'unfinished_at_year_end',
      problemId: PROBLEM,
      eventIds: ['6f1c1b8e-3d0a-4c55-9a51-7b0c0f2f9d41'],
      points: -3,
      reason: '汛期道路中断，属客观原因',
      approvedBy: '县考核委员会',
    },
  ],
  [
    domain.ExemptionApplied,
    {
      applicationId: EARLIER_PROBLEM,
      year: 2019,
      unitId: TOWNSHIP,
      lineId: 'unfinished_at_year_end:6f1c1b8e-3d0a-4c55-9a51-7b0c0f2f9d41',
      rule: 'unfinished_at_year_end',
      problemId: PROBLEM,
      eventIds: ['6f1c1b8e-3d0a-4c55-9a51-7b0c0f2f9d41'],
      points: -3,
      applicantUnitId: TOWNSHIP,
      distinction: 'unintentional_for_development',
      statement: '汛期道路中断，施工队无法进场',
      files: [file],
      appliedOn: '2020-01-06',
      reviewBy: '2020-01-20',
      reviewDays: 10,
      reviewDayKind: 'working',
    },
  ],
  [
    domain.ExemptionRefused,
    {
      applicationId: EARLIER_PROBLEM,
      year: 2019,
      unitId: TOWNSHIP,
      lineId: 'unfinished_at_year_end:6f1c1b8e-3d0a-4c55-9a51-7b0c0f2f9d41',
      reasons: '道路中断仅两周',
      decidedBy: '县考核委员会',
    },
  ],
  [
    domain.ExemptionApplicationWithdrawn,
    { applicationId: EARLIER_PROBLEM, year: 2019, unitId: TOWNSHIP, lineId: 'unfinished_at_year_end:6f1c1b8e-3d0a-4c55-9a51-7b0c0f2f9d41' },
  ],
  [
    domain.AssessmentItemRecorded,
    {
      itemId: EARLIER_PROBLEM,
      year: 2019,
      unitId: TOWNSHIP,
      kind: 'task_completion',
      points: -2.5,
      title: '易地扶贫搬迁任务未按期完成',
      evidence: '县发改委年终核查：计划120户，完成96户',
      files: [file],
    },
  ],
  [
    domain.AssessmentFinalized,
    {
      year: 2019,
      policyVersion: 0,
      asOf: '2020-01-15T10:00:00+08:00',
      position: 1234,
      cardsHash: 'b'.repeat(64),
      cards: [{ unitId: TOWNSHIP, score: 95, grade: 'good', veto: false, rank: 1 }],
    },
  ],
  [
    domain.BulletinPublished,
    {
      month: '2019-06',
      policyVersion: 0,
      asOf: '2019-06-30T23:59:59.999+08:00',
      position: 1234,
      bulletinHash: 'c'.repeat(64),
      county: { raised: 7, closed: 3, overdue: 3, onTimeClosureRate: 0.5 },
    },
  ],
  ...accountSamples(),
  ...hotlineSamples(),
  ...sweepSamples(),
  [domain.RegisterSourceDocument, sourceDocument],
  [domain.SourceDocumentRegistered, sourceDocument],
  [domain.NotificationsBegan, { fromPosition: 41 }],
  [
    domain.NotificationChannelConfigured,
    {
      channelId: 'dingtalk-office',
      name: '督查室钉钉群',
      config: {
        kind: 'webhook',
        format: 'dingtalk',
        url: 'https://oapi.dingtalk.com/robot/send',
        secret: null,
        signed: true,
        sealed: {
          alg: 'A256GCM',
          keyId: '0123456789abcdef',
          iv: 'aXYtaXYtaXYtaXYt',
          tag: 'dGFnLXRhZy10YWctdGFnLQ==',
          ciphertext: 'c2VhbGVk',
        },
      },
    },
  ],
  [domain.NotificationChannelRemoved, { channelId: 'dingtalk-office' }],
  [domain.NotificationPreferencesSet, { userId: PROBLEM, channels: ['county-mail'], dailyDigest: true, email: 'wang@example.cn' }],
  [
    domain.NotificationRecorded,
    {
      notificationId: PROBLEM,
      sourceEventId: 'event-1',
      recipientUserId: TOWNSHIP,
      kind: 'deadline_reminder',
      subject: '整改时限提醒',
      body: 'GJ-2019-001 三日后到期',
      problemId: PROBLEM,
      unitId: TOWNSHIP,
      channels: ['county-mail'],
    },
  ],
  [domain.NotificationRead, { notificationId: PROBLEM }],
  [
    domain.DeliveryClaimed,
    {
      deliveryId: PROBLEM,
      notificationId: PROBLEM,
      channelId: 'county-mail',
      attempt: 1,
      leaseUntil: '2019-06-27T09:01:00+08:00',
      claimedBy: 'server-1',
    },
  ],
  [domain.DeliverySucceeded, { deliveryId: PROBLEM, attempt: 1 }],
  [domain.DeliveryFailed, { deliveryId: PROBLEM, attempt: 1, error: 'connect ECONNREFUSED', nextAttemptAt: '2019-06-27T09:05:00+08:00' }],
  ...importSamples(),
  ...scheduleSamples(),
];

/** 问题清单导入: the accepted list carries every checked row; a file name comes from the uploader. */
function importSamples(): [Definition, Record<string, unknown>][] {
  const row = {
    row: 2,
    source: 'county_self_check',
    category: 'housing',
    description: '危房未改造',
    unitId: TOWNSHIP,
    responsiblePerson: '储',
    deadline: '2019-06-30',
  };
  return [
    [domain.ProblemsImportAccepted, { contentHash: 'c'.repeat(64), fileName: '问题清单.xlsx', rows: [row] }],
    [domain.ProblemsImportCompleted, { contentHash: 'c'.repeat(64), rowCount: 1 }],
  ];
}

/** Accounts: logins, names, roles, password hashes (computed outside the domain) and reasons. */
function accountSamples(): [Definition, Record<string, unknown>][] {
  const user = {
    userId: PROBLEM,
    login: 'chu.head',
    displayName: '储镇长',
    roles: ['unit_head'],
    unitId: TOWNSHIP,
    passwordHash: `scrypt$16384$8$1$${'s'.repeat(22)}$${'h'.repeat(43)}`,
  };
  return [
    [domain.RegisterUser, user],
    [domain.ChangePassword, { userId: PROBLEM, passwordHash: user.passwordHash, by: 'self' }],
    [domain.ChangeRoles, { userId: PROBLEM, roles: ['verifier'], unitId: TOWNSHIP }],
    [domain.DisableUser, { userId: PROBLEM, reason: '调离' }],
    [domain.EnableUser, { userId: PROBLEM }],
    [domain.RevokeSessions, { userId: PROBLEM }],
    [domain.UserRegistered, { ...user, registeredOn: '2019-03-01' }],
    [domain.PasswordChanged, { userId: PROBLEM, passwordHash: user.passwordHash, by: 'admin' }],
    [domain.RolesChanged, { userId: PROBLEM, roles: ['verifier'], unitId: TOWNSHIP }],
    [domain.UserDisabled, { userId: PROBLEM, reason: '调离' }],
    [domain.UserEnabled, { userId: PROBLEM }],
    [domain.SessionsRevoked, { userId: PROBLEM }],
  ];
}

/** What the scheduler writes (domain/schedule/): ids, days and instants only. */
function scheduleSamples(): [Definition, Record<string, unknown>][] {
  const dueAt = '2019-06-23T09:00:00.000+08:00';
  return [
    [domain.DeadlineReminderDue, { problemId: PROBLEM, unitId: TOWNSHIP, deadline: '2019-06-30', daysBefore: 7, dueAt }],
    [domain.DeadlinePassed, { problemId: PROBLEM, unitId: TOWNSHIP, deadline: '2019-06-30', dueAt }],
    [
      domain.EscalationReached,
      {
        triggerId: `item_overdue:${PROBLEM}:2019-06-30`,
        rule: 'item_overdue',
        unitId: TOWNSHIP,
        level: 'supervision',
        problemIds: [PROBLEM],
        dueAt,
      },
    ],
    [domain.RecheckDue, { problemId: PROBLEM, unitId: TOWNSHIP, closedOn: '2019-03-25', dueOn: '2019-06-23', dueAt }],
    [domain.RecheckOverdue, { problemId: PROBLEM, unitId: TOWNSHIP, dueOn: '2019-06-22', dueAt }],
    [domain.SupervisionReplyOverdue, { problemId: PROBLEM, unitId: TOWNSHIP, supervisionCount: 1, finishBy: '2019-06-22', dueAt }],
    [domain.DailyOverdueDigestDue, { day: '2019-06-23', dueAt }],
    [domain.DailyDigestDue, { day: '2019-06-23', dueAt }],
    [domain.YearNotFinalized, { year: 2018, dueAt }],
    [domain.SweepAnswerDue, { sweepId: PROBLEM, unitId: TOWNSHIP, answerBy: '2019-06-30', daysBefore: 3, dueAt }],
  ];
}

/** Sweeps (举一反三排查): the office's instruction, the units' answers, the reason for closing. */
function sweepSamples(): [Definition, Record<string, unknown>][] {
  const order = {
    sweepId: PROBLEM,
    originProblemId: EARLIER_PROBLEM,
    originLedgerNumber: 'GJ-2019-001',
    category: 'housing',
    unitIds: [TOWNSHIP],
    answerBy: '2019-07-10',
    instruction: '对照危房改造问题，逐户排查',
  };
  const answer = {
    sweepId: PROBLEM,
    unitId: TOWNSHIP,
    answer: 'found',
    text: '3户危房未改造',
    signedBy: '王镇长',
    problemId: EARLIER_PROBLEM,
  };
  return [
    [domain.OrderSweep, order],
    [domain.AnswerSweep, answer],
    [domain.CloseSweep, { sweepId: PROBLEM, reason: '排查完毕' }],
    [domain.SweepOrdered, { ...order, orderedOn: '2019-07-01' }],
    [domain.SweepAnswered, { ...answer, answeredOn: '2019-07-05' }],
    [domain.SweepClosed, { sweepId: PROBLEM, reason: '排查完毕', closedOn: '2019-07-12' }],
  ];
}

/** The 12317 hotline: what the public types, and the office's reasons. */
function hotlineSamples(): [Definition, Record<string, unknown>][] {
  const report = { reportId: PROBLEM, receiptCode: 'K7QM-2F9X-P4TD', text: '低保评定不公', contact: '138****0000', unitId: TOWNSHIP };
  return [
    [domain.SubmitHotlineReport, report],
    [domain.TriageHotlineReport, { reportId: PROBLEM, problemId: EARLIER_PROBLEM }],
    [domain.DismissHotlineReport, { reportId: PROBLEM, reason: '不属于扶贫领域' }],
    [domain.HotlineReportSubmitted, { ...report, submittedOn: '2019-08-12' }],
    [domain.HotlineReportTriaged, { reportId: PROBLEM, problemId: EARLIER_PROBLEM }],
    [domain.HotlineReportDismissed, { reportId: PROBLEM, reason: '不属于扶贫领域' }],
  ];
}

/** The paths of every string in a sample: the fields a person or a client could fill with a paste. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

function withValueAt(sample: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(sample) ? [...sample] : { ...(sample as object) }) as Record<string | number, unknown>;
  copy[head!] = withValueAt(copy[head!], rest, value);
  return copy;
}

describe('a 10 MB paste is refused by every command and event schema', () => {
  it('the samples cover every command and every event the domain knows', () => {
    const sampled = samples.map(([d]) => d.type).sort();
    const known = [
      ...domain.ProblemCommand.options.map((o) => o.shape.type.value),
      ...domain.UnitCommand.options.map((o) => o.shape.type.value),
      ...domain.AccountCommand.options.map((o) => o.shape.type.value),
      ...domain.HotlineCommand.options.map((o) => o.shape.type.value),
      ...domain.SweepCommand.options.map((o) => o.shape.type.value),
      ...domain.SourceDocumentCommand.options.map((o) => o.shape.type.value),
      ...domain.domainEventDefinitions.map((d) => d.type),
    ].sort();
    expect(sampled).toStrictEqual(known);
    expect(sampled).toHaveLength(114);
  });

  it.each(samples.map(([d, data]) => [d.type, d, data] as const))('%s: the sample itself is valid', (_type, definition, data) => {
    const result = definition.schema.safeParse({ type: definition.type, data });
    expect(result.error?.issues ?? []).toStrictEqual([]);
  });

  const cases = samples.flatMap(([definition, data]) =>
    stringPaths(data).map((path) => [`${definition.type}.${path.join('.')}`, definition, data, path] as const),
  );

  it.each(cases)('%s', (_name, definition, data, path) => {
    const result = definition.schema.safeParse({ type: definition.type, data: withValueAt(data, path, TEN_MB) });
    expect(result.success).toBe(false);
    const issues = result.error!.issues;
    expect(issues.map((i) => i.path.join('.'))).toContain(['data', ...path].join('.'));
    for (const issue of issues) {
      expect(issue.message.length).toBeLessThan(500);
      expect(issue.message).not.toContain('x'.repeat(50));
    }
  });

  it('a 10 MB description is refused with the field and the limit named', () => {
    const result = domain.RaiseProblem.schema.safeParse({ type: 'RaiseProblem', data: { ...raisedData, description: TEN_MB } });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toStrictEqual([
      ['data.description', 'must be at most 5000 characters'],
    ]);
  });

  it('a 10 MB evidence description is refused with the field and the limit named', () => {
    const result = domain.RectificationReported.schema.safeParse({
      type: 'RectificationReported',
      data: { problemId: PROBLEM, evidence: { description: TEN_MB, files: [] } },
    });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toStrictEqual([
      ['data.evidence.description', 'must be at most 5000 characters'],
    ]);
  });
});
