import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/port.js';
import { applicationOnLine, problemFacts } from '../../projections/problemFacts.js';
import { decodeSnapshot, encodeSnapshot } from '../../projections/snapshots.js';

/**
 * A snapshot reads back an object two big maps hold as two copies when they fall in different frames
 * (projections/snapshots.ts). The 容错纠错 applications are found by id and by the deduction they are on, and a decision
 * changes the record: after a restart, the card's line must show the decision the application was given.
 */
const year = 2026;
const at = (position: number) => ({
  id: `e${position}`,
  position,
  revision: 0,
  streamId: `assessment-${year}`,
  metadata: { occurredAt: '2026-11-30T09:00:00+08:00', actor: { userId: 'u', name: '县考核办', unitId: null, role: 'committee' } },
});
const applied = (i: number) =>
  ({
    ...at(i),
    type: 'ExemptionApplied',
    data: { applicationId: `a${i}`, year, unitId: `unit-${i}`, lineId: 'unfinished_at_year_end:x', points: -3, statement: '汛期' },
  }) as unknown as RecordedEvent;
const refused = (i: number, position: number) =>
  ({
    ...at(position),
    type: 'ExemptionRefused',
    data: { applicationId: `a${i}`, year, decidedBy: '县考核委员会', reasons: '不符合' },
  }) as unknown as RecordedEvent;

describe('容错纠错 applications restored from a snapshot', () => {
  it('given thousands of applications in a year, when one is refused after a restart, then the line it is on shows it refused', () => {
    const applications = 20_000;
    const state = problemFacts.initial();
    for (let i = 0; i < applications; i++) problemFacts.apply(state, applied(i));
    const back = decodeSnapshot(
      encodeSnapshot({ name: problemFacts.name, version: problemFacts.version, position: applications - 1, eventId: 'e', state }),
    ).state as typeof state;
    for (const i of [0, applications - 1]) problemFacts.apply(back, refused(i, applications + i));
    for (const i of [0, applications - 1])
      expect(applicationOnLine(back, year, `unit-${i}/unfinished_at_year_end:x`)).toMatchObject({
        applicationId: `a${i}`,
        status: 'refused',
      });
    expect(applicationOnLine(back, year, 'unit-7/unfinished_at_year_end:x')).toMatchObject({ status: 'pending' });
  });
});
