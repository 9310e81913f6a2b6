import { v5 as uuidv5 } from 'uuid';
import {
  type DayCounter,
  addDays,
  type ScheduleEvent,
  type TimingVersion,
  countyDayOfMs,
  countyInstant,
  defaultPolicy,
  digestMoments,
  midnightsBetween,
  momentWindow,
  previousMonth,
  problemMoments,
  scheduleEventKey,
  scheduleStreamId,
  schedulerActor,
  timingAt,
  schemaVersionOf,
  sweepMoments,
  yearMoments,
} from '../domain/index.js';
import type { CommandContext } from '../eventstore/commandHandler.js';
import { DuplicateEventIdError, type EventStore, type NewEvent, type StreamAppend } from '../eventstore/port.js';
import { sliceClock, yieldToEventLoop } from '../projections/slices.js';
import { escalatingTriggersOn } from '../projections/interviewTriggers.js';
import { type At, type PolicyChoice, policyInForce } from '../projections/policyInForce.js';
import { type FactsState, problemFacts } from '../projections/problemFacts.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { scheduleView, timelinesOf } from '../projections/scheduleView.js';
import { instantMs } from '../projections/time.js';
import type { Ledger } from './ledger.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Streams per multi-stream append: a day's pass over 100,000 problems writes about 2,800 (bench/scheduler.ts). */
const APPEND_CHUNK = 1_000;
/** The namespace of schedule event ids: uuid v5 of `${kind}|${subjectId}|${dueAt}` (domain/schedule/events.ts). */
const SCHEDULE_ID_NAMESPACE = '3b9e2c1a-6f47-4d1e-8a0b-5c2d7e9f1a43';

export type SchedulerOptions = {
  /** How often a pass runs at most (ms); it also runs at every full hour, so midnight and the reminder hour are on time. */
  intervalMs?: number;
  /** How far back (days) a start catches up when the log holds no later schedule event. */
  catchUpDays?: number;
  /** Working-day arithmetic of the county calendar, for `timing.reminderDays: 'working'` (calendar days without it). */
  workingDays?: DayCounter;
  /**
   * 月通报: what to do when a county month ends (at 00:00 of the next month's first day): publish its
   * bulletin (application/bulletin.ts). Idempotent, so two servers, or a catch-up, publish each month once.
   */
  monthEnded?: (month: string, context: CommandContext) => Promise<unknown>;
  log?: (message: string) => void;
};

/** What one pass did: its interval, the moments due in it, and how many were appended now. */
export type PassResult = { from: string; to: string; due: number; appended: number; escalations: ScheduleEvent[] };

/** The id of a schedule event: from what it is about, never from when or where it was computed. */
export const scheduleEventId = (event: ScheduleEvent) => uuidv5(scheduleEventKey(event), SCHEDULE_ID_NAMESPACE);

const order = (a: ScheduleEvent, b: ScheduleEvent) =>
  a.data.dueAt < b.data.dueAt ? -1 : a.data.dueAt > b.data.dueAt ? 1 : scheduleEventKey(a) < scheduleEventKey(b) ? -1 : 1;

/**
 * The scheduler: passing time becomes facts. A pass computes the moments due since the last pass
 * (reminders, deadlines passing, escalation steps, 回头看, unanswered 督办, the daily digest) from
 * the timelines the schedule view keeps, judged against the facts in force at each moment, and
 * appends those the log does not hold yet. Event ids follow from the moment, so a restart after a
 * stop catches up with exactly what a scheduler running throughout would have written, and two
 * processes on one store write each event once (the store refuses nothing: the same id is a no-op).
 * An escalation to 督办 orders supervision of its problems, with a command id from the trigger.
 *
 * Writing: a pass's events go to the store in one multi-stream append (`appendMany`, all or nothing),
 * its automatic orders in another, rather than one durable commit per stream. The streams stay as
 * they are (one per subject: problem, unit, county): fewer, larger streams (one per county day)
 * would save the same commits but make every event's idempotency depend on the stream's content,
 * and make the notifications and the schedule view read a day's stream to find one problem's moment.
 */
export class Scheduler {
  private lastPassMs: number | null = null;
  private running: Promise<PassResult> = Promise.resolve({ from: '', to: '', due: 0, appended: 0, escalations: [] });
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly readModels: ReadModels,
    private readonly ledger: Ledger,
    private readonly clock: () => string,
    private readonly options: SchedulerOptions = {},
  ) {}

  /** Catches up, then runs a pass at every full hour and at least every `intervalMs`. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.pass();
    this.plan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  private plan(): void {
    if (this.stopped) return;
    const nowMs = instantMs(this.clock());
    const delay = Math.min(this.options.intervalMs ?? 60_000, HOUR_MS - (nowMs % HOUR_MS) + 50);
    this.timer = setTimeout(() => {
      this.pass()
        .catch((error: unknown) => (this.options.log ?? console.error)(`Scheduler pass failed: ${String(error)}`))
        .finally(() => this.plan());
    }, delay);
    this.timer.unref();
  }

  /** One pass, up to the clock's now; passes run one at a time. */
  pass(): Promise<PassResult> {
    const run = this.running.catch(() => undefined).then(() => this.passNow());
    this.running = run;
    return run;
  }

  private async passNow(): Promise<PassResult> {
    const toMs = instantMs(this.clock());
    // What other processes wrote is read first: their events, and the facts they changed.
    await this.runner.waitFor(await this.store.headPosition());
    const view = this.runner.state(scheduleView);
    const facts = this.runner.state(problemFacts);
    // A start catches up from the last moment the log holds (moments at that very instant are checked again).
    const floor = toMs - (this.options.catchUpDays ?? 31) * DAY_MS;
    const fromMs = this.lastPassMs ?? Math.max(floor, view.lastDueMs - 1);
    const result: PassResult = { from: countyInstant(fromMs), to: countyInstant(toMs), due: 0, appended: 0, escalations: [] };
    if (toMs <= fromMs) return result;

    const versions = timingVersions(facts);
    const workingDays = this.options.workingDays;
    const window = momentWindow(versions, fromMs, toMs, workingDays ? { workingDays } : {});
    const due: ScheduleEvent[] = [];
    // Every problem's timeline, in slices with a yield between them (issue 12: some 0.3 s in one block at a million events).
    const clock = sliceClock();
    for (const timeline of timelinesOf(view)) {
      for (const event of problemMoments(timeline, window)) due.push(event);
      if (clock.due()) await yieldToEventLoop();
    }
    due.push(...digestMoments(() => timelinesOf(view), versions, fromMs, toMs));
    due.push(...yearMoments(versions, fromMs, toMs, (year, ms) => yearUnfinished(facts, year, ms)));
    // 反馈提醒 of the sweeps (举一反三排查) still open: few, so each is looked at on every pass.
    for (const sweep of facts.sweeps.values())
      if (sweep.closedOn === null || instantMs(sweep.closedAt!) > fromMs)
        due.push(
          ...sweepMoments(
            {
              sweepId: sweep.sweepId,
              unitIds: sweep.unitIds,
              answerBy: sweep.answerBy,
              orderedMs: instantMs(sweep.orderedAt),
              answeredMs: new Map([...sweep.answers.values()].map((a) => [a.unitId, instantMs(a.occurredAt)])),
              closedMs: sweep.closedAt === null ? null : instantMs(sweep.closedAt),
            },
            versions,
            fromMs,
            toMs,
            workingDays ? { workingDays } : {},
          ),
        );
    const escalations = await this.escalationsAt(midnightsBetween(fromMs, toMs));
    result.escalations.push(...escalations);
    due.push(...escalations);
    due.sort(order);
    result.due = due.length;

    // One part per subject's stream (a catch-up writes a problem's reminders and its passing together),
    // all of a pass's parts in one store append: one durable commit instead of one per stream (eventstore/port.ts appendMany).
    const byStream = new Map<string, NewEvent[]>();
    for (const event of due) {
      const id = scheduleEventId(event);
      if (view.written.has(id)) continue;
      const streamId = scheduleStreamId(event);
      const list = byStream.get(streamId);
      if (list) list.push(this.toNewEvent(id, event));
      else byStream.set(streamId, [this.toNewEvent(id, event)]);
    }
    result.appended = await this.appendAll([...byStream].map(([streamId, events]) => ({ streamId, events, expected: 'any' as const })));
    await this.orderSupervision(result.escalations);
    await this.endMonths(fromMs, toMs);
    this.lastPassMs = toMs;
    return result;
  }

  private toNewEvent(id: string, event: ScheduleEvent): NewEvent {
    const key = scheduleEventKey(event);
    return {
      id,
      type: event.type,
      data: event.data,
      metadata: {
        actor: schedulerActor,
        commandId: `schedule:${key}`,
        correlationId: `schedule:${key}`,
        causationId: `schedule:${key}`,
        occurredAt: event.data.dueAt,
        schemaVersion: schemaVersionOf(event.type),
      },
    };
  }

  /**
   * Appends a pass's streams in one all-or-nothing append (in chunks of APPEND_CHUNK streams: a
   * conflict costs a chunk, not the pass); how many events were new here. When another process wrote
   * some of them first (a DuplicateEventIdError: its pass overlapped ours) nothing of the chunk was
   * written, and its streams go one by one, as before the multi-stream append: the moments are recorded either way.
   */
  private async appendAll(parts: StreamAppend[]): Promise<number> {
    let appended = 0;
    for (let i = 0; i < parts.length; i += APPEND_CHUNK) {
      const chunk = parts.slice(i, i + APPEND_CHUNK);
      try {
        await this.store.appendMany(chunk);
        for (const part of chunk) appended += part.events.length;
      } catch (error) {
        if (!(error instanceof DuplicateEventIdError)) throw error;
        for (const { streamId, events } of chunk) appended += await this.append(streamId, events);
      }
    }
    return appended;
  }

  /** Appends a stream's due events; how many were new here (another process may have written some first: that is fine). */
  private async append(streamId: string, events: readonly NewEvent[]): Promise<number> {
    try {
      await this.store.appendToStream(streamId, events, 'any');
      return events.length;
    } catch (error) {
      if (!(error instanceof DuplicateEventIdError)) throw error;
      // Another process wrote some of them first: the moments are recorded; the rest go one by one.
      if (events.length === 1) return 0;
      let appended = 0;
      for (const event of events) appended += await this.append(streamId, [event]);
      return appended;
    }
  }

  /**
   * The interview triggers that rose to 督办 or 约谈 at each county midnight, evaluated with the facts as
   * they stood at that instant (so the answer is the same whenever the pass runs): those whose
   * escalation clock (projections/interviewTriggers.ts: from `since`, or the last partial interview)
   * completed a step that day (`escalatingTriggers`: only the candidates whose clock can complete one are settled).
   * Midnights with the same facts (the live ones: nothing recorded after the first of them, as a start after days down
   * finds) are judged together, each item read once for all of them (issue 12: a first start's 31 midnights at a million
   * events read 108,000 items each, 4.4 s of its main thread).
   */
  private async escalationsAt(midnights: readonly number[]): Promise<ScheduleEvent[]> {
    const escalations: ScheduleEvent[] = [];
    let pending: { facts: FactsState; instants: { at: At; policy: PolicyChoice }[] } | null = null;
    const judge = async () => {
      if (!pending) return;
      const { facts, instants } = pending;
      pending = null;
      for (const [k, triggers] of (await escalatingTriggersOn(facts, instants)).entries())
        for (const t of triggers)
          escalations.push({
            type: 'EscalationReached',
            data: {
              triggerId: t.id,
              rule: t.rule,
              unitId: t.unitId,
              level: t.level,
              problemIds: t.problemIds,
              dueAt: instants[k]!.at.instant,
            },
          });
    };
    for (const midnight of midnights) {
      const instant = countyInstant(midnight);
      const day = countyDayOfMs(midnight);
      // As known at that midnight too: a ledger migrated later (迁移导入) does not change what the pass decided then.
      const facts = await this.readModels.factsAsOf(instant, instant);
      if (pending && pending.facts !== facts) await judge();
      pending ??= { facts, instants: [] };
      pending.instants.push({ at: { instant, day }, policy: policyInForce(facts, instant) });
      // The facts replayed for an earlier midnight are judged at once: held while the next one's are replayed, two would be kept.
      if (facts !== this.readModels.live) await judge();
    }
    await judge();
    return escalations;
  }

  /**
   * 月通报: each county month that ended in the pass's interval has its bulletin published, by the
   * scheduler, dated at the month's end, with a command id from the month (a second process, or a
   * later pass, appends nothing). A month before the log began has no bulletin: nothing to do.
   */
  private async endMonths(fromMs: number, toMs: number): Promise<void> {
    const monthEnded = this.options.monthEnded;
    if (!monthEnded) return;
    for (const { month, endedAt } of monthEnds(fromMs, toMs))
      try {
        await monthEnded(month, { actor: schedulerActor, commandId: `auto-bulletin:${month}`, now: () => endedAt });
      } catch (error) {
        if ((error as { code?: unknown }).code === 'MONTH_BEFORE_FIRST_EVENT') continue;
        (this.options.log ?? console.warn)(`Automatic bulletin of ${month} not published: ${String(error)}`);
      }
  }

  /**
   * 自动督办: each escalation to 督办 orders supervision of each of its problems, dated at the escalation,
   * with a command id from the trigger and the problem, so a second process or a later pass appends
   * nothing. A pass's orders are handled together (Ledger.problemCommands: one durable commit).
   */
  private async orderSupervision(escalations: readonly ScheduleEvent[]): Promise<void> {
    const orders: { input: unknown; context: CommandContext }[] = [];
    const versions = timingVersions(this.runner.state(problemFacts));
    const finishByOf = new Map<string, string>();
    for (const event of escalations) {
      if (event.type !== 'EscalationReached' || event.data.level !== 'supervision') continue;
      const { triggerId, rule, problemIds, dueAt } = event.data;
      // 办结时限: the policy in force at the escalation gives the days; the order is dated at the escalation.
      // Escalations share their midnight: the day is counted once per instant (luxon's arithmetic is not cheap).
      let finishBy = finishByOf.get(dueAt);
      if (finishBy === undefined) {
        const dueMs = instantMs(dueAt);
        finishBy = addDays(countyDayOfMs(dueMs), timingAt(versions, dueMs).supervisionFinishByDays);
        finishByOf.set(dueAt, finishBy);
      }
      for (const problemId of problemIds)
        orders.push({
          input: {
            type: 'OrderSupervision',
            data: {
              problemId,
              instruction: `约谈触发条件（${rule}）逾期未解决，升级为督办，请于${finishBy}前办结并回复。`,
              finishBy,
              triggerId,
            },
          },
          context: { actor: schedulerActor, commandId: `auto-supervision:${triggerId}:${problemId}`, now: () => dueAt },
        });
    }
    if (orders.length === 0) return;
    const outcomes = await this.ledger.problemCommands(orders);
    // A problem already reported fixed or closed takes no order: nothing to supervise.
    for (const [i, outcome] of outcomes.entries())
      if (!outcome.ok)
        (this.options.log ?? console.warn)(`Automatic supervision ${orders[i]!.context.commandId} not ordered: ${String(outcome.error)}`);
  }
}

/** The months whose end (00:00 of the next month's first county day) falls in (fromMs, toMs], oldest first, with that instant. */
export function monthEnds(fromMs: number, toMs: number): { month: string; endedAt: string }[] {
  return midnightsBetween(fromMs, toMs)
    .filter((ms) => countyDayOfMs(ms).endsWith('-01'))
    .map((ms) => ({ month: previousMonth(countyDayOfMs(ms).slice(0, 7)), endedAt: countyInstant(ms) }));
}

/** 考核未定档: the year had items (raised in it) and was not finalized by the instant (told on 1 January). */
function yearUnfinished(facts: FactsState, year: number, ms: number): boolean {
  const finalized = facts.finalizations.get(year);
  if (finalized && instantMs(finalized.occurredAt) <= ms) return false;
  for (const problem of facts.problems.values()) if (problem.raisedOn.startsWith(`${year}-`)) return true;
  return false;
}

/** The timing section of every policy version, from the instant each was adopted (version 0 from the start). */
export function timingVersions(facts: FactsState): TimingVersion[] {
  return [
    { fromMs: Number.NEGATIVE_INFINITY, timing: defaultPolicy.timing },
    ...facts.policies.map((p) => ({ fromMs: instantMs(p.adoptedAt), timing: p.document.timing ?? defaultPolicy.timing })),
  ];
}
