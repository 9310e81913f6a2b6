import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, addUser, bearer, logIn, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { type LiveStream, eventually, openStream } from './support/liveStream.js';

/**
 * A live stream (battleMapUpdates over server-sent events) lives no longer than the sign-in that
 * opened it — it ends with a last message saying why — and there are only so many of them, per
 * user and in all; a closed stream gives back everything it held.
 */
const SUBSCRIPTION = 'subscription { battleMapUpdates { ledgerNumber eventType } }';
const setup = { actor: { userId: 't', name: 't', unitId: null, role: 'office' }, now: () => new Date().toISOString() };

let server: TestServer;
let counter = 0;

/** How many listeners the runner is calling on every event (each open stream holds some). */
const listeners = (target: TestServer) => (target.runner as unknown as { listeners: Set<unknown> }).listeners.size;

async function raise(target: TestServer) {
  await target.ledger.raiseProblem(
    { source: 'audit', category: 'housing', description: '危房改造未完成' },
    { ...setup, commandId: `live-${++counter}` },
  );
}

/** The stream delivers, then ends with this error and `complete`. */
async function expectEnded(stream: LiveStream, code: string, reason?: string) {
  const last = await stream.next();
  expect(last.event).toBe('next');
  const error = last.event === 'next' ? last.result.errors?.[0] : undefined;
  expect(error?.extensions).toMatchObject({ code, ...(reason ? { reason } : {}) });
  expect(error?.message).toBeTruthy();
  expect((await stream.next()).event).toBe('complete');
}

beforeAll(async () => {
  server = await startTestServer({ limits: { streamsPerUser: 2, streamsTotal: 3 } });
  await addUnit(server, '磨子潭镇');
});
afterAll(() => server.stop());

describe('a live stream ends when its sign-in does', () => {
  it('the user signs out: the stream delivers until then, and ends with TOKEN_REVOKED', async () => {
    const user = await addUser(server, { roles: ['office'] });
    const token = await logIn(server, user.login);
    const before = listeners(server);
    const stream = await openStream(server.url, SUBSCRIPTION, bearer(token));
    await eventually(() => listeners(server) > before);
    await raise(server);
    expect(await stream.next()).toMatchObject({ event: 'next', result: { data: { battleMapUpdates: { eventType: 'ProblemRaised' } } } });

    const out = await server.gql('mutation { logout }', {}, bearer(token));
    expect(out.errors).toBeUndefined();
    await expectEnded(stream, 'UNAUTHENTICATED', 'TOKEN_REVOKED');
    await eventually(() => listeners(server) === before);
  });

  it('an admin disables the user: USER_DISABLED', async () => {
    const user = await addUser(server, { roles: ['office'] });
    const stream = await openStream(server.url, SUBSCRIPTION, bearer(await logIn(server, user.login)));
    await new Promise((r) => setTimeout(r, 100));
    await server.accounts.disable(user.userId, '调离', { ...setup, commandId: `disable-${user.userId}` });
    await expectEnded(stream, 'UNAUTHENTICATED', 'USER_DISABLED');
  });

  it('an admin resets the password: TOKEN_REVOKED', async () => {
    const user = await addUser(server, { roles: ['office'] });
    const admin = await tokenFor(server, ['admin']);
    const stream = await openStream(server.url, SUBSCRIPTION, bearer(await logIn(server, user.login)));
    await new Promise((r) => setTimeout(r, 100));
    const reset = await server.gql(
      'mutation($u: ID!) { resetPassword(userId: $u, password: "reset-by-admin-1") { user { login } } }',
      { u: user.userId },
      bearer(admin),
    );
    expect(reset.errors).toBeUndefined();
    await expectEnded(stream, 'UNAUTHENTICATED', 'TOKEN_REVOKED');
  });

  it('the token expires: TOKEN_EXPIRED, on time', async () => {
    const shortLived = await startTestServer({ tokenTtlSeconds: 1 });
    try {
      const token = await tokenFor(shortLived, ['office']);
      const before = listeners(shortLived);
      const stream = await openStream(shortLived.url, SUBSCRIPTION, bearer(token));
      const started = Date.now();
      await expectEnded(stream, 'UNAUTHENTICATED', 'TOKEN_EXPIRED');
      expect(Date.now() - started).toBeLessThan(2500);
      await eventually(() => listeners(shortLived) === before);
    } finally {
      await shortLived.stop();
    }
  });

  it("other users' streams go on", async () => {
    const leaving = await addUser(server, { roles: ['office'] });
    const leavingToken = await logIn(server, leaving.login);
    const staying = await openStream(server.url, SUBSCRIPTION, bearer(await tokenFor(server, ['committee'])));
    const gone = await openStream(server.url, SUBSCRIPTION, bearer(leavingToken));
    await new Promise((r) => setTimeout(r, 100));
    await server.gql('mutation { logout }', {}, bearer(leavingToken));
    await expectEnded(gone, 'UNAUTHENTICATED', 'TOKEN_REVOKED');
    await raise(server);
    expect(await staying.next()).toMatchObject({ event: 'next', result: { data: { battleMapUpdates: { eventType: 'ProblemRaised' } } } });
    staying.close();
  });
});

describe('how many live streams', () => {
  it('per user and in all; refused beyond with TOO_MANY_STREAMS; a closed stream frees its place and its listeners', async () => {
    await eventually(() => server.limits.openStreams === 0);
    const before = listeners(server);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => tokenFor(server, ['office'])));
    const a1 = await openStream(server.url, SUBSCRIPTION, bearer(a!));
    const a2 = await openStream(server.url, SUBSCRIPTION, bearer(a!));
    await eventually(() => server.limits.openStreams === 2);
    const a3 = await openStream(server.url, SUBSCRIPTION, bearer(a!));
    const perUser = await a3.next();
    expect(perUser.event === 'next' && perUser.result.errors?.[0]).toMatchObject({
      message: 'You have 2 live streams open, the most one user may have; close one first.',
      extensions: { code: 'TOO_MANY_STREAMS' },
    });

    const b1 = await openStream(server.url, SUBSCRIPTION, bearer(b!));
    await eventually(() => server.limits.openStreams === 3);
    const c1 = await openStream(server.url, SUBSCRIPTION, bearer(c!));
    const total = await c1.next();
    expect(total.event === 'next' && total.result.errors?.[0]).toMatchObject({
      message: 'The server has 3 live streams open, all it serves; try again later.',
      extensions: { code: 'TOO_MANY_STREAMS' },
    });
    expect(listeners(server)).toBeGreaterThan(before);

    for (const s of [a1, a2, a3, b1, c1]) s.close();
    await eventually(() => server.limits.openStreams === 0 && listeners(server) === before);
    // The places are free again.
    const again = await openStream(server.url, SUBSCRIPTION, bearer(a!));
    await raise(server);
    expect(await again.next()).toMatchObject({ event: 'next', result: { data: { battleMapUpdates: { eventType: 'ProblemRaised' } } } });
    again.close();
    await eventually(() => server.limits.openStreams === 0 && listeners(server) === before);
  });

  it('100 streams opened and closed leave nothing behind', async () => {
    const roomy = await startTestServer({ limits: { streamsPerUser: 100, streamsTotal: 100 } });
    try {
      const token = await tokenFor(roomy, ['office']);
      const before = listeners(roomy);
      const streams = await Promise.all(Array.from({ length: 100 }, () => openStream(roomy.url, SUBSCRIPTION, bearer(token))));
      await eventually(() => roomy.limits.openStreams === 100);
      const refused = await openStream(roomy.url, SUBSCRIPTION, bearer(token));
      const answer = await refused.next();
      expect(answer.event === 'next' && answer.result.errors?.[0]?.extensions?.code).toBe('TOO_MANY_STREAMS');
      for (const s of streams) s.close();
      await eventually(() => roomy.limits.openStreams === 0 && listeners(roomy) === before, 5000);
    } finally {
      await roomy.stop();
    }
  });
});

describe('notifications on the live stream (the bell)', () => {
  const BELL =
    'subscription { battleMapUpdates(kinds: [notification]) { kind eventType ledgerNumber light notification { id subject read } } }';
  const signedIn = async () => {
    const user = await addUser(server, { roles: ['office'] });
    return { ...user, auth: bearer(await logIn(server, user.login)) };
  };

  it('pushes each user their own new notifications and never another user’s; a stream that did not ask for them gets none', async () => {
    await eventually(() => server.limits.openStreams === 0);
    const before = listeners(server);
    const a = await signedIn();
    const b = await signedIn();
    const aBell = await openStream(server.url, BELL, a.auth);
    const bBell = await openStream(server.url, BELL, b.auth);
    const aWall = await openStream(server.url, 'subscription { battleMapUpdates { kind eventType } }', a.auth);
    await eventually(() => server.limits.openStreams === 3);

    // A 12317 report tells every office user, each in a notification of their own, recorded together.
    const report = await server.gql(
      `mutation { submitHotlineReport(text: "某村危房改造资金被挪用，请查处。") { receiptCode } }`,
      {},
      { 'x-forwarded-for': '10.0.0.7' },
    );
    expect(report.errors).toBeUndefined();
    const inboxOf = async (auth: Record<string, string>) =>
      (await server.gql<{ myNotifications: { id: string }[] }>('{ myNotifications(first: 1) { id } }', {}, auth)).data!.myNotifications[0]!
        .id;
    const pushed = (id: string) => ({
      event: 'next',
      result: {
        data: {
          battleMapUpdates: {
            kind: 'notification',
            eventType: 'NotificationRecorded',
            ledgerNumber: null,
            light: null,
            notification: { id, subject: '【12317 举报】新举报待处理', read: false },
          },
        },
      },
    });
    const aGot = await aBell.next();
    const bGot = await bBell.next();
    const [aId, bId] = [await inboxOf(a.auth), await inboxOf(b.auth)];
    expect(aId).not.toBe(bId);
    expect(aGot).toEqual(pushed(aId));
    expect(bGot).toEqual(pushed(bId));
    // Nothing more: b's notification (and everyone else's) does not reach a, nor a's reach b, and the wall's stream got none.
    await expect(aBell.next(500)).rejects.toThrow('no event');
    await expect(bBell.next(100)).rejects.toThrow('no event');
    await expect(aWall.next(100)).rejects.toThrow('no event');

    for (const s of [aBell, bBell, aWall]) s.close();
    await eventually(() => server.limits.openStreams === 0 && listeners(server) === before);
  });
});
