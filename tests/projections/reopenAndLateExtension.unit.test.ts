import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import { interviewTriggers } from '../../projections/interviewTriggers.js';
import { scorecards } from '../../projections/scorecards/accumulator.js';
import { atInstant, factsAsOf } from './fold.js';
import { scenario } from './scenario.js';

/*
 * Two rules of the scorecards (docs/policies.md, "Scorecards") checked on the hand-worked scenario
 * (scenario.ts), where T1's 2019 card is 95.0 (平时 90.5, 集中考核 98):
 * - a fix that passed verification counts for its year even if the problem is reopened later, in
 *   the same year or the next; the reopening costs −2 in its own year;
 * - a year-end line is judged on the deadline in force on 31 December: an extension recorded after
 *   the year neither takes the year's line away nor gives the item a second one the next year.
 */

const v0 = { version: 0, document: defaultPolicy };
const at = (day: string) => `${day}T10:00:00+08:00`;
const report = { evidence: { description: '已整改', files: [] } };
const cardOf = (events: ReturnType<ReturnType<typeof scenario>['builder']['recorded']>, year: number, instant: string, unitId: string) => {
  const when = atInstant(instant);
  return scorecards(factsAsOf(events, when.instant), year, when, v0).find((c) => c.unitId === unitId)!;
};
const lineOf = (card: ReturnType<typeof cardOf>, rule: string, ledgerNumber: string) =>
  card.lines.filter((l) => l.rule === rule && l.ledgerNumber === ledgerNumber);

describe('a reopened problem (回头看 found it back) keeps the year-end line of the fix that passed', () => {
  it('given P1 fixed by its deadline and closed, when it is reopened in the same year and closed again late, then 2019 keeps +1 and adds −2', () => {
    // Given: P1 (T1, national feedback) due 2019-06-30, reported 06-20, passed 06-22, closed 06-25.
    const s = scenario();
    const { P1 } = s.problems;
    // When: the 回头看 finds it back on 09-30; it is reported fixed again 11-10 (after its deadline), passed, closed 11-15.
    const reopened = s.builder.on(P1.problemId, 'ProblemReopened', { reason: '回头看发现反弹', reopenCount: 1 }, at('2019-09-30'));
    s.builder.on(P1.problemId, 'RectificationReported', report, at('2019-11-10'));
    s.builder.on(P1.problemId, 'VerificationPassed', { verifierUnitId: s.units.D2, opinion: '通过' }, at('2019-11-12'));
    s.builder.on(P1.problemId, 'ProblemClosed', { closedOn: '2019-11-15' }, '2019-11-15T15:00:00+08:00');
    // Then: the first fix still counts (+1, on the first 销号 and report), the reopening costs −2 on 平时,
    // and the second report, late, adds no year-end line of its own.
    const t1 = cardOf(s.builder.recorded(), 2019, at('2020-01-15'), s.units.T1);
    expect(lineOf(t1, 'closed_on_time', P1.ledgerNumber).map((l) => [l.points, l.contribution, l.eventIds])).toEqual([
      [1, 0.6, [s.ids.P1closed, s.ids.P1report]],
    ]);
    expect(lineOf(t1, 'problem_reopened', P1.ledgerNumber).map((l) => [l.points, l.contribution, l.eventIds])).toEqual([
      [-2, -0.8, [reopened]],
    ]);
    expect(lineOf(t1, 'finished_late', P1.ledgerNumber)).toEqual([]);
    expect(lineOf(t1, 'unfinished_at_year_end', P1.ledgerNumber)).toEqual([]);
    // 平时 90.5 − 2 = 88.5; 集中考核 unchanged at 98; 0.4 × 88.5 + 0.6 × 98 = 35.4 + 58.8 = 94.2 (较好, below 95).
    expect([t1.ordinaryScore, t1.yearEndScore, t1.score, t1.grade]).toEqual([88.5, 98, 94.2, 'fairly_good']);
  });

  it('given P3 fixed by its deadline and closed in 2019, when it is reopened in 2020, then 2019 is unchanged and 2020 carries the −2', () => {
    // Given: P3 (village V1, counted on T1) due 2019-07-31 after its extension, reported 07-20, closed 07-25.
    const s = scenario();
    const { P3 } = s.problems;
    // When: reopened on 2020-02-01 and not fixed again.
    const reopened = s.builder.on(P3.problemId, 'ProblemReopened', { reason: '回头看发现反弹', reopenCount: 1 }, at('2020-02-01'));
    const events = s.builder.recorded();
    // Then: the 2019 card is the hand-worked 95.0, P3's +1 in it; all the year-end lines of 2019 there.
    const y2019 = cardOf(events, 2019, at('2020-02-02'), s.units.T1);
    expect(lineOf(y2019, 'closed_on_time', P3.ledgerNumber).map((l) => l.eventIds)).toEqual([[s.ids.P3closed, s.ids.P3report]]);
    expect([y2019.ordinaryScore, y2019.yearEndScore, y2019.score]).toEqual([90.5, 98, 95]);
    // And the reopening is a 2020 line: 平时 100 − 2 = 98, 集中考核 100; 0.4 × 98 + 0.6 × 100 = 99.2.
    const y2020 = cardOf(events, 2020, at('2020-02-02'), s.units.T1);
    expect(y2020.lines.map((l) => [l.rule, l.ledgerNumber, l.points, l.eventIds])).toEqual([
      ['base', null, 100, []],
      ['problem_reopened', P3.ledgerNumber, -2, [reopened]],
    ]);
    expect(y2020.score).toBe(99.2);
    // The reopening never turns into an unfinished item of 2019 either, once 2020 is over.
    expect(lineOf(cardOf(events, 2019, at('2021-01-15'), s.units.T1), 'unfinished_at_year_end', P3.ledgerNumber)).toEqual([]);
  });
});

describe('a year-end line is judged on the deadline in force on 31 December', () => {
  it('given P2 due 2019-05-31 and unfinished, when its deadline is extended into 2020 on 2020-01-05, then 2019 keeps its −3', () => {
    const s = scenario();
    const { P2 } = s.problems;
    const extended = s.builder.on(
      P2.problemId,
      'DeadlineExtended',
      { previousDeadline: '2019-05-31', deadline: '2020-03-31', reason: '冬季无法施工', extensionCount: 1 },
      at('2020-01-05'),
    );
    const events = s.builder.recorded();
    const y2019 = cardOf(events, 2019, at('2020-01-15'), s.units.T1);
    // The line stands on the deadline set on 2019-04-02, the one in force on 31 December 2019.
    expect(lineOf(y2019, 'unfinished_at_year_end', P2.ledgerNumber).map((l) => [l.id, l.points, l.eventIds])).toEqual([
      [`unfinished_at_year_end:${s.ids.P2deadline}`, -3, [s.ids.P2deadline]],
    ]);
    expect(y2019.score).toBe(95);
    // The extension itself is a 平时 line of 2020, the year it was granted.
    expect(lineOf(y2019, 'deadline_extended', P2.ledgerNumber)).toEqual([]);
    const y2020 = cardOf(events, 2020, at('2020-01-15'), s.units.T1);
    expect(lineOf(y2020, 'deadline_extended', P2.ledgerNumber).map((l) => [l.points, l.eventIds])).toEqual([[-0.5, [extended]]]);
    // And the year-end interview trigger of 2019 still names P2 on its 2019 deadline.
    const when = atInstant(at('2020-01-15'));
    const trigger = interviewTriggers(factsAsOf(events, when.instant), when, v0, { unitId: s.units.T1 }).find(
      (t) => t.id === `year_end_unfinished:${s.units.T1}:2019`,
    );
    expect([trigger?.ledgerNumbers, trigger?.eventIds]).toEqual([[P2.ledgerNumber], [s.ids.P2deadline]]);
  });

  it('given that late extension, when P2 is then fixed by its new deadline, then 2020 gives it no second year-end line', () => {
    const s = scenario();
    const { P2 } = s.problems;
    s.builder.on(
      P2.problemId,
      'DeadlineExtended',
      { previousDeadline: '2019-05-31', deadline: '2020-03-31', reason: '冬季无法施工', extensionCount: 1 },
      at('2020-01-05'),
    );
    s.builder.on(P2.problemId, 'RectificationReported', report, at('2020-03-20'));
    s.builder.on(P2.problemId, 'VerificationPassed', { verifierUnitId: s.units.D2, opinion: '通过' }, at('2020-03-22'));
    s.builder.on(P2.problemId, 'ProblemClosed', { closedOn: '2020-03-25' }, '2020-03-25T15:00:00+08:00');
    const events = s.builder.recorded();
    // 2020: 平时 100 − 0.5 (the extension) = 99.5, 集中考核 100 (P2's year-end line is 2019's): 39.8 + 60 = 99.8.
    const y2020 = cardOf(events, 2020, at('2021-01-15'), s.units.T1);
    expect(y2020.lines.map((l) => [l.rule, l.ledgerNumber])).toEqual([
      ['base', null],
      ['deadline_extended', P2.ledgerNumber],
    ]);
    expect(y2020.score).toBe(99.8);
    // 2019 still −3: fixed in 2020 is not fixed by 31 December 2019.
    expect(lineOf(cardOf(events, 2019, at('2021-01-15'), s.units.T1), 'unfinished_at_year_end', P2.ledgerNumber)).toHaveLength(1);
  });

  it('an extension recorded within the year still moves the item to the year of its new deadline', () => {
    const s = scenario();
    const P6 = s.builder.raise(6, 'provincial_review', 'roads', at('2019-11-01'));
    s.builder.on(
      P6.problemId,
      'ProblemAssigned',
      { responsibleUnitId: s.units.T1, responsiblePerson: '负责人', leadingOfficial: null },
      at('2019-11-01'),
    );
    s.builder.on(P6.problemId, 'DeadlineSet', { deadline: '2019-12-20' }, at('2019-11-02'));
    const extended = s.builder.on(
      P6.problemId,
      'DeadlineExtended',
      { previousDeadline: '2019-12-20', deadline: '2020-02-28', reason: '工程量大', extensionCount: 1 },
      at('2019-12-15'),
    );
    const events = s.builder.recorded();
    expect(lineOf(cardOf(events, 2019, at('2020-01-15'), s.units.T1), 'unfinished_at_year_end', P6.ledgerNumber)).toEqual([]);
    expect(
      lineOf(cardOf(events, 2020, at('2021-01-15'), s.units.T1), 'unfinished_at_year_end', P6.ledgerNumber).map((l) => l.eventIds),
    ).toEqual([[extended]]);
  });

  it('a first deadline recorded after the year for a day in it (nothing to rewrite) counts for that year', () => {
    const s = scenario();
    const P6 = s.builder.raise(6, 'provincial_review', 'roads', at('2019-12-10'));
    s.builder.on(
      P6.problemId,
      'ProblemAssigned',
      { responsibleUnitId: s.units.T1, responsiblePerson: '负责人', leadingOfficial: null },
      at('2019-12-10'),
    );
    const set = s.builder.on(P6.problemId, 'DeadlineSet', { deadline: '2019-12-31' }, at('2020-01-03'));
    const events = s.builder.recorded();
    expect(
      lineOf(cardOf(events, 2019, at('2020-01-15'), s.units.T1), 'unfinished_at_year_end', P6.ledgerNumber).map((l) => l.eventIds),
    ).toEqual([[set]]);
    expect(lineOf(cardOf(events, 2020, at('2021-01-15'), s.units.T1), 'unfinished_at_year_end', P6.ledgerNumber)).toEqual([]);
  });
});
