import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import { interviewTriggers } from '../../projections/interviewTriggers.js';
import { atInstant, factsAsOf } from './fold.js';
import { scenario } from './scenario.js';

const s = scenario();
const events = s.builder.recorded();
const v0 = { version: 0, document: defaultPolicy };
const { P1, P2, P4, P5 } = s.problems;
const brief = (list: ReturnType<typeof interviewTriggers>) =>
  list.map((t) => [t.id.split(':')[0], t.ledgerNumbers.join(','), t.ruleLevel, t.level, t.since, t.resolvedBy ? 'resolved' : 'open']).sort();

describe('interview triggers (约谈) as of an instant', () => {
  it('on 2019-07-01, before any interview: P2 and P4 overdue (escalated), long overdue, P4 rejected twice', () => {
    const at = atInstant('2019-07-01T20:00:00+08:00');
    const triggers = interviewTriggers(factsAsOf(events, at.instant), at, v0);
    // P2: overdue since 06-01 (deadline 05-31); 30 days unresolved → two 14-day steps: 提醒 → 约谈.
    //     long overdue from its 30th overdue day, 06-30; one day later, not escalated.
    // P4: back in rectification on 05-15 (2nd rejection) with deadline 04-30 passed: overdue since 05-15;
    //     47 days → capped at 约谈; long overdue since 06-13 (18 days → one step, 督办 → 约谈);
    //     rejected twice since 05-15 (47 days → 督办 → 约谈).
    expect(brief(triggers)).toEqual(
      [
        ['item_overdue', P2.ledgerNumber, 'reminder', 'interview', '2019-06-01', 'open'],
        ['item_long_overdue', P2.ledgerNumber, 'supervision', 'supervision', '2019-06-30', 'open'],
        ['item_overdue', P4.ledgerNumber, 'reminder', 'interview', '2019-05-15', 'open'],
        ['item_long_overdue', P4.ledgerNumber, 'supervision', 'interview', '2019-06-13', 'open'],
        ['rejected_repeatedly', P4.ledgerNumber, 'supervision', 'interview', '2019-05-15', 'open'],
      ].sort(),
    );
    const p2 = triggers.find((t) => t.id === `item_overdue:${P2.problemId}:2019-05-31`)!;
    expect(p2.unitId).toBe(s.units.T1);
    expect(p2.eventIds).toEqual([s.ids.P2deadline]);
    expect(p2.escalations).toBe(2);
    const p4 = triggers.find((t) => t.rule === 'rejected_repeatedly')!;
    expect(p4.eventIds).toEqual([s.ids.P4reject1, s.ids.P4reject2]);
    expect(p4.unitId).toBe(s.units.D1);
  });

  it('the interview held on 07-02 resolves P2’s overdue trigger and stays visible on it', () => {
    const at = atInstant('2019-07-03T12:00:00+08:00');
    const facts = factsAsOf(events, at.instant);
    const open = interviewTriggers(facts, at, v0);
    expect(open.map((t) => t.id)).not.toContain(`item_overdue:${P2.problemId}:2019-05-31`);
    const all = interviewTriggers(facts, at, v0, { includeResolved: true });
    const resolved = all.find((t) => t.id === `item_overdue:${P2.problemId}:2019-05-31`)!;
    expect(resolved.resolvedBy?.eventId).toBe(s.ids.interview);
    expect(resolved.resolvedBy?.interviewee).toBe('镇党委书记');
    expect(resolved.escalations).toBe(0);
    expect(all).toHaveLength(5);
  });

  it('filters by unit and by level', () => {
    const at = atInstant('2019-07-01T20:00:00+08:00');
    const facts = factsAsOf(events, at.instant);
    expect(interviewTriggers(facts, at, v0, { unitId: s.units.D1 }).map((t) => t.rule).sort()).toEqual(
      ['item_long_overdue', 'item_overdue', 'rejected_repeatedly'],
    );
    expect(interviewTriggers(facts, at, v0, { level: 'supervision' }).map((t) => t.id)).toEqual([`item_long_overdue:${P2.problemId}:2019-05-31`]);
  });

  it('a national-feedback problem assigned to a unit is a 约谈 trigger while it is open', () => {
    const at = atInstant('2019-03-05T12:00:00+08:00');
    const triggers = interviewTriggers(factsAsOf(events, at.instant), at, v0);
    const found = triggers.find((t) => t.rule === 'problem_found')!;
    expect(found.ledgerNumbers).toEqual([P1.ledgerNumber]);
    expect(found.level).toBe('interview');
    expect(found.since).toBe('2019-03-01');
    expect(found.eventIds).toHaveLength(2); // raised and assigned
    const afterClose = atInstant('2019-06-26T12:00:00+08:00');
    expect(interviewTriggers(factsAsOf(events, afterClose.instant), afterClose, v0).some((t) => t.rule === 'problem_found')).toBe(false);
  });

  it('a recurrence of the same category in the same unit is a 约谈 trigger naming both problems', () => {
    const at = atInstant('2019-08-05T12:00:00+08:00');
    const triggers = interviewTriggers(factsAsOf(events, at.instant), at, v0, { unitId: s.units.T1 });
    const recurrence = triggers.find((t) => t.rule === 'recurrence')!;
    expect(recurrence.ledgerNumbers).toEqual([P5.ledgerNumber, P1.ledgerNumber]);
    expect(recurrence.level).toBe('interview');
  });

  it('after year end, a unit with items due that year and not reported fixed by 31 December', () => {
    const at = atInstant('2020-01-10T12:00:00+08:00');
    const triggers = interviewTriggers(factsAsOf(events, at.instant), at, v0, { unitId: s.units.T1 });
    const yearEnd = triggers.find((t) => t.rule === 'year_end_unfinished')!;
    expect(yearEnd.id).toBe(`year_end_unfinished:${s.units.T1}:2019`);
    expect(yearEnd.ledgerNumbers).toEqual([P2.ledgerNumber]); // P1, P5 were reported by year end
    expect(yearEnd.since).toBe('2020-01-01');
  });

  it('a unit with three overdue items at once gets a 督办 trigger from the day the third fell overdue', () => {
    const b = scenario().builder;
    const more = [6, 7].map((n) => b.raise(n, 'municipal_review', 'health', '2019-09-01T10:00:00+08:00'));
    for (const [i, p] of more.entries()) {
      b.on(p.problemId, 'ProblemAssigned', { responsibleUnitId: s.units.T1, responsiblePerson: '负责人', leadingOfficial: null }, '2019-09-01T11:00:00+08:00');
      b.on(p.problemId, 'DeadlineSet', { deadline: `2019-09-1${i}` }, '2019-09-01T12:00:00+08:00');
    }
    const at = atInstant('2019-09-20T12:00:00+08:00');
    const policy = { version: 0, document: { ...defaultPolicy, interviews: { ...defaultPolicy.interviews, escalateAfterDays: 100 } } };
    const many = interviewTriggers(factsAsOf(b.recorded(), at.instant), at, policy, { unitId: s.units.T1 }).find((t) => t.rule === 'unit_many_overdue')!;
    // P2 overdue since 06-01, the new ones since 09-11 and 09-12: three at once from 09-12.
    expect(many.ledgerNumbers).toHaveLength(3);
    expect(many.since).toBe('2019-09-12');
    expect(many.level).toBe('supervision');
  });
});
