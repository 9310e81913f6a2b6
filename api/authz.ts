import { type GraphQLFieldResolver, type GraphQLSchema, defaultFieldResolver, isObjectType } from 'graphql';
import { ForbiddenError, type Role, UnauthenticatedError, isAssigned } from '../domain/index.js';
import type { EventMetadata, RecordedEvent } from '../eventstore/port.js';
import { ledgerView } from '../projections/ledgerView.js';
import type { AccountRow } from '../projections/accountsView.js';
import type { Context } from './context.js';

/**
 * Who may do what: the whole policy, in one table, enforced in one place.
 *
 * Why a table and a schema pass rather than Pothos' scope-auth plugin: scope-auth puts the scopes
 * on each field where it is defined (spread over every schema file) and lets a field without
 * scopes through. Here a mutation with no rule is refused (deny by default), the policy reads in
 * one screen, and the matrix test (tests/authz.matrix.e2e.test.ts) walks the schema against it.
 *
 * - `public`: anyone, no token needed (login, the 12317 hotline).
 * - `signed_in`: any valid token.
 * - a list of roles: the user must hold one of them; the first one held is the role recorded in
 *   the event's metadata. `scope` adds a check on the problem named by the `problemId` argument.
 *
 * The table may name fields that are not in the schema yet (other work adds them).
 */
export type Rule =
  | { who: 'public' }
  | { who: 'signed_in' }
  | { who: readonly Role[]; scope?: 'own_unit_problem' | 'other_unit_problem' | 'involved_unit_problem' };

const office = { who: ['office'] } as const;
const admin = { who: ['admin'] } as const;
const committee = { who: ['committee'] } as const;
const signedIn = { who: 'signed_in' } as const;
const anyone = { who: 'public' } as const;
/** 责任单位: only for the problems their own unit is responsible for. */
const unitHeadOwnUnit = { who: ['unit_head'], scope: 'own_unit_problem' } as const;
/** 牵头单位 or 配合单位: for the problems their unit leads or helps on. */
const unitHeadInvolvedUnit = { who: ['unit_head'], scope: 'involved_unit_problem' } as const;
/** 验收: never for a problem of their own unit. */
const verifierOtherUnit = { who: ['verifier'], scope: 'other_unit_problem' } as const;

export const rules: Readonly<Record<string, Rule>> = {
  // The supervision office (督查办): the ledger's daily work, closing (销号) after verification included.
  'Mutation.raiseProblem': office,
  'Mutation.assignProblem': office,
  'Mutation.setDeadline': office,
  'Mutation.extendDeadline': office,
  'Mutation.orderSupervision': office,
  'Mutation.reopenProblem': office,
  'Mutation.closeProblem': office,
  'Mutation.recordInterview': office,
  'Mutation.triageHotlineReport': office,
  'Mutation.dismissHotlineReport': office,
  'Mutation.importProblems': office,
  'Mutation.previewImport': office,
  // 举一反三: linking a problem to an earlier one (复发 / 相关), also across units.
  'Mutation.linkProblem': office,
  // Responsible units (责任单位负责人), for their own unit's items.
  'Mutation.acknowledgeAssignment': unitHeadOwnUnit,
  'Mutation.submitPlan': unitHeadOwnUnit,
  // 整改进展: the lead unit and each co-responsible unit (配合单位) on its part; the fix itself only the lead (reportRectified).
  'Mutation.reportProgress': unitHeadInvolvedUnit,
  'Mutation.reportRectified': unitHeadOwnUnit,
  'Mutation.replyToSupervision': unitHeadOwnUnit,
  // Verifiers (验收), never for their own unit's items.
  'Mutation.passVerification': verifierOtherUnit,
  'Mutation.rejectVerification': verifierOtherUnit,
  // 回头看 (巩固): the office, or a verifier of another unit than the responsible one.
  'Mutation.confirmConsolidation': { who: ['office', 'verifier'], scope: 'other_unit_problem' },
  // The assessment committee (考核委员会).
  'Mutation.grantExemption': committee,
  'Mutation.finalizeAssessment': committee,
  // 容错纠错 reviewed: a unit's head applies for (and withdraws) an exemption on their own unit's card,
  // the unit checked by the domain against their account's; the committee decides. 考核事项: the committee.
  'Mutation.applyForExemption': { who: ['unit_head'] },
  'Mutation.withdrawExemptionApplication': { who: ['unit_head'] },
  'Mutation.decideExemptionApplication': committee,
  'Mutation.recordAssessmentItem': committee,
  // The county calendar (工作日历: holidays and 调休), on which deadlines in working days are counted.
  'Mutation.adoptCalendar': { who: ['committee', 'office'] },
  // Admins: units, users, policies.
  'Mutation.registerUnit': admin,
  'Mutation.adoptPolicy': admin,
  'Mutation.registerUser': admin,
  'Mutation.resetPassword': admin,
  'Mutation.changeRoles': admin,
  'Mutation.disableUser': admin,
  'Mutation.enableUser': admin,
  'Mutation.configureNotificationChannel': admin,
  'Mutation.removeNotificationChannel': admin,
  // Everyone's own session.
  'Mutation.login': anyone,
  'Mutation.logout': signedIn,
  'Mutation.changePassword': signedIn,
  // Notifications (通知): everyone their own inbox and preferences; the outbox and its failures for admins.
  'Mutation.markNotificationsRead': signedIn,
  'Mutation.setNotificationPreferences': signedIn,
  'Query.myNotifications': signedIn,
  'Query.unreadNotificationCount': signedIn,
  'Query.myNotificationPreferences': signedIn,
  'Query.notificationChannelChoices': signedIn,
  'Query.notificationChannels': admin,
  'Query.notificationDeliveries': admin,
  'Query.failedDeliveryCount': admin,
  // The public hotline (12317): rate-limited in its resolvers.
  'Mutation.submitHotlineReport': anyone,
  'Query.hotlineReportStatus': anyone,
  // Reading: the ledger and the battle map for everyone signed in (see `redactions` for evidence).
  'Query.problem': signedIn,
  'Query.problems': signedIn,
  'Query.units': signedIn,
  // 举一反三: every signed-in user, unit heads included, reads every unit's problems already (Query.problems); similar cases are how units learn from each other.
  'Query.similarProblems': signedIn,
  'Query.me': signedIn,
  'Query.hotlineReports': office,
  'Query.auditLog': { who: ['office', 'admin'] },
  'Query.users': admin,
  // Walking the whole log is heavy and tells about everything: admins (as its description says).
  'Query.verifyLedger': admin,
  // Recomputing a finalized year walks the whole log too: for the committee that finalized it and admins.
  'Query.verifyAssessment': { who: ['committee', 'admin'] },
  // Reports (通报), also downloaded from /reports/… under the same rules (api/reports.ts): the year's
  // assessment result for the committee and the office that issues it; the quarter's inspection for everyone signed in.
  'Query.assessmentReport': { who: ['committee', 'office'] },
  'Query.inspectionReport': signedIn,
  // Operations: whether this server is current with the log (as /readyz), for anyone, like the probe.
  'Query.serverStatus': anyone,
  // 月通报: the office publishes it (the scheduler too, at each month's end); it is sent to every unit, so everyone signed in
  // reads it whole. Verifying it walks the whole log, like verifyAssessment: the office that publishes it, the committee, admins.
  'Mutation.publishBulletin': office,
  'Query.bulletin': signedIn,
  'Query.verifyBulletin': { who: ['office', 'committee', 'admin'] },
  // 举一反三排查: the office orders and closes; a unit head answers for their own unit only (the unit comes
  // from the token, never from the request, and the sweep refuses a unit it did not ask).
  'Mutation.orderSweep': office,
  'Mutation.closeSweep': office,
  'Mutation.answerSweep': { who: ['unit_head'] },
  'Query.sweeps': signedIn,
  'Query.sweep': signedIn,
  'Query.pendingSweeps': signedIn,
  // Which months were published: as public as the bulletins themselves.
  'Query.bulletinPublications': signedIn,
  // 来源文件 and 对账: the office registers the superiors' documents; everyone signed in reads them and
  // their reconciliation (the ledger is open to them already), also as .xlsx (/reports/reconciliation/…).
  'Mutation.registerSourceDocument': office,
  'Query.sourceDocuments': signedIn,
  'Query.reconciliation': signedIn,
  // 自查上报: a unit head reports a problem of their own unit (the unit comes from the token; the domain
  // refuses a self-report for any other unit, raiseProblem's included).
  'Mutation.selfReportProblem': { who: ['unit_head'] },
  // 牵头单位 / 配合单位, 转办 and 延期申请 (issue 13): the office assigns, transfers and decides; the lead unit's head requests.
  'Mutation.changeCoResponsibleUnits': office,
  'Mutation.transferProblem': office,
  'Mutation.requestExtension': unitHeadOwnUnit,
  'Mutation.approveExtensionRequest': office,
  'Mutation.refuseExtensionRequest': office,
  'Query.extensionRequests': office,
  // 领导班子: the office (or an admin) records the units' leaders and their days in post.
  'Mutation.appointUnitLeader': { who: ['office', 'admin'] },
  'Mutation.recordUnitLeaderLeft': { who: ['office', 'admin'] },
  // 批示 by the office; 回复 by the head of the responsible unit, for their own unit's items.
  'Mutation.postInstruction': office,
  'Mutation.answerInstruction': unitHeadOwnUnit,
  // 迁移导入: how an import reads a ledger (its table of 整改状态 terms): for everyone signed in, as the vocabulary.
  'Query.importTerms': signedIn,
};

/**
 * Root fields without a rule: a mutation is refused; a query or subscription needs a valid token
 * (reading the ledger is for signed-in users; the public reads only what the table opens).
 */
const defaults: Record<string, Rule | undefined> = { Query: signedIn, Mutation: undefined, Subscription: signedIn };

/**
 * Fields of scoped data that everyone signed in may reach but not everyone may see: the value is
 * replaced. A unit head sees the county's whole battle map and every problem's history, but the
 * evidence (整改佐证) another unit submitted is withheld: the event stays in the history (type,
 * time, actor) and its data becomes `{ withheld: "EVIDENCE_OF_ANOTHER_UNIT", problemId }`.
 */
export const redactions: Readonly<Record<string, (value: unknown, parent: unknown, ctx: Context) => unknown>> = {
  'LedgerEvent.data': (value, parent, ctx) => {
    const event = parent as RecordedEvent;
    // 批示 / 回复 carry files (evidence too) and speak to one unit: withheld like a 督办 reply.
    if (event.type !== 'RectificationReported' && event.type !== 'SupervisionReplied' && event.type !== 'CommentPosted') return value;
    const problemId = (event.data as { problemId: string }).problemId;
    return seesEvidence(ctx, problemId) ? value : { withheld: 'EVIDENCE_OF_ANOTHER_UNIT', problemId };
  },
  // A 督办 reply's files are evidence too (the reply's text stays: it says what was done, as progress does).
  'SupervisionReply.files': (value, parent, ctx) => {
    const problemId = (parent as { problemId: string }).problemId;
    return seesEvidence(ctx, problemId) ? value : [];
  },
  // A 容错纠错 application's statement and files are its unit's evidence too: withheld from other units' heads.
  'ExemptionApplication.statement': (value, parent, ctx) =>
    seesUnitEvidence(ctx, (parent as { unitId: string }).unitId) ? value : 'EVIDENCE_OF_ANOTHER_UNIT',
  'ExemptionApplication.files': (value, parent, ctx) => (seesUnitEvidence(ctx, (parent as { unitId: string }).unitId) ? value : []),
};

/** A unit's evidence outside the ledger (a 容错纠错 application's): withheld only from someone who is a unit head alone, of another unit. */
function seesUnitEvidence(ctx: Context, unitId: string): boolean {
  if (ctx.auth.kind !== 'signed_in') return true;
  const { user } = ctx.auth;
  return user.roles.some((r) => r !== 'unit_head') || user.unitId === unitId;
}

/** Evidence (整改佐证, 督办回复 files) of a problem: withheld only from someone who is a unit head alone, of another unit. */
function seesEvidence(ctx: Context, problemId: string): boolean {
  if (ctx.auth.kind !== 'signed_in') return true;
  const { user } = ctx.auth;
  // Only someone who reads the ledger as a unit head alone; office, verifiers and committee need the evidence.
  if (user.roles.some((r) => r !== 'unit_head')) return true;
  const row = ctx.services.runner.state(ledgerView).problems.get(problemId);
  return row !== undefined && isAssigned(row.state) && row.state.responsibleUnitId === user.unitId;
}

/** The actor recorded in event metadata: the account behind the token, in the role the rule matched. */
function actorOf(user: AccountRow, role: string): EventMetadata['actor'] {
  return { userId: user.userId, name: user.displayName, unitId: user.unitId, role };
}

const PUBLIC_ACTOR: EventMetadata['actor'] = { userId: 'public', name: '公众 (12317)', unitId: null, role: 'public' };

function signedInUser(ctx: Context): AccountRow {
  if (ctx.auth.kind === 'signed_in') return ctx.auth.user;
  if (ctx.auth.kind === 'rejected') throw new UnauthenticatedError('UNAUTHENTICATED', ctx.auth.message, { reason: ctx.auth.reason });
  throw new UnauthenticatedError('UNAUTHENTICATED', 'Log in first: send "Authorization: Bearer <token>" (the login mutation gives one).', {
    reason: 'NO_TOKEN',
  });
}

/** Checks one rule for one field call; returns the actor to record, or throws UNAUTHENTICATED / FORBIDDEN. */
export async function authorize(
  field: string,
  rule: Rule | undefined,
  args: Record<string, unknown>,
  ctx: Context,
): Promise<EventMetadata['actor']> {
  const name = field.slice(field.indexOf('.') + 1);
  if (!rule) throw new ForbiddenError('FORBIDDEN', `${name} has no authorization rule, so nobody may use it.`, { reason: 'NO_RULE' });
  if (rule.who === 'public') return ctx.auth.kind === 'signed_in' ? actorOf(ctx.auth.user, ctx.auth.user.roles[0]!) : PUBLIC_ACTOR;
  const user = signedInUser(ctx);
  if (rule.who === 'signed_in') return actorOf(user, user.roles[0]!);
  const role = rule.who.find((r) => user.roles.includes(r));
  if (!role)
    throw new ForbiddenError('FORBIDDEN', `${name} is for ${rule.who.join(' or ')}; you are ${user.roles.join(', ')}.`, {
      reason: 'ROLE_NOT_ALLOWED',
    });
  if (rule.scope) await checkScope(rule.scope, String(args.problemId ?? ''), user, ctx);
  return actorOf(user, role);
}

type Scope = NonNullable<Extract<Rule, { scope?: unknown }>['scope']>;

/** Why a scoped rule refuses this user on a problem of that responsible (lead) unit and co-responsible units (null: it does not). */
function scopeRefusal(
  scope: Scope,
  user: AccountRow,
  responsibleUnitId: string | null,
  coResponsibleUnitIds: readonly string[] = [],
): 'OUTSIDE_YOUR_UNIT' | 'OWN_UNIT' | null {
  if (scope === 'own_unit_problem' && (responsibleUnitId === null || responsibleUnitId !== user.unitId)) return 'OUTSIDE_YOUR_UNIT';
  if (
    scope === 'involved_unit_problem' &&
    (responsibleUnitId === null || (responsibleUnitId !== user.unitId && !coResponsibleUnitIds.includes(user.unitId ?? '')))
  )
    return 'OUTSIDE_YOUR_UNIT';
  if (scope === 'other_unit_problem' && responsibleUnitId !== null && responsibleUnitId === user.unitId) return 'OWN_UNIT';
  return null;
}

async function checkScope(scope: Scope, problemId: string, user: AccountRow, ctx: Context) {
  // The problem's own stream, not the read model: the decision must not rest on a lagging view.
  const state = problemId ? await ctx.services.ledger.problemState(problemId) : undefined;
  const responsibleUnitId = state && isAssigned(state) ? state.responsibleUnitId : null;
  const coResponsibleUnitIds = state && isAssigned(state) ? state.coResponsibleUnitIds : [];
  const label = state && state.status !== 'not_raised' ? `Problem ${state.ledgerNumber}` : 'This problem';
  const refusal = scopeRefusal(scope, user, responsibleUnitId, coResponsibleUnitIds);
  if (refusal === 'OUTSIDE_YOUR_UNIT')
    throw new ForbiddenError('FORBIDDEN', `${label} is not your unit's: a unit head acts only on their own unit's items.`, {
      reason: refusal,
    });
  if (refusal === 'OWN_UNIT')
    throw new ForbiddenError('FORBIDDEN', `${label} is your own unit's: a verifier never verifies their own unit's work.`, {
      reason: refusal,
    });
}

/**
 * May this signed-in user run `Mutation.<name>` on a problem the unit `responsibleUnitId` is
 * responsible for (null: not assigned yet)? The question `authorize` answers for a request, asked
 * without one and from the same table, so what the server offers (`Problem.availableActions`) is
 * what it lets through.
 */
export function permits(
  field: string,
  user: AccountRow,
  responsibleUnitId: string | null,
  coResponsibleUnitIds: readonly string[] = [],
): boolean {
  const rule = rules[field] ?? defaults[field.slice(0, field.indexOf('.'))];
  if (!rule) return false;
  if (rule.who === 'public' || rule.who === 'signed_in') return true;
  if (!rule.who.some((r) => user.roles.includes(r))) return false;
  return !rule.scope || scopeRefusal(rule.scope, user, responsibleUnitId, coResponsibleUnitIds) === null;
}

/**
 * Wraps every root field (Query, Mutation, Subscription) with its rule and every redacted field
 * with its redaction. Done once, when the schema is built (api/schema/index.ts).
 */
export function enforceAuthorization(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, fallback] of Object.entries(defaults)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${typeName}.${field.name}`;
      const rule = rules[key] ?? fallback;
      const guard =
        (inner: GraphQLFieldResolver<unknown, Context>): GraphQLFieldResolver<unknown, Context> =>
        async (source, args, ctx, info) =>
          inner(source, args, { ...ctx, actor: await authorize(key, rule, args, ctx) }, info);
      if (typeName === 'Subscription' && field.subscribe) field.subscribe = guard(field.subscribe);
      else field.resolve = guard(field.resolve ?? defaultFieldResolver);
    }
  }
  for (const [key, redact] of Object.entries(redactions)) {
    const [typeName, fieldName] = key.split('.');
    const type = schema.getType(typeName!);
    const field = isObjectType(type) ? type.getFields()[fieldName!] : undefined;
    if (!field) throw new Error(`Redaction for ${key}, which is not in the schema`);
    const inner = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, ctx: Context, info) => redact(await inner(source, args, ctx, info), source, ctx);
  }
  return schema;
}
