import type { z } from 'zod';
import { adoptCommand, decideAdoption } from '../shared/adoptedDocument.js';
import type { Decider } from '../shared/decider.js';
import { CountyCalendar } from './document.js';
import { type CalendarEvent, type CalendarState, evolveCalendar, initialCalendarState } from './events.js';

export const AdoptCalendar = adoptCommand('AdoptCalendar', CountyCalendar);
export type AdoptCalendar = z.infer<typeof AdoptCalendar.schema>;

/** Adopting the calendar already in force changes nothing; otherwise the next version number. */
export const decideCalendar: (state: CalendarState, command: AdoptCalendar, now: string) => CalendarEvent[] = decideAdoption<
  CountyCalendar,
  CalendarEvent
>('CalendarAdopted', { code: 'CALENDAR_VERSION_EXHAUSTED', message: 'No more calendar versions.' });

/** The decider of the county calendar (工作日历): what the command handler runs on its stream. */
export const calendarDecider: Decider<CalendarState, AdoptCalendar, CalendarEvent> = {
  decide: decideCalendar,
  evolve: evolveCalendar,
  initialState: initialCalendarState,
};
