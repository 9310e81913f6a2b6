import { accountStreamId } from '../domain/index.js';
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
  let claims: Awaited<ReturnType<typeof tokens.verify>>;
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
  if (user.status === 'disabled') return DISABLED;
  if (user.tokenVersion !== claims.version) return REVOKED;
  return { kind: 'signed_in', user, tokenExpiresAt: claims.expiresAt };
}

type Rejected = Extract<Authentication, { kind: 'rejected' }>;
const DISABLED: Rejected = { kind: 'rejected', reason: 'USER_DISABLED', message: 'This account is disabled; ask an admin.' };
const REVOKED: Rejected = {
  kind: 'rejected',
  reason: 'TOKEN_REVOKED',
  message: 'This sign-in was ended (logout or password change); log in again.',
};
const EXPIRED: Rejected = { kind: 'rejected', reason: 'TOKEN_EXPIRED', message: 'Your sign-in has expired; log in again.' };

/** The longest wait between two looks at the clock: a clock that jumps (the demo's calendar) is noticed within this. */
const RECHECK_MS = 60_000;

/**
 * Why a sign-in checked once no longer holds, as the clock and the accounts view say now; undefined
 * while it holds. Versions only move on, so a view that lags behind the token (authenticate read the
 * account's stream) is not taken for a revocation.
 */
export function sessionEnd(
  auth: Extract<Authentication, { kind: 'signed_in' }>,
  { runner, clock }: { runner: ProjectionRunner; clock: () => string },
): Rejected | undefined {
  if (Date.parse(clock()) >= Date.parse(auth.tokenExpiresAt)) return EXPIRED;
  const user = runner.state(accountsView).users.get(auth.user.userId);
  if (!user || user.tokenVersion < auth.user.tokenVersion) return undefined;
  if (user.status === 'disabled') return DISABLED;
  if (user.tokenVersion > auth.user.tokenVersion) return REVOKED;
  return undefined;
}

/**
 * Watches a sign-in that something long-lived (a live stream) rests on: `onEnd` is called once, when
 * the token expires (a timer, by the injected clock) or when an event of the account ends it (logout,
 * a password change, disabling — the accounts view has applied it when the runner's listeners run).
 * Returns the stop, which removes the listener and clears the timer.
 */
export function watchSession(
  auth: Extract<Authentication, { kind: 'signed_in' }>,
  deps: { runner: ProjectionRunner; clock: () => string },
  onEnd: (why: Rejected) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let off: (() => void) | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    off?.();
  };
  const check = () => {
    if (stopped) return;
    const why = sessionEnd(auth, deps);
    if (why) {
      stop();
      onEnd(why);
    }
  };
  const schedule = () => {
    const left = Date.parse(auth.tokenExpiresAt) - Date.parse(deps.clock());
    timer = setTimeout(
      () => {
        check();
        if (!stopped) schedule();
      },
      Math.min(Math.max(left, 0) + 10, RECHECK_MS),
    );
  };
  // The user's own stream: no other event's data is read (a checkpoint's is parsed only when read, 13 MB for a million events' first).
  const own = accountStreamId(auth.user.userId);
  off = deps.runner.onApplied((event) => {
    if (event.streamId === own) check();
  });
  schedule();
  check();
  return stop;
}
