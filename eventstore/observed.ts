import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
} from './port.js';

/** How a command ended: events appended, an earlier run of its id found (a retry), nothing to do, or refused with a code. */
export type CommandOutcome =
  | { kind: 'accepted'; position: number }
  | { kind: 'replayed'; position: number }
  | { kind: 'unchanged'; position: number }
  | { kind: 'rejected'; code: string };

/**
 * Who watches a store's use (metrics, the request that is running): told of every append and of
 * every command the command handler ran on the store. Positions are global log positions, so a
 * watcher can say which position a command reached (read-your-writes). Hooks must not throw.
 */
export type StoreObserver = {
  /** An append ended: how long it took (seconds), what it carried, and the store's answer (undefined when it failed). */
  appended?(seconds: number, parts: readonly StreamAppend[], results: readonly AppendResult[] | undefined): void;
  /** A command of this type ended so (eventstore/commandHandler.ts). */
  command?(type: string, outcome: CommandOutcome): void;
};

/**
 * A decorator over any store that tells its observer of appends and commands, and otherwise passes
 * everything through. It holds no state: what is counted lives in the observer, which the
 * composition root makes (one per application, never module-global).
 */
export class ObservedEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    readonly observer: StoreObserver,
  ) {}

  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.timed([{ streamId, events, expected }], async () => [await this.inner.appendToStream(streamId, events, expected)]).then(
      (results) => results[0]!,
    );
  }

  appendMany(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    return this.timed(parts, () => this.inner.appendMany(parts));
  }

  private async timed(parts: readonly StreamAppend[], append: () => Promise<AppendResult[]>): Promise<AppendResult[]> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const results = await append();
      this.observer.appended?.(seconds(), parts, results);
      return results;
    } catch (error) {
      this.observer.appended?.(seconds(), parts, undefined);
      throw error;
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void): Promise<void> {
    return this.inner.subscribeToAll(options, onEvent);
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

/** The observer of a store, when it is observed. */
export const observerOf = (store: EventStore): StoreObserver | undefined =>
  store instanceof ObservedEventStore ? store.observer : undefined;
