/**
 * The project's handful of error kinds. Each carries a stable `code` a client can switch on
 * and a message a person can read; nothing here ever throws a string.
 */
export abstract class TaizhangError extends Error {
  abstract readonly kind: 'validation' | 'illegal_state' | 'not_found' | 'concurrency' | 'forbidden' | 'unauthenticated';
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input itself is wrong (a malformed date, an empty reason, a description too long). */
export class ValidationError extends TaizhangError {
  readonly kind = 'validation' as const;
}

/** The input is well formed but the problem's current state does not allow it. */
export class IllegalStateError extends TaizhangError {
  readonly kind = 'illegal_state' as const;
}

export class NotFoundError extends TaizhangError {
  readonly kind = 'not_found' as const;
}

/** Someone else wrote to the stream first; the command handler retries these. */
export class ConcurrencyError extends TaizhangError {
  readonly kind = 'concurrency' as const;
}

/** Signed in, but not allowed to do this (wrong role, another unit's item). */
export class ForbiddenError extends TaizhangError {
  readonly kind = 'forbidden' as const;
}

/** Not signed in, or the sign-in is no longer good (expired, revoked, forged, disabled account). */
export class UnauthenticatedError extends TaizhangError {
  readonly kind = 'unauthenticated' as const;
}

/** Exhaustiveness check for switches over unions: a new member that nobody handles fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
