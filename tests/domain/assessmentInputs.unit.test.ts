import { describe, expect, it } from 'vitest';
import { AdoptPolicy, AssessmentYear, Instant, PolicyAdopted, defaultPolicy, instantWithOffsetMs } from '../../domain/index.js';

/** The paths of the issues a schema finds in a value; [] when it accepts it. */
const refusals = (
  schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; code: string; keys?: string[] }[] } } },
  value: unknown,
) => (schema.safeParse(value).error?.issues ?? []).map((i) => [...i.path, ...(i.code === 'unrecognized_keys' ? i.keys! : [])].join('.'));

const adopt = (document: unknown) => ({ type: 'AdoptPolicy', data: { document, reason: '试行' } });
const withGrades = (grades: { good: number; fairlyGood: number; average: number }) => ({
  ...defaultPolicy,
  scoring: { ...defaultPolicy.scoring, grades },
});

describe('adopting a policy (考核办法): the document is checked whole, naming the field', () => {
  it('the default document is adoptable as it is', () => {
    expect(refusals(AdoptPolicy.schema, adopt(defaultPolicy))).toEqual([]);
  });

  it('given grade thresholds that tie, when adopted, then refused on the lower of the two', () => {
    expect(refusals(AdoptPolicy.schema, adopt(withGrades({ good: 90, fairlyGood: 90, average: 80 })))).toEqual([
      'data.document.scoring.grades.fairlyGood',
    ]);
    expect(refusals(AdoptPolicy.schema, adopt(withGrades({ good: 95, fairlyGood: 80, average: 80 })))).toEqual([
      'data.document.scoring.grades.average',
    ]);
    expect(refusals(AdoptPolicy.schema, adopt(withGrades({ good: 95, fairlyGood: 90.5, average: 90 })))).toEqual([]);
  });

  it('given an unknown key at any depth, when adopted, then refused naming it rather than dropped', () => {
    const { scoring, interviews, timing, lights } = defaultPolicy;
    expect(refusals(AdoptPolicy.schema, adopt({ ...defaultPolicy, bonus: 1 }))).toEqual(['data.document.bonus']);
    expect(refusals(AdoptPolicy.schema, adopt({ ...defaultPolicy, lights: { ...lights, blue: true } }))).toEqual([
      'data.document.lights.blue',
    ]);
    expect(refusals(AdoptPolicy.schema, adopt({ ...defaultPolicy, timing: { ...timing, hour: 9 } }))).toEqual([
      'data.document.timing.hour',
    ]);
    expect(
      refusals(AdoptPolicy.schema, adopt({ ...defaultPolicy, scoring: { ...scoring, yearEnd: { ...scoring.yearEnd, sweepAnswered: 1 } } })),
    ).toEqual(['data.document.scoring.yearEnd.sweepAnswered']);
    expect(
      refusals(
        AdoptPolicy.schema,
        adopt({
          ...defaultPolicy,
          interviews: { ...interviews, rules: { ...interviews.rules, recurrence: { ...interviews.rules.recurrence, days: 3 } } },
        }),
      ),
    ).toEqual(['data.document.interviews.rules.recurrence.days']);
  });

  it('a version adopted before the rule, with tied grades, still reads back from the log', () => {
    const stored = {
      type: 'PolicyAdopted',
      data: { version: 1, document: withGrades({ good: 90, fairlyGood: 90, average: 80 }), reason: '旧版' },
    };
    expect(PolicyAdopted.schema.safeParse(stored).success).toBe(true);
  });
});

describe('an instant a caller sends: its offset written out, and real', () => {
  it('reads Z, ±hh:mm and ±hhmm from −12:00 to +14:00', () => {
    expect(instantWithOffsetMs('2025-07-01T00:00:00+08:00')).toBe(Date.UTC(2025, 5, 30, 16));
    expect(instantWithOffsetMs('2025-07-01T00:00:00+0800')).toBe(Date.UTC(2025, 5, 30, 16));
    expect(instantWithOffsetMs('2025-07-01T00:00:00Z')).toBe(Date.UTC(2025, 6, 1));
    expect(instantWithOffsetMs('2025-07-01T00:00:00+14:00')).toBe(Date.UTC(2025, 5, 30, 10));
    expect(instantWithOffsetMs('2025-07-01T00:00:00-12:00')).toBe(Date.UTC(2025, 6, 1, 12));
    expect(instantWithOffsetMs('2025-07-01T00:00:00+05:45')).toBe(Date.UTC(2025, 5, 30, 18, 15));
  });

  it('refuses an offset no clock shows, a missing offset and a day that does not exist', () => {
    for (const s of [
      '2025-07-01T00:00:00+25:00',
      '2025-07-01T00:00:00+14:01',
      '2025-07-01T00:00:00-12:30',
      '2025-07-01T00:00:00+08:60',
      '2025-07-01T00:00:00',
      '2025-07-01',
      '2019-02-30T00:00:00+08:00',
    ])
      expect([s, instantWithOffsetMs(s)]).toEqual([s, null]);
    expect(Instant.safeParse('2025-07-01T00:00:00+25:00').success).toBe(false);
    expect(Instant.safeParse('2025-07-01T00:00:00+08:00').success).toBe(true);
  });
});

describe('an assessment year (考核年度) is 2000 to 2100', () => {
  it('takes the bounds and refuses what lies outside', () => {
    for (const year of [2000, 2019, 2100]) expect(AssessmentYear.safeParse(year).success).toBe(true);
    for (const year of [99999, 2101, 1999, 1899, 0, -1, 2019.5])
      expect([year, AssessmentYear.safeParse(year).success]).toEqual([year, false]);
  });
});
