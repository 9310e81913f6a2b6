import { z } from 'zod';
import { assertNever } from '../shared/errors.js';
import { Text, message } from '../shared/messages.js';
import { CountyCalendar } from './document.js';

/** 工作日历: a county calendar of holidays and make-up working days (调休) is in force from the moment it is adopted. */
export const CalendarAdopted = message(
  'CalendarAdopted',
  1,
  z.object({
    version: z.number().int().positive(),
    document: CountyCalendar,
    /** Why it changed (a new year's notice, a county's own rest day). */
    reason: Text(2000),
  }),
);
export const calendarEventDefinitions = [CalendarAdopted] as const;
export type CalendarEvent = z.infer<typeof CalendarAdopted.schema>;

/** Every version lives in one stream; before the first, no calendar is in force (Monday to Friday). */
export const calendarStreamId = 'calendar';

export type CalendarState = { version: number; document: CountyCalendar | null };
export const initialCalendarState: CalendarState = { version: 0, document: null };

export function evolveCalendar(_state: CalendarState, event: CalendarEvent): CalendarState {
  switch (event.type) {
    case 'CalendarAdopted':
      return { version: event.data.version, document: event.data.document };
    default:
      return assertNever(event.type);
  }
}
