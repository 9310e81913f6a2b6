import type { RecordedEvent } from '../../application/index.js';
import { builder } from './builder.js';

export const ActorRef = builder.objectRef<RecordedEvent['metadata']['actor']>('Actor').implement({
  description: 'Who did something: taken from their sign-in, recorded with the event.',
  fields: (t) => ({
    userId: t.exposeString('userId', { description: 'Account id.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    unitId: t.exposeString('unitId', { nullable: true, description: 'Their unit, if any.' }),
    role: t.exposeString('role', { description: 'The role they acted in.' }),
  }),
});

export const LedgerEventRef = builder.objectRef<RecordedEvent>('LedgerEvent').implement({
  description: 'One immutable fact in a stream: what happened, when, by whom.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Event id.' }),
    type: t.exposeString('type', { description: 'Event type, e.g. ProblemRaised.' }),
    revision: t.exposeInt('revision', { description: 'Position of the event within its stream, from 0.' }),
    position: t.field({ type: 'Float', description: 'Position in the global log.', resolve: (e) => e.position }),
    occurredAt: t.string({ description: 'When it happened (ISO-8601).', resolve: (e) => e.metadata.occurredAt }),
    actor: t.field({ type: ActorRef, description: 'Who did it.', resolve: (e) => e.metadata.actor }),
    commandId: t.string({ description: 'The command that produced it.', resolve: (e) => e.metadata.commandId }),
    data: t.field({ type: 'JSON', description: 'The event’s data as recorded.', resolve: (e) => e.data }),
  }),
});
