import { describe, expect, it } from 'vitest';
import {
  RegisterUnit,
  UnitEvent,
  decideUnit,
  evolveUnit,
  initialUnitState,
  type UnitCommand,
  type UnitEvent as UnitEventType,
} from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const { given } = deciderSpec({ initialState: initialUnitState, evolve: evolveUnit, decide: decideUnit, eventSchema: UnitEvent });

const COUNTY = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const TOWNSHIP = '8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a';
const OTHER_TOWNSHIP = '9e3f4a5b-6c7d-4e8f-a09b-1c2d3e4f5a6b';
const NOW = '2019-03-01T09:00:00+08:00';

const register: Extract<UnitCommand, { type: 'RegisterUnit' }> = {
  type: 'RegisterUnit',
  data: { unitId: TOWNSHIP, name: '衡山镇', kind: 'township', parentUnitId: COUNTY },
};
const registered: UnitEventType = {
  type: 'UnitRegistered',
  data: { unitId: TOWNSHIP, name: '衡山镇', kind: 'township', parentUnitId: COUNTY, registeredOn: '2019-03-01' },
};
const rename = (name: string): UnitCommand => ({ type: 'RenameUnit', data: { unitId: TOWNSHIP, name } });
const merge = (intoUnitId: string): UnitCommand => ({ type: 'MergeUnit', data: { unitId: TOWNSHIP, intoUnitId } });

describe('units (单位)', () => {
  it('a unit is registered on the county day of the command', () => {
    given([]).when(register, NOW).then([registered]);
  });

  it('the registration day is the county day, not the UTC day', () => {
    given([])
      .when(register, '2019-02-28T16:00:00Z')
      .then([{ ...registered, data: { ...registered.data, registeredOn: '2019-03-01' } } as UnitEventType]);
  });

  it('registering a registered unit again does nothing', () => {
    given([registered]).when(register, NOW).thenNothing();
  });

  it('the county itself has no parent unit', () => {
    const parsed = RegisterUnit.schema.parse({ type: 'RegisterUnit', data: { unitId: COUNTY, name: '霍山县', kind: 'county' } });
    expect(parsed.data.parentUnitId).toBeNull();
  });

  it('a unit is renamed', () => {
    const state = given([registered])
      .when(rename('衡山镇人民政府'), NOW)
      .then([{ type: 'UnitRenamed', data: { unitId: TOWNSHIP, name: '衡山镇人民政府' } }]);
    expect(state).toMatchObject({ status: 'active', name: '衡山镇人民政府' });
  });

  it('renaming a unit to the name it has does nothing', () => {
    given([registered]).when(rename('衡山镇'), NOW).thenNothing();
  });

  it('an unregistered unit cannot be renamed or merged', () => {
    given([]).when(rename('衡山镇'), NOW).thenError('UNIT_NOT_REGISTERED');
    given([]).when(merge(OTHER_TOWNSHIP), NOW).thenError('UNIT_NOT_REGISTERED');
  });

  it('a township is merged into another (撤并) on the county day of the command', () => {
    const state = given([registered])
      .when(merge(OTHER_TOWNSHIP), NOW)
      .then([{ type: 'UnitMerged', data: { unitId: TOWNSHIP, intoUnitId: OTHER_TOWNSHIP, mergedOn: '2019-03-01' } }]);
    expect(state).toStrictEqual({
      status: 'merged',
      unitId: TOWNSHIP,
      name: '衡山镇',
      kind: 'township',
      parentUnitId: COUNTY,
      leaders: [],
      intoUnitId: OTHER_TOWNSHIP,
    });
  });

  it('merging a merged unit again does nothing', () => {
    const merged: UnitEventType = { type: 'UnitMerged', data: { unitId: TOWNSHIP, intoUnitId: OTHER_TOWNSHIP, mergedOn: '2019-03-01' } };
    given([registered, merged]).when(merge(OTHER_TOWNSHIP), NOW).thenNothing();
  });

  it('a unit cannot be merged into itself', () => {
    given([registered]).when(merge(TOWNSHIP), NOW).thenError('UNIT_MERGED_INTO_ITSELF');
  });

  it('the command schema refuses an empty name and an unknown kind', () => {
    const result = RegisterUnit.schema.safeParse({
      type: 'RegisterUnit',
      data: { unitId: TOWNSHIP, name: ' ', kind: 'province', parentUnitId: null },
    });
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toStrictEqual(['data.kind', 'data.name']);
  });

  it('evolve: a registered unit is active with its name, kind and parent', () => {
    expect(evolveUnit(initialUnitState, registered)).toStrictEqual({
      status: 'active',
      unitId: TOWNSHIP,
      name: '衡山镇',
      kind: 'township',
      parentUnitId: COUNTY,
      leaders: [],
    });
  });
});
