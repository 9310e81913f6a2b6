import { createHash } from 'node:crypto';
import { canonicalJson, canonicalObjectWith } from './canonicalJson.js';
import { ObservedEventStore } from './observed.js';
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
  const text =
    `{"data":${canonicalJson(data)},"metadata":${canonicalObjectWith(metadata, 'hash', 'prevHash', prevHash)}` +
    `,"prevHash":${JSON.stringify(prevHash)},"revision":${canonicalJson(revision)},"stream":${JSON.stringify(streamId)},"type":${JSON.stringify(type)}}`;
  return createHash('sha256').update(text).digest('hex');
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
  constructor(
    readonly inner: EventStore,
    private readonly codec: EventCodec = (e) => e,
  ) {}

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.inner.appendToStream(streamId, events, expected);
    for (let attempt = 1; ; attempt++) {
      const [head] = await this.inner.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      const current = head?.revision ?? -1;
      if (!expectedMatches(expected, current)) {
        // The stream can never go back to what the caller expected, so the adapter settles it
        // alone: a retry of stored events is a no-op, anything else a conflict. A revision the
        // stream has not reached yet could be reached meanwhile, so that one is refused here.
        if ((typeof expected === 'number' && expected > current) || (expected === 'stream_exists' && current === -1))
          throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);
        return this.inner.appendToStream(streamId, this.chain(streamId, events, head), expected);
      }
      try {
        return await this.inner.appendToStream(streamId, this.chain(streamId, events, head), current === -1 ? 'no_stream' : current);
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
        const [head] = await this.inner.readStream(streamId, { direction: 'backwards', maxCount: 1 });
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
      try {
        return await this.inner.appendMany(chained);
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && !callers.has(error.streamId) && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private chain(streamId: string, events: readonly NewEvent[], head: RecordedEvent | undefined): NewEvent[] {
    let prevHash = GENESIS_HASH;
    if (head) {
      const hash = storedHash(head);
      if (hash === undefined) throw new UnchainedStoreError(streamId, head.revision);
      prevHash = hash;
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
    return (await this.inner.readStream(streamId, options)).map(this.codec);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map(this.codec);
  }

  subscribeToAll(options: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void): Promise<void> {
    return this.inner.subscribeToAll(options, (event) => onEvent(this.codec(event)));
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The store as written, without the codec (nor an observer around it): what verification must read. */
export const rawStore = (store: EventStore): EventStore =>
  store instanceof ObservedEventStore ? rawStore(store.inner) : store instanceof HashChainedEventStore ? store.inner : store;
