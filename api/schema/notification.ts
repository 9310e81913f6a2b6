import type { ChannelView } from '../../application/notifications/index.js';
import { UnauthenticatedError } from '../../domain/index.js';
import type { DeliveryRow, InboxRow } from '../../projections/outboxView.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { commandContext } from './mutations.js';

function userId(ctx: Context): string {
  if (ctx.auth.kind !== 'signed_in') throw new UnauthenticatedError('UNAUTHENTICATED', 'Log in first.');
  return ctx.auth.user.userId;
}

export const NotificationRef = builder.objectRef<InboxRow>('Notification').implement({
  description: '通知: a message in the user’s inbox (站内信), about something that happened in the ledger.',
  fields: (t) => ({
    id: t.exposeID('notificationId', { description: 'Stable id of the notification.' }),
    kind: t.exposeString('kind', {
      description: 'What it is about, e.g. verification_rejected, supervision_ordered, awaiting_verification.',
    }),
    subject: t.exposeString('subject', { description: '标题' }),
    body: t.exposeString('body', { description: '正文' }),
    problemId: t.exposeID('problemId', { nullable: true, description: 'The problem it is about, if any.' }),
    ledgerNumber: t.string({
      nullable: true,
      description: '台账编号 of the problem it is about, if any (to link to the item).',
      resolve: (n, _a, ctx) => (n.problemId ? (ctx.services.readModels.live.problems.get(n.problemId)?.ledgerNumber ?? null) : null),
    }),
    unitId: t.exposeID('unitId', { nullable: true, description: 'The unit it is about, if any.' }),
    read: t.exposeBoolean('read', { description: 'True once the user marked it read (已读).' }),
    recordedAt: t.exposeString('recordedAt', { description: 'When it was recorded (ISO-8601).' }),
    channels: t.exposeStringList('channels', { description: 'The outward channels it goes to besides the inbox.' }),
  }),
});

const PreferencesRef = builder
  .objectRef<{ channels: string[]; dailyDigest: boolean; email: string | null }>('NotificationPreferences')
  .implement({
    description: '通知偏好: the channels the user gets notifications on besides the inbox, and the daily digest.',
    fields: (t) => ({
      channels: t.exposeStringList('channels', { description: 'Ids of configured channels.' }),
      dailyDigest: t.exposeBoolean('dailyDigest', { description: 'One digest a day (每日汇总) instead of single outward messages.' }),
      email: t.exposeString('email', { nullable: true, description: 'The address e-mail channels send to.' }),
    }),
  });

const ChannelRef = builder.objectRef<ChannelView>('NotificationChannel').implement({
  description:
    'A way out for notifications, configured by an admin: SMTP e-mail, or a webhook (json, DingTalk 钉钉, WeCom 企业微信). Secrets are never shown.',
  fields: (t) => ({
    id: t.exposeID('channelId', { description: 'The id users name in their preferences.' }),
    name: t.exposeString('name', { description: 'A name people recognise.' }),
    kind: t.exposeString('kind', { description: 'smtp or webhook.' }),
    format: t.exposeString('format', { nullable: true, description: 'For a webhook: json, dingtalk or wecom.' }),
    target: t.exposeString('target', { description: 'Where it sends, with passwords and tokens hidden.' }),
    signed: t.exposeBoolean('signed', { description: 'True for a DingTalk robot with a signing secret (加签).' }),
    configuredAt: t.exposeString('configuredAt', { description: 'When it was last configured (ISO-8601).' }),
  }),
});

const ChannelChoiceRef = builder.objectRef<ChannelView>('NotificationChannelChoice').implement({
  description: 'A configured channel as a user chooses it for their preferences: its id, name and kind, nothing of where it sends.',
  fields: (t) => ({
    id: t.exposeID('channelId', { description: 'The id to name in setNotificationPreferences.' }),
    name: t.exposeString('name', { description: 'A name people recognise.' }),
    kind: t.exposeString('kind', { description: 'smtp (needs an e-mail address in the preferences) or webhook.' }),
  }),
});

type DeliveryItem = DeliveryRow & { deliveryId: string; notification: InboxRow };
const DeliveryRef = builder.objectRef<DeliveryItem>('NotificationDelivery').implement({
  description: 'One notification over one channel, in the outbox: its attempts and how the last one went.',
  fields: (t) => ({
    id: t.exposeID('deliveryId', {
      description: 'Stable id, sent along as X-Taizhang-Delivery-Id / Message-ID so a receiver can tell a repeat.',
    }),
    channelId: t.exposeString('channelId', { description: 'The channel.' }),
    status: t.string({
      description: 'pending (none yet), claimed (being sent), delivered, or failed.',
      resolve: (d) => (d.state.status === 'none' ? 'pending' : d.state.status),
    }),
    attempts: t.int({ description: 'Attempts made so far.', resolve: (d) => (d.state.status === 'none' ? 0 : d.state.attempt) }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last failed attempt failed.' }),
    nextAttemptAt: t.string({
      nullable: true,
      description: 'When it is tried again; null when it is not (delivered, or given up).',
      resolve: (d) => (d.state.status === 'failed' ? d.state.nextAttemptAt : null),
    }),
    updatedAt: t.exposeString('updatedAt', { description: 'When it last changed (ISO-8601).' }),
    notification: t.field({ type: NotificationRef, description: 'What is being delivered.', resolve: (d) => d.notification }),
  }),
});

builder.queryFields((t) => ({
  myNotifications: t.field({
    type: [NotificationRef],
    description: 'The signed-in user’s notifications, newest first.',
    args: {
      unreadOnly: t.arg.boolean({ required: false, description: 'Only the unread ones.' }),
      first: t.arg.int({ required: false, description: 'At most this many (default 50, at most 500).' }),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.notifications.inbox(userId(ctx), {
        unreadOnly: args.unreadOnly ?? false,
        first: Math.min(Math.max(args.first ?? 50, 0), 500),
      }),
  }),
  unreadNotificationCount: t.int({
    description: 'How many of the user’s notifications are unread (the bell’s number).',
    resolve: (_r, _a, ctx) => ctx.services.notifications.unreadCount(userId(ctx)),
  }),
  myNotificationPreferences: t.field({
    type: PreferencesRef,
    description: 'The signed-in user’s preferences.',
    resolve: (_r, _a, ctx) => ctx.services.notifications.preferences(userId(ctx)),
  }),
  notificationChannelChoices: t.field({
    type: [ChannelChoiceRef],
    description: 'The channels a user may choose besides the inbox (everyone signed in; the admin’s notificationChannels shows more).',
    resolve: (_r, _a, ctx) => ctx.services.notifications.channels(),
  }),
  notificationChannels: t.field({
    type: [ChannelRef],
    description: 'The configured channels (admins).',
    resolve: (_r, _a, ctx) => ctx.services.notifications.channels(),
  }),
  notificationDeliveries: t.field({
    type: [DeliveryRef],
    description: 'The outbox: deliveries, newest change first (admins).',
    args: {
      failedOnly: t.arg.boolean({ required: false, description: 'Only those whose last attempt failed.' }),
      first: t.arg.int({ required: false, description: 'At most this many (default 100).' }),
    },
    resolve: (_r, args, ctx) =>
      ctx.services.notifications
        .deliveries({ failedOnly: args.failedOnly ?? false })
        .slice(0, Math.min(Math.max(args.first ?? 100, 0), 1000)),
  }),
  failedDeliveryCount: t.int({
    description: 'Deliveries whose last attempt failed (the admin’s badge).',
    resolve: (_r, _a, ctx) => ctx.services.notifications.failedDeliveryCount(),
  }),
}));

const ChannelKindEnum = builder.enumType('NotificationChannelKind', {
  description: 'smtp (e-mail) or webhook.',
  values: ['smtp', 'webhook'] as const,
});
const WebhookFormatEnum = builder.enumType('WebhookFormat', {
  description: 'json (plain), dingtalk (钉钉 group robot, signed when a secret is given), wecom (企业微信 group robot).',
  values: ['json', 'dingtalk', 'wecom'] as const,
});

builder.mutationFields((t) => ({
  markNotificationsRead: t.field({
    type: [NotificationRef],
    description: 'Mark some of your notifications read (已读).',
    args: { ids: t.arg.idList({ required: true, description: 'The notifications.' }) },
    resolve: (_r, args, ctx) => ctx.services.notifications.markRead(userId(ctx), args.ids.map(String), commandContext(ctx, null)),
  }),
  setNotificationPreferences: t.field({
    type: PreferencesRef,
    description: 'Choose your channels besides the inbox, and a daily digest instead of single messages.',
    args: {
      channels: t.arg.stringList({ required: true, description: 'Ids of configured channels (see notificationChannels).' }),
      dailyDigest: t.arg.boolean({ required: true, description: 'One digest a day (每日汇总) instead of single outward messages.' }),
      email: t.arg.string({ required: false, description: 'Where e-mail channels send to.' }),
    },
    resolve: async (_r, args, ctx) => {
      const id = userId(ctx);
      await ctx.services.notifications.setPreferences(
        id,
        { channels: args.channels, dailyDigest: args.dailyDigest, email: args.email ?? null },
        commandContext(ctx, null),
      );
      return ctx.services.notifications.preferences(id);
    },
  }),
  configureNotificationChannel: t.field({
    type: ChannelRef,
    description: 'Configure (or change) a channel (admins). Nothing is sent outward until one exists.',
    args: {
      id: t.arg.string({ required: true, description: 'Its id: 2–40 lower-case letters, digits or dashes.' }),
      name: t.arg.string({ required: true, description: 'A name people recognise.' }),
      kind: t.arg({ type: ChannelKindEnum, required: true, description: 'smtp or webhook.' }),
      url: t.arg.string({ required: true, description: 'smtp:// or smtps:// URL (with user and password), or the webhook’s http(s) URL.' }),
      from: t.arg.string({ required: false, description: 'SMTP: the sender address.' }),
      format: t.arg({ type: WebhookFormatEnum, required: false, description: 'Webhook: json (default), dingtalk or wecom.' }),
      secret: t.arg.string({ required: false, description: 'DingTalk: the robot’s signing secret (加签).' }),
    },
    resolve: async (_r, args, ctx) => {
      const config =
        args.kind === 'smtp'
          ? { kind: 'smtp', url: args.url, from: args.from ?? '' }
          : { kind: 'webhook', format: args.format ?? 'json', url: args.url, secret: args.secret ?? null };
      await ctx.services.notifications.configureChannel({ channelId: args.id, name: args.name, config }, commandContext(ctx, null));
      return ctx.services.notifications.channels().find((c) => c.channelId === args.id.trim())!;
    },
  }),
  removeNotificationChannel: t.boolean({
    description: 'Remove a channel (admins): its pending deliveries wait, visible, until it is configured again.',
    args: { id: t.arg.string({ required: true, description: 'The channel.' }) },
    resolve: async (_r, args, ctx) => {
      await ctx.services.notifications.removeChannel(args.id, commandContext(ctx, null));
      return true;
    },
  }),
}));
