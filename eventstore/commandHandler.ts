import { hash } from 'node:crypto';
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import type { Decider } from '../domain/shared/decider.js';
import { ValidationError } from '../domain/shared/errors.js';
import { schemaVersionOf } from '../domain/registry.js';
import { canonicalJson } from './canonicalJson.js';
import { type CommandOutcome, observerOf } from './observed.js';
import {
  type AppendResult,
  DuplicateEventIdError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
  changeTokenAfter,
  writtenBy,
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
  /**
   * Told each log position this command reaches: what it appends (as soon as the append is durable)
   * and, for a retry, where its first run stood. The API credits it to the request the command runs
   * in (`X-Log-Position`, api/observability.ts); services that append outside the handler tell it too.
   */
  reached?: (position: number) => void;
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

const EVENT_ID_NAMESPACE = parseUuid('6f1c1b8e-3d0a-4c55-9a51-7b0c0f2f9d41');

/**
 * Event ids follow from the command id, so a retried append is recognised by the store itself. The name goes to uuid as
 * its UTF-8 bytes and the namespace as parsed once (the same id as from the strings): from strings, uuid parses the
 * namespace twice and encodes the name through `unescape(encodeURIComponent(...))` for every event.
 */
export const eventIdFor = (commandId: string, streamId: string, index: number) =>
  uuidv5(Buffer.from(`${commandId}/${streamId}/${index}`), EVENT_ID_NAMESPACE);

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
  return hash('sha256', canonicalJson({ userId, type, data }), 'hex');
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

/**
 * A stream's state folded up to a revision, kept between commands, with the revisions each command id
 * wrote (a retry is recognised without the events). The map only grows with the stream and is shared
 * by the entry's later versions: a lookup counts only revisions up to the entry's own.
 */
type Folded = {
  decider: object;
  state: unknown;
  revision: number;
  commands: Map<string, number[]>;
  /** The store's change token taken before the read that found this fold current: while it holds, no read is needed. */
  checkedAt?: string | number;
};

/**
 * The folded state of the streams commands were handled on, per store: a bounded LRU. The log is what
 * counts: before deciding, the handler reads the events after the kept revision (normally none) and
 * folds them, so a writer in another process is seen; a conflict on append drops the entry. A
 * command thus parses (codec, zod) and folds each event of its stream once, not at every command.
 */
class FoldedStreams {
  private readonly entries = new Map<string, Folded>();
  constructor(private readonly max: number) {}

  get(streamId: string, decider: object): Folded | undefined {
    const entry = this.entries.get(streamId);
    if (entry === undefined || entry.decider !== decider) return undefined;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry;
  }

  /** Keeps a fold unless a later one of the same decider is kept already. */
  keep(streamId: string, folded: Folded): void {
    const kept = this.entries.get(streamId);
    if (kept !== undefined && kept.decider === folded.decider && kept.revision > folded.revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, folded);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  drop(streamId: string): void {
    this.entries.delete(streamId);
  }
}

/** How many streams' folded state a store keeps for its commands. */
const FOLDED_STREAMS = 5_000;
const foldedByStore = new WeakMap<EventStore, FoldedStreams>();
const foldedStreams = (store: EventStore) => {
  let streams = foldedByStore.get(store);
  if (streams === undefined) foldedByStore.set(store, (streams = new FoldedStreams(FOLDED_STREAMS)));
  return streams;
};

/**
 * A fold carried on over the events that follow it; undefined when they do not follow on (a gap:
 * the caller reads the stream again instead).
 */
function foldOnto<State, Event extends { type: string; data: unknown }>(
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  from: Folded | undefined,
  events: readonly RecordedEvent[],
): Folded | undefined {
  if (from !== undefined && events.length === 0) return from;
  let revision = from?.revision ?? -1;
  let state = (from?.state as State | undefined) ?? decider.initialState;
  const commands = from?.commands ?? new Map<string, number[]>();
  for (const event of events) {
    if (event.revision !== revision + 1) return undefined;
    state = decider.evolve(state, event as unknown as Event);
    revision = event.revision;
    const commandId = event.metadata.commandId;
    const revisions = commands.get(commandId);
    if (revisions === undefined) commands.set(commandId, [revision]);
    else if (revisions.at(-1)! < revision) revisions.push(revision);
  }
  return { decider, state, revision, commands };
}

/**
 * A stream's current state for a command: the kept fold carried on over the events after it, or the
 * whole stream folded when none is kept (or it does not follow on). No read at all when the fold was
 * found current since the last append to the store (its change token has not moved): a use case's
 * check before a command (`currentState`) and the command itself then read the stream once.
 */
async function loadFolded<State, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, never, Event>,
): Promise<Folded> {
  const streams = foldedStreams(store);
  // Taken before the read: an append between the two moves the token, and the next load reads again.
  const token = store.changeToken?.();
  const kept = streams.get(streamId, decider);
  if (kept !== undefined && token !== undefined && kept.checkedAt === token) return kept;
  if (kept !== undefined) {
    const folded = foldOnto(decider, kept, await store.readStream(streamId, { fromRevision: kept.revision + 1 }));
    if (folded !== undefined) return keptChecked(streams, streamId, folded, token);
  }
  return keptChecked(streams, streamId, foldOnto(decider, undefined, await store.readStream(streamId))!, token);
}

/** A fold just read to the stream's end, kept, as checked at the token taken before that read. */
function keptChecked(streams: FoldedStreams, streamId: string, folded: Folded, token: string | number | undefined): Folded {
  const checked = { ...folded, checkedAt: token };
  streams.keep(streamId, checked);
  return checked;
}

/**
 * A stream's current state, from the same kept fold the commands use (read models can lag; this does
 * not): for the checks a use case makes before a command (does the unit exist? is the problem the
 * user's unit's?) without folding the stream again each time.
 */
export async function currentState<State, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, never, Event>,
): Promise<{ state: State; revision: number }> {
  const folded = await loadFolded(store, streamId, decider);
  return { state: folded.state as State, revision: folded.revision };
}

/** The events a command id wrote in a stream up to the fold's revision, read back by their revisions (a retry: rare). */
async function earlierEvents(store: EventStore, streamId: string, folded: Folded, commandId: string): Promise<RecordedEvent[]> {
  const revisions = (folded.commands.get(commandId) ?? []).filter((r) => r <= folded.revision);
  if (revisions.length === 0) return [];
  const first = revisions[0]!;
  const events = await store.readStream(streamId, { fromRevision: first, maxCount: revisions.at(-1)! - first + 1 });
  return events.filter((e) => e.metadata.commandId === commandId);
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
  return reported(store, command, context, handled);
}

/**
 * Tells the store's observer (metrics, the request under way: eventstore/observed.ts) how the command
 * ended, with the log position its outcome stands at: its last event's (appended now or, for a
 * retry, the first time); -1 for a command that had nothing to do.
 */
function reported<State>(
  store: EventStore,
  command: unknown,
  context: CommandContext,
  handled: Promise<CommandResult<State>>,
): Promise<CommandResult<State>> {
  if (!observerOf(store)?.command && !context.reached) return handled;
  return handled.then(
    (value) => {
      reportSettled(store, command, context, { ok: true, value });
      return value;
    },
    (error: unknown) => {
      reportSettled(store, command, context, { ok: false, error });
      throw error;
    },
  );
}

/** Tells the store's observer and the command's context (`reached`) how the command ended. */
function reportSettled(store: EventStore, command: unknown, context: CommandContext, settled: Settled<CommandResult<unknown>>): void {
  const observer = observerOf(store);
  if (!observer?.command && !context.reached) return;
  const outcome = outcomeOf(settled);
  if (outcome.kind !== 'rejected' && outcome.position >= 0) context.reached?.(outcome.position);
  const type = (command as { type?: unknown }).type;
  observer?.command?.(typeof type === 'string' ? type : 'unknown', outcome);
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
  | { kind: 'append'; state: State; decided: Event[]; revision: number; events: NewEvent[]; folded: Folded };

/**
 * Steps 1 and 2, shared by `handleCommand` and `handleCommands`. Load: the stream's folded state
 * (kept, carried on over what followed), noticing whether this command was handled already. Decide,
 * and give the events their ids and metadata.
 */
async function loadAndDecide<State, Command, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  context: CommandContext,
  fingerprint: string | undefined,
): Promise<Decision<State, Event>> {
  const folded = await loadFolded(store, streamId, decider as Decider<State, never, Event>);
  const state = folded.state as State;
  const revision = folded.revision;
  const earlier = await earlierEvents(store, streamId, folded, context.commandId);
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
  return { kind: 'append', state, decided, revision, events, folded };
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

/**
 * What this command appended: the events the store says it wrote (kept on in the stream's fold, so the
 * next command reads nothing: found current as of the commit when the store can say so, else read for
 * what followed), or else read back as `appendedByThisCommand` does.
 */
async function appendedNow<State, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, never, Event>,
  folded: Folded,
  result: AppendResult,
  context: CommandContext,
  fingerprint: string | undefined,
): Promise<RecordedEvent[]> {
  const written = writtenBy(result);
  if (written === undefined) return appendedByThisCommand(store, streamId, folded.revision, context, fingerprint);
  const next = foldOnto(decider, folded, written);
  if (next !== undefined) foldedStreams(store).keep(streamId, { ...next, checkedAt: changeTokenAfter(result) });
  return written;
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
    const { revision, events, decided, folded } = decision;

    // 3. Append with the revision just read.
    try {
      const result = await store.appendToStream(streamId, events, revision === -1 ? 'no_stream' : revision);
      context.reached?.(result.position);
      const appended = await appendedNow(store, streamId, decider as Decider<State, never, Event>, folded, result, context, fingerprint);
      return {
        state: evolveAll(decider, decision.state, decided),
        events: appended,
        nextExpectedRevision: result.nextExpectedRevision,
        replayed: false,
      };
    } catch (error) {
      // Another writer moved the stream: forget its fold, and load it afresh.
      if (error instanceof WrongExpectedRevisionError) foldedStreams(store).drop(streamId);
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
        context.reached?.(results[i]!.position);
        try {
          const appended = await appendedNow(
            store,
            streamId,
            decider as Decider<State, never, Event>,
            decision.folded,
            results[i]!,
            context,
            fingerprint,
          );
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
      if (error instanceof WrongExpectedRevisionError) foldedStreams(store).drop(error.streamId);
    }
  }
  // What the batch settled is reported here; what is left is reported by handleCommand.
  for (const [index, { command, context }] of items.entries()) {
    const outcome = settled[index];
    if (outcome) reportSettled(store, command, context, outcome);
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
