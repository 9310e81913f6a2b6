import { createHmac } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { ChannelConfig, RecordedChannelConfig } from '../../domain/index.js';
import type { ChannelSecrets } from './secrets.js';

/** What goes out: the notification's text, and the stable id a receiver can tell a repeat by. */
export type OutgoingMessage = {
  deliveryId: string;
  notificationId: string;
  kind: string;
  subject: string;
  body: string;
  /** The recipient's e-mail address (for SMTP channels). */
  to: string | null;
  recipient: { userId: string; name: string };
};

/** The header (and JSON field) that carries the delivery id. */
export const DELIVERY_ID_HEADER = 'X-Taizhang-Delivery-Id';

/** DingTalk's signature (加签): HMAC-SHA256 of `timestamp + "\n" + secret` keyed with the secret, base64, URL-encoded. */
export function dingtalkSign(secret: string, timestamp: number): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
}

function webhookRequest(config: Extract<ChannelConfig, { kind: 'webhook' }>, message: OutgoingMessage, now: number) {
  const text = `### ${message.subject}\n\n${message.body}`;
  switch (config.format) {
    case 'json':
      return { url: config.url, body: { ...message, to: undefined } };
    case 'dingtalk': {
      const url = config.secret
        ? `${config.url}${config.url.includes('?') ? '&' : '?'}timestamp=${now}&sign=${dingtalkSign(config.secret, now)}`
        : config.url;
      return { url, body: { msgtype: 'markdown', markdown: { title: message.subject, text } } };
    }
    case 'wecom':
      return { url: config.url, body: { msgtype: 'markdown', markdown: { content: text } } };
  }
}

/**
 * fetch's own "fetch failed" tells the admin nothing: the reason is its cause (connect ECONNREFUSED
 * 127.0.0.1:9, getaddrinfo ENOTFOUND robot.example.cn, a certificate refused), put after it.
 */
function withCause(error: unknown): unknown {
  if (!(error instanceof Error) || !(error.cause instanceof Error)) return error;
  const cause = error.cause as Error & { code?: unknown; errors?: unknown[] };
  // Several addresses tried at once fail together: the first says why.
  const first = cause.errors?.find((e): e is Error => e instanceof Error);
  const reason = cause.message || first?.message || (typeof cause.code === 'string' ? cause.code : '');
  return reason ? new Error(`${error.message}: ${reason}`, { cause: error }) : error;
}

/** Sends over one configured channel; throws with a readable reason when the far end does not take the message. */
export class Senders {
  private readonly transports = new Map<string, { url: string; transport: Transporter }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly secrets: ChannelSecrets,
  ) {}

  /** Opens the channel's sealed secrets here, at send time only; a secret this server's key cannot open fails the send, visibly. */
  async send(channelId: string, recorded: RecordedChannelConfig, message: OutgoingMessage): Promise<void> {
    const config = this.secrets.open(channelId, recorded);
    if (config.kind === 'smtp') return this.sendMail(channelId, config, message);
    const { url, body } = webhookRequest(config, message, Date.now());
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', [DELIVERY_ID_HEADER]: message.deliveryId },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
    }).catch((error: unknown) => {
      throw withCause(error);
    });
    const answer = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${answer.slice(0, 200)}`);
    // The group robots answer 200 with an error code in the body when they refuse a message.
    if (config.format !== 'json') {
      const code = (JSON.parse(answer || '{}') as { errcode?: number; errmsg?: string }).errcode;
      if (code !== undefined && code !== 0) throw new Error(`robot refused the message: ${answer.slice(0, 200)}`);
    }
  }

  private async sendMail(channelId: string, config: Extract<ChannelConfig, { kind: 'smtp' }>, message: OutgoingMessage) {
    if (!message.to) throw new Error('the recipient has no e-mail address');
    // Imported at the first mail, not with the server: about 40 ms of every start's CPU (issue 12, aim 1). Before the
    // transport is looked up, so two mails at once never make two transports for one channel.
    const { default: nodemailer } = await import('nodemailer');
    let cached = this.transports.get(channelId);
    if (!cached || cached.url !== config.url) {
      cached?.transport.close();
      const transport = nodemailer.createTransport({
        url: config.url,
        connectionTimeout: this.timeoutMs,
        greetingTimeout: this.timeoutMs,
        socketTimeout: this.timeoutMs,
      } as never);
      cached = { url: config.url, transport };
      this.transports.set(channelId, cached);
    }
    await cached.transport.sendMail({
      from: config.from,
      to: message.to,
      subject: message.subject,
      text: message.body,
      messageId: `<${message.deliveryId}@taizhang>`,
      headers: { [DELIVERY_ID_HEADER]: message.deliveryId },
    });
  }

  close(): void {
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
  }
}
