import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer, stopServer } from './support/serverProcess.js';
import { eventually, startReceiver } from './support/receivers.js';

/**
 * Kill -9 the server while it delivers a burst of notifications to two slow receivers (a JSON
 * webhook and a signed DingTalk robot), twice. After the last restart every notification has reached
 * each receiver, and each receiver, counting by the delivery id it is sent, has every one exactly once.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-notify-crash-'));
const env = {
  DATA_DIR: dataDir,
  DEMO_DATA: 'off',
  EVENT_STORE: 'sqlite',
  NOTIFICATIONS_POLL_MS: '50',
  NOTIFICATIONS_TIMEOUT_MS: '1000',
  NOTIFICATIONS_LEASE_MS: '1500',
  NOTIFICATIONS_BACKOFF_MS: '50',
};
const secret = 'SECcrash0123456789';
let server: ServerProcess | undefined;
const receivers = await Promise.all([startReceiver({ delayMs: 40 }), startReceiver({ delayMs: 40, dingtalkSecret: secret })]);
afterAll(async () => {
  if (server) await stopServer(server, 'SIGKILL');
  for (const r of receivers) await r.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function gql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
const login = async (name: string, password: string) =>
  (await gql('', `mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }`, { l: name, p: password })).login
    .token as string;

describe('a server killed with SIGKILL during a burst of deliveries', () => {
  it('delivers every notification to each receiver, each delivery id accepted once', async () => {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/user.ts', 'add', '--login', 'chief', '--roles', 'office,admin', '--password', 'crash-test-password'],
      {
        env: { ...process.env, ...env },
      },
    );
    server = await spawnServer(env);
    let chief = await login('chief', 'crash-test-password');
    const unit = (await gql(chief, `mutation { registerUnit(name: "佛子岭镇", kind: township) { unit { id } } }`)).registerUnit.unit.id;
    await gql(
      chief,
      `mutation($u: ID!) { registerUser(login: "head", displayName: "钱镇长", roles: [unit_head], unitId: $u, password: "head-password-1") { user { id } } }`,
      { u: unit },
    );
    const configure = `mutation($id: String!, $f: WebhookFormat!, $url: String!, $s: String) {
      configureNotificationChannel(id: $id, name: $id, kind: webhook, format: $f, url: $url, secret: $s) { id } }`;
    await gql(chief, configure, { id: 'json-hook', f: 'json', url: receivers[0]!.url });
    await gql(chief, configure, { id: 'ding-hook', f: 'dingtalk', url: receivers[1]!.url, s: secret });
    const head = await login('head', 'head-password-1');
    await gql(head, `mutation { setNotificationPreferences(channels: ["json-hook", "ding-hook"], dailyDigest: false) { channels } }`);

    let ordered = 0;
    for (let cycle = 0; cycle < 2; cycle++) {
      // A burst of 督办 orders, each one notification to the unit head over both channels.
      const problems = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const raised = await gql(
            chief,
            `mutation($d: String!) { raiseProblem(source: county_self_check, category: housing, description: $d) { problem { id } } }`,
            { d: `危房 ${cycle}-${i}` },
          );
          const id = raised.raiseProblem.problem.id;
          await gql(
            chief,
            `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "钱") { problem { id } } }`,
            { p: id, u: unit },
          );
          return id as string;
        }),
      );
      await Promise.all(
        problems.map((p) =>
          gql(
            chief,
            `mutation($p: ID!) { orderSupervision(problemId: $p, instruction: "限期办结", finishBy: "2099-12-31") { problem { id } } }`,
            { p },
          ),
        ),
      );
      ordered += problems.length;
      // Kill it while deliveries are under way: some have reached the receivers, not all.
      const before = receivers[0]!.hits.length;
      await eventually(() => receivers[0]!.hits.length >= before + 3, 10_000, 'deliveries to start');
      await stopServer(server, 'SIGKILL');
      server = await spawnServer(env);
      chief = await login('chief', 'crash-test-password');
    }

    for (const receiver of receivers) await eventually(() => receiver.accepted().size === ordered, 30_000, `all ${ordered} deliveries`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const deliveries = (await gql(chief, `{ notificationDeliveries(first: 1000) { id channelId status } failedDeliveryCount }`))
      .notificationDeliveries;
    expect(deliveries).toHaveLength(ordered * 2);
    expect(deliveries.every((d: { status: string }) => d.status === 'delivered')).toBe(true);
    for (const receiver of receivers) {
      const accepted = receiver.accepted();
      // Every delivery the outbox has for this channel, and nothing else, each accepted once by id.
      expect(accepted.size).toBe(ordered);
      expect(receiver.hits.every((h) => h.status === 200)).toBe(true);
      // A crash between a send and the append of its outcome resends it with the same id: count those honestly.
      const repeats = receiver.hits.length - accepted.size;
      console.log(`receiver: ${receiver.hits.length} requests, ${accepted.size} delivery ids, ${repeats} repeats after crashes`);
      expect(repeats).toBeLessThanOrEqual(2); // at most the one send under way on this channel at each of the 2 kills
    }
  }, 120_000);
});
