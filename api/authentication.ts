import { accountsView } from '../projections/accountsView.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { Accounts } from '../application/accounts.js';
import type { Authentication } from './context.js';
import { TokenRejected, type TokenIssuer } from './tokens.js';

/**
 * Turns the request's `Authorization: Bearer <token>` header into who is asking. The token must be
 * one this server signed, unexpired, and issued at the account's current token version (a logout,
 * a password change or disabling the account moves the version on, revoking older tokens).
 */
export async function authenticate(
  header: string | undefined,
  { tokens, runner, accounts }: { tokens: TokenIssuer; runner: ProjectionRunner; accounts: Accounts },
): Promise<Authentication> {
  if (!header) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) return { kind: 'rejected', reason: 'TOKEN_INVALID', message: 'Send the token as "Authorization: Bearer <token>".' };
  let claims;
  try {
    claims = await tokens.verify(match[1]!);
  } catch (error) {
    if (error instanceof TokenRejected) return { kind: 'rejected', reason: error.reason, message: error.message };
    throw error;
  }
  let user = runner.state(accountsView).users.get(claims.userId);
  // The read model may not have caught up with a change made a moment ago (or by an admin script
  // in another process): when it looks older than the token, ask the account's own stream.
  if (!user || user.tokenVersion < claims.version) {
    const state = await accounts.load(claims.userId);
    user = state.status === 'unregistered' ? undefined : state;
  }
  if (!user) return { kind: 'rejected', reason: 'TOKEN_INVALID', message: 'The sign-in token names no account.' };
  if (user.status === 'disabled')
    return { kind: 'rejected', reason: 'USER_DISABLED', message: 'This account is disabled; ask an admin.' };
  if (user.tokenVersion !== claims.version)
    return { kind: 'rejected', reason: 'TOKEN_REVOKED', message: 'This sign-in was ended (logout or password change); log in again.' };
  return { kind: 'signed_in', user, tokenExpiresAt: claims.expiresAt };
}
