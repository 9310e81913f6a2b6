import { createHash, type Hash } from 'node:crypto';
import { sliced } from '../projections/slices.js';
import { hasToJson, hashCanonicalJsonSliced, inChunks, jsonPieces } from './canonicalJson.js';

/**
 * An event's data made ready for its append in slices, before it (issue 12: the first checkpoint of a million-event log
 * names 108,000 heads, ~10 MB of JSON; its chain hash's canonical JSON and its stored text, each written in one go on
 * the append path, held the event loop ~0.1 s each): the chain's SHA-256 taken over `{"data":` and the data's canonical
 * JSON (the hash then goes on with the rest of the event, `eventHash`), and the data's JSON text as `JSON.stringify`
 * writes it (what the SQLite adapter stores). Same bytes, same hash as unprepared: the work is only moved earlier.
 * And whether the data is plain JSON (its text parses back to an equal value), so the adapter may hand the followers the
 * data itself as the stored event's instead of parsing its text back in one go. Kept by the data object itself (weakly):
 * the data must not change after it is prepared.
 */
const prepared = new WeakMap<object, { hashed: Hash; json: string; plain: boolean }>();

export async function prepareData(data: object): Promise<void> {
  const hashed = await hashCanonicalJsonSliced(createHash('sha256').update('{"data":'), data);
  const chunks: string[] = [];
  const text = inChunks((chunk) => chunks.push(chunk));
  if (!(await sliced(jsonPieces(data, text.sink)))) return;
  text.end();
  prepared.set(data, { hashed, json: chunks.join(''), plain: await sliced(plainJson(data)) });
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

/** `JSON.stringify(data)`, taken from its preparation when there was one. */
export const jsonText = (data: unknown): string =>
  (typeof data === 'object' && data !== null ? prepared.get(data)?.json : undefined) ?? JSON.stringify(data);

/**
 * `data` itself when it was prepared and is plain JSON: equal to what its stored text parses back to, so it may stand for
 * that (it must not change after, like everything prepared).
 */
export const preparedPlain = (data: unknown): unknown =>
  typeof data === 'object' && data !== null && prepared.get(data)?.plain ? data : undefined;
