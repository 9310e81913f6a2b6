import type { Grade, ScorePart, ScoreRule } from '../../domain/index.js';
import type { AssessmentItemFacts, ExemptionApplicationFacts, ExemptionFacts } from '../problemFacts.js';

/*
 * A unit's annual scorecard (年度考核) and its lines: what the accumulator (accumulator.ts) gives,
 * finalization (finalized.ts) freezes and the difference (difference.ts) compares.
 */

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
  /** The latest 容错纠错 application on this deduction (pending, approved, refused or withdrawn); null for none or a gain. */
  application: ExemptionApplicationFacts | null;
  /** The further assessment item (考核事项) the line is, with its evidence and who entered it; null for other lines. */
  item: AssessmentItemFacts | null;
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
