import { NotFoundError, type PolicyDocument, defaultPolicy } from '../domain/index.js';
import type { FactsState } from './problemFacts.js';
import { inForceAt } from './adoptedVersions.js';

export type PolicyChoice = { version: number; document: PolicyDocument };

/** The instant a question is asked about, and its county day. */
export type At = { instant: string; day: string };

/** The policy in force at an instant: the last version adopted by then, else the default (version 0). */
export function policyInForce(state: FactsState, instant: string): PolicyChoice {
  return inForceAt(state.policies, instant) ?? { version: 0, document: defaultPolicy };
}

/** A named version, for re-scoring under it; version 0 is the default. */
export function policyVersion(state: FactsState, version: number): PolicyChoice {
  if (version === 0) return { version: 0, document: defaultPolicy };
  const found = state.policies.find((p) => p.version === version);
  if (!found) throw new NotFoundError('POLICY_VERSION_NOT_FOUND', `There is no policy version ${version}.`, { field: 'policyVersion' });
  return found;
}
