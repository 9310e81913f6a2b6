import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplication } from '../application/index.js';
import { Scheduler, timingVersions } from '../application/scheduler.js';
import { domainEventDefinitions, momentWindow, problemMoments } from '../domain/index.js';
import { openEventStore, sqliteFile } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { escalatingTriggers, interviewTriggers } from '../projections/interviewTriggers.js';
import { policyInForce } from '../projections/policyInForce.js';
import { problemFacts } from '../projections/problemFacts.js';
import { scheduleView, timelinesOf } from '../projections/scheduleView.js';
import { instantMs } from '../projections/time.js';
import { exposedGc } from '../projections/youngGeneration.js';
import { LogBuilder } from '../tests/support/countyLog.js';
import { rawLogWriter } from './rawLog.js';
import { type FigureTable, runIfMain } from './report.js';

/**
 * Issue 11's benchmark: one scheduler pass over 100,000 open problems (`BENCH_PROBLEMS` to change),
 * written to a SQLite store (raised, assigned, acknowledged, a deadline each: 400,000 events, with
 * deadlines spread evenly from 2019-06-01 to 2019-12-31 across 88 units) and read by the real
 * application (createApplication, its projections and its scheduler). Measured in one process:
 * - the first pass at 2019-07-01 00:30, catching up one day (`catchUpDays: 1`: the store has no schedule event yet);
 * - a day's pass, 24 hours later: one midnight (deadlines passing, escalation steps judged against
 *   the interview triggers of that day, and the automatic 督办 orders they give), one 09:00 (reminders, the daily digest);
 * - a minute's pass, the usual tick, in which nothing falls due;
 * beside the simplest alternatives on the same data: a plain loop computing every problem's moments
 * for the day (the deadline arithmetic alone, nothing appended) and one full evaluation of the
 * interview triggers, and the part of it a midnight asks for (the triggers completing a step). Each with its time and the peak RSS and heap sampled every 10 ms.
 */
const PROBLEMS = Number(process.env.BENCH_PROBLEMS ?? 100_000);
const UNITS = 88;
const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
const dayAfter = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Writes the county straight into the store's table with the hashes the chain computes: setup, not measured. */
function writeCounty(file: string): number {
  const b = new LogBuilder();
  const units = Array.from({ length: UNITS }, (_, i) =>
    b.unit(i + 1, `单位${i + 1}`, i % 2 ? 'township' : 'department', null, at('2019-01-01', '08:00')),
  );
  for (let n = 1; n <= PROBLEMS; n++) {
    const raised = dayAfter('2019-01-02', n % 150);
    const { problemId } = b.raise(n, 'county_self_check', 'housing', at(raised));
    b.on(
      problemId,
      'ProblemAssigned',
      { responsibleUnitId: units[n % UNITS], responsiblePerson: '负责人', leadingOfficial: null },
      at(raised, '11:00'),
    );
    b.on(problemId, 'AssignmentAcknowledged', { acknowledgedBy: '负责人' }, at(raised, '12:00'));
    b.on(problemId, 'DeadlineSet', { deadline: dayAfter('2019-06-01', n % 214) }, at(raised, '13:00'));
  }
  const log = rawLogWriter(file);
  log.write(b.entries);
  log.close();
  return b.entries.length;
}

/** A full garbage collection, without `--expose-gc` on the command line (so `npm run bench` needs no flag). */
const gc = exposedGc!;

/**
 * Runs `work`, timing it and sampling the process's resident memory and V8 heap every 10 ms; then
 * collects the garbage and reads the heap still in use (`live`): what the process holds, not what it
 * had allocated and not yet collected at its peak.
 */
async function measured<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number; rss: number; heap: number; live: number }> {
  gc();
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const sampler = setInterval(sample, 10);
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  clearInterval(sampler);
  sample();
  gc();
  return { value, ms, rss, heap, live: process.memoryUsage().heapUsed };
}

const MB = 1024 * 1024;

export async function run(): Promise<FigureTable> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-bench-scheduler-'));
  try {
    const events = writeCounty(sqliteFile(dataDir));
    let now = at('2019-07-01', '00:30');
    const store = await openEventStore({ kind: 'sqlite', dataDir }, schemaCodec(domainEventDefinitions));
    const app = await createApplication(store, { clock: () => now, checkpoints: false, notifications: false, scheduler: false });
    // Its first pass catches up one day only: the timer's pass, not a long catch-up, is what is measured.
    const scheduler = new Scheduler(app.store, app.runner, app.readModels, app.ledger, () => now, { catchUpDays: 1 });
    const rows: Record<string, string | number>[] = [];
    const row = (
      what: string,
      m: { ms: number; rss: number; heap: number; live: number },
      due: number | string,
      appended: number | string,
    ) =>
      rows.push({
        what,
        'time (ms)': m.ms,
        'due moments': due,
        appended,
        'peak RSS (MB)': m.rss / MB,
        'peak heap (MB)': m.heap / MB,
        'heap after GC (MB)': m.live / MB,
      });

    const catchUp = await measured(() => scheduler.pass());
    row('first pass: catch-up of one day', catchUp, catchUp.value.due, catchUp.value.appended);
    now = at('2019-07-02', '00:30');
    const day = await measured(() => scheduler.pass());
    row('a day’s pass (one midnight, one 09:00)', day, day.value.due, day.value.appended);
    now = at('2019-07-02', '00:31');
    const minute = await measured(() => scheduler.pass());
    row('a minute’s pass (the usual tick)', minute, minute.value.due, minute.value.appended);

    // The alternatives, on the same state.
    const view = app.runner.state(scheduleView);
    const facts = app.runner.state(problemFacts);
    const versions = timingVersions(facts);
    const from = instantMs(at('2019-07-02', '00:30'));
    const loop = await measured(() => {
      let due = 0;
      const window = momentWindow(versions, from, from + 86_400_000);
      for (const timeline of timelinesOf(view)) due += problemMoments(timeline, window).length;
      return due;
    });
    row('alternative: the deadline arithmetic alone, one day, every problem', loop, loop.value, '—');
    const instant = at('2019-07-03', '00:00');
    const triggers = await measured(() => interviewTriggers(facts, { instant, day: '2019-07-03' }, policyInForce(facts, instant)).length);
    row('alternative: one full evaluation of the interview triggers', triggers, `${triggers.value} triggers`, '—');
    const stepping = await measured(
      async () => (await escalatingTriggers(facts, { instant, day: '2019-07-03' }, policyInForce(facts, instant))).length,
    );
    row('what a midnight asks: the triggers completing an escalation step', stepping, `${stepping.value} triggers`, '—');
    await app.close();
    return {
      title: `Scheduler: one pass over ${PROBLEMS.toLocaleString('en-US')} open problems (${events.toLocaleString('en-US')} events, SQLite)`,
      rows,
      notes: [
        'Peaks are the process’s (the application with its read models loaded), sampled every 10 ms during each step.',
        'A day’s pass evaluates the interview triggers once for its midnight, appends its events in one multi-stream append (one durable commit per 1,000 streams), and orders 督办 for each escalation to 督办 in one batch of commands.',
        'Heap after GC: what the process still holds after the step (the read models of the whole log); the peaks include garbage not collected yet.',
      ],
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await runIfMain(import.meta.url, run);
