import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import { scorecards } from '../../projections/scorecards/accumulator.js';
import { cardDifference } from '../../projections/scorecards/difference.js';
import { problemFacts } from '../../projections/problemFacts.js';
import { atInstant, factsAsOf } from './fold.js';
import { scenario } from './scenario.js';

const s = scenario();
const events = s.builder.recorded();
const v0 = { version: 0, document: defaultPolicy };
const { P1, P2, P3, P5 } = s.problems;
const at = atInstant('2020-01-15T10:00:00+08:00');
const cents = (n: number) => Math.round(n * 1000);

describe('annual scorecards (年度考核) under the default policy', () => {
  const cards = scorecards(factsAsOf(events, at.instant), 2019, at, v0);
  const card = (unitId: string) => cards.find((c) => c.unitId === unitId)!;

  it('gives T1 (with its village V1) 95.0 and 好: every line worked out by hand', () => {
    const t1 = card(s.units.T1);
    // 平时 (40%): P1 national −2, P2 provincial −1, P5 recurrence of P1 −3, P3 extension −0.5,
    //             P2 督办 −1, the 约谈 on 07-02 −2 → 100 − 9.5 = 90.5
    // 集中考核 (60%): P1 on time +1, P3 on time +1, P5 late −1, P2 unfinished −3 → 100 − 2 = 98
    // score = 0.4 × 90.5 + 0.6 × 98 = 36.2 + 58.8 = 95.0
    expect(t1.ordinaryScore).toBe(90.5);
    expect(t1.yearEndScore).toBe(98);
    expect(t1.score).toBe(95);
    expect(t1.grade).toBe('good');
    expect(t1.veto).toBe(false);
    expect(t1.provisional).toBe(false);
    const lines = t1.lines.map((l) => [l.rule, l.ledgerNumber, l.points, l.contribution]);
    expect(lines).toEqual(
      expect.arrayContaining([
        ['base', null, 100, 100],
        ['problem_found', P1.ledgerNumber, -2, -0.8],
        ['problem_found', P2.ledgerNumber, -1, -0.4],
        ['recurrence', P5.ledgerNumber, -3, -1.2],
        ['deadline_extended', P3.ledgerNumber, -0.5, -0.2],
        ['supervision_ordered', P2.ledgerNumber, -1, -0.4],
        ['interview_held', null, -2, -0.8],
        ['closed_on_time', P1.ledgerNumber, 1, 0.6],
        ['closed_on_time', P3.ledgerNumber, 1, 0.6],
        ['finished_late', P5.ledgerNumber, -1, -0.6],
        ['unfinished_at_year_end', P2.ledgerNumber, -3, -1.8],
      ]),
    );
    expect(lines).toHaveLength(11); // self-check problems P3 and P5 cost 0 points: no line
  });

  it('adds every card’s lines up exactly to its score, and names an event on every deduction', () => {
    for (const c of cards) {
      expect(c.lines.reduce((sum, l) => sum + cents(l.contribution), 0)).toBe(cents(c.score));
      for (const l of c.lines.filter((l) => l.points < 0)) expect(l.eventIds.length).toBeGreaterThan(0);
    }
    for (const c of cards) expect(c.breakdown.reduce((sum, r) => sum + cents(r.contribution), 0)).toBe(cents(c.score));
    const found = card(s.units.T1).breakdown.find((r) => r.rule === 'problem_found')!;
    expect(found).toEqual({ part: 'ordinary', rule: 'problem_found', lines: 2, exempted: 0, points: -3, contribution: -1.2 });
    const unfinished = card(s.units.T1).lines.find((l) => l.rule === 'unfinished_at_year_end')!;
    expect(unfinished.eventIds).toEqual([s.ids.P2deadline]);
    expect(unfinished.id).toBe(`unfinished_at_year_end:${s.ids.P2deadline}`);
    const rejections = card(s.units.D1)
      .lines.filter((l) => l.rule === 'verification_rejected')
      .map((l) => l.eventIds);
    expect(rejections).toEqual([[s.ids.P4reject1], [s.ids.P4reject2]]);
  });

  it('gives D1 98.2, the verifier D2 an untouched 100, and ranks D2, D1, T1', () => {
    // D1: 平时 audit −1, two rejections −1 each → 97; 集中考核 P4 finished late −1 → 99;
    //     0.4 × 97 + 0.6 × 99 = 38.8 + 59.4 = 98.2
    expect(card(s.units.D1).score).toBe(98.2);
    expect(card(s.units.D2).score).toBe(100);
    expect(cards.map((c) => [c.unitId, c.rank])).toEqual([
      [s.units.D2, 1],
      [s.units.D1, 2],
      [s.units.T1, 3],
    ]);
    expect(cards.some((c) => c.unitId === s.units.V1)).toBe(false); // villages count for their township
  });

  it('before year end the card is provisional and does not deduct unfinished items yet', () => {
    const during = atInstant('2019-12-20T10:00:00+08:00');
    const t1 = scorecards(factsAsOf(events, during.instant), 2019, during, v0).find((c) => c.unitId === s.units.T1)!;
    expect(t1.provisional).toBe(true);
    expect(t1.lines.some((l) => l.rule === 'unfinished_at_year_end')).toBe(false);
    expect(t1.score).toBe(96.8); // 95.0 + 1.8
  });

  it('grades 较差 with the one-vote veto under a stricter policy, side by side with the default', () => {
    const strict = {
      version: 1,
      document: { ...defaultPolicy, scoring: { ...defaultPolicy.scoring, grades: { good: 99, fairlyGood: 98, average: 97 } } },
    };
    const facts = factsAsOf(events, at.instant);
    const [before, after] = [v0, strict].map((p) => scorecards(facts, 2019, at, p).find((c) => c.unitId === s.units.T1)!);
    expect([before!.grade, before!.veto, before!.policyVersion]).toEqual(['good', false, 0]);
    expect([after!.grade, after!.veto, after!.policyVersion]).toEqual(['poor', true, 1]);
    expect(after!.score).toBe(95);
  });

  it('an exemption (容错纠错) removes exactly its deduction and stays on the card', () => {
    const b = scenario().builder;
    const line = `unfinished_at_year_end:${s.ids.P2deadline}`;
    b.event(
      'assessment-2019',
      'ExemptionGranted',
      {
        exemptionId: '00000000-0000-4000-8000-00000000bbbb',
        year: 2019,
        unitId: s.units.T1,
        lineId: line,
        rule: 'unfinished_at_year_end',
        problemId: P2.problemId,
        eventIds: [s.ids.P2deadline],
        points: -3,
        reason: '道路整改受汛期影响，属客观原因',
        approvedBy: '县考核委员会',
      },
      '2020-01-12T10:00:00+08:00',
    );
    const t1 = scorecards(factsAsOf(b.recorded(), at.instant), 2019, at, v0).find((c) => c.unitId === s.units.T1)!;
    expect(t1.score).toBe(96.8); // 95.0 + 1.8, exactly the line’s contribution
    expect(t1.yearEndScore).toBe(101);
    const exempted = t1.lines.find((l) => l.id === line)!;
    expect([exempted.points, exempted.contribution, exempted.exemption?.reason]).toEqual([-3, 0, '道路整改受汛期影响，属客观原因']);
    expect(t1.exemptions).toHaveLength(1);
    expect(t1.lines.reduce((sum, l) => sum + cents(l.contribution), 0)).toBe(cents(96.8));
  });

  it('a later reopening leaves the year’s card as it was: the fix that passed counts, the −2 goes to the reopening’s year', () => {
    const b = scenario().builder;
    b.on(P3.problemId, 'ProblemReopened', { reason: '回头看发现反弹', reopenCount: 1 }, '2020-02-01T10:00:00+08:00');
    const later = atInstant('2020-02-02T10:00:00+08:00');
    const before = scorecards(factsAsOf(events, at.instant), 2019, at, v0).find((c) => c.unitId === s.units.T1)!;
    const after = scorecards(factsAsOf(b.recorded(), later.instant), 2019, later, v0).find((c) => c.unitId === s.units.T1)!;
    expect(cardDifference(before, after)).toEqual({ scoreDelta: 0, gradeChanged: false, added: [], removed: [], changed: [] });
  });

  it('a later event shows as a difference against the earlier card: a report of December rejected in January', () => {
    const b = scenario().builder;
    b.on(P2.problemId, 'RectificationReported', { evidence: { description: '已整改', files: [] } }, '2019-12-30T10:00:00+08:00');
    const early = atInstant('2020-01-05T10:00:00+08:00');
    const before = scorecards(factsAsOf(b.recorded(), early.instant), 2019, early, v0).find((c) => c.unitId === s.units.T1)!;
    b.on(P2.problemId, 'VerificationRejected', { verifierUnitId: s.units.D2, reasons: '不达标', rejectionCount: 1 }, at.instant);
    const after = scorecards(factsAsOf(b.recorded(), at.instant), 2019, at, v0).find((c) => c.unitId === s.units.T1)!;
    const diff = cardDifference(before, after);
    // Reported 12-30, after its deadline 05-31: −1 × 60% = −0.6; rejected, it was not fixed by 31 December: −3 × 60% = −1.8.
    expect(diff.scoreDelta).toBe(-1.2);
    expect(diff.removed.map((l) => [l.rule, l.ledgerNumber])).toEqual([['finished_late', P2.ledgerNumber]]);
    expect(diff.added.map((l) => [l.rule, l.ledgerNumber])).toEqual([['unfinished_at_year_end', P2.ledgerNumber]]);
    expect(problemFacts.version).toBe(15);
  });
});
