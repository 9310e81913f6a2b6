import { z } from 'zod';
import { assertNever } from '../shared/errors.js';
import { Text, message } from '../shared/messages.js';
import { PolicyDocument } from './document.js';

/** 考核办法发布: a new version of the policy is in force from the moment it is adopted. */
export const PolicyAdopted = message(
  'PolicyAdopted',
  1,
  z.object({
    version: z.number().int().positive(),
    document: PolicyDocument,
    /** Why it changed. */
    reason: Text(2000),
  }),
);
export const policyEventDefinitions = [PolicyAdopted] as const;
export type PolicyEvent = z.infer<typeof PolicyAdopted.schema>;

/** All versions live in one stream; version 0 is the built-in default (domain/policy/defaults.ts). */
export const policyStreamId = 'policy';

export type PolicyState = { version: number; document: PolicyDocument | null };
export const initialPolicyState: PolicyState = { version: 0, document: null };

export function evolvePolicy(_state: PolicyState, event: PolicyEvent): PolicyState {
  switch (event.type) {
    case 'PolicyAdopted':
      return { version: event.data.version, document: event.data.document };
    default:
      return assertNever(event.type);
  }
}
