import type express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_SLICE_MS, requestsInSlices } from '../api/pacing.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The clock the slices read (performance.now), moved only by the requests' work: the test does not depend on the machine's speed. */
let now = 0;
async function stillClock(): Promise<void> {
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  // A few whole turns: the slice clock an earlier test left running is forgotten.
  for (let i = 0; i < 3; i++) await turn();
}

/** A gate, and requests through it whose work takes `ms` of the clock each, logged as they start. */
function requests() {
  const gate = requestsInSlices();
  const log: string[] = [];
  const request = (name: string, ms: number, alsoThen?: () => void) =>
    gate(
      {} as express.Request,
      {} as express.Response,
      (() => {
        log.push(name);
        now += ms;
        alsoThen?.();
      }) as express.NextFunction,
    );
  return { log, request };
}

describe('GraphQL requests started in slices of the event loop turns (issue 12 aim 3)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('given a burst of requests that together take less than a slice, when they arrive in one turn, then all start at once', async () => {
    await stillClock();
    const { log, request } = requests();
    for (const name of ['a', 'b', 'c', 'd']) request(name, REQUEST_SLICE_MS / 8);
    expect(log).toEqual(['a', 'b', 'c', 'd']);
  });

  it('given requests that each take longer than a slice, when a burst arrives, then one starts, the rest in arrival order a slice a turn, with other work between', async () => {
    await stillClock();
    const { log, request } = requests();
    for (const name of ['a', 'b', 'c', 'd']) request(name, REQUEST_SLICE_MS * 1.5);
    expect(log).toEqual(['a']);
    // Other work queued meanwhile (a probe's answer)
    setImmediate(() => log.push('probe'));
    for (let i = 0; i < 6; i++) await turn();
    expect(log.filter((e) => e !== 'probe')).toEqual(['a', 'b', 'c', 'd']);
    expect(log.indexOf('probe')).toBeLessThan(log.indexOf('c'));
    // And a request arriving when none waits and the turn's slice is fresh starts at once
    for (let i = 0; i < 2; i++) await turn();
    request('e', 0);
    expect(log.at(-1)).toBe('e');
  });

  it('given requests waiting, when another arrives within a fresh slice, then it waits behind them', async () => {
    await stillClock();
    const { log, request } = requests();
    // b starts in the check phase with the slice to spare, and f arrives while it runs: c is still waiting
    request('a', REQUEST_SLICE_MS * 1.5);
    request('b', 0, () => request('f', 0));
    request('c', 0);
    expect(log).toEqual(['a']);
    for (let i = 0; i < 4; i++) await turn();
    expect(log).toEqual(['a', 'b', 'c', 'f']);
  });
});
