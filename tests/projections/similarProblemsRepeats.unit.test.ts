import { describe, expect, it } from 'vitest';
import {
  emptyIndex,
  indexProblem,
  indexedCount,
  rankSimilar,
  rankingSimilar,
  similarityWeights,
  termCounts,
} from '../../projections/similarProblems.js';

// Words of letters (x + letters: no digit, so each is a word whatever the ICU build's dictionary).
const word = (i: number) => `x${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
type Raise = { problemId: string; category: 'housing' | 'health'; source: 'audit' | 'hotline'; description: string };

/** The formula written out, summed as the ranking has always summed it: dot += (w_q × count) × idf in the query's order; norm over the problem's words in its order. */
function formula(corpus: Raise[], query: { text: string; category?: string; source?: string }, limit: number) {
  const df = new Map<string, number>();
  for (const d of corpus) for (const t of termCounts(d.description).keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = corpus.length;
  const idf = (t: string) => Math.log((n + 1) / ((df.get(t) ?? 0) + 1)) + 1;
  const q = [...termCounts(query.text)].map(([t, c]) => [t, c * idf(t)] as const);
  let queryNorm = 0;
  for (const [, w] of q) queryNorm += w * w;
  return corpus
    .map((d) => {
      const counts = termCounts(d.description);
      let dot = 0;
      for (const [t, w] of q) if (counts.has(t)) dot = dot + w * counts.get(t)! * idf(t);
      let norm = 0;
      for (const [t, c] of counts) norm += (c * idf(t)) ** 2;
      const textSimilarity = dot / Math.sqrt(queryNorm * norm);
      const score =
        textSimilarity +
        (d.category === query.category ? similarityWeights.sameCategory : 0) +
        (d.source === query.source ? similarityWeights.sameSource : 0);
      return { id: d.problemId, dot, textSimilarity, score };
    })
    .filter((m) => m.dot > 0 && m.textSimilarity >= similarityWeights.minTextSimilarity)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

/** Problems of 1–4 words out of 12, each held 1 to 4 times; ids whose ledger order is not their number's. */
function corpusOf(size: number, seed: number): Raise[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  return Array.from({ length: size }, (_, i) => {
    const parts: string[] = [];
    for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) parts.push(...Array(1 + Math.floor(rnd() * 4)).fill(word(Math.floor(rnd() * 12))));
    return {
      problemId: `p${(i * 7919) % size}-${i}`,
      category: i % 3 ? 'housing' : 'health',
      source: i % 2 ? 'audit' : 'hotline',
      description: parts.join(' '),
    };
  });
}
const queries = [
  { text: `${word(0)} ${word(0)} ${word(1)}` },
  { text: `${word(3)} ${word(3)} ${word(3)}`, category: 'housing' },
  { text: `${word(2)} ${word(5)} ${word(5)} ${word(7)} ${word(7)} ${word(7)}`, category: 'health', source: 'audit' },
];

describe('a description holding a word more than once (a posting entry -(n + 1))', () => {
  it('given problems holding their words 1–4 times, when ranked, then each answer is the formula’s: the same problems in the same order, scores to 12 places', () => {
    const corpus = corpusOf(600, 11);
    const index = emptyIndex();
    for (const r of corpus) indexProblem(index, r);
    expect(corpus.some((r) => [...termCounts(r.description).values()].some((c) => c >= 3))).toBe(true);
    for (const query of queries)
      for (const limit of [1, 5, 40]) {
        const found = rankSimilar(index, query as never, limit);
        const expected = formula(corpus, query, limit);
        expect(found.map((m) => m.problemId)).toEqual(expected.map((m) => m.id));
        found.forEach((m, i) => expect(m.score).toBeCloseTo(expected[i]!.score, 12));
      }
  });

  it('given the same, when ranked, then each score is the formula’s summed in the same order, bit for bit (ties decided by id, not by a rounding)', () => {
    const corpus = corpusOf(600, 11);
    const index = emptyIndex();
    for (const r of corpus) indexProblem(index, r);
    for (const query of queries)
      for (const limit of [1, 5, 40]) {
        const found = rankSimilar(index, query as never, limit);
        expect(found.map((m) => [m.problemId, m.score])).toEqual(formula(corpus, query, limit).map((m) => [m.id, m.score]));
      }
  });

  it('given a ranking paused, when problems holding the query’s words more than once are indexed during the pause, then they are not met and the idf is the one before them', () => {
    const corpus = corpusOf(30_000, 5);
    const index = emptyIndex();
    for (const r of corpus) indexProblem(index, r);
    const query = queries[0]!;
    const atOnce = rankSimilar(index, query as never, 10);
    const steps = rankingSimilar(index, query as never, 10);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) {
      pauses += 1;
      // Every entry added for the query's words is -(m + 1): each new problem holds each of its words twice.
      if (pauses === 1)
        for (let i = 0; i < 500; i++)
          indexProblem(index, {
            problemId: `a${i}`,
            category: 'housing',
            source: 'audit',
            description: `${word(0)} ${word(0)} ${word(1)} ${word(1)}`,
          });
    }
    expect(pauses).toBeGreaterThan(1);
    expect(indexedCount(index)).toBe(30_500);
    expect(step.value).toEqual(atOnce);
  });
});
