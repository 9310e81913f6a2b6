import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Decider } from '../domain/shared/decider.js';
import { ValidationError } from '../domain/shared/errors.js';
import { schemaVersionOf } from '../domain/registry.js';
import { canonicalJson } from './canonicalJson.js';
import { type CommandOutcome, observerOf } from './observed.js';
import {
  DuplicateEventIdError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from './port.js';

/** A stream's state: its recorded events folded from the decider's initial state (the codec has checked their shape). */
export function foldStream<State, Event extends { type: string; data: unknown }>(
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  events: readonly RecordedEvent[],
): State {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event as unknown as Event);
  return state;
}

/** Who is asking, and the ids that tie this command to the request that caused it. */
export type CommandContext = {
  actor: EventMetadata['actor'];
  /** Client-supplied when it wants safe retries: the same id returns the same result, appends nothing new. */
  commandId: string;
  correlationId?: string;
  causationId?: string;
  /** The injected clock. */
  now: () => string;
};

export type CommandResult<State> = {
  state: State;
  /** The events this command appended, or appended the first time it was handled. */
  events: RecordedEvent[];
  nextExpectedRevision: number;
  /** True when this command id had already been handled and nothing was appended now. */
  replayed: boolean;
};

export class ConcurrencyRetriesExhaustedError extends Error {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(streamId: string, attempts: number) {
    super(`Stream ${streamId} kept changing under this command (${attempts} attempts); please try again.`);
  }
}

const EVENT_ID_NAMESPACE = '6f1c1b8e-3d0a-4c55-9a51-7b0c0f2f9d41';

/** Event ids follow from the command id, so a retried append is recognised by the store itself. */
export const eventIdFor = (commandId: string, streamId: string, index: number) =>
  uuidv5(`${commandId}/${streamId}/${index}`, EVENT_ID_NAMESPACE);

export function metadataFor(
  context: CommandContext,
  occurredAt: string,
  schemaVersion: number,
  commandFingerprint?: string,
): EventMetadata {
  return {
    actor: context.actor,
    commandId: context.commandId,
    correlationId: context.correlationId ?? context.commandId,
    causationId: context.causationId ?? context.commandId,
    occurredAt,
    schemaVersion,
    ...(commandFingerprint === undefined ? {} : { commandFingerprint }),
  };
}

/**
 * What makes a command this command: who sent it, what it is and its input (SHA-256 of their
 * canonical JSON). Kept with its events, so the same command id sent again is told apart: the same
 * fingerprint is a retry, another one a different command under a reused id.
 */
export function commandFingerprint(userId: string, type: string, data: unknown): string {
  return createHash('sha256').update(canonicalJson({ userId, type, data })).digest('hex');
}

/** A command id already used for another command (another user, mutation or input): refused, nothing appended. */
export class CommandIdReusedError extends ValidationError {
  constructor(commandId: string) {
    super('COMMAND_ID_REUSED', `Command id ${commandId} was already used for another command; send a new command id.`, {
      field: 'commandId',
    });
  }
}

/**
 * Refuses when these events, recorded under the command's id, were written by another command.
 * Events written before fingerprints were kept carry none, and count as the same command.
 */
export function assertSameCommand(events: readonly RecordedEvent[], commandId: string, fingerprint: string | undefined): void {
  const recorded = events.find((e) => typeof e.metadata.commandFingerprint === 'string')?.metadata.commandFingerprint;
  if (fingerprint !== undefined && recorded !== undefined && recorded !== fingerprint) throw new CommandIdReusedError(commandId);
}

/**
 * Commands on one stream from this process run one after another: they would only conflict and
 * retry. Writers in other processes are still caught by the expected revision.
 */
const streamQueues = new Map<string, Promise<unknown>>();
function oneAtATime<T>(streamId: string, work: () => Promise<T>): Promise<T> {
  const previous = streamQueues.get(streamId) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.catch(() => undefined);
  streamQueues.set(streamId, settled);
  void settled.then(() => {
    if (streamQueues.get(streamId) === settled) streamQueues.delete(streamId);
  });
  return run;
}

export type HandleOptions = {
  maxAttempts?: number;
  /**
   * The command's fingerprint (commandFingerprint), kept with its events. By default of the actor and
   * the command itself; a use case whose command carries derived data (a password's hash, figures
   * read now) gives the fingerprint of what the caller sent instead, so its retries still match.
   * null keeps none and compares none (finishing a command recorded before fingerprints were kept).
   */
  fingerprint?: string | null;
};

/**
 * Load, decide, append — in that order, with the revision just read. When another writer got there
 * first the whole cycle runs again (a bounded number of times) on the fresh state.
 */
export function handleCommand<State, Command, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  context: CommandContext,
  options: HandleOptions = {},
): Promise<CommandResult<State>> {
  const handled = oneAtATime(streamId, () => attempt(store, streamId, decider, command, context, options));
  return reported(store, command, handled);
}

/**
 * Tells the store's observer (metrics, the request under way: eventstore/observed.ts) how the command
 * ended, with the log position its outcome stands at: its last event's (appended now or, for a
 * retry, the first time); -1 for a command that had nothing to do.
 */
function reported<State>(store: EventStore, command: unknown, handled: Promise<CommandResult<State>>): Promise<CommandResult<State>> {
  if (!observerOf(store)?.command) return handled;
  return handled.then(
    (value) => {
      reportSettled(store, command, { ok: true, value });
      return value;
    },
    (error: unknown) => {
      reportSettled(store, command, { ok: false, error });
      throw error;
    },
  );
}

function reportSettled(store: EventStore, command: unknown, settled: Settled<CommandResult<unknown>>): void {
  const observer = observerOf(store);
  if (!observer?.command) return;
  const type = (command as { type?: unknown }).type;
  observer.command(typeof type === 'string' ? type : 'unknown', outcomeOf(settled));
}

function outcomeOf(settled: Settled<CommandResult<unknown>>): CommandOutcome {
  if (!settled.ok) {
    const code = (settled.error as { code?: unknown } | null)?.code;
    return { kind: 'rejected', code: typeof code === 'string' ? code : 'INTERNAL' };
  }
  const { events, replayed } = settled.value;
  const position = Math.max(-1, ...events.map((e) => e.position));
  if (replayed) return { kind: 'replayed', position };
  return events.length > 0 ? { kind: 'accepted', position } : { kind: 'unchanged', position };
}

/** What loading and deciding came to: the command's result already (a retry, or nothing to do), or the events to append. */
type Decision<State, Event> =
  | { kind: 'settled'; result: CommandResult<State> }
  | { kind: 'append'; state: State; decided: Event[]; revision: number; events: NewEvent[] };

/**
 * Steps 1 and 2, shared by `handleCommand` and `handleCommands`. Load: fold the stream, noticing
 * whether this command was handled already. Decide, and give the events their ids and metadata.
 */
async function loadAndDecide<State, Command, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  context: CommandContext,
  fingerprint: string | undefined,
): Promise<Decision<State, Event>> {
  const recorded = await store.readStream(streamId);
  const state = foldStream(decider, recorded);
  const earlier = recorded.filter((e) => e.metadata.commandId === context.commandId);
  const revision = recorded.length - 1;
  if (earlier.length > 0) {
    // The same command again is a retry; another command under this id is refused, never answered with the earlier result.
    assertSameCommand(earlier, context.commandId, fingerprint);
    return { kind: 'settled', result: { state, events: earlier, nextExpectedRevision: revision, replayed: true } };
  }
  const now = context.now();
  const decided = decider.decide(state, command, now);
  if (decided.length === 0) return { kind: 'settled', result: { state, events: [], nextExpectedRevision: revision, replayed: false } };
  const events: NewEvent[] = decided.map((event, index) => ({
    id: eventIdFor(context.commandId, streamId, index),
    type: event.type,
    data: event.data,
    metadata: metadataFor(context, now, schemaVersionOf(event.type), fingerprint),
  }));
  return { kind: 'append', state, decided, revision, events };
}

/**
 * Step 3's reading back, shared too: this command's events after the append — what it appended, or
 * what the store held already under its ids (a retry's). The store takes events it holds already
 * (same ids, type and data) as a retry of them: when another process wrote them under this id for
 * another actor, they are not this command's.
 */
async function appendedByThisCommand(
  store: EventStore,
  streamId: string,
  revision: number,
  context: CommandContext,
  fingerprint: string | undefined,
): Promise<RecordedEvent[]> {
  const appended = (await store.readStream(streamId, { fromRevision: revision + 1 })).filter(
    (e) => e.metadata.commandId === context.commandId,
  );
  assertSameCommand(appended, context.commandId, fingerprint);
  return appended;
}

/** The state after its decided events. */
const evolveAll = <State, Event extends { type: string; data: unknown }>(
  decider: Pick<Decider<State, unknown, Event>, 'evolve'>,
  state: State,
  events: readonly Event[],
) => events.reduce((s, event) => decider.evolve(s, event), state);

async function attempt<State, Command, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  context: CommandContext,
  options: HandleOptions,
): Promise<CommandResult<State>> {
  const { maxAttempts = 10 } = options;
  const fingerprint = fingerprintOf(options, context, command);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    // 1. Load and 2. decide.
    const decision = await loadAndDecide(store, streamId, decider, command, context, fingerprint);
    if (decision.kind === 'settled') return decision.result;
    const { revision, events, decided } = decision;

    // 3. Append with the revision just read.
    try {
      const result = await store.appendToStream(streamId, events, revision === -1 ? 'no_stream' : revision);
      const appended = await appendedByThisCommand(store, streamId, revision, context, fingerprint);
      return {
        state: evolveAll(decider, decision.state, decided),
        events: appended,
        nextExpectedRevision: result.nextExpectedRevision,
        replayed: false,
      };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < maxAttempts) continue;
      if (error instanceof WrongExpectedRevisionError) throw new ConcurrencyRetriesExhaustedError(streamId, attempt);
      // Our event ids are taken: the same command, in another process, appended what it decided on a
      // fresher state. Reading again finds it, and the command is a replay of that (or, when another
      // command took this id, is refused there).
      if (error instanceof DuplicateEventIdError && attempt < maxAttempts) continue;
      throw error;
    }
  }
  throw new ConcurrencyRetriesExhaustedError(streamId, maxAttempts);
}

/** One command's outcome among several: its result, or why it was refused. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export type BatchItem<Command> = { streamId: string; command: Command; context: CommandContext; options?: HandleOptions };

/**
 * Several commands, each on its own stream, decided at once and appended in one store append
 * (`appendMany`: one durable commit instead of one per command): for a writer with many commands at
 * one instant (the scheduler's automatic 督办). Each command is loaded, checked for an earlier run of
 * its id and decided exactly as `handleCommand` does; one refused by its decision leaves the others.
 * What the batch cannot settle at once — a second command on a stream already in the batch, or a
 * batch another writer moved a stream under — is handled afterwards one by one by `handleCommand`,
 * in the order given, with its retries.
 */
export async function handleCommands<State, Command, Event extends { type: string; data: unknown }>(
  store: EventStore,
  decider: Decider<State, Command, Event>,
  items: readonly BatchItem<Command>[],
): Promise<Settled<CommandResult<State>>[]> {
  const settled: (Settled<CommandResult<State>> | undefined)[] = items.map(() => undefined);
  const batch: { index: number; decision: Extract<Decision<State, Event>, { kind: 'append' }>; fingerprint: string | undefined }[] = [];
  const streams = new Set<string>();
  for (const [index, { streamId, command, context, options = {} }] of items.entries()) {
    if (streams.has(streamId)) continue;
    streams.add(streamId);
    try {
      const fingerprint = fingerprintOf(options, context, command);
      const decision = await loadAndDecide(store, streamId, decider, command, context, fingerprint);
      if (decision.kind === 'settled') settled[index] = { ok: true, value: decision.result };
      else batch.push({ index, decision, fingerprint });
    } catch (error) {
      settled[index] = { ok: false, error };
    }
  }
  if (batch.length > 0) {
    try {
      const results = await store.appendMany(
        batch.map(({ index, decision: { revision, events } }) => ({
          streamId: items[index]!.streamId,
          events,
          expected: revision === -1 ? 'no_stream' : revision,
        })),
      );
      for (const [i, { index, decision, fingerprint }] of batch.entries()) {
        const { streamId, context } = items[index]!;
        try {
          const appended = await appendedByThisCommand(store, streamId, decision.revision, context, fingerprint);
          settled[index] = {
            ok: true,
            value: {
              state: evolveAll(decider, decision.state, decision.decided),
              events: appended,
              nextExpectedRevision: results[i]!.nextExpectedRevision,
              replayed: false,
            },
          };
        } catch (error) {
          settled[index] = { ok: false, error };
        }
      }
    } catch (error) {
      // Another writer moved a stream, or wrote some of these ids: nothing was appended; one by one below settles each.
      if (!(error instanceof WrongExpectedRevisionError) && !(error instanceof DuplicateEventIdError)) throw error;
    }
  }
  // What the batch settled is reported here; what is left is reported by handleCommand.
  for (const [index, { command }] of items.entries()) {
    const outcome = settled[index];
    if (outcome) reportSettled(store, command, outcome);
  }
  for (const [index, { streamId, command, context, options }] of items.entries()) {
    if (settled[index] !== undefined) continue;
    settled[index] = await handleCommand(store, streamId, decider, command, context, options).then(
      (value): Settled<CommandResult<State>> => ({ ok: true, value }),
      (error: unknown): Settled<CommandResult<State>> => ({ ok: false, error }),
    );
  }
  return settled as Settled<CommandResult<State>>[];
}

/** The fingerprint kept with the command's events: the one given, none (null), or by default of the actor and the command. */
function fingerprintOf(options: HandleOptions, context: CommandContext, command: unknown): string | undefined {
  if (options.fingerprint === null) return undefined;
  if (options.fingerprint !== undefined) return options.fingerprint;
  const { type, data } = command as { type: string; data: unknown };
  return commandFingerprint(context.actor.userId, type, data);
}
