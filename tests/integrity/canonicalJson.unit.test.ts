import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonPieces } from '../../eventstore/canonicalJson.js';
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
