import { createHash, type Hash } from 'node:crypto';
import { sliced } from '../projections/slices.js';
import { hasToJson, hashCanonicalJsonSliced, inChunks, jsonPieces } from './canonicalJson.js';

/**
 * An event's data made ready for its append in slices, before it (issue 12: the first checkpoint of a million-event log
 * names 108,000 heads, ~10 MB of JSON; its chain hash's canonical JSON and its stored text, each written in one go on
 * the append path, held the event loop ~0.1 s each): the chain's SHA-256 taken over `{"data":` and the data's canonical
 * JSON (the hash then goes on with the rest of the event, `eventHash`), and, when the data is plain JSON (its text
 * parses back to an equal value), its JSON text as `JSON.stringify` writes it, in UTF-8 pieces: what the SQLite adapter
 * stores, handed to its writer thread without a copy (`takePreparedText`). Same bytes, same hash as unprepared: the work is
 * only moved earlier. The pieces are never joined on this thread: joining the first checkpoint's text held the event loop
 * 89 ms after a first start's ready, and posting it as one string to the writer 55 ms (a CPU profile at 1M). Kept by the data
 * object itself (weakly): the data must not change after it is prepared.
 */
const prepared = new WeakMap<object, { hashed: Hash; text: Uint8Array[] | undefined }>();

export async function prepareData(data: object): Promise<void> {
  const hashed = await hashCanonicalJsonSliced(createHash('sha256').update('{"data":'), data);
  if (!(await sliced(plainJson(data)))) return void prepared.set(data, { hashed, text: undefined });
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [];
  // Each piece its own ArrayBuffer (never Buffer's shared pool), so that it can be moved to another thread.
  const text = inChunks((chunk) => pieces.push(encoder.encode(chunk)));
  if (!(await sliced(jsonPieces(data, text.sink)))) return void prepared.set(data, { hashed, text: undefined });
  text.end();
  prepared.set(data, { hashed, text: pieces });
}

/**
 * Whether `JSON.parse(JSON.stringify(value))` gives back an equal value: arrays and plain objects (no `toJSON`, no
 * `__proto__` key, no member without a JSON form) of strings, finite numbers other than -0, booleans and null.
 */
function* plainJson(value: unknown): Generator<void, boolean> {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || hasToJson(value)) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !(yield* plainJson(value[i]))) return false;
      yield;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || !(yield* plainJson((value as Record<string, unknown>)[key]))) return false;
    yield;
  }
  return true;
}

/** A copy of the hash over `{"data":` and `data`'s canonical JSON, when `data` was prepared. */
export const preparedHash = (data: unknown): Hash | undefined =>
  typeof data === 'object' && data !== null ? prepared.get(data)?.hashed.copy() : undefined;

/**
 * `JSON.stringify(data)` as UTF-8 pieces, when `data` was prepared and is plain JSON (equal to what its stored text
 * parses back to, so the data itself may stand for that text's parse: it must not change after, like everything
 * prepared). Handed out once: the pieces may be moved to another thread, which leaves them empty here; a second append of
 * the same data (a retry) writes its text again.
 */
export function takePreparedText(data: unknown): Uint8Array[] | undefined {
  const entry = typeof data === 'object' && data !== null ? prepared.get(data) : undefined;
  const text = entry?.text;
  if (entry) entry.text = undefined;
  return text;
}
