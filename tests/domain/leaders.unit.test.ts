import { describe, expect, it } from 'vitest';
import {
  AppointUnitLeader,
  UnitEvent,
  type UnitCommand,
  type UnitEvent as UnitEventType,
  type UnitLeader,
  decideUnit,
  evolveUnit,
  inChargeOn,
  initialUnitState,
  principalOn,
} from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const { given } = deciderSpec({ initialState: initialUnitState, evolve: evolveUnit, decide: decideUnit, eventSchema: UnitEvent });

const COUNTY = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const TOWNSHIP = '8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a';
const WANG = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const LI = '1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e';
const ZHAO = '2c3d4e5f-6a7b-4c8d-ae9f-1a2b3c4d5e6f';
const NOW = '2019-09-01T09:00:00+08:00';

const registered: UnitEventType = {
  type: 'UnitRegistered',
  data: { unitId: TOWNSHIP, name: '衡山镇', kind: 'township', parentUnitId: COUNTY, registeredOn: '2019-01-02' },
};
const principal = (leaderId: string, name: string, from: string) => ({
  unitId: TOWNSHIP,
  leaderId,
  role: 'principal' as const,
  name,
  title: '镇党委书记',
  portfolio: null,
  from,
});
const AGRICULTURE = { description: '分管农业农村、脱贫攻坚', categories: ['fund_misuse' as const, 'project_delay' as const] };
const inCharge = {
  unitId: TOWNSHIP,
  leaderId: ZHAO,
  role: 'in_charge' as const,
  name: '赵敏',
  title: '副镇长',
  portfolio: AGRICULTURE,
  from: '2019-01-01',
};

const appoint = (data: Extract<UnitCommand, { type: 'AppointUnitLeader' }>['data']): UnitCommand => ({ type: 'AppointUnitLeader', data });
const appointed = (data: Extract<UnitEventType, { type: 'UnitLeaderAppointed' }>['data']): UnitEventType => ({
  type: 'UnitLeaderAppointed',
  data,
});
const leave = (leaderId: string, until: string): UnitCommand => ({
  type: 'RecordUnitLeaderLeft',
  data: { unitId: TOWNSHIP, leaderId, until },
});
const left = (leaderId: string, until: string): UnitEventType => ({ type: 'UnitLeaderLeft', data: { unitId: TOWNSHIP, leaderId, until } });

const wangAppointed = appointed(principal(WANG, '王建国', '2018-06-01'));

describe('leaders on record (领导班子): who held the post, day by day', () => {
  it('the office records a principal leader (主要负责人) from a day in the past', () => {
    const state = given([registered])
      .when(appoint(principal(WANG, '王建国', '2018-06-01')), NOW)
      .then([wangAppointed]);
    expect(state).toMatchObject({ leaders: [{ leaderId: WANG, name: '王建国', from: '2018-06-01', until: null }] });
  });

  it('and a leader in charge (分管领导) with a portfolio', () => {
    given([registered])
      .when(appoint(inCharge), NOW)
      .then([appointed(inCharge)]);
  });

  it('a leader in charge without a portfolio is refused', () => {
    given([registered])
      .when(appoint({ ...inCharge, portfolio: null }), NOW)
      .thenError('PORTFOLIO_REQUIRED');
  });

  it('a second principal leader over the same days is refused: the predecessor’s last day comes first', () => {
    given([registered, wangAppointed])
      .when(appoint(principal(LI, '李志明', '2019-07-15')), NOW)
      .thenError('PRINCIPAL_LEADER_OVERLAP');
    // Left on 2019-07-14: from 2019-07-15 the post is free, but not on the 14th.
    given([registered, wangAppointed, left(WANG, '2019-07-14')])
      .when(appoint(principal(LI, '李志明', '2019-07-14')), NOW)
      .thenError('PRINCIPAL_LEADER_OVERLAP');
    given([registered, wangAppointed, left(WANG, '2019-07-14')])
      .when(appoint(principal(LI, '李志明', '2019-07-15')), NOW)
      .then([appointed(principal(LI, '李志明', '2019-07-15'))]);
  });

  it('several leaders in charge may serve at once, beside the principal leader', () => {
    const other = {
      ...inCharge,
      leaderId: LI,
      name: '李志明',
      portfolio: { description: '分管教育卫生', categories: ['education' as const] },
    };
    given([registered, wangAppointed, appointed(inCharge)])
      .when(appoint(other), NOW)
      .then([appointed(other)]);
  });

  it('a leader’s last day in post is recorded', () => {
    const state = given([registered, wangAppointed])
      .when(leave(WANG, '2019-07-14'), NOW)
      .then([left(WANG, '2019-07-14')]);
    expect(state).toMatchObject({ leaders: [{ leaderId: WANG, until: '2019-07-14' }] });
  });

  it('a leader cannot leave before being appointed', () => {
    given([registered, wangAppointed]).when(leave(WANG, '2018-05-31'), NOW).thenError('LEADER_LEFT_BEFORE_APPOINTED');
  });

  it('a first or last day after today is refused', () => {
    given([registered])
      .when(appoint(principal(WANG, '王建国', '2019-09-02')), NOW)
      .thenError('LEADER_FROM_IN_FUTURE');
    given([registered, wangAppointed]).when(leave(WANG, '2019-09-02'), NOW).thenError('LEAVING_DAY_IN_FUTURE');
  });

  it('only a leader on record leaves, and once', () => {
    given([registered]).when(leave(WANG, '2019-07-14'), NOW).thenError('LEADER_NOT_ON_RECORD');
    given([registered, wangAppointed, left(WANG, '2019-07-14')])
      .when(leave(WANG, '2019-08-01'), NOW)
      .thenError('LEADER_ALREADY_LEFT');
  });

  it('a retried command changes nothing; the same id for another appointment is refused', () => {
    given([registered, wangAppointed])
      .when(appoint(principal(WANG, '王建国', '2018-06-01')), NOW)
      .thenNothing();
    given([registered, wangAppointed, left(WANG, '2019-07-14')])
      .when(leave(WANG, '2019-07-14'), NOW)
      .thenNothing();
    given([registered, wangAppointed])
      .when(appoint(principal(WANG, '王建国', '2018-07-01')), NOW)
      .thenError('LEADER_ALREADY_RECORDED');
  });

  it('an unregistered unit has no leaders to record', () => {
    given([])
      .when(appoint(principal(WANG, '王建国', '2018-06-01')), NOW)
      .thenError('UNIT_NOT_REGISTERED');
    given([]).when(leave(WANG, '2019-07-14'), NOW).thenError('UNIT_NOT_REGISTERED');
  });

  it('an empty name or a malformed day is refused by the command’s schema', () => {
    const parse = (data: object) =>
      AppointUnitLeader.schema.safeParse({ type: 'AppointUnitLeader', data: { ...principal(WANG, '王建国', '2018-06-01'), ...data } });
    expect(parse({ name: '  ' }).success).toBe(false);
    expect(parse({ from: '2019-02-30' }).success).toBe(false);
    expect(parse({ role: 'deputy' }).success).toBe(false);
    expect(parse({}).success).toBe(true);
  });
});

describe('who was in post on a day', () => {
  const wang: UnitLeader = { ...principal(WANG, '王建国', '2018-06-01'), until: '2019-07-14' };
  const li: UnitLeader = { ...principal(LI, '李志明', '2019-07-15'), until: null };
  const zhao: UnitLeader = { ...inCharge, until: null };
  const leaders = [wang, li, zhao];

  it('the principal leader on each side of a change, both ends included', () => {
    expect(principalOn(leaders, '2018-05-31')).toBeNull();
    expect(principalOn(leaders, '2018-06-01')?.name).toBe('王建国');
    expect(principalOn(leaders, '2019-07-14')?.name).toBe('王建国');
    expect(principalOn(leaders, '2019-07-15')?.name).toBe('李志明');
    expect(principalOn(leaders, '2030-01-01')?.name).toBe('李志明');
  });

  it('the leaders in charge of an item’s category', () => {
    expect(inChargeOn(leaders, '2019-08-01', ['fund_misuse']).map((l) => l.name)).toStrictEqual(['赵敏']);
    expect(inChargeOn(leaders, '2019-08-01', ['education'])).toStrictEqual([]);
    expect(inChargeOn(leaders, '2018-12-31', ['fund_misuse'])).toStrictEqual([]);
  });
});
