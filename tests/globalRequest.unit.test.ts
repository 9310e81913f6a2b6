import { afterEach, describe, expect, it } from 'vitest';
import { withoutGlobalRequest } from '../api/server.js';

const original = Object.getOwnPropertyDescriptor(globalThis, 'Request');
afterEach(() => {
  if (original) Object.defineProperty(globalThis, 'Request', original);
});

/** A lazy global `Request` as Node defines it (a getter that loads undici at its first read), counting its reads. */
function lazyRequest(): { reads: () => number; get: () => unknown } {
  let reads = 0;
  const get = () => {
    reads++;
    return class Request {};
  };
  Object.defineProperty(globalThis, 'Request', { get, set: () => {}, configurable: true, enumerable: false });
  return { reads: () => reads, get };
}

describe('building Yoga without reading the global Request (api/server.ts)', () => {
  it('shows no Request to what it makes, never reads the lazy one, and puts the same getter back', () => {
    // Given a lazy global Request
    const lazy = lazyRequest();
    // When something is made that compares its own Request with the global one
    const seen = withoutGlobalRequest(() => (globalThis as { Request?: unknown }).Request);
    // Then it saw none, the getter was not called, and the global is the same lazy getter again
    expect(seen).toBeUndefined();
    expect(lazy.reads()).toBe(0);
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Request')?.get).toBe(lazy.get);
  });

  it('puts the getter back when the making throws', () => {
    const lazy = lazyRequest();
    expect(() =>
      withoutGlobalRequest(() => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Request')?.get).toBe(lazy.get);
  });

  it('leaves a Request already loaded (a plain value) as it is', () => {
    class Loaded {}
    Object.defineProperty(globalThis, 'Request', { value: Loaded, configurable: true, writable: true });
    expect(withoutGlobalRequest(() => (globalThis as { Request?: unknown }).Request)).toBe(Loaded);
  });
});
