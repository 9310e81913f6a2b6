import type { EventMetadata, EventStore } from '../eventstore/port.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { AssessmentService } from './assessment.js';
import type { Ledger } from './ledger.js';

/** What every resolver gets: the ledger service, the read models, the clock and who is asking. */
export type Context = {
  store: EventStore;
  ledger: Ledger;
  runner: ProjectionRunner;
  /** Battle map, interview triggers and scorecards, live or as of an instant. */
  readModels: ReadModels;
  /** Policies, interviews, exemptions and finalization. */
  assessment: AssessmentService;
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
