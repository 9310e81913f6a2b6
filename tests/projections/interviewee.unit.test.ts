import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import { interviewTriggers } from '../../projections/interviewTriggers.js';
import { LogBuilder } from '../support/countyLog.js';
import { atInstant, factsAsOf } from './fold.js';

/**
 * Whom a trigger names (被约谈人), worked out by hand. Township T1 has village V1, and V1 a work team
 * W1; department D1 stands alone. T1's principal leader 王建国 leaves on 2019-07-14 (recorded the next
 * morning) and 李志明 takes over on 07-15; 赵敏 is in charge of roads and housing from 01-01. V1 has
 * its own 村支书, who is never named: a village's trigger rolls up to its township.
 *
 * PV roads     V1  deadline 06-30: overdue from 07-01
 * PW education W1  deadline 06-30: overdue from 07-01
 * PD funds     D1  deadline 06-30: overdue from 07-01
 */
const b = new LogBuilder();
const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
const county = b.unit(1, '霍山县', 'county', null, at('2019-01-01', '08:00'));
const T1 = b.unit(2, '磨子潭镇', 'township', county, at('2019-01-01', '08:00'));
const V1 = b.unit(3, '白莲岩村', 'village', T1, at('2019-01-01', '08:00'));
const W1 = b.unit(4, '县财政局驻白莲岩村扶贫工作队', 'work_team', V1, at('2019-01-01', '08:00'));
const D1 = b.unit(5, '县扶贫局', 'department', county, at('2019-01-01', '08:00'));

const leaderId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const appoint = (unitId: string, n: number, role: 'principal' | 'in_charge', name: string, title: string, from: string, on: string) =>
  b.event(
    `unit-${unitId}`,
    'UnitLeaderAppointed',
    {
      unitId,
      leaderId: leaderId(n),
      role,
      name,
      title,
      portfolio: role === 'in_charge' ? { description: '分管交通、住房', categories: ['roads', 'housing'] } : null,
      from,
    },
    at(on, '09:00'),
  );
appoint(T1, 1, 'principal', '王建国', '镇党委书记', '2018-06-01', '2019-01-02');
appoint(T1, 2, 'in_charge', '赵敏', '副镇长', '2019-01-01', '2019-01-02');
appoint(V1, 3, 'principal', '陈刚', '村党支部书记', '2018-01-01', '2019-01-02');
appoint(D1, 4, 'principal', '孙丽', '局长', '2019-01-01', '2019-01-02');

const item = (n: number, category: 'roads' | 'education' | 'fund_misuse', unitId: string) => {
  const p = b.raise(n, 'audit', category, at('2019-05-01'));
  b.on(
    p.problemId,
    'ProblemAssigned',
    { responsibleUnitId: unitId, responsiblePerson: '负责人', leadingOfficial: null },
    at('2019-05-01', '11:00'),
  );
  b.on(p.problemId, 'AssignmentAcknowledged', { acknowledgedBy: '负责人' }, at('2019-05-01', '12:00'));
  b.on(p.problemId, 'DeadlineSet', { deadline: '2019-06-30' }, at('2019-05-01', '13:00'));
  return p.problemId;
};
const PV = item(1, 'roads', V1);
const PW = item(2, 'education', W1);
const PD = item(3, 'fund_misuse', D1);
b.event(`unit-${T1}`, 'UnitLeaderLeft', { unitId: T1, leaderId: leaderId(1), until: '2019-07-14' }, at('2019-07-15', '09:00'));
appoint(T1, 5, 'principal', '李志明', '镇党委书记', '2019-07-15', '2019-07-15');

const events = b.recorded();
const v0 = { version: 0, document: defaultPolicy };

/** The overdue trigger of an item as of an instant: its unit, and whom it names. */
function named(problemId: string, instant: string) {
  const when = atInstant(instant);
  const t = interviewTriggers(factsAsOf(events, when.instant), when, v0).find((x) => x.id === `item_overdue:${problemId}:2019-06-30`)!;
  const { unitId, rolledUp, principal, inCharge } = t.interviewee;
  return { unit: unitId, rolledUp, principal: principal?.name ?? null, inCharge: inCharge.map((l) => l.name) };
}

describe('the person an interview trigger names (被约谈人)', () => {
  it('a village’s trigger names its township’s principal leader, and the leader in charge of roads', () => {
    expect(named(PV, at('2019-07-10'))).toStrictEqual({ unit: T1, rolledUp: true, principal: '王建国', inCharge: ['赵敏'] });
  });

  it('a work team’s trigger rolls up through its village to the township; nobody is in charge of education', () => {
    expect(named(PW, at('2019-07-10'))).toStrictEqual({ unit: T1, rolledUp: true, principal: '王建国', inCharge: [] });
  });

  it('a department’s trigger names its own principal leader', () => {
    expect(named(PD, at('2019-07-10'))).toStrictEqual({ unit: D1, rolledUp: false, principal: '孙丽', inCharge: [] });
  });

  it('before and after the change of principal leader: 王建国 to his last day (07-14), 李志明 from 07-15', () => {
    expect(named(PV, at('2019-07-14', '20:00')).principal).toBe('王建国');
    expect(named(PV, at('2019-07-15', '12:00')).principal).toBe('李志明');
    expect(named(PV, at('2019-08-01')).principal).toBe('李志明');
  });

  it('as known before the change was recorded (07-15 08:00), 王建国 is still in post', () => {
    expect(named(PV, at('2019-07-15', '08:00')).principal).toBe('王建国');
  });
});
