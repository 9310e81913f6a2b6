import { describe, expect, it } from 'vitest';
import { PolicyDocument, defaultPolicy } from '../../domain/index.js';
import { scorecards } from '../../projections/scorecards/accumulator.js';
import { LogBuilder } from '../support/countyLog.js';
import { atInstant, factsAsOf } from './fold.js';

/**
 * Whose card a transferred item (转办) with a co-responsible unit (配合单位) costs, as docs/policies.md
 * says. An audit problem P (−1 when raised) is assigned on 1 March to T1 with the bureau D helping,
 * due 30 June; the office orders T1 to finish (督办, −1) on 1 April, transfers P to T2 on 1 May; T2's
 * deadline is extended (−0.5) on 20 June; nobody reports it fixed by 31 December (−3 at year end).
 * Expected, counted by hand: T1 keeps only the 督办 of its time; T2 has the raise (the lead unit now),
 * the extension and the year-end line (holder on 31 December); D gets 50% of each of the four
 * deductions, rounded to tenths: −0.5, −0.5, −0.3 (−0.25, a half away from zero), −1.5.
 */
function county() {
  const b = new LogBuilder();
  const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
  const top = b.unit(1, '霍山县', 'county', null, at('2019-01-01', '08:00'));
  const T1 = b.unit(2, '磨子潭镇', 'township', top, at('2019-01-01', '08:00'));
  const T2 = b.unit(3, '诸佛庵镇', 'township', top, at('2019-01-01', '08:00'));
  const D = b.unit(4, '县交通局', 'department', top, at('2019-01-01', '08:00'));
  const P = b.raise(1, 'audit', 'roads', at('2019-03-01'));
  const on = (type: string, data: Record<string, unknown>, day: string) => b.on(P.problemId, type, data, at(day, '11:00'));
  on('ProblemAssigned', { responsibleUnitId: T1, responsiblePerson: '程', leadingOfficial: null, coResponsibleUnitIds: [D] }, '2019-03-01');
  on('DeadlineSet', { deadline: '2019-06-30', workingDays: null }, '2019-03-02');
  const order = on(
    'SupervisionOrdered',
    { instruction: '限期办结', supervisionCount: 1, finishBy: '2019-04-10', triggerId: null },
    '2019-04-01',
  );
  on('ProblemTransferred', { fromUnitId: T1, toUnitId: T2, responsiblePerson: '储', reason: '职责调整' }, '2019-05-01');
  const extension = on(
    'DeadlineExtended',
    { previousDeadline: '2019-06-30', deadline: '2019-09-30', workingDays: null, reason: '施工受阻', extensionCount: 1 },
    '2019-06-20',
  );
  return { events: b.recorded(), T1, T2, D, P, order, extension };
}

const c = county();
const yearOver = atInstant('2020-01-05T10:00:00+08:00');
const withShare = (coResponsibleShare: number) => ({
  version: 1,
  document: { ...defaultPolicy, scoring: { ...defaultPolicy.scoring, coResponsibleShare } },
});
const linesOf = (unitId: string, policy = withShare(50)) =>
  scorecards(factsAsOf(c.events), 2019, yearOver, policy)
    .find((card) => card.unitId === unitId)!
    .lines.filter((l) => l.rule !== 'base')
    .map((l) => [l.rule, l.points]);

describe('a transferred item (转办) with a co-responsible unit (配合单位), on the scorecards', () => {
  it('the former lead unit keeps only what happened in its time: the 督办 ordered to it', () => {
    expect(linesOf(c.T1)).toEqual([['supervision_ordered', -1]]);
  });

  it('the new lead unit has the raise, the extension of its time and the year-end line (it held the item on 31 December)', () => {
    expect(linesOf(c.T2)).toEqual([
      ['problem_found', -1],
      ['deadline_extended', -0.5],
      ['unfinished_at_year_end', -3],
    ]);
  });

  // Listed as the lead units' lines are: the lead unit's now first, then the former lead unit's.
  it('the co-responsible unit gets the policy’s share of every deduction, rounded to tenths', () => {
    expect(defaultPolicy.scoring.coResponsibleShare).toBe(50);
    expect(linesOf(c.D)).toEqual([
      ['problem_found', -0.5],
      ['deadline_extended', -0.3],
      ['unfinished_at_year_end', -1.5],
      ['supervision_ordered', -0.5],
    ]);
    expect(linesOf(c.D, withShare(0))).toEqual([]);
    expect(linesOf(c.D, withShare(100))).toEqual([
      ['problem_found', -1],
      ['deadline_extended', -0.5],
      ['unfinished_at_year_end', -3],
      ['supervision_ordered', -1],
    ]);
  });

  it('before the transfer, as of 20 April, everything was the first lead unit’s', () => {
    const april = scorecards(factsAsOf(c.events, '2019-04-20T10:00:00+08:00'), 2019, atInstant('2019-04-20T10:00:00+08:00'), withShare(50));
    const rules = (unitId: string) =>
      april
        .find((card) => card.unitId === unitId)!
        .lines.filter((l) => l.rule !== 'base')
        .map((l) => l.rule);
    expect(rules(c.T1)).toEqual(['problem_found', 'supervision_ordered']);
    expect(rules(c.T2)).toEqual([]);
  });

  it('a stored policy adopted before the share existed reads with our default, 50', () => {
    const { coResponsibleShare: _dropped, ...older } = defaultPolicy.scoring;
    expect(PolicyDocument.parse({ ...defaultPolicy, scoring: older }).scoring.coResponsibleShare).toBe(50);
  });
});
