import { type InterviewLevel, type InterviewRule, interviewLevelLabel, interviewRuleLabels } from '../policy/document.js';
import type { NotificationKind } from './events.js';

/** Who there is to tell: the accounts as they stood when the fact happened, and what the ledger knows of problems and units. */
export type Directory = {
  users: readonly { userId: string; roles: readonly string[]; unitId: string | null; active: boolean }[];
  /** 责任单位 of a problem, if assigned. */
  unitOfProblem: (problemId: string) => string | null;
  /** 台账编号 of a problem, or its id when unknown. */
  ledgerNumberOf: (problemId: string) => string;
  unitName: (unitId: string) => string;
};

/** A fact from the log, as the rules see it. */
export type Fact = { id: string; type: string; data: Record<string, unknown> };

export type NotificationDraft = {
  recipientUserId: string;
  kind: NotificationKind;
  subject: string;
  body: string;
  problemId: string | null;
  unitId: string | null;
};

/** One kind of fact worth telling people: who is told, and what they read (Chinese subject and body). */
export type NotificationRule = {
  kind: NotificationKind;
  recipients: (data: Record<string, unknown>, directory: Directory) => string[];
  text: (data: Record<string, unknown>, directory: Directory) => { subject: string; body: string };
};

const str = (data: Record<string, unknown>, key: string) => (typeof data[key] === 'string' ? (data[key] as string) : '');
const problemOf = (data: Record<string, unknown>) => str(data, 'problemId');

function holders(directory: Directory, role: string, unitId?: string | null): string[] {
  return directory.users
    .filter((u) => u.active && u.roles.includes(role) && (unitId === undefined || u.unitId === unitId))
    .map((u) => u.userId);
}
/** 责任单位负责人 of the unit responsible for the fact's problem (or named by the fact). */
const unitHeads = (data: Record<string, unknown>, d: Directory) => {
  const unitId = str(data, 'unitId') || d.unitOfProblem(problemOf(data));
  return unitId ? holders(d, 'unit_head', unitId) : [];
};
/** 验收: verifiers of any other unit than the responsible one (never their own unit's work). */
const verifiers = (data: Record<string, unknown>, d: Directory) => {
  const unitId = d.unitOfProblem(problemOf(data));
  return d.users.filter((u) => u.active && u.roles.includes('verifier') && u.unitId !== unitId).map((u) => u.userId);
};
const office = (_data: Record<string, unknown>, d: Directory) => holders(d, 'office');
/** 考核委员会 */
const committee = (_data: Record<string, unknown>, d: Directory) => holders(d, 'committee');
const both =
  (...audiences: ((data: Record<string, unknown>, d: Directory) => string[])[]) =>
  (data: Record<string, unknown>, d: Directory) => [...new Set(audiences.flatMap((a) => a(data, d)))];

const numbered = (data: Record<string, unknown>, d: Directory) => d.ledgerNumberOf(problemOf(data));

/**
 * The recipient rules, by event type. Open to extension: the scheduler's events (issue 11) are
 * named here by type so they notify as soon as they exist; `notificationRules[type] = …` adds one.
 */
export const notificationRules: Record<string, NotificationRule> = {
  VerificationRejected: {
    kind: 'verification_rejected',
    recipients: unitHeads,
    text: (data, d) => ({
      subject: `【验收不通过】${numbered(data, d)}`,
      body: `问题 ${numbered(data, d)} 的整改验收未通过（第 ${String(data.rejectionCount ?? 1)} 次），请按意见继续整改。\n意见：${str(data, 'reasons')}`,
    }),
  },
  SupervisionOrdered: {
    kind: 'supervision_ordered',
    recipients: unitHeads,
    // 办结时限 in the text: an order written before it was recorded keeps asking to finish in time.
    text: (data, d) => {
      const finishBy = str(data, 'finishBy');
      const ask = finishBy ? `请于 ${finishBy} 前办结并回复` : '请按时办结并回复';
      return {
        subject: `【督办】${numbered(data, d)}`,
        body: `督查办对问题 ${numbered(data, d)} 发出督办（第 ${String(data.supervisionCount ?? 1)} 次），${ask}。\n要求：${str(data, 'instruction')}`,
      };
    },
  },
  // 督办回复: the office that ordered it learns the unit answered.
  SupervisionReplied: {
    kind: 'supervision_replied',
    recipients: office,
    text: (data, d) => {
      const unitId = d.unitOfProblem(problemOf(data));
      const unit = unitId ? `${d.unitName(unitId)} ` : '';
      const reply = str(data, 'reply');
      const files = Array.isArray(data.files) && data.files.length > 0 ? `，附件 ${data.files.length} 个` : '';
      return {
        subject: `【督办回复】${numbered(data, d)}`,
        body: `${unit}已于 ${str(data, 'repliedOn')} 回复问题 ${numbered(data, d)} 的督办（第 ${String(data.supervisionCount ?? 1)} 次${files}）。\n回复：${reply.length > 1000 ? `${reply.slice(0, 1000)}…` : reply}`,
      };
    },
  },
  RectificationReported: {
    kind: 'awaiting_verification',
    recipients: verifiers,
    text: (data, d) => ({
      subject: `【待验收】${numbered(data, d)}`,
      body: `问题 ${numbered(data, d)} 已报整改完成，等待验收。`,
    }),
  },
  HotlineReportSubmitted: {
    kind: 'hotline_report',
    recipients: office,
    text: (data) => ({
      subject: '【12317 举报】新举报待处理',
      body: `收到一条新的 12317 举报（${str(data, 'submittedOn')}），请及时受理。\n内容：${str(data, 'text').slice(0, 500)}`,
    }),
  },
  InterviewHeld: {
    kind: 'interview_held',
    recipients: unitHeads,
    text: (data, d) => ({
      subject: `【约谈】${d.unitName(str(data, 'unitId'))}`,
      body: `${d.unitName(str(data, 'unitId'))} 已于 ${str(data, 'heldOn')} 被约谈（被约谈人：${str(data, 'interviewee')}）。\n约谈结果：${str(data, 'outcome')}`,
    }),
  },
  // The scheduler's events (issue 11): notify once they are registered.
  DeadlineReminderDue: {
    kind: 'deadline_reminder',
    recipients: unitHeads,
    text: (data, d) => ({
      subject: `【即将到期】${numbered(data, d)}`,
      body: `问题 ${numbered(data, d)} 的整改时限为 ${str(data, 'deadline')}，还有 ${String(data.daysBefore ?? '')} 天，请抓紧整改。`,
    }),
  },
  DeadlinePassed: {
    kind: 'deadline_passed',
    recipients: unitHeads,
    text: (data, d) => ({
      subject: `【已逾期】${numbered(data, d)}`,
      body: `问题 ${numbered(data, d)} 的整改时限 ${str(data, 'deadline')} 已过，尚未整改完成，已计入逾期。`,
    }),
  },
  EscalationReached: {
    kind: 'escalation_reached',
    recipients: both(unitHeads, office),
    text: (data, d) => {
      const unit = d.unitName(str(data, 'unitId'));
      const level = interviewLevelLabel[str(data, 'level') as InterviewLevel] ?? str(data, 'level');
      const rule = interviewRuleLabels[str(data, 'rule') as InterviewRule]?.zh ?? str(data, 'rule');
      const next = data.level === 'interview' ? '将安排约谈。' : '已下发督办，请按办结时限办结并回复。';
      return { subject: `【升级${level}】${unit}`, body: `${unit} 的约谈触发条件「${rule}」逾期未解决，已升级为${level}，${next}` };
    },
  },
  RecheckDue: {
    kind: 'recheck_due',
    recipients: verifiers,
    text: (data, d) => ({
      subject: `【回头看】${numbered(data, d)}`,
      body: `已销号问题 ${numbered(data, d)} 应于 ${str(data, 'dueOn')} 前开展回头看，请核查整改是否巩固。`,
    }),
  },
  // 回头看 past due reminds the office like any other deadline.
  RecheckOverdue: {
    kind: 'recheck_overdue',
    recipients: office,
    text: (data, d) => ({
      subject: `【回头看逾期】${numbered(data, d)}`,
      body: `已销号问题 ${numbered(data, d)} 的回头看应于 ${str(data, 'dueOn')} 完成，至今未确认巩固，请督促核查。`,
    }),
  },
  SupervisionReplyOverdue: {
    kind: 'supervision_reply_overdue',
    recipients: both(office, unitHeads),
    text: (data, d) => ({
      subject: `【督办未回复】${numbered(data, d)}`,
      body: `问题 ${numbered(data, d)} 的督办要求 ${str(data, 'finishBy')} 前办结，至今未回复。`,
    }),
  },
  DailyOverdueDigestDue: {
    kind: 'daily_overdue_digest',
    recipients: office,
    text: (data) => ({
      subject: `【每日逾期汇总】${str(data, 'day')}`,
      body: `${str(data, 'day')} 的逾期问题汇总已生成，请在台账中查看逾期清单。`,
    }),
  },
  YearNotFinalized: {
    kind: 'year_not_finalized',
    recipients: committee,
    text: (data) => ({
      subject: `【考核未定档】${String(data.year ?? '')} 年度`,
      body: `${String(data.year ?? '')} 年度已结束，年度考核尚未定档，请考核委员会及时审定。`,
    }),
  },
  // 月通报: the bulletin is sent to every unit (each unit head), and to the office that issues it.
  BulletinPublished: {
    kind: 'bulletin_published',
    recipients: (_data, d) => [...new Set([...holders(d, 'unit_head'), ...holders(d, 'office')])],
    text: (data) => {
      const month = str(data, 'month');
      const county = (data.county ?? {}) as Record<string, unknown>;
      const rate = typeof county.onTimeClosureRate === 'number' ? `${Math.round(county.onTimeClosureRate * 1000) / 10}%` : '—';
      return {
        subject: `【月通报】${month.replace('-', '年')}月`,
        body: `${month} 月通报已印发：全县新增问题 ${String(county.raised ?? 0)} 个，销号 ${String(county.closed ?? 0)} 个，月末逾期 ${String(county.overdue ?? 0)} 个，按期销号率 ${rate}。请在台账中查看本单位排名和问题清单。`,
      };
    },
  },
  // 举一反三排查: the heads of the units asked learn of the sweep, and are reminded before its answer-by day.
  SweepOrdered: {
    kind: 'sweep_ordered',
    recipients: (data, d) =>
      [...new Set(Array.isArray(data.unitIds) ? data.unitIds.map(String) : [])].flatMap((unitId) => holders(d, 'unit_head', unitId)),
    text: (data) => ({
      subject: `【举一反三排查】${str(data, 'originLedgerNumber')}`,
      body: `县督查办由问题 ${str(data, 'originLedgerNumber')} 发起举一反三排查，请对照排查本单位是否存在同类问题，于 ${str(data, 'answerBy')} 前反馈（发现同类问题或未发现）。\n要求：${str(data, 'instruction')}`,
    }),
  },
  SweepAnswerDue: {
    kind: 'sweep_answer_due',
    recipients: unitHeads,
    text: (data) => ({
      subject: '【排查待反馈】举一反三排查即将到期',
      body: `本单位尚未反馈的举一反三排查应于 ${str(data, 'answerBy')} 前反馈，还有 ${String(data.daysBefore ?? '')} 天。`,
    }),
  },
  // 每日汇总: each digest reader's own unread notifications, composed by the notifier (application/notifications/notifier.ts).
  DailyDigestDue: {
    kind: 'daily_digest',
    recipients: () => [],
    text: () => ({ subject: '', body: '' }),
  },
};

/** 批示 tells the responsible unit's heads; its answer (回复) tells the office. */
const commentPosted: NotificationRule = {
  kind: 'comment_posted',
  recipients: (data, d) => (data.kind === 'answer' ? office(data, d) : unitHeads(data, d)),
  text: (data, d) => {
    const text = str(data, 'text');
    const quoted = text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
    const files = Array.isArray(data.files) && data.files.length > 0 ? `（附件 ${data.files.length} 个）` : '';
    if (data.kind !== 'answer')
      return {
        subject: `【批示】${numbered(data, d)}`,
        body: `督查办对问题 ${numbered(data, d)} 作出批示${files}，请阅办并回复。\n批示：${quoted}`,
      };
    const unitId = str(data, 'postedByUnitId');
    return {
      subject: `【批示回复】${numbered(data, d)}`,
      body: `${unitId ? `${d.unitName(unitId)} ` : ''}已回复问题 ${numbered(data, d)} 的批示${files}。\n回复：${quoted}`,
    };
  },
};
notificationRules.CommentPosted = commentPosted;

/**
 * The notifications a fact causes: one per recipient, deduplicated, in a stable order (so a replay
 * decides the same). Only users whose account existed when the fact happened are in the directory.
 */
export function notificationsFor(fact: Fact, directory: Directory): NotificationDraft[] {
  const rule = notificationRules[fact.type];
  if (!rule) return [];
  const recipients = [...new Set(rule.recipients(fact.data, directory))].sort();
  if (recipients.length === 0) return [];
  const { subject, body } = rule.text(fact.data, directory);
  const problemId = problemOf(fact.data) || null;
  const unitId = str(fact.data, 'unitId') || (problemId ? directory.unitOfProblem(problemId) : null);
  return recipients.map((recipientUserId) => ({ recipientUserId, kind: rule.kind, subject, body, problemId, unitId }));
}
