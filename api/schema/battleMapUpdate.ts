import { Repeater } from 'graphql-yoga';
import { UnauthenticatedError } from '../../domain/index.js';
import { watchSession } from '../authentication.js';
import type { InboxRow } from '../../projections/outboxView.js';
import type { BattleMapUpdate } from '../../projections/readModels.js';
import { builder } from './builder.js';
import { knownUnit, unitRow } from './args.js';
import { LightEnum } from './battleMap.js';
import { InterviewTriggerRef } from './interviewTrigger.js';
import { NotificationRef } from './notification.js';
import { ProblemStatusEnum } from './problem.js';
import { UnitRef } from './unit.js';

/** A change to a problem, or (asked for with `kinds`) a new notification for the caller. */
type Update =
  | ({ kind: 'problem' } & BattleMapUpdate)
  | { kind: 'notification'; position: number; occurredAt: string; eventType: string; notification: InboxRow };
/** The stream's last message: why it ends (the sign-in it rests on no longer holds). */
type Ended = { ended: UnauthenticatedError };

const UpdateKindEnum = builder.enumType('BattleMapUpdateKind', {
  description: 'What a live update is about: problem (a change to an item on the map), notification (a new 通知 in your own inbox).',
  values: ['problem', 'notification'] as const,
});

/** A problem update's item, or null on a notification update. */
const itemOf = (u: Update) => (u.kind === 'problem' ? u.item : null);

const BattleMapUpdateRef = builder.objectRef<Update>('BattleMapUpdate').implement({
  description:
    'A change on the battle map, pushed live: the item an event changed, its light now, and any trigger it newly raised; or, when asked for, a new notification for the caller (kind notification, the item fields null).',
  fields: (t) => ({
    kind: t.field({ type: UpdateKindEnum, description: 'problem or notification.', resolve: (u) => u.kind }),
    position: t.field({ type: 'Float', description: 'Log position of the event.', resolve: (u) => u.position }),
    occurredAt: t.exposeString('occurredAt', { description: 'When the event happened.' }),
    eventType: t.exposeString('eventType', {
      description: 'What happened, e.g. DeadlineExtended (NotificationRecorded for a notification).',
    }),
    ledgerNumber: t.string({
      nullable: true,
      description: 'The item changed (null on a notification update).',
      resolve: (u) => itemOf(u)?.ledgerNumber ?? null,
    }),
    unit: t.field({
      type: UnitRef,
      nullable: true,
      description: 'Its responsible unit.',
      resolve: (u, _a, ctx) => unitRow(ctx, itemOf(u)?.unitId ?? null),
    }),
    status: t.field({
      type: ProblemStatusEnum,
      nullable: true,
      description: 'Its status now (null on a notification update).',
      resolve: (u) => itemOf(u)?.status ?? null,
    }),
    light: t.field({
      type: LightEnum,
      nullable: true,
      description: 'Its light now (null on a notification update).',
      resolve: (u) => itemOf(u)?.light ?? null,
    }),
    newTriggers: t.field({
      type: [InterviewTriggerRef],
      description: 'Interview triggers of its unit that were not there before.',
      resolve: (u) => (u.kind === 'problem' ? u.newTriggers : []),
    }),
    notification: t.field({
      type: NotificationRef,
      nullable: true,
      description: 'The caller’s new notification (站内信), on a notification update; never another user’s.',
      resolve: (u) => (u.kind === 'notification' ? u.notification : null),
    }),
  }),
});

builder.subscriptionType({ description: 'Live pushes over server-sent events (send Accept: text/event-stream).' });

builder.subscriptionField('battleMapUpdates', (t) =>
  t.field({
    type: BattleMapUpdateRef,
    description:
      'Every change to a problem as the log delivers it, with its new light and the triggers it raised; with kinds including notification, the caller’s own new notifications too (the bell).',
    args: {
      unitId: t.arg.id({
        required: false,
        description: 'Only changes to this unit’s problems (the caller’s notifications are not filtered by it).',
      }),
      kinds: t.arg({
        type: [UpdateKindEnum],
        required: false,
        description: 'What to send: problem (the default), notification (the caller’s own new notifications), or both.',
      }),
    },
    subscribe: (_root, args, ctx) => {
      const only = knownUnit(ctx, args.unitId);
      const kinds = new Set(args.kinds ?? ['problem']);
      const { auth } = ctx;
      // The authorization layer let only a signed-in caller through; the stream lives as long as that sign-in.
      if (auth.kind !== 'signed_in') throw new UnauthenticatedError('UNAUTHENTICATED', 'Log in first.');
      // A place among the live streams, or TOO_MANY_STREAMS; given back when the stream closes.
      const release = ctx.limits.openStream(auth.user.userId);
      const stream = new Repeater<Update | Ended>(async (push, stop) => {
        const endSession = watchSession(auth, ctx.services, (why) => {
          void push({ ended: new UnauthenticatedError('UNAUTHENTICATED', why.message, { reason: why.reason }) });
          stop();
        });
        // The caller's own notifications only: each is recorded for one recipient.
        const offNotifications = kinds.has('notification')
          ? ctx.services.notifications.onNotification((notification) => {
              if (notification.recipientUserId !== auth.user.userId) return;
              void push({
                kind: 'notification',
                position: notification.position,
                occurredAt: notification.recordedAt,
                eventType: 'NotificationRecorded',
                notification,
              });
            })
          : () => {};
        const off = kinds.has('problem')
          ? ctx.services.readModels.followBattleMap(only, ctx.services.clock, (update) => void push({ kind: 'problem', ...update }))
          : () => {};
        await stop;
        off();
        offNotifications();
        endSession();
        release();
      });
      // Closed before it was ever read, the repeater never runs the code above: give the place back here too.
      const close = stream.return.bind(stream);
      stream.return = (value) => {
        release();
        return close(value);
      };
      return stream;
    },
    resolve: (update) => {
      if ('ended' in update) throw update.ended;
      return update;
    },
  }),
);
