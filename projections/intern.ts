/**
 * One copy of each repeated short string in the events the read models keep (issue 12, memory):
 * every event is parsed afresh from the log, so the same unit id, person, day or enum read from a
 * million events is a million strings, each kept by whichever read model holds it. Strings are
 * swapped for the copy seen before, in place, before any projection sees the event, and as a
 * snapshot is read back (V8's deserializer makes a string of each occurrence).
 *
 * The copies seen are kept in a table of SLOTS places, a string's place chosen from its length and
 * eight of its characters: a string found in its place is the copy; any other takes the place. So
 * values seen once (ids of problems, events) cost nothing lasting, and a repeated one stays while
 * the strings passing between its occurrences do not land on its place. Until the twenty-fourth round
 * a Map of up to 10,000 strings, emptied when full: at a million events a warm start looked up 6.0
 * million strings, 38 % of them not there, each one set in the Map and every 10,000 a new Map grown
 * again; reading back the four big snapshots took 1.68–1.69 s of which the table 0.3 s, with
 * 2^12–2^14 places 1.35–1.39 s for the same heap (215 MiB; 2^16: 1.49 s, 210 MiB; 2^18: 1.77 s,
 * 189 MiB, a table too big for the processor's caches).
 */
const MAX_LENGTH = 40;
const SLOTS = 1 << 14;
const slots: string[] = new Array<string>(SLOTS).fill('');

/** The copy of `value` seen before (or `value`, now the copy). */
export function internString(value: string): string {
  const n = value.length;
  if (n > MAX_LENGTH || n === 0) return value;
  // FNV-1a over the length and characters where ids, days and names differ (their ends, their middle), then a mix.
  let h = Math.imul(n ^ value.charCodeAt(0), 0x01000193);
  h = Math.imul(h ^ value.charCodeAt(n >> 1), 0x01000193);
  h = Math.imul(h ^ value.charCodeAt(n - 1), 0x01000193);
  if (n > 2) {
    h = Math.imul(h ^ value.charCodeAt(n - 2), 0x01000193);
    h = Math.imul(h ^ value.charCodeAt(n - 3), 0x01000193);
  }
  if (n > 5) {
    h = Math.imul(h ^ value.charCodeAt(n - 4), 0x01000193);
    h = Math.imul(h ^ value.charCodeAt(n - 5), 0x01000193);
    h = Math.imul(h ^ value.charCodeAt(n - 6), 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  const slot = (h ^ (h >>> 13)) & (SLOTS - 1);
  const known = slots[slot]!;
  if (known === value) return known;
  slots[slot] = value;
  return value;
}

/**
 * A plain copy of an object made by a spread with properties added after it (`{ ...a, b }`): V8
 * (Node 20) gives each such object a hidden class of its own, with its own descriptors (some 0.3–1 KB
 * for a problem's state, more than the object), while a copy built property by property shares the
 * hidden class of every object with the same keys in the same order. For the records a read model
 * keeps, one per problem or notification.
 */
export const sharedShape = <T extends object>(value: T): T => Object.assign({}, value);

/** Swaps the short strings of a parsed JSON value (objects and arrays, in place) for their kept copies. */
export function internStrings(value: unknown): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'string') value[i] = internString(v);
      else if (v !== null && typeof v === 'object') internStrings(v);
    }
  } else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const v = record[key];
      if (typeof v === 'string') record[key] = internString(v);
      else if (v !== null && typeof v === 'object') internStrings(v);
    }
  }
}
