import { afterAll, describe, it } from 'vitest';
import { eventStoreContract } from './eventstore.contract.js';
import { kurrentDbForTests } from './support/kurrentdb.js';

const server = await kurrentDbForTests();

if (server.available) {
  // Loaded only when there is a server: the client's native bridge takes a while to load.
  const { KurrentDbEventStore } = await import('../eventstore/kurrentdb.js');
  afterAll(() => server.stop());
  eventStoreContract('kurrentdb', (codec) => new KurrentDbEventStore(server.url, codec), {
    sharedLog: true,
    detectsIdsAcrossStreams: false,
    atomicAppendMany: false,
    leases: false,
  });
} else {
  console.log(`KurrentDB contract skipped: ${server.reason}`);
  describe.skip('kurrentdb event store', () => {
    it('needs a KurrentDB server', () => {});
  });
}
