// A restore's objects all live on, and V8 copies each of them out of its young generation: a scavenge of a full young
// generation (npm start gives it 16 MB) then copies up to 16 MB at once, 27-50 ms at a million events, the longest turns of
// a warm start (issue 12, aim 3). Collecting the young generation whenever half of that is in it copies the same objects
// in shorter pauses for the same total: warm starts at 1M, alternating, had 114 scavenges of 18-21 ms at most, 1.11-1.17 s
// in all, against 70-71 of 27-30 ms, 1.07-1.10 s (at 4 MB: 19-39 ms at most, 1.42-1.61 s in all; fifty-eighth round).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How full the young generation may be before `collectYoungWhenFull` collects it. */
export const YOUNG_BYTES = 8 * 1024 * 1024;

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
