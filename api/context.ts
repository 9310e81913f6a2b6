import type { EventMetadata, EventStore } from '../eventstore/port.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { Ledger } from './ledger.js';

/** What every resolver gets: the ledger service, the read models, the clock and who is asking. */
export type Context = {
  store: EventStore;
  ledger: Ledger;
  runner: ProjectionRunner;
  /** The injected clock: an ISO instant. */
  clock: () => string;
  actor: EventMetadata['actor'];
};

/**
 * Until accounts and tokens exist, every request acts as the supervision office's console.
 * TODO(#4): the actor comes from a verified token.
 */
export const consoleActor: EventMetadata['actor'] = {
  userId: 'office-console',
  name: '县督查办',
  unitId: null,
  role: 'office',
};
