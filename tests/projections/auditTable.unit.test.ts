import { describe, expect, it } from 'vitest';
import { canonicalMs } from '../../projections/instants.js';

/**
 * The audit trail keeps an event's occurredAt as text only when it is not the canonical ISO form of its
 * milliseconds. `canonicalMs` says so without a round trip through Date: for every text it gives the
 * milliseconds exactly when `new Date(Date.parse(text)).toISOString()` gives the text back (years from 1000).
 */
describe('canonicalMs', () => {
  const roundTrips = (text: string) => {
    const ms = Date.parse(text);
    return Number.isFinite(ms) && new Date(ms).toISOString() === text ? ms : undefined;
  };

  it('gives the milliseconds of canonical texts and nothing for any other, as a round trip through Date says', () => {
    const texts = [
      '2020-10-01T21:07:20.413Z',
      '2024-02-29T00:00:00.000Z',
      '2023-02-29T00:00:00.000Z',
      '2100-02-29T12:00:00.000Z',
      '2000-02-29T12:00:00.000Z',
      '2024-04-31T00:00:00.000Z',
      '2024-12-31T23:59:59.999Z',
      '2024-13-01T00:00:00.000Z',
      '2024-00-10T00:00:00.000Z',
      '2024-01-00T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2024-01-01T23:60:00.000Z',
      '2024-01-01T23:59:60.000Z',
      '2024-01-01T08:00:00.000+08:00',
      '2024-01-01T08:00:00+08:00',
      '2024-01-01T08:00:00.000z',
      '2024-01-01 08:00:00.000Z',
      '2024-01-01T08:00:00.00Z',
      '2024-01-01T08:00:00.0000Z',
      '2024-1-01T08:00:00.000Z ',
      '1000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '１０２４-01-01T00:00:00.000Z',
      'Thu, 01 Oct 2020 21:07:20 GMT',
      'not a time at all, 24 ch',
      '',
    ];
    for (const text of texts) expect([text, canonicalMs(text)]).toEqual([text, roundTrips(text)]);
    // Every millisecond field and day of a leap and a common year round trips.
    for (let ms = Date.UTC(2023, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 86_400_000 + 3_723_001) {
      const text = new Date(ms).toISOString();
      expect(canonicalMs(text)).toBe(ms);
    }
  });

  it('gives nothing for years before 1000, whose text Date reads another way (the row then keeps its text)', () => {
    expect(canonicalMs('0999-12-31T23:59:59.999Z')).toBeUndefined();
    expect(canonicalMs('0050-01-01T00:00:00.000Z')).toBeUndefined();
  });
});
