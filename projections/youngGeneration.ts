// A restore's objects all live on, and V8 copies each of them out of its young generation: a scavenge of a full young
// generation (npm start gives it 16 MB) then copies some 16 MB at once, 18-50 ms on this project's machines, the longest
// turns of a warm start at a million events (issue 12, aim 3). Collecting the young generation whenever a few MB are in it
// copies the same objects in shorter pauses: a scratch deserializing 8,000 pieces of 250 records had 65 scavenges of up
// to 32-44 ms alone, 249 of up to 10-12 ms collected at 4 MB, in the same time (fifty-eighth round).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How full the young generation may be before `collectYoungWhenFull` collects it. */
export const YOUNG_BYTES = 4 * 1024 * 1024;

// V8's `gc` without `--expose-gc` on the command line: the flag gives it to the contexts made after it is set.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;

const youngUsed = (): number => {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_used_size;
  return 0;
};

/**
 * Collects the young generation (a scavenge) when it holds `YOUNG_BYTES` or more. For work that makes objects that live
 * on, called between its steps (a snapshot's pieces read back): about half a microsecond when there is nothing to do.
 */
export function collectYoungWhenFull(): void {
  if (youngUsed() >= YOUNG_BYTES) gc({ type: 'minor' });
}
