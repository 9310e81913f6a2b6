import type { CalendarEvent, CountyCalendar } from '../domain/index.js';
import type { Projection } from './runner.js';
import { instantMs } from './time.js';

/** One adopted county calendar (工作日历), with when and by whom. */
export type CalendarVersion = {
  version: number;
  document: CountyCalendar;
  reason: string;
  adoptedAt: string;
  adoptedBy: string;
  eventId: string;
};

export type CalendarsState = { versions: CalendarVersion[] };

/** Every county calendar adopted, in order: the read side's answer to "which holidays count?". */
export const calendarView: Projection<CalendarsState> = {
  name: 'calendars',
  version: 1,
  initial: () => ({ versions: [] }),
  apply(state, event) {
    if (event.type !== 'CalendarAdopted') return;
    const { data } = event as unknown as CalendarEvent;
    state.versions.push({
      version: data.version,
      document: data.document,
      reason: data.reason,
      adoptedAt: event.metadata.occurredAt,
      adoptedBy: event.metadata.actor.name,
      eventId: event.id,
    });
  },
};

/**
 * The calendar in force at an instant: the last one adopted by then, or null (none adopted:
 * working days are Monday to Friday). What `addWorkingDays` and `isWorkingDay` take.
 */
export function calendarInForce(state: CalendarsState, instant: string): CalendarVersion | null {
  const ms = instantMs(instant);
  let chosen: CalendarVersion | null = null;
  for (const c of state.versions) if (instantMs(c.adoptedAt) <= ms) chosen = c;
  return chosen;
}
