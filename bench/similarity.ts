import { emptyIndex, indexProblem, rankSimilar } from '../projections/similarProblems.js';
import { labelledDescriptions } from '../tests/support/descriptions.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * 举一反三, measured: how well `similarProblems` finds the problems a person would call the same
 * kind. The labelled set (tests/data/similarityCases.tsv) was written for this measure from the
 * demo's categories: 30 cases of 3 descriptions each, as different townships and sources would word
 * the same problem; several cases share a category (危房 not yet rebuilt / 危改 subsidy unpaid /
 * relocated households not moving in), so a category alone cannot tell them apart. Two descriptions
 * of one case are a similar pair (90 pairs); any two of different cases are not similar (3,915
 * pairs, 144 of them in the same category).
 *
 * How it is counted: every description is a query against a corpus of all 90 (itself left out),
 * with its category and source as a raise would give them; top5 is what `rankSimilar` lists, at
 * most 5 (fewer when fewer pass its text threshold). For each query, hits = its similar partners in
 * top5. Recall@5 = Σ hits / Σ partners (2 per query); precision@5 = Σ hits / Σ |top5|. With 2
 * partners per query and 5 listed, precision@5 cannot exceed 0.4 when all 5 places are filled.
 */
export type SimilarityFigures = {
  descriptions: number;
  similarPairs: number;
  notSimilarPairs: number;
  sameCategoryNotSimilarPairs: number;
  hits: number;
  partners: number;
  listed: number;
  precisionAt5: number;
  recallAt5: number;
  /** Queries whose best match is one of their partners. */
  firstIsSimilar: number;
};

/** Ranks every description against the others and counts, as the comment above says. `textOnly` leaves the category and source out of the queries. */
export function measureSimilarity(textOnly = false): SimilarityFigures {
  const set = labelledDescriptions();
  const index = emptyIndex();
  for (const d of set) indexProblem(index, { problemId: d.id, category: d.category, source: d.source, description: d.text });
  const caseOf = new Map(set.map((d) => [d.id, d.caseId]));
  let hits = 0;
  let partners = 0;
  let listed = 0;
  let firstIsSimilar = 0;
  for (const d of set) {
    const top5 = rankSimilar(
      index,
      { text: d.text, category: textOnly ? null : d.category, source: textOnly ? null : d.source, excludeProblemId: d.id },
      5,
    );
    partners += set.filter((o) => o.id !== d.id && o.caseId === d.caseId).length;
    hits += top5.filter((m) => caseOf.get(m.problemId) === d.caseId).length;
    listed += top5.length;
    if (top5[0] && caseOf.get(top5[0].problemId) === d.caseId) firstIsSimilar += 1;
  }
  let similarPairs = 0;
  let notSimilarPairs = 0;
  let sameCategoryNotSimilarPairs = 0;
  for (let i = 0; i < set.length; i++)
    for (let j = i + 1; j < set.length; j++) {
      if (set[i]!.caseId === set[j]!.caseId) similarPairs += 1;
      else {
        notSimilarPairs += 1;
        if (set[i]!.category === set[j]!.category) sameCategoryNotSimilarPairs += 1;
      }
    }
  return {
    descriptions: set.length,
    similarPairs,
    notSimilarPairs,
    sameCategoryNotSimilarPairs,
    hits,
    partners,
    listed,
    precisionAt5: hits / listed,
    recallAt5: hits / partners,
    firstIsSimilar,
  };
}

export async function run(): Promise<FigureTable> {
  const row = (name: string, f: SimilarityFigures) => ({
    queries: name,
    'similar found (of 180)': f.hits,
    listed: f.listed,
    'precision@5': f.precisionAt5,
    'recall@5': f.recallAt5,
    'first is similar (of 90)': f.firstIsSimilar,
  });
  const full = measureSimilarity();
  return {
    title: 'Similar problems (举一反三): precision and recall of the top 5 on the labelled set',
    rows: [row('text + category + source (as the app asks)', full), row('text only', measureSimilarity(true))],
    notes: [
      `${full.descriptions} descriptions in 30 cases (tests/data/similarityCases.tsv): ${full.similarPairs} similar pairs, ${full.notSimilarPairs} not similar (${full.sameCategoryNotSimilarPairs} of them in the same category).`,
      'Each description is asked against all the others; with 2 similar partners per query, precision@5 is at most 0.40 when 5 are listed.',
    ],
  };
}

await runIfMain(import.meta.url, run);
