import {
  ConfigureNotificationChannel,
  INBOX,
  NotFoundError,
  RemoveNotificationChannel,
  SetNotificationPreferences,
  type RecordedChannelConfig,
  ValidationError,
  channelsDecider,
  isSealed,
  notificationChannelsStreamId,
  notificationPreferencesStreamId,
  notificationsStreamId,
  preferencesDecider,
} from '../../domain/index.js';
import { type CommandContext, handleCommand } from '../../eventstore/commandHandler.js';
import type { EventStore } from '../../eventstore/port.js';
import { type DeliveryRow, type InboxRow, type PreferencesRow, outboxView } from '../../projections/outboxView.js';
import type { ProjectionRunner } from '../../projections/runner.js';
import { parseOrThrow } from '../validation.js';
import { Dispatcher, type DispatcherSettings, defaultDispatcherSettings } from './dispatcher.js';
import { Notifier, deliveryIdFor, eventIdOf, systemMetadata } from './notifier.js';
import { ChannelSecrets } from './secrets.js';
import { Senders } from './senders.js';

export type NotificationOptions = Partial<DispatcherSettings> & {
  /** false: notifications are recorded (the inbox works) but nothing is sent outward by this process. */
  dispatch?: boolean;
  /**
   * The key (32 bytes) that seals the channels' secrets before they are recorded and opens them at
   * send time (`loadNotificationKey`); a random one per process when omitted (memory stores, tests).
   */
  key?: Uint8Array;
};

/** A channel as the admin sees it: secrets (an SMTP password, a robot's secret) are never shown. */
export type ChannelView = {
  channelId: string;
  name: string;
  kind: string;
  format: string | null;
  target: string;
  signed: boolean;
  configuredAt: string;
};

/** What the admin sees of a channel: read from what the log holds in clear, never from its sealed secrets. */
function withoutSecrets(config: RecordedChannelConfig): Pick<ChannelView, 'kind' | 'format' | 'target' | 'signed'> {
  const url = new URL(config.url);
  const sealed = config.sealed != null;
  if (config.kind === 'smtp') {
    url.password = url.password || sealed ? '***' : '';
    return { kind: 'smtp', format: null, target: url.toString(), signed: false };
  }
  // A robot's access token or key is in the query: show only its host and path (all a sealed URL records in clear).
  const hidden = url.search !== '' || sealed;
  const target = `${url.origin}${url.pathname}${hidden ? '?…' : ''}`;
  return { kind: 'webhook', format: config.format, target, signed: config.signed ?? config.secret !== null };
}

/**
 * Notifications (通知): the inbox, each user's preferences, the admin's channels, and the outbox
 * that delivers them (the notifier records, the dispatcher sends).
 */
export class Notifications {
  private readonly notifier: Notifier;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly senders: Senders;
  private readonly secrets: ChannelSecrets;

  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    clock: () => string,
    options: NotificationOptions = {},
  ) {
    const settings = { ...defaultDispatcherSettings, ...options };
    if (options.leaseMs === undefined) settings.leaseMs = Math.max(settings.leaseMs, settings.timeoutMs * 4);
    this.secrets = new ChannelSecrets(options.key);
    this.senders = new Senders(settings.timeoutMs, this.secrets);
    this.notifier = new Notifier(store, runner, clock);
    this.dispatcher = options.dispatch === false ? undefined : new Dispatcher(store, runner, this.senders, clock, settings);
  }

  async start(): Promise<void> {
    await this.notifier.start();
    this.dispatcher?.start();
  }

  /** Resolves once the notifier has recorded what is pending now. */
  idle(): Promise<void> {
    return this.notifier.idle();
  }

  async stop(): Promise<void> {
    await this.dispatcher?.stop();
    await this.notifier.stop();
    this.senders.close();
  }

  private get view() {
    return this.runner.state(outboxView);
  }

  /** New notifications as the log delivers them (for pushing to the recipient's open pages). */
  onNotification(listener: (notification: InboxRow) => void): () => void {
    return this.runner.onApplied((event) => {
      if (event.type !== 'NotificationRecorded') return;
      const row = this.view.notifications.get((event.data as { notificationId: string }).notificationId);
      if (row) listener(row);
    });
  }

  /** A user's notifications, newest first. */
  inbox(userId: string, { unreadOnly = false, first = 50 }: { unreadOnly?: boolean; first?: number } = {}): InboxRow[] {
    const ids = this.view.byRecipient.get(userId) ?? [];
    const rows: InboxRow[] = [];
    for (let i = ids.length - 1; i >= 0 && rows.length < first; i--) {
      const row = this.view.notifications.get(ids[i]!)!;
      if (!unreadOnly || !row.read) rows.push(row);
    }
    return rows;
  }

  unreadCount(userId: string): number {
    return (this.view.byRecipient.get(userId) ?? []).filter((id) => !this.view.notifications.get(id)!.read).length;
  }

  /** 已读: marks the user's own notifications read; marking one again appends nothing. */
  async markRead(userId: string, notificationIds: readonly string[], context: CommandContext): Promise<InboxRow[]> {
    const rows = notificationIds.map((id) => {
      const row = this.view.notifications.get(id);
      if (!row || row.recipientUserId !== userId)
        throw new NotFoundError('NOTIFICATION_NOT_FOUND', `You have no notification ${id}.`, { field: 'ids' });
      return row;
    });
    let last = -1;
    for (const row of rows.filter((r) => !r.read)) {
      const result = await this.store.appendToStream(
        notificationsStreamId(row.sourceEventId),
        [
          {
            id: eventIdOf(row.notificationId, 'read'),
            type: 'NotificationRead',
            data: { notificationId: row.notificationId },
            metadata: {
              ...systemMetadata(context.commandId, context.now()),
              actor: context.actor,
              correlationId: context.correlationId ?? context.commandId,
            },
          },
        ],
        'any',
      );
      last = Math.max(last, result.position);
      context.reached?.(result.position);
    }
    await this.runner.waitFor(last);
    return rows;
  }

  preferences(userId: string): PreferencesRow {
    return this.view.preferences.get(userId) ?? { channels: [], dailyDigest: false, email: null };
  }

  /** 通知偏好: which configured channels (besides the inbox), a daily digest or not, and the e-mail address. */
  async setPreferences(
    userId: string,
    input: { channels: readonly string[]; dailyDigest: boolean; email?: string | null },
    context: CommandContext,
  ) {
    const command = parseOrThrow(SetNotificationPreferences, {
      type: 'NotificationPreferencesSet',
      data: { userId, channels: input.channels.filter((c) => c !== INBOX), dailyDigest: input.dailyDigest, email: input.email ?? null },
    });
    for (const channelId of command.data.channels) {
      const channel = this.view.channels.get(channelId);
      if (!channel) throw new ValidationError('VALIDATION_FAILED', `channels: there is no channel ${channelId}`, { field: 'channels' });
      if (channel.config.kind === 'smtp' && !command.data.email)
        throw new ValidationError('VALIDATION_FAILED', `email: channel ${channelId} sends e-mail, so an address is needed`, {
          field: 'email',
        });
    }
    return this.settle(await handleCommand(this.store, notificationPreferencesStreamId(userId), preferencesDecider, command, context));
  }

  channels(): ChannelView[] {
    return [...this.view.channels.values()]
      .map((c) => ({ channelId: c.channelId, name: c.name, configuredAt: c.configuredAt, ...withoutSecrets(c.config) }))
      .sort((a, b) => a.channelId.localeCompare(b.channelId));
  }

  /** An admin configures (or changes) a channel; nothing is sent outward before one exists. */
  async configureChannel(input: { channelId: string; name: string; config: unknown }, context: CommandContext) {
    const { data } = parseOrThrow(ConfigureNotificationChannel, { type: 'NotificationChannelConfigured', data: input });
    // Sealed with a fresh IV each time: the same settings again keep what is recorded, so nothing is appended
    // (settings recorded in clear before sealing existed are sealed anew).
    const current = this.view.channels.get(data.channelId);
    const unchanged =
      current &&
      isSealed(current.config) &&
      JSON.stringify(this.secrets.tryOpen(data.channelId, current.config)) === JSON.stringify(data.config);
    const config = unchanged ? current.config : this.secrets.seal(data.channelId, data.config);
    const command = { type: 'NotificationChannelConfigured' as const, data: { ...data, config } };
    return this.settle(await handleCommand(this.store, notificationChannelsStreamId, channelsDecider, command, context));
  }

  async removeChannel(channelId: string, context: CommandContext) {
    const command = parseOrThrow(RemoveNotificationChannel, { type: 'NotificationChannelRemoved', data: { channelId } });
    return this.settle(await handleCommand(this.store, notificationChannelsStreamId, channelsDecider, command, context));
  }

  /** The outbox, for the admin: every delivery, or the failed ones, newest change first. */
  deliveries({ failedOnly = false }: { failedOnly?: boolean } = {}): (DeliveryRow & { deliveryId: string; notification: InboxRow })[] {
    return [...this.view.deliveries.values()]
      .filter((d) => !failedOnly || d.state.status === 'failed')
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map((d) => ({
        ...d,
        deliveryId: deliveryIdFor(d.notificationId, d.channelId),
        notification: this.view.notifications.get(d.notificationId)!,
      }));
  }

  /** The admin's badge: deliveries whose last attempt failed (retrying or given up). */
  failedDeliveryCount(): number {
    let count = 0;
    for (const d of this.view.deliveries.values()) if (d.state.status === 'failed') count++;
    return count;
  }

  private async settle<R extends { events: { position: number }[] }>(result: R): Promise<R> {
    await this.runner.waitForEvents(result.events);
    return result;
  }
}
