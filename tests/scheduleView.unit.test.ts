import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../eventstore/port.js';
import type { TimelineChange } from '../domain/index.js';
import { WRITTEN_KEPT_MS, pack, scheduleView, timelineOf, timelinesOf, unpack } from '../projections/scheduleView.js';
import { generateCounty } from './support/countyLog.js';

const DAY_MS = 86_400_000;
const start = Date.parse('2019-07-01T09:00:00+08:00');
let position = 0;

/** The daily digest of the day `n` days after 2019-07-01, as the scheduler writes it. */
const digest = (n: number): RecordedEvent => {
  const dueAt = new Date(start + n * DAY_MS).toISOString();
  return {
    id: `digest-${n}`,
    type: 'DailyOverdueDigestDue',
    data: { day: dueAt.slice(0, 10), dueAt },
    metadata: {
      actor: { userId: 'scheduler', name: '台账 scheduler', unitId: null, role: 'system' },
      commandId: `c-${n}`,
      correlationId: `c-${n}`,
      causationId: `c-${n}`,
      occurredAt: dueAt,
      schemaVersion: 1,
    },
    streamId: 'schedule-county',
    revision: position,
    position: position++,
  };
};

describe('the schedule view', () => {
  it('keeps the ids of schedule events due within the catch-up window of the latest, and the latest due instant', () => {
    const state = scheduleView.initial();
    for (let n = 0; n < 60; n++) scheduleView.apply(state, digest(n));
    // Recorded late, and older than the window: not kept either.
    scheduleView.apply(state, digest(-5));

    const kept = [...state.written].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
    const oldest = 59 - WRITTEN_KEPT_MS / DAY_MS;
    expect(kept).toEqual(Array.from({ length: 60 - oldest }, (_, i) => `digest-${oldest + i}`));
    expect([...state.writtenByDue.values()].flat().sort()).toEqual([...state.written].sort());
    expect(state.lastDueMs).toBe(start + 59 * DAY_MS);
  });
});

describe('the schedule view’s timelines (issue 12: closed problems’ changes packed)', () => {
  const county = generateCounty({ problems: 200 });
  const events = county.entries.map(({ streamId, event }, position) => ({ ...event, streamId, revision: 0, position })) as RecordedEvent[];
  /** The change each event of the generated log makes, written out here from the events themselves. */
  const expectedChange = (e: RecordedEvent): TimelineChange | null => {
    const d = e.data as Record<string, unknown>;
    const ms = Date.parse(e.metadata.occurredAt);
    if (e.type === 'ProblemAssigned') return { ms, kind: 'assigned', unitId: d.responsibleUnitId as string };
    if (e.type === 'DeadlineSet' || e.type === 'DeadlineExtended') return { ms, kind: 'deadline', deadline: d.deadline as string };
    if (e.type === 'RectificationReported' || e.type === 'VerificationPassed') return { ms, kind: 'reported' };
    if (e.type === 'VerificationRejected' || e.type === 'ProblemReopened') return { ms, kind: 'open' };
    if (e.type === 'ProblemClosed') return { ms, kind: 'closed', closedOn: d.closedOn as string };
    if (e.type === 'SupervisionOrdered')
      return { ms, kind: 'supervision', count: d.supervisionCount as number, finishBy: (d.finishBy as string | undefined) ?? null };
    return null;
  };

  it('reads every problem’s changes in the order they took effect, packed or not', () => {
    const state = scheduleView.initial();
    const expected = new Map<string, TimelineChange[]>();
    for (const e of events) {
      scheduleView.apply(state, e);
      const problemId = (e.data as { problemId?: string }).problemId;
      if (!problemId) continue;
      if (e.type === 'ProblemRaised') expected.set(problemId, []);
      const change = expectedChange(e);
      if (change) expected.get(problemId)!.push(change);
    }
    for (const changes of expected.values()) changes.sort((a, b) => a.ms - b.ms);
    const kept = [...state.timelines.values()];
    const packed = kept.filter((t) => typeof t.changes === 'string').length;
    // Most of a two-year county is closed; the open ones stay as they are.
    expect(packed).toBeGreaterThan(kept.length / 2);
    expect(packed).toBeLessThan(kept.length);
    expect(new Map([...timelinesOf(state)].map((t) => [t.problemId, t.changes]))).toEqual(expected);
    // Reopened after closing: unpacked, the change put in its place, and kept open (not packed).
    const closed = kept.find((t) => typeof t.changes === 'string')!;
    const reopenedAt = Date.parse('2021-06-01T02:00:00Z');
    const reopen = {
      ...events.find((e) => e.type === 'ProblemReopened')!,
      data: { problemId: closed.problemId },
      metadata: { ...events[0]!.metadata, occurredAt: new Date(reopenedAt).toISOString() },
    };
    scheduleView.apply(state, reopen as RecordedEvent);
    expect(Array.isArray(closed.changes)).toBe(true);
    expect(timelineOf(state, closed).changes).toEqual([...expected.get(closed.problemId)!, { ms: reopenedAt, kind: 'open' }]);
  });

  it('packs and unpacks every kind of change, and leaves a timeline it cannot pack as it is', () => {
    const changes: TimelineChange[] = [
      { ms: 1_561_939_200_000, kind: 'assigned', unitId: 'u-1' },
      { ms: 1_561_939_200_001, kind: 'deadline', deadline: '2019-07-31' },
      { ms: 1_562_000_000_000, kind: 'supervision', count: 1, finishBy: null },
      { ms: 1_562_000_000_001, kind: 'supervision', count: 70_000, finishBy: '2019-08-09' },
      { ms: 1_562_100_000_000, kind: 'reply', count: 70_000 },
      { ms: 1_562_200_000_000, kind: 'open' },
      { ms: 1_562_300_000_000, kind: 'reported' },
      { ms: 1_562_400_000_000, kind: 'closed', closedOn: '2019-07-06' },
      { ms: 1_572_400_000_000, kind: 'consolidated' },
      { ms: 1_572_400_000_001, kind: 'assigned', unitId: 'u-2' },
    ];
    const units: string[] = [];
    const packed = pack(changes, units)!;
    expect(packed.length).toBeLessThan(60);
    expect(unpack(packed, units)).toEqual(changes);
    expect(units).toEqual(['u-1', 'u-2']);
    expect(pack([{ ms: -1, kind: 'open' }], units)).toBeNull();
    expect(pack([{ ms: 0, kind: 'deadline', deadline: '31/07/2019' }], units)).toBeNull();
  });
});
