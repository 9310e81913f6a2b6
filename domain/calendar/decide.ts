import { z } from 'zod';
import { IllegalStateError, assertNever } from '../shared/errors.js';
import { Text, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { CountyCalendar } from './document.js';
import { type CalendarEvent, type CalendarState, evolveCalendar, initialCalendarState } from './events.js';

export const AdoptCalendar = message('AdoptCalendar', 1, z.object({ document: CountyCalendar, reason: Text(2000) }));
export type AdoptCalendar = z.infer<typeof AdoptCalendar.schema>;

/** Adopting the calendar already in force changes nothing; otherwise the next version number. */
export function decideCalendar(state: CalendarState, command: AdoptCalendar, _now: string): CalendarEvent[] {
  switch (command.type) {
    case 'AdoptCalendar': {
      if (state.document !== null && JSON.stringify(state.document) === JSON.stringify(command.data.document)) return [];
      if (state.version >= Number.MAX_SAFE_INTEGER) throw new IllegalStateError('CALENDAR_VERSION_EXHAUSTED', 'No more calendar versions.');
      return [{ type: 'CalendarAdopted', data: { version: state.version + 1, ...command.data } }];
    }
    default:
      return assertNever(command.type);
  }
}

/** The decider of the county calendar (工作日历): what the command handler runs on its stream. */
export const calendarDecider: Decider<CalendarState, AdoptCalendar, CalendarEvent> = {
  decide: decideCalendar,
  evolve: evolveCalendar,
  initialState: initialCalendarState,
};
