import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../domain/index.js';

/**
 * Passwords are hashed with scrypt (node's own crypto, no native add-on): N=2^14, r=8, p=1 — about
 * 16 MB and some 50 ms per hash on a laptop core, which is the point. The parameters are stored with
 * the hash so they can be raised later without breaking old hashes.
 */
const N = 2 ** 14;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export const PASSWORD_MIN_LENGTH = 10;

/** Refuses passwords too short to resist guessing, or too long to hash cheaply. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > 200)
    throw new ValidationError('PASSWORD_TOO_WEAK', `A password must be ${PASSWORD_MIN_LENGTH} to 200 characters long.`, { field });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Hashed once, compared against when a login does not exist, so an unknown login takes as long as a known one. */
let dummyHash: Promise<string> | undefined;
export function hashForUnknownLogin(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}
