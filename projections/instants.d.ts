/** An instant in the shapes the log's `occurredAt` takes, as milliseconds without `Date.parse`; NaN for any other. */
export function writtenMs(s: string): number;

/** The milliseconds of a time in `toISOString`'s canonical form (a year from 1000), undefined for any other text. */
export function canonicalMs(text: string): number | undefined;
