import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

const ISSUER = 'taizhang';
const AUDIENCE = 'taizhang';
const EXPIRED_MESSAGE = 'Your sign-in has expired; log in again.';
const INVALID_MESSAGE = 'The sign-in token is not valid (not issued by this server, or altered).';
/** How many verified tokens a server keeps (a few hundred bytes each): far more than its users signed in at once. */
const VERIFIED_TOKENS = 10_000;

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
  /**
   * Tokens whose signature and claims were checked once, with the times that bound them: a client sends
   * the same token with every request, and checking its HMAC again (a WebCrypto job on libuv's thread
   * pool, then a callback) cost more than the rest of authentication. Expiry (and not-before) are
   * checked against the clock at every request as jose checks them; only tokens that verified are kept
   * (a stranger cannot fill it), at most VERIFIED_TOKENS, the oldest dropped first. Revocation is not
   * the token's business: `authenticate` compares its version with the account's at every request.
   */
  private readonly verified = new Map<string, { claims: TokenClaims; exp: number; nbf: number | undefined }>();

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
    const currentDate = new Date(this.clock());
    const known = this.verified.get(token);
    if (known !== undefined) {
      // jose's own tests of the times (jwt_claims_set.js: whole seconds, no tolerance), on a clock that may have moved either way.
      const now = Math.floor(currentDate.getTime() / 1000);
      if (known.nbf !== undefined && known.nbf > now) throw new TokenRejected('TOKEN_INVALID', INVALID_MESSAGE);
      if (known.exp <= now) throw new TokenRejected('TOKEN_EXPIRED', EXPIRED_MESSAGE);
      if (Number.isFinite(now)) return { ...known.claims };
    }
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate,
        requiredClaims: ['sub', 'exp', 'ver'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.ver !== 'number' || typeof payload.exp !== 'number')
        throw new TokenRejected('TOKEN_INVALID', 'The sign-in token is not one this server issued.');
      const claims = { userId: payload.sub, version: payload.ver, expiresAt: new Date(payload.exp * 1000).toISOString() };
      this.verified.set(token, { claims: { ...claims }, exp: payload.exp, nbf: payload.nbf });
      if (this.verified.size > VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
      return claims;
    } catch (error) {
      if (error instanceof TokenRejected) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new TokenRejected('TOKEN_EXPIRED', EXPIRED_MESSAGE);
      throw new TokenRejected('TOKEN_INVALID', INVALID_MESSAGE);
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
