import { readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentIndex, indexedCount, rankingSimilar, similarityIndex, termCounts } from '../projections/similarProblems.js';
import { sliced } from '../projections/slices.js';
import { readSnapshot, snapshotChunks } from '../projections/snapshots.js';
import { blocking } from './asof.js';
import { liveHeap, megabytes } from './heap.js';
import { generatedDescription, labelledDescriptions } from '../tests/support/descriptions.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 12, aims 2 and 3, for the similarity index (举一反三) alone, with descriptions as people write them (the ones the
 * generated county's logs now carry: `generatedDescription`, one of the labelled descriptions of
 * tests/data/similarityCases.tsv, some 17 words each, found in one of ten townships in place of the one it names), and:
 * - taken as a start takes them (pending) and segmented as a start does (`currentIndex`: slices of 2 ms with the event
 *   loop running between): its time and the longest turn a timer saw meanwhile (target 50 ms);
 * - the anchor: the same descriptions' words counted in one loop (`termCounts`), segmenting with no index;
 * - the live heap it adds and the bytes of its numbers (typed arrays, outside the JS heap);
 * - settled as the runner settles it before a snapshot (its postings folded into one array), with its longest turn;
 * - its snapshot written to a file and read back as the runner does, each with its longest turn;
 * - ten rankings of labelled descriptions against it (the top 5, as the console asks), sliced as the console's query and
 *   an import's rows run them: the longest, and the longest turn in them.
 * `npm run bench -- similarity-scale 100000 1000000` for other sizes (a county of about a million events raises some
 * 100,000 problems; ten million, a million).
 */
const DEFAULT_RAISES = [100_000];

/** Every typed array's bytes in a state, through plain objects and arrays. */
function typedBytes(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  const entries = Array.isArray(value) ? value : Object.getPrototypeOf(value) === Object.prototype ? Object.values(value) : [];
  let bytes = 0;
  for (const entry of entries) bytes += typedBytes(entry);
  return bytes;
}

export async function measureIndexAtScale(raises: number): Promise<Record<string, number>> {
  const raise = (i: number) => {
    const { text, labelled } = generatedDescription(i);
    return { problemId: `p${i}`, category: labelled.category, source: labelled.source, description: text };
  };
  const started = performance.now();
  let terms = 0;
  for (let i = 0; i < raises; i++) terms += termCounts(raise(i).description).size;
  const anchorSeconds = (performance.now() - started) / 1000;
  const heapBefore = liveHeap();
  const index = similarityIndex.initial();
  for (let i = 0; i < raises; i++) similarityIndex.apply(index, { type: 'ProblemRaised', data: raise(i) } as never);
  const segmenting = await blocking(() => currentIndex(index));
  if (indexedCount(index) !== raises) throw new Error(`indexed ${indexedCount(index)} of ${raises} raises`);
  const heap = liveHeap() - heapBefore;
  // As a server's first snapshot finds it, and every start from a snapshot after.
  const settling = await blocking(() => similarityIndex.settle!(index));
  // Ten rankings of the top 5, sliced as the console's query and an import's rows run them: the first (it makes the
  // arrays the others reuse) and the longest of the others, each with its longest turn. Before the snapshot, whose bytes
  // and copy read back this process then holds (a bigger heap, longer pauses).
  const rankings: { ms: number; longestBlock: number }[] = [];
  for (const query of labelledDescriptions().slice(0, 10)) {
    const asked = { text: query.text, category: query.category, source: query.source };
    const ranked = await blocking(() => sliced(rankingSimilar(index, asked, 5)));
    rankings.push(ranked);
    if (ranked.value.length === 0) throw new Error('the ranking found nothing like a labelled description');
  }
  const [first, ...others] = rankings;
  const file = join(tmpdir(), `taizhang-similarity-${process.pid}.snapshot`);
  const header = { name: similarityIndex.name, version: similarityIndex.version, position: raises, eventId: 'e' };
  const writing = await blocking(() => writeFile(file, snapshotChunks({ ...header, state: index })));
  const bytes = await readFile(file);
  await rm(file);
  const reading = await blocking(async () => readSnapshot(bytes)!.state());
  return {
    raises,
    'words a raise': terms / raises,
    'segmented (s)': segmenting.ms / 1000,
    'segmenting alone (s)': anchorSeconds,
    'longest turn (ms)': segmenting.longestBlock,
    'heap (MB)': megabytes(heap),
    'typed arrays (MB)': megabytes(typedBytes(index)),
    'settled (s)': settling.ms / 1000,
    'longest turn settling (ms)': settling.longestBlock,
    'longest collector pause settling (ms)': settling.longestGc,
    'snapshot (MB)': megabytes(bytes.length),
    'written (s)': writing.ms / 1000,
    'longest turn writing (ms)': writing.longestBlock,
    'read (s)': reading.ms / 1000,
    'longest turn reading (ms)': reading.longestBlock,
    'first ranking (ms)': first!.ms,
    'longest turn in it (ms)': first!.longestBlock,
    'rankings after it (ms, longest of 9)': Math.max(...others.map((r) => r.ms)),
    'longest turn in them (ms)': Math.max(...others.map((r) => r.longestBlock)),
  };
}

export async function run(): Promise<FigureTable> {
  const asked = process.argv
    .slice(2)
    .filter((a) => /^\d+$/.test(a))
    .map(Number);
  const rows: Record<string, number>[] = [];
  for (const raises of asked.length > 0 ? asked : DEFAULT_RAISES) rows.push(await measureIndexAtScale(raises));
  return {
    title: "The similarity index at a county's size, with descriptions as people write them (issue 12, aims 2 and 3)",
    rows,
    notes: [
      `Each raise is one of the ${labelledDescriptions().length} labelled descriptions, found in one of ten townships. Segmented: as a start does, in slices of 2 ms with the event loop running between; longest turn: a 1 ms timer's lateness, target 50 ms. Segmenting alone: the same words counted in one loop, the anchor.`,
      "Heap: the live heap after less before (two full collections each). Typed arrays: the index's numbers, outside the JS heap.",
      `Load average at the end: ${loadavg()[0]!.toFixed(1)}.`,
    ],
  };
}

await runIfMain(import.meta.url, run);
