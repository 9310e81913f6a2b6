import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import { interviewTriggers } from '../../projections/interviewTriggers.js';
import { scorecards } from '../../projections/scorecards/accumulator.js';
import { overdueSweepsByUnit } from '../../projections/sweeps.js';
import { LogBuilder, uuidOf } from '../support/countyLog.js';
import { atInstant, factsAsOf } from './fold.js';

/**
 * A county of three townships (T2 with village V2) and one sweep (举一反三排查) from T1's housing
 * problem, asking T2 and T3 to answer by 2019-03-15. Every figure below is worked out by hand.
 *
 * S1  ordered 03-05, answer by 03-15, asks T2 and T3
 *     T2 answers "none" 03-10; later P2 (hotline, housing) is raised 05-01 in V2, T2's village: contradicted
 *        P4 (self-check, housing, T2, 04-01) does not contradict it; P5 (audit, housing, T2, 06-01) comes after P2
 *     T3 does not answer by 03-15; answers "found" 03-20 (late), raising P3 (self-check) in T3
 * S2  ordered 04-01, answer by 04-10, asks T3 only, closed 04-05 unanswered: nothing is owed
 */
function county() {
  const b = new LogBuilder();
  const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
  const countyId = b.unit(1, '霍山县', 'county', null, at('2019-01-01', '08:00'));
  const T1 = b.unit(2, '磨子潭镇', 'township', countyId, at('2019-01-01', '08:00'));
  const T2 = b.unit(3, '佛子岭镇', 'township', countyId, at('2019-01-01', '08:00'));
  const V2 = b.unit(4, '佛子岭镇某村', 'village', T2, at('2019-01-01', '08:00'));
  const T3 = b.unit(5, '但家庙镇', 'township', countyId, at('2019-01-01', '08:00'));
  const assign = (p: string, unit: string, day: string) =>
    b.on(p, 'ProblemAssigned', { responsibleUnitId: unit, responsiblePerson: '负责人', leadingOfficial: null }, at(day, '11:00'));
  const S1 = uuidOf(1, 0xc);
  const S2 = uuidOf(2, 0xc);
  const sweep = (sweepId: string, unitIds: string[], day: string, answerBy: string) =>
    b.event(
      `sweep-${sweepId}`,
      'SweepOrdered',
      {
        sweepId,
        originProblemId: P1.problemId,
        originLedgerNumber: P1.ledgerNumber,
        category: 'housing',
        unitIds,
        answerBy,
        instruction: '对照危房改造问题逐户排查',
        orderedOn: day,
      },
      at(day),
    );
  const answer = (sweepId: string, unitId: string, kind: 'found' | 'none', day: string, problemId: string | null = null) =>
    b.event(
      `sweep-${sweepId}`,
      'SweepAnswered',
      {
        sweepId,
        unitId,
        answer: kind,
        text: kind === 'none' ? '未发现同类问题' : '发现2户危房',
        signedBy: '镇长',
        problemId,
        answeredOn: day,
      },
      at(day),
    );

  const P1 = b.raise(1, 'national_feedback', 'housing', at('2019-03-01'));
  assign(P1.problemId, T1, '2019-03-01');
  const S1ordered = sweep(S1, [T2, T3], '2019-03-05', '2019-03-15');
  const T2none = answer(S1, T2, 'none', '2019-03-10');
  const P3 = b.raise(3, 'county_self_check', 'housing', at('2019-03-20'));
  assign(P3.problemId, T3, '2019-03-20');
  const T3late = answer(S1, T3, 'found', '2019-03-20', P3.problemId);
  const P4 = b.raise(4, 'county_self_check', 'housing', at('2019-04-01'));
  assign(P4.problemId, T2, '2019-04-01');
  sweep(S2, [T3], '2019-04-01', '2019-04-10');
  b.event(`sweep-${S2}`, 'SweepClosed', { sweepId: S2, reason: '已由S1覆盖', closedOn: '2019-04-05' }, at('2019-04-05'));
  const P2 = b.raise(2, 'hotline', 'housing', at('2019-05-01'));
  assign(P2.problemId, V2, '2019-05-01');
  const P5 = b.raise(5, 'audit', 'housing', at('2019-06-01'));
  assign(P5.problemId, T2, '2019-06-01');
  return { log: b.recorded(), at, units: { T1, T2, T3, V2 }, sweeps: { S1, S2 }, ids: { S1ordered, T2none, T3late }, P2, P3 };
}

const v0 = { version: 0, document: defaultPolicy };

describe('overdue sweeps on the wall (挂图作战)', () => {
  it('count per unit from the day after the answer-by day until the unit answers; a closed sweep is not counted', () => {
    const c = county();
    const wall = (instant: string) => {
      const at = atInstant(instant);
      return overdueSweepsByUnit(factsAsOf(c.log, instant).sweeps.values(), at.day).map((u) => ({
        unitId: u.unitId,
        sweeps: u.sweeps.map((s) => s.sweepId),
      }));
    };
    expect(wall(c.at('2019-03-15', '23:00'))).toEqual([]);
    expect(wall(c.at('2019-03-16', '09:00'))).toEqual([{ unitId: c.units.T3, sweeps: [c.sweeps.S1] }]);
    expect(wall(c.at('2019-03-21'))).toEqual([]);
    // S2 was closed before its answer-by day: T3 owes nothing on it.
    expect(wall(c.at('2019-04-20'))).toEqual([]);
  });
});

describe('the sweep_unanswered trigger', () => {
  it('is a 提醒 for the unit from the day after the answer-by day, gone once it answered', () => {
    const c = county();
    const triggers = (instant: string) =>
      interviewTriggers(factsAsOf(c.log, instant), atInstant(instant), v0).filter((t) => t.rule === 'sweep_unanswered');
    expect(triggers(c.at('2019-03-15', '23:00'))).toEqual([]);
    const [t, ...more] = triggers(c.at('2019-03-16'));
    expect(more).toEqual([]);
    expect(t).toMatchObject({
      id: `sweep_unanswered:${c.units.T3}:${c.sweeps.S1}`,
      unitId: c.units.T3,
      level: 'reminder',
      since: '2019-03-16',
      problemIds: [],
      eventIds: [c.ids.S1ordered],
    });
    expect(triggers(c.at('2019-03-21'))).toEqual([]);
  });

  it('is switched off by the policy', () => {
    const c = county();
    const off = {
      version: 1,
      document: {
        ...defaultPolicy,
        interviews: {
          ...defaultPolicy.interviews,
          rules: { ...defaultPolicy.interviews.rules, sweep_unanswered: { enabled: false, level: 'reminder' as const } },
        },
      },
    };
    const instant = c.at('2019-03-16');
    expect(interviewTriggers(factsAsOf(c.log, instant), atInstant(instant), off).filter((t) => t.rule === 'sweep_unanswered')).toEqual([]);
  });
});

describe('sweeps on the scorecards', () => {
  const card = (c: ReturnType<typeof county>, unitId: string, instant: string) =>
    scorecards(factsAsOf(c.log, instant), 2019, atInstant(instant), v0).find((x) => x.unitId === unitId)!;
  const sweepLines = (c: ReturnType<typeof county>, unitId: string, instant: string) =>
    card(c, unitId, instant)
      .lines.filter((l) => l.rule.startsWith('sweep_'))
      .map((l) => ({ rule: l.rule, points: l.points, contribution: l.contribution, eventIds: l.eventIds }));

  it('an answer-by day passed without an answer costs 1 point of 平时 (0.4 of the score) from the next day', () => {
    const c = county();
    expect(sweepLines(c, c.units.T3, c.at('2019-03-15', '23:00'))).toEqual([]);
    expect(sweepLines(c, c.units.T3, c.at('2019-03-16'))).toEqual([
      { rule: 'sweep_not_answered_in_time', points: -1, contribution: -0.4, eventIds: [c.ids.S1ordered] },
    ]);
  });

  it('answering late keeps the line, now naming the answer; the found problem (self-check) costs nothing', () => {
    const c = county();
    const t3 = card(c, c.units.T3, c.at('2019-12-01'));
    expect(sweepLines(c, c.units.T3, c.at('2019-12-01'))).toEqual([
      { rule: 'sweep_not_answered_in_time', points: -1, contribution: -0.4, eventIds: [c.ids.T3late, c.ids.S1ordered] },
    ]);
    expect(t3.lines.find((l) => l.rule === 'sweep_not_answered_in_time')!.explanation).toBe(
      'Answered the sweep (举一反三排查) from GJ-2019-001 on 2019-03-20, after its answer-by day 2019-03-15.',
    );
    // 平时 100 − 1 = 99, 集中 100: 0.4 × 99 + 0.6 × 100 = 99.6. S2, closed before its day, costs nothing.
    expect(t3.score).toBe(99.6);
  });

  it('a "none" contradicted by a later problem of the same kind from another source costs 2 points of 平时, once', () => {
    const c = county();
    expect(sweepLines(c, c.units.T2, c.at('2019-04-30'))).toEqual([]);
    const lines = sweepLines(c, c.units.T2, c.at('2019-12-01'));
    expect(lines).toEqual([{ rule: 'sweep_none_contradicted', points: -2, contribution: -0.8, eventIds: [c.P2.eventId, c.ids.T2none] }]);
    const t2 = card(c, c.units.T2, c.at('2019-12-01'));
    expect(t2.lines.find((l) => l.rule === 'sweep_none_contradicted')!.ledgerNumber).toBe(c.P2.ledgerNumber);
    // 平时 100 − 0.5 (P2, hotline) − 1 (P5, audit) − 2 (contradicted) = 96.5; 0.4 × 96.5 + 60 = 98.6.
    expect(t2.score).toBe(98.6);
  });

  it('the contradiction window is policy data', () => {
    const c = county();
    const narrow = {
      version: 1,
      document: {
        ...defaultPolicy,
        scoring: { ...defaultPolicy.scoring, sweeps: { ...defaultPolicy.scoring.sweeps, contradictionWithinDays: 30 } },
      },
    };
    const instant = c.at('2019-12-01');
    const t2 = scorecards(factsAsOf(c.log, instant), 2019, atInstant(instant), narrow).find((x) => x.unitId === c.units.T2)!;
    // P2 came 52 days after the answer (03-10 → 05-01): outside 30 days.
    expect(t2.lines.filter((l) => l.rule === 'sweep_none_contradicted')).toEqual([]);
  });
});
