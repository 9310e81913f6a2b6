import { z } from 'zod';
import { IllegalStateError, ValidationError, assertNever } from '../shared/errors.js';
import { Id, Name, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { CalendarDay, countyDay } from '../shared/calendar.js';
import { UnitKind, type UnitEvent, type UnitState, evolveUnit, initialUnitState } from './events.js';
import { LeaderFields, type UnitLeader, periodsOverlap } from './leaders.js';

export const RegisterUnit = message(
  'RegisterUnit',
  1,
  z.object({ unitId: Id, name: Name(100), kind: UnitKind, parentUnitId: Id.nullable().default(null) }),
);
export const RenameUnit = message('RenameUnit', 1, z.object({ unitId: Id, name: Name(100) }));
export const MergeUnit = message('MergeUnit', 1, z.object({ unitId: Id, intoUnitId: Id }));

/** 任职: record that a leader took up a post of the unit from a day (not after today). */
export const AppointUnitLeader = message('AppointUnitLeader', 1, z.object({ unitId: Id, ...LeaderFields }));
/** 离任: record the last day in post of a leader on record (not after today, not before the first). */
export const RecordUnitLeaderLeft = message('RecordUnitLeaderLeft', 1, z.object({ unitId: Id, leaderId: Id, until: CalendarDay }));

export const UnitCommand = z.discriminatedUnion('type', [
  RegisterUnit.schema,
  RenameUnit.schema,
  MergeUnit.schema,
  AppointUnitLeader.schema,
  RecordUnitLeaderLeft.schema,
]);
export type UnitCommand = z.infer<typeof UnitCommand>;

/** Whether a retried appointment asks what the record holds already (field by field: a store may reorder an event's keys). */
function sameAppointment(a: UnitLeader, b: Omit<UnitLeader, 'until'>): boolean {
  const portfolio = (p: UnitLeader['portfolio']) => (p === null ? null : `${p.description}|${p.categories.join(',')}`);
  return (
    a.role === b.role && a.name === b.name && a.title === b.title && a.from === b.from && portfolio(a.portfolio) === portfolio(b.portfolio)
  );
}

/** Decide what a unit command means for a unit; `now` is the injected clock's instant. */
export function decideUnit(state: UnitState, command: UnitCommand, now: string): UnitEvent[] {
  switch (command.type) {
    case 'RegisterUnit':
      if (state.status !== 'unregistered') return [];
      return [{ type: 'UnitRegistered', data: { ...command.data, registeredOn: countyDay(now) } }];
    case 'RenameUnit':
      if (state.status === 'unregistered') throw new IllegalStateError('UNIT_NOT_REGISTERED', 'This unit is not registered.');
      return state.name === command.data.name ? [] : [{ type: 'UnitRenamed', data: command.data }];
    case 'MergeUnit':
      if (state.status === 'unregistered') throw new IllegalStateError('UNIT_NOT_REGISTERED', 'This unit is not registered.');
      if (state.status === 'merged') return [];
      if (command.data.intoUnitId === command.data.unitId)
        throw new IllegalStateError('UNIT_MERGED_INTO_ITSELF', 'A unit cannot be merged into itself.');
      return [{ type: 'UnitMerged', data: { ...command.data, mergedOn: countyDay(now) } }];
    case 'AppointUnitLeader': {
      if (state.status === 'unregistered') throw new IllegalStateError('UNIT_NOT_REGISTERED', 'This unit is not registered.');
      const { unitId: _unitId, ...appointed } = command.data;
      const recorded = state.leaders.find((l) => l.leaderId === appointed.leaderId);
      if (recorded) {
        if (sameAppointment(recorded, appointed)) return [];
        throw new IllegalStateError(
          'LEADER_ALREADY_RECORDED',
          `This appointment is on record already, as ${recorded.name} (${recorded.title}).`,
        );
      }
      if (appointed.from > countyDay(now))
        throw new ValidationError(
          'LEADER_FROM_IN_FUTURE',
          `The first day in post (${appointed.from}) is after today; record it on that day.`,
          {
            field: 'from',
          },
        );
      if (appointed.role === 'in_charge' && appointed.portfolio === null)
        throw new ValidationError('PORTFOLIO_REQUIRED', 'A leader in charge (分管领导) needs a portfolio: what they are in charge of.', {
          field: 'portfolio',
        });
      // One principal leader (主要负责人) at a time: the predecessor's last day is recorded first.
      const overlapping = state.leaders.find((l) => l.role === 'principal' && periodsOverlap(l, { from: appointed.from, until: null }));
      if (appointed.role === 'principal' && overlapping)
        throw new IllegalStateError(
          'PRINCIPAL_LEADER_OVERLAP',
          `${overlapping.name} is the principal leader (主要负责人) of ${state.name} from ${overlapping.from}${overlapping.until ? ` to ${overlapping.until}` : ''}: record their last day in post, before ${appointed.from}, first.`,
          { field: 'from' },
        );
      return [{ type: 'UnitLeaderAppointed', data: command.data }];
    }
    case 'RecordUnitLeaderLeft': {
      if (state.status === 'unregistered') throw new IllegalStateError('UNIT_NOT_REGISTERED', 'This unit is not registered.');
      const { leaderId, until } = command.data;
      const leader = state.leaders.find((l) => l.leaderId === leaderId);
      if (!leader)
        throw new IllegalStateError('LEADER_NOT_ON_RECORD', `No such leader is on record for ${state.name}.`, { field: 'leaderId' });
      if (leader.until === until) return [];
      if (leader.until !== null)
        throw new IllegalStateError('LEADER_ALREADY_LEFT', `${leader.name} left the post on ${leader.until} already.`, { field: 'until' });
      if (until < leader.from)
        throw new ValidationError(
          'LEADER_LEFT_BEFORE_APPOINTED',
          `The last day in post (${until}) is before ${leader.name}'s first day (${leader.from}).`,
          { field: 'until' },
        );
      if (until > countyDay(now))
        throw new ValidationError('LEAVING_DAY_IN_FUTURE', `The last day in post (${until}) is after today; record it on that day.`, {
          field: 'until',
        });
      return [{ type: 'UnitLeaderLeft', data: command.data }];
    }
    default:
      return assertNever(command);
  }
}

/** The decider of a unit (单位): what the command handler runs on its stream. */
export const unitDecider: Decider<UnitState, UnitCommand, UnitEvent> = {
  decide: decideUnit,
  evolve: evolveUnit,
  initialState: initialUnitState,
};
