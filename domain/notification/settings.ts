import { z } from 'zod';
import { IllegalStateError, NotFoundError, assertNever } from '../shared/errors.js';
import { Text } from '../shared/messages.js';
import {
  ChannelConfig,
  ChannelId,
  type DeliveryState,
  type RecordedChannelConfig,
  type NotificationChannelConfigured,
  NotificationChannelRemoved,
  NotificationPreferencesSet,
  decideDelivery,
  evolveDelivery,
  isSealed,
} from './events.js';

type ChannelEvent = z.infer<typeof NotificationChannelConfigured.schema> | z.infer<typeof NotificationChannelRemoved.schema>;
type PreferencesEvent = z.infer<typeof NotificationPreferencesSet.schema>;

/**
 * Commands an admin gives about channels, and a user about their preferences: the events' own
 * shapes, except that a channel is configured with its settings in clear (secrets included), checked
 * here, and sealed by the application before it is recorded.
 */
export const ConfigureNotificationChannel = z.object({
  type: z.literal('NotificationChannelConfigured'),
  data: z.object({ channelId: ChannelId, name: Text(50), config: ChannelConfig }),
});
export const RemoveNotificationChannel = NotificationChannelRemoved.schema;
export const SetNotificationPreferences = NotificationPreferencesSet.schema;

/** The configured channels (one stream): configuring the same thing again appends nothing. */
export type ChannelsState = ReadonlyMap<string, { name: string; config: RecordedChannelConfig }>;

export const channelsDecider = {
  initialState: new Map() as ChannelsState,
  evolve(state: ChannelsState, event: ChannelEvent): ChannelsState {
    const next = new Map(state);
    switch (event.type) {
      case 'NotificationChannelConfigured':
        next.set(event.data.channelId, { name: event.data.name, config: event.data.config });
        return next;
      case 'NotificationChannelRemoved':
        next.delete(event.data.channelId);
        return next;
      default:
        return assertNever(event);
    }
  },
  decide(state: ChannelsState, command: ChannelEvent): ChannelEvent[] {
    const current = state.get(command.data.channelId);
    if (command.type === 'NotificationChannelRemoved') {
      if (!current) throw new NotFoundError('CHANNEL_NOT_FOUND', `There is no channel ${command.data.channelId}.`, { field: 'channelId' });
      return [command];
    }
    // The log is never edited: a secret recorded in clear would stay there for good.
    const config = command.data.config;
    if (!isSealed(config) || (config.kind === 'webhook' && config.secret !== null))
      throw new IllegalStateError(
        'CHANNEL_NOT_SEALED',
        `Channel ${command.data.channelId}: its settings must be sealed before they are recorded.`,
      );
    const same =
      current &&
      JSON.stringify({ name: current.name, config: current.config }) ===
        JSON.stringify({ name: command.data.name, config: command.data.config });
    return same ? [] : [command];
  },
  schemaVersionOf: () => 1,
};

/** One user's preferences: setting the same again appends nothing. */
export const preferencesDecider = {
  initialState: null as PreferencesEvent['data'] | null,
  evolve: (_state: PreferencesEvent['data'] | null, event: PreferencesEvent) => event.data,
  decide: (state: PreferencesEvent['data'] | null, command: PreferencesEvent): PreferencesEvent[] =>
    JSON.stringify(state) === JSON.stringify(command.data) ? [] : [command],
  schemaVersionOf: () => 1,
};

/** A delivery's stream: claims and outcomes (see decideDelivery). */
export const deliveryDecider = {
  initialState: { status: 'none' } as DeliveryState,
  evolve: evolveDelivery,
  decide: decideDelivery,
  schemaVersionOf: () => 1,
};
