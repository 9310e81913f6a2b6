import type { ProblemCategory, ProblemEvent, ProblemSource } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import { type ShardedMap, chunkAt, pushChunked, shardFor, shardedMap } from './growingMap.js';
import type { Projection } from './runner.js';
import { atOnce, sliced, yieldToEventLoop } from './slices.js';

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

/** A raise the projection took but has not segmented yet. */
export type PendingProblem = { problemId: string; category: ProblemCategory; source: ProblemSource; description: string };

/** An Int32Array that grows by doubling: `data` has room beyond `length`. */
type Ints = { data: Int32Array; length: number };
const ints = (capacity = 4): Ints => ({ data: new Int32Array(capacity), length: 0 });
function pushInt(list: Ints, value: number): void {
  if (list.length === list.data.length) {
    const grown = new Int32Array(list.data.length * 2);
    grown.set(list.data);
    list.data = grown;
  }
  list.data[list.length++] = value;
}

/**
 * A word the index holds: its one copy, its number in the index (`terms`), and the problems whose
 * description holds it, in the order they were indexed: each by its number when the description holds the word once
 * (nearly always), or as `-(number + 1)` when it holds it more than once (`entryOf`, `problemOfEntry`): a ranking reads
 * a word's count in a problem from its posting, and looks for it among the problem's pairs only then. `problems`: those
 * indexed since the postings were last folded into `frozen` (`SimilarityIndex`), after the ones there.
 */
type Posting = { term: string; number: number; problems: Ints };

/** A posting's entry for problem `n`, whose description holds the word `count` times. */
const entryOf = (n: number, count: number) => (count === 1 ? n : -(n + 1));
/** The problem of a posting's entry. */
const problemOfEntry = (entry: number) => (entry < 0 ? -entry - 1 : entry);

/**
 * The index: every raised problem's terms, and for each term the problems that hold it (document
 * frequency is its size). `pending`: the raises taken but not yet segmented (issue 12: segmenting is
 * most of the index's cost, 0.9 s of a cold start at a million events, so a catch-up only queues them
 * and `currentIndex` segments them after, in slices). Nothing ranks from an index with raises pending.
 *
 * Packed (issue 12, aim 2: an object, a list and a Map entry per problem held some 37 MB per million
 * events): a problem is a number, in the order it was indexed; `ids`, `categories` and `sources` by
 * that number; its words and their counts one pair after the other in `counts` ([term number, count, …],
 * in the order they first appear in its description), in the block of `counts` its number's (`blockOf`, `pairsOf`), from
 * `starts[number]` to the next problem's start in that block or the block's end; a posting's problems an Int32Array of
 * their numbers (encoded: `entryOf`), those since the last fold (`frozen` the ones before). `counts` in blocks of
 * `BLOCK_PROBLEMS` problems' pairs (`Counts`): before blocks, one Int32Array of every problem's pairs copied itself into
 * one twice as big in one call (with descriptions of some 18 words, turns of 367–431 ms while a start segmented a million
 * raises, the bench `similarity-scale`), and kept up to half of itself empty. `problems`: each id indexed and its number
 * (a second add is ignored),
 * in shards: one Set of a million ids grew its table in one piece of work (44 ms in a micro, a 176 ms turn while a 10M
 * county's first start segmented its raises). `ids`, `categories` and `sources` by number in chunks of 4,096
 * (`pushChunked`, `chunkAt`): as three arrays of a million entries they grew in the same call, each into a new one half
 * as big again, and two turns of a 10M first start's segmenting took 132 and 176 ms (issue 12, round 51, a CPU profile).
 */
export type SimilarityIndex = {
  problems: ShardedMap<number>;
  ids: string[][];
  categories: ProblemCategory[][];
  sources: ProblemSource[][];
  starts: Ints;
  counts: Counts;
  /**
   * Each term's number. Not its posting: a snapshot keeps an object two big containers hold as one object only within a
   * frame of it (projections/snapshots.ts), and a posting read back twice would grow in one place only.
   */
  postings: Map<string, number>;
  /** Each term's posting by its number: the only place a posting is held. */
  terms: Posting[];
  /**
   * Every posting's entries as of the last time they were folded together (`foldingPostings`), term after term: term
   * `t`'s from `frozenStarts[t]` to `frozenStarts[t + 1]` (none for a term numbered since), its later ones in its
   * posting's `problems`. One array, read back from a snapshot as one: at ten million events the 385 postings, each an
   * Int32Array of its own growing by doubling, were 385 buffers a warm start made anew (87 MB; projections/snapshots.ts,
   * `typedFromPieces`, on what each new buffer costs).
   */
  frozen: Int32Array;
  frozenStarts: Int32Array;
  pending: PendingProblem[];
};

export const emptyIndex = (): SimilarityIndex => ({
  problems: shardedMap(),
  ids: [],
  categories: [],
  sources: [],
  starts: ints(),
  counts: { segments: [], wholeSegment: ints(), wholeEnd: ints(), open: ints() },
  postings: new Map(),
  terms: [],
  frozen: new Int32Array(0),
  frozenStarts: new Int32Array(1),
  pending: [],
});

/** The posting of a term, if the index holds it. */
function postingOf(index: SimilarityIndex, term: string): Posting | undefined {
  const number = index.postings.get(term);
  return number === undefined ? undefined : index.terms[number];
}

/** Where term `t`'s frozen entries begin in `frozen`, and how many there are (none for a term numbered since they were). */
const frozenFrom = ({ frozenStarts }: SimilarityIndex, t: number) => (t + 1 < frozenStarts.length ? frozenStarts[t]! : 0);
const frozenCount = ({ frozenStarts }: SimilarityIndex, t: number) =>
  t + 1 < frozenStarts.length ? frozenStarts[t + 1]! - frozenStarts[t]! : 0;

/** How many problems hold the term numbered `t`: its frozen entries and its posting's. */
const documentFrequency = (index: SimilarityIndex, t: number) => frozenCount(index, t) + index.terms[t]!.problems.length;

/** Term `t`'s `i`th entry, in the order its problems were indexed: its frozen ones, then its posting's. */
function entryAt(index: SimilarityIndex, t: number, i: number): number {
  const frozen = frozenCount(index, t);
  return i < frozen ? index.frozen[frozenFrom(index, t) + i]! : index.terms[t]!.problems.data[i - frozen]!;
}

/**
 * Folds every posting's entries into one new `frozen`, term after term, a step each: the postings' own lists are then
 * emptied, but for the entries added while it went on (a raise segmented during its pauses), kept in order after the
 * frozen ones. The new arrays take the place of the old at once, in the last step, so a ranking between two steps reads
 * the postings as they were. Run before a snapshot is written (`settle`) once the postings' own entries are a quarter of
 * the frozen ones or more: a warm start then reads the postings as one array, and the postings keep no room to grow
 * (doubling left up to half of each empty).
 */
export function* foldingPostings(index: SimilarityIndex): Generator<void> {
  const { terms } = index;
  const count = terms.length;
  /** By term: how many of its posting's own entries are folded (those it held when the fold began). */
  const folded = new Int32Array(count);
  let total = 0;
  for (let t = 0; t < count; t++) {
    folded[t] = terms[t]!.problems.length;
    total += frozenCount(index, t) + folded[t]!;
  }
  const frozen = new Int32Array(total);
  const frozenStarts = new Int32Array(count + 1);
  let at = 0;
  for (let t = 0; t < count; t++) {
    frozenStarts[t] = at;
    const from = frozenFrom(index, t);
    const before = frozenCount(index, t);
    frozen.set(index.frozen.subarray(from, from + before), at);
    frozen.set(terms[t]!.problems.data.subarray(0, folded[t]), at + before);
    at += before + folded[t]!;
    yield;
  }
  frozenStarts[count] = at;
  for (let t = 0; t < count; t++) {
    if (folded[t] === 0) continue;
    const own = terms[t]!.problems;
    const left = ints();
    for (let i = folded[t]!; i < own.length; i++) pushInt(left, own.data[i]!);
    terms[t]!.problems = left;
  }
  index.frozen = frozen;
  index.frozenStarts = frozenStarts;
}

/** The fold under way, by index: a second one begun meanwhile would copy again what the first has taken out of the postings. */
const folding = new WeakMap<SimilarityIndex, Promise<void>>();

/** Folds the postings (`foldingPostings`, sliced) when due (`foldDue`); a caller during a fold waits for it. */
function foldedWhenDue(index: SimilarityIndex): Promise<void> {
  let run = folding.get(index);
  if (run === undefined && foldDue(index)) {
    run = sliced(foldingPostings(index)).finally(() => folding.delete(index));
    folding.set(index, run);
  }
  return run ?? Promise.resolve();
}

/** Whether the postings' own entries are enough to fold into `frozen` (a quarter of it or more, and one at least). */
function foldDue(index: SimilarityIndex): boolean {
  let own = 0;
  for (const posting of index.terms) own += posting.problems.length;
  return own > 0 && own * 4 >= index.frozen.length;
}

/**
 * Every problem's pairs, block by block. The block being filled (`open`, the problems from `BLOCK_PROBLEMS` × the whole
 * blocks on) grows by doubling; once whole, its pairs are copied to the end of the last of `segments` and it is filled
 * again from empty. A segment holds whole blocks one after the other, up to `SEGMENT_INTS` (a block is never split: one
 * that does not fit in the room left begins a new segment), the last growing by doubling up to it. Whole block `b`'s
 * pairs are in segment `wholeSegment[b]`, ending at `wholeEnd[b]`; each of its problems' `starts` is where its own begin
 * there (in `open` for the open block's problems).
 *
 * Until the fifty-sixth round each block was an Int32Array of its own, trimmed once whole: at ten million events 1,056
 * of them (147 KB each, 155 MB), each read back from a warm start's snapshot as a buffer of its own, and each new buffer
 * is memory outside V8's heap that V8 answers with collector work (projections/snapshots.ts, `typedFromPieces`). A
 * segment is one array (36 of them there), read back as one.
 */
type Counts = { segments: Int32Array[]; wholeSegment: Ints; wholeEnd: Ints; open: Ints };

/** How many problems' pairs a block of `counts` holds: problem `n`'s are in block `blockOf(n)`. */
export const BLOCK_PROBLEMS = 1024;
const blockOf = (n: number) => Math.floor(n / BLOCK_PROBLEMS);
/** The numbers a segment of whole blocks holds at most (4 MB), unless one block alone holds more. */
export const SEGMENT_INTS = 1 << 20;

/** The array holding problem `n`'s pairs: its block's segment once the block is whole, the open block before. */
const pairsOf = ({ counts }: SimilarityIndex, n: number): Int32Array => {
  const b = blockOf(n);
  return b < counts.wholeSegment.length ? counts.segments[counts.wholeSegment.data[b]!]! : counts.open.data;
};

/** Where problem `n`'s pairs end in `pairsOf`: the next problem's start in its block, or the block's end. */
const endOf = ({ starts, counts }: SimilarityIndex, n: number) => {
  const b = blockOf(n);
  if (n + 1 < starts.length && blockOf(n + 1) === b) return starts.data[n + 1]!;
  return b < counts.wholeEnd.length ? counts.wholeEnd.data[b]! : counts.open.length;
};

/** The open block, whole: its pairs copied to the end of the last segment (or a new one), its problems' starts moved there. */
function closeBlock({ counts, starts }: SimilarityIndex): void {
  const { segments, wholeSegment, wholeEnd, open } = counts;
  const b = wholeSegment.length;
  let used = b === 0 ? 0 : wholeEnd.data[b - 1]!;
  if (segments.length === 0 || (used > 0 && used + open.length > SEGMENT_INTS)) {
    segments.push(new Int32Array(0));
    used = 0;
  }
  const s = segments.length - 1;
  let segment = segments[s]!;
  if (used + open.length > segment.length) {
    const grown = new Int32Array(Math.max(used + open.length, Math.min(SEGMENT_INTS, segment.length * 2)));
    grown.set(segment.subarray(0, used));
    segments[s] = segment = grown;
  }
  segment.set(open.data.subarray(0, open.length), used);
  for (let n = b * BLOCK_PROBLEMS; n < (b + 1) * BLOCK_PROBLEMS; n++) starts.data[n]! += used;
  pushInt(wholeSegment, s);
  pushInt(wholeEnd, used + open.length);
  open.length = 0;
}

/** How many problems the index holds (segmented; not those pending). */
export const indexedCount = (index: SimilarityIndex): number => index.starts.length;

/** How many times problem `n`'s description holds the term numbered `term` (0: not at all). */
function countOf(index: SimilarityIndex, n: number, term: number): number {
  const counts = pairsOf(index, n);
  for (let i = index.starts.data[n]!, end = endOf(index, n); i < end; i += 2) if (counts[i] === term) return counts[i + 1]!;
  return 0;
}

/** Adds a problem's description to the index (a second add of the same problem is ignored: a description never changes). */
export function indexProblem(index: SimilarityIndex, p: PendingProblem): void {
  const indexed = shardFor(index.problems, p.problemId);
  if (indexed.has(p.problemId)) return;
  const n = indexedCount(index);
  indexed.set(p.problemId, n);
  pushChunked(index.ids, n, p.problemId);
  pushChunked(index.categories, n, p.category);
  pushChunked(index.sources, n, p.source);
  if (n > 0 && n % BLOCK_PROBLEMS === 0) closeBlock(index);
  const block = index.counts.open;
  pushInt(index.starts, block.length);
  for (const [term, count] of termCounts(p.description)) {
    let posting = postingOf(index, term);
    if (!posting) {
      posting = { term, number: index.terms.length, problems: ints() };
      index.postings.set(term, posting.number);
      index.terms.push(posting);
    }
    pushInt(posting.problems, entryOf(n, count));
    pushInt(block, posting.number);
    pushInt(block, count);
  }
}

/**
 * Segments the raises pending, in the order they were taken, for at most `budgetMs` (all of them
 * without one); true when none is left.
 */
export function indexPending(index: SimilarityIndex, budgetMs = Number.POSITIVE_INFINITY): boolean {
  const { pending } = index;
  const until = performance.now() + budgetMs;
  let done = segmentedFront.get(index) ?? 0;
  let taken = 0;
  // The clock is read every 8 raises: a raise takes some 50 µs (Intl.Segmenter), so a slice ends within half a ms of its budget.
  while (done < pending.length) {
    indexProblem(index, pending[done]!);
    done += 1;
    if ((++taken & 7) === 0 && performance.now() >= until) break;
  }
  if (done < pending.length) {
    segmentedFront.set(index, done);
    return false;
  }
  pending.length = 0;
  segmentedFront.delete(index);
  return true;
}

/**
 * How many of an index's pending raises, from the front, are segmented already: they stay in the list until all are,
 * and the list is then emptied at once. Cutting them off at every slice (`splice`) moved every raise after them: at ten
 * million events, with a million raises pending after a start, 140–170 ms a slice of 2 ms (a CPU profile). A raise
 * segmented and still in the list (a snapshot taken meanwhile) is skipped when segmented again (`indexProblem`).
 */
const segmentedFront = new WeakMap<SimilarityIndex, number>();

/**
 * Slices of segmenting between which the event loop runs: well under the 50 ms a piece of work may hold it, and short
 * beside other sliced work (8 ms), so a query asked right after a start gets most of the loop while the start's raises
 * are segmented (issue 12: at ten million events that is about a minute of segmenting, and the first county map shared
 * the loop with it half and half in slices of 10 ms).
 */
const SLICE_MS = 2;
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
          if (!indexPending(index, SLICE_MS)) return void yieldToEventLoop().then(slice);
          draining.delete(index);
          resolve(index);
        } catch (error) {
          draining.delete(index);
          reject(error);
        }
      };
      void yieldToEventLoop().then(slice);
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

/** A problem that resembles the query, before its shared words are found: by its number. */
type Candidate = { p: number; id: string; score: number; textSimilarity: number; sameCategory: boolean; sameSource: boolean };

/** Whether `a` ranks before `b`: a higher score, or the same and its id first in ledger order. */
const before = (a: Candidate, b: Candidate) => a.score > b.score || (a.score === b.score && a.id < b.id);

/** How many bands a ranking sorts the problems it met into by their bound on the score (`rankingSimilar`). */
const BANDS = 1024;

/** Steps of a ranking between two pauses: posting entries or problems met (a few ms at most between two looks at the clock). */
const STEPS_A_PAUSE = 4_096;

/**
 * A ranking's arrays by problem number (`rankingSimilar`), kept for the index's next ranking: a million raises' took 24 MB,
 * made anew by each ranking, and V8 answered that much new memory outside its heap with a full collection each time, most
 * in one piece of 63–91 ms (ten rankings at a million raises, `--trace-gc`). Room beyond `n` for the raises that follow.
 */
type Scratch = { dots: Float64Array; squares: Float64Array; met: Int32Array; byBand: Int32Array };
const spareScratch = new WeakMap<SimilarityIndex, Scratch[]>();

/** Arrays for a ranking over the index's first `n` problems, all zeros: kept ones when they are big enough. */
function scratchFor(index: SimilarityIndex, n: number): Scratch {
  const kept = spareScratch.get(index)?.pop();
  if (kept !== undefined && kept.dots.length >= n) return kept;
  const room = n + (n >> 3) + 1024;
  return { dots: new Float64Array(room), squares: new Float64Array(room), met: new Int32Array(room), byBand: new Int32Array(room) };
}

/** Gives a ranking's arrays back, zeroed where it wrote (`met`: every problem it wrote to), for the next (two kept at most). */
function giveBack(index: SimilarityIndex, scratch: Scratch, met: Int32Array): void {
  for (const p of met) {
    scratch.dots[p] = 0;
    scratch.squares[p] = 0;
  }
  let spares = spareScratch.get(index);
  if (spares === undefined) spareScratch.set(index, (spares = []));
  if (spares.length < 2) spares.push(scratch);
}

/**
 * The problems of the index that resemble the query, best first, at most `limit`: cosine of TF-IDF
 * vectors (counts × idf over the indexed descriptions) plus the boosts; ties in ledger order of
 * their ids, so an answer is stable. At once: `rankSimilar`; the console's query and an import's rows run it `sliced`.
 *
 * The dot products by problem number in a Float64Array, each term's idf once, and only the best `limit` kept as they are
 * met, their shared words found last; and a pause every `STEPS_A_PAUSE` steps (issue 12, aim 3: with a Map of every
 * problem met, an idf for every pair of each and every match made whole and sorted, one ranking over a million raises of
 * some 18 words held the loop 2.2–2.6 s; 0.4–0.6 s with these; the bench `similarity-scale`). A problem's norm, a walk
 * over all its words, is computed only for the problems whose bound on the score (from the words they share with the
 * query) can still reach the best `limit` (with descriptions as people write them a query meets half or more of the
 * problems, a township's name or a common word being enough), and a word's count in a problem is read from the posting
 * (`entryOf`). The same sums in the same order as before, so the same scores. Answers as of the problems indexed when it
 * began: one indexed during its pauses is not met, and each idf counts the problems before it (`dfBefore`).
 */
export function* rankingSimilar(index: SimilarityIndex, query: SimilarityQuery, limit: number): Generator<void, SimilarMatch[]> {
  // Whatever is still pending is segmented first (a caller that awaited `currentIndex` finds none, or the few a raise since added).
  indexPending(index);
  const n = indexedCount(index);
  /** How many of the first `n` problems hold the term numbered `t`: all that do, unless problems were indexed since. */
  const dfBefore = (t: number) => {
    const length = documentFrequency(index, t);
    if (indexedCount(index) === n) return length;
    let low = 0;
    for (let high = length; low < high; ) {
      const middle = (low + high) >>> 1;
      if (problemOfEntry(entryAt(index, t, middle)) < n) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const q = termCounts(query.text);
  const weight = new Map<string, number>();
  let queryNorm = 0;
  for (const [term, count] of q) {
    const posting = postingOf(index, term);
    const w = count * idf(n, posting === undefined ? 0 : documentFrequency(index, posting.number));
    weight.set(term, w);
    queryNorm += w * w;
  }
  if (queryNorm === 0 || limit <= 0) return [];
  const scratch = scratchFor(index, n);
  // By the problem's number: 0 until met (a term met adds more than 0: its weight, count and idf are all above it).
  const { dots } = scratch;
  // By the problem's number: the squares of its weights for the words it shares with the query (a part of its norm's);
  // then, as `bounds`, its bound on the score.
  const { squares } = scratch;
  const bounds = squares;
  // The problems met, by number, in the order they were met.
  const { met } = scratch;
  let metCount = 0;
  const best: Candidate[] = [];
  try {
    // The problem asked about, by its number (none when it is not indexed): compared as a number in the postings' loop.
    const excluded =
      query.excludeProblemId == null ? undefined : shardFor(index.problems, query.excludeProblemId).get(query.excludeProblemId);
    let steps = 0;
    for (const [term, w] of weight) {
      const posting = postingOf(index, term);
      if (!posting) continue;
      const t = posting.number;
      const df = idf(n, dfBefore(t));
      // Its frozen entries, then its posting's own. Read again after each pause: a problem indexed meanwhile may have grown
      // the list into a new array, and a fold moved its entries into a new `frozen` (in the same order).
      let from = frozenFrom(index, t);
      let frozen = frozenCount(index, t);
      for (let i = 0; i < frozen + posting.problems.length; i++) {
        const entry = i < frozen ? index.frozen[from + i]! : posting.problems.data[i - frozen]!;
        const p = problemOfEntry(entry);
        // Indexed during a pause: not met (`dots` holds the first `n` only), and the rest of the list after it.
        if (p >= n) break;
        if (p !== excluded) {
          if (dots[p] === 0) met[metCount++] = p;
          const count = entry < 0 ? countOf(index, p, t) : 1;
          // (w × count) × df, as the score has always been summed: w × (count × df) rounds differently for counts of 3 or more.
          dots[p] = dots[p]! + w * count * df;
          const weighed = count * df;
          squares[p] = squares[p]! + weighed * weighed;
        }
        if (++steps % STEPS_A_PAUSE === 0) {
          yield;
          from = frozenFrom(index, t);
          frozen = frozenCount(index, t);
        }
      }
    }
    // Each met problem's bound on its score, in `bounds` (its norm is at least the root of its shared words' squares, so its
    // cosine at most its dot over that; a hair more for the sums' rounding), and the problems by their bound's band (1 of
    // `BANDS`), highest first: each band's problems are scored whole, and once the best `limit` are found, a band whose
    // highest bound is below the last of them is never scored, nor any after it.
    const metNow = met.subarray(0, metCount);
    let highest = 0;
    for (const p of metNow) {
      if (++steps % STEPS_A_PAUSE === 0) yield;
      let bound = (dots[p]! / Math.sqrt(queryNorm * squares[p]!)) * (1 + 1e-9);
      if (bound < similarityWeights.minTextSimilarity) bound = -1;
      else {
        if (query.category != null && chunkAt(index.categories, p) === query.category) bound += similarityWeights.sameCategory;
        if (query.source != null && chunkAt(index.sources, p) === query.source) bound += similarityWeights.sameSource;
      }
      bounds[p] = bound;
      if (bound > highest) highest = bound;
    }
    const bandOf = (bound: number) => Math.min(BANDS - 1, Math.floor((bound / highest) * BANDS));
    const bandStarts = new Int32Array(BANDS + 1);
    const bandHighest = new Float64Array(BANDS);
    for (const p of metNow) {
      if (++steps % STEPS_A_PAUSE === 0) yield;
      const bound = bounds[p]!;
      if (bound < 0) continue;
      const band = bandOf(bound);
      bandStarts[band + 1]! += 1;
      if (bound > bandHighest[band]!) bandHighest[band] = bound;
    }
    for (let band = 0; band < BANDS; band++) bandStarts[band + 1]! += bandStarts[band]!;
    const { byBand } = scratch;
    const filled = bandStarts.slice(0, BANDS);
    for (const p of metNow) {
      if (++steps % STEPS_A_PAUSE === 0) yield;
      const bound = bounds[p]!;
      if (bound >= 0) byBand[filled[bandOf(bound)]!++] = p;
    }
    // Each term's idf by its number, computed when first needed (0 until then: an idf is at least 1).
    const idfs = new Float64Array(index.terms.length);
    for (let band = BANDS - 1; band >= 0; band--) {
      if (bandStarts[band] === bandStarts[band + 1]) continue;
      if (best.length === limit && bandHighest[band]! < best[limit - 1]!.score) break;
      for (let k = bandStarts[band]!; k < bandStarts[band + 1]!; k++) {
        if (++steps % STEPS_A_PAUSE === 0) yield;
        const p = byBand[k]!;
        const worst = best.length === limit ? best[limit - 1]! : undefined;
        if (worst && bounds[p]! < worst.score) continue;
        const counts = pairsOf(index, p);
        let norm = 0;
        for (let i = index.starts.data[p]!, end = endOf(index, p); i < end; i += 2) {
          const t = counts[i]!;
          const w = counts[i + 1]! * (idfs[t] ||= idf(n, dfBefore(t)));
          norm += w * w;
        }
        const textSimilarity = dots[p]! / Math.sqrt(queryNorm * norm);
        if (textSimilarity < similarityWeights.minTextSimilarity) continue;
        const sameCategory = query.category != null && chunkAt(index.categories, p) === query.category;
        const sameSource = query.source != null && chunkAt(index.sources, p) === query.source;
        const score =
          textSimilarity + (sameCategory ? similarityWeights.sameCategory : 0) + (sameSource ? similarityWeights.sameSource : 0);
        if (worst && score < worst.score) continue;
        const candidate = { p, id: chunkAt(index.ids, p), score, textSimilarity, sameCategory, sameSource };
        if (worst && !before(candidate, worst)) continue;
        let at = best.length;
        while (at > 0 && before(candidate, best[at - 1]!)) at--;
        best.splice(at, 0, candidate);
        if (best.length > limit) best.pop();
      }
    }
  } finally {
    giveBack(index, scratch, met.subarray(0, metCount));
  }
  return best.map(({ p, id, score, textSimilarity, sameCategory, sameSource }) => {
    const shared = [...weight.keys()].filter((t) => {
      const posting = postingOf(index, t);
      return posting !== undefined && countOf(index, p, posting.number) > 0;
    });
    shared.sort((a, b) => weight.get(b)! - weight.get(a)! || (a < b ? -1 : 1));
    return { problemId: id, score, textSimilarity, sharedWords: shared.slice(0, 8), sameCategory, sameSource };
  });
}

/** `rankingSimilar` at once, for a caller that cannot wait (a test, the labelled set's measure). */
export const rankSimilar = (index: SimilarityIndex, query: SimilarityQuery, limit: number): SimilarMatch[] =>
  atOnce(rankingSimilar(index, query, limit));

/**
 * The read model: the index of every raised problem's description, kept as the log grows (a raise adds
 * one). A raise is queued (`pending`), segmented by `currentIndex` or the next ranking.
 */
export const similarityIndex: Projection<SimilarityIndex> = {
  name: 'similarity-index',
  // 3: a problem's words as one list, each word kept once; postings as lists.
  // 4: packed: problems by number, their words and counts in one Int32Array, postings as Int32Arrays of numbers.
  // 5: `postings` by term holds the term's number, its posting only in `terms`.
  // 6: `problems` in shards, each id's number.
  // 7: `ids`, `categories` and `sources` in chunks.
  // 8: `counts` in blocks of problems.
  // 9: a posting's entry for a problem holding its word more than once marked (`entryOf`).
  // 10: `counts`'s whole blocks in segments; the postings' entries folded into `frozen`.
  version: 10,
  initial: emptyIndex,
  // Every raise it took segmented before its snapshot is written (segmenting grows its lists, between the writer's
  // pieces), and the postings folded into one array when enough has been added to them since.
  async settle(index) {
    await currentIndex(index);
    await foldedWhenDue(index);
  },
  apply(index, event: RecordedEvent) {
    if (event.type !== 'ProblemRaised') return;
    const { problemId, category, source, description } = (event as unknown as Extract<ProblemEvent, { type: 'ProblemRaised' }>).data;
    index.pending.push({ problemId, category, source, description });
  },
};
