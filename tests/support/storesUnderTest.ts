import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainEventDefinitions } from '../../domain/index.js';
import { MemoryEventStore } from '../../eventstore/memory.js';
import type { EventStore, ExpectedRevision, NewEvent, StreamAppend } from '../../eventstore/port.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { PostgresEventStore } from '../../eventstore/postgres.js';
import { SqliteEventStore } from '../../eventstore/sqlite.js';
import { freshDatabase, freshSchema } from './postgres.js';

export type StoreUnderTest = { store: EventStore; dispose: () => Promise<void> };

/**
 * The stores a command-handling test runs on, for `describe.each`: in memory, SQLite in a fresh
 * folder (named with `folderPrefix`) that `dispose` removes, and PostgreSQL in a fresh schema of a
 * database the test file makes on the run's server (tests/support/postgresServer.ts).
 */
export function storeKinds(folderPrefix: string): [string, () => Promise<StoreUnderTest>][] {
  const codec = schemaCodec(domainEventDefinitions);
  let database: Promise<string> | undefined;
  return [
    ['MemoryEventStore', async () => ({ store: new MemoryEventStore(codec), dispose: async () => {} })],
    [
      'SqliteEventStore',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), folderPrefix));
        const store = new SqliteEventStore(join(dir, 'events.db'), codec);
        return {
          store,
          dispose: async () => {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    ],
    [
      'PostgresEventStore',
      async () => {
        database ??= freshDatabase(folderPrefix);
        const store = await PostgresEventStore.open(await freshSchema(await database), codec);
        return { store, dispose: () => store.close() };
      },
    ],
  ];
}

/**
 * Stands for a writer in another process: before each of the first `times` appends to `streamId`,
 * it appends events of its own (`otherWritersEvents` of the how-manieth interference), so the
 * append that follows meets a revision it did not read.
 */
export class InterferingStore implements EventStore {
  interferences = 0;
  constructor(
    private readonly inner: EventStore,
    private readonly streamId: string,
    private readonly times: number,
    private readonly otherWritersEvents: (n: number) => NewEvent | NewEvent[],
  ) {}
  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) {
    if (streamId === this.streamId && this.interferences < this.times) {
      this.interferences += 1;
      await this.inner.appendToStream(streamId, [this.otherWritersEvents(this.interferences)].flat(), 'any');
    }
    return this.inner.appendToStream(streamId, events, expected);
  }
  /** Several streams: each part meets the other writer as a single append would. */
  async appendMany(parts: readonly StreamAppend[]) {
    const results = [];
    for (const { streamId, events, expected } of parts) results.push(await this.appendToStream(streamId, events, expected));
    return results;
  }
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  close: EventStore['close'] = () => this.inner.close();
}
