import { describe, expect, it } from 'vitest';
import { PolicyDocument, defaultPolicy } from '../../domain/index.js';
import { interviewTriggers } from '../../projections/interviewTriggers.js';
import { atInstant, factsAsOf } from './fold.js';
import { scenario } from './scenario.js';

const s = scenario();
const events = s.builder.recorded();
const v0 = { version: 0, document: defaultPolicy };
const { P1, P2, P4, P5 } = s.problems;
const brief = (list: ReturnType<typeof interviewTriggers>) =>
  list
    .map((t) => [t.id.split(':')[0], t.ledgerNumbers.join(','), t.ruleLevel, t.level, t.since, t.resolvedBy ? 'resolved' : 'open'])
    .sort();

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
    // 情形 in the county office's words, and in English.
    const long = triggers.find((t) => t.id === `item_long_overdue:${P2.problemId}:2019-05-31`)!;
    expect(long.summary).toEqual({
      zh: `${P2.ledgerNumber} 已逾期 31 天（整改时限 2019-05-31），规则为 30 天。`,
      en: `${P2.ledgerNumber} has been overdue for 31 days (deadline 2019-05-31); the rule says 30.`,
    });
    expect(p4.summary.zh).toBe(`${P4.ledgerNumber} 验收不通过已 2 次。`);
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
    expect(
      interviewTriggers(facts, at, v0, { unitId: s.units.D1 })
        .map((t) => t.rule)
        .sort(),
    ).toEqual(['item_long_overdue', 'item_overdue', 'rejected_repeatedly']);
    expect(interviewTriggers(facts, at, v0, { level: 'supervision' }).map((t) => t.id)).toEqual([
      `item_long_overdue:${P2.problemId}:2019-05-31`,
    ]);
  });

  it('a national-feedback problem assigned to a unit is a 约谈 trigger while it is open', () => {
    const at = atInstant('2019-03-05T12:00:00+08:00');
    const triggers = interviewTriggers(factsAsOf(events, at.instant), at, v0);
    const found = triggers.find((t) => t.rule === 'problem_found')!;
    expect(found.ledgerNumbers).toEqual([P1.ledgerNumber]);
    expect(found.summary).toEqual({
      zh: `${P1.ledgerNumber}（国家反馈问题）于 ${found.since} 交办该单位。`,
      en: `${P1.ledgerNumber} (National feedback) was assigned to the unit on ${found.since}.`,
    });
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
    expect(yearEnd.summary.zh).toBe('2019 年到期的 1 个问题至 2019 年 12 月 31 日未报整改完成。');
  });

  it('a unit with three overdue items at once gets a 督办 trigger from the day the third fell overdue', () => {
    const b = scenario().builder;
    const more = [6, 7].map((n) => b.raise(n, 'municipal_review', 'health', '2019-09-01T10:00:00+08:00'));
    for (const [i, p] of more.entries()) {
      b.on(
        p.problemId,
        'ProblemAssigned',
        { responsibleUnitId: s.units.T1, responsiblePerson: '负责人', leadingOfficial: null },
        '2019-09-01T11:00:00+08:00',
      );
      b.on(p.problemId, 'DeadlineSet', { deadline: `2019-09-1${i}` }, '2019-09-01T12:00:00+08:00');
    }
    const at = atInstant('2019-09-20T12:00:00+08:00');
    const policy = { version: 0, document: { ...defaultPolicy, interviews: { ...defaultPolicy.interviews, escalateAfterDays: 100 } } };
    const many = interviewTriggers(factsAsOf(b.recorded(), at.instant), at, policy, { unitId: s.units.T1 }).find(
      (t) => t.rule === 'unit_many_overdue',
    )!;
    // P2 overdue since 06-01, the new ones since 09-11 and 09-12: three at once from 09-12.
    expect(many.ledgerNumbers).toHaveLength(3);
    expect(many.since).toBe('2019-09-12');
    expect(many.level).toBe('supervision');
    expect(many.summary).toEqual({
      zh: '单位同时有 3 个问题逾期（规则为 3 个）。',
      en: '3 items of the unit are overdue at once; the rule says 3.',
    });
  });
});

describe('督办 and its reply (SupervisionReplied) on the triggers', () => {
  // P2 is long overdue from 06-30 (督办 level; 约谈 from 07-14 unless resolved); the scenario orders supervision on 07-10,
  // an order written before finish-by days were recorded (no finishBy).
  const longOverdue = (list: ReturnType<typeof interviewTriggers>) =>
    list.find((t) => t.id === `item_long_overdue:${P2.problemId}:2019-05-31`)!;
  const withReply = (day: string) => {
    const b = scenario().builder;
    b.on(
      P2.problemId,
      'SupervisionReplied',
      { supervisionCount: 1, reply: '已开工，月底完成', files: [], repliedOn: day },
      `${day}T16:00:00+08:00`,
    );
    return b.recorded();
  };

  it('an order since the trigger began, answered by the unit, resolves a 督办-level trigger; its level stays 督办', () => {
    const at = atInstant('2019-07-20T12:00:00+08:00');
    const facts = factsAsOf(withReply('2019-07-12'), at.instant);
    expect(interviewTriggers(facts, at, v0).map((t) => t.id)).not.toContain(`item_long_overdue:${P2.problemId}:2019-05-31`);
    const t = longOverdue(interviewTriggers(facts, at, v0, { includeResolved: true }));
    expect(t.resolvedBySupervisionOn).toBe('2019-07-12');
    expect(t.resolvedBy).toBeNull();
    expect(t.level).toBe('supervision');
    expect(t.supervisionOrders.map((o) => [o.ledgerNumber, o.supervisionCount, o.day, o.reply?.day])).toEqual([
      [P2.ledgerNumber, 1, '2019-07-10', '2019-07-12'],
    ]);
    expect(t.supervisionOrders[0]!.eventId).toBe(s.ids.P2supervision);
  });

  it('without the reply the order does not resolve it: it escalates to 约谈 and lists the unanswered order', () => {
    const at = atInstant('2019-07-20T12:00:00+08:00');
    const t = longOverdue(interviewTriggers(factsAsOf(events, at.instant), at, v0));
    expect(t.resolvedBySupervisionOn).toBeNull();
    expect(t.level).toBe('interview');
    expect(t.supervisionOrders.map((o) => [o.day, o.reply])).toEqual([['2019-07-10', null]]);
  });

  it('a reply that comes after the trigger reached 约谈 does not resolve it: that needs the interview', () => {
    const at = atInstant('2019-07-25T12:00:00+08:00');
    const t = longOverdue(interviewTriggers(factsAsOf(withReply('2019-07-20'), at.instant), at, v0));
    expect(t.resolvedBySupervisionOn).toBeNull();
    expect(t.level).toBe('interview');
  });

  it('as of a day before the reply, the trigger is still open', () => {
    const at = atInstant('2019-07-11T12:00:00+08:00');
    const t = longOverdue(interviewTriggers(factsAsOf(withReply('2019-07-12'), at.instant), at, v0));
    expect(t.resolvedBySupervisionOn).toBeNull();
  });

  it('supervision_unanswered: an order past its finish-by day without a reply is a 约谈 trigger until the unit replies', () => {
    const b = scenario().builder;
    const order = b.on(
      P2.problemId,
      'SupervisionOrdered',
      { instruction: '限期办结', supervisionCount: 2, finishBy: '2019-07-15', triggerId: null },
      '2019-07-11T10:00:00+08:00',
    );
    const unanswered = (day: string, log = b.recorded()) => {
      const at = atInstant(`${day}T12:00:00+08:00`);
      return interviewTriggers(factsAsOf(log, at.instant), at, v0).filter((t) => t.rule === 'supervision_unanswered');
    };
    // The older order (no finishBy) never counts; this one is due by 07-15, so it fires on 07-16.
    expect(unanswered('2019-07-15')).toEqual([]);
    const [t] = unanswered('2019-07-16');
    expect(t).toMatchObject({
      id: `supervision_unanswered:${P2.problemId}:2`,
      ruleLevel: 'interview',
      level: 'interview',
      since: '2019-07-16',
      ledgerNumbers: [P2.ledgerNumber],
      eventIds: [order],
    });
    // The trigger shows the order it is about (issued before the trigger began), unanswered and overdue.
    expect(t!.supervisionOrders.map((o) => [o.supervisionCount, o.finishBy, o.reply, o.overdue])).toEqual([[2, '2019-07-15', null, true]]);
    expect(t!.summary.zh).toBe(`${P2.ledgerNumber} 第 2 次督办已过办结时限 2019-07-15，尚未回复。`);
    b.on(
      P2.problemId,
      'SupervisionReplied',
      { supervisionCount: 2, reply: '已完成', files: [], repliedOn: '2019-07-17' },
      '2019-07-17T09:00:00+08:00',
    );
    expect(unanswered('2019-07-16', b.recorded())).toHaveLength(1);
    expect(unanswered('2019-07-17', b.recorded())).toEqual([]);
  });

  it('each order on a trigger says whether it is overdue on the day asked about: unanswered past its 办结时限', () => {
    const b = scenario().builder;
    b.on(
      P2.problemId,
      'SupervisionOrdered',
      { instruction: '限期办结', supervisionCount: 2, finishBy: '2019-07-15', triggerId: null },
      '2019-07-11T10:00:00+08:00',
    );
    b.on(
      P2.problemId,
      'SupervisionReplied',
      { supervisionCount: 2, reply: '已完成', files: [], repliedOn: '2019-07-17' },
      '2019-07-17T09:00:00+08:00',
    );
    const orders = (day: string) => {
      const at = atInstant(`${day}T12:00:00+08:00`);
      const t = longOverdue(interviewTriggers(factsAsOf(b.recorded(), at.instant), at, v0, { includeResolved: true }));
      return t.supervisionOrders.map((o) => [o.supervisionCount, o.overdue, o.reply?.day ?? null]);
    };
    // The first order has no finishBy: never overdue. The second is due by 07-15.
    expect(orders('2019-07-15')).toEqual([
      [1, false, null],
      [2, false, null],
    ]);
    expect(orders('2019-07-16')).toEqual([
      [1, false, null],
      [2, true, null],
    ]);
    // The reply answers it and the earlier order still open.
    expect(orders('2019-07-17')).toEqual([
      [1, false, '2019-07-17'],
      [2, false, '2019-07-17'],
    ]);
  });

  it('a policy adopted before the rule existed reads with it switched on at 约谈', () => {
    const { supervision_unanswered: _left, ...older } = defaultPolicy.interviews.rules;
    const parsed = PolicyDocument.parse({ ...defaultPolicy, interviews: { ...defaultPolicy.interviews, rules: older } });
    expect(parsed.interviews.rules.supervision_unanswered).toEqual({ enabled: true, level: 'interview' });
  });
});
