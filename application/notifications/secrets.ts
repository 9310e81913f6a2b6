import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelConfig, RecordedChannelConfig, SealedChannelConfig, SealedSecrets } from '../../domain/index.js';

/** What a channel's settings keep secret, sealed as one JSON document: the URL as given, and DingTalk's 加签 secret. */
type Secrets = { url: string; secret: string | null };

/** What the admin sees when a recorded secret does not open with this server's key (another key, or its file deleted). */
export const UNREADABLE_SECRET = "secret cannot be read with this server's key: configure the channel again";

export class ChannelSecretUnreadable extends Error {
  constructor(channelId: string) {
    super(`channel ${channelId}: ${UNREADABLE_SECRET}`);
  }
}

/**
 * A 32-byte key given as base64 (or base64url) or as 64 hex digits; undefined when it is neither.
 * Used for `NOTIFICATION_KEY` and for the key file.
 */
export function decodeNotificationKey(text: string): Buffer | undefined {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  return key?.length === 32 ? key : undefined;
}

/**
 * The key that seals the channels' secrets: `NOTIFICATION_KEY` when set (32 bytes, base64 or hex),
 * else a random one kept in `<DATA_DIR>/notification-key` (created on first start, readable by the
 * owner only). Deleting that file makes every recorded secret unreadable (crypto-shredding): the
 * channels must then be configured again.
 */
export function loadNotificationKey(envKey: string | undefined, dataDir: string): Buffer {
  if (envKey !== undefined) {
    const key = decodeNotificationKey(envKey);
    if (!key) throw new Error('NOTIFICATION_KEY must be 32 bytes, in base64 or as 64 hex digits');
    return key;
  }
  const file = join(dataDir, 'notification-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process (a second server on the same store) created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  const key = decodeNotificationKey(readFileSync(file, 'utf8'));
  // Never replaced silently: a new key would leave every recorded secret unreadable.
  if (!key)
    throw new Error(`${file} does not hold a 32-byte key (base64 or hex); restore it, or delete it and configure the channels again`);
  return key;
}

/**
 * Seals a channel's secrets before its settings are recorded (AES-256-GCM, a fresh IV each time,
 * the channel id as associated data so a sealed secret cannot be moved to another channel), and
 * opens them at send time. Settings recorded in clear before sealing existed open as they are.
 */
export class ChannelSecrets {
  private readonly key: Buffer;
  /** The first 8 bytes of the key's SHA-256, in hex: which key sealed a secret, without revealing it. */
  readonly keyId: string;

  /** A per-process random key when none is given (memory stores, tests): what it seals dies with the process. */
  constructor(key: Uint8Array = randomBytes(32)) {
    if (key.length !== 32) throw new Error('the notification key must be 32 bytes');
    this.key = Buffer.from(key);
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 16);
  }

  seal(channelId: string, config: ChannelConfig): SealedChannelConfig {
    const url = new URL(config.url);
    if (config.kind === 'smtp') {
      if (!url.password) return { kind: 'smtp', url: config.url, from: config.from, sealed: null };
      url.password = '';
      return { kind: 'smtp', url: url.toString(), from: config.from, sealed: this.encrypt(channelId, { url: config.url, secret: null }) };
    }
    const shown = `${url.origin}${url.pathname}`;
    const nothingSecret = !url.username && !url.password && !url.search && !url.hash && config.secret === null;
    return {
      kind: 'webhook',
      format: config.format,
      url: nothingSecret ? config.url : shown,
      secret: null,
      signed: config.secret !== null,
      sealed: nothingSecret ? null : this.encrypt(channelId, { url: config.url, secret: config.secret }),
    };
  }

  /** The settings in clear, for the sender; throws ChannelSecretUnreadable when this key cannot open them. */
  open(channelId: string, config: RecordedChannelConfig): ChannelConfig {
    // Recorded in clear before secrets were sealed: used as it is.
    const secrets: Secrets =
      config.sealed === undefined
        ? { url: config.url, secret: config.kind === 'webhook' ? config.secret : null }
        : config.sealed === null
          ? { url: config.url, secret: null }
          : this.decrypt(channelId, config.sealed);
    return config.kind === 'smtp'
      ? { kind: 'smtp', url: secrets.url, from: config.from }
      : { kind: 'webhook', format: config.format, url: secrets.url, secret: secrets.secret };
  }

  /** The settings in clear, or undefined when this key cannot open them. */
  tryOpen(channelId: string, config: RecordedChannelConfig): ChannelConfig | undefined {
    try {
      return this.open(channelId, config);
    } catch (error) {
      if (error instanceof ChannelSecretUnreadable) return undefined;
      throw error;
    }
  }

  private encrypt(channelId: string, secrets: Secrets): SealedSecrets {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`notification-channel:${channelId}`, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return {
      alg: 'A256GCM',
      keyId: this.keyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
  }

  private decrypt(channelId: string, sealed: SealedSecrets): Secrets {
    if (sealed.keyId !== this.keyId) throw new ChannelSecretUnreadable(channelId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(`notification-channel:${channelId}`, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const clear = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
      return JSON.parse(clear) as Secrets;
    } catch {
      throw new ChannelSecretUnreadable(channelId);
    }
  }
}
