import { z } from 'zod';
import { Instant, dayNumber, dayOfNumber } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { message } from '../shared/messages.js';

/** A county month (月), `YYYY-MM`, in the county's calendar (Asia/Shanghai). */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written as YYYY-MM, e.g. 2020-06');
export type Month = z.infer<typeof Month>;

/** A month's first and last county day, and the first day of the next month. */
export function monthDays(month: Month): { first: string; last: string; next: string } {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const next = m === 12 ? `${year + 1}-01-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}-01`;
  return { first: `${month}-01`, last: dayOfNumber(dayNumber(next) - 1), next };
}

/** The month before. */
export function previousMonth(month: Month): Month {
  return dayOfNumber(dayNumber(`${month}-01`) - 1).slice(0, 7);
}

/** The month's last instant in county time: the month's bulletin is the log as of it (its 月末). */
export function monthEndInstant(month: Month): string {
  return `${monthDays(month).last}T23:59:59.999+08:00`;
}

/** The county's four headline figures as published, for whoever reads the log without the read models. */
const PublishedTotals = z.object({
  raised: z.number().int().min(0),
  closed: z.number().int().min(0),
  overdue: z.number().int().min(0),
  onTimeClosureRate: z.number().min(0).max(1).nullable(),
});

/**
 * 月通报印发: the month's bulletin is published and fixed. It was built from the log up to
 * `position`, as of `asOf` (the month's last instant), under `policyVersion`; `bulletinHash` is the
 * SHA-256 of its canonical JSON, so the published bulletin can be built again and checked later.
 */
export const BulletinPublished = message(
  'BulletinPublished',
  1,
  z.object({
    month: Month,
    policyVersion: z.number().int().min(0),
    asOf: z.string().max(40, 'must be at most 40 characters').pipe(Instant),
    position: z.number().int().min(-1),
    bulletinHash: z.string().regex(/^[0-9a-f]{64}$/),
    county: PublishedTotals,
  }),
);
export const bulletinEventDefinitions = [BulletinPublished] as const;
export const BulletinEvent = z.discriminatedUnion('type', [BulletinPublished.schema]);
export type BulletinEvent = z.infer<typeof BulletinEvent>;
export type BulletinPublishedData = z.infer<typeof BulletinPublished.data>;

/** One stream per month: its publication. */
export const bulletinStreamId = (month: Month) => `bulletin-${month}`;

export type BulletinState = { published: BulletinPublishedData | null };
export const initialBulletinState: BulletinState = { published: null };

export function evolveBulletin(state: BulletinState, event: BulletinEvent): BulletinState {
  switch (event.type) {
    case 'BulletinPublished':
      return state.published ? state : { published: event.data };
    default:
      return assertNever(event.type);
  }
}
