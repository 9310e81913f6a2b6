import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../application/config.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * Behind a load balancer every request comes from the balancer: with TRUST_PROXY naming it, the
 * per-address limits count each client by X-Forwarded-For; without it the header is ignored, so a
 * client cannot escape a limit by naming another address.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
const lookup = (client: string) =>
  server!.gql(`query($c: String!) { hotlineReportStatus(receiptCode: $c) }`, { c: 'NO-SUCH-CODE' }, { 'x-forwarded-for': client });
const refused = (answer: Awaited<ReturnType<typeof lookup>>) => answer.errors?.[0]?.extensions?.code === 'RATE_LIMITED';

describe('the client address behind a balancer', () => {
  it('with the balancer trusted, each client is limited on its own', async () => {
    server = await startTestServer({ trustProxy: ['loopback'], limits: { hotlineLookupsPerIpPerMinute: 2 } });
    const first = [await lookup('203.0.113.7'), await lookup('203.0.113.7'), await lookup('203.0.113.7')];
    expect(first.map(refused)).toEqual([false, false, true]);
    expect(refused(await lookup('203.0.113.8'))).toBe(false);
  });

  it('without it, X-Forwarded-For changes nothing: the connection’s address is counted', async () => {
    server = await startTestServer({ limits: { hotlineLookupsPerIpPerMinute: 2 } });
    const answers = [await lookup('203.0.113.7'), await lookup('203.0.113.8'), await lookup('203.0.113.9')];
    expect(answers.map(refused)).toEqual([false, false, true]);
  });

  it('TRUST_PROXY takes a number of hops or a list', () => {
    expect(configFromEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(configFromEnv({ TRUST_PROXY: 'loopback, 172.16.0.0/12' }).trustProxy).toEqual(['loopback', '172.16.0.0/12']);
    expect(configFromEnv({}).trustProxy).toBeUndefined();
  });
});
