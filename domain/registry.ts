import type { z } from 'zod';
import { unitEventDefinitions } from './units/unit.js';
import { problemEventDefinitions } from './problems/events.js';
import { ledgerEventDefinitions } from './problems/ledgerNumbers.js';
import { policyEventDefinitions } from './policies/policy.js';
import { interviewEventDefinitions } from './interviews/interview.js';
import { assessmentEventDefinitions } from './assessment/assessment.js';
import { accountEventDefinitions } from './accounts/account.js';
import { hotlineEventDefinitions } from './hotline/report.js';
import { notificationEventDefinitions } from './notification/notification.js';

type Definition = { type: string; schemaVersion: number; data: z.ZodType };

/** Every event type the domain knows, with its schema version: what the store's codec checks on read. */
export const domainEventDefinitions: readonly Definition[] = [
  ...unitEventDefinitions,
  ...problemEventDefinitions,
  ...ledgerEventDefinitions,
  ...policyEventDefinitions,
  ...interviewEventDefinitions,
  ...assessmentEventDefinitions,
  ...accountEventDefinitions,
  ...hotlineEventDefinitions,
  ...notificationEventDefinitions,
];
