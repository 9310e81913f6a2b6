import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exportCheckpoint, latestCheckpoint, recordCheckpoint } from '../eventstore/checkpoints.js';
import { openStoreForScript, runScript } from './cli.js';

/**
 * `npm run checkpoint:export -- --out FILE [--data-dir DIR] [--now]`: writes the newest checkpoint
 * as a small JSON file to keep away from the store. `--now` first records a checkpoint covering
 * the whole log as it is.
 */
runScript(async () => {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'data-dir': { type: 'string' }, now: { type: 'boolean', default: false } },
  });
  if (!values.out) throw new Error('Usage: npm run checkpoint:export -- --out FILE [--data-dir DIR] [--now]');
  const store = await openStoreForScript(values['data-dir']);
  try {
    if (values.now) await recordCheckpoint(store, { reason: 'manual' });
    const checkpoint = await latestCheckpoint(store);
    if (!checkpoint) throw new Error('The store has no checkpoint yet; run again with --now to record one.');
    writeFileSync(values.out, `${JSON.stringify(exportCheckpoint(checkpoint), null, 2)}\n`);
    console.log(
      `Checkpoint #${checkpoint.number} (position ${checkpoint.position}, ${checkpoint.eventCount} events, root ${checkpoint.merkleRoot}) written to ${values.out}.`,
    );
    return 0;
  } finally {
    await store.close();
  }
});
