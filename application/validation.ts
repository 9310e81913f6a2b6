import type { z } from 'zod';
import { ValidationError } from '../domain/index.js';

/** Turns zod's issues into one ValidationError a person can read, naming each field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => {
    const path = i.path.filter((p) => p !== 'data').join('.');
    return { field: path, message: i.message };
  });
  throw new ValidationError('VALIDATION_FAILED', issues.map((i) => (i.field ? `${i.field} ${i.message}` : i.message)).join('; '), {
    issues,
  });
}
