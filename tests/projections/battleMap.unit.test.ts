import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import { type ProblemSet, battleMap } from '../../projections/battleMap.js';
import { atInstant, factsAsOf } from './fold.js';
import { scenario } from './scenario.js';

const s = scenario();
const events = s.builder.recorded();
const v0 = { version: 0, document: defaultPolicy };
const { P1, P2, P3, P4, P5 } = s.problems;
/** A count's ledger numbers, sorted. */
const ln = (set: ProblemSet) => [...set].sort();

describe('the battle map (挂图作战) as of an instant', () => {
  it('on 2019-07-03 counts four problems: P2 and P4 overdue and red, P3 yellow for its extension, P1 closed on time', () => {
    const at = atInstant('2019-07-03T12:00:00+08:00');
    const map = battleMap(factsAsOf(events, at.instant), at, v0);
    expect(map.day).toBe('2019-07-03');
    expect(map.tally.total.size).toBe(4); // P5 is raised only on 08-01
    expect(ln(map.tally.open)).toEqual([P2.ledgerNumber, P3.ledgerNumber, P4.ledgerNumber].sort());
    // P2: deadline 05-31 passed; P4: deadline 04-30 passed and back in rectification after two rejections.
    expect(ln(map.tally.overdue)).toEqual([P2.ledgerNumber, P4.ledgerNumber].sort());
    expect(ln(map.tally.red)).toEqual([P2.ledgerNumber, P4.ledgerNumber].sort());
    expect(ln(map.tally.yellow)).toEqual([P3.ledgerNumber]);
    expect(ln(map.tally.green)).toEqual([P1.ledgerNumber]);
    expect(map.tally.dueSoon.size).toBe(0); // P3 is now due 07-31, beyond 07-10
    expect(ln(map.closedOnTime)).toEqual([P1.ledgerNumber]); // reported 06-20 ≤ 06-30
    expect(map.onTimeClosureRate).toBe(1);
    expect(ln(map.extended)).toEqual([P3.ledgerNumber]);
    expect(ln(map.rejected)).toEqual([P4.ledgerNumber]);
    expect(map.light).toBe('red');
    const p4 = map.items().find((i) => i.ledgerNumber === P4.ledgerNumber)!;
    expect(p4.reasons).toEqual(['overdue', 'rejected']);
    expect(map.items().find((i) => i.ledgerNumber === P3.ledgerNumber)!.reasons).toEqual(['extended']);
  });

  it('lights each unit: T1 red (P2), V1 yellow (P3), D1 red (P4)', () => {
    const at = atInstant('2019-07-03T12:00:00+08:00');
    const map = battleMap(factsAsOf(events, at.instant), at, v0);
    const light = Object.fromEntries(map.units.map((u) => [u.unitId, [u.light, u.total.size]]));
    expect(light).toEqual({ [s.units.T1]: ['red', 2], [s.units.V1]: ['yellow', 1], [s.units.D1]: ['red', 1] });
  });

  it('counts by source and category with their ledger numbers', () => {
    const at = atInstant('2019-07-03T12:00:00+08:00');
    const map = battleMap(factsAsOf(events, at.instant), at, v0);
    expect(map.bySource.map((s) => [s.source, ln(s.total)])).toEqual([
      ['national_feedback', [P1.ledgerNumber]],
      ['provincial_review', [P2.ledgerNumber]],
      ['county_self_check', [P3.ledgerNumber]],
      ['audit', [P4.ledgerNumber]],
    ]);
    expect(ln(map.byCategory.find((c) => c.category === 'roads')!.overdue)).toEqual([P2.ledgerNumber]);
  });

  it('on 2019-06-28 P3 (due 07-05, not yet extended) is due within 7 days and yellow for it', () => {
    const at = atInstant('2019-06-28T09:00:00+08:00');
    const map = battleMap(factsAsOf(events, at.instant), at, v0);
    expect(ln(map.tally.dueSoon)).toEqual([P3.ledgerNumber]);
    expect(map.items().find((i) => i.ledgerNumber === P3.ledgerNumber)!.reasons).toEqual(['due_soon']);
  });

  it('a deadline is overdue from 00:00 the next county day, whatever the offset the instant is written in', () => {
    // P2's deadline is 2019-05-31: 2019-05-31T23:59+08:00 is 15:59Z, still the deadline day.
    const lastMinute = atInstant('2019-05-31T15:59:00Z');
    const facts = factsAsOf(events, lastMinute.instant);
    expect(ln(battleMap(facts, lastMinute, v0).tally.overdue)).not.toContain(P2.ledgerNumber);
    const midnight = atInstant('2019-05-31T16:00:00Z');
    expect(midnight.day).toBe('2019-06-01');
    expect(ln(battleMap(facts, midnight, v0).tally.overdue)).toContain(P2.ledgerNumber);
  });

  it('for one unit at year end: T1 holds P1, P2 and P5; only P2 is open and overdue', () => {
    const at = atInstant('2019-12-31T12:00:00+08:00');
    const map = battleMap(factsAsOf(events, at.instant), at, v0, s.units.T1);
    expect(ln(map.tally.total)).toEqual([P1.ledgerNumber, P2.ledgerNumber, P5.ledgerNumber].sort());
    expect(ln(map.tally.overdue)).toEqual([P2.ledgerNumber]);
    // P5 was reported 10-10 after its 09-30 deadline: closed, but late.
    expect(ln(map.closedLate)).toEqual([P5.ledgerNumber]);
    expect(map.onTimeClosureRate).toBe(0.5);
  });

  it('follows the policy’s light rules: with extensions not flagged and a 30-day horizon, P3 turns yellow for being due soon', () => {
    const at = atInstant('2019-07-03T12:00:00+08:00');
    const policy = {
      version: 1,
      document: { ...defaultPolicy, lights: { ...defaultPolicy.lights, yellowWhenExtended: false, dueSoonDays: 30 } },
    };
    const map = battleMap(factsAsOf(events, at.instant), at, policy);
    expect(map.items().find((i) => i.ledgerNumber === P3.ledgerNumber)!.reasons).toEqual(['due_soon']); // 07-31 ≤ 08-02
    expect(map.policyVersion).toBe(1);
  });
});

describe('督办 awaiting the unit’s reply on the battle map, as of an instant', () => {
  // P2 (T1) has the scenario's order of 07-10 (no finishBy); a second order on 07-11 is due by 07-15 and answered on 07-17.
  // P3 (V1) gets an order on 07-15 due by 07-18, never answered: its 销号 on 07-25 finishes it.
  const withOrders = () => {
    const b = scenario().builder;
    b.on(
      P2.problemId,
      'SupervisionOrdered',
      { instruction: '限期办结', supervisionCount: 2, finishBy: '2019-07-15', triggerId: null },
      '2019-07-11T10:00:00+08:00',
    );
    b.on(
      P3.problemId,
      'SupervisionOrdered',
      { instruction: '加快验收', supervisionCount: 1, finishBy: '2019-07-18', triggerId: null },
      '2019-07-15T10:00:00+08:00',
    );
    b.on(
      P2.problemId,
      'SupervisionReplied',
      { supervisionCount: 2, reply: '已完成', files: [], repliedOn: '2019-07-17' },
      '2019-07-17T09:00:00+08:00',
    );
    return b;
  };
  // The orders above are appended after the whole scenario: put them where they happened, as the log would hold them.
  const inTimeOrder = (b: ReturnType<typeof withOrders>) =>
    b.recorded().sort((x, y) => Date.parse(x.metadata.occurredAt) - Date.parse(y.metadata.occurredAt));
  const log = inTimeOrder(withOrders());
  const mapOn = (instant: string, unitId: string | null = null) => {
    const at = atInstant(instant);
    return battleMap(factsAsOf(log, at.instant), at, v0, unitId);
  };

  it('counts the orders issued by the instant and not answered by then; past the 办结时限, they count as overdue too', () => {
    const before = mapOn('2019-07-05T12:00:00+08:00');
    expect(ln(before.awaitingSupervisionReply)).toEqual([]);
    const ordered = mapOn('2019-07-12T12:00:00+08:00');
    expect(ln(ordered.awaitingSupervisionReply)).toEqual([P2.ledgerNumber]);
    expect(ln(ordered.supervisionReplyOverdue)).toEqual([]); // due by 07-15
    const overdue = mapOn('2019-07-16T12:00:00+08:00');
    expect(ln(overdue.awaitingSupervisionReply)).toEqual([P2.ledgerNumber, P3.ledgerNumber].sort());
    expect(ln(overdue.supervisionReplyOverdue)).toEqual([P2.ledgerNumber]); // P3's is due by 07-18
  });

  it('after the reply the item no longer awaits one, while the same log as of the day before still shows it overdue', () => {
    const dayBefore = mapOn('2019-07-16T23:00:00+08:00');
    expect(ln(dayBefore.supervisionReplyOverdue)).toEqual([P2.ledgerNumber]);
    const replied = mapOn('2019-07-17T12:00:00+08:00');
    expect(ln(replied.awaitingSupervisionReply)).toEqual([P3.ledgerNumber]);
    expect(ln(replied.supervisionReplyOverdue)).toEqual([]);
    expect(ln(mapOn('2019-07-20T12:00:00+08:00').supervisionReplyOverdue)).toEqual([P3.ledgerNumber]);
    // One unit's map counts its own: V1 holds P3 only.
    expect(ln(mapOn('2019-07-20T12:00:00+08:00', s.units.T1).awaitingSupervisionReply)).toEqual([]);
    expect(ln(mapOn('2019-07-20T12:00:00+08:00', s.units.V1).awaitingSupervisionReply)).toEqual([P3.ledgerNumber]);
  });

  it('销号 finishes the work an open order asked for: nothing is left to answer, even after a reopening', () => {
    expect(ln(mapOn('2019-07-24T12:00:00+08:00').awaitingSupervisionReply)).toEqual([P3.ledgerNumber]);
    expect(ln(mapOn('2019-07-26T12:00:00+08:00').awaitingSupervisionReply)).toEqual([]);
    const b = withOrders();
    b.on(P3.problemId, 'ProblemReopened', { reason: '回头看发现反弹', reopenCount: 1 }, '2019-08-01T10:00:00+08:00');
    const at = atInstant('2019-08-02T12:00:00+08:00');
    const map = battleMap(factsAsOf(inTimeOrder(b), at.instant), at, v0);
    expect(ln(map.tally.open)).toContain(P3.ledgerNumber);
    expect(ln(map.awaitingSupervisionReply)).toEqual([]);
  });
});

describe('回头看 awaiting and overdue on the battle map, as of an instant', () => {
  // Closed: P1 06-25, P3 07-25, P4 08-15, P5 10-15. A policy adopted on 08-01 asks for the 回头看 30 days after 销号
  // (instead of 90): P1 and P3 keep the 90 days of the policy in force at their closing, P4 and P5 take 30.
  // P1: due 09-23; P3: due 10-23; P4: due 09-14; P5: due 11-14. P3's 巩固 is confirmed on 10-20.
  const withRecheck = () => {
    const b = scenario().builder;
    const document = { ...defaultPolicy, timing: { ...defaultPolicy.timing, recheckAfterDays: 30 } };
    b.event('policy', 'PolicyAdopted', { version: 1, document, reason: '回头看提前' }, '2019-08-01T09:00:00+08:00');
    b.on(
      P3.problemId,
      'ConsolidationConfirmed',
      { confirmedOn: '2019-10-20', opinion: '整改成果巩固', checkedByUnitId: s.units.D2 },
      '2019-10-20T10:00:00+08:00',
    );
    return b.recorded().sort((x, y) => Date.parse(x.metadata.occurredAt) - Date.parse(y.metadata.occurredAt));
  };
  const log = withRecheck();
  const mapOn = (instant: string) => {
    const at = atInstant(instant);
    return battleMap(factsAsOf(log, at.instant), at, v0);
  };

  it('each closing is due by the policy in force when it was closed', () => {
    const facts = factsAsOf(log);
    const due = (id: string) => facts.problems.get(id)!.recheckDueOn;
    expect([due(P1.problemId), due(P3.problemId), due(P4.problemId), due(P5.problemId)]).toEqual([
      '2019-09-23',
      '2019-10-23',
      '2019-09-14',
      '2019-11-14',
    ]);
    expect(due(P2.problemId)).toBeNull();
  });

  it('counts the ones past their 回头看 day as of each instant: the day itself is not late, the next is', () => {
    const onDueDay = mapOn('2019-09-14T23:00:00+08:00');
    expect(ln(onDueDay.awaitingRecheck)).toEqual([P1.ledgerNumber, P3.ledgerNumber, P4.ledgerNumber].sort());
    expect(ln(onDueDay.recheckOverdue)).toEqual([]);
    const dayAfter = mapOn('2019-09-15T00:00:00+08:00');
    expect(ln(dayAfter.recheckOverdue)).toEqual([P4.ledgerNumber]);
    const later = mapOn('2019-10-25T12:00:00+08:00');
    // P3 was confirmed (巩固) on 10-20, before its day: it neither awaits nor is late; P5's day (11-14) has not come.
    expect(ln(later.awaitingRecheck)).toEqual([P1.ledgerNumber, P4.ledgerNumber, P5.ledgerNumber].sort());
    expect(ln(later.recheckOverdue)).toEqual([P1.ledgerNumber, P4.ledgerNumber].sort());
    expect(ln(mapOn('2019-11-15T12:00:00+08:00').recheckOverdue)).toEqual([P1.ledgerNumber, P4.ledgerNumber, P5.ledgerNumber].sort());
  });
});
