import { LogBuilder } from '../support/countyLog.js';

/**
 * A small county whose every number the tests work out by hand (see the comments in the tests):
 * township T1 with village V1, departments D1 (responsible) and D2 (verifier).
 *
 * P1 GJ housing  T1  raised 03-01, deadline 06-30, reported 06-20, closed 06-25          (on time)
 * P2 SJ roads    T1  raised 04-01, deadline 05-31, never reported; 督办 07-10; 约谈 07-02 (overdue)
 * P3 XZ educ.    V1  raised 05-01, deadline 07-05 → extended 07-01 to 07-31, reported 07-20, closed 07-25
 * P4 AU funds    D1  raised 02-01, deadline 04-30, reported 04-20 ✗ 04-25, 05-10 ✗ 05-15, 08-10 ✓, closed 08-15
 * P5 XZ housing  T1  raised 08-01 as a recurrence of P1, deadline 09-30, reported 10-10 (late), closed 10-15
 */
export function scenario() {
  const b = new LogBuilder();
  const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
  const county = b.unit(1, '霍山县', 'county', null, at('2019-01-01', '08:00'));
  const T1 = b.unit(2, '磨子潭镇', 'township', county, at('2019-01-01', '08:00'));
  const V1 = b.unit(3, '磨子潭镇某村', 'village', T1, at('2019-01-01', '08:00'));
  const D1 = b.unit(4, '县扶贫局', 'department', county, at('2019-01-01', '08:00'));
  const D2 = b.unit(5, '县督查办', 'department', county, at('2019-01-01', '08:00'));
  const units = { county, T1, V1, D1, D2 };

  const assign = (p: string, unit: string, day: string) => {
    b.on(p, 'ProblemAssigned', { responsibleUnitId: unit, responsiblePerson: '负责人', leadingOfficial: null }, at(day, '11:00'));
    b.on(p, 'AssignmentAcknowledged', { acknowledgedBy: '负责人' }, at(day, '12:00'));
  };
  const deadline = (p: string, day: string, deadlineDay: string) => b.on(p, 'DeadlineSet', { deadline: deadlineDay }, at(day, '13:00'));
  const report = (p: string, day: string) => b.on(p, 'RectificationReported', { evidence: { description: '已整改', files: [] } }, at(day));
  const pass = (p: string, day: string) => b.on(p, 'VerificationPassed', { verifierUnitId: D2, opinion: '通过' }, at(day));
  const reject = (p: string, day: string, n: number) =>
    b.on(p, 'VerificationRejected', { verifierUnitId: D2, reasons: '不达标', rejectionCount: n }, at(day));
  const close = (p: string, day: string) => b.on(p, 'ProblemClosed', { closedOn: day }, at(day, '15:00'));
  const ids: Record<string, string> = {};

  // In time order, as the log would hold them.
  const P4 = b.raise(4, 'audit', 'fund_misuse', at('2019-02-01'));
  assign(P4.problemId, D1, '2019-02-01');
  ids.P4deadline = deadline(P4.problemId, '2019-02-02', '2019-04-30');
  const P1 = b.raise(1, 'national_feedback', 'housing', at('2019-03-01'));
  assign(P1.problemId, T1, '2019-03-01');
  ids.P1deadline = deadline(P1.problemId, '2019-03-02', '2019-06-30');
  const P2 = b.raise(2, 'provincial_review', 'roads', at('2019-04-01'));
  assign(P2.problemId, T1, '2019-04-01');
  ids.P2deadline = deadline(P2.problemId, '2019-04-02', '2019-05-31');
  ids.P4report1 = report(P4.problemId, '2019-04-20');
  ids.P4reject1 = reject(P4.problemId, '2019-04-25', 1);
  const P3 = b.raise(3, 'county_self_check', 'education', at('2019-05-01'));
  assign(P3.problemId, V1, '2019-05-01');
  ids.P3deadline = deadline(P3.problemId, '2019-05-02', '2019-07-05');
  ids.P4report2 = report(P4.problemId, '2019-05-10');
  ids.P4reject2 = reject(P4.problemId, '2019-05-15', 2);
  ids.P1report = report(P1.problemId, '2019-06-20');
  pass(P1.problemId, '2019-06-22');
  ids.P1closed = close(P1.problemId, '2019-06-25');
  ids.P3extended = b.on(
    P3.problemId,
    'DeadlineExtended',
    { previousDeadline: '2019-07-05', deadline: '2019-07-31', reason: '汛期施工受阻', extensionCount: 1 },
    at('2019-07-01'),
  );
  const beforeInterview = b.entries.length;
  ids.interview = b.event(
    `interviews-${T1}`,
    'InterviewHeld',
    {
      interviewId: '00000000-0000-4000-8000-00000000aaaa',
      triggerId: `item_overdue:${P2.problemId}:2019-05-31`,
      rule: 'item_overdue',
      level: 'interview',
      unitId: T1,
      problemIds: [P2.problemId],
      ledgerNumbers: [P2.ledgerNumber],
      interviewee: '镇党委书记',
      interviewer: '县委副书记',
      heldOn: '2019-07-02',
      outcome: '限期两周整改到位',
    },
    at('2019-07-02', '16:00'),
  );
  ids.P2supervision = b.on(P2.problemId, 'SupervisionOrdered', { instruction: '限期办结', supervisionCount: 1 }, at('2019-07-10'));
  ids.P3report = report(P3.problemId, '2019-07-20');
  pass(P3.problemId, '2019-07-22');
  ids.P3closed = close(P3.problemId, '2019-07-25');
  const P5 = b.raise(5, 'county_self_check', 'housing', at('2019-08-01'), P1.problemId);
  assign(P5.problemId, T1, '2019-08-01');
  ids.P5deadline = deadline(P5.problemId, '2019-08-02', '2019-09-30');
  ids.P4report3 = report(P4.problemId, '2019-08-10');
  pass(P4.problemId, '2019-08-12');
  ids.P4closed = close(P4.problemId, '2019-08-15');
  ids.P5report = report(P5.problemId, '2019-10-10');
  pass(P5.problemId, '2019-10-12');
  ids.P5closed = close(P5.problemId, '2019-10-15');

  return { builder: b, units, problems: { P1, P2, P3, P4, P5 }, ids, at, beforeInterview };
}
