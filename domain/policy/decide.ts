import type { z } from 'zod';
import { adoptCommand, decideAdoption } from '../shared/adoptedDocument.js';
import type { Decider } from '../shared/decider.js';
import { AdoptablePolicyDocument, type PolicyDocument } from './document.js';
import { type PolicyEvent, type PolicyState, evolvePolicy, initialPolicyState } from './events.js';

export const AdoptPolicy = adoptCommand('AdoptPolicy', AdoptablePolicyDocument);
export type AdoptPolicy = z.infer<typeof AdoptPolicy.schema>;

/** Adopting the version already in force changes nothing; otherwise the next version number. */
export const decidePolicy: (state: PolicyState, command: AdoptPolicy, now: string) => PolicyEvent[] = decideAdoption<
  PolicyDocument,
  PolicyEvent
>('PolicyAdopted', { code: 'POLICY_VERSION_EXHAUSTED', message: 'No more policy versions.' });

/** The decider of the policy (考核办法): what the command handler runs on its stream. */
export const policyDecider: Decider<PolicyState, AdoptPolicy, PolicyEvent> = {
  decide: decidePolicy,
  evolve: evolvePolicy,
  initialState: initialPolicyState,
};
