import { ValidationError, instantWithOffsetMs } from '../../domain/index.js';
import { type AuditEntry, auditEntries, auditView } from '../../projections/auditView.js';
import { builder } from './builder.js';
import { ActorRef } from './event.js';

const AuditEntryRef = builder.objectRef<AuditEntry>('AuditEntry').implement({
  description: 'Who did what, when: one event’s metadata (its data is not repeated here).',
  fields: (t) => ({
    position: t.field({ type: 'Float', description: 'Position in the global log; page with `before`.', resolve: (e) => e.position }),
    occurredAt: t.exposeString('occurredAt', { description: 'When it happened (ISO-8601).' }),
    type: t.exposeString('type', { description: 'What happened: the event type, e.g. ProblemClosed or UserDisabled.' }),
    streamId: t.exposeString('streamId', { description: 'What it happened to: the stream, e.g. problem-<id> or user-<id>.' }),
    actor: t.field({ type: ActorRef, description: 'Who did it, in which role, for which unit.', resolve: (e) => e.actor }),
    commandId: t.exposeString('commandId', { description: 'The command (request) that produced it.' }),
  }),
});

function instant(value: string | null | undefined, field: string): number | null {
  if (value == null) return null;
  // A date alone is read as before (00:00 UTC); an instant by the one parser of instants (its offset written, a real one).
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(value) : instantWithOffsetMs(value);
  if (at === null || Number.isNaN(at))
    throw new ValidationError(
      'VALIDATION_FAILED',
      `${field} must be an ISO-8601 date or an instant with its offset (−12:00 to +14:00), e.g. 2019-06-30T00:00:00+08:00.`,
      { field },
    );
  return at;
}

builder.queryField('auditLog', (t) =>
  t.field({
    type: [AuditEntryRef],
    description: 'The audit trail, newest first, read from event metadata (office and admins). Filter by actor, unit and time.',
    args: {
      actorUserId: t.arg.string({ required: false, description: 'Only what this account did (its user id).' }),
      unitId: t.arg.id({ required: false, description: 'Only what was done by people acting for this unit.' }),
      from: t.arg.string({ required: false, description: 'From this instant on (ISO-8601, inclusive).' }),
      to: t.arg.string({ required: false, description: 'Before this instant (ISO-8601, exclusive).' }),
      before: t.arg.float({ required: false, description: 'Only entries older than this log position (the next page).' }),
      limit: t.arg.int({ required: false, description: 'At most this many entries (1–500, default 100).' }),
    },
    resolve: (_r, args, ctx) => {
      const from = instant(args.from, 'from');
      const to = instant(args.to, 'to');
      const limit = args.limit ?? 100;
      if (limit < 1 || limit > 500) throw new ValidationError('VALIDATION_FAILED', 'limit must be between 1 and 500.', { field: 'limit' });
      return auditEntries(ctx.services.runner.state(auditView), {
        actorUserId: args.actorUserId,
        unitId: args.unitId == null ? null : String(args.unitId),
        from,
        to,
        before: args.before,
        limit,
      });
    },
  }),
);
