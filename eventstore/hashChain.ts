import { hash } from 'node:crypto';
import { canonicalJson, canonicalObjectWith } from './canonicalJson.js';
import { ObservedEventStore } from './observed.js';
import { preparedHash } from './preparedData.js';
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
  changeTokenAfter,
  expectedMatches,
  withChangeToken,
  withWritten,
  writtenBy,
} from './port.js';
import { decodedOrNothing } from './shared.js';

/** What the first event of every stream chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an event's hash covers. The global position is not among them: adapters number differently. */
export type HashedFields = {
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
};

/**
 * SHA-256 (hex) over the canonical JSON of {stream, revision, type, data, metadata without its
 * hash, prevHash}. The same events give the same hash in every adapter.
 */
export function eventHash({ streamId, revision, type, data, metadata }: HashedFields, prevHash: string): string {
  // canonicalJson({ stream, revision, type, data, metadata: { ...metadata without hash, prevHash }, prevHash }),
  // written out with its keys already in order: verification does this for every event.
  const rest =
    `,"metadata":${canonicalObjectWith(metadata, 'hash', 'prevHash', prevHash)}` +
    `,"prevHash":${JSON.stringify(prevHash)},"revision":${canonicalJson(revision)},"stream":${JSON.stringify(streamId)},"type":${JSON.stringify(type)}}`;
  // Data prepared in slices before the append (eventstore/preparedData.ts): the hash goes on from its canonical JSON.
  const head = preparedHash(data);
  if (head) return head.update(rest).digest('hex');
  return hash('sha256', `{"data":${canonicalJson(data)}${rest}`, 'hex');
}

/** The hash an event carries, or undefined when it was written before the chain existed. */
export const storedHash = (event: { metadata: EventMetadata }): string | undefined =>
  typeof event.metadata.hash === 'string' ? event.metadata.hash : undefined;

/** An event of a store written before the hash chain: appending to it would chain from nothing. */
export class UnchainedStoreError extends Error {
  readonly code = 'UNCHAINED_STORE';
  constructor(
    readonly streamId: string,
    readonly revision: number,
  ) {
    super(
      `Event ${streamId}@${revision} was written before the hash chain existed; run \`npm run migrate:hash-chain\` (SQLite) before writing to this store.`,
    );
    this.name = 'UnchainedStoreError';
  }
}

const MAX_ATTEMPTS = 50;

/** A stream's last event as the chain needs it: its revision and hash (undefined when written before the chain). */
type Head = { revision: number; hash: string | undefined };

/**
 * The hash chain, as one decorator over any adapter, so memory, SQLite and KurrentDB chain
 * identically. Each appended event gets `metadata.prevHash` (its stream's previous hash, or the
 * genesis value) and `metadata.hash`. The chain is computed against the head this append read,
 * so the inner append always uses that exact revision; a caller's 'any' or 'stream_exists' is
 * honoured by retrying when another writer moved the head in between.
 *
 * Reads go through the codec here rather than in the adapter, so `inner` still returns events
 * exactly as stored: verification hashes those, not what the codec made of them.
 */
export class HashChainedEventStore implements EventStore {
  /**
   * The last event known of each stream (its revision and hash), from this store's reads and appends:
   * an append that expects exactly that revision chains from it without reading the head again. A
   * stream moved meanwhile fails that append's expected revision, as it would have anyway. Bounded:
   * the least recently used are forgotten first.
   */
  private readonly heads = new Map<string, Head>();
  /**
   * The events this store's appends wrote, as the adapter gave them, to what the codec made of them:
   * a follower handed the same event (the SQLite adapter hands its followers what it just wrote)
   * takes it decoded already instead of parsing it again; and the other way round, an event a follower
   * was handed while an append to its stream was under way, for that append's caller. Both are handed
   * the same decoded object (events are never changed once read). Weak: gone with the adapter's event.
   */
  private readonly decoded = new WeakMap<RecordedEvent, RecordedEvent>();
  /**
   * Appends under way, by stream. A follower is woken by the commit and can run before the append's caller takes its answer
   * (with SQLite it always did: every event this process wrote went through the codec twice, issue 12's "parse an event
   * once").
   */
  private readonly appending = new Map<string, number>();

  constructor(
    readonly inner: EventStore,
    private readonly codec: EventCodec = (e) => e,
    private readonly maxHeads = 10_000,
  ) {}

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.inner.appendToStream(streamId, events, expected);
    const known = this.knownHead(streamId, expected);
    if (known !== undefined)
      return this.appended(streamId, () => this.inner.appendToStream(streamId, this.chain(streamId, events, known), expected));
    for (let attempt = 1; ; attempt++) {
      const head = await this.readHead(streamId);
      const current = head?.revision ?? -1;
      if (!expectedMatches(expected, current)) {
        // The stream can never go back to what the caller expected, so the adapter settles it
        // alone: a retry of stored events is a no-op, anything else a conflict. A revision the
        // stream has not reached yet could be reached meanwhile, so that one is refused here.
        if ((typeof expected === 'number' && expected > current) || (expected === 'stream_exists' && current === -1))
          throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);
        return this.appended(streamId, () => this.inner.appendToStream(streamId, this.chain(streamId, events, head), expected));
      }
      try {
        return await this.appended(streamId, () =>
          this.inner.appendToStream(streamId, this.chain(streamId, events, head), current === -1 ? 'no_stream' : current),
        );
      } catch (error) {
        // Someone appended between our read and our write: chain again from the new head.
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /**
   * Chains each part from its stream's head, as appendToStream does, and hands them to the adapter in
   * one append. When another writer moved one of those heads in between, every part is chained again.
   */
  async appendMany(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    for (let attempt = 1; ; attempt++) {
      const chained: StreamAppend[] = [];
      // Parts whose expectation the caller gave and the adapter judges: a conflict there is theirs, never retried.
      const callers = new Set<string>();
      for (const { streamId, events, expected } of parts) {
        if (events.length === 0) {
          chained.push({ streamId, events, expected });
          callers.add(streamId);
          continue;
        }
        const known = this.knownHead(streamId, expected);
        if (known !== undefined) {
          chained.push({ streamId, events: this.chain(streamId, events, known), expected });
          callers.add(streamId);
          continue;
        }
        const head = await this.readHead(streamId);
        const current = head?.revision ?? -1;
        if (expectedMatches(expected, current)) {
          chained.push({ streamId, events: this.chain(streamId, events, head), expected: current === -1 ? 'no_stream' : current });
          continue;
        }
        // As in appendToStream: a revision not reached yet is refused here; the adapter settles the rest.
        if ((typeof expected === 'number' && expected > current) || (expected === 'stream_exists' && current === -1))
          throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);
        chained.push({ streamId, events: this.chain(streamId, events, head), expected });
        callers.add(streamId);
      }
      const streams = chained.map((part) => part.streamId);
      this.appendingTo(streams, 1);
      try {
        const results = await this.inner.appendMany(chained);
        return results.map((result, i) => this.learnFrom(chained[i]!.streamId, result));
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) this.heads.delete(error.streamId);
        if (error instanceof WrongExpectedRevisionError && !callers.has(error.streamId) && attempt < MAX_ATTEMPTS) continue;
        throw error;
      } finally {
        this.appendingTo(streams, -1);
      }
    }
  }

  /**
   * The head to chain from without reading it: none for a stream expected absent, the known head when
   * the caller expects exactly its revision; undefined when the head must be read.
   */
  private knownHead(streamId: string, expected: ExpectedRevision): Head | null | undefined {
    if (expected === 'no_stream') return null;
    const known = this.heads.get(streamId);
    return typeof expected === 'number' && known?.revision === expected ? known : undefined;
  }

  private async readHead(streamId: string): Promise<Head | null> {
    const [head] = await this.inner.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return head ? { revision: head.revision, hash: storedHash(head) } : null;
  }

  /** Runs an append and learns the stream's new head from what it wrote; a conflict forgets the head. */
  private async appended(streamId: string, append: () => Promise<AppendResult>): Promise<AppendResult> {
    this.appendingTo([streamId], 1);
    try {
      return this.learnFrom(streamId, await append());
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) this.heads.delete(streamId);
      throw error;
    } finally {
      this.appendingTo([streamId], -1);
    }
  }

  /** Counts appends under way to `streamIds` up (1) or down (-1). */
  private appendingTo(streamIds: readonly string[], by: 1 | -1): void {
    for (const streamId of streamIds) {
      const count = (this.appending.get(streamId) ?? 0) + by;
      if (count === 0) this.appending.delete(streamId);
      else this.appending.set(streamId, count);
    }
  }

  /** The adapter's written events, through the codec; their last is the stream's head now. */
  private learnFrom(streamId: string, result: AppendResult): AppendResult {
    const events = writtenBy(result);
    if (events === undefined) return result;
    this.learn(streamId, events);
    const decoded = decodedOrNothing(events, (event) => this.decoded.get(event) ?? this.codec(event));
    if (decoded !== undefined) for (const [i, event] of events.entries()) this.decoded.set(event, decoded[i]!);
    return withChangeToken(withWritten({ ...result }, decoded), changeTokenAfter(result));
  }

  /** Events read or written: the one of highest revision is a head this stream had (events never change). */
  private learn(streamId: string, events: readonly RecordedEvent[]): void {
    let last: RecordedEvent | undefined;
    for (const event of events) if (event.streamId === streamId && (last === undefined || event.revision > last.revision)) last = event;
    if (last === undefined) return;
    const known = this.heads.get(streamId);
    if (known !== undefined && known.revision > last.revision) return;
    this.heads.delete(streamId);
    this.heads.set(streamId, { revision: last.revision, hash: storedHash(last) });
    if (this.heads.size > this.maxHeads) this.heads.delete(this.heads.keys().next().value!);
  }

  private chain(streamId: string, events: readonly NewEvent[], head: Head | null): NewEvent[] {
    let prevHash = GENESIS_HASH;
    if (head) {
      if (head.hash === undefined) throw new UnchainedStoreError(streamId, head.revision);
      prevHash = head.hash;
    }
    let revision = (head?.revision ?? -1) + 1;
    return events.map((event) => {
      const { hash: _h, prevHash: _p, ...rest } = event.metadata;
      const metadata: EventMetadata = { ...rest, prevHash } as EventMetadata;
      const hash = eventHash({ streamId, revision, type: event.type, data: event.data, metadata }, prevHash);
      revision += 1;
      prevHash = hash;
      return { ...event, metadata: { ...metadata, hash } };
    });
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(streamId, options);
    this.learn(streamId, events);
    return events.map(this.codec);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map(this.codec);
  }

  subscribeToAll(options: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void): Promise<void> {
    return this.inner.subscribeToAll(options, (event) => onEvent(this.decodedForFollower(event)));
  }

  /** A followed event through the codec, unless an append decoded it already; kept for the caller of an append to its stream under way. */
  private decodedForFollower(event: RecordedEvent): RecordedEvent {
    const known = this.decoded.get(event);
    if (known !== undefined) return known;
    const decoded = this.codec(event);
    // Only then: a catch-up's events (a million at a start) kept in a WeakMap would cost the collector for nothing.
    if (this.appending.has(event.streamId)) this.decoded.set(event, decoded);
    return decoded;
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  changeToken(): string | number | undefined {
    return this.inner.changeToken?.();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The store as written, without the codec (nor an observer around it): what verification must read. */
export const rawStore = (store: EventStore): EventStore =>
  store instanceof ObservedEventStore ? rawStore(store.inner) : store instanceof HashChainedEventStore ? store.inner : store;
