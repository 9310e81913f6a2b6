import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../application/notifications/notifier.js';
import { addUnit, addUser, bearer, logIn, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { eventually, parseMail, startReceiver, startSmtpServer } from './support/receivers.js';

/**
 * Notifications reach people: facts in the log become inbox entries, e-mail through a real SMTP
 * server, and webhooks to real local receivers (DingTalk's signature checked), with retries, and
 * failures visible to the admin.
 */
let server: TestServer;
let admin: Record<string, string>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startTestServer({ notifications: { pollMs: 50, backoffMs: 50, timeoutMs: 1000 } });
  admin = bearer(await tokenFor(server, ['admin']));
  smtp = await startSmtpServer();
  closers.push(smtp.close);
});
afterAll(async () => {
  await server.stop();
  for (const close of closers) await close();
});

async function configure(args: Record<string, unknown>) {
  const response = await server.gql(
    `mutation($id: String!, $name: String!, $kind: NotificationChannelKind!, $url: String!, $from: String, $format: WebhookFormat, $secret: String) {
      configureNotificationChannel(id: $id, name: $name, kind: $kind, url: $url, from: $from, format: $format, secret: $secret) { id target signed } }`,
    args,
    admin,
  );
  return response;
}

/** An office user (督查办), signed in, with these outward channels. */
async function officeUser(channels: string[], email: string | null = null) {
  const user = await addUser(server, { roles: ['office'] });
  const auth = bearer(await logIn(server, user.login));
  const set = await server.gql(
    `mutation($c: [String!]!, $e: String) { setNotificationPreferences(channels: $c, dailyDigest: false, email: $e) { channels email } }`,
    { c: channels, e: email },
    auth,
  );
  expect(set.errors).toBeUndefined();
  return { ...user, auth };
}

/** A local port nothing listens at (one just let go of). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const submitReport = (text: string) =>
  server.gql(`mutation($t: String!) { submitHotlineReport(text: $t) { receiptCode } }`, { t: text }, { 'x-forwarded-for': '10.0.0.1' });

describe('notifications', () => {
  it('sends an e-mail through a real SMTP server, with the Chinese subject and body', async () => {
    expect(
      (await configure({ id: 'county-mail', name: '县邮件', kind: 'smtp', url: smtp.url, from: 'taizhang@county.example.cn' })).errors,
    ).toBeUndefined();
    const office = await officeUser(['county-mail'], 'duchaban@county.example.cn');
    expect((await submitReport('某村危房改造资金被挪用，请查处。')).errors).toBeUndefined();
    await eventually(() => smtp.mails.some((m) => m.to.includes('duchaban@county.example.cn')), 10_000, 'the e-mail');
    const mail = parseMail(smtp.mails.find((m) => m.to.includes('duchaban@county.example.cn'))!.raw);
    expect(mail.subject).toBe('【12317 举报】新举报待处理');
    expect(mail.body).toContain('某村危房改造资金被挪用，请查处。');
    expect(mail.body).toContain('请及时受理');
    const deliveryId = mail.headers['x-taizhang-delivery-id'];
    expect(mail.headers['message-id']).toBe(`<${deliveryId}@taizhang>`);

    // The inbox has it too, unread; reading it brings the count to zero, and reading again appends nothing.
    const inbox = await server.gql(`{ myNotifications(unreadOnly: true) { id subject read } unreadNotificationCount }`, {}, office.auth);
    expect(inbox.data!.unreadNotificationCount).toBeGreaterThanOrEqual(1);
    const id = inbox.data!.myNotifications[0].id;
    expect(
      (await server.gql(`mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { read } }`, { ids: [id] }, office.auth)).data!
        .markNotificationsRead[0].read,
    ).toBe(true);
    await server.settled();
    const head = await server.store.headPosition();
    await server.gql(`mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { read } }`, { ids: [id] }, office.auth);
    expect(await server.store.headPosition()).toBe(head);
    const deliveries = await server.gql(`{ notificationDeliveries { id status attempts channelId } }`, {}, admin);
    expect(deliveries.data!.notificationDeliveries).toContainEqual({
      id: deliveryId,
      status: 'delivered',
      attempts: 1,
      channelId: 'county-mail',
    });
  });

  it('signs DingTalk robot messages as DingTalk documents, and the receiver accepts them', async () => {
    const secret = 'SECtest0123456789abcdef';
    const robot = await startReceiver({ dingtalkSecret: secret });
    closers.push(robot.close);
    const channel = await configure({
      id: 'dingtalk-office',
      name: '督查办钉钉群',
      kind: 'webhook',
      format: 'dingtalk',
      url: robot.url,
      secret,
    });
    expect(channel.data!.configureNotificationChannel).toMatchObject({ signed: true });
    expect(channel.data!.configureNotificationChannel.target).not.toContain('test-token');
    await officeUser(['dingtalk-office']);
    await submitReport('村干部优亲厚友，低保评定不公。');
    await eventually(() => robot.accepted().size === 1, 10_000, 'the DingTalk message');
    expect(robot.hits.every((h) => h.status === 200)).toBe(true);
    const hit = robot.hits[0]!;
    expect(hit.body.msgtype).toBe('markdown');
    expect(hit.body.markdown.title).toBe('【12317 举报】新举报待处理');
    expect(hit.body.markdown.text).toContain('低保评定不公');
    expect(hit.query.get('access_token')).toBe('test-token');
  });

  it('retries a receiver that fails three times: exactly one delivery, and a dead SMTP host holds up nothing', async () => {
    const flaky = await startReceiver({ failFirst: 3 });
    closers.push(flaky.close);
    await configure({ id: 'flaky-json', name: '接口', kind: 'webhook', format: 'json', url: flaky.url });
    await configure({ id: 'dead-mail', name: '坏邮件', kind: 'smtp', url: 'smtp://127.0.0.1:1', from: 'taizhang@county.example.cn' });
    const deadPort = await closedPort();
    await configure({ id: 'dead-hook', name: '坏接口', kind: 'webhook', format: 'json', url: `http://127.0.0.1:${deadPort}/hook` });
    await officeUser(['dead-mail', 'dead-hook', 'flaky-json'], 'someone@county.example.cn');
    await submitReport('扶贫项目资金拨付滞后。');
    await eventually(() => flaky.accepted().size === 1, 15_000, 'the delivery after three failures');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(flaky.hits.map((h) => h.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(flaky.hits.map((h) => h.deliveryId)).size).toBe(1);
    expect(flaky.hits[3]!.body).toMatchObject({ deliveryId: flaky.hits[0]!.deliveryId, subject: '【12317 举报】新举报待处理' });
    await server.runner.waitFor(await server.store.headPosition());
    const deliveries = (
      await server.gql(`{ notificationDeliveries { id channelId status attempts lastError } failedDeliveryCount }`, {}, admin)
    ).data!;
    expect(deliveries.notificationDeliveries.find((d: any) => d.channelId === 'flaky-json')).toMatchObject({
      status: 'delivered',
      attempts: 4,
    });
    // The dead host's failure is visible to the admin, never silent.
    const failed = (
      await server.gql(`{ notificationDeliveries(failedOnly: true) { channelId status lastError nextAttemptAt } }`, {}, admin)
    ).data!;
    expect(failed.notificationDeliveries.some((d: any) => d.channelId === 'dead-mail' && d.lastError)).toBe(true);
    // A webhook nobody listens at says why, not only fetch's "fetch failed".
    expect(failed.notificationDeliveries.find((d: any) => d.channelId === 'dead-hook').lastError).toBe(
      `fetch failed: connect ECONNREFUSED 127.0.0.1:${deadPort}`,
    );
    expect(deliveries.failedDeliveryCount).toBeGreaterThanOrEqual(1);
  });

  it('tells a unit head of 督办 on their unit’s problem, and the office of the unit’s reply, in the inbox', async () => {
    const unitId = await addUnit(server, '佛子岭镇');
    const head = await addUser(server, { roles: ['unit_head'], unitId });
    const headAuth = bearer(await logIn(server, head.login));
    const office = bearer(await tokenFor(server, ['office']));
    const raised = await server.gql(
      `mutation { raiseProblem(source: county_self_check, category: housing, description: "危房未改造") { problem { id ledgerNumber } } }`,
      {},
      office,
    );
    const problem = raised.data!.raiseProblem.problem;
    await server.gql(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "钱") { problem { id } } }`,
      { p: problem.id, u: unitId },
      office,
    );
    await server.gql(
      `mutation($p: ID!) { orderSupervision(problemId: $p, instruction: "月底前办结", finishBy: "2099-12-31") { problem { id } } }`,
      { p: problem.id },
      office,
    );
    await eventually(
      async () => (await server.gql(`{ unreadNotificationCount }`, {}, headAuth)).data!.unreadNotificationCount === 1,
      5000,
      'the inbox',
    );
    const [notification] = (await server.gql(`{ myNotifications { kind subject body problemId } }`, {}, headAuth)).data!.myNotifications;
    expect(notification).toMatchObject({ kind: 'supervision_ordered', subject: `【督办】${problem.ledgerNumber}`, problemId: problem.id });
    expect(notification.body).toContain('月底前办结');
    expect(notification.body).toContain('请于 2099-12-31 前办结并回复');

    // The unit replies: the office that ordered it is told, naming the unit and the reply.
    const officer = await addUser(server, { roles: ['office'] });
    const officerAuth = bearer(await logIn(server, officer.login));
    const replied = await server.gql(
      `mutation($p: ID!) { replyToSupervision(problemId: $p, reply: "已完成危房改造") { problem { id } } }`,
      { p: problem.id },
      headAuth,
    );
    expect(replied.errors).toBeUndefined();
    const told = async () =>
      ((await server.gql(`{ myNotifications { kind subject body problemId } }`, {}, officerAuth)).data!.myNotifications as any[]).find(
        (n) => n.kind === 'supervision_replied',
      );
    await eventually(async () => (await told()) !== undefined, 5000, 'the office is told of the reply');
    const reply = await told();
    expect(reply).toMatchObject({ subject: `【督办回复】${problem.ledgerNumber}`, problemId: problem.id });
    expect(reply.body).toContain('佛子岭镇');
    expect(reply.body).toContain('已完成危房改造');
    // The unit head who replied is not told of their own reply.
    expect((await server.gql(`{ myNotifications { kind } }`, {}, headAuth)).data!.myNotifications).toEqual([
      { kind: 'supervision_ordered' },
    ]);
  });

  it('refuses bad channel settings with a clear error, appending nothing', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const badSmtp = await configure({ id: 'bad-mail', name: '坏', kind: 'smtp', url: 'smtp//no host', from: 'a@b.cn' });
    expect(badSmtp.errors![0]!.extensions!.code).toBe('VALIDATION_FAILED');
    expect(badSmtp.errors![0]!.message).toContain('config.url must be an smtp:// or smtps:// URL');
    const badHook = await configure({ id: 'bad-hook', name: '坏', kind: 'webhook', format: 'wecom', url: 'ftp://example.cn/hook' });
    expect(badHook.errors![0]!.extensions!.code).toBe('VALIDATION_FAILED');
    expect(badHook.errors![0]!.message).toContain('config.url must be an http:// or https:// URL');
    const unknownChannel = await server.gql(
      `mutation { setNotificationPreferences(channels: ["nowhere"], dailyDigest: false) { channels } }`,
      {},
      admin,
    );
    expect(unknownChannel.errors![0]!.extensions!.code).toBe('VALIDATION_FAILED');
    // The notifier keeps retrying the dead hosts of the test above in the background (its own Delivery* events, up to
    // maxAttempts with backoff): right, and not caused by these commands. Nothing else may follow `head`.
    const appended = await server.store.readAll({ after: head, maxCount: 10_000 });
    expect(appended.filter((e) => e.metadata.actor.userId !== SYSTEM_ACTOR.userId).map((e) => [e.streamId, e.type])).toEqual([]);
  });
});
