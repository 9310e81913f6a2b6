import type { NewEvent, RecordedEvent } from '../../eventstore/port.js';
import type { ProblemCategory, ProblemSource, UnitKind } from '../../domain/index.js';
import { formatLedgerNumber } from '../../domain/index.js';
import { Random } from '../../application/demo/random.js';
import { generatedDescription } from './descriptions.js';

/** A valid v4-shaped UUID from a number, so generated ids pass the schemas and read well in failures. */
export const uuidOf = (n: number, kind = 0) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export type Entry = { streamId: string; event: NewEvent };

const actor = { userId: 'office', name: '县督查办', unitId: null, role: 'office' };

/**
 * Writes a county's history as events, in the shapes the domain records, without going through the
 * command handlers: fast enough for a million events, and every date is chosen by the test.
 */
export class LogBuilder {
  readonly entries: Entry[] = [];
  private nextId = 1;
  private sequences = new Map<string, number>();

  event(streamId: string, type: string, data: unknown, occurredAt: string): string {
    const id = uuidOf(this.nextId++, 0xe);
    this.entries.push({
      streamId,
      event: {
        id,
        type,
        data,
        metadata: { actor, commandId: id, correlationId: id, causationId: id, occurredAt, schemaVersion: 1 },
      },
    });
    return id;
  }

  unit(n: number, name: string, kind: UnitKind, parent: string | null, at = '2019-01-01T00:00:00.000Z'): string {
    const unitId = uuidOf(n, 0xa);
    this.event(`unit-${unitId}`, 'UnitRegistered', { unitId, name, kind, parentUnitId: parent, registeredOn: at.slice(0, 10) }, at);
    return unitId;
  }

  /** Raises a problem on the county day of `at` and returns its id and ledger number (described by it, unless told). */
  raise(n: number, source: ProblemSource, category: ProblemCategory, at: string, recurrenceOf: string | null = null, description?: string) {
    const problemId = uuidOf(n, 0xb);
    const raisedOn = countyDayOf(at);
    const key = `${source}-${raisedOn.slice(0, 4)}`;
    const sequence = (this.sequences.get(key) ?? 0) + 1;
    this.sequences.set(key, sequence);
    const ledgerNumber = formatLedgerNumber(source, Number(raisedOn.slice(0, 4)), sequence);
    const eventId = this.event(
      `problem-${problemId}`,
      'ProblemRaised',
      {
        problemId,
        ledgerNumber,
        source,
        category,
        description: description ?? `问题 ${ledgerNumber}`,
        raisedOn,
        recurrenceOf,
        hotlineReportId: null,
      },
      at,
    );
    return { problemId, ledgerNumber, eventId };
  }

  on(problemId: string, type: string, data: Record<string, unknown>, at: string): string {
    return this.event(`problem-${problemId}`, type, { problemId, ...data }, at);
  }

  /** The entries as a store would record them, positions in order (for folding without a store). */
  recorded(): RecordedEvent[] {
    const revisions = new Map<string, number>();
    return this.entries.map(({ streamId, event }, position) => {
      const revision = revisions.get(streamId) ?? 0;
      revisions.set(streamId, revision + 1);
      return { ...event, streamId, revision, position };
    });
  }
}

/** Asia/Shanghai day of an ISO instant (fixed +08:00 since 1992). */
export function countyDayOf(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);
}

const SOURCES: ProblemSource[] = [
  'national_feedback',
  'provincial_review',
  'municipal_review',
  'county_self_check',
  'audit',
  'discipline_inspection',
  'hotline',
];
const CATEGORIES: ProblemCategory[] = [
  'data_mismatch',
  'fund_misuse',
  'project_delay',
  'housing',
  'drinking_water',
  'education',
  'health',
  'roads',
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type GeneratedCounty = {
  builder: LogBuilder;
  /** Entries in time order (problems interleaved), or grouped per problem when `grouped`. */
  entries: Entry[];
  unitIds: string[];
  problems: number;
};

/**
 * A county with townships, villages and departments, and `problems` problems raised between
 * `from` and `to`, each living one of a handful of lives (closed on time, extended, rejected once or
 * twice, left overdue, reopened, supervised; some recurrences): about ten events per problem. Each problem is
 * described as people write (`generatedDescription`: a labelled text of its category, in one of ten townships).
 */
export function generateCounty({
  problems,
  seed = 7,
  from = '2019-01-01T00:00:00.000Z',
  to = '2020-12-31T00:00:00.000Z',
  townships = 16,
  villagesPerTownship = 3,
  departments = 24,
  grouped = false,
  onProblem,
}: {
  problems: number;
  seed?: number;
  from?: string;
  to?: string;
  townships?: number;
  villagesPerTownship?: number;
  departments?: number;
  grouped?: boolean;
  /** Hand each problem's events over as they are made and keep none (for logs too big to hold). */
  onProblem?: (entries: Entry[]) => void;
}): GeneratedCounty {
  // The project's seeded generator (mulberry32), so a generated county is the same on every run.
  const random = new Random(seed);
  const rnd = () => random.next();
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const b = new LogBuilder();
  let n = 1;
  const county = b.unit(n++, '霍山县', 'county', null, from);
  const unitIds: string[] = [];
  for (let i = 0; i < townships; i++) {
    const township = b.unit(n++, `乡镇${i + 1}`, 'township', county, from);
    unitIds.push(township);
    for (let v = 0; v < villagesPerTownship; v++) unitIds.push(b.unit(n++, `乡镇${i + 1}村${v + 1}`, 'village', township, from));
  }
  for (let i = 0; i < departments; i++) unitIds.push(b.unit(n++, `部门${i + 1}`, 'department', county, from));
  const verifier = b.unit(n++, '县验收组', 'department', county, from);
  const setup = b.entries.length;
  if (onProblem) onProblem(b.entries.splice(0));

  const start = Date.parse(from);
  const span = Date.parse(to) - start - 200 * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const earlier = new Map<string, { problemId: string; category: ProblemCategory }[]>();
  type Timed = { ms: number; seq: number; entry: Entry };
  const timed: Timed[] = [];
  let seq = 0;

  for (let p = 0; p < problems; p++) {
    const t0 = start + Math.floor((span * p) / problems) + Math.floor(rnd() * HOUR);
    const unitId = pick(unitIds);
    const history = earlier.get(unitId) ?? [];
    const repeat = history.length > 0 && rnd() < 0.03 ? pick(history) : null;
    const category = repeat ? repeat.category : pick(CATEGORIES);
    const before = b.entries.length;
    const at: number[] = [];
    const description = generatedDescription(p, category).text;
    const { problemId } = b.raise(p + 1, pick(SOURCES), category, iso(t0), repeat?.problemId ?? null, description);
    at.push(t0);
    let t = t0 + HOUR;
    const step = (type: string, data: Record<string, unknown>, days: number) => {
      t += Math.max(HOUR, Math.floor(days * DAY));
      b.on(problemId, type, data, iso(t));
      at.push(t);
    };
    step('ProblemAssigned', { responsibleUnitId: unitId, responsiblePerson: '负责人', leadingOfficial: null }, 0.1);
    step('AssignmentAcknowledged', { acknowledgedBy: '负责人' }, 1);
    let deadline = countyDayOf(iso(t0 + (30 + Math.floor(rnd() * 90)) * DAY));
    step('DeadlineSet', { deadline }, 0.5);
    step('RectificationPlanSubmitted', { measures: '整改措施' }, 3);
    step('ProgressReported', { progress: '推进中', percentComplete: 50 }, 5);
    const daysToDeadline = (Date.parse(`${deadline}T00:00:00+08:00`) - t) / DAY;
    const life = rnd();
    const close = (rejections: number) => {
      for (let r = 1; r <= rejections; r++) {
        step('RectificationReported', { evidence: { description: '已整改', files: [] } }, 5);
        step('VerificationRejected', { verifierUnitId: verifier, reasons: '不达标', rejectionCount: r }, 3);
      }
      step('RectificationReported', { evidence: { description: '已整改', files: [] } }, Math.max(1, daysToDeadline * rnd()));
      step('VerificationPassed', { verifierUnitId: verifier, opinion: '通过' }, 3);
      step('ProblemClosed', { closedOn: countyDayOf(iso(t + DAY)) }, 1);
    };
    if (life < 0.55) close(0);
    else if (life < 0.65) {
      const previous = deadline;
      deadline = countyDayOf(iso(Date.parse(`${deadline}T00:00:00+08:00`) + 30 * DAY));
      step('DeadlineExtended', { previousDeadline: previous, deadline, reason: '客观原因', extensionCount: 1 }, 2);
      close(0);
    } else if (life < 0.75) close(1);
    else if (life < 0.8) {
      for (let r = 1; r <= 2; r++) {
        step('RectificationReported', { evidence: { description: '已整改', files: [] } }, 5);
        step('VerificationRejected', { verifierUnitId: verifier, reasons: '不达标', rejectionCount: r }, 3);
      }
    } else if (life < 0.9) {
      step('SupervisionOrdered', { instruction: '限期办结', supervisionCount: 1 }, daysToDeadline + 10);
    } else {
      close(0);
      step('ProblemReopened', { reason: '回头看发现反弹', reopenCount: 1 }, 60);
    }
    if (onProblem) onProblem(b.entries.splice(before));
    else b.entries.slice(before).forEach((entry, i) => timed.push({ ms: at[i]!, seq: seq++, entry }));
    history.push({ problemId, category });
    earlier.set(unitId, history);
  }
  if (!grouped) timed.sort((x, y) => x.ms - y.ms || x.seq - y.seq);
  const entries = onProblem ? [] : [...b.entries.slice(0, setup), ...timed.map((x) => x.entry)];
  return { builder: b, entries, unitIds: [...unitIds, verifier], problems };
}
