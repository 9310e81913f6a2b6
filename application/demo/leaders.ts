import type { Actor, ProblemCategory, UnitCommand } from '../../domain/index.js';
import type { z } from 'zod';
import { type SimInstant, instantOf, simDay } from './clock.js';
import { type County, type DemoUnit, personName } from './county.js';
import { Random } from './random.js';

/** One leader appointment or departure of the demo, with its instant and command id. */
export type LeaderStep = { commandId: string; at: SimInstant; actor: Actor; kind: 'unit'; input: z.input<typeof UnitCommand> };

/** 分管领域 of a township's two deputies (副镇长), with the categories each answers for. */
const PORTFOLIOS: readonly { description: string; categories: ProblemCategory[] }[] = [
  {
    description: '分管脱贫攻坚、农业农村、财政',
    categories: ['data_mismatch', 'wrongful_inclusion_exclusion', 'wrongful_exit', 'fund_misuse', 'project_delay', 'work_style'],
  },
  {
    description: '分管教育、卫生健康、住房和城乡建设、水利、交通',
    categories: ['education', 'health', 'housing', 'drinking_water', 'roads'],
  },
];

/** The township whose principal leader changes mid-period, and the days of the change. */
export const LEADER_CHANGE = { township: '磨子潭镇', lastDay: '2019-09-30', firstDay: '2019-10-08' } as const;

/**
 * The units' leaders on record (领导班子), with fictional names: every unit's principal leader (the
 * county's 县委书记, a township's 党委书记, a department's 局长, a village's 村支书, a work team's
 * 第一书记), and two leaders in charge (副镇长) per township. Recorded by the office right after the
 * units, in post since before the demo began; in 磨子潭镇 the principal leader changes on
 * 2019-10-08 (recorded that morning), so a dated lookup shows two people. Names come from their own
 * random source, so the rest of the demo is the same as without them.
 */
export function planLeaders(county: County, seed: number, after: SimInstant, idFor: (commandId: string) => string): LeaderStep[] {
  const random = new Random(seed ^ 0x1eade5);
  const steps: LeaderStep[] = [];
  const actor = county.officeStaff[0]!;
  let second = after.key - after.day * 86_400;
  const add = (input: (leaderId: string) => z.input<typeof UnitCommand>, at?: SimInstant) => {
    const commandId = `demo-leader-${steps.length + 1}`;
    steps.push({ commandId, at: at ?? instantOf(after.day, ++second), actor, kind: 'unit', input: input(idFor(commandId)) });
    return idFor(commandId);
  };
  const since = () => `201${random.int(5, 8)}-0${random.int(1, 9)}-${String(random.int(1, 28)).padStart(2, '0')}`;
  const principal = (unit: DemoUnit, title: string) =>
    add((leaderId) => ({
      type: 'AppointUnitLeader',
      data: { unitId: unit.unitId, leaderId, role: 'principal', name: personName(random), title, portfolio: null, from: since() },
    }));

  principal(county.county, '县委书记');
  for (const unit of Object.values(county.departments)) principal(unit, unit === county.office ? '主任' : '局长');
  for (const township of county.townships) {
    const first = principal(township, '党委书记');
    for (const portfolio of PORTFOLIOS)
      add((leaderId) => ({
        type: 'AppointUnitLeader',
        data: { unitId: township.unitId, leaderId, role: 'in_charge', name: personName(random), title: '副镇长', portfolio, from: since() },
      }));
    if (township.name !== LEADER_CHANGE.township) continue;
    const change = instantOf(simDay(LEADER_CHANGE.firstDay), 9 * 3600);
    add(() => ({ type: 'RecordUnitLeaderLeft', data: { unitId: township.unitId, leaderId: first, until: LEADER_CHANGE.lastDay } }), change);
    add(
      (leaderId) => ({
        type: 'AppointUnitLeader',
        data: {
          unitId: township.unitId,
          leaderId,
          role: 'principal',
          name: personName(random),
          title: '党委书记',
          portfolio: null,
          from: LEADER_CHANGE.firstDay,
        },
      }),
      instantOf(simDay(LEADER_CHANGE.firstDay), 9 * 3600 + 1),
    );
  }
  for (const village of county.villages) principal(village, '村党支部书记');
  for (const team of county.workTeams) principal(team, '第一书记');
  return steps;
}
