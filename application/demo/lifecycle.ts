import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Actor, ProblemCategory, ProblemCommand, ProblemSource, ProblemStatus } from '../../domain/index.js';
import type { RaiseInput } from '../ledger.js';
import { type SimDay, type SimInstant, Timeline, isoDay, simDay } from './clock.js';
import type { DemoUnit } from './county.js';
import type { Random } from './random.js';
import {
  afterRejection,
  chineseDate,
  epidemicExtensionReason,
  reopenedFixed,
  extensionReasons,
  fill,
  passOpinions,
  progressSteps,
  rejectionReasons,
  reopenExtensionReason,
  reopenReasons,
  supervisionInstructions,
} from './texts.js';

/** The last day of the demo's history: nothing happens, and no deadline falls, after it. */
export const DEMO_END: SimDay = simDay('2020-12-31');

export type FinalStatus = Exclude<ProblemStatus, 'not_raised'>;

/** What a problem's history should come to, decided before its dates are drawn. */
export type Scenario = {
  status: FinalStatus;
  /** Assigned or rectifying: the deadline passes with nothing reported (逾期). */
  overdue: boolean;
  /** 验收不通过 before the final state (for a rectifying problem, the last one is final). */
  rejections: number;
  /** 延期 once, with a reason. */
  extended: boolean;
  /** 督办 orders after the deadline passed. */
  supervisions: number;
  /** Closed, then reopened when 巩固 failed (and closed again, unless it ends rectifying). */
  reopened: boolean;
  /** False only for a freshly assigned problem whose deadline is not set yet. */
  deadlineSet: boolean;
};

/** Everything about one problem but its dates; `{year}` in the description becomes the raise year. */
export type ProblemSketch = {
  problemId: string;
  scenario: Scenario;
  source: ProblemSource;
  category: ProblemCategory;
  description: string;
  /** For a hotline problem: the report's number of the day (its id is 12317-YYYYMMDD-NNN). */
  hotlineSerial: number | null;
  recurrenceOf: string | null;
  /** 来源文件 and 原编号: a national-feedback item is raised as an item of the demo's feedback document. */
  sourceItem: { sourceDocumentId: string; originalNumber: string } | null;
  responsible: DemoUnit;
  /** The village the problem is in (named in its description). */
  village: DemoUnit;
  verifier: DemoUnit;
  /** The office staff member who handles it. */
  office: Actor;
  leadingOfficial: string | null;
  measures: string;
  done: string;
  /** Fixed by building something: its delays have construction reasons. */
  works: boolean;
  files: readonly string[];
};

type ProblemCommandInput = z.input<typeof ProblemCommand>;

export type PlannedCommand = { at: SimInstant; actor: Actor } & (
  | { kind: 'raise'; input: RaiseInput }
  | { kind: 'problem'; input: ProblemCommandInput }
);

export type Lifecycle = {
  commands: PlannedCommand[];
  /** The latest day the plan needs: its last command, or the day after an overdue deadline. */
  lastDay: SimDay;
  /** The day it was (first) closed, if it was. */
  closedDay: SimDay | null;
};

const DEADLINE_DAYS = [7, 15, 30, 30, 45, 60, 60, 90];

/**
 * Lays out one problem's commands from its raise day, in order, each at a working moment strictly
 * after the one before. The caller checks `lastDay` against DEMO_END and retries earlier if needed.
 */
export function planLifecycle(random: Random, sketch: ProblemSketch, raiseDay: SimDay): Lifecycle {
  const { scenario: s, problemId, office } = sketch;
  const head = sketch.responsible.head;
  const verifier = sketch.verifier.verifier;
  const t = new Timeline(random, raiseDay);
  const commands: PlannedCommand[] = [];
  let closedDay: SimDay | null = null;
  const problem = (at: SimInstant, actor: Actor, input: ProblemCommandInput) => commands.push({ at, actor, kind: 'problem', input });
  const result = (extraDay: SimDay = 0): Lifecycle => ({ commands, lastDay: Math.max(t.today, extraDay), closedDay });

  commands.push({
    at: t.now,
    actor: office,
    kind: 'raise',
    input: {
      source: sketch.source,
      category: sketch.category,
      description: sketch.description.replaceAll('{year}', isoDay(t.today).slice(0, 4)),
      recurrenceOf: sketch.recurrenceOf,
      sourceDocumentId: sketch.sourceItem?.sourceDocumentId ?? null,
      originalNumber: sketch.sourceItem?.originalNumber ?? null,
      hotlineReportId:
        sketch.hotlineSerial === null
          ? null
          : `12317-${isoDay(t.today).replaceAll('-', '')}-${String(sketch.hotlineSerial).padStart(3, '0')}`,
    },
  });
  const raisedOn = t.today;
  if (s.status === 'raised') return result();

  problem(t.after(random.int(0, 3)), office, {
    type: 'AssignProblem',
    data: {
      problemId,
      responsibleUnitId: sketch.responsible.unitId,
      responsiblePerson: head.name,
      leadingOfficial: sketch.leadingOfficial,
    },
  });
  if (!s.deadlineSet) return result();

  // 整改时限: a rectifying problem that is not overdue is due by the year's end (年底前); the rest
  // get a number of days from the raise, within the demo's history.
  const dueAtYearEnd = s.status === 'rectifying' && !s.overdue && !s.reopened && s.rejections === 0;
  let deadline = Math.min(raisedOn + random.pick(DEADLINE_DAYS), DEMO_END);
  if (dueAtYearEnd && !(s.extended && deadline < DEMO_END)) deadline = DEMO_END; // else extended to it below
  problem(t.after(0), office, { type: 'SetDeadline', data: { problemId, deadline: isoDay(deadline) } });

  const supervise = (count: number) => {
    for (let k = 0; k < count; k++) {
      const at = t.on(Math.max(t.today, deadline) + (k === 0 ? random.int(2, 10) : random.int(15, 40)));
      // 办结时限: the date the instruction names, and never before the order's day.
      const finishBy = isoDay(Math.max(at.day, Math.min(at.day + 15, DEMO_END)));
      const instruction = fill(random.pick(supervisionInstructions), { unit: sketch.responsible.name, date: chineseDate(finishBy) });
      problem(at, office, { type: 'OrderSupervision', data: { problemId, instruction, finishBy, triggerId: null } });
    }
  };

  if (s.status === 'assigned') {
    if (s.overdue) supervise(s.supervisions);
    return result(s.overdue ? deadline + 1 : 0);
  }

  problem(t.after(random.int(0, 3)), head, { type: 'AcknowledgeAssignment', data: { problemId, acknowledgedBy: head.name } });
  problem(t.after(random.int(1, 6)), head, { type: 'SubmitPlan', data: { problemId, measures: sketch.measures } });

  let percent = 0;
  const reportProgress = (count: number, text?: string) => {
    for (let i = 0; i < count; i++) {
      percent = Math.min(90, percent + random.int(15, 35));
      const progress = text ?? progressSteps.find(([upTo]) => percent <= upTo)![1];
      problem(t.after(random.int(4, 15)), head, {
        type: 'ReportProgress',
        data: { problemId, progress, percentComplete: percent },
      });
    }
  };
  reportProgress(random.int(0, 2));

  if (s.extended && deadline < DEMO_END) {
    const at = t.on(Math.max(t.today + 1, deadline - random.int(1, 7)));
    const extendedTo = dueAtYearEnd ? DEMO_END : Math.min(Math.max(deadline, at.day) + random.int(20, 60), DEMO_END);
    const epidemic = at.day >= simDay('2020-01-25') && at.day <= simDay('2020-04-30');
    const reason = epidemic ? epidemicExtensionReason : random.pick(extensionReasons[sketch.works ? 'works' : 'casework']);
    problem(at, office, { type: 'ExtendDeadline', data: { problemId, deadline: isoDay(extendedTo), reason } });
    deadline = extendedTo;
  }

  const firstRound = s.status === 'rectifying' && !s.reopened && s.rejections === 0;
  if (firstRound) {
    if (s.overdue) {
      supervise(s.supervisions);
      if (s.supervisions > 0 && random.chance(0.5)) reportProgress(1);
      return result(deadline + 1);
    }
    reportProgress(random.int(1, 2));
    return result();
  }

  // Reported fixed: on time, or after supervision when it ran late.
  let round = 1;
  const reportRectified = (at: SimInstant, note?: string) => {
    const files = random.shuffle(sketch.files).slice(0, random.int(1, sketch.files.length));
    problem(at, head, {
      type: 'ReportRectified',
      data: {
        problemId,
        evidence: {
          description: note ? `${sketch.done}；${note}` : sketch.done,
          files: files.map((name, i) => evidenceFile(name, `${problemId}/${round}/${i}`, random)),
        },
      },
    });
    round += 1;
  };
  if (s.supervisions > 0) {
    supervise(s.supervisions);
    reportRectified(t.after(random.int(3, 15)));
  } else {
    reportRectified(t.on(random.int(t.today + 2, Math.max(deadline, t.today + 2))));
  }

  const verification = { problemId, verifierUnitId: sketch.verifier.unitId };
  for (let r = 1; r <= s.rejections; r++) {
    problem(t.after(random.int(3, 15)), verifier, {
      type: 'RejectVerification',
      data: { ...verification, reasons: random.pick(rejectionReasons) },
    });
    if (s.status === 'rectifying' && !s.reopened && r === s.rejections) {
      if (random.chance(0.6)) reportProgress(1, afterRejection);
      return result();
    }
    reportProgress(1, afterRejection);
    reportRectified(t.after(random.int(4, 18)), afterRejection);
  }
  if (s.status === 'awaiting_verification') return result();

  const pass = () =>
    problem(t.after(random.int(2, 12)), verifier, {
      type: 'PassVerification',
      data: { ...verification, opinion: fill(random.pick(passOpinions), { n: random.int(3, 10) }) },
    });
  pass();
  if (s.status === 'verified') return result();

  problem(t.after(random.int(1, 6)), office, { type: 'CloseProblem', data: { problemId } });
  closedDay = t.today;
  if (!s.reopened) return result();

  // 巩固 failed: a later check finds it back; it gets a new deadline and a revised plan.
  const reopenAt = t.after(random.int(40, 150));
  const reason = fill(random.pick(reopenReasons), { year: isoDay(reopenAt.day).slice(0, 4) });
  problem(reopenAt, office, { type: 'ReopenProblem', data: { problemId, reason } });
  percent = 0;
  const renewed = Math.min(Math.max(t.today + random.int(20, 45), deadline + 1), DEMO_END);
  if (renewed > deadline) {
    problem(t.after(0), office, {
      type: 'ExtendDeadline',
      data: { problemId, deadline: isoDay(renewed), reason: reopenExtensionReason },
    });
    deadline = renewed;
  }
  problem(t.after(random.int(1, 5)), head, {
    type: 'SubmitPlan',
    data: { problemId, measures: `${sketch.measures}；针对反弹问题，建立长效管护机制，定期回访巩固` },
  });
  if (s.status === 'rectifying') {
    reportProgress(random.int(0, 1));
    return result();
  }
  reportRectified(t.after(random.int(10, 30)), reopenedFixed);
  pass();
  problem(t.after(random.int(1, 5)), office, { type: 'CloseProblem', data: { problemId } });
  return result();
}

/** A fake evidence file: its "content" is a stable string, so the digest is real and repeatable. */
function evidenceFile(name: string, content: string, random: Random) {
  const contentType = name.endsWith('.pdf')
    ? 'application/pdf'
    : name.endsWith('.xlsx')
      ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
      : name.endsWith('.png')
        ? 'image/png'
        : 'image/jpeg';
  return {
    name,
    sha256: createHash('sha256').update(`taizhang-demo-evidence/${content}`).digest('hex'),
    size: random.int(40_000, 4_000_000),
    contentType,
  };
}
