import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { npmStart } from '../tests/support/serverProcess.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 12, aim 3 (no piece of work over 50 ms) at ten million events: what V8's young-generation collection costs on
 * this machine with nothing in the application, as the old generation grows. Each size runs in a process of its own
 * with `npm start`'s flags (and room for the largest fill): the old generation's used bytes filled with small objects (lists of 64 records, as a read model holds
 * them), then 5 s of allocating only garbage. Every scavenge then has nothing to copy, and its pause is what V8 pays for
 * the old generation's size alone: it walks every old-space page to find those with pointers into the young generation
 * (a perf profile of the 10M memory bench, round 51: `ScavengerCollector::CollectGarbage`'s own time, one page header
 * after another). The application at ten million events holds some 2.8 GB.
 *
 * `npm run bench -- collector` (fixed sizes; it takes no numbers).
 */
const SIZES_MB = [256, 1024, 2048, 2432, 2816];
/** Room for the largest fill whatever the machine's default heap limit (not what is measured). */
const HEAP_ROOM = '--max-old-space-size=8192';
const ALLOCATE_MS = 5_000;

type Measured = { mb: number; oldSpaceMb: number; pages: number; scavenges: number; median: number; p99: number; max: number };

/** V8's old space now: its used bytes, and its size (pages of 256 KB). */
const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!;

/** In the child: the old generation filled to `mb`, then garbage only; the scavenges' pauses meanwhile. */
async function child(mb: number): Promise<void> {
  const keep: { i: number; s: string }[][] = [];
  while (oldSpace().space_used_size < mb * 2 ** 20)
    for (let n = 0; n < 1_000; n++) {
      const list = new Array<{ i: number; s: string }>(64);
      for (let i = 0; i < 64; i++) list[i] = { i, s: `x${i}` };
      keep.push(list);
    }
  // The fill's own collections done, the marking it started finished.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
        pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  let sink = 0;
  const started = performance.now();
  while (performance.now() - started < ALLOCATE_MS) {
    const garbage: { i: number }[] = [];
    for (let i = 0; i < 1_000; i++) garbage.push({ i });
    sink += garbage.length;
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  observer.disconnect();
  pauses.sort((a, b) => a - b);
  const old = oldSpace();
  const at = (q: number) => pauses[Math.min(pauses.length - 1, Math.floor(q * pauses.length))] ?? 0;
  const measured: Measured = {
    mb,
    oldSpaceMb: Math.round(old.space_size / 2 ** 20),
    pages: Math.round(old.space_size / 2 ** 18),
    scavenges: pauses.length,
    median: at(0.5),
    p99: at(0.99),
    max: pauses.at(-1) ?? 0,
  };
  console.log(JSON.stringify({ ...measured, kept: keep.length > 0 && sink > 0 }));
}

function measure(mb: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const flags = [...npmStart().args.slice(0, -1), HEAP_ROOM];
    const proc = spawn(process.execPath, [...flags, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(mb)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`The collector bench's child for ${mb} MB exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as Measured);
    });
  });
}

export async function run(): Promise<FigureTable> {
  const rows: Record<string, string | number>[] = [];
  for (const mb of SIZES_MB) {
    const load = loadavg()[0]!.toFixed(1);
    const m = await measure(mb);
    rows.push({
      'old space used (filled to)': `${m.mb.toLocaleString('en-US')} MB`,
      'old space / its pages': `${m.oldSpaceMb.toLocaleString('en-US')} MB / ${m.pages.toLocaleString('en-US')}`,
      scavenges: m.scavenges,
      'pause: median': `${m.median.toFixed(1)} ms`,
      p99: `${m.p99.toFixed(1)} ms`,
      max: `${m.max.toFixed(1)} ms`,
      'target (aim 3)': '≤ 50 ms a piece of work',
      load,
    });
  }
  return {
    title: `Collector (issue 12, aim 3): a scavenge with nothing young alive, as the old generation grows (${ALLOCATE_MS / 1000} s of garbage each, npm start's flags)`,
    rows,
    notes: [
      'The floor under every scavenge of a server whose read models fill that much heap: the memory bench at ten million events holds about 2.8 GB.',
    ],
  };
}

if (process.argv[2] === '--child') await child(Number(process.argv[3]));
else await runIfMain(import.meta.url, run);
