import { IllegalStateError, NotFoundError, type PolicyDocument, defaultPolicy } from '../domain/index.js';
import type { FactsState } from './problemFacts.js';
import { inForceAt } from './adoptedVersions.js';
import { instantMs } from './time.js';

export type PolicyChoice = { version: number; document: PolicyDocument };

/** The instant a question is asked about, and its county day. */
export type At = { instant: string; day: string };

/** The policy in force at an instant: the last version adopted by then, else the default (version 0). */
export function policyInForce(state: FactsState, instant: string): PolicyChoice {
  return inForceAt(state.policies, instant) ?? { version: 0, document: defaultPolicy };
}

/**
 * A named version, for re-scoring under it; version 0 is the default. Asked about as of an instant
 * (`asOf`), a version adopted after it is refused as not yet in force then, not as unknown: `state`
 * must then be the facts that know every version (the live ones).
 */
export function policyVersion(state: FactsState, version: number, asOf?: string, field = 'policyVersion'): PolicyChoice {
  if (version === 0) return { version: 0, document: defaultPolicy };
  const found = state.policies.find((p) => p.version === version);
  if (!found) throw new NotFoundError('POLICY_VERSION_NOT_FOUND', `There is no policy version ${version}.`, { field });
  if (asOf !== undefined && instantMs(found.adoptedAt) > instantMs(asOf))
    throw new IllegalStateError(
      'POLICY_NOT_YET_IN_FORCE',
      `Policy version ${version} was adopted at ${found.adoptedAt}, after ${asOf}: it was not yet in force then.`,
      { field, adoptedAt: found.adoptedAt },
    );
  return found;
}
