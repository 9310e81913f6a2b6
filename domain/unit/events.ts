import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { Id, Name, message } from '../shared/messages.js';
import { assertNever } from '../shared/errors.js';
import { LeaderFields, type UnitLeader } from './leaders.js';

/**
 * Units (单位): the county, its townships (乡镇) and villages (村), county departments (县直部门),
 * assisting units (帮扶单位) and village work teams (驻村工作队). Each is its own event stream,
 * because units change over time (townships are renamed and merged).
 */
export const UnitKind = z.enum(['county', 'township', 'village', 'department', 'assisting_unit', 'work_team']);
export type UnitKind = z.infer<typeof UnitKind>;

export const UnitRegistered = message(
  'UnitRegistered',
  1,
  z.object({
    unitId: Id,
    /** 单位名称 */
    name: Name(100),
    kind: UnitKind,
    /** The unit this one belongs to (a village's township); none for the county. */
    parentUnitId: Id.nullable(),
    registeredOn: CalendarDay,
  }),
);
export const UnitRenamed = message('UnitRenamed', 1, z.object({ unitId: Id, name: Name(100) }));
/** 撤并: the unit was merged into another and takes no new problems. */
export const UnitMerged = message('UnitMerged', 1, z.object({ unitId: Id, intoUnitId: Id, mergedOn: CalendarDay }));

/** 任职: a leader took up a post of the unit (主要负责人 or 分管领导) from a day; recorded by the office. */
export const UnitLeaderAppointed = message('UnitLeaderAppointed', 1, z.object({ unitId: Id, ...LeaderFields }));
/** 离任: the leader left the post; `until` is the last day in post. */
export const UnitLeaderLeft = message('UnitLeaderLeft', 1, z.object({ unitId: Id, leaderId: Id, until: CalendarDay }));

export const UnitEvent = z.discriminatedUnion('type', [
  UnitRegistered.schema,
  UnitRenamed.schema,
  UnitMerged.schema,
  UnitLeaderAppointed.schema,
  UnitLeaderLeft.schema,
]);
export type UnitEvent = z.infer<typeof UnitEvent>;
export const unitEventDefinitions = [UnitRegistered, UnitRenamed, UnitMerged, UnitLeaderAppointed, UnitLeaderLeft] as const;

export type Unit = {
  unitId: string;
  name: string;
  kind: UnitKind;
  parentUnitId: string | null;
  /** 领导班子: every leader on record, in the order appointed, with their days in post. */
  leaders: readonly UnitLeader[];
};
export type UnitState = { status: 'unregistered' } | ({ status: 'active' } & Unit) | ({ status: 'merged'; intoUnitId: string } & Unit);

export const initialUnitState: UnitState = { status: 'unregistered' };

export function evolveUnit(state: UnitState, event: UnitEvent): UnitState {
  switch (event.type) {
    case 'UnitRegistered': {
      const { unitId, name, kind, parentUnitId } = event.data;
      return { status: 'active', unitId, name, kind, parentUnitId, leaders: [] };
    }
    case 'UnitRenamed':
      return state.status === 'unregistered' ? state : { ...state, name: event.data.name };
    case 'UnitMerged':
      return state.status === 'unregistered' ? state : { ...state, status: 'merged', intoUnitId: event.data.intoUnitId };
    case 'UnitLeaderAppointed': {
      if (state.status === 'unregistered') return state;
      const { unitId: _unitId, ...leader } = event.data;
      return { ...state, leaders: [...state.leaders, { ...leader, until: null }] };
    }
    case 'UnitLeaderLeft': {
      if (state.status === 'unregistered') return state;
      const { leaderId, until } = event.data;
      return { ...state, leaders: state.leaders.map((l) => (l.leaderId === leaderId ? { ...l, until } : l)) };
    }
    default:
      return assertNever(event);
  }
}

export const unitStreamId = (unitId: string) => `unit-${unitId}`;
