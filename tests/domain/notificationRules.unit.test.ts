import { describe, expect, it } from 'vitest';
import { type Directory, notificationsFor } from '../../domain/index.js';
import { PROBLEM, TOWNSHIP } from '../support/problemFixtures.js';

/** What the rules tell whom, read as the people told read it. */
const directory: Directory = {
  users: [
    { userId: 'head', roles: ['unit_head'], unitId: TOWNSHIP, active: true },
    { userId: 'office', roles: ['office'], unitId: null, active: true },
  ],
  unitOfProblem: () => TOWNSHIP,
  ledgerNumberOf: () => 'GJ-2019-007',
  unitName: () => '衡山镇',
};

describe('notification rules', () => {
  it('督办 tells the unit’s heads the 办结时限 and the instruction', () => {
    const [told, ...more] = notificationsFor(
      {
        id: 'e1',
        type: 'SupervisionOrdered',
        data: { problemId: PROBLEM, instruction: '责成五日内办结', supervisionCount: 2, finishBy: '2019-03-10', triggerId: null },
      },
      directory,
    );
    expect(more).toEqual([]);
    expect(told).toMatchObject({ recipientUserId: 'head', kind: 'supervision_ordered', subject: '【督办】GJ-2019-007' });
    expect(told!.body).toBe('督查办对问题 GJ-2019-007 发出督办（第 2 次），请于 2019-03-10 前办结并回复。\n要求：责成五日内办结');
  });

  it('an order written before 办结时限 was recorded keeps asking to finish in time', () => {
    const [told] = notificationsFor(
      {
        id: 'e1',
        type: 'SupervisionOrdered',
        data: { problemId: PROBLEM, instruction: '月底前办结', supervisionCount: 1, finishBy: null },
      },
      directory,
    );
    expect(told!.body).toBe('督查办对问题 GJ-2019-007 发出督办（第 1 次），请按时办结并回复。\n要求：月底前办结');
  });

  it('督办回复 tells the office which unit replied, when, and what', () => {
    const file = { name: '照片.png', sha256: 'a'.repeat(64), size: 10, contentType: 'image/png' };
    const told = notificationsFor(
      {
        id: 'e2',
        type: 'SupervisionReplied',
        data: { problemId: PROBLEM, supervisionCount: 2, reply: '已拨付到位', files: [file], repliedOn: '2019-03-08' },
      },
      directory,
    );
    expect(told).toEqual([
      {
        recipientUserId: 'office',
        kind: 'supervision_replied',
        subject: '【督办回复】GJ-2019-007',
        body: '衡山镇 已于 2019-03-08 回复问题 GJ-2019-007 的督办（第 2 次，附件 1 个）。\n回复：已拨付到位',
        problemId: PROBLEM,
        unitId: TOWNSHIP,
      },
    ]);
  });

  it('批示 tells the unit’s heads, and its answer (回复) the office, with the text and the count of files', () => {
    const comment = (kind: 'instruction' | 'answer', text: string, files: unknown[]) => ({
      id: 'e3',
      type: 'CommentPosted',
      data: { problemId: PROBLEM, commentNumber: 1, kind, text, files, replyTo: null, postedByUnitId: kind === 'answer' ? TOWNSHIP : null },
    });
    expect(notificationsFor(comment('instruction', '请三日内上报凭证', []), directory)).toEqual([
      {
        recipientUserId: 'head',
        kind: 'comment_posted',
        subject: '【批示】GJ-2019-007',
        body: '督查办对问题 GJ-2019-007 作出批示，请阅办并回复。\n批示：请三日内上报凭证',
        problemId: PROBLEM,
        unitId: TOWNSHIP,
      },
    ]);
    const file = { name: '凭证.pdf', sha256: 'a'.repeat(64), size: 10 };
    expect(notificationsFor(comment('answer', '已上报', [file, file]), directory)).toEqual([
      {
        recipientUserId: 'office',
        kind: 'comment_posted',
        subject: '【批示回复】GJ-2019-007',
        body: '衡山镇 已回复问题 GJ-2019-007 的批示（附件 2 个）。\n回复：已上报',
        problemId: PROBLEM,
        unitId: TOWNSHIP,
      },
    ]);
  });
});
