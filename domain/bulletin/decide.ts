import { z } from 'zod';
import { countyDay } from '../shared/calendar.js';
import type { Decider } from '../shared/decider.js';
import { ValidationError, assertNever } from '../shared/errors.js';
import { message } from '../shared/messages.js';
import {
  type BulletinEvent,
  BulletinPublished,
  type BulletinState,
  Month,
  evolveBulletin,
  initialBulletinState,
  monthDays,
} from './events.js';

export const PublishBulletin = message('PublishBulletin', 1, BulletinPublished.data);
export const BulletinCommand = z.discriminatedUnion('type', [PublishBulletin.schema]);
export type BulletinCommand = z.infer<typeof BulletinCommand>;

/**
 * A month's bulletin (月通报) is published once: publishing a month already published changes
 * nothing, whatever the figures now (two servers at the month's end, an office retrying). It can
 * be published only once the month is over in the county's calendar.
 */
export function decideBulletin(state: BulletinState, command: BulletinCommand, now: string): BulletinEvent[] {
  switch (command.type) {
    case 'PublishBulletin': {
      if (state.published) return [];
      const { month } = command.data;
      if (countyDay(now) <= monthDays(month).last)
        throw new ValidationError('MONTH_NOT_OVER', `The bulletin of ${month} can be published only once the month is over.`, {
          field: 'month',
        });
      return [{ type: 'BulletinPublished', data: command.data }];
    }
    default:
      return assertNever(command.type);
  }
}

/** The decider of a month's bulletin (月通报): what the command handler runs on its stream. */
export const bulletinDecider: Decider<BulletinState, BulletinCommand, BulletinEvent> = {
  decide: decideBulletin,
  evolve: evolveBulletin,
  initialState: initialBulletinState,
};

/**
 * The month asked about, checked against the county's today and the first day the log knows of
 * (null: the log is empty): malformed, in the future, or before anything happened, each refused
 * with its own code. The current month is allowed (its bulletin so far).
 */
export function checkMonth(month: string, today: string, firstDay: string | null): Month {
  const parsed = Month.safeParse(month);
  if (!parsed.success)
    throw new ValidationError('MONTH_MALFORMED', `"${month}" is not a month: write it as YYYY-MM, e.g. 2020-06.`, { field: 'month' });
  if (month > today.slice(0, 7))
    throw new ValidationError('MONTH_IN_FUTURE', `${month} has not begun yet: today is ${today}.`, { field: 'month' });
  if (firstDay === null || month < firstDay.slice(0, 7))
    throw new ValidationError(
      'MONTH_BEFORE_FIRST_EVENT',
      firstDay === null
        ? `The ledger is empty: there is no bulletin of ${month}.`
        : `The ledger begins on ${firstDay}: there is no bulletin of ${month}.`,
      { field: 'month' },
    );
  return parsed.data;
}
