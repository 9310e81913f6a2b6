import type { Application, EventMetadata } from '../application/index.js';
import type { AccountRow } from '../projections/accountsView.js';
import type { RateLimits } from './limits.js';
import type { TokenIssuer } from './tokens.js';

/** Who is asking, as the request's token says (see api/authentication.ts). */
export type Authentication =
  | { kind: 'anonymous' }
  | { kind: 'rejected'; reason: 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'TOKEN_REVOKED' | 'USER_DISABLED'; message: string }
  | { kind: 'signed_in'; user: AccountRow; tokenExpiresAt: string };

/** The application's services and read side, as resolvers get them: never the store itself (nor the shutdown, nor the checkpointer). */
export type Services = Omit<Application, 'close' | 'checkpointer' | 'store'>;

/**
 * What every resolver gets: the services, and who is asking. The services are one property, the same object for every
 * request: yoga copies the context's properties onto its own per-request object, and with each service a property of
 * its own (some 25 in all) that object fell into V8's dictionary mode (8.5 µs a request, and every later read of it slower).
 */
export type Context = {
  services: Services;
  tokens: TokenIssuer;
  limits: RateLimits;
  auth: Authentication;
  /** The caller's address, for rate limits: as Express's req.ip finds it (its "trust proxy" setting, through proxy-addr). */
  clientIp: string;
  /** The request's id (X-Request-Id): the correlation id of the events its commands append. */
  requestId: string;
  /** Credits a log position the request's commands reached to the request (`X-Log-Position`): CommandContext's `reached`. */
  reached: (position: number) => void;
  /**
   * Who the command is recorded as acting: set by the authorization layer (api/authz.ts) for the
   * field it let through, from the verified token and the role its rule matched — never from the
   * request body.
   */
  actor?: EventMetadata['actor'];
};
