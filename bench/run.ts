import { cpus } from 'node:os';
import { type BenchModule, markdownTable } from './report.js';

/**
 * `npm run bench` runs every benchmark below; `npm run bench -- store` runs only the one named.
 * A benchmark is a module under bench/ exporting `run()`; add it here to have it run.
 */
const benches: { name: string; load: () => Promise<BenchModule> }[] = [
  { name: 'store', load: () => import('./store.js') },
  { name: 'projections', load: () => import('./projections.js') },
  { name: 'verify', load: () => import('./verify.js') },
  { name: 'scheduler', load: () => import('./scheduler.js') },
  { name: 'similarity', load: () => import('./similarity.js') },
  { name: 'similarity-scale', load: () => import('./similarityScale.js') },
  { name: 'commands', load: () => import('./commands.js') },
  { name: 'nodes', load: () => import('./nodes.js') },
  { name: 'asof', load: () => import('./asof.js') },
  { name: 'startup', load: () => import('./startup.js') },
  { name: 'memory', load: () => import('./memory.js') },
  { name: 'links', load: () => import('./links.js') },
  { name: 'maps', load: () => import('./maps.js') },
  { name: 'checkpoints', load: () => import('./checkpoints.js') },
  { name: 'collector', load: () => import('./collector.js') },
];

// Numbers after the names are a benchmark's own arguments (`npm run bench -- startup 100000 300000`).
const wanted = process.argv.slice(2).filter((arg) => !/^\d+$/.test(arg));
const unknown = wanted.filter((name) => !benches.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}.`);
  process.exit(2);
}

console.log(
  `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${process.platform}/${process.arch}\n`,
);
for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  console.log(`## ${bench.name}\n`);
  const started = performance.now();
  const figures = await (await bench.load()).run();
  for (const table of [figures].flat()) console.log(`${markdownTable(table)}\n`);
  console.log(`(${bench.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
