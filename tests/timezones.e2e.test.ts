import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * A deadline is a calendar day in Asia/Shanghai whatever the server's time zone: 2019-06-30 is
 * overdue from 2019-07-01 00:00 Shanghai time (2019-06-30T16:00:00Z). Each zone runs the server
 * in its own process, since TZ is read once at start.
 */
const instants = {
  '2019-06-30T23:59:59+08:00': false,
  '2019-06-30T15:59:59.999Z': false,
  '2019-07-01T00:00:00+08:00': true,
  '2019-06-30T16:00:00.000Z': true,
  '2019-06-30T09:00:00-07:00': true, // the same instant, written from Los Angeles
};

const zones = { UTC: 0, 'Asia/Shanghai': -480, 'America/Los_Angeles': 420 };

describe.concurrent('the server’s own time zone does not matter', () => {
  it.each(Object.entries(zones))(
    'with TZ=%s, a deadline of 2019-06-30 is overdue from 2019-07-01 00:00 Shanghai time, not a moment before',
    async (tz, offset) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'tests/support/overdueProbe.ts', ...Object.keys(instants)],
        {
          env: { ...process.env, TZ: tz },
          encoding: 'utf8',
        },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
      expect(result.tz).toBe(tz);
      expect(result.offsetMinutes).toBe(offset); // the zone really was in force in the child
      expect(result.answers).toEqual(instants);
    },
    120_000,
  );
});
