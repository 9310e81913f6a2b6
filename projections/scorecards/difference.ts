import type { ScoreLine, Scorecard } from './card.js';

/** What changed between a frozen card and the same card computed now (or under another policy): shown beside it, never rewriting it. */
export type CardDifference = {
  scoreDelta: number;
  gradeChanged: boolean;
  added: ScoreLine[];
  removed: ScoreLine[];
  changed: { before: ScoreLine; after: ScoreLine }[];
};

/** The lines added, removed and changed (by line id), and the score and grade moved, from `before` to `after`. */
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
