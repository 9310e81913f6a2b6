import type { EventMetadata, EventStore } from '../eventstore/port.js';
import type { AccountRow } from '../projections/accountsView.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { Accounts } from './accounts.js';
import type { AssessmentService } from './assessment.js';
import type { Hotline } from './hotline.js';
import type { Ledger } from './ledger.js';
import type { RateLimits } from './limits.js';
import type { TokenIssuer } from './tokens.js';

/** Who is asking, as the request's token says (see api/authentication.ts). */
export type Authentication =
  | { kind: 'anonymous' }
  | { kind: 'rejected'; reason: 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'TOKEN_REVOKED' | 'USER_DISABLED'; message: string }
  | { kind: 'signed_in'; user: AccountRow; tokenExpiresAt: string };

/** What every resolver gets: the services, the read models, the clock and who is asking. */
export type Context = {
  store: EventStore;
  ledger: Ledger;
  accounts: Accounts;
  hotline: Hotline;
  tokens: TokenIssuer;
  limits: RateLimits;
  runner: ProjectionRunner;
  /** Battle map, interview triggers and scorecards, live or as of an instant. */
  readModels: ReadModels;
  /** Policies, interviews, exemptions and finalization. */
  assessment: AssessmentService;
  /** The injected clock: an ISO instant. */
  clock: () => string;
  auth: Authentication;
  /** The caller's address (express's req.ip), for rate limits. */
  clientIp: string;
  /**
   * Who the command is recorded as acting: set by the authorization layer (api/authz.ts) for the
   * field it let through, from the verified token and the role its rule matched — never from the
   * request body.
   */
  actor?: EventMetadata['actor'];
};
