import { z } from 'zod';
import { AssessmentYear, ValidationError } from '../domain/index.js';

/** Turns zod's issues into one ValidationError a person can read, naming each field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((i) => {
    const path = i.path.filter((p) => p !== 'data').map(String);
    // A key the schema does not know is named as its own field, so the caller sees which one to remove.
    if (i.code === 'unrecognized_keys')
      return i.keys.map((key) => ({ field: [...path, key].join('.'), message: 'is not a field this accepts (unknown key)' }));
    return [{ field: path.join('.'), message: i.message }];
  });
  throw new ValidationError('VALIDATION_FAILED', issues.map((i) => (i.field ? `${i.field} ${i.message}` : i.message)).join('; '), {
    issues,
  });
}

const YearAsked = z.object({ year: AssessmentYear });

/**
 * A year asked about (scorecards, exemptions, finalization, its check) within the bounds of an
 * assessment year (考核年度, 2000–2100): refused before anything is computed, with the code and the
 * field finalizeAssessment's own check gives (VALIDATION_FAILED, `year`).
 */
export function checkYear(year: number): number {
  return parseOrThrow(YearAsked, { year }).year;
}
