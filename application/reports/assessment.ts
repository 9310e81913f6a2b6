import { Grade, type Grade as GradeName, type ScoreRule, countyDay, scoreRuleLabel } from '../../domain/index.js';
import type { FactsState, FinalizationFacts } from '../../projections/problemFacts.js';
import type { Scorecard } from '../../projections/scorecards/card.js';

/** One unit's line of the annual ranking, as its frozen card says. */
export type RankingRow = {
  rank: number;
  unitId: string;
  unitName: string;
  /** 平时, 集中考核, 总分. */
  ordinaryScore: number;
  yearEndScore: number;
  score: number;
  grade: GradeName;
  /** 一票否决. */
  veto: boolean;
};

/** An exemption (容错纠错) granted on a frozen card: the deduction it removed and why. */
export type ExemptionRow = {
  unitId: string;
  unitName: string;
  ledgerNumber: string | null;
  /** The scoring rule of the deduction, in Chinese. */
  rule: string;
  /** The deduction's points (negative). */
  points: number;
  reason: string;
  approvedBy: string;
  /** The county day it was granted. */
  grantedOn: string;
};

/**
 * The annual assessment report (年度考核结果通报): the finalized year's ranking, grades, the one-vote
 * veto list (一票否决) and the exemptions, every figure read off the frozen cards.
 */
export type AssessmentReport = {
  year: number;
  finalization: FinalizationFacts;
  /** The frozen cards recomputed from the log at the finalization's position hash to what was frozen. */
  reproduced: boolean;
  ranking: RankingRow[];
  /** How many units got each grade, in the grades' order (好, 较好, 一般, 较差). */
  gradeCounts: { grade: GradeName; count: number }[];
  vetoed: RankingRow[];
  exemptions: ExemptionRow[];
};

/** The report from the year's frozen cards (ranked) and the facts that name the units. */
export function assessmentReport(
  finalization: FinalizationFacts,
  cards: Scorecard[],
  reproduced: boolean,
  facts: FactsState,
): AssessmentReport {
  const name = (unitId: string) => facts.units.get(unitId)?.name ?? unitId;
  const ranking = [...cards]
    .sort((a, b) => a.rank - b.rank || name(a.unitId).localeCompare(name(b.unitId), 'zh'))
    .map((c) => ({
      rank: c.rank,
      unitId: c.unitId,
      unitName: name(c.unitId),
      ordinaryScore: c.ordinaryScore,
      yearEndScore: c.yearEndScore,
      score: c.score,
      grade: c.grade,
      veto: c.veto,
    }));
  const exemptions = ranking.flatMap((row) => {
    const card = cards.find((c) => c.unitId === row.unitId)!;
    return card.exemptions.map((e) => ({
      unitId: row.unitId,
      unitName: row.unitName,
      ledgerNumber: card.lines.find((l) => l.id === e.lineId)?.ledgerNumber ?? null,
      rule: scoreRuleLabel[e.rule as ScoreRule] ?? e.rule,
      points: e.points,
      reason: e.reason,
      approvedBy: e.approvedBy,
      grantedOn: countyDay(e.occurredAt),
    }));
  });
  return {
    year: finalization.year,
    finalization,
    reproduced,
    ranking,
    gradeCounts: Grade.options.map((grade) => ({ grade, count: ranking.filter((r) => r.grade === grade).length })),
    vetoed: ranking.filter((r) => r.veto),
    exemptions,
  };
}
