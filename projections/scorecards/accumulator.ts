import {
  type Grade,
  type PolicyDocument,
  type ScorePart,
  type ScoreRule,
  assessmentItemKindLabels,
  categoryLabel,
  sourceLabel,
} from '../../domain/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { finished } from '../battleMap.js';
import type { At, PolicyChoice } from '../policyInForce.js';
import {
  type AssessmentItemFacts,
  type ExemptionFacts,
  type FactsState,
  type InterviewFacts,
  type ProblemFacts,
  applicationOnLine,
  eventIdOf,
  holderOn,
  yearEndDue,
} from '../problemFacts.js';
import type { SweepAnswerFacts, SweepFacts } from '../sweeps.js';
import { daysFrom } from '../time.js';
import type { ScoreLine, Scorecard } from './card.js';

type Rules = PolicyDocument['scoring'];

/** Points are kept in tenths and contributions in thousandths, so the lines add up exactly. */
const tenths = (points: number) => Math.round(points * 10);

export function gradeFor(score: number, rules: Rules): Grade {
  if (score >= rules.grades.good) return 'good';
  if (score >= rules.grades.fairlyGood) return 'fairly_good';
  if (score >= rules.grades.average) return 'average';
  return 'poor';
}

/** The lines one problem (or one interview) puts on a card, with their points in tenths. */
type Contribution = { card: string | null; lines: ScoreLine[]; tenths: number[] };

/**
 * The year's scorecards under one policy, for one side of 31 December, kept as the lines each
 * problem and each interview contributes: an event changes only its problem's lines (and those of
 * problems that name it as their earlier occurrence), so the live cards are kept current event by
 * event. Cards are assembled from the contributions when asked, in the problems' raise order.
 */
export class ScorecardAccumulator {
  private readonly rules: Rules;
  private readonly assessedKinds: Set<string>;
  private readonly prefix: string;
  private readonly yearStart: string;
  private readonly yearEnd: string;
  private readonly assessedOf = new Map<string, string | null>();
  /** A problem's lines, one contribution per card: its lead units' (转办) and its co-responsible units' (配合). */
  private readonly byProblem = new Map<string, Contribution[]>();
  private readonly byInterview = new Map<string, Contribution & { heldOn: string; eventId: string }>();
  /** Further assessment items (考核事项), by item id in recording order. */
  private readonly byItem = new Map<string, Contribution>();
  /** Earlier problem → the problems raised as its recurrence (their lines look at it). */
  private readonly recurrences = new Map<string, Set<string>>();
  /** The lines of the sweeps (举一反三排查), recomputed whole when a sweep or an assignment changes: sweeps are few. */
  private bySweep: Contribution[] = [];

  /**
   * `day`, the county day asked about, matters only to sweeps (an answer-by day passed without an
   * answer); the caller keeps one accumulator while no answer-by day passes (`sweepDaysPassed`).
   */
  constructor(
    private readonly state: FactsState,
    readonly year: number,
    readonly yearOver: boolean,
    readonly policy: PolicyChoice,
    readonly day: string = `${year}-12-31`,
  ) {
    this.rules = policy.document.scoring;
    this.assessedKinds = new Set(this.rules.assessedUnitKinds);
    this.prefix = String(year);
    this.yearStart = `${year}-01-01`;
    this.yearEnd = `${year}-12-31`;
    for (const f of state.problems.values()) this.putProblem(f);
    for (const held of state.interviews.values()) for (const i of held) this.putInterview(i);
    for (const item of state.assessmentItems.get(year) ?? []) this.putItem(item);
    this.putSweeps();
  }

  /** The assessed unit whose card a unit's lines go on: itself, or its nearest assessed ancestor. */
  private assessedUnit(unitId: string): string | null {
    const cached = this.assessedOf.get(unitId);
    if (cached !== undefined) return cached;
    let current = this.state.units.get(unitId);
    const seen = new Set<string>();
    while (current && !this.assessedKinds.has(current.kind) && current.parentUnitId && !seen.has(current.unitId)) {
      seen.add(current.unitId);
      current = this.state.units.get(current.parentUnitId);
    }
    const found = current && this.assessedKinds.has(current.kind) ? current.unitId : null;
    this.assessedOf.set(unitId, found);
    return found;
  }

  private line(
    into: Contribution,
    part: 'ordinary' | 'year_end',
    rule: ScoreRule,
    points: number,
    f: ProblemFacts | null,
    directUnit: string,
    eventIds: string[],
    explanation: string,
    item: AssessmentItemFacts | null = null,
  ): void {
    const t = tenths(points);
    if (t === 0 || into.card === null) return;
    const id = `${rule}:${eventIds[0]}`;
    const exemption = t < 0 ? (this.state.exemptions.get(this.year)?.get(`${into.card}/${id}`) ?? null) : null;
    const application = t < 0 ? applicationOnLine(this.state, this.year, `${into.card}/${id}`) : null;
    const weight = part === 'ordinary' ? this.rules.ordinaryWeightPercent : this.rules.yearEndWeightPercent;
    into.tenths.push(t);
    into.lines.push({
      id,
      part,
      rule,
      points: t / 10,
      contribution: exemption ? 0 : (t * weight) / 1000,
      problemId: f?.problemId ?? null,
      ledgerNumber: f?.ledgerNumber ?? null,
      unitId: directUnit,
      eventIds,
      explanation,
      exemption,
      application,
      item,
    });
  }

  /** Recomputes one problem's lines (and those of its recurrences) from its facts as they now stand. */
  putProblem(f: ProblemFacts): void {
    this.byProblem.set(f.problemId, this.linesOf(f));
    if (f.recurrenceOf !== null) {
      let set = this.recurrences.get(f.recurrenceOf);
      if (!set) this.recurrences.set(f.recurrenceOf, (set = new Set()));
      set.add(f.problemId);
    }
    for (const later of this.recurrences.get(f.problemId) ?? []) {
      const r = this.state.problems.get(later);
      if (r) this.byProblem.set(later, this.linesOf(r));
    }
  }

  /**
   * A problem's lines, each on the card of the unit it belongs to (docs/policies.md, "Lead and
   * co-responsible units"): the raise and its recurrence on the lead unit now; a rejection, extension,
   * 督办 or reopening on the lead unit that held the item when it happened; the year-end line on the
   * one holding it on 31 December; and each co-responsible unit's share of every deduction.
   */
  private linesOf(f: ProblemFacts): Contribution[] {
    const unitId = f.unitId;
    if (unitId === null) return [];
    const byCard = new Map<string, Contribution>();
    const cardOf = (unit: string | null): Contribution => {
      const card = unit === null ? null : this.assessedUnit(unit);
      if (card === null) return { card: null, lines: [], tenths: [] };
      let c = byCard.get(card);
      if (!c) byCard.set(card, (c = { card, lines: [], tenths: [] }));
      return c;
    };
    const out = cardOf(unitId);
    const heldBy = (r: { unitId: string | null }) => r.unitId ?? unitId;
    const { prefix, yearEnd, year } = this;
    const o = this.rules.ordinary;
    const y = this.rules.yearEnd;
    const n = f.ledgerNumber;
    if (f.raisedOn.startsWith(prefix)) {
      this.line(
        out,
        'ordinary',
        'problem_found',
        o.problemFound[f.source],
        f,
        unitId,
        [eventIdOf(f.raisedEventId), eventIdOf(f.assignedEventId!)],
        `${n}: a ${sourceLabel[f.source]} problem raised on ${f.raisedOn}.`,
      );
      if (f.recurrenceOf !== null) {
        const earlier = this.state.problems.get(f.recurrenceOf);
        // Across units only when the policy says so (scoring.recurrenceAcrossUnits); the later unit pays.
        const counted = earlier?.unitId === unitId || (earlier?.unitId != null && this.rules.recurrenceAcrossUnits === 'counted');
        if (earlier && counted && earlier.category === f.category)
          this.line(
            out,
            'ordinary',
            'recurrence',
            o.recurrence,
            f,
            unitId,
            [eventIdOf(f.recurrenceEventId ?? f.raisedEventId), eventIdOf(earlier.raisedEventId)],
            earlier.unitId === unitId
              ? `${n} repeats ${earlier.ledgerNumber} (同类问题第二次).`
              : `${n} repeats ${earlier.ledgerNumber} of another unit (同类问题第二次, 复发 across units).`,
          );
      }
    }
    for (const r of f.rejections ?? [])
      if (r.day.startsWith(prefix))
        this.line(
          cardOf(heldBy(r)),
          'ordinary',
          'verification_rejected',
          o.verificationRejected,
          f,
          heldBy(r),
          [r.id],
          `${n}: verification rejected on ${r.day}.`,
        );
    for (const r of f.extensions ?? [])
      if (r.day.startsWith(prefix))
        this.line(
          cardOf(heldBy(r)),
          'ordinary',
          'deadline_extended',
          o.deadlineExtended,
          f,
          heldBy(r),
          [r.id],
          `${n}: deadline extended on ${r.day}.`,
        );
    for (const r of f.supervisions ?? [])
      if (r.day.startsWith(prefix))
        this.line(
          cardOf(heldBy(r)),
          'ordinary',
          'supervision_ordered',
          o.supervisionOrdered,
          f,
          heldBy(r),
          [r.id],
          `${n}: supervision ordered (督办) on ${r.day}.`,
        );
    for (const r of f.reopens ?? [])
      if (r.day.startsWith(prefix))
        this.line(
          cardOf(heldBy(r)),
          'ordinary',
          'problem_reopened',
          o.problemReopened,
          f,
          heldBy(r),
          [r.id],
          `${n}: reopened on ${r.day} (巩固 failed).`,
        );
    // Year-end lines: on the deadline in force on 31 December of the item's year (yearEndDue), and on
    // the first fix that passed verification, which counts even if the problem was reopened since.
    const due = yearEndDue(f);
    if (due !== null && due.year === year) {
      // The lead unit holding it on 31 December (转办 after that day changes nothing in the year).
      const holder = holderOn(f, yearEnd) ?? unitId;
      const atYearEnd = cardOf(holder);
      const done = finished(f);
      if (done !== null && done.day <= due.deadline && f.acceptedReportOn !== null && f.acceptedClosedEventId !== null)
        this.line(
          atYearEnd,
          'year_end',
          'closed_on_time',
          y.closedOnTime,
          f,
          holder,
          [eventIdOf(f.acceptedClosedEventId), done.eventId],
          `${n}: reported fixed on ${done.day}, by its deadline ${due.deadline}, and closed (销号).`,
        );
      else if (done !== null && done.day > due.deadline && done.day <= yearEnd)
        this.line(
          atYearEnd,
          'year_end',
          'finished_late',
          y.finishedLate,
          f,
          holder,
          [done.eventId, due.eventId],
          `${n}: reported fixed on ${done.day}, after its deadline ${due.deadline}.`,
        );
      else if (this.yearOver && (done === null || done.day > yearEnd))
        this.line(
          atYearEnd,
          'year_end',
          'unfinished_at_year_end',
          y.unfinishedAtYearEnd,
          f,
          holder,
          [due.eventId],
          `${n}: due ${due.deadline}, not reported fixed by 31 December ${year}.`,
        );
    }
    this.shareWithCoResponsibleUnits(f, [...byCard.values()], cardOf);
    return [...byCard.values()];
  }

  /**
   * 配合单位: each co-responsible unit (now) gets `coResponsibleShare` percent of every deduction the
   * item put on a lead unit's card, rounded to tenths (a half away from zero); not a unit that held the
   * line itself (a former lead unit now helping).
   */
  private shareWithCoResponsibleUnits(f: ProblemFacts, leads: Contribution[], cardOf: (unit: string) => Contribution): void {
    const share = this.rules.coResponsibleShare;
    if (f.coUnitIds.length === 0 || share === 0) return;
    const deductions = leads.flatMap((c) => c.lines.map((line, i) => ({ line, t: c.tenths[i]! }))).filter((d) => d.t < 0);
    for (const coUnit of f.coUnitIds)
      for (const { line, t } of deductions) {
        if (line.unitId === coUnit) continue;
        const points = -Math.round((-t * share) / 100) / 10;
        const part = line.part === 'year_end' ? 'year_end' : 'ordinary';
        this.line(
          cardOf(coUnit),
          part,
          line.rule,
          points,
          f,
          coUnit,
          line.eventIds,
          `配合 (co-responsible): ${share}% of the lead unit's ${t / 10} — ${line.explanation}`,
        );
      }
  }

  /** Recomputes the line of one interview. */
  putInterview(i: InterviewFacts): void {
    const out = {
      card: i.level === 'interview' && i.heldOn.startsWith(this.prefix) ? this.assessedUnit(i.unitId) : null,
      lines: [],
      tenths: [],
      heldOn: i.heldOn,
      eventId: i.eventId,
    };
    this.line(
      out,
      'ordinary',
      'interview_held',
      this.rules.ordinary.interviewHeld,
      null,
      i.unitId,
      [i.eventId],
      `Principal leader interviewed (约谈) on ${i.heldOn} about ${i.ledgerNumbers.join(', ')}.`,
    );
    this.byInterview.set(i.eventId, out);
  }

  /** Recomputes the line of one further assessment item, in the part the policy gives its kind. */
  putItem(i: AssessmentItemFacts): void {
    const out: Contribution = { card: i.year === this.year ? this.assessedUnit(i.unitId) : null, lines: [], tenths: [] };
    const kind = assessmentItemKindLabels[i.kind];
    this.line(
      out,
      this.rules.items[i.kind].part,
      i.kind,
      i.points,
      null,
      i.unitId,
      [i.eventId],
      `${kind.en} (${kind.zh}): ${i.title}; entered by ${i.recordedBy} on ${i.occurredAt.slice(0, 10)}.`,
      i,
    );
    this.byItem.set(i.itemId, out);
  }

  /** Recomputes the line a deduction's exemption or application names: its problem's, interview's or item's. */
  private refreshLine(problemId: unknown, lineId: string): void {
    // A sweep's line (a contradicted "none" names its problem too) is the sweeps' to recompute.
    if (lineId.startsWith('sweep_')) {
      this.putSweeps();
      return;
    }
    if (typeof problemId === 'string') {
      const f = this.state.problems.get(problemId);
      if (f) this.putProblem(f);
      return;
    }
    const eventId = lineId.slice(lineId.indexOf(':') + 1);
    if (lineId.startsWith('interview_held:')) {
      for (const held of this.state.interviews.values()) for (const i of held) if (i.eventId === eventId) this.putInterview(i);
      return;
    }
    for (const item of this.state.assessmentItems.get(this.year) ?? []) if (item.eventId === eventId) this.putItem(item);
  }

  /**
   * The sweeps' lines: per asked unit, the sweep not answered by its answer-by day (the day passed
   * with no answer, or the answer came later; none when the office closed the sweep by then), in the
   * year of that day; per "none" answer, the first problem that contradicts it, in the year it was raised.
   */
  putSweeps(): void {
    const out: Contribution[] = [];
    const s = this.rules.sweeps;
    for (const sweep of this.state.sweeps.values()) {
      const inYear = sweep.answerBy.startsWith(this.prefix) && this.day > sweep.answerBy;
      for (const unitId of sweep.unitIds) {
        const into: Contribution = { card: this.assessedUnit(unitId), lines: [], tenths: [] };
        const answer = sweep.answers.get(unitId);
        const from = `the sweep (举一反三排查) from ${sweep.originLedgerNumber}`;
        if (inYear && answer === undefined && (sweep.closedOn === null || sweep.closedOn > sweep.answerBy))
          this.line(
            into,
            'ordinary',
            'sweep_not_answered_in_time',
            s.notAnsweredInTime,
            null,
            unitId,
            [sweep.eventId],
            `No answer to ${from} by its answer-by day ${sweep.answerBy}.`,
          );
        else if (inYear && answer !== undefined && answer.answeredOn > sweep.answerBy)
          this.line(
            into,
            'ordinary',
            'sweep_not_answered_in_time',
            s.notAnsweredInTime,
            null,
            unitId,
            [answer.eventId, sweep.eventId],
            `Answered ${from} on ${answer.answeredOn}, after its answer-by day ${sweep.answerBy}.`,
          );
        const contradiction = answer?.answer === 'none' ? this.contradiction(sweep, answer, into.card) : null;
        if (contradiction !== null && answer && contradiction.raisedOn.startsWith(this.prefix))
          this.line(
            into,
            'ordinary',
            'sweep_none_contradicted',
            s.noneContradicted,
            contradiction,
            unitId,
            [eventIdOf(contradiction.raisedEventId), answer.eventId],
            `Answered “none found” (未发现) to ${from} on ${answer.answeredOn}; ${contradiction.ledgerNumber}, a ${sourceLabel[contradiction.source]} problem of the same category (${categoryLabel[sweep.category]}), was raised in the unit on ${contradiction.raisedOn}.`,
          );
        if (into.lines.length > 0) out.push(into);
      }
    }
    this.bySweep = out;
  }

  /**
   * The first problem (by raise day, then ledger number) that contradicts a "none" answer: of the
   * sweep's category, on the same card, from a source other than the county's self-check (a unit
   * that finds and reports it later is not punished for it), raised after the day of the answer and
   * within the policy's `contradictionWithinDays`.
   */
  private contradiction(sweep: SweepFacts, answer: SweepAnswerFacts, card: string | null): ProblemFacts | null {
    if (card === null) return null;
    const within = this.rules.sweeps.contradictionWithinDays;
    let first: ProblemFacts | null = null;
    for (const [unitId, ids] of this.state.problemsByUnit) {
      if (this.assessedUnit(unitId) !== card) continue;
      for (const id of ids) {
        const f = this.state.problems.get(id)!;
        if (f.category !== sweep.category || f.source === 'county_self_check' || f.raisedOn <= answer.answeredOn) continue;
        if (daysFrom(answer.answeredOn, f.raisedOn) > within) continue;
        if (first === null || f.raisedOn < first.raisedOn || (f.raisedOn === first.raisedOn && f.ledgerNumber < first.ledgerNumber))
          first = f;
      }
    }
    return first;
  }

  /** Follows one applied event; false when the accumulator cannot follow it and must be rebuilt (units changed). */
  follow(event: RecordedEvent): boolean {
    const data = event.data as { problemId?: unknown; lineId?: unknown; year?: unknown } | null;
    switch (event.type) {
      case 'UnitRegistered':
      case 'UnitRenamed':
      case 'UnitMerged':
        return false;
      case 'InterviewHeld': {
        const held = this.state.interviews.get((data as { triggerId: string }).triggerId)?.find((i) => i.eventId === event.id);
        if (held) this.putInterview(held);
        return true;
      }
      case 'SweepOrdered':
      case 'SweepAnswered':
      case 'SweepClosed':
        this.putSweeps();
        return true;
      case 'ExemptionGranted':
      case 'ExemptionApplied':
        if (data?.year === this.year) this.refreshLine(data.problemId, String(data.lineId));
        return true;
      case 'ExemptionRefused':
      case 'ExemptionApplicationWithdrawn': {
        if (data?.year !== this.year) return true;
        const applicationId = (data as { applicationId: string }).applicationId;
        const applied = this.state.exemptionApplications.get(this.year)?.get(applicationId);
        if (applied) this.refreshLine(applied.problemId, applied.lineId);
        return true;
      }
      case 'AssessmentItemRecorded': {
        if (data?.year !== this.year) return true;
        const itemId = (data as { itemId: string }).itemId;
        const item = this.state.assessmentItems.get(this.year)?.find((i) => i.itemId === itemId);
        if (item) this.putItem(item);
        return true;
      }
      default: {
        if (typeof data?.problemId !== 'string') return true;
        const f = this.state.problems.get(data.problemId);
        if (f) this.putProblem(f);
        // A problem assigned may contradict a "none" answer to a sweep.
        if (event.type === 'ProblemAssigned' && this.state.sweeps.size > 0) this.putSweeps();
        return true;
      }
    }
  }

  /** The cards as the contributions now stand, as of `instant`, ranked. */
  result(instant: string): Scorecard[] {
    const rules = this.rules;
    const exemptions = this.state.exemptions.get(this.year) ?? new Map<string, ExemptionFacts>();
    type Draft = { lines: ScoreLine[]; tenths: number[] };
    const drafts = new Map<string, Draft>();
    for (const unit of this.state.units.values())
      if (
        this.assessedKinds.has(unit.kind) &&
        unit.registeredOn <= this.yearEnd &&
        (unit.mergedOn === null || unit.mergedOn >= this.yearStart)
      )
        drafts.set(unit.unitId, { lines: [], tenths: [] });
    const interviews = [...this.byInterview.values()].sort((a, b) =>
      a.heldOn < b.heldOn ? -1 : a.heldOn > b.heldOn ? 1 : a.eventId < b.eventId ? -1 : 1,
    );
    for (const c of [...[...this.byProblem.values()].flat(), ...interviews, ...this.byItem.values(), ...this.bySweep]) {
      if (c.card === null || c.lines.length === 0) continue;
      let d = drafts.get(c.card);
      if (!d) drafts.set(c.card, (d = { lines: [], tenths: [] }));
      for (let i = 0; i < c.lines.length; i++) {
        d.lines.push(c.lines[i]!);
        d.tenths.push(c.tenths[i]!);
      }
    }

    const cards: Scorecard[] = [];
    for (const [unitId, d] of drafts) {
      let ordinary = rules.base * 10;
      let yearEndPart = rules.base * 10;
      let score = rules.base * 1000;
      const base: ScoreLine = {
        id: 'base',
        part: 'base',
        rule: 'base',
        points: rules.base,
        contribution: rules.base,
        problemId: null,
        ledgerNumber: null,
        unitId,
        eventIds: [],
        explanation: `Each part starts at ${rules.base}: ${rules.ordinaryWeightPercent}% ordinary-time (平时) and ${rules.yearEndWeightPercent}% year-end (集中考核).`,
        exemption: null,
        application: null,
        item: null,
      };
      const totals = new Map<string, { part: ScorePart; rule: ScoreRule; lines: number; exempted: number; t: number; c: number }>();
      for (let i = 0; i < d.lines.length; i++) {
        const l = d.lines[i]!;
        const t = d.tenths[i]!;
        const contribution = l.exemption ? 0 : t * (l.part === 'ordinary' ? rules.ordinaryWeightPercent : rules.yearEndWeightPercent);
        if (!l.exemption) {
          if (l.part === 'ordinary') ordinary += t;
          else yearEndPart += t;
        }
        score += contribution;
        const key = `${l.part}/${l.rule}`;
        let total = totals.get(key);
        if (!total) totals.set(key, (total = { part: l.part, rule: l.rule, lines: 0, exempted: 0, t: 0, c: 0 }));
        total.lines += 1;
        if (l.exemption) total.exempted += 1;
        else total.t += t;
        total.c += contribution;
      }
      const points = score / 1000;
      const grade = gradeFor(points, rules);
      cards.push({
        unitId,
        year: this.year,
        policyVersion: this.policy.version,
        asOf: instant,
        provisional: !this.yearOver,
        ordinaryScore: ordinary / 10,
        yearEndScore: yearEndPart / 10,
        score: points,
        grade,
        veto: grade === 'poor',
        rank: 0,
        lines: [base, ...d.lines],
        breakdown: [
          { part: 'base', rule: 'base', lines: 1, exempted: 0, points: rules.base, contribution: rules.base },
          ...[...totals.values()].map(({ part, rule, lines: n, exempted, t, c }) => ({
            part,
            rule,
            lines: n,
            exempted,
            points: t / 10,
            contribution: c / 1000,
          })),
        ],
        exemptions: [...exemptions.values()].filter((e) => e.unitId === unitId),
      });
    }
    const name = (id: string) => this.state.units.get(id)?.name ?? id;
    cards.sort((a, b) => b.score - a.score || name(a.unitId).localeCompare(name(b.unitId), 'zh-CN') || a.unitId.localeCompare(b.unitId));
    cards.forEach((c, i) => (c.rank = i > 0 && cards[i - 1]!.score === c.score ? cards[i - 1]!.rank : i + 1));
    return cards;
  }
}

/**
 * The year's scorecards (年度考核) as of an instant under one policy: for every assessed unit, the
 * base, then every point gained or lost with its rule and events, weighted into the score; a grade
 * (好 / 较好 / 一般 / 较差, 较差 carrying the one-vote veto) and a rank across units.
 */
export function scorecards(state: FactsState, year: number, at: At, policy: PolicyChoice): Scorecard[] {
  return new ScorecardAccumulator(state, year, at.day > `${year}-12-31`, policy, at.day).result(at.instant);
}
