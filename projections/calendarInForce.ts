import type { CalendarEvent, CountyCalendar } from '../domain/index.js';
import { type AdoptedVersion, adoptedVersion, inForceAt } from './adoptedVersions.js';
import type { Projection } from './runner.js';

/** One adopted county calendar (工作日历), with when and by whom. */
export type CalendarVersion = AdoptedVersion<CountyCalendar>;

export type CalendarsState = { versions: CalendarVersion[] };

/** Every county calendar adopted, in order: the read side's answer to "which holidays count?". */
export const calendarView: Projection<CalendarsState> = {
  name: 'calendars',
  version: 1,
  initial: () => ({ versions: [] }),
  apply(state, event) {
    if (event.type !== 'CalendarAdopted') return;
    state.versions.push(adoptedVersion(event, (event as unknown as CalendarEvent).data));
  },
};

/**
 * The calendar in force at an instant: the last one adopted by then, or null (none adopted:
 * working days are Monday to Friday). What `addWorkingDays` and `isWorkingDay` take.
 */
export function calendarInForce(state: CalendarsState, instant: string): CalendarVersion | null {
  return inForceAt(state.versions, instant);
}
