import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotMadeYet, madeOnce } from '../api/madeOnce.js';

/** A making the test settles by hand, counted, with the signal it was given. */
function makings() {
  const started: { signal: AbortSignal; resolve: (value: string) => void; reject: (error: Error) => void }[] = [];
  const make = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      started.push({ signal, resolve, reject });
    });
  return { started, make };
}

describe('the console page made once, tried again after a failure (madeOnce)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('given a making under way, when several ask, then one making serves them all and is kept', async () => {
    const { started, make } = makings();
    const page = madeOnce(make, { retryMs: 30_000, timeoutMs: 60_000 });
    const asks = [page(), page(), page()];
    expect(started).toHaveLength(1);
    started[0]!.resolve('the page');
    expect(await Promise.all(asks)).toEqual(['the page', 'the page', 'the page']);
    expect(await page()).toBe('the page');
    expect(started).toHaveLength(1);
  });

  it('given a making that failed, when asked before the retry time, then refused at once with when to ask again, and none started', async () => {
    let now = 1_000_000;
    const { started, make } = makings();
    const failures: unknown[] = [];
    const page = madeOnce(make, { retryMs: 30_000, timeoutMs: 60_000, now: () => now, onFailure: (e) => failures.push(e) });
    const first = page();
    started[0]!.reject(new Error('the worker stopped'));
    const refused = await first.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotMadeYet);
    expect((refused as NotMadeYet).retryAfterSeconds).toBe(30);
    expect((refused as NotMadeYet).message).toContain('the worker stopped');
    now += 12_500;
    const again = await page().catch((e: unknown) => e);
    expect((again as NotMadeYet).retryAfterSeconds).toBe(18);
    expect(started).toHaveLength(1);
    expect(failures).toHaveLength(1);
  });

  it('given a making that failed, when asked after the retry time, then it is made again and kept', async () => {
    let now = 0;
    const { started, make } = makings();
    const page = madeOnce(make, { retryMs: 30_000, timeoutMs: 60_000, now: () => now });
    const first = page();
    started[0]!.reject(new Error('out of memory'));
    await expect(first).rejects.toBeInstanceOf(NotMadeYet);
    now += 30_000;
    const second = page();
    expect(started).toHaveLength(2);
    started[1]!.resolve('the page');
    expect(await second).toBe('the page');
    now += 30_000;
    expect(await page()).toBe('the page');
    expect(started).toHaveLength(2);
  });

  it('given a making done in time, when its time would have run out, then nothing is aborted', async () => {
    vi.useFakeTimers();
    const { started, make } = makings();
    const page = madeOnce(make, { retryMs: 30_000, timeoutMs: 60_000 });
    const asked = page();
    started[0]!.resolve('the page');
    expect(await asked).toBe('the page');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(started[0]!.signal.aborted).toBe(false);
    expect(await page()).toBe('the page');
  });

  it('given a making that throws at once, when asked, then refused as a failure, its time-out cleared, and made again after the retry time', async () => {
    vi.useFakeTimers();
    let now = 0;
    let makings = 0;
    const page = madeOnce(
      () => {
        makings += 1;
        if (makings === 1) throw new Error('no worker');
        return Promise.resolve('the page');
      },
      { retryMs: 30_000, timeoutMs: 60_000, now: () => now },
    );
    await expect(page()).rejects.toBeInstanceOf(NotMadeYet);
    expect(vi.getTimerCount()).toBe(0);
    now += 30_000;
    expect(await page()).toBe('the page');
  });

  it('given a making that hangs, when its time runs out, then its signal is aborted and the asks waiting are refused', async () => {
    vi.useFakeTimers();
    const { started, make } = makings();
    const failures: unknown[] = [];
    const page = madeOnce(make, { retryMs: 30_000, timeoutMs: 60_000, onFailure: (e) => failures.push(e) });
    const waiting = page().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(started[0]!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(started[0]!.signal.aborted).toBe(true);
    const refused = (await waiting) as NotMadeYet;
    expect(refused).toBeInstanceOf(NotMadeYet);
    expect(refused.message).toContain('longer than 60000 ms');
    // The hung making finishing later changes nothing: the next ask waits for the retry time.
    started[0]!.resolve('too late');
    await vi.advanceTimersByTimeAsync(0);
    await expect(page()).rejects.toBeInstanceOf(NotMadeYet);
    expect(failures).toHaveLength(1);
  });
});
