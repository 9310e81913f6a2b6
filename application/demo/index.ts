import type { z } from 'zod';
import {
  type Actor,
  type CountyCalendar,
  IllegalStateError,
  type ProblemState,
  type UnitCommand,
  ValidationError,
  assertNever,
  isOverdue,
} from '../../domain/index.js';
import type { CommandContext } from '../../eventstore/commandHandler.js';
import { type SimInstant, Timeline, instantOf, isoDay, simDay } from './clock.js';
import { buildCounty } from './county.js';
import { demoCalendar } from './holidays.js';
import { DEMO_END, type FinalStatus, type PlannedCommand } from './lifecycle.js';
import { planLeaders } from './leaders.js';
import { planProblems } from './problems.js';
import { Random } from './random.js';
import type { Ledger } from '../ledger.js';
import { DEMO_FIRST_COMMAND_ID, demoBegun } from './users.js';

export type DemoOptions = {
  /** Seeds the generator: the same seed gives the same county, event for event. */
  seed?: number;
  /** How many problems to raise (default 300). */
  problems?: number;
  /**
   * Goes on with a load cut short (`demoCutShort`: a first start stopped or killed while it loaded): the store must begin
   * with the demo's first command. Every command has a fixed id, so those already in the log are replays (nothing
   * appended, as a client's retry would be) and the rest are run, in the same order, at the same simulated instants.
   */
  resume?: boolean;
};

export type DemoSummary = {
  seed: number;
  units: number;
  problems: number;
  /** Events appended, ledger-number reservations and the calendar's adoption included (by this call, when resumed). */
  events: number;
  /** Commands found in the log already (a resumed load), not run again. */
  replayed: number;
  byStatus: Record<FinalStatus, number>;
  /** Overdue (逾期) on the last day of the history. */
  overdue: number;
  /** The first and last instants of the history. */
  from: string;
  to: string;
};

type Step = { commandId: string; at: SimInstant; actor: Actor } & (
  | PlannedCommand
  | { kind: 'unit'; input: z.input<typeof UnitCommand> }
  | { kind: 'calendar'; input: { document: CountyCalendar; reason: string } }
  | { kind: 'document'; input: { issuingBody: string; title: string; documentNumber: string; issuedOn: string } }
);

export const DEFAULT_DEMO_SEED = 20181130;

/**
 * Fills an empty store (or goes on with a load cut short: `resume`) with a sample county modelled on the seed (霍山县, 2019–2020): its units,
 * and a few hundred problems from every source in every state. Everything goes through the
 * ledger's own commands, each at its simulated instant, so the history is made by the same rules
 * as real use and has real dates. The commands of all problems are planned first, then run in the
 * order of their instants, so the global log reads chronologically.
 */
export async function loadDemoData(ledger: Ledger, options: DemoOptions = {}): Promise<DemoSummary> {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const count = options.problems ?? 300;
  if (!Number.isInteger(count) || count < 1 || count > 5000)
    throw new ValidationError('DEMO_PROBLEM_COUNT', `The demo raises 1 to 5000 problems, not ${count}.`, { field: 'problems' });
  const resume = options.resume === true;
  if ((await ledger.store.headPosition()) >= 0 && !(resume && (await demoBegun(ledger.store))))
    throw new IllegalStateError(
      'STORE_NOT_EMPTY',
      resume
        ? 'The store does not begin with the demo county: only a demo load cut short is gone on with.'
        : 'Demo data is loaded only into an empty store.',
    );

  const steps = plan(ledger, new Random(seed), count, seed);
  // Stable: the commands of one problem are at strictly increasing instants, so they keep their order.
  steps.sort((a, b) => a.at.key - b.at.key);
  // Each command its own id: a replay is then only a command run before (a load resumed, or another server's beside it).
  const ids = new Set(steps.map((step) => step.commandId));
  if (ids.size !== steps.length) throw new Error(`The demo's plan gives ${steps.length - ids.size} command ids twice`);

  let events = 0;
  let replays = 0;
  const finalStates = new Map<string, ProblemState>();
  for (const step of steps) {
    const context: CommandContext = { actor: step.actor, commandId: step.commandId, now: () => step.at.iso };
    const { replayed, appended, state } = await run(ledger, step, context);
    // The plan and the rules must agree: a command that changes nothing (and was not run before) means the plan is wrong.
    if (!replayed && appended === 0) throw new Error(`Demo command ${step.commandId} (${step.kind}) appended nothing`);
    if (replayed) replays += 1;
    else events += appended;
    if (state && state.status !== 'not_raised') finalStates.set(state.problemId, state);
  }

  const byStatus: Record<FinalStatus, number> = {
    raised: 0,
    assigned: 0,
    rectifying: 0,
    awaiting_verification: 0,
    verified: 0,
    closed: 0,
  };
  let overdue = 0;
  for (const state of finalStates.values()) {
    if (state.status === 'not_raised') continue;
    byStatus[state.status] += 1;
    if (isOverdue(state, isoDay(DEMO_END))) overdue += 1;
  }
  return {
    seed,
    units: steps.filter((s) => s.kind === 'unit' && s.input.type === 'RegisterUnit').length,
    problems: finalStates.size,
    events,
    replayed: replays,
    byStatus,
    overdue,
    from: steps[0]!.at.iso,
    to: steps.at(-1)!.at.iso,
  };
}

async function run(
  ledger: Ledger,
  step: Step,
  context: CommandContext,
): Promise<{ replayed: boolean; appended: number; state?: ProblemState }> {
  switch (step.kind) {
    case 'unit': {
      const result = await ledger.unitCommand(step.input, context);
      return { replayed: result.replayed, appended: result.events.length };
    }
    case 'calendar': {
      const result = await ledger.adoptCalendar(step.input, context);
      return { replayed: result.replayed, appended: result.events.length };
    }
    case 'document': {
      const result = await ledger.registerSourceDocument(step.input, context);
      return { replayed: result.replayed, appended: result.events.length };
    }
    case 'raise': {
      const result = await ledger.raiseProblem(step.input, context);
      // The ledger-number reservation is appended too, to its own stream.
      return { replayed: result.replayed, appended: result.events.length + 1, state: result.state };
    }
    case 'problem': {
      const result = await ledger.problemCommand(step.input, context);
      return { replayed: result.replayed, appended: result.events.length, state: result.state };
    }
    default:
      return assertNever(step);
  }
}

/** The demo's national-feedback document (来源文件): every national-feedback problem of the demo is one of its items. */
export const DEMO_FEEDBACK_DOCUMENT = {
  issuingBody: '国务院扶贫开发领导小组',
  title: '关于反馈2018年脱贫攻坚成效考核发现问题的通知',
  documentNumber: '国开发〔2019〕1号',
  issuedOn: '2019-01-02',
};

/** Every command of the demo with its instant and command id, in planning order. */
function plan(ledger: Ledger, random: Random, count: number, seed: number): Step[] {
  let sequence = 0;
  const nextCommandId = () => `demo-${++sequence}`;
  const county = buildCounty(random, (key) => ledger.unitIdFor(key));

  // First of all, at the start of the first working day, the office adopts the published holiday
  // schedules of the demo's years (工作日历). Its own command id, so the others' ids stay as they were.
  const calendar: Step = {
    commandId: DEMO_FIRST_COMMAND_ID,
    at: instantOf(simDay('2019-01-02'), 8 * 3600 + 30 * 60),
    actor: county.registrar,
    kind: 'calendar',
    input: { document: demoCalendar, reason: '采用国务院办公厅公布的2019—2021年节假日安排，按工作日计算整改时限' },
  };
  // The office registers the units in the first days of 2019, parents before children.
  const registration = new Timeline(random, simDay('2019-01-02'), 9 * 3600);
  const steps: Step[] = [calendar];
  steps.push(
    ...county.units.map(
      (unit): Step => ({
        commandId: nextCommandId(),
        at: registration.after(0),
        actor: county.registrar,
        kind: 'unit',
        input: {
          type: 'RegisterUnit',
          data: { unitId: unit.unitId, name: unit.name, kind: unit.kind, parentUnitId: unit.parent?.unitId ?? null },
        },
      }),
    ),
  );

  // The national feedback arrives as a document (来源文件) listing its items: the office registers it,
  // and raises each national-feedback problem as an item of it, numbered in the order planned (原编号).
  const feedback = DEMO_FEEDBACK_DOCUMENT;
  const feedbackId = ledger.sourceDocumentIdFor(feedback.documentNumber);
  // At a fixed moment (after the calendar, before the units), drawing nothing from the random source: the rest stays as it was.
  steps.push({
    commandId: 'demo-feedback-document',
    at: instantOf(simDay('2019-01-02'), 8 * 3600 + 45 * 60),
    actor: county.officeStaff[0]!,
    kind: 'document',
    input: feedback,
  });
  // The units' leaders (领导班子), right after the units; from their own random source and command ids.
  steps.push(...planLeaders(county, seed, steps.filter((s) => s.kind === 'unit').at(-1)!.at, (commandId) => ledger.leaderIdFor(commandId)));

  const problems = planProblems(random, county, count, {
    next: nextCommandId,
    problemIdFor: (commandId) => ledger.problemIdFor(commandId),
    nationalFeedbackItem: (n) => ({
      sourceDocumentId: feedbackId,
      originalNumber: String(n),
      problemId: ledger.sourceItemProblemId(feedbackId, String(n)),
    }),
  });
  for (const { raiseCommandId, lifecycle } of problems) {
    lifecycle.commands.forEach((command, i) => steps.push({ ...command, commandId: i === 0 ? raiseCommandId : nextCommandId() }));
  }
  return steps;
}
