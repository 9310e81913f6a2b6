import type { z } from 'zod';
import { unitEventDefinitions } from './unit/events.js';
import { problemEventDefinitions } from './problem/events.js';
import { ledgerEventDefinitions } from './ledgerNumber/events.js';
import { policyEventDefinitions } from './policy/events.js';
import { calendarEventDefinitions } from './calendar/events.js';
import { interviewEventDefinitions } from './interview/events.js';
import { assessmentEventDefinitions } from './assessment/events.js';
import { accountEventDefinitions } from './account/events.js';
import { hotlineEventDefinitions } from './hotline/events.js';
import { notificationEventDefinitions } from './notification/events.js';
import { importEventDefinitions } from './import/events.js';
import { scheduleEventDefinitions } from './schedule/events.js';
import { bulletinEventDefinitions } from './bulletin/events.js';
import { sweepEventDefinitions } from './sweep/events.js';
import { sourceDocumentEventDefinitions } from './sourceDocument/events.js';

type Definition = { type: string; schemaVersion: number; data: z.ZodType };

/** Every event type the domain knows, with its schema version: what the store's codec checks on read. */
export const domainEventDefinitions: readonly Definition[] = [
  ...unitEventDefinitions,
  ...problemEventDefinitions,
  ...ledgerEventDefinitions,
  ...policyEventDefinitions,
  ...calendarEventDefinitions,
  ...interviewEventDefinitions,
  ...assessmentEventDefinitions,
  ...accountEventDefinitions,
  ...hotlineEventDefinitions,
  ...notificationEventDefinitions,
  ...importEventDefinitions,
  ...scheduleEventDefinitions,
  ...bulletinEventDefinitions,
  ...sweepEventDefinitions,
  ...sourceDocumentEventDefinitions,
];

const schemaVersions = new Map(domainEventDefinitions.map((d) => [d.type, d.schemaVersion]));

/** The schema version an event of this type is written with. */
export function schemaVersionOf(type: string): number {
  const version = schemaVersions.get(type);
  if (version === undefined) throw new Error(`No schema registered for event type ${type}`);
  return version;
}
