import { describe, expect, it } from 'vitest';
import { buildBulletin, monthEndAt } from '../../projections/bulletin.js';
import { bulletinDifference } from '../../projections/bulletinDifference.js';
import { LogBuilder } from '../support/countyLog.js';
import { factsAsOf } from './fold.js';

/*
 * Five townships, each with a June worked out by hand, to pin the ranking rule (docs/policies.md):
 * fewer overdue first, then the higher on-time closure rate (none after any), then more closed.
 *
 *   A  closed 1, late                      rate 0     overdue 0
 *   B  closed 2: 1 on time, 1 late         rate 0.5   overdue 0
 *   C  closed 1, on time                   rate 1     overdue 0
 *   D  nothing closed                      rate —     overdue 0
 *   E  closed 2 on time, 1 overdue         rate 1     overdue 1
 *   F  closed 1, on time                   rate 1     overdue 0   (ties with C)
 *
 * Expected: C 1, F 1 (tie, by name), B 3, A 4, D 5, E 6.
 */
const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
const b = new LogBuilder();
const county = b.unit(1, '县', 'county', null, at('2019-01-01'));
const units = Object.fromEntries(
  (['A', 'B', 'C', 'D', 'E', 'F'] as const).map((k, i) => [k, b.unit(i + 2, `${k}镇`, 'township', county, at('2019-01-01'))]),
) as Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F', string>;
let n = 0;
/** A problem of the unit due on `deadline`, fixed on `fixed` and closed the day after (or left open). */
function item(unit: string, deadline: string, fixed: string | null) {
  const raised = b.raise(++n, 'county_self_check', 'housing', at('2019-05-02'));
  const { problemId } = raised;
  b.on(
    problemId,
    'ProblemAssigned',
    { responsibleUnitId: unit, responsiblePerson: '负责人', leadingOfficial: null },
    at('2019-05-02', '11:00'),
  );
  b.on(problemId, 'AssignmentAcknowledged', { acknowledgedBy: '负责人' }, at('2019-05-02', '12:00'));
  b.on(problemId, 'DeadlineSet', { deadline }, at('2019-05-02', '13:00'));
  if (fixed === null) return raised;
  b.on(problemId, 'RectificationReported', { evidence: { description: '已整改', files: [] } }, at(fixed));
  b.on(problemId, 'VerificationPassed', { verifierUnitId: units.D, opinion: '通过' }, at(fixed, '11:00'));
  b.on(problemId, 'ProblemClosed', { closedOn: fixed }, at(fixed, '15:00'));
  return raised;
}
item(units.A, '2019-06-10', '2019-06-12');
item(units.B, '2019-06-20', '2019-06-15');
item(units.B, '2019-06-10', '2019-06-12');
item(units.C, '2019-06-20', '2019-06-15');
const itemsOfE = [item(units.E, '2019-06-20', '2019-06-15'), item(units.E, '2019-06-20', '2019-06-16'), item(units.E, '2019-06-10', null)];
item(units.F, '2019-06-20', '2019-06-18');
const events = b.recorded();

function june(log = events) {
  const current = monthEndAt('2019-06');
  const previous = monthEndAt('2019-05');
  return buildBulletin(
    '2019-06',
    { facts: factsAsOf(log, current.instant), at: current },
    { facts: factsAsOf(log, previous.instant), at: previous },
    true,
  );
}

describe('the monthly bulletin’s ranking', () => {
  it('ranks by fewer overdue, then the higher on-time rate (none last), then more closed; equal lines share a rank', async () => {
    const lines = (await june()).units.map((l) => [
      l.name,
      l.rank,
      l.figures.overdue.count,
      l.figures.onTimeClosureRate,
      l.figures.closed.count,
    ]);
    expect(lines).toEqual([
      ['C镇', 1, 0, 1, 1],
      ['F镇', 1, 0, 1, 1],
      ['B镇', 3, 0, 0.5, 2],
      ['A镇', 4, 0, 0, 1],
      ['D镇', 5, 0, null, 0],
      ['E镇', 6, 1, 1, 2],
    ]);
  });

  it('tells a late entry as a difference: a value changed, ledger numbers added', async () => {
    const before = await june();
    const late = new LogBuilder();
    // A problem of D raised and recorded in July but dated (occurred) in June: a late entry.
    const { ledgerNumber } = late.raise(99, 'audit', 'housing', at('2019-06-28'));
    const recorded = late.recorded().map((e, i) => ({ ...e, position: events.length + i }));
    const after = await june([...events, ...recorded]);
    const difference = bulletinDifference(before, after);
    expect(difference).toContainEqual({ path: 'county.figures.raised.count', before: '0', after: '1', added: [], removed: [] });
    expect(difference).toContainEqual({
      path: 'county.figures.raised.ledgerNumbers',
      before: null,
      after: null,
      added: [ledgerNumber],
      removed: [],
    });
    expect(difference.every((d) => d.path.startsWith('county.'))).toBe(true);
    expect(bulletinDifference(before, await june())).toEqual([]);
  });

  it('names each ledger number once in a figure, in order, however many things counted name it', async () => {
    // Given two interviews held with E in June: one about two of its items, one about the second again and a third
    const [first, second, third] = itemsOfE;
    const interviews = new LogBuilder();
    const interview = (k: number, named: { problemId: string; ledgerNumber: string }[], heldOn: string) =>
      interviews.event(
        `interviews-${units.E}`,
        'InterviewHeld',
        {
          interviewId: `00000000-0000-4000-8000-00000000aa0${k}`,
          triggerId: `item_overdue:${named[0]!.problemId}:${heldOn}`,
          rule: 'item_overdue',
          level: 'interview',
          unitId: units.E,
          problemIds: named.map((p) => p.problemId),
          ledgerNumbers: named.map((p) => p.ledgerNumber),
          interviewee: '镇党委书记',
          interviewer: '县委副书记',
          heldOn,
          outcome: '限期整改',
        },
        at(heldOn, '16:00'),
      );
    interview(1, [second!, first!], '2019-06-21');
    interview(2, [third!, second!], '2019-06-25');
    const recorded = interviews.recorded().map((e, i) => ({ ...e, position: events.length + i }));
    // When June's bulletin is made
    const held = (await june([...events, ...recorded])).interviews.held;
    // Then both interviews count, and each of the three ledger numbers is named once, in order
    expect(held.count).toBe(2);
    expect(held.ledgerNumbers).toEqual([first!.ledgerNumber, second!.ledgerNumber, third!.ledgerNumber].sort());
    expect(held.eventIds).toEqual(recorded.map((e) => e.id).sort());
  });
});
