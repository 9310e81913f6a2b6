import { z } from 'zod';
import { IllegalStateError, assertNever } from '../shared/errors.js';
import { Text, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { PolicyDocument } from './document.js';
import { type PolicyEvent, type PolicyState, evolvePolicy, initialPolicyState } from './events.js';

export const AdoptPolicy = message('AdoptPolicy', 1, z.object({ document: PolicyDocument, reason: Text(2000) }));
export type AdoptPolicy = z.infer<typeof AdoptPolicy.schema>;

/** Adopting the version already in force changes nothing; otherwise the next version number. */
export function decidePolicy(state: PolicyState, command: AdoptPolicy, _now: string): PolicyEvent[] {
  switch (command.type) {
    case 'AdoptPolicy': {
      if (state.document !== null && JSON.stringify(state.document) === JSON.stringify(command.data.document)) return [];
      if (state.version >= Number.MAX_SAFE_INTEGER) throw new IllegalStateError('POLICY_VERSION_EXHAUSTED', 'No more policy versions.');
      return [{ type: 'PolicyAdopted', data: { version: state.version + 1, ...command.data } }];
    }
    default:
      return assertNever(command.type);
  }
}

/** The decider of the policy (考核办法): what the command handler runs on its stream. */
export const policyDecider: Decider<PolicyState, AdoptPolicy, PolicyEvent> = {
  decide: decidePolicy,
  evolve: evolvePolicy,
  initialState: initialPolicyState,
};
