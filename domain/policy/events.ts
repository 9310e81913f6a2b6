import type { z } from 'zod';
import { type AdoptedState, adoptedEvent, evolveAdopted, noneAdopted } from '../shared/adoptedDocument.js';
import { PolicyDocument } from './document.js';

/** 考核办法发布: a new version of the policy is in force from the moment it is adopted, with why it changed. */
export const PolicyAdopted = adoptedEvent('PolicyAdopted', PolicyDocument);
export const policyEventDefinitions = [PolicyAdopted] as const;
export type PolicyEvent = z.infer<typeof PolicyAdopted.schema>;

/** All versions live in one stream; version 0 is the built-in default (domain/policy/defaults.ts). */
export const policyStreamId = 'policy';

export type PolicyState = AdoptedState<PolicyDocument>;
export const initialPolicyState: PolicyState = noneAdopted();

export const evolvePolicy: (state: PolicyState, event: PolicyEvent) => PolicyState = evolveAdopted;
