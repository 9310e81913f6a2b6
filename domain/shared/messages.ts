import { z } from 'zod';

/**
 * One event or command kind: its type name, the version of its schema, and the zod schema of its
 * data. Types come from the schemas (`z.infer`), never written twice; the schema version is stored
 * with every event so that an older shape can be told apart when it is read back.
 */
export function message<const T extends string, D extends z.ZodType>(type: T, schemaVersion: number, data: D) {
  return {
    type,
    schemaVersion,
    data,
    schema: z.object({ type: z.literal(type), data }),
  } as const;
}

/**
 * A name typed into a form field (a unit's, a person's): trimmed as a form would, not empty, and
 * bounded so a 10 MB paste is refused.
 */
export const Name = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/**
 * What a person wrote (a description, a plan, evidence, a reason, an opinion, an instruction): kept
 * exactly as sent — leading spaces, line breaks, a BOM are the writer's — but not all blank, and
 * bounded so a 10 MB paste is refused.
 */
export const Text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((text) => text.trim() !== '', 'must not be empty');

/** An identifier chosen by the application (a UUID). */
export const Id = z.string().uuid('must be a UUID');

/** Who did something, as recorded with every event (from the token, never from the request body). */
export const Actor = z.object({
  userId: z.string(),
  name: z.string(),
  unitId: z.string().nullable(),
  role: z.string(),
});
export type Actor = z.infer<typeof Actor>;
