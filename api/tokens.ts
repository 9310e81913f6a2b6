import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

const ISSUER = 'taizhang';
const AUDIENCE = 'taizhang';

/** What a token says: whose it is, and the account's token version it was issued at. */
export type TokenClaims = { userId: string; version: number; expiresAt: string };

export class TokenRejected extends Error {
  constructor(
    readonly reason: 'TOKEN_EXPIRED' | 'TOKEN_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Signs and checks the sign-in tokens: HS256 JWTs (jose) that expire. Times come from the injected
 * clock, so a test (or the demo's simulated calendar) decides when a token expires.
 */
export class TokenIssuer {
  /**
   * Imported once as a WebCrypto key: handed the raw bytes, jose imports the key again on every
   * request (measured: 33 µs a verification with the bytes, 20 µs with the key imported once).
   */
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(
    secret: Uint8Array,
    private readonly clock: () => string,
    readonly ttlSeconds: number,
  ) {
    this.key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async issue(userId: string, version: number): Promise<{ token: string; expiresAt: string }> {
    const now = Math.floor(new Date(this.clock()).getTime() / 1000);
    const exp = now + this.ttlSeconds;
    const token = await new SignJWT({ ver: version })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(await this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: new Date(this.clock()),
        requiredClaims: ['sub', 'exp', 'ver'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.ver !== 'number' || typeof payload.exp !== 'number')
        throw new TokenRejected('TOKEN_INVALID', 'The sign-in token is not one this server issued.');
      return { userId: payload.sub, version: payload.ver, expiresAt: new Date(payload.exp * 1000).toISOString() };
    } catch (error) {
      if (error instanceof TokenRejected) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new TokenRejected('TOKEN_EXPIRED', 'Your sign-in has expired; log in again.');
      throw new TokenRejected('TOKEN_INVALID', 'The sign-in token is not valid (not issued by this server, or altered).');
    }
  }
}

/**
 * The signing secret: `TOKEN_SECRET` when set (at least 32 characters), else a random one kept in
 * `<DATA_DIR>/token-secret` (created on first start, readable by the owner only), so a restart
 * keeps everyone signed in. Deleting that file signs everyone out.
 */
export function loadTokenSecret(envSecret: string | undefined, dataDir: string): Uint8Array {
  if (envSecret !== undefined) {
    if (envSecret.length < 32) throw new Error('TOKEN_SECRET must be at least 32 characters');
    return new TextEncoder().encode(envSecret);
  }
  const file = join(dataDir, 'token-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process (an admin script, a second server) created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}
