import { z } from 'zod';
import { IllegalStateError, assertNever } from '../shared/errors.js';
import { Id, Name, message } from '../shared/messages.js';
import type { Decider } from '../shared/decider.js';
import { countyDay } from '../shared/calendar.js';
import { UnitKind, type UnitEvent, type UnitState, evolveUnit, initialUnitState } from './events.js';

export const RegisterUnit = message(
  'RegisterUnit',
  1,
  z.object({ unitId: Id, name: Name(100), kind: UnitKind, parentUnitId: Id.nullable().default(null) }),
);
export const RenameUnit = message('RenameUnit', 1, z.object({ unitId: Id, name: Name(100) }));
export const MergeUnit = message('MergeUnit', 1, z.object({ unitId: Id, intoUnitId: Id }));

export const UnitCommand = z.discriminatedUnion('type', [RegisterUnit.schema, RenameUnit.schema, MergeUnit.schema]);
export type UnitCommand = z.infer<typeof UnitCommand>;

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
