import { createHash } from 'node:crypto';
import { type Grade, type PolicyDocument, assertNever, sourceLabel } from '../domain/index.js';
import { closedOnTime, finished } from './battleMap.js';
import type { At, PolicyChoice } from './policyInForce.js';
import type { ExemptionFacts, FactsState, ProblemFacts } from './problemFacts.js';

export type ScoreRule =
  | 'base'
  | 'problem_found'
  | 'verification_rejected'
  | 'deadline_extended'
  | 'supervision_ordered'
  | 'problem_reopened'
  | 'recurrence'
  | 'interview_held'
  | 'closed_on_time'
  | 'finished_late'
  | 'unfinished_at_year_end';

/** 平时 (ordinary-time) or 集中考核 (year-end); the base line stands for both. */
export type ScorePart = 'base' | 'ordinary' | 'year_end';

/** One point gained or lost, with its rule and the events behind it. */
export type ScoreLine = {
  /** `rule:eventId`: what an exemption names. */
  id: string;
  part: ScorePart;
  rule: ScoreRule;
  /** Points within its part. */
  points: number;
  /** What it adds to the score after the part's weight; 0 when exempted. */
  contribution: number;
  problemId: string | null;
  ledgerNumber: string | null;
  /** The unit the problem or interview belongs to (a village's, counted on its township's card). */
  unitId: string | null;
  eventIds: string[];
  explanation: string;
  exemption: ExemptionFacts | null;
};

export type Scorecard = {
  unitId: string;
  year: number;
  policyVersion: number;
  asOf: string;
  /** The year is not over at `asOf`: the year-end deduction for unfinished items is not applied yet. */
  provisional: boolean;
  ordinaryScore: number;
  yearEndScore: number;
  score: number;
  grade: Grade;
  /** 一票否决: graded 较差. */
  veto: boolean;
  rank: number;
  lines: ScoreLine[];
  /** The lines summed by part and rule, base first: the card's explanation at a glance; it adds up to the score too. */
  breakdown: RuleTotal[];
  /** Every exemption granted on this card, applied or not (a line a later policy no longer has). */
  exemptions: ExemptionFacts[];
};

/** The lines of one rule on a card, summed. */
export type RuleTotal = { part: ScorePart; rule: ScoreRule; lines: number; exempted: number; points: number; contribution: number };

type Rules = PolicyDocument['scoring'];

/** Points are kept in tenths and contributions in thousandths, so the lines add up exactly. */
const tenths = (points: number) => Math.round(points * 10);

export function gradeFor(score: number, rules: Rules): Grade {
  if (score >= rules.grades.good) return 'good';
  if (score >= rules.grades.fairlyGood) return 'fairly_good';
  if (score >= rules.grades.average) return 'average';
  return 'poor';
}

/** A card being built: its lines and, beside them, each line's points in tenths. */
type Draft = { unitId: string; lines: ScoreLine[]; tenths: number[] };

/**
 * The year's scorecards (年度考核) as of an instant under one policy: for every assessed unit, the
 * base, then every point gained or lost with its rule and events, weighted into the score; a grade
 * (好 / 较好 / 一般 / 较差, 较差 carrying the one-vote veto) and a rank across units.
 */
export function scorecards(state: FactsState, year: number, at: At, policy: PolicyChoice): Scorecard[] {
  const rules = policy.document.scoring;
  const assessedKinds = new Set(rules.assessedUnitKinds);
  const yearStart = `${year}-01-01`;
  const yearEnd = `${year}-12-31`;
  const yearOver = at.day > yearEnd;
  const prefix = String(year);
  const exemptions = state.exemptions.get(year) ?? new Map<string, ExemptionFacts>();

  const assessedOf = new Map<string, string | null>();
  const assessedUnit = (unitId: string): string | null => {
    const cached = assessedOf.get(unitId);
    if (cached !== undefined) return cached;
    let current = state.units.get(unitId);
    const seen = new Set<string>();
    while (current && !assessedKinds.has(current.kind) && current.parentUnitId && !seen.has(current.unitId)) {
      seen.add(current.unitId);
      current = state.units.get(current.parentUnitId);
    }
    const found = current && assessedKinds.has(current.kind) ? current.unitId : null;
    assessedOf.set(unitId, found);
    return found;
  };

  const drafts = new Map<string, Draft>();
  for (const unit of state.units.values())
    if (assessedKinds.has(unit.kind) && unit.registeredOn <= yearEnd && (unit.mergedOn === null || unit.mergedOn >= yearStart))
      drafts.set(unit.unitId, { unitId: unit.unitId, lines: [], tenths: [] });
  const draftFor = (unitId: string) => {
    let d = drafts.get(unitId);
    if (!d) drafts.set(unitId, (d = { unitId, lines: [], tenths: [] }));
    return d;
  };

  const line = (
    cardUnit: string,
    part: 'ordinary' | 'year_end',
    rule: ScoreRule,
    points: number,
    f: ProblemFacts | null,
    directUnit: string,
    eventIds: string[],
    explanation: string,
  ) => {
    const t = tenths(points);
    if (t === 0) return;
    const draft = draftFor(cardUnit);
    draft.tenths.push(t);
    draft.lines.push({
      id: `${rule}:${eventIds[0]}`,
      part,
      rule,
      points: t / 10,
      contribution: 0,
      problemId: f?.problemId ?? null,
      ledgerNumber: f?.ledgerNumber ?? null,
      unitId: directUnit,
      eventIds,
      explanation,
      exemption: null,
    });
  };

  const o = rules.ordinary;
  const y = rules.yearEnd;
  for (const [unitId, problems] of state.problemsByUnit) {
    const card = assessedUnit(unitId);
    if (card === null) continue;
    for (const id of problems) {
      const f = state.problems.get(id)!;
      const n = f.ledgerNumber;
      if (f.raisedOn.startsWith(prefix)) {
        line(card, 'ordinary', 'problem_found', o.problemFound[f.source], f, unitId, [f.raisedEventId, f.assignedEventId!], `${n}: a ${sourceLabel[f.source]} problem raised on ${f.raisedOn}.`);
        if (f.recurrenceOf !== null) {
          const earlier = state.problems.get(f.recurrenceOf);
          if (earlier && earlier.unitId === unitId && earlier.category === f.category)
            line(card, 'ordinary', 'recurrence', o.recurrence, f, unitId, [f.raisedEventId, earlier.raisedEventId], `${n} repeats ${earlier.ledgerNumber} (同类问题第二次).`);
        }
      }
      for (const r of f.rejections ?? [])
        if (r.day.startsWith(prefix)) line(card, 'ordinary', 'verification_rejected', o.verificationRejected, f, unitId, [r.id], `${n}: verification rejected on ${r.day}.`);
      for (const r of f.extensions ?? [])
        if (r.day.startsWith(prefix)) line(card, 'ordinary', 'deadline_extended', o.deadlineExtended, f, unitId, [r.id], `${n}: deadline extended on ${r.day}.`);
      for (const r of f.supervisions ?? [])
        if (r.day.startsWith(prefix)) line(card, 'ordinary', 'supervision_ordered', o.supervisionOrdered, f, unitId, [r.id], `${n}: supervision ordered (督办) on ${r.day}.`);
      for (const r of f.reopens ?? [])
        if (r.day.startsWith(prefix)) line(card, 'ordinary', 'problem_reopened', o.problemReopened, f, unitId, [r.id], `${n}: reopened on ${r.day} (巩固 failed).`);

      if (f.deadline !== null && f.deadline.startsWith(prefix)) {
        const done = finished(f);
        if (closedOnTime(f))
          line(card, 'year_end', 'closed_on_time', y.closedOnTime, f, unitId, [f.closedEventId!, f.rectifiedEventId!], `${n}: reported fixed on ${f.rectifiedOn}, by its deadline ${f.deadline}, and closed (销号).`);
        else if (done !== null && done.day > f.deadline && done.day <= yearEnd)
          line(card, 'year_end', 'finished_late', y.finishedLate, f, unitId, [done.eventId, f.deadlineEventId!], `${n}: reported fixed on ${done.day}, after its deadline ${f.deadline}.`);
        else if (yearOver && (done === null || done.day > yearEnd))
          line(card, 'year_end', 'unfinished_at_year_end', y.unfinishedAtYearEnd, f, unitId, [f.deadlineEventId!], `${n}: due ${f.deadline}, not reported fixed by 31 December ${year}.`);
      }
    }
  }
  for (const held of state.interviews.values())
    for (const i of held) {
      if (i.level !== 'interview' || !i.heldOn.startsWith(prefix)) continue;
      const card = assessedUnit(i.unitId);
      if (card !== null)
        line(card, 'ordinary', 'interview_held', o.interviewHeld, null, i.unitId, [i.eventId], `Principal leader interviewed (约谈) on ${i.heldOn} about ${i.ledgerNumbers.join(', ')}.`);
    }

  const cards: Scorecard[] = [];
  for (const d of drafts.values()) {
    let ordinary = rules.base * 10;
    let yearEndPart = rules.base * 10;
    let score = rules.base * 1000;
    const lines: ScoreLine[] = [
      {
        id: 'base',
        part: 'base',
        rule: 'base',
        points: rules.base,
        contribution: rules.base,
        problemId: null,
        ledgerNumber: null,
        unitId: d.unitId,
        eventIds: [],
        explanation: `Each part starts at ${rules.base}: ${rules.ordinaryWeightPercent}% ordinary-time (平时) and ${rules.yearEndWeightPercent}% year-end (集中考核).`,
        exemption: null,
      },
    ];
    const totals = new Map<string, { part: ScorePart; rule: ScoreRule; lines: number; exempted: number; t: number; c: number }>();
    for (let i = 0; i < d.lines.length; i++) {
      const l = d.lines[i]!;
      const t = d.tenths[i]!;
      const exemption = t < 0 ? (exemptions.get(`${d.unitId}/${l.id}`) ?? null) : null;
      const weight = l.part === 'ordinary' ? rules.ordinaryWeightPercent : rules.yearEndWeightPercent;
      const contribution = exemption ? 0 : t * weight;
      const key = `${l.part}/${l.rule}`;
      let total = totals.get(key);
      if (!total) totals.set(key, (total = { part: l.part, rule: l.rule, lines: 0, exempted: 0, t: 0, c: 0 }));
      total.lines += 1;
      if (exemption) total.exempted += 1;
      else total.t += t;
      total.c += contribution;
      if (!exemption) {
        if (l.part === 'ordinary') ordinary += t;
        else yearEndPart += t;
      }
      score += contribution;
      l.contribution = contribution / 1000;
      l.exemption = exemption;
      lines.push(l);
    }
    const total = score / 1000;
    const grade = gradeFor(total, rules);
    cards.push({
      unitId: d.unitId,
      year,
      policyVersion: policy.version,
      asOf: at.instant,
      provisional: !yearOver,
      ordinaryScore: ordinary / 10,
      yearEndScore: yearEndPart / 10,
      score: total,
      grade,
      veto: grade === 'poor',
      rank: 0,
      lines,
      breakdown: [
        { part: 'base', rule: 'base', lines: 1, exempted: 0, points: rules.base, contribution: rules.base },
        ...[...totals.values()].map(({ part, rule, lines: n, exempted, t, c }) => ({ part, rule, lines: n, exempted, points: t / 10, contribution: c / 1000 })),
      ],
      exemptions: [...exemptions.values()].filter((e) => e.unitId === d.unitId),
    });
  }
  const name = (id: string) => state.units.get(id)?.name ?? id;
  cards.sort((a, b) => b.score - a.score || name(a.unitId).localeCompare(name(b.unitId), 'zh-CN') || a.unitId.localeCompare(b.unitId));
  cards.forEach((c, i) => (c.rank = i > 0 && cards[i - 1]!.score === c.score ? cards[i - 1]!.rank : i + 1));
  return cards;
}

/** The SHA-256 of the cards' contents (scores, grades, ranks and every line): what finalization freezes. */
export function cardsHash(cards: readonly Scorecard[]): string {
  const hash = createHash('sha256');
  for (const c of cards) {
    hash.update(JSON.stringify([c.unitId, c.year, c.policyVersion, c.score, c.grade, c.veto, c.rank]));
    for (const l of c.lines) hash.update(JSON.stringify([l.id, l.part, l.points, l.contribution, l.problemId, l.eventIds, l.exemption?.exemptionId ?? null]));
  }
  return hash.digest('hex');
}

/** What changed between a frozen card and the same card computed now. */
export type CardDifference = {
  scoreDelta: number;
  gradeChanged: boolean;
  added: ScoreLine[];
  removed: ScoreLine[];
  changed: { before: ScoreLine; after: ScoreLine }[];
};

export function cardDifference(before: Scorecard, after: Scorecard): CardDifference {
  const old = new Map(before.lines.map((l) => [l.id, l]));
  const now = new Map(after.lines.map((l) => [l.id, l]));
  const changed: CardDifference['changed'] = [];
  for (const [id, l] of now) {
    const o = old.get(id);
    if (o && (o.points !== l.points || o.contribution !== l.contribution)) changed.push({ before: o, after: l });
  }
  return {
    scoreDelta: Math.round((after.score - before.score) * 1000) / 1000,
    gradeChanged: before.grade !== after.grade,
    added: after.lines.filter((l) => !old.has(l.id)),
    removed: before.lines.filter((l) => !now.has(l.id)),
    changed,
  };
}

export function partLabel(part: ScorePart): string {
  switch (part) {
    case 'base':
      return '基础分';
    case 'ordinary':
      return '平时';
    case 'year_end':
      return '集中考核';
    default:
      return assertNever(part);
  }
}
