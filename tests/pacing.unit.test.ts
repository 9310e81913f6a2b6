import type express from 'express';
import { describe, expect, it } from 'vitest';
import { oneRequestPerTurn } from '../api/pacing.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('one request started per turn of the event loop (issue 12 aim 3)', () => {
  it('starts a lone request at once, and a burst one per turn in arrival order, with other work between them', async () => {
    const gate = oneRequestPerTurn();
    const log: string[] = [];
    const request = (name: string) => gate({} as express.Request, {} as express.Response, (() => log.push(name)) as express.NextFunction);

    // Given a burst of four requests arriving in one turn
    for (const name of ['a', 'b', 'c', 'd']) request(name);
    // Then only the first has started
    expect(log).toEqual(['a']);
    // When the loop turns, with other work (a probe's answer) queued meanwhile
    setImmediate(() => log.push('probe'));
    await turn();
    await turn();
    await turn();
    await turn();
    // Then the rest start in order, and the probe did not wait for all of them
    expect(log.filter((e) => e !== 'probe')).toEqual(['a', 'b', 'c', 'd']);
    expect(log.indexOf('probe')).toBeLessThan(log.indexOf('d'));
    await turn();
    // And a request arriving when none is waiting starts at once
    request('e');
    expect(log.at(-1)).toBe('e');
  });
});
