import { describe, expect, it } from 'vitest';
import { eventIdOf, eventIdOrNull, packEventId } from '../../projections/problemFacts.js';

describe('event ids as a problem record keeps them (packEventId, eventIdOf)', () => {
  it('given a UUID, when packed, then it is kept in 16 characters and read back the same', () => {
    const id = '0198a3c4-7b1e-7f00-8a2b-00ff10e9c3d7';
    const packed = packEventId(id) as unknown as string;
    expect(packed).toHaveLength(16);
    expect(eventIdOf(packEventId(id))).toBe(id);
  });

  it('given ids that are not lowercase UUIDs, when packed, then each is read back as it was', () => {
    const ids = [
      '0198A3C4-7B1E-7F00-8A2B-00FF10E9C3D7',
      'sixteen-chars-id',
      'sixteen-chars-i\u0001',
      'fifteen-chars-i',
      '\u0002\u0002fifteen-chars',
      '\u0001fifteen-chars-',
      'ends-with-mark\u0001',
      'ends-with-two\u0001\u0001',
      '',
      'e1',
      '0198a3c4-7b1e-7f00-8a2b-00ff10e9c3d7x',
    ];
    for (const id of ids) expect([id, eventIdOf(packEventId(id))]).toEqual([id, id]);
  });

  it('keeps null as null', () => {
    expect(eventIdOrNull(null)).toBeNull();
    expect(eventIdOrNull(packEventId('x'))).toBe('x');
  });
});
