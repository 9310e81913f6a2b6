import type { Hash } from 'node:crypto';
import { sliced } from '../projections/slices.js';

/**
 * Canonical JSON (the JSON subset of RFC 8785): object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings as JSON.stringify writes them. Values follow JSON.stringify's
 * rules (undefined properties dropped, toJSON honoured), so an event hashes the same whether an
 * adapter keeps the object itself (memory) or its JSON text (SQLite, KurrentDB). Written with
 * string concatenation: verification canonicalizes every event of the log.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('A value with no JSON form cannot be canonicalized');
  return text;
}

/**
 * An object's canonical JSON with one member left out and one set (`omit` need not exist; `set`
 * replaces or adds): the event hash covers the metadata without its hash but with its prevHash.
 */
export function canonicalObjectWith(record: Record<string, unknown>, omit: string, setKey: string, setValue: unknown): string {
  return writeObject({ ...record, [omit]: undefined, [setKey]: setValue });
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('A bigint has no JSON form');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object': {
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return write(withJson.toJSON());
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (write(value[i]) ?? 'null');
        return `${out}]`;
      }
      return writeObject(value as Record<string, unknown>);
    }
  }
}

function writeObject(record: Record<string, unknown>): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = write(record[key]);
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${member}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The same canonical JSON written in pieces to `sink`, as a generator that pauses (`yield`) after every array element and
 * object member: run with `sliced` (projections/slices.ts), a big value (a bulletin naming a county's ledger numbers) is
 * hashed without holding the event loop, the same bytes as `canonicalJson`'s, so the same hash.
 */
export function* canonicalJsonPieces(value: unknown, sink: (text: string) => void): Generator<void, void> {
  if (!(yield* piecesOf(value, sink))) throw new TypeError('A value with no JSON form cannot be canonicalized');
}

/** `toJSON` applied as `write` applies it (again while the result has one). */
function resolved(value: unknown): unknown {
  let current = value;
  while (current !== null && typeof current === 'object' && typeof (current as { toJSON?: unknown }).toJSON === 'function')
    current = (current as { toJSON: () => unknown }).toJSON();
  return current;
}

/** Writes `value`'s canonical JSON (toJSON already applied) to `sink`; false, with nothing written, when it has no JSON form. */
function* piecesOf(given: unknown, sink: (text: string) => void): Generator<void, boolean> {
  const value = resolved(given);
  if (value === null || typeof value !== 'object') {
    const text = write(value);
    if (text === undefined) return false;
    sink(text);
    return true;
  }
  if (Array.isArray(value)) return yield* arrayPieces(value, sink, (item) => piecesOf(item, sink));
  const record = value as Record<string, unknown>;
  return yield* objectPieces(
    Object.keys(record).sort(),
    (key) => resolved(record[key]),
    sink,
    (member) => piecesOf(member, sink),
  );
}

/**
 * `JSON.stringify(value)`'s text (not canonical: keys in the object's own order) written in pieces to `sink`, pausing
 * (`yield`) after every array element and object member, for a big value stored as its JSON (a checkpoint naming every
 * head). Arrays and plain objects are walked; anything else (a primitive, an object with `toJSON`, a class instance) is
 * written by `JSON.stringify` itself, so the text is the same byte for byte. Undefined for a value with no JSON form.
 */
export function* jsonPieces(value: unknown, sink: (text: string) => void): Generator<void, boolean> {
  if (Array.isArray(value) && !hasToJson(value)) return yield* arrayPieces(value, sink, (item) => jsonPieces(item, sink));
  if (isPlainObject(value) && !hasToJson(value))
    return yield* objectPieces(
      Object.keys(value),
      (key) => value[key],
      sink,
      (member) => jsonPieces(member, sink),
    );
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) return false;
  sink(text);
  return true;
}

/** An array's JSON in pieces: each element written by `each` (`null` where it has no JSON form), a pause after each. */
function* arrayPieces(
  items: readonly unknown[],
  sink: (text: string) => void,
  each: (item: unknown) => Generator<void, boolean>,
): Generator<void, boolean> {
  sink('[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) sink(',');
    if (!(yield* each(items[i]))) sink('null');
    yield;
  }
  sink(']');
  return true;
}

/**
 * An object's JSON in pieces, its members in the order of `keys` as `read` gives them, each written by `each`, a pause
 * after each. A member with no JSON form is left out, key and all.
 */
function* objectPieces(
  keys: readonly string[],
  read: (key: string) => unknown,
  sink: (text: string) => void,
  each: (member: unknown) => Generator<void, boolean>,
): Generator<void, boolean> {
  sink('{');
  let first = true;
  for (const key of keys) {
    const member = read(key);
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    sink(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    yield* each(member);
    yield;
  }
  sink('}');
  return true;
}

/** Whether JSON.stringify would write `value` through its own `toJSON`. */
export const hasToJson = (value: object) => typeof (value as { toJSON?: unknown }).toJSON === 'function';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** How much text a chunk holds (the pieces written are small: a number, a key). */
const CHUNK_CHARS = 64 * 1024;

/**
 * A sink for the pieces `canonicalJsonPieces` or `jsonPieces` write that passes their text on to `flush` in chunks of
 * about 64 KB, each joined when it is full, inside the slices (one join of half a million pieces at the end held the
 * event loop ~0.1 s); `end()` passes on the rest.
 */
export function inChunks(flush: (chunk: string) => void): { sink: (text: string) => void; end: () => void } {
  let pieces: string[] = [];
  let length = 0;
  const pass = () => {
    flush(pieces.join(''));
    pieces = [];
    length = 0;
  };
  return {
    sink: (text) => {
      pieces.push(text);
      length += text.length;
      if (length >= CHUNK_CHARS) pass();
    },
    end: pass,
  };
}

/**
 * Feeds `value`'s canonical JSON to `hash` in slices (a county's bulletin, a checkpoint naming every head: ~0.1 s in one
 * block), the same bytes as `canonicalJson(value)`; returns the hash to go on with.
 */
export async function hashCanonicalJsonSliced(hash: Hash, value: unknown): Promise<Hash> {
  const text = inChunks((chunk) => hash.update(chunk));
  await sliced(canonicalJsonPieces(value, text.sink));
  text.end();
  return hash;
}
