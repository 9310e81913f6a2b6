/**
 * One copy of each repeated short string in the events the read models keep (issue 12, memory):
 * every event is parsed afresh from the log, so the same unit id, person, day or enum read from a
 * million events is a million strings, each kept by whichever read model holds it. Strings are
 * swapped for the copy seen before, in place, before any projection sees the event; the table is
 * bounded (emptied when full), so values seen once (ids of problems, events) cost nothing lasting.
 */
const MAX_LENGTH = 40;
const MAX_ENTRIES = 10_000;
let seen = new Map<string, string>();

/** The copy of `value` seen before (or `value`, now the copy). */
export function internString(value: string): string {
  if (value.length > MAX_LENGTH) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (seen.size >= MAX_ENTRIES) seen = new Map();
  seen.set(value, value);
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
