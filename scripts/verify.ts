import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ledgerNumberLabeler } from '../application/integrity.js';
import { ExportedCheckpoint } from '../eventstore/checkpoints.js';
import { describeReport, verifyLog } from '../eventstore/verify.js';
import { openStoreForScript, runScript } from './cli.js';

/**
 * `npm run verify [-- --data-dir DIR] [--checkpoint FILE] [--json]`: walks the whole log and
 * recomputes its hash chain and checkpoints. Exit 0 when intact, 1 at the first break, 2 when it
 * could not run.
 */
runScript(async () => {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, checkpoint: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const held = values.checkpoint ? ExportedCheckpoint.parse(JSON.parse(readFileSync(values.checkpoint, 'utf8'))) : undefined;
  const store = await openStoreForScript(values['data-dir']);
  try {
    const started = performance.now();
    const report = await verifyLog(store, { labeler: ledgerNumberLabeler, ...(held ? { held } : {}) });
    const seconds = (performance.now() - started) / 1000;
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else console.log(`${describeReport(report)}\n(${report.eventCount} events checked in ${seconds.toFixed(2)} s)`);
    return report.intact ? 0 : 1;
  } finally {
    await store.close();
  }
});
