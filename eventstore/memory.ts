import { AppendSignal, followByReading } from './catchUp.js';
import {
  type AppendResult,
  type EventCodec,
  type EventStore,
  type ExpectedRevision,
  type LeaseHolding,
  type LeaseStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  WrongExpectedRevisionError,
  expectedMatches,
  withChangeToken,
  withWritten,
} from './port.js';
import { assertDistinctParts, decodedOrNothing, duplicateIdError, sameEvents, selectFromStream } from './shared.js';

/** The in-memory adapter: for tests and benchmarks; everything is lost when the process ends. */
export class MemoryEventStore implements EventStore, LeaseStore {
  private readonly log: RecordedEvent[] = [];
  private readonly leases = new Map<string, { holder: string; expiresMs: number }>();
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly appended = new AppendSignal();

  constructor(private readonly codec: EventCodec = (e) => e) {}

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return (await this.appendMany([{ streamId, events, expected }]))[0]!;
  }

  async appendMany(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertDistinctParts(parts);
    // Every part is judged before any is written: all or nothing (distinct streams and ids cannot affect each other's judgement).
    const judged = parts.map((part) => this.judge(part));
    const results = parts.map((part, i) => judged[i] ?? this.write(part));
    if (parts.some((part, i) => judged[i] === undefined && part.events.length > 0)) this.appended.notify();
    // Parts of one append are distinct streams, written at once: each ends with its events at the token now.
    return results.map((result, i) => (judged[i] === undefined ? withChangeToken(result, this.changeToken()) : result));
  }

  /** A part's result when it writes nothing (a retry, or nothing to append); undefined when it is to be written; throws when refused. */
  private judge({ streamId, events, expected }: StreamAppend): AppendResult | undefined {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length - 1;
    const already = events.map((e) => this.byId.get(e.id));
    if (already.some((e) => e !== undefined)) {
      if (!sameEvents(streamId, events, already)) throw duplicateIdError(events, already);
      return { nextExpectedRevision: current, position: already.at(-1)!.position };
    }
    if (!expectedMatches(expected, current))
      throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);
    if (events.length === 0) return { nextExpectedRevision: current, position: stream.at(-1)?.position ?? -1 };
    return undefined;
  }

  private write({ streamId, events }: StreamAppend): AppendResult {
    const stream = this.streams.get(streamId) ?? [];
    const written: RecordedEvent[] = [];
    for (const event of events) {
      const recorded: RecordedEvent = { ...structuredClone(event), streamId, revision: stream.length, position: this.log.length };
      stream.push(recorded);
      this.log.push(recorded);
      this.byId.set(event.id, recorded);
      written.push(recorded);
    }
    this.streams.set(streamId, stream);
    const result = { nextExpectedRevision: stream.length - 1, position: this.log.length - 1 };
    return withWritten(result, decodedOrNothing(structuredClone(written), this.codec));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return selectFromStream(this.streams.get(streamId) ?? [], options).map((e) => this.codec(structuredClone(e)));
  }

  async readAll({ after = -1, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.log.slice(after + 1, after + 1 + maxCount).map((e) => this.codec(structuredClone(e)));
  }

  subscribeToAll(options: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void): Promise<void> {
    return followByReading(this, this.appended, options, onEvent);
  }

  /** The log's length: it grows at every append that writes, and at nothing else. */
  changeToken(): number {
    return this.log.length;
  }

  async headPosition(): Promise<number> {
    return this.log.length - 1;
  }

  /** Leases of the servers sharing this object (tests); one process alone always gets them. */
  async acquireLease(name: string, holder: string, seconds: number): Promise<LeaseHolding> {
    const now = Date.now();
    const lease = this.leases.get(name);
    if (!lease || lease.holder === holder || lease.expiresMs <= now) this.leases.set(name, { holder, expiresMs: now + seconds * 1000 });
    const held = this.leases.get(name)!;
    return { holder: held.holder, expiresAt: new Date(held.expiresMs).toISOString() };
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }

  async close(): Promise<void> {}
}
