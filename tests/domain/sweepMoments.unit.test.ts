import { describe, expect, it } from 'vitest';
import { type Directory, type SweepTimeline, defaultPolicy, notificationsFor, sweepMoments } from '../../domain/index.js';

/**
 * 反馈提醒 of a sweep (举一反三排查): on the default reminder days (7, 3 and 1 days before the answer-by
 * day, at 09:00 county time), each asked unit that has not answered by then, while the sweep is open.
 */
const A = '0000000a-0000-4000-8000-00000000000a';
const B = '0000000a-0000-4000-8000-00000000000b';
const SWEEP = '0000000c-0000-4000-8000-000000000001';
const ms = (instant: string) => Date.parse(instant);
const versions = [{ fromMs: Number.NEGATIVE_INFINITY, timing: defaultPolicy.timing }];
const sweep: SweepTimeline = {
  sweepId: SWEEP,
  unitIds: [A, B],
  answerBy: '2019-07-10',
  // Ordered on 1 July at 10:00: the 7-day reminder (3 July 09:00) is after it.
  orderedMs: ms('2019-07-01T10:00:00+08:00'),
  // B answers on 5 July: reminded on the 3rd, not on the 7th or the 9th.
  answeredMs: new Map([[B, ms('2019-07-05T12:00:00+08:00')]]),
  closedMs: null,
};
const moments = (s: SweepTimeline, from: string, to: string) =>
  sweepMoments(s, versions, ms(from), ms(to)).map((e) => {
    if (e.type !== 'SweepAnswerDue') throw new Error(`unexpected ${e.type}`);
    return [e.data.unitId === A ? 'A' : 'B', e.data.daysBefore, e.data.dueAt];
  });

describe('sweep reminders (反馈提醒)', () => {
  it('remind each unit not answered yet, 7, 3 and 1 days before, at the policy’s hour', () => {
    expect(moments(sweep, '2019-07-01T00:00:00+08:00', '2019-07-12T00:00:00+08:00')).toEqual([
      ['A', 7, '2019-07-03T09:00:00.000+08:00'],
      ['B', 7, '2019-07-03T09:00:00.000+08:00'],
      ['A', 3, '2019-07-07T09:00:00.000+08:00'],
      ['A', 1, '2019-07-09T09:00:00.000+08:00'],
    ]);
  });

  it('a pass catching up writes what passes run throughout wrote: the interval is (from, to]', () => {
    const whole = moments(sweep, '2019-07-01T00:00:00+08:00', '2019-07-12T00:00:00+08:00');
    const split = [
      ...moments(sweep, '2019-07-01T00:00:00+08:00', '2019-07-07T09:00:00+08:00'),
      ...moments(sweep, '2019-07-07T09:00:00+08:00', '2019-07-12T00:00:00+08:00'),
    ];
    expect(split).toEqual(whole);
  });

  it('none before the sweep was ordered, none once it was closed', () => {
    const late = { ...sweep, orderedMs: ms('2019-07-07T10:00:00+08:00') };
    expect(moments(late, '2019-07-01T00:00:00+08:00', '2019-07-12T00:00:00+08:00')).toEqual([['A', 1, '2019-07-09T09:00:00.000+08:00']]);
    const closed = { ...sweep, closedMs: ms('2019-07-08T17:00:00+08:00') };
    expect(moments(closed, '2019-07-01T00:00:00+08:00', '2019-07-12T00:00:00+08:00').map(([, days]) => days)).toEqual([7, 7, 3]);
  });

  it('tell the unit heads of each asked unit: of the order, and of the day coming', () => {
    const directory: Directory = {
      users: [
        { userId: 'head-a', roles: ['unit_head'], unitId: A, active: true },
        { userId: 'head-b', roles: ['unit_head'], unitId: B, active: true },
        { userId: 'office', roles: ['office'], unitId: null, active: true },
      ],
      unitOfProblem: () => null,
      ledgerNumberOf: (id) => id,
      unitName: () => '镇',
    };
    const ordered = notificationsFor(
      {
        id: 'e1',
        type: 'SweepOrdered',
        data: { sweepId: SWEEP, originLedgerNumber: 'GJ-2019-001', unitIds: [A, B], answerBy: '2019-07-10', instruction: '逐户排查' },
      },
      directory,
    );
    expect(ordered.map((n) => [n.recipientUserId, n.kind, n.subject])).toEqual([
      ['head-a', 'sweep_ordered', '【举一反三排查】GJ-2019-001'],
      ['head-b', 'sweep_ordered', '【举一反三排查】GJ-2019-001'],
    ]);
    expect(ordered[0]!.body).toBe(
      '县督查办由问题 GJ-2019-001 发起举一反三排查，请对照排查本单位是否存在同类问题，于 2019-07-10 前反馈（发现同类问题或未发现）。\n要求：逐户排查',
    );
    const [due] = sweepMoments(sweep, versions, ms('2019-07-09T00:00:00+08:00'), ms('2019-07-10T00:00:00+08:00'));
    const reminded = notificationsFor({ id: 'e2', type: due!.type, data: due!.data }, directory);
    expect(reminded.map((n) => [n.recipientUserId, n.kind, n.unitId])).toEqual([['head-a', 'sweep_answer_due', A]]);
    expect(reminded[0]!.body).toBe('本单位尚未反馈的举一反三排查应于 2019-07-10 前反馈，还有 1 天。');
  });
});
