import { gql } from '../shared/api';
import type { Count, Light } from '../shared/Tiles';

/** The figures of a line that drill down to their ledger numbers. */
export const LINE_FIGURES = ['raised', 'closed', 'closedOnTime', 'overdue'] as const;
export type LineFigure = (typeof LINE_FIGURES)[number];
export type Counts = { raised: number; closed: number; overdue: number; onTimeClosureRate: number | null };
export type Line = {
  figures: Record<LineFigure, Count> & { onTimeClosureRate: number | null };
  previous: Counts;
  change: Counts;
  light: Light;
};
export type UnitLine = Line & { unitId: string; name: string; rank: number; mine: boolean };
export type Publication = { at: string; by: string; position: number; hash: string; policyVersion: number };
export type Difference = { path: string; before: string | null; after: string | null; added: string[]; removed: string[] };

/** 月通报 as the page shows it (api/schema/bulletin.ts). */
export type Bulletin = {
  month: string;
  from: string;
  through: string;
  complete: boolean;
  policyVersion: number;
  hash: string;
  county: Line;
  units: UnitLine[];
  myLine: UnitLine | null;
  redUnits: { unitId: string; name: string; red: Count }[];
  longestOverdue: { ledgerNumber: string; unitName: string | null; deadline: string; overdueSince: string; daysOverdue: number }[];
  supervision: { issued: Count; answered: Count };
  interviews: { held: Count; list: { interviewId: string; unitName: string; heldOn: string; ledgerNumbers: string[] }[] };
  hotline: Record<'received' | 'accepted' | 'dismissed' | 'pending', Count>;
  recurrences: { raised: Count; reopened: Count };
  published: Publication | null;
  reproduced: boolean | null;
  difference: Difference[] | null;
  docx: string;
  xlsx: string;
};

const COUNT = '{ count ledgerNumbers }';
const COUNTS = 'raised closed overdue onTimeClosureRate';
const LINE = `figures { ${LINE_FIGURES.map((f) => `${f} ${COUNT}`).join(' ')} onTimeClosureRate } previous { ${COUNTS} } change { ${COUNTS} } light`;
const PUBLICATION = 'at by position hash policyVersion';
const BULLETIN = `month from through complete policyVersion hash
  county { ${LINE} }
  units { unitId name rank mine ${LINE} }
  myLine { unitId name rank mine ${LINE} }
  redUnits { unitId name red ${COUNT} }
  longestOverdue { ledgerNumber unitName deadline overdueSince daysOverdue }
  supervision { issued ${COUNT} answered ${COUNT} }
  interviews { held ${COUNT} list { interviewId unitName heldOn ledgerNumbers } }
  hotline { received ${COUNT} accepted ${COUNT} dismissed ${COUNT} pending ${COUNT} }
  recurrences { raised ${COUNT} reopened ${COUNT} }
  published { ${PUBLICATION} } reproduced difference { path before after added removed }
  docx xlsx`;

export async function fetchBulletin(month: string): Promise<Bulletin> {
  return (await gql<{ bulletin: Bulletin }>(`query($m: String!) { bulletin(month: $m) { ${BULLETIN} } }`, { m: month })).bulletin;
}

/** The months published so far, the latest first. */
export async function fetchPublished(): Promise<{ month: string; published: Publication }[]> {
  return (
    await gql<{ bulletinPublications: { month: string; published: Publication }[] }>(
      `{ bulletinPublications { month published { ${PUBLICATION} } } }`,
    )
  ).bulletinPublications;
}

/** 印发: the office publishes the month's bulletin (once; again is answered as it was). */
export async function publishBulletin(month: string): Promise<void> {
  await gql('mutation($m: String!) { publishBulletin(month: $m) { replayed } }', { m: month });
}
