import { describe, expect, it } from 'vitest';
import { type PolicyDocument, defaultPolicy } from '../../domain/index.js';
import { scorecards } from '../../projections/scorecards/accumulator.js';
import { LogBuilder } from '../support/countyLog.js';
import { atInstant, factsAsOf } from './fold.js';

/**
 * 复发 across units, as the policy says (scoring.recurrenceAcrossUnits). T1 had a housing problem P1 in
 * March; in August T2 reports the same (P2, linked as its recurrence by the office) and T1 again (P3,
 * whose raise of an older log named P1). County self-checks cost 0 points, so the recurrence is the
 * only ordinary line: −3 points × 40% = −1.2 on the card.
 */
function county() {
  const b = new LogBuilder();
  const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
  const top = b.unit(1, '霍山县', 'county', null, at('2019-01-01', '08:00'));
  const T1 = b.unit(2, '磨子潭镇', 'township', top, at('2019-01-01', '08:00'));
  const T2 = b.unit(3, '诸佛庵镇', 'township', top, at('2019-01-01', '08:00'));
  const assign = (p: string, unit: string, day: string) =>
    b.on(p, 'ProblemAssigned', { responsibleUnitId: unit, responsiblePerson: '负责人', leadingOfficial: null }, at(day, '11:00'));
  const P1 = b.raise(1, 'county_self_check', 'housing', at('2019-03-01'));
  assign(P1.problemId, T1, '2019-03-01');
  const P2 = b.raise(2, 'county_self_check', 'housing', at('2019-08-01'));
  assign(P2.problemId, T2, '2019-08-01');
  const linkId = b.on(P2.problemId, 'ProblemLinked', { earlierProblemId: P1.problemId, kind: 'recurrence' }, at('2019-08-02'));
  const P3 = b.raise(3, 'county_self_check', 'housing', at('2019-09-01'), P1.problemId);
  assign(P3.problemId, T1, '2019-09-01');
  return { events: b.recorded(), T1, T2, P1, P2, P3, linkId };
}

const c = county();
const at = atInstant('2019-10-01T10:00:00+08:00');
const policy = (recurrenceAcrossUnits: PolicyDocument['scoring']['recurrenceAcrossUnits']) => ({
  version: 1,
  document: { ...defaultPolicy, scoring: { ...defaultPolicy.scoring, recurrenceAcrossUnits } },
});
const recurrences = (p: ReturnType<typeof policy>, unitId: string) =>
  scorecards(factsAsOf(c.events), 2019, at, p)
    .find((card) => card.unitId === unitId)!
    .lines.filter((l) => l.rule === 'recurrence')
    .map((l) => [l.ledgerNumber, l.points, l.contribution, l.eventIds]);

describe('a recurrence (复发) linked across units, on the scorecards', () => {
  it('costs nothing under the default policy (same_unit_only): only T1’s own recurrence P3 is counted', () => {
    expect(defaultPolicy.scoring.recurrenceAcrossUnits).toBe('same_unit_only');
    expect(recurrences(policy('same_unit_only'), c.T2)).toEqual([]);
    expect(recurrences(policy('same_unit_only'), c.T1)).toEqual([[c.P3.ledgerNumber, -3, -1.2, [c.P3.eventId, c.P1.eventId]]]);
  });

  it('costs the later unit (T2) −3 when the policy counts it, the link being the evidence; the earlier unit pays nothing more', () => {
    expect(recurrences(policy('counted'), c.T2)).toEqual([[c.P2.ledgerNumber, -3, -1.2, [c.linkId, c.P1.eventId]]]);
    expect(recurrences(policy('counted'), c.T1)).toEqual([[c.P3.ledgerNumber, -3, -1.2, [c.P3.eventId, c.P1.eventId]]]);
  });

  it('a stored policy adopted before the field existed keeps the old rule', async () => {
    const { PolicyDocument } = await import('../../domain/index.js');
    const { recurrenceAcrossUnits: _dropped, ...older } = defaultPolicy.scoring;
    expect(PolicyDocument.parse({ ...defaultPolicy, scoring: older }).scoring.recurrenceAcrossUnits).toBe('same_unit_only');
  });
});
