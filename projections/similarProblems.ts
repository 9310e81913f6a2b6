import type { ProblemCategory, ProblemEvent, ProblemSource } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection } from './runner.js';

/**
 * 举一反三: which problems of the ledger resemble a description. Words come from ICU's dictionary
 * segmentation of Chinese (`Intl.Segmenter`, built into Node: no dependency, no hand-written
 * character matching); each description is a TF-IDF vector over those words, compared by cosine.
 * No I/O and no clock but the slices of `currentIndex`: the ranking reads the index it is given (after
 * segmenting what it has pending).
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * Words that say nothing about what the problem is: grammar (的, 了, 在…), and the ledger's own
 * boilerplate that every description may carry (问题, 情况, 存在…). Numbers and punctuation are
 * left out by `words` itself.
 */
const STOP_WORDS = new Set(
  (
    '的 了 在 是 和 与 及 等 对 未 已 有 无 不 为 被 把 将 由 从 到 向 于 其 个 中 后 前 时 也 都 并 而 或 但 就 又 还 该 此 这 那 ' +
    '之 以 所 给 让 因 因为 所以 如 如果 且 即 再 仍 尚 均 各 每 些 一些 一个 没有 进行 存在 问题 情况 有关 相关 方面 工作 部分 ' +
    '要求 其中 目前 现 已经 以及 或者 并且 通过 按照 根据 关于 对于 由于 其他 一 二 三 名 户 人 元 万 次 年 月 日 号'
  ).split(' '),
);

/** The words of a text that can tell one problem from another, in order, with repeats. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (!isWordLike || /^[\p{N}.]+$/u.test(segment) || STOP_WORDS.has(segment)) continue;
    out.push(segment);
  }
  return out;
}

/** A description's term counts. */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/**
 * One indexed description and what the boosts compare. `terms`: its words and their counts, one after
 * the other in the order they first appear ([word, count, word, count, …]), each word the index's one
 * copy of it (issue 12, aim 2: a Map per problem and a string per word of every description held some
 * 40 MB per million events).
 */
export type IndexedProblem = { problemId: string; category: ProblemCategory; source: ProblemSource; terms: (string | number)[] };

/** How many times a problem's description holds a word (0: not at all). */
function countOf(p: IndexedProblem, term: string): number {
  const terms = p.terms;
  for (let i = 0; i < terms.length; i += 2) if (terms[i] === term) return terms[i + 1] as number;
  return 0;
}

/** A word the index holds: its one copy, and the problems whose description holds it, in the order they were indexed. */
type Posting = { term: string; problemIds: string[] };

/** A raise the projection took but has not segmented yet. */
export type PendingProblem = Omit<IndexedProblem, 'terms'> & { description: string };

/**
 * The index: every raised problem's terms, and for each term the problems that hold it (document
 * frequency is its size). `pending`: the raises taken but not yet segmented (issue 12: segmenting is
 * most of the index's cost, 0.9 s of a cold start at a million events, so a catch-up only queues them
 * and `currentIndex` segments them after, in slices). Nothing ranks from an index with raises pending.
 */
export type SimilarityIndex = { problems: Map<string, IndexedProblem>; postings: Map<string, Posting>; pending: PendingProblem[] };

export const emptyIndex = (): SimilarityIndex => ({ problems: new Map(), postings: new Map(), pending: [] });

/** Adds a problem's description to the index (a second add of the same problem is ignored: a description never changes). */
export function indexProblem(index: SimilarityIndex, p: PendingProblem): void {
  if (index.problems.has(p.problemId)) return;
  const terms: (string | number)[] = [];
  for (const [term, count] of termCounts(p.description)) {
    let posting = index.postings.get(term);
    if (!posting) index.postings.set(term, (posting = { term, problemIds: [] }));
    posting.problemIds.push(p.problemId);
    terms.push(posting.term, count);
  }
  index.problems.set(p.problemId, { problemId: p.problemId, category: p.category, source: p.source, terms });
}

/**
 * Segments the raises pending, in the order they were taken, for at most `budgetMs` (all of them
 * without one); true when none is left.
 */
export function indexPending(index: SimilarityIndex, budgetMs = Number.POSITIVE_INFINITY): boolean {
  const { pending } = index;
  const until = performance.now() + budgetMs;
  let done = 0;
  // The clock is read every 64 raises: a raise takes microseconds.
  while (done < pending.length) {
    indexProblem(index, pending[done]!);
    done += 1;
    if ((done & 63) === 0 && performance.now() >= until) break;
  }
  pending.splice(0, done);
  return pending.length === 0;
}

/** Slices of segmenting between which the event loop runs: well under the 50 ms a piece of work may hold it. */
const SLICE_MS = 10;
const draining = new WeakMap<SimilarityIndex, Promise<SimilarityIndex>>();

/**
 * The index with every raise it has taken segmented: at once when none is pending, otherwise once
 * the raises are, segmented `SLICE_MS` at a time with the event loop running between (one run for
 * every caller). A start calls it once it is current, and a query waits for it: a similar-problems
 * answer waits for the index (at most about a second after a cold start at a million events), never
 * comes from part of it.
 */
export function currentIndex(index: SimilarityIndex): Promise<SimilarityIndex> {
  if (index.pending.length === 0) return Promise.resolve(index);
  let run = draining.get(index);
  if (!run) {
    run = new Promise<SimilarityIndex>((resolve, reject) => {
      const slice = () => {
        try {
          if (!indexPending(index, SLICE_MS)) return void setImmediate(slice);
          draining.delete(index);
          resolve(index);
        } catch (error) {
          draining.delete(index);
          reject(error);
        }
      };
      setImmediate(slice);
    });
    draining.set(index, run);
  }
  return run;
}

/** What a problem is compared with: a description, and the category and source when known. */
export type SimilarityQuery = {
  text: string;
  category?: ProblemCategory | null;
  source?: ProblemSource | null;
  /** Left out of the answer: the problem asked about itself. */
  excludeProblemId?: string | null;
};

/** One resembling problem: its score and why. */
export type SimilarMatch = {
  problemId: string;
  /** Cosine of the TF-IDF vectors (0–1) plus the boosts. */
  score: number;
  textSimilarity: number;
  /** The words both descriptions hold, the most telling (highest weight) first. */
  sharedWords: string[];
  sameCategory: boolean;
  sameSource: boolean;
};

/**
 * The boosts, ours: the same category (问题类别) makes a problem more likely the same kind; the same
 * source less so (a national inspection finds every kind). A boost never makes a match on its own:
 * only problems whose text resembles (cosine at least `minTextSimilarity`) are listed.
 */
export const similarityWeights = { sameCategory: 0.15, sameSource: 0.05, minTextSimilarity: 0.08 } as const;

/** Smoothed inverse document frequency: a word in every description still weighs a little. */
const idf = (n: number, df: number) => Math.log((n + 1) / (df + 1)) + 1;

/**
 * The problems of the index that resemble the query, best first, at most `limit`: cosine of TF-IDF
 * vectors (counts × idf over the indexed descriptions) plus the boosts; ties in ledger order of
 * their ids, so an answer is stable.
 */
export function rankSimilar(index: SimilarityIndex, query: SimilarityQuery, limit: number): SimilarMatch[] {
  // Whatever is still pending is segmented first (a caller that awaited `currentIndex` finds none, or the few a raise since added).
  indexPending(index);
  const n = index.problems.size;
  const q = termCounts(query.text);
  const weight = new Map<string, number>();
  let queryNorm = 0;
  for (const [term, count] of q) {
    const w = count * idf(n, index.postings.get(term)?.problemIds.length ?? 0);
    weight.set(term, w);
    queryNorm += w * w;
  }
  if (queryNorm === 0) return [];
  const dots = new Map<string, number>();
  for (const [term, w] of weight)
    for (const id of index.postings.get(term)?.problemIds ?? []) {
      if (id === query.excludeProblemId) continue;
      dots.set(id, (dots.get(id) ?? 0) + w * countOf(index.problems.get(id)!, term) * idf(n, index.postings.get(term)!.problemIds.length));
    }
  const matches: SimilarMatch[] = [];
  for (const [id, dot] of dots) {
    const p = index.problems.get(id)!;
    let norm = 0;
    for (let i = 0; i < p.terms.length; i += 2) {
      const w = (p.terms[i + 1] as number) * idf(n, index.postings.get(p.terms[i] as string)!.problemIds.length);
      norm += w * w;
    }
    const textSimilarity = dot / Math.sqrt(queryNorm * norm);
    if (textSimilarity < similarityWeights.minTextSimilarity) continue;
    const sameCategory = query.category != null && p.category === query.category;
    const sameSource = query.source != null && p.source === query.source;
    const shared = [...weight.keys()].filter((t) => countOf(p, t) > 0);
    shared.sort((a, b) => weight.get(b)! - weight.get(a)! || (a < b ? -1 : 1));
    matches.push({
      problemId: id,
      score: textSimilarity + (sameCategory ? similarityWeights.sameCategory : 0) + (sameSource ? similarityWeights.sameSource : 0),
      textSimilarity,
      sharedWords: shared.slice(0, 8),
      sameCategory,
      sameSource,
    });
  }
  matches.sort((a, b) => b.score - a.score || (a.problemId < b.problemId ? -1 : 1));
  return matches.slice(0, limit);
}

/**
 * The read model: the index of every raised problem's description, kept as the log grows (a raise adds
 * one). A raise is queued (`pending`), segmented by `currentIndex` or the next ranking.
 */
export const similarityIndex: Projection<SimilarityIndex> = {
  name: 'similarity-index',
  // 3: a problem's words as one list, each word kept once; postings as lists.
  version: 3,
  initial: emptyIndex,
  apply(index, event: RecordedEvent) {
    if (event.type !== 'ProblemRaised') return;
    const { problemId, category, source, description } = (event as unknown as Extract<ProblemEvent, { type: 'ProblemRaised' }>).data;
    index.pending.push({ problemId, category, source, description });
  },
};
