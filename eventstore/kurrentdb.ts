import {
  type AllStreamResolvedEvent,
  BACKWARDS,
  END,
  FORWARDS,
  type JSONType,
  KurrentDBClient,
  NO_STREAM,
  type ReadPosition,
  type ResolvedEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@kurrent/kurrentdb-client';
import {
  type AppendResult,
  type EventCodec,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  WrongExpectedRevisionError,
  expectedMatches,
} from './port.js';
import { assertDistinctIds, assertDistinctParts, duplicateIdError, sameEvents } from './shared.js';

const LOWER_CASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How often an append re-checks after another writer slipped in between its check and its write. */
const MAX_APPEND_ATTEMPTS = 10;

/**
 * The adapter for a KurrentDB server or cluster, e.g. `kurrentdb://localhost:2113?tls=false` or
 * `kurrentdb://node1:2113,node2:2113,node3:2113?tls=false`.
 *
 * - Positions are the server's commit positions as JS numbers: they increase along the log but are
 *   byte offsets, not a count, so they are not contiguous (an event's successor is not position + 1).
 *   A number stays exact up to 2^53 bytes of log (8 PiB); past that the adapter refuses to guess.
 * - System events (`$`-prefixed types or streams: statistics, metadata, projections) are not ours
 *   and never appear in readAll, subscribeToAll or headPosition.
 * - Event ids must be lower-case UUIDs: the server stores a UUID and gives it back lower-case, so
 *   any other spelling would not be recognised on a retry.
 * - Idempotency: KurrentDB itself recognises a retry only when it comes with the expected revision
 *   of the original write, and does not compare content. To behave like the other adapters (a
 *   stored id is a no-op whatever the expectation; a stored id with other content is a
 *   DuplicateEventIdError), an append reads the stream first, checks the ids and the expectation
 *   itself, then writes at exactly the revision it checked, so nothing can slip in between
 *   unnoticed. That costs a read of the target stream per append: cheap for a problem's or a
 *   unit's stream, growing with the yearly ledger-number stream. There is no index by event id
 *   across streams, so an id reused in another stream is not detected here (memory and SQLite do).
 */
export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;

  constructor(
    connectionString: string,
    private readonly codec: EventCodec = (e) => e,
  ) {
    this.client = KurrentDBClient.connectionString(connectionString);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    assertDistinctIds(events);
    for (const { id } of events)
      if (!LOWER_CASE_UUID.test(id)) throw new Error(`KurrentDB needs event ids that are lower-case UUIDs, not ${id}`);
    for (let attempt = 1; ; attempt++) {
      const stored = await this.readRaw(streamId);
      const current = stored.at(-1)?.revision ?? -1;
      const byId = new Map(stored.map((e) => [e.id, e]));
      const already = events.map((e) => byId.get(e.id));
      if (already.some((e) => e !== undefined)) {
        if (!sameEvents(streamId, events, already)) throw duplicateIdError(events, already);
        return { nextExpectedRevision: current, position: already.at(-1)!.position };
      }
      if (!expectedMatches(expected, current))
        throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);
      if (events.length === 0) return { nextExpectedRevision: current, position: stored.at(-1)?.position ?? -1 };
      const written = await this.write(streamId, events, current);
      if (written !== 'conflict') return written;
      if (attempt >= MAX_APPEND_ATTEMPTS) throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);
      // Someone wrote between our check and our write: look again (their write may even be ours, retried).
    }
  }

  /**
   * The parts one after another, each as appendToStream: NOT atomic here. A failing part leaves the
   * parts before it written (their own appends stay atomic and idempotent, so a caller can simply
   * retry the whole call: what was written is a no-op the second time). KurrentDB 25.1 and later
   * can append to several streams atomically (the client's `multiStreamAppend`), but without this
   * adapter's read-first check of ids; not used until a server of that version is what we run on.
   */
  async appendMany(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertDistinctParts(parts);
    const results: AppendResult[] = [];
    for (const { streamId, events, expected } of parts) results.push(await this.appendToStream(streamId, events, expected));
    return results;
  }

  /** Writes at exactly the revision checked; 'conflict' when the stream has moved since. */
  private async write(streamId: string, events: readonly NewEvent[], current: number): Promise<AppendResult | 'conflict'> {
    let result: Awaited<ReturnType<typeof this.client.appendToStream>>;
    try {
      result = await this.client.appendToStream(
        streamId,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: e.metadata })),
        { streamState: current === -1 ? NO_STREAM : BigInt(current) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return 'conflict';
      throw error;
    }
    // With throwOnAppendFailure=false in the connection string, a conflict comes back as a result.
    if (!result.success) return 'conflict';
    const nextExpectedRevision = Number(result.nextExpectedRevision);
    // The append result carries the write's position, which for several events need not be the
    // last event's; read the last event back so the position matches what readAll will show.
    const [last] = await this.readRaw(streamId, { fromRevision: nextExpectedRevision, maxCount: 1 });
    if (!last) throw new Error(`KurrentDB acknowledged ${streamId}@${nextExpectedRevision} but it cannot be read back`);
    return { nextExpectedRevision, position: last.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return (await this.readRaw(streamId, options)).map((e) => this.codec(e));
  }

  async readAll({ after = -1, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    if (maxCount <= 0) return [];
    const events: RecordedEvent[] = [];
    // Reading $all from a position includes the event at that position; `after` is exclusive.
    const read = this.client.readAll({
      fromPosition: readPosition(after),
      maxCount: Math.min(maxCount + 1, Number.MAX_SAFE_INTEGER),
      filter: excludeSystemEvents(),
    });
    for await (const resolved of read) {
      const event = fromResolved(resolved);
      if (event === undefined || event.position <= after) continue;
      events.push(this.codec(event));
      if (events.length === maxCount) break;
    }
    return events;
  }

  async subscribeToAll({ after = -1, signal }: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void): Promise<void> {
    if (signal.aborted) return;
    // The server catches up from the position and turns live by itself; the position check below
    // keeps "exactly once" even if it were to repeat an event at the hand-over.
    const subscription = this.client.subscribeToAll({ fromPosition: readPosition(after), filter: excludeSystemEvents() });
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= subscription
        .unsubscribe()
        .catch(() => undefined)
        .finally(() => subscription.destroy()));
    const onAbort = () => void stop();
    signal.addEventListener('abort', onAbort, { once: true });
    let last = after;
    try {
      for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
        if (signal.aborted) break;
        const event = fromResolved(resolved);
        if (event === undefined || event.position <= last) continue;
        await onEvent(this.codec(event));
        last = event.position;
      }
    } catch (error) {
      // Stopping the subscription ends the iteration with a premature-close error: that is the abort.
      if (!signal.aborted) throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      await stop();
    }
    if (!signal.aborted) throw new Error(`KurrentDB ended the subscription to $all after position ${last}`);
  }

  async headPosition(): Promise<number> {
    const read = this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: excludeSystemEvents() });
    for await (const resolved of read) {
      const event = fromResolved(resolved);
      if (event !== undefined) return event.position;
    }
    return -1;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** The stream as stored, before the codec: what idempotency checks compare against. */
  private async readRaw(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER } = options;
    if (maxCount <= 0) return [];
    const fromRevision =
      options.fromRevision !== undefined ? BigInt(Math.max(0, options.fromRevision)) : direction === 'forwards' ? START : END;
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision,
        maxCount,
      });
      for await (const resolved of read) {
        const event = fromResolved(resolved);
        if (event !== undefined) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }
}

function fromResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (event === undefined || event.type.startsWith('$') || event.streamId.startsWith('$')) return undefined;
  const commit = event.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) throw new Error(`KurrentDB gave no position for ${event.streamId}@${event.revision}: server older than 22.6?`);
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata as EventMetadata,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: toNumber(commit),
  };
}

function toNumber(commitPosition: bigint): number {
  if (commitPosition > BigInt(Number.MAX_SAFE_INTEGER))
    throw new Error(`KurrentDB commit position ${commitPosition} no longer fits a JS number`);
  return Number(commitPosition);
}

/** Our positions are commit positions; for every write since explicit transactions went away, prepare = commit. */
function readPosition(after: number): ReadPosition {
  return after < 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
}
