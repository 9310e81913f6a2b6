import { gql } from '../shared/api';

/** What the server says the signed-in user may do with the card's year now (Scorecard.availableActions). */
export type ScorecardAction = 'grantExemption' | 'finalizeAssessment' | 'verifyAssessment';
export type Card = {
  unit: { id: string; name: string } | null;
  year: number;
  rank: number;
  score: number;
  ordinaryScore: number;
  yearEndScore: number;
  /** A value of the server's vocabulary (grades). */
  grade: string;
  veto: boolean;
  frozen: boolean;
  provisional: boolean;
  policyVersion: number;
  availableActions: ScorecardAction[];
};
export type ScoreLine = {
  id: string;
  /** A score part and rule: values of the server's vocabulary (shared/vocabulary.tsx). */
  part: string;
  rule: string;
  points: number;
  contribution: number;
  ledgerNumber: string | null;
  eventIds: string[];
  explanation: string;
  exempted: boolean;
  exemption: { reason: string; approvedBy: string } | null;
};
export type CardDetail = Card & { lines: ScoreLine[] };
export type Reproduction = { verified: boolean; summary: string; checkpoint: { number: number } | null };

const CARD = 'unit { id name } year rank score ordinaryScore yearEndScore grade veto frozen provisional policyVersion availableActions';
const LINES = 'lines { id part rule points contribution ledgerNumber eventIds explanation exempted exemption { reason approvedBy } }';

/** The year's ranking. */
export const fetchCards = async (year: number): Promise<Card[]> =>
  (await gql<{ scorecards: Card[] }>(`query($y: Int!) { scorecards(year: $y) { ${CARD} } }`, { y: year })).scorecards;

/** The year's cards with every line, for the export. */
export const fetchCardsWithLines = async (year: number): Promise<CardDetail[]> =>
  (await gql<{ scorecards: CardDetail[] }>(`query($y: Int!) { scorecards(year: $y) { ${CARD} ${LINES} } }`, { y: year })).scorecards;

/** One unit's card with its lines. */
export const fetchCard = async (unitId: string, year: number): Promise<CardDetail | null> =>
  (
    await gql<{ scorecard: CardDetail | null }>(`query($u: ID!, $y: Int!) { scorecard(unitId: $u, year: $y) { ${CARD} ${LINES} } }`, {
      u: unitId,
      y: year,
    })
  ).scorecard;

/** A finalized year recomputed from its pinned log position and held against its checkpoint (issue 6). */
export const verifyAssessment = async (year: number): Promise<Reproduction> =>
  (
    await gql<{ verifyAssessment: Reproduction }>(
      `query($y: Int!) { verifyAssessment(year: $y) { verified summary checkpoint { number } } }`,
      { y: year },
    )
  ).verifyAssessment;

/** 考核定档. */
export async function finalizeAssessment(year: number): Promise<void> {
  await gql(`mutation($y: Int!) { finalizeAssessment(year: $y) { replayed } }`, { y: year });
}

/** 容错纠错: one deduction removed, with the reason and who approved it. */
export async function grantExemption(input: {
  unitId: string;
  year: number;
  lineId: string;
  reason: string;
  approvedBy: string;
}): Promise<void> {
  await gql(
    `mutation($u: ID!, $y: Int!, $l: String!, $r: String!, $a: String!) { grantExemption(unitId: $u, year: $y, lineId: $l, reason: $r, approvedBy: $a) { replayed } }`,
    { u: input.unitId, y: input.year, l: input.lineId, r: input.reason, a: input.approvedBy },
  );
}
