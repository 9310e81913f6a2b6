import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonPieces, jsonPieces } from '../../eventstore/canonicalJson.js';
import { eventHash } from '../../eventstore/hashChain.js';
import type { EventMetadata } from '../../eventstore/port.js';
import { prepareData, takePreparedText } from '../../eventstore/preparedData.js';
import { atOnce } from '../../projections/slices.js';

/** The pieces written, joined, and how many times the writer paused between them. */
function inPieces(value: unknown): { text: string; pauses: number } {
  let text = '';
  let pauses = 0;
  const steps = canonicalJsonPieces(value, (piece) => {
    text += piece;
  });
  for (let step = steps.next(); !step.done; step = steps.next()) pauses++;
  return { text, pauses };
}

/**
 * Issue 12, aim 3: a bulletin is hashed in slices (projections/bulletin.ts `bulletinHash`), from the canonical JSON
 * written in pieces. The pieces must be canonicalJson's bytes exactly, or a published bulletin's hash would change.
 */
describe('canonical JSON in pieces', () => {
  it('writes the same text as canonicalJson: keys sorted, undefined members dropped, undefined elements null, toJSON applied', () => {
    const at = new Date('2026-03-01T00:00:00.000Z');
    const cases: [unknown, string][] = [
      [{ b: [1, undefined, { d: 1, c: 'é' }], a: null, u: undefined }, '{"a":null,"b":[1,null,{"c":"é","d":1}]}'],
      [
        { at, f: () => 1, nested: { toJSON: () => ({ z: 1, y: [true, false] }) } },
        '{"at":"2026-03-01T00:00:00.000Z","nested":{"y":[true,false],"z":1}}',
      ],
      [[], '[]'],
      [{}, '{}'],
      ['quote " and \\ and \n', '"quote \\" and \\\\ and \\n"'],
      [[{ k: undefined }, [[]], -0.5, 'x'], '[{},[[]],-0.5,"x"]'],
      [{ only: undefined, next: 2 }, '{"next":2}'],
    ];
    for (const [value, expected] of cases) {
      expect(inPieces(value).text).toBe(expected);
      expect(canonicalJson(value)).toBe(expected);
    }
  });

  it('pauses between the elements of a big value and hashes to the SHA-256 of the whole text', () => {
    const numbers = Array.from({ length: 100_000 }, (_, i) => `LN-${String(i).padStart(6, '0')}`);
    const value = { units: [{ name: '甲镇', ledgerNumbers: numbers }], count: numbers.length };
    const expected = `{"count":100000,"units":[{"ledgerNumbers":[${numbers.map((n) => `"${n}"`).join(',')}],"name":"甲镇"}]}`;
    const { text, pauses } = inPieces(value);
    expect(text).toBe(expected);
    // One pause per element of the 100k list at least: a sliced run can yield between any two of them.
    expect(pauses).toBeGreaterThanOrEqual(100_000);
    expect(createHash('sha256').update(text).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
  });

  it('refuses a value with no JSON form, as canonicalJson does', () => {
    expect(() => atOnce(canonicalJsonPieces(undefined, () => undefined))).toThrow(TypeError);
    expect(() => atOnce(canonicalJsonPieces({ n: Number.NaN }, () => undefined))).toThrow(TypeError);
    expect(() => atOnce(canonicalJsonPieces({ n: 1n }, () => undefined))).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

/** The JSON text written by `jsonPieces`, joined, and how many times it paused. */
function jsonInPieces(value: unknown): { text: string | undefined; pauses: number } {
  let text = '';
  let pauses = 0;
  const steps = jsonPieces(value, (piece) => {
    text += piece;
  });
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return { text: step.value ? text : undefined, pauses };
    pauses++;
  }
}

/**
 * Issue 12, aim 3: a big event's stored text (the first checkpoint, naming every head) is written in slices. It must be
 * JSON.stringify's text byte for byte (keys in the object's order, not sorted), or the stored row would change.
 */
describe('JSON text in pieces', () => {
  it('writes what JSON.stringify writes: keys in order, undefined members dropped, undefined and functions in arrays null, toJSON applied', () => {
    class Point {
      constructor(
        readonly y: number,
        readonly x: number,
      ) {}
    }
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { z: 1, a: 'b' });
    const cases: [unknown, string][] = [
      [{ b: [1, undefined, { d: 1, c: 'é' }], a: null, u: undefined }, '{"b":[1,null,{"d":1,"c":"é"}],"a":null}'],
      [
        { at: new Date('2026-03-01T00:00:00.000Z'), f: () => 1, nested: { toJSON: () => ({ z: 1 }) } },
        '{"at":"2026-03-01T00:00:00.000Z","nested":{"z":1}}',
      ],
      [[() => 1, Symbol('s'), -0, Number.NaN, Number.POSITIVE_INFINITY], '[null,null,0,null,null]'],
      [{ point: new Point(2, 1), bare, '2': 'two', '1': 'one' }, '{"1":"one","2":"two","point":{"y":2,"x":1},"bare":{"z":1,"a":"b"}}'],
      [{ lone: '\ud800', pair: '😀', quote: '"\\\n' }, '{"lone":"\\ud800","pair":"😀","quote":"\\"\\\\\\n"}'],
      [[[], {}, [[{}]]], '[[],{},[[{}]]]'],
      [
        {
          moved: [
            ['problem-1', 3, 'ab'],
            ['problem-2', 0, 'cd'],
          ],
          reason: 'events',
        },
        '{"moved":[["problem-1",3,"ab"],["problem-2",0,"cd"]],"reason":"events"}',
      ],
    ];
    for (const [value, expected] of cases) {
      expect(JSON.stringify(value)).toBe(expected);
      expect(jsonInPieces(value).text).toBe(expected);
    }
    expect(jsonInPieces(undefined).text).toBeUndefined();
    expect(() => jsonInPieces({ n: 1n })).toThrow(TypeError);
  });

  it('pauses between the elements of a big list', () => {
    const moved = Array.from({ length: 50_000 }, (_, i) => [`problem-${i}`, i % 7, 'f'.repeat(64)]);
    const { text, pauses } = jsonInPieces({ position: 9, moved });
    expect(text).toBe(JSON.stringify({ position: 9, moved }));
    expect(pauses).toBeGreaterThanOrEqual(50_000);
  });
});

describe('an event’s data prepared before its append', () => {
  it('gives the same chain hash and the same stored text as the data unprepared', async () => {
    const moved = Array.from({ length: 20_000 }, (_, i) => [`problem-${i}`, i % 5, (i * 2654435761).toString(16).padStart(64, '0')]);
    const data = { position: 41, eventCount: 42, merkleRoot: 'a'.repeat(64), moved, reason: 'events' };
    const copy = structuredClone(data);
    const metadata = {
      occurredAt: '2026-03-01T00:00:00.000Z',
      schemaVersion: 1,
      hash: 'dropped',
      prevHash: 'replaced',
    } as unknown as EventMetadata;
    const fields = { streamId: 'checkpoints', revision: 3, type: 'CheckpointRecorded', metadata };
    const prevHash = 'b'.repeat(64);
    // The hash over the text written out here, keys in canonical order, metadata without its hash and with prevHash.
    const text =
      `{"data":{"eventCount":42,"merkleRoot":"${'a'.repeat(64)}","moved":${JSON.stringify(moved)},"position":41,"reason":"events"}` +
      `,"metadata":{"occurredAt":"2026-03-01T00:00:00.000Z","prevHash":"${prevHash}","schemaVersion":1}` +
      `,"prevHash":"${prevHash}","revision":3,"stream":"checkpoints","type":"CheckpointRecorded"}`;
    const expected = createHash('sha256').update(text).digest('hex');
    expect(eventHash({ ...fields, data: copy }, prevHash)).toBe(expected);
    await prepareData(data);
    expect(eventHash({ ...fields, data }, prevHash)).toBe(expected);
    // Twice: the prepared hash is copied, not used up.
    expect(eventHash({ ...fields, data }, prevHash)).toBe(expected);
    // Its stored text, as UTF-8 pieces handed out once (they may be moved to the writer thread); never for data not prepared.
    const pieces = takePreparedText(data);
    expect(pieces?.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces!).toString('utf8')).toBe(JSON.stringify(copy));
    expect(new Set(pieces!.map((piece) => piece.buffer)).size).toBe(pieces!.length);
    expect(takePreparedText(data)).toBeUndefined();
    expect(takePreparedText(copy)).toBeUndefined();
  });

  it('keeps no text for data that is not plain JSON (its text would not parse back to it)', async () => {
    const data = { at: new Date('2026-03-01T00:00:00.000Z'), unit: '县水利局' };
    await prepareData(data);
    expect(takePreparedText(data)).toBeUndefined();
    const plain = { unit: '县水利局', moved: [['问题-1', 0, 'ab']] };
    await prepareData(plain);
    expect(Buffer.concat(takePreparedText(plain)!).toString('utf8')).toBe(JSON.stringify(plain));
  });
});
