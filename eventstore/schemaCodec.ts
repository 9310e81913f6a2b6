import type { z } from 'zod';
import { EventDecodeError, type EventCodec } from './port.js';

type Definition = { type: string; schemaVersion: number; data: z.ZodType };

/**
 * A codec that parses every event read back against the schema of its type, so stored data and
 * types cannot drift apart. An event of a type nobody registered passes through untouched.
 */
export function schemaCodec(definitions: readonly Definition[]): EventCodec {
  const byType = new Map(definitions.map((d) => [d.type, d]));
  return (event) => {
    const definition = byType.get(event.type);
    if (!definition) return event;
    const version = event.metadata.schemaVersion;
    if (version !== definition.schemaVersion)
      throw new EventDecodeError(
        event.streamId,
        event.revision,
        event.type,
        `schema version ${String(version)} is not ${definition.schemaVersion}`,
      );
    const parsed = definition.data.safeParse(event.data);
    if (!parsed.success)
      throw new EventDecodeError(
        event.streamId,
        event.revision,
        event.type,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; '),
      );
    return { ...event, data: parsed.data };
  };
}
