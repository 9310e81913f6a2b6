import { describe, expect, it } from 'vitest';
import { TokenIssuer } from '../api/tokens.js';

/** A token checked once is kept (api/tokens.ts): its expiry is still judged at every request, and only that exact token is kept. */
describe('TokenIssuer.verify, again for the same token', () => {
  const secret = new TextEncoder().encode('a-test-secret-of-at-least-32-characters');
  const at = (instant: string) => ({ value: instant });

  it('still expires it on the clock, at the second jose would, and takes it again when the clock goes back', async () => {
    const now = at('2019-05-06T09:00:00+08:00');
    const tokens = new TokenIssuer(secret, () => now.value, 3600);
    const { token } = await tokens.issue('u-1', 3);
    const claims = { userId: 'u-1', version: 3, expiresAt: '2019-05-06T02:00:00.000Z' };
    expect(await tokens.verify(token)).toEqual(claims);
    now.value = '2019-05-06T09:59:59.999+08:00';
    expect(await tokens.verify(token)).toEqual(claims);
    now.value = '2019-05-06T10:00:00+08:00';
    await expect(tokens.verify(token)).rejects.toMatchObject({ reason: 'TOKEN_EXPIRED' });
    now.value = '2019-05-06T09:30:00+08:00';
    expect(await tokens.verify(token)).toEqual(claims);
  });

  it('refuses an altered copy of a token it has accepted, and one signed with another secret', async () => {
    const now = at('2019-05-06T09:00:00+08:00');
    const tokens = new TokenIssuer(secret, () => now.value, 3600);
    const { token } = await tokens.issue('u-1', 3);
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const altered = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(tokens.verify(altered)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    const stranger = new TokenIssuer(new TextEncoder().encode('another-secret-of-at-least-32-characters'), () => now.value, 3600);
    const { token: theirs } = await stranger.issue('u-1', 3);
    await expect(tokens.verify(theirs)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    expect(await tokens.verify(token)).toMatchObject({ userId: 'u-1' });
  });

  it('hands each caller its own claims', async () => {
    const tokens = new TokenIssuer(secret, () => '2019-05-06T09:00:00+08:00', 3600);
    const { token } = await tokens.issue('u-1', 3);
    const first = await tokens.verify(token);
    first.version = 99;
    expect((await tokens.verify(token)).version).toBe(3);
  });
});
