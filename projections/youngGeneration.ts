// A restore's objects all live on, and V8 copies each of them out of its young generation: a scavenge of a full young
// generation (npm start gives it 16 MB) then copies up to 16 MB at once, 27-50 ms at a million events, the longest turns of
// a warm start (issue 12, aim 3). Collecting the young generation whenever half of that is in it copies the same objects
// in shorter pauses for the same total: warm starts at 1M, alternating, had 114 scavenges of 18-21 ms at most, 1.11-1.17 s
// in all, against V8 alone's 70-72 of 27-33 ms, 1.07-1.30 s (at 4 MB: 19-39 ms at most, 1.42-1.61 s; fifty-eighth round).
// What survived one scavenge stays in the young generation until the next, so after one the next often follows a piece
// later: each copies at most about 8 MB, and an object is copied twice, as with V8's own.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How full the young generation may be before `collectYoungWhenFull` collects it. */
export const YOUNG_BYTES = 8 * 1024 * 1024;

// V8's `gc` without `--expose-gc` on the command line: the flag gives it to the contexts made after it is set (the vm
// context here, and any worker or vm context made later, which get a global `gc` they do not use). Should a V8 not give
// it, the reader goes on without these collections rather than fail to start. The benches' full collections use it too.
setFlagsFromString('--expose-gc');
const found: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
/** V8's `gc`: a full collection, or a scavenge with `{ type: 'minor' }`; undefined should a V8 not give it. */
export const exposedGc = typeof found === 'function' ? (found as (options?: { type: 'minor' | 'major' }) => void) : undefined;

/** The bytes in V8's young generation; 0 where a V8 names no `new_space` (then nothing is collected here). */
export const youngUsed = (): number => {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_used_size;
  return 0;
};

/**
 * Collects the young generation (a scavenge) when it holds `YOUNG_BYTES` or more. For work that makes objects that live
 * on, called between its steps (a snapshot's pieces read back): about half a microsecond when there is nothing to do.
 */
export function collectYoungWhenFull(): void {
  if (exposedGc && youngUsed() >= YOUNG_BYTES) exposedGc({ type: 'minor' });
}
