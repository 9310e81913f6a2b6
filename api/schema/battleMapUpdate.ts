import { Repeater } from 'graphql-yoga';
import { UnauthenticatedError } from '../../domain/index.js';
import { watchSession } from '../authentication.js';
import type { BattleMapUpdate as Update } from '../../projections/readModels.js';
import { builder } from './builder.js';
import { knownUnit, unitRow } from './args.js';
import { LightEnum } from './battleMap.js';
import { InterviewTriggerRef } from './interviewTrigger.js';
import { ProblemStatusEnum } from './problem.js';
import { UnitRef } from './unit.js';

/** The stream's last message: why it ends (the sign-in it rests on no longer holds). */
type Ended = { ended: UnauthenticatedError };

const BattleMapUpdateRef = builder.objectRef<Update>('BattleMapUpdate').implement({
  description: 'A change on the battle map, pushed live: the item an event changed, its light now, and any trigger it newly raised.',
  fields: (t) => ({
    position: t.field({ type: 'Float', description: 'Log position of the event.', resolve: (u) => u.position }),
    occurredAt: t.exposeString('occurredAt', { description: 'When the event happened.' }),
    eventType: t.exposeString('eventType', { description: 'What happened, e.g. DeadlineExtended.' }),
    ledgerNumber: t.string({ description: 'The item changed.', resolve: (u) => u.item.ledgerNumber }),
    unit: t.field({ type: UnitRef, nullable: true, description: 'Its responsible unit.', resolve: (u, _a, ctx) => unitRow(ctx, u.item.unitId) }),
    status: t.field({ type: ProblemStatusEnum, description: 'Its status now.', resolve: (u) => u.item.status }),
    light: t.field({ type: LightEnum, description: 'Its light now.', resolve: (u) => u.item.light }),
    newTriggers: t.field({ type: [InterviewTriggerRef], description: 'Interview triggers of its unit that were not there before.', resolve: (u) => u.newTriggers }),
  }),
});

builder.subscriptionType({ description: 'Live pushes over server-sent events (send Accept: text/event-stream).' });

builder.subscriptionField('battleMapUpdates', (t) =>
  t.field({
    type: BattleMapUpdateRef,
    description: 'Every change to a problem as the log delivers it, with its new light and the triggers it raised.',
    args: { unitId: t.arg.id({ required: false, description: 'Only changes to this unit’s problems.' }) },
    subscribe: (_root, args, ctx) => {
      const only = knownUnit(ctx, args.unitId);
      const { auth } = ctx;
      // The authorization layer let only a signed-in caller through; the stream lives as long as that sign-in.
      if (auth.kind !== 'signed_in') throw new UnauthenticatedError('UNAUTHENTICATED', 'Log in first.');
      // A place among the live streams, or TOO_MANY_STREAMS; given back when the stream closes.
      const release = ctx.limits.openStream(auth.user.userId);
      const stream = new Repeater<Update | Ended>(async (push, stop) => {
        const endSession = watchSession(auth, ctx, (why) => {
          void push({ ended: new UnauthenticatedError('UNAUTHENTICATED', why.message, { reason: why.reason }) });
          stop();
        });
        const off = ctx.readModels.followBattleMap(only, ctx.clock, (update) => void push(update));
        await stop;
        off();
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
