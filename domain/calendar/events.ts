import type { z } from 'zod';
import { type AdoptedState, adoptedEvent, evolveAdopted, noneAdopted } from '../shared/adoptedDocument.js';
import { CountyCalendar } from './document.js';

/**
 * 工作日历: a county calendar of holidays and make-up working days (调休) is in force from the moment
 * it is adopted, with why it changed (a new year's notice, a county's own rest day).
 */
export const CalendarAdopted = adoptedEvent('CalendarAdopted', CountyCalendar);
export const calendarEventDefinitions = [CalendarAdopted] as const;
export type CalendarEvent = z.infer<typeof CalendarAdopted.schema>;

/** Every version lives in one stream; before the first, no calendar is in force (Monday to Friday). */
export const calendarStreamId = 'calendar';

export type CalendarState = AdoptedState<CountyCalendar>;
export const initialCalendarState: CalendarState = noneAdopted();

export const evolveCalendar: (state: CalendarState, event: CalendarEvent) => CalendarState = evolveAdopted;
