import { gql } from '../shared/api';

/** What the server says the signed-in user may do with the card's year now (Scorecard.availableActions). */
export type ScorecardAction = 'grantExemption' | 'finalizeAssessment' | 'verifyAssessment' | 'recordAssessmentItem';
/** What the server says the signed-in user may do with a deduction or its application now. */
export type ApplicationAction = 'applyForExemption' | 'withdrawExemptionApplication' | 'decideExemptionApplication' | 'grantExemption';
export type FileRef = { name: string; sha256: string; size: number; contentType?: string | null };
/** 容错纠错 applied for: a value of the server's vocabulary for the distinction and the status. */
export type Application = {
  id: string;
  status: string;
  overdue: boolean;
  reviewBy: string;
  distinction: string | null;
  byCommittee: boolean;
  statement: string;
  files: FileRef[];
  appliedBy: string;
  decision: { reasons: string | null; decidedBy: string | null } | null;
  availableActions: ApplicationAction[];
};
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
  application: Application | null;
  item: { title: string; evidence: string; recordedBy: string; files: FileRef[] } | null;
  availableActions: ApplicationAction[];
};
export type CardDetail = Card & { lines: ScoreLine[] };
export type Reproduction = { verified: boolean; summary: string; checkpoint: { number: number } | null };

const CARD = 'unit { id name } year rank score ordinaryScore yearEndScore grade veto frozen provisional policyVersion availableActions';
const APPLICATION =
  'id status overdue reviewBy distinction byCommittee statement files { name sha256 size } appliedBy decision { reasons decidedBy } availableActions';
const LINES = `lines { id part rule points contribution ledgerNumber eventIds explanation exempted exemption { reason approvedBy }
  application { ${APPLICATION} } item { title evidence recordedBy files { name sha256 size } } availableActions }`;

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

/** 容错纠错: a unit's head applies on one deduction of their unit's card, with the distinction, a statement and files. */
export async function applyForExemption(input: {
  unitId: string;
  year: number;
  lineId: string;
  distinction: string;
  statement: string;
  files: FileRef[];
}): Promise<void> {
  await gql(
    `mutation($u: ID!, $y: Int!, $l: String!, $d: ExemptionDistinction!, $s: String!, $f: [EvidenceFileInput!]) {
      applyForExemption(unitId: $u, year: $y, lineId: $l, distinction: $d, statement: $s, files: $f) { replayed } }`,
    { u: input.unitId, y: input.year, l: input.lineId, d: input.distinction, s: input.statement, f: input.files },
  );
}

/** The applying unit takes its application back. */
export async function withdrawExemptionApplication(year: number, applicationId: string): Promise<void> {
  await gql(`mutation($y: Int!, $a: ID!) { withdrawExemptionApplication(year: $y, applicationId: $a) { replayed } }`, {
    y: year,
    a: applicationId,
  });
}

/** An application in the committee's queue, with the deduction it names and the triggers an approval may resolve. */
export type QueuedApplication = Application & {
  unit: { id: string; name: string } | null;
  lineId: string;
  rule: string;
  points: number;
  problem: { ledgerNumber: string } | null;
  triggers: { id: string; summaryLabel: { zh: string; en: string } }[];
};

/** The year's applications, the pending ones unless all are asked for. */
export const fetchApplications = async (year: number, all: boolean): Promise<QueuedApplication[]> =>
  (
    await gql<{ exemptionApplications: QueuedApplication[] }>(
      `query($y: Int!, $s: ExemptionApplicationStatus) { exemptionApplications(year: $y, status: $s) {
        ${APPLICATION} unit { id name } lineId rule points problem { ledgerNumber } triggers { id summaryLabel { zh en } } } }`,
      { y: year, s: all ? null : 'pending' },
    )
  ).exemptionApplications;

/** The committee approves or refuses, with its reasons (and, approving, a trigger to resolve). */
export async function decideExemptionApplication(input: {
  year: number;
  applicationId: string;
  decision: 'approve' | 'refuse';
  reasons: string;
  decidedBy: string;
  resolveTriggerId: string | null;
}): Promise<void> {
  await gql(
    `mutation($y: Int!, $a: ID!, $d: ExemptionDecision!, $r: String!, $b: String!, $t: ID) {
      decideExemptionApplication(year: $y, applicationId: $a, decision: $d, reasons: $r, decidedBy: $b, resolveTriggerId: $t) { replayed } }`,
    { y: input.year, a: input.applicationId, d: input.decision, r: input.reasons, b: input.decidedBy, t: input.resolveTriggerId },
  );
}

/** 考核事项: the committee records a further assessment item for the unit and year. */
export async function recordAssessmentItem(input: {
  unitId: string;
  year: number;
  kind: string;
  points: number;
  title: string;
  evidence: string;
  files: FileRef[];
}): Promise<void> {
  await gql(
    `mutation($u: ID!, $y: Int!, $k: AssessmentItemKind!, $p: Float!, $t: String!, $e: String!, $f: [EvidenceFileInput!]) {
      recordAssessmentItem(unitId: $u, year: $y, kind: $k, points: $p, title: $t, evidence: $e, files: $f) { replayed } }`,
    { u: input.unitId, y: input.year, k: input.kind, p: input.points, t: input.title, e: input.evidence, f: input.files },
  );
}
