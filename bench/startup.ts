import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteFile } from '../eventstore/index.js';
import { generateCounty } from '../tests/support/countyLog.js';
import { freePort, npmStart } from '../tests/support/serverProcess.js';
import { statusOf } from './healthProbe.js';
import { type RawLogEntry, rawLogWriter } from './rawLog.js';
import { rawRead } from './projections.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 12's aim 1, start-up: for logs of 100k, 300k and 1M events (the generated county, written
 * straight into a SQLite file), the real server (what `npm start` runs, in a child process: the server
 * built once before any timing, then `node … dist/main.js`; checkpoints on as shipped) started on it three times: first (a log no server ever served: no snapshots, no checkpoint,
 * and the scheduler catching up its 31 days), cold (the log as that server left it, snapshots deleted)
 * and warm (from the snapshots the cold start left).
 * For each start: the time from spawning the process until it listens (its first answer on /healthz)
 * and until /readyz says ready, beside the raw rate of reading and JSON-parsing every row of the same
 * file in the same run (the anchor); the time until the checkpointer has proved the log as it was at
 * the start (its newest checkpoint is within the 1,000 events of the last one due); the process's peak resident memory (VmHWM);
 * the CPU time the process used until ready, beside the raw read's (on a shared machine it varies less than the time).
 * Targets: listens within 2 s whatever the size; ready at no less than 1/3 of the raw rate; time
 * growing linearly with the log (the exponent fitted over the sizes, near 1).
 *
 * Sizes: `npm run bench -- startup 100000 300000` (numbers after the name), or BENCH_STARTUP_EVENTS=100000,300000;
 * 100k, 300k and 1M by default.
 */
const DEFAULT_SIZES = [100_000, 300_000, 1_000_000];
const POLL_MS = 20;
const LIMIT_MS = Number(process.env.BENCH_STARTUP_LIMIT_MS ?? 900_000);
/**
 * To find what a long wait was: Node's flags for the server alone (`BENCH_STARTUP_NODE_FLAGS=--trace-gc`, or `--cpu-prof`
 * with `--cpu-prof-dir`, or `--import ./bench/loopGaps.mjs`: the loop's gaps and the collector's pauses as the server saw
 * them), and a folder where each start's output is written (`BENCH_STARTUP_OUTPUT_DIR`, one file a start).
 */
const SERVER_NODE_FLAGS = (process.env.BENCH_STARTUP_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const OUTPUT_DIR = process.env.BENCH_STARTUP_OUTPUT_DIR;

function sizes(): number[] {
  const fromArgs = process.argv.slice(2).filter((a) => /^\d+$/.test(a));
  const fromEnv = (process.env.BENCH_STARTUP_EVENTS ?? '').split(',').filter((a) => /^\d+$/.test(a));
  const chosen = (fromArgs.length > 0 ? fromArgs : fromEnv).map(Number);
  return chosen.length > 0 ? chosen : DEFAULT_SIZES;
}

/** The generated county, about `target` events, written in big transactions with the chain's hashes: setup, not measured. */
function writeCounty(file: string, target: number): number {
  const log = rawLogWriter(file);
  let pending: RawLogEntry[] = [];
  let events = 0;
  generateCounty({
    problems: Math.round(target / 9.25),
    grouped: true,
    onProblem: (entries) => {
      pending.push(...entries);
      events += entries.length;
      if (pending.length >= 20_000) {
        log.write(pending);
        pending = [];
      }
    },
  });
  log.write(pending);
  log.close();
  return events;
}

/** Position of the last event and what the newest checkpoint covers, read beside the server (SQLite allows it). */
function logState(file: string): { head: number; covered: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const head = (db.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number | null }).p ?? -1;
    const last = db
      .prepare(
        "SELECT json_extract(data, '$.position') AS covered FROM events WHERE stream_id = 'checkpoints' ORDER BY revision DESC LIMIT 1",
      )
      .get() as { covered: number } | undefined;
    return { head, covered: last?.covered ?? -1 };
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The bench's own polls of /healthz and /readyz, on one keep-alive connection (bench/healthProbe.js says why). */
const pollAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const status = (url: string) => statusOf(url, pollAgent);

/** One /healthz answer: when it was asked (s from spawn) and how long it took (ms). */
type Wait = { at: number; ms: number };

type Start = {
  listens: number;
  ready: number;
  readyCpu: number;
  /** The main thread's CPU until ready. */
  readyMainCpu: number;
  /** How long the main thread waited for a core until ready (runnable, not running), when the kernel says (schedstat). */
  readyMainWait: number | undefined;
  checkpointed: number | undefined;
  peakMiB: number;
  /** /healthz waits while the server was catching up (from listening to ready), and in the probe window after ready. */
  before: Wait[];
  after: Wait[];
};

/** How often the probe asks /healthz, and for how long after ready: 40 s at 1M events, in proportion below (10 s at least). */
const PROBE_EVERY_MS = 5;
const probeSeconds = (events: number) => Math.max(10, Math.min(40, (40 * events) / 1_000_000));

/**
 * Asks /healthz every `PROBE_EVERY_MS` until stopped, keeping how long each answer took: an answer waits for every piece of
 * work the server's event loop does before it, so the longest waits are the longest blocks (aim 3: ≤ 50 ms). On a thread
 * of its own: the bench's own reads of the log (`logState`, synchronous) would otherwise count in the waits it measures
 * (reading the first checkpoint's 13 MB at 1M events held this thread some 50 ms).
 * `stop` ends it and gives its waits; `began` is `performance.now()` of the spawn. Without the bench's loader
 * (`execArgv: []`): a TypeScript loader started on that thread would take CPU from the server starting beside it.
 */
function probeHealth(base: string, began: number): { stop: () => Promise<Wait[]> } {
  const worker = new Worker(new URL('./healthProbe.js', import.meta.url), {
    execArgv: [],
    workerData: { healthProbe: true, base, began: performance.timeOrigin + began, every: PROBE_EVERY_MS },
  });
  const waits = new Promise<Wait[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      try {
        return await waits;
      } finally {
        await worker.terminate();
      }
    },
  };
}

/** The three longest waits, "ms at s". */
const longest = (waits: Wait[]): string =>
  waits.length === 0
    ? 'n/a'
    : [...waits]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3)
        .map((w) => `${w.ms.toFixed(0)} ms at ${w.at.toFixed(1)} s`)
        .join(', ');

/**
 * CPU seconds (user and system) a process has used, every thread (`/proc/<pid>/stat`) or its main thread alone
 * (`/proc/<pid>/task/<pid>/stat`: the critical path of a start, the audit trail's and the writer's threads aside):
 * less swayed by a busy machine than the time.
 */
function cpuSeconds(pid: number, mainThread = false): number {
  const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]!
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Seconds the process's main thread has waited for a core: runnable, but another thread or process on it
 * (`/proc/<pid>/task/<pid>/schedstat`, its second field, in ns); undefined where the kernel does not keep it.
 * On two cores the audit trail's thread, the writer, the probe and the machine's other work take turns with it.
 */
function mainThreadWaitSeconds(pid: number): number | undefined {
  try {
    const waited = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(waited) ? waited / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

/** Spawns the server on `dataDir` and times it: listening, ready, the checkpointer caught up; then stops it (SIGTERM, snapshots saved). */
async function start(dataDir: string, args: string[], probeFor: number, name: string): Promise<Start> {
  const port = await freePort();
  const file = sqliteFile(dataDir);
  const headAtStart = logState(file).head;
  const began = performance.now();
  // Node's flags and the built server as `npm start` gives them (package.json: a young generation of 16 MB).
  // The extra flags after the shipped ones (the last of a V8 flag given twice wins), before the script.
  const child = spawn(process.execPath, [...args.slice(0, -1), ...SERVER_NODE_FLAGS, ...args.slice(-1)], {
    env: {
      ...process.env,
      EVENT_STORE: 'sqlite',
      DATA_DIR: dataDir,
      DEMO_DATA: 'off',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const elapsed = () => (performance.now() - began) / 1000;
  let probe: { stop: () => Promise<Wait[]> } | undefined;
  const check = () => {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (performance.now() - began > LIMIT_MS) throw new Error(`server not ready in ${LIMIT_MS} ms:\n${output}`);
  };
  try {
    const base = `http://127.0.0.1:${port}`;
    while ((await status(`${base}/healthz`)) === undefined) {
      check();
      await sleep(POLL_MS);
    }
    const listens = elapsed();
    // The probe runs beside the wait for ready and on for `probeFor` seconds after it.
    probe = probeHealth(base, began);
    while ((await status(`${base}/readyz`)) !== 200) {
      check();
      await sleep(POLL_MS);
    }
    const ready = elapsed();
    const readyCpu = cpuSeconds(child.pid!);
    const readyMainCpu = cpuSeconds(child.pid!, true);
    const readyMainWait = mainThreadWaitSeconds(child.pid!);
    const probeUntil = performance.now() + probeFor * 1000;
    let checkpointed: number | undefined;
    while (performance.now() - began < LIMIT_MS) {
      check();
      // Checkpoints come every CHECKPOINT_EVERY_EVENTS (1,000 as shipped); the rest waits for the timer (300 s).
      if (logState(file).covered > headAtStart - 1000) {
        checkpointed = elapsed();
        break;
      }
      await sleep(200);
    }
    await sleep(Math.max(0, probeUntil - performance.now()));
    check();
    const waits = await probe.stop();
    probe = undefined;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return {
      listens,
      ready,
      readyCpu,
      readyMainCpu,
      readyMainWait,
      checkpointed,
      peakMiB: hwm ? Number(hwm[1]) / 1024 : Number.NaN,
      before: waits.filter((w) => w.at < ready),
      after: waits.filter((w) => w.at >= ready && w.at <= ready + probeFor),
    };
  } finally {
    await probe?.stop();
    child.kill('SIGTERM');
    await exited;
    if (OUTPUT_DIR) writeFileSync(join(OUTPUT_DIR, `${name}.log`), output);
  }
}

/** Least-squares slope of log(seconds) over log(events): 1 is linear. */
function exponent(points: { events: number; seconds: number }[]): number {
  const xs = points.map((p) => Math.log(p.events));
  const ys = points.map((p) => Math.log(p.seconds));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

export async function run(): Promise<FigureTable[]> {
  const rows: Record<string, string | number>[] = [];
  const stalls: Record<string, string | number>[] = [];
  const fits: Record<'raw' | 'first' | 'cold' | 'warm' | 'coldCheckpointed', { events: number; seconds: number }[]> = {
    raw: [],
    first: [],
    cold: [],
    warm: [],
    coldCheckpointed: [],
  };
  // Built once, outside the timing: a start is the spawn of what `npm start` runs after its build.
  const shipped = npmStart();
  shipped.build();
  for (const target of sizes()) {
    const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-bench-startup-'));
    try {
      const events = writeCounty(sqliteFile(dataDir), target);
      // The anchor of each start is read right before and right after it, and their mean taken: this VM's speed moves from
      // minute to minute (the raw read at 300k took 1.48-2.18 s in four runs within four minutes), and a start compares
      // with the raw rate of its own minutes, not with one read made before all three.
      let rawAfter = rawRead(sqliteFile(dataDir), events);
      for (const kind of ['first', 'cold', 'warm'] as const) {
        // Cold: the log as a server left it (its scheduler's and checkpointer's events in), its snapshots gone.
        if (kind === 'cold') rmSync(join(dataDir, 'snapshots'), { recursive: true, force: true });
        const rawBefore = rawAfter;
        const s = await start(dataDir, shipped.args, probeSeconds(events), `${events}-${kind}`);
        rawAfter = rawRead(sqliteFile(dataDir), events);
        const raw = (rawBefore.seconds + rawAfter.seconds) / 2;
        const rawCpu = (rawBefore.cpu + rawAfter.cpu) / 2;
        if (kind === 'first') fits.raw.push({ events, seconds: raw });
        fits[kind].push({ events, seconds: s.ready });
        if (kind === 'first' && s.checkpointed !== undefined) fits.coldCheckpointed.push({ events, seconds: s.checkpointed });
        rows.push({
          events,
          start: kind,
          'raw read+parse s (before / after)': `${raw.toFixed(2)} (${rawBefore.seconds.toFixed(2)} / ${rawAfter.seconds.toFixed(2)})`,
          'listens s (≤ 2)': s.listens,
          'ready s': s.ready,
          'ready ÷ raw rate (≥ 0.33)': raw / s.ready,
          'CPU s to ready (raw CPU s)': `${s.readyCpu.toFixed(1)} (${rawCpu.toFixed(2)})`,
          'main thread CPU s to ready': s.readyMainCpu,
          'raw CPU ÷ main thread CPU (≥ 0.33)': rawCpu / s.readyMainCpu,
          'main thread waited for a core s': s.readyMainWait ?? 'n/a',
          'checkpoints current s': s.checkpointed ?? `> ${LIMIT_MS / 1000}`,
          'peak RSS MiB': s.peakMiB,
        });
        stalls.push({
          events,
          start: kind,
          'catching up: probes': s.before.length,
          'longest /healthz waits (≤ 50 ms)': longest(s.before),
          'after ready: s probed': probeSeconds(events),
          probes: s.after.length,
          'longest /healthz waits after ready (≤ 50 ms)': longest(s.after),
        });
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const fitted = (points: { events: number; seconds: number }[]) => (points.length >= 2 ? exponent(points).toFixed(2) : 'n/a');
  return [
    {
      title: `Start-up of the real server (node ${shipped.args.join(' ')}, as npm start runs it; SQLite, checkpoints on as shipped), from spawn`,
      rows,
      notes: [
        'Listens: first answer on /healthz; ready: /readyz 200 (read models current); checkpoints current: every checkpoint',
        'due on the log as it was at the start is recorded (the checkpointer runs after ready). Peak RSS: VmHWM.',
        'CPU s to ready: user and system time of the server process (every thread) until ready, beside the raw read’s own;',
        'on a shared machine it varies less than the time. Main thread CPU: its main thread’s alone (the critical path: the',
        'audit trail’s rows and the store’s writes run on threads of their own), and the raw read’s CPU over it; and how long',
        'that thread waited for a core until ready (runnable while other threads or processes had both cores: schedstat).',
      ],
    },
    {
      title: `Stalls in the first seconds of a start: /healthz asked every ${PROBE_EVERY_MS} ms from listening until ready (catching up) and after it`,
      rows: stalls,
      notes: [
        'Each answer waits for whatever the event loop is doing when it is asked: the longest waits are the longest pieces of',
        'work (aim 3: none over 50 ms). Times "at" are seconds from spawn; the bench’s own client adds a millisecond or two.',
      ],
    },
    {
      title: 'Growth: exponent of time over events fitted over the sizes (target ≈ 1)',
      rows: [
        { measure: 'raw read+parse', exponent: fitted(fits.raw) },
        { measure: 'ready, first start', exponent: fitted(fits.first) },
        { measure: 'ready, cold', exponent: fitted(fits.cold) },
        { measure: 'ready, warm', exponent: fitted(fits.warm) },
        { measure: 'checkpoints current, first start', exponent: fitted(fits.coldCheckpointed) },
      ],
    },
  ];
}

await runIfMain(import.meta.url, run);
