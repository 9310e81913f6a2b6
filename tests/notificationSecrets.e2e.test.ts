import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../application/config.js';
import { UNREADABLE_SECRET, loadNotificationKey } from '../application/notifications/secrets.js';
import { domainEventDefinitions } from '../domain/index.js';
import { metadataFor } from '../eventstore/commandHandler.js';
import { openEventStore } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { addUser, bearer, logIn, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { eventually, startReceiver } from './support/receivers.js';

/**
 * A channel's secrets (DingTalk's 加签 secret, a robot's access token, an SMTP password) never
 * reach the immutable log in clear: they are sealed with the server's notification key and opened
 * only by the sender. Another key cannot open them, and says so to the admin; settings recorded in
 * clear before sealing existed still deliver.
 */
const DINGTALK_SECRET = 'SECsealed0123456789abcdefXYZ';
const SMTP_PASSWORD = 'smtp-Pa55word-never-logged';
const quick = { pollMs: 50, backoffMs: 200, timeoutMs: 1000 };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const configureMutation = `mutation($id: String!, $name: String!, $kind: NotificationChannelKind!, $url: String!, $from: String, $format: WebhookFormat, $secret: String) {
  configureNotificationChannel(id: $id, name: $name, kind: $kind, url: $url, from: $from, format: $format, secret: $secret) { id target signed } }`;

async function robotChannel(server: TestServer, admin: Record<string, string>, id: string, secret = DINGTALK_SECRET) {
  const robot = await startReceiver({ dingtalkSecret: secret });
  closers.push(robot.close);
  const configured = await server.gql(
    configureMutation,
    { id, name: '督查办钉钉群', kind: 'webhook', format: 'dingtalk', url: robot.url, secret },
    admin,
  );
  expect(configured.errors).toBeUndefined();
  return { robot, channel: configured.data!.configureNotificationChannel };
}

/** An office user who gets this channel, and a hotline report that notifies the office. */
async function notifyOfficeBy(server: TestServer, channelId: string) {
  const user = await addUser(server, { roles: ['office'] });
  const auth = bearer(await logIn(server, user.login));
  const set = await server.gql(
    `mutation($c: [String!]!) { setNotificationPreferences(channels: $c, dailyDigest: false) { channels } }`,
    { c: [channelId] },
    auth,
  );
  expect(set.errors).toBeUndefined();
  const report = await server.gql(
    `mutation { submitHotlineReport(text: "低保评定不公，请查处。") { receiptCode } }`,
    {},
    { 'x-forwarded-for': '10.0.0.7' },
  );
  expect(report.errors).toBeUndefined();
}

/** Every file of the store's directory, as bytes: the SQLite database and its write-ahead log. */
function storeBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir)
      .filter((name) => statSync(join(dir, name)).isFile())
      .map((name) => readFileSync(join(dir, name))),
  );
}

describe('notification channel secrets', () => {
  it('leaves no trace of a DingTalk secret, a robot token or an SMTP password in the log, and still signs correctly', async () => {
    const server = await startTestServer({ notifications: quick });
    closers.push(server.stop);
    const admin = bearer(await tokenFor(server, ['admin']));
    const { robot, channel } = await robotChannel(server, admin, 'dingtalk-office');
    expect(channel).toMatchObject({ signed: true, target: expect.stringMatching(/\/robot\/send\?…$/) });
    const mail = await server.gql(
      configureMutation,
      {
        id: 'county-mail',
        name: '县邮件',
        kind: 'smtp',
        url: `smtps://mailer:${SMTP_PASSWORD}@mail.example.cn:465`,
        from: 'taizhang@county.example.cn',
      },
      admin,
    );
    expect(mail.data!.configureNotificationChannel).toMatchObject({ target: 'smtps://mailer:***@mail.example.cn:465', signed: false });

    // The same settings again append nothing, though each sealing draws a fresh IV.
    await server.settled();
    const head = await server.store.headPosition();
    await server.gql(
      configureMutation,
      { id: 'dingtalk-office', name: '督查办钉钉群', kind: 'webhook', format: 'dingtalk', url: robot.url, secret: DINGTALK_SECRET },
      admin,
    );
    expect(await server.store.headPosition()).toBe(head);

    await notifyOfficeBy(server, 'dingtalk-office');
    await eventually(() => robot.accepted().size === 1, 10_000, 'the signed DingTalk message');
    expect(robot.hits.map((h) => h.status)).toEqual([200]);
    expect(robot.hits[0]!.query.get('access_token')).toBe('test-token');

    const events = await server.store.readAll({ maxCount: 100_000 });
    const configured = events.filter((e) => e.type === 'NotificationChannelConfigured');
    expect(configured).toHaveLength(2);
    expect(configured.map((e) => (e.data as any).config.sealed)).toEqual([
      expect.objectContaining({ alg: 'A256GCM', keyId: expect.stringMatching(/^[0-9a-f]{16}$/) }),
      expect.objectContaining({ alg: 'A256GCM' }),
    ]);
    const log = JSON.stringify(events);
    for (const secret of [DINGTALK_SECRET, 'test-token', SMTP_PASSWORD]) expect(log).not.toContain(secret);
    const bytes = storeBytes(server.dataDir);
    expect(bytes.indexOf('NotificationChannelConfigured')).toBeGreaterThanOrEqual(0);
    for (const secret of [DINGTALK_SECRET, 'test-token', SMTP_PASSWORD]) expect(bytes.indexOf(secret)).toBe(-1);
  });

  it('a server started with another key says so to the admin, and configuring the channel again mends it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-secrets-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const openStore = () => openEventStore({ kind: 'sqlite', dataDir: dir }, schemaCodec(domainEventDefinitions));

    const first = await startTestServer({ store: await openStore(), notifications: { ...quick, key: randomBytes(32) } });
    const { robot } = await robotChannel(first, bearer(await tokenFor(first, ['admin'])), 'dingtalk-office');
    await first.stop();

    const second = await startTestServer({ store: await openStore(), notifications: { ...quick, key: randomBytes(32) } });
    closers.push(second.stop);
    const admin = bearer(await tokenFor(second, ['admin']));
    await notifyOfficeBy(second, 'dingtalk-office');
    const failures = async () =>
      (await second.gql(`{ notificationDeliveries(failedOnly: true) { channelId status lastError } }`, {}, admin)).data!
        .notificationDeliveries;
    await eventually(async () => (await failures()).length === 1, 10_000, 'the failed delivery');
    expect((await failures())[0]).toMatchObject({
      channelId: 'dingtalk-office',
      status: 'failed',
      lastError: `channel dingtalk-office: ${UNREADABLE_SECRET}`,
    });
    expect(robot.hits).toHaveLength(0);

    // The admin configures the channel again (sealed with this server's key): the retry goes out, signed.
    await second.gql(
      configureMutation,
      { id: 'dingtalk-office', name: '督查办钉钉群', kind: 'webhook', format: 'dingtalk', url: robot.url, secret: DINGTALK_SECRET },
      admin,
    );
    await eventually(() => robot.accepted().size === 1, 10_000, 'the delivery after configuring again');
    expect(robot.hits.map((h) => h.status)).toEqual([200]);
  });

  it('settings recorded in clear before secrets were sealed still deliver, signed', async () => {
    const server = await startTestServer({ notifications: quick });
    closers.push(server.stop);
    const admin = bearer(await tokenFor(server, ['admin']));
    const robot = await startReceiver({ dingtalkSecret: DINGTALK_SECRET });
    closers.push(robot.close);
    const commandId = randomUUID();
    const actor = { userId: 'admin-before', name: '管理员', unitId: null, role: 'admin' };
    await server.store.appendToStream(
      'notification-channels',
      [
        {
          id: randomUUID(),
          type: 'NotificationChannelConfigured',
          data: {
            channelId: 'old-robot',
            name: '旧钉钉群',
            config: { kind: 'webhook', format: 'dingtalk', url: robot.url, secret: DINGTALK_SECRET },
          },
          metadata: metadataFor({ actor, commandId, now: () => new Date().toISOString() }, new Date().toISOString(), 1),
        },
      ],
      'any',
    );
    await server.runner.waitFor(await server.store.headPosition());
    const channels = (await server.gql(`{ notificationChannels { id target signed } }`, {}, admin)).data!.notificationChannels;
    expect(channels).toContainEqual({ id: 'old-robot', target: robot.url.replace(/\?.*$/, '?…'), signed: true });

    await notifyOfficeBy(server, 'old-robot');
    await eventually(() => robot.accepted().size === 1, 10_000, 'the DingTalk message from clear settings');
    expect(robot.hits.map((h) => h.status)).toEqual([200]);
  });
});

describe('the notification key', () => {
  it('is created once in DATA_DIR/notification-key, readable by the owner only, and kept across starts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-key-'));
    try {
      const key = loadNotificationKey(undefined, dir);
      expect(key).toHaveLength(32);
      expect(statSync(join(dir, 'notification-key')).mode & 0o777).toBe(0o600);
      expect(loadNotificationKey(undefined, dir).equals(key)).toBe(true);
      // A damaged key file is never replaced silently: that would shred every recorded secret.
      writeFileSync(join(dir, 'notification-key'), 'not a key');
      expect(() => loadNotificationKey(undefined, dir)).toThrow(/does not hold a 32-byte key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('NOTIFICATION_KEY takes 32 bytes in base64 or hex, and nothing else', () => {
    const key = randomBytes(32);
    expect(loadNotificationKey(key.toString('base64'), '/nonexistent').equals(key)).toBe(true);
    expect(loadNotificationKey(key.toString('hex'), '/nonexistent').equals(key)).toBe(true);
    expect(configFromEnv({ NOTIFICATION_KEY: key.toString('hex') }).notificationKey).toBe(key.toString('hex'));
    expect(() => configFromEnv({ NOTIFICATION_KEY: 'too-short' })).toThrow(/NOTIFICATION_KEY: must be 32 bytes/);
    expect(() => loadNotificationKey(randomBytes(16).toString('base64'), '/nonexistent')).toThrow(/NOTIFICATION_KEY must be 32 bytes/);
  });
});
