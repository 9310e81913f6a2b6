import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { recordCheckpoint } from '../eventstore/checkpoints.js';
import { GENESIS_HASH, eventHash } from '../eventstore/hashChain.js';
import { sqliteFile } from '../eventstore/index.js';
import type { EventMetadata } from '../eventstore/port.js';
import { openStoreForScript, runScript } from './cli.js';

/**
 * `npm run migrate:hash-chain [-- --data-dir DIR]`: gives a SQLite store written before the hash
 * chain its hashes, rewriting each event's metadata in place (one transaction), then records a
 * checkpoint. The chain vouches for these events only from the migration on: whatever was changed
 * before it is chained as found. It refuses a store that already carries hashes, so it can never
 * launder a tampered chained store.
 */
runScript(async () => {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
  const store = await openStoreForScript(values['data-dir']);
  const dataDir = values['data-dir'] ?? process.env.DATA_DIR ?? './data';
  const db = new Database(sqliteFile(dataDir));
  type Row = { position: number; stream_id: string; revision: number; type: string; data: string; metadata: string };
  const migrate = db.transaction(() => {
    const rows = db.prepare<[], Row>('SELECT position, stream_id, revision, type, data, metadata FROM events ORDER BY position');
    const update = db.prepare<[string, number]>('UPDATE events SET metadata = ? WHERE position = ?');
    const heads = new Map<string, { revision: number; hash: string }>();
    let count = 0;
    for (const row of rows.all()) {
      const metadata = JSON.parse(row.metadata) as EventMetadata;
      if (typeof metadata.hash === 'string')
        throw new Error(`Event ${row.stream_id}@${row.revision} already has a hash: this store is chained; nothing was changed.`);
      const head = heads.get(row.stream_id);
      if (row.revision !== (head ? head.revision + 1 : 0))
        throw new Error(
          `Stream ${row.stream_id} jumps to revision ${row.revision}: a stream with a gap cannot be chained; nothing was changed.`,
        );
      const prevHash = head?.hash ?? GENESIS_HASH;
      const chained: EventMetadata = { ...metadata, prevHash };
      const hash = eventHash(
        { streamId: row.stream_id, revision: row.revision, type: row.type, data: JSON.parse(row.data), metadata: chained },
        prevHash,
      );
      update.run(JSON.stringify({ ...chained, hash }), row.position);
      heads.set(row.stream_id, { revision: row.revision, hash });
      count += 1;
    }
    return { count, streams: heads.size };
  });
  try {
    const { count, streams } = migrate.immediate();
    db.close();
    const checkpoint = await recordCheckpoint(store, { reason: 'migration' });
    console.log(
      `Chained ${count} events in ${streams} streams${checkpoint ? `; checkpoint #${checkpoint.number} recorded at position ${checkpoint.position}` : ''}.`,
    );
    console.log('The chain vouches for these events from now on; export the checkpoint (npm run checkpoint:export) to hold it elsewhere.');
    return 0;
  } finally {
    if (db.open) db.close();
    await store.close();
  }
});
