import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import { interviewTriggers } from '../../projections/interviewTriggers.js';
import { scorecards } from '../../projections/scorecards/accumulator.js';
import { atInstant, factsAsOf } from './fold.js';
import { scenario } from './scenario.js';

/**
 * The scenario's T1 card is 95.0 (好) on 15 January 2020 (scorecards.unit.test.ts works it out by
 * hand): 平时 90.5, 集中考核 98. Here the committee adds further assessment items (考核事项) and T1
 * applies for 容错纠错 on its P2 year-end deduction (−3, −1.8 after weighting).
 */
const v0 = { version: 0, document: defaultPolicy };
const at = atInstant('2020-01-15T10:00:00+08:00');
const A1 = '00000000-0000-4000-8000-0000000000a1';
const cents = (n: number) => Math.round(n * 1000);

function setUp() {
  const s = scenario();
  const b = s.builder;
  const T1 = s.units.T1;
  const item = (kind: string, points: number, title: string, on: string, year = 2019) =>
    b.event(
      `assessment-${year}`,
      'AssessmentItemRecorded',
      {
        itemId: `00000000-0000-4000-8000-${String(b.entries.length).padStart(12, '0')}`,
        year,
        unitId: T1,
        kind,
        points,
        title,
        evidence: '核查记录',
        files: [],
      },
      on,
    );
  const line = `unfinished_at_year_end:${s.ids.P2deadline}`;
  const deduction = {
    year: 2019,
    unitId: T1,
    lineId: line,
    rule: 'unfinished_at_year_end',
    problemId: s.problems.P2.problemId,
    eventIds: [s.ids.P2deadline],
    points: -3,
  };
  const apply = (on: string) =>
    b.event(
      'assessment-2019',
      'ExemptionApplied',
      {
        applicationId: A1,
        ...deduction,
        applicantUnitId: T1,
        distinction: 'unintentional_for_development',
        statement: '汛期道路中断',
        files: [],
        appliedOn: on.slice(0, 10),
        reviewBy: '2020-01-14',
        reviewDays: 10,
        reviewDayKind: 'working',
      },
      on,
    );
  const card = (asOf = at, policy = v0, log = b.recorded()) =>
    scorecards(factsAsOf(log, asOf.instant), 2019, asOf, policy).find((c) => c.unitId === T1)!;
  return { s, b, T1, item, line, deduction, apply, card };
}

describe('further assessment items (考核事项) on the card', () => {
  it('weighs each item in the part the policy gives its kind: a task’s completion at year end, an inspection in ordinary time', () => {
    const { item, card } = setUp();
    item('task_completion', -2.5, '易地扶贫搬迁任务未按期完成', '2020-01-05T10:00:00+08:00');
    item('inspection_result', 2, '省督查组检查结果优秀', '2019-11-05T10:00:00+08:00');
    const t1 = card();
    // 平时 90.5 + 2 = 92.5; 集中考核 98 − 2.5 = 95.5; 0.4 × 92.5 + 0.6 × 95.5 = 37 + 57.3 = 94.3: 较好.
    expect([t1.ordinaryScore, t1.yearEndScore, t1.score, t1.grade]).toEqual([92.5, 95.5, 94.3, 'fairly_good']);
    const items = t1.lines.filter((l) => l.item !== null).map((l) => [l.rule, l.part, l.points, l.contribution, l.item?.recordedBy]);
    expect(items).toEqual([
      ['task_completion', 'year_end', -2.5, -1.5, '县督查办'],
      ['inspection_result', 'ordinary', 2, 0.8, '县督查办'],
    ]);
    expect(t1.lines.reduce((sum, l) => sum + cents(l.contribution), 0)).toBe(cents(94.3));
    expect(t1.lines.find((l) => l.rule === 'task_completion')!.explanation).toContain('易地扶贫搬迁任务未按期完成');
  });

  it('follows the policy: with task completion counted in ordinary time, the same item weighs 40%', () => {
    const { item, card } = setUp();
    item('task_completion', -2.5, '易地扶贫搬迁任务未按期完成', '2020-01-05T10:00:00+08:00');
    const items = { ...defaultPolicy.scoring.items, task_completion: { part: 'ordinary' as const, maxPoints: 10 } };
    const policy = { version: 1, document: { ...defaultPolicy, scoring: { ...defaultPolicy.scoring, items } } };
    // 平时 90.5 − 2.5 = 88; 0.4 × 88 + 0.6 × 98 = 35.2 + 58.8 = 94.0.
    expect(card(at, policy).score).toBe(94);
  });

  it('lets the whole year bring a unit to 较差 and its veto', () => {
    const { item, card } = setUp();
    item('task_completion', -10, '产业扶贫项目未完成', '2019-12-20T10:00:00+08:00');
    item('task_completion', -10, '危房改造任务未完成', '2019-12-21T10:00:00+08:00');
    item('inspection_result', -5, '市督查发现台账不实', '2019-10-01T10:00:00+08:00');
    item('inspection_result', -5, '省检查发现资金滞留', '2019-11-01T10:00:00+08:00');
    // 95 − 0.6 × 20 − 0.4 × 10 = 95 − 12 − 4 = 79 < 80.
    const t1 = card();
    expect([t1.score, t1.grade, t1.veto]).toEqual([79, 'poor', true]);
  });

  it('an item of another year stays off this year’s card', () => {
    const { item, card } = setUp();
    item('task_completion', -2.5, '2020年任务', '2020-01-05T10:00:00+08:00', 2020);
    expect(card().score).toBe(95);
  });
});

describe('容错纠错 applications beside the line', () => {
  it('shows a pending application on its deduction, which still counts', () => {
    const { apply, card, line } = setUp();
    apply('2020-01-06T10:00:00+08:00');
    const l = card().lines.find((x) => x.id === line)!;
    expect([l.application?.status, l.application?.distinction, l.contribution]).toEqual(['pending', 'unintentional_for_development', -1.8]);
    expect(card().score).toBe(95);
    expect(card(atInstant('2020-01-05T10:00:00+08:00')).lines.find((x) => x.id === line)!.application).toBeNull();
  });

  it('a refusal keeps the deduction and shows the reasons', () => {
    const { b, apply, card, line, T1 } = setUp();
    apply('2020-01-06T10:00:00+08:00');
    b.event(
      'assessment-2019',
      'ExemptionRefused',
      { applicationId: A1, year: 2019, unitId: T1, lineId: line, reasons: '理由不成立', decidedBy: '县考核委员会' },
      '2020-01-08T10:00:00+08:00',
    );
    const l = card().lines.find((x) => x.id === line)!;
    expect([l.application?.status, l.application?.decision?.reasons, l.contribution]).toEqual(['refused', '理由不成立', -1.8]);
  });

  it('an approval removes exactly the deduction (95.0 + 1.8) and marks the application approved', () => {
    const { b, apply, card, line, deduction } = setUp();
    apply('2020-01-06T10:00:00+08:00');
    b.event(
      'assessment-2019',
      'ExemptionGranted',
      {
        exemptionId: '00000000-0000-4000-8000-0000000000e1',
        ...deduction,
        reason: '属实',
        approvedBy: '县考核委员会',
        applicationId: A1,
        resolvesTriggerId: null,
        resolvesProblemIds: [],
      },
      '2020-01-08T10:00:00+08:00',
    );
    const t1 = card();
    const l = t1.lines.find((x) => x.id === line)!;
    expect([t1.score, l.contribution, l.application?.status, l.exemption?.reason]).toEqual([96.8, 0, 'approved', '属实']);
  });
});

describe('an approved exemption resolves the interview trigger the committee names', () => {
  it('the trigger about the deduction’s problem is resolved from the approval on', () => {
    const { s, b, deduction } = setUp();
    const open = interviewTriggers(factsAsOf(b.recorded(), at.instant), at, v0, { unitId: s.units.T1 });
    const trigger = open.find((t) => t.rule === 'year_end_unfinished')!;
    expect(trigger.problemIds).toEqual([s.problems.P2.problemId]);
    b.event(
      'assessment-2019',
      'ExemptionGranted',
      {
        exemptionId: '00000000-0000-4000-8000-0000000000e1',
        ...deduction,
        reason: '属实',
        approvedBy: '县考核委员会',
        applicationId: A1,
        resolvesTriggerId: trigger.id,
        resolvesProblemIds: trigger.problemIds,
      },
      '2020-01-15T09:00:00+08:00',
    );
    const facts = factsAsOf(b.recorded(), at.instant);
    expect(interviewTriggers(facts, at, v0, { unitId: s.units.T1 }).map((t) => t.id)).not.toContain(trigger.id);
    const resolved = interviewTriggers(facts, at, v0, { unitId: s.units.T1, includeResolved: true }).find((t) => t.id === trigger.id)!;
    expect(resolved.resolvedByExemption?.reason).toBe('属实');
    const before = atInstant('2020-01-15T08:00:00+08:00');
    expect(interviewTriggers(facts, before, v0, { unitId: s.units.T1 }).map((t) => t.id)).toContain(trigger.id);
  });
});
