import { z } from 'zod';
import { IllegalStateError, assertNever } from '../shared/errors.js';
import { Id, Text, message } from '../shared/messages.js';

/**
 * Notifications (通知): facts in the log turned into messages for people, and their delivery over
 * the channels an admin configured. Everything here is an event: the channels, each user's choices,
 * each notification (recorded before it is sent) and each delivery's claims and outcomes.
 */

/** A URL whose protocol is one of these; `new URL` must accept it. */
const urlWith = (protocols: readonly string[], what: string) =>
  z
    .string()
    .trim()
    .max(2000, 'must be at most 2000 characters')
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be ${what}`);

/** 邮件: an SMTP server reached through nodemailer, e.g. `smtps://user:pass@mail.example.cn:465`. */
export const SmtpChannel = z.object({
  kind: z.literal('smtp'),
  url: urlWith(['smtp:', 'smtps:'], 'an smtp:// or smtps:// URL'),
  /** 发件人 */
  from: z.string().trim().email('must be an e-mail address'),
});
/** A webhook: plain JSON, a DingTalk (钉钉) group robot (signed when it has a secret), or a WeCom (企业微信) group robot. */
export const WebhookChannel = z.object({
  kind: z.literal('webhook'),
  format: z.enum(['json', 'dingtalk', 'wecom']),
  url: urlWith(['http:', 'https:'], 'an http:// or https:// URL'),
  /** 加签 secret of a DingTalk robot (SEC…); WeCom robots have none (the key is in the URL). */
  secret: z.string().trim().min(1).max(200).nullable().default(null),
});
/** A channel's settings in clear, as the admin gives them (the command): secrets included. */
export const ChannelConfig = z.discriminatedUnion('kind', [SmtpChannel, WebhookChannel]);
export type ChannelConfig = z.infer<typeof ChannelConfig>;

/**
 * A channel's secrets sealed outside the domain (AES-256-GCM, base64 parts), with the id of the key
 * that opens them (the first bytes of the key's SHA-256, in hex). The domain never sees the key.
 */
export const SealedSecrets = z.object({
  alg: z.literal('A256GCM'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits'),
  iv: z.string().max(100),
  tag: z.string().max(100),
  ciphertext: z.string().max(12_000),
});
export type SealedSecrets = z.infer<typeof SealedSecrets>;

/**
 * An SMTP channel as recorded: the URL without its password (user, host, port in clear), and the
 * sealed secrets (the whole URL as given), null when it has no password. Recorded before secrets
 * were sealed: the clear settings, without `sealed`.
 */
export const RecordedSmtpChannel = SmtpChannel.extend({ sealed: SealedSecrets.nullable().optional() });
/**
 * A webhook as recorded: only the URL's origin and path in clear (a robot's access_token or key,
 * any token in the query, a user and password are sealed with the whole URL), `secret` null,
 * whether it signs, and the sealed secrets (the URL and DingTalk's 加签 secret), null when there is
 * nothing secret. Recorded before secrets were sealed: the clear settings, without `sealed`.
 */
export const RecordedWebhookChannel = WebhookChannel.extend({
  signed: z.boolean().optional(),
  sealed: SealedSecrets.nullable().optional(),
});
/**
 * A channel's settings as the log holds them: sealed, or in clear when recorded before secrets were
 * sealed (still read and used; a new configuration is always recorded sealed).
 */
export const RecordedChannelConfig = z.discriminatedUnion('kind', [RecordedSmtpChannel, RecordedWebhookChannel]);
export type RecordedChannelConfig = z.infer<typeof RecordedChannelConfig>;
/** Settings as they are recorded from now on: sealed. */
export type SealedChannelConfig =
  | (z.infer<typeof SmtpChannel> & { sealed: SealedSecrets | null })
  | (z.infer<typeof WebhookChannel> & { secret: null; signed: boolean; sealed: SealedSecrets | null });

/** Were these settings recorded sealed (rather than in clear, before secrets were sealed)? */
export const isSealed = (config: RecordedChannelConfig): boolean => config.sealed !== undefined;

export const ChannelId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be 2 to 40 lower-case letters, digits or dashes');
/** The in-app inbox (站内信): always on, needs no configuration. */
export const INBOX = 'inbox';

export const NotificationChannelConfigured = message(
  'NotificationChannelConfigured',
  1,
  z.object({ channelId: ChannelId, name: Text(50), config: RecordedChannelConfig }),
);
export const NotificationChannelRemoved = message('NotificationChannelRemoved', 1, z.object({ channelId: ChannelId }));

/** 通知偏好: the channels a user wants besides the inbox, and whether to get one daily digest (每日汇总) instead of single messages. */
export const NotificationPreferencesSet = message(
  'NotificationPreferencesSet',
  1,
  z.object({
    userId: Id,
    channels: z
      .array(ChannelId)
      .max(10)
      .refine((c) => new Set(c).size === c.length, 'must not repeat a channel'),
    dailyDigest: z.boolean(),
    email: z.string().trim().email('must be an e-mail address').nullable(),
  }),
);

/** The kinds of notification, by what happened. */
export const NotificationKind = z.enum([
  'verification_rejected',
  'supervision_ordered',
  'supervision_replied',
  'awaiting_verification',
  'hotline_report',
  'interview_held',
  'deadline_reminder',
  'deadline_passed',
  'escalation_reached',
  'recheck_due',
  'supervision_reply_overdue',
  'recheck_overdue',
  'daily_overdue_digest',
  'year_not_finalized',
  'daily_digest',
  'bulletin_published',
  'sweep_ordered',
  'sweep_answer_due',
  'comment_posted',
]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/**
 * A notification recorded for one recipient before anything is sent. Its id follows from the
 * source event's id and the recipient, so a replay or a second server records nothing twice.
 */
export const NotificationRecorded = message(
  'NotificationRecorded',
  1,
  z.object({
    notificationId: Id,
    sourceEventId: z.string().min(1).max(100),
    recipientUserId: Id,
    kind: NotificationKind,
    subject: Text(200),
    body: Text(5000),
    problemId: Id.nullable(),
    unitId: Id.nullable(),
    /** The outward channels it goes to, as the recipient's preferences stood (the inbox always). */
    channels: z.array(ChannelId).max(10),
  }),
);
/** 已读 */
export const NotificationRead = message('NotificationRead', 1, z.object({ notificationId: Id }));

/** One attempt at a delivery is under way: whoever claimed it may send until the lease runs out. */
export const DeliveryClaimed = message(
  'DeliveryClaimed',
  1,
  z.object({
    deliveryId: Id,
    notificationId: Id,
    channelId: ChannelId,
    attempt: z.number().int().positive(),
    leaseUntil: z.string().datetime({ offset: true }),
    claimedBy: z.string().max(100),
  }),
);
export const DeliverySucceeded = message('DeliverySucceeded', 1, z.object({ deliveryId: Id, attempt: z.number().int().positive() }));
/** The attempt failed; tried again at `nextAttemptAt`, or never (given up) when null. */
export const DeliveryFailed = message(
  'DeliveryFailed',
  1,
  z.object({
    deliveryId: Id,
    attempt: z.number().int().positive(),
    error: z.string().max(1000),
    nextAttemptAt: z.string().datetime({ offset: true }).nullable(),
  }),
);

/**
 * Notifications begin after this position: facts before it (an existing county's history) are
 * never notified. Recorded once, when the first notifier starts on a log that already has events.
 */
export const NotificationsBegan = message('NotificationsBegan', 1, z.object({ fromPosition: z.number().int().min(-1) }));
export const notificationsBeganStreamId = 'notifications-began';

export const notificationEventDefinitions = [
  NotificationsBegan,
  NotificationChannelConfigured,
  NotificationChannelRemoved,
  NotificationPreferencesSet,
  NotificationRecorded,
  NotificationRead,
  DeliveryClaimed,
  DeliverySucceeded,
  DeliveryFailed,
] as const;

export type NotificationRecordedData = z.infer<typeof NotificationRecorded.data>;
export type DeliveryEvent =
  | z.infer<typeof DeliveryClaimed.schema>
  | z.infer<typeof DeliverySucceeded.schema>
  | z.infer<typeof DeliveryFailed.schema>;

/** The channels, in one stream (an admin's settings). */
export const notificationChannelsStreamId = 'notification-channels';
export const notificationPreferencesStreamId = (userId: string) => `notification-preferences-${userId}`;
/** The notifications one fact caused, in one stream: all recipients are recorded in one append. */
export const notificationsStreamId = (sourceEventId: string) => `notifications-${sourceEventId}`;
export const deliveryStreamId = (deliveryId: string) => `delivery-${deliveryId}`;

/** A delivery of one notification over one channel, as its stream tells it. */
export type DeliveryState =
  | { status: 'none' }
  | { status: 'claimed'; attempt: number; leaseUntil: string }
  | { status: 'failed'; attempt: number; nextAttemptAt: string | null; error: string }
  | { status: 'delivered'; attempt: number };

export type DeliveryCommand =
  | {
      type: 'ClaimDelivery';
      data: { deliveryId: string; notificationId: string; channelId: string; leaseUntil: string; claimedBy: string };
    }
  | { type: 'RecordDeliveryOutcome'; data: { deliveryId: string; attempt: number; error: string | null; nextAttemptAt: string | null } };

export function evolveDelivery(_state: DeliveryState, event: DeliveryEvent): DeliveryState {
  switch (event.type) {
    case 'DeliveryClaimed':
      return { status: 'claimed', attempt: event.data.attempt, leaseUntil: event.data.leaseUntil };
    case 'DeliverySucceeded':
      return { status: 'delivered', attempt: event.data.attempt };
    case 'DeliveryFailed':
      return { status: 'failed', attempt: event.data.attempt, nextAttemptAt: event.data.nextAttemptAt, error: event.data.error };
    default:
      return assertNever(event);
  }
}

/** May a delivery be claimed now: never tried, due for a retry, or its claimant's lease ran out (it crashed)? */
export function deliveryDue(state: DeliveryState, now: string): boolean {
  switch (state.status) {
    case 'none':
      return true;
    case 'claimed':
      return Date.parse(state.leaseUntil) <= Date.parse(now);
    case 'failed':
      return state.nextAttemptAt !== null && Date.parse(state.nextAttemptAt) <= Date.parse(now);
    case 'delivered':
      return false;
    default:
      return assertNever(state);
  }
}

/**
 * Claiming is decided on the delivery's own stream with its revision, so of two dispatchers only
 * one gets the claim; the other sees no events. An outcome counts only for the attempt it answers.
 */
export function decideDelivery(state: DeliveryState, command: DeliveryCommand, now: string): DeliveryEvent[] {
  switch (command.type) {
    case 'ClaimDelivery': {
      if (!deliveryDue(state, now)) return [];
      const attempt = state.status === 'none' ? 1 : state.attempt + 1;
      return [{ type: 'DeliveryClaimed', data: { ...command.data, attempt } }];
    }
    case 'RecordDeliveryOutcome': {
      const { deliveryId, attempt, error, nextAttemptAt } = command.data;
      if (state.status !== 'claimed' || state.attempt !== attempt)
        throw new IllegalStateError('DELIVERY_NOT_CLAIMED', `Delivery ${deliveryId} is not claimed for attempt ${attempt}.`);
      return error === null
        ? [{ type: 'DeliverySucceeded', data: { deliveryId, attempt } }]
        : [{ type: 'DeliveryFailed', data: { deliveryId, attempt, error: error.slice(0, 1000), nextAttemptAt } }];
    }
    default:
      return assertNever(command);
  }
}
