import { describe, expect, it } from 'vitest';
import { internString, internStrings } from '../../projections/intern.js';

/** Short repeated strings of the events are kept once; the values are unchanged. */
describe('interning the strings of an event', () => {
  it('swaps each short string for an equal one, nested in objects and arrays, and changes no value', () => {
    const data = JSON.parse(
      '{"unitId":"0000000a-0000-4000-8000-00000000002a","n":3,"flag":true,"none":null,"evidence":{"files":["a.pdf","b.pdf"],"description":"已整改"},"list":[{"unitId":"0000000a-0000-4000-8000-00000000002a"}]}',
    );
    const copy = structuredClone(data);
    internStrings(data);
    expect(data).toEqual(copy);
  });

  it('gives back the first copy seen for an equal string, and leaves long strings alone', () => {
    const first = ['unit', 'x'].join('-');
    const second = ['unit', 'x'].join('-');
    expect(internString(first)).toBe(first);
    expect(internString(second)).toBe(first);
    const long = 'x'.repeat(41);
    expect(internString(long)).toBe(long);
  });
});
