import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { type CountyLights, battleMap, slicedCountyLights } from '../../projections/battleMap.js';
import { policyInForce } from '../../projections/policyInForce.js';
import { generateCounty } from '../support/countyLog.js';
import { factsAsOf } from './fold.js';

/**
 * The monthly bulletin reads a published month's lights without building its battle map (issue 12): the county's light,
 * its items overdue, each unit's light with its red and overdue items. They must be what the map built for that day
 * says, on days across the generated county's two years, under the default policy and another.
 */
const county = generateCounty({ problems: 400 });
const events = county.entries.map(({ streamId, event }, position) => ({ ...event, streamId, revision: 0, position })) as RecordedEvent[];
const instantOf = (day: string) => `${day}T23:59:59.999+08:00`;
const sorted = (set: Iterable<string>) => [...set].sort();
const lightsData = (l: CountyLights) => ({
  light: l.light,
  overdue: sorted(l.tally.overdue),
  units: l.units.map((u) => ({ unitId: u.unitId, light: u.light, red: sorted(u.red), overdue: sorted(u.overdue) })),
});

describe('a county’s lights without its map', () => {
  const other = {
    ...defaultPolicy,
    lights: { ...defaultPolicy.lights, dueSoonDays: 30, unitRedAtRedItems: 2, unitYellowAtYellowItems: 3 },
  };
  for (const day of ['2019-03-31', '2019-09-30', '2020-02-29', '2020-08-31', '2021-01-31'])
    it(`equal the battle map's on ${day}, under the default policy and another`, async () => {
      const at = { instant: instantOf(day), day };
      const facts = factsAsOf(events, at.instant);
      const unitLights = new Set<string>();
      for (const policy of [policyInForce(facts, at.instant), { version: 9, document: other }]) {
        const map = battleMap(facts, at, policy, null);
        const lights = await slicedCountyLights(facts, at, policy);
        expect(lightsData(lights), `${day} v${policy.version}`).toEqual(lightsData(map));
        expect(map.tally.overdue.size, day).toBeGreaterThan(0);
        for (const u of map.units) unitLights.add(`${policy.version}:${u.light}`);
      }
      // Something to compare: overdue items (above), and units of different lights under each policy or between them.
      expect(unitLights.size, day).toBeGreaterThan(2);
    });
});
