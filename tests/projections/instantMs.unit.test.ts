import { describe, expect, it } from 'vitest';
import { Random } from '../../application/demo/random.js';
import { writtenMs } from '../../projections/instants.js';
import { dayOf, instantMs } from '../../projections/time.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('reading an instant without Date.parse (projections/instants.js writtenMs)', () => {
  it('given the shapes the log writes, when read, then each is what Date.parse reads', () => {
    // Seeded: the same cases on every run.
    const random = new Random(12);
    const pick = (n: number) => random.int(0, n - 1);
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      // Fields mostly in range, now and then out of it (month 13, day 0 or 32, hour 24, minute or second 60, offset 24:00).
      const field = (low: number, high: number, over: number) => (pick(20) === 0 ? over : low + pick(high - low + 1));
      const date = `${pad(field(1000, 2999, pick(1000)), 4)}-${pad(field(1, 12, pick(2) * 13), 2)}-${pad(field(1, 31, pick(2) * 32), 2)}`;
      const time = `${pad(field(0, 23, 24), 2)}:${pad(field(0, 59, 60), 2)}:${pad(field(0, 59, 60), 2)}`;
      const fraction = pick(2) === 0 ? '' : `.${pad(pick(1000), 3)}`;
      const zone = pick(2) === 0 ? 'Z' : `${pick(2) === 0 ? '+' : '-'}${pad(field(0, 14, 24), 2)}:${pad(field(0, 59, 60), 2)}`;
      const text = `${date}T${time}${fraction}${zone}`;
      const ms = writtenMs(text);
      if (!Number.isNaN(ms)) read += 1;
      // Where it answers it agrees; where Date.parse reads a plain value it answers too, but for the ranges it leaves to it.
      if (!Number.isNaN(ms)) expect(ms, text).toBe(Date.parse(text));
      if (!Number.isNaN(Date.parse(text))) expect(instantMs(text), text).toBe(Date.parse(text));
    }
    expect(read).toBeGreaterThan(10_000);
  });

  it("given the log's own instants, when read, then it answers them itself, as Date.parse does", () => {
    for (const text of [
      '2019-10-10T07:08:56.619Z',
      '2019-10-10T15:08:56.619+08:00',
      '2026-12-03T00:00:00Z',
      '2020-02-29T23:59:59.999-05:30',
      '2019-02-31T00:00:00.000Z',
    ])
      expect(writtenMs(text), text).toBe(Date.parse(text));
  });

  it('given any other shape, when read, then it leaves it to Date.parse (and instantMs still reads it)', () => {
    for (const text of [
      '2019-12-01T24:00:00Z',
      '2019-12-01t23:59:59Z',
      '2019-12-01T23:59:59z',
      '2019-12-01T23:59:59+0800',
      '2019-12-01T23:59:59.5Z',
      '2019-12-01T23:59:59.9999Z',
      '0099-01-01T00:00:00Z',
      '+002019-12-01T00:00:00Z',
      '2019-12-01 23:59:59Z',
    ]) {
      expect(writtenMs(text), text).toBeNaN();
      if (!Number.isNaN(Date.parse(text))) expect(instantMs(text), text).toBe(Date.parse(text));
    }
    // A value the types did not foresee is still refused as not an instant, not by a TypeError on the way.
    for (const value of [undefined, null]) expect(() => instantMs(value as unknown as string)).toThrow(RangeError);
    expect(dayOf('2019-12-31T16:00:00.000Z')).toBe('2020-01-01');
    expect(dayOf('2019-12-31T23:59:59.999+08:00')).toBe('2019-12-31');
  });
});
