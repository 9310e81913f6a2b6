import type { Bulletin } from './bulletin.js';

/**
 * One thing that differs between a published bulletin and the same month built again from the log
 * as it now stands (a late entry dated in the month, an automatic 督办 written by a catching-up
 * scheduler): shown beside the published bulletin, never inside it.
 *
 * `path` names the value, e.g. `county.figures.overdue.count` or `units[unitId=…].rank`. A value
 * changed: `before` and `after` are its JSON. A list of ledger numbers, event ids or report ids:
 * what was `added` and `removed`. A line, item or interview only on one side: its JSON on that side.
 */
export type BulletinDifferenceEntry = { path: string; before: string | null; after: string | null; added: string[]; removed: string[] };

/** The keys that name an element of a list of objects, in the order they are tried. */
const KEYS = ['interviewId', 'ledgerNumber', 'unitId'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const keyOf = (value: Json): string | null => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  for (const k of KEYS) if (typeof value[k] === 'string') return `${k}=${value[k]}`;
  return null;
};

function walk(path: string, before: Json | undefined, after: Json | undefined, out: BulletinDifferenceEntry[]): void {
  const entry = (b: Json | undefined, a: Json | undefined): void => {
    out.push({
      path,
      before: b === undefined ? null : JSON.stringify(b),
      after: a === undefined ? null : JSON.stringify(a),
      added: [],
      removed: [],
    });
  };
  if (before === undefined || after === undefined) {
    entry(before, after);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if ([...before, ...after].every((v) => typeof v === 'string')) {
      const b = new Set(before as string[]);
      const a = new Set(after as string[]);
      const added = [...a].filter((v) => !b.has(v));
      const removed = [...b].filter((v) => !a.has(v));
      if (added.length > 0 || removed.length > 0) out.push({ path, before: null, after: null, added, removed });
      return;
    }
    const keyed = [...before, ...after].every((v) => keyOf(v) !== null);
    if (keyed) {
      const b = new Map(before.map((v) => [keyOf(v)!, v]));
      const a = new Map(after.map((v) => [keyOf(v)!, v]));
      for (const key of new Set([...b.keys(), ...a.keys()])) walk(`${path}[${key}]`, b.get(key), a.get(key), out);
      return;
    }
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(`${path}[${i}]`, before[i], after[i], out);
    return;
  }
  if (
    before !== null &&
    after !== null &&
    typeof before === 'object' &&
    typeof after === 'object' &&
    !Array.isArray(before) &&
    !Array.isArray(after)
  ) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
      walk(path ? `${path}.${key}` : key, before[key], after[key], out);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) entry(before, after);
}

/** What differs from the published bulletin to the one built now; empty when they are the same. */
export function bulletinDifference(published: Bulletin, now: Bulletin): BulletinDifferenceEntry[] {
  const out: BulletinDifferenceEntry[] = [];
  walk('', published as unknown as Json, now as unknown as Json, out);
  return out;
}
