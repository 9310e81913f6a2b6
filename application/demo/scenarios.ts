import { assertNever } from '../../domain/index.js';
import type { SimDay } from './clock.js';
import { simDay } from './clock.js';
import type { FinalStatus, Scenario } from './lifecycle.js';
import type { Random } from './random.js';

/** The first day a problem may be raised: the week after the units were registered. */
export const DEMO_START: SimDay = simDay('2019-01-14');

/** Roughly how the county's ledger stands at the end of 2020; closed takes the rest. */
const STATUS_SHARES: readonly (readonly [FinalStatus, number])[] = [
  ['raised', 0.04],
  ['assigned', 0.06],
  ['rectifying', 0.25],
  ['awaiting_verification', 0.08],
  ['verified', 0.06],
];

export const plainScenario = (status: FinalStatus): Scenario => ({
  status,
  overdue: false,
  rejections: 0,
  extended: false,
  supervisions: 0,
  reopened: false,
  deadlineSet: true,
});

/**
 * Decides what each of `count` problems comes to: every status, and within them the turns a real
 * ledger shows (overdue, rejected once or twice, extended, supervised, reopened). Quotas rather than
 * coin flips, so that even a small demo shows each turn at least once where it can.
 */
export function allocateScenarios(random: Random, count: number): Scenario[] {
  const counts = STATUS_SHARES.map(([status, share]) => [status, count >= 10 ? Math.max(1, Math.round(share * count)) : 0] as const);
  const closedCount = Math.max(0, count - counts.reduce((sum, [, n]) => sum + n, 0));
  const all: Scenario[] = [];
  const group = (status: FinalStatus, n: number) => {
    const list = Array.from({ length: n }, () => plainScenario(status));
    all.push(...list);
    return list;
  };
  /** Applies `change` to `n` of the list, chosen at random. */
  const some = (list: Scenario[], n: number, change: (s: Scenario) => void) =>
    random.shuffle(list).slice(0, Math.min(n, list.length)).forEach(change);

  const closed = group('closed', closedCount);
  const byRejections = random.shuffle(closed);
  const twice = Math.max(2, Math.round(closed.length * 0.03));
  byRejections.slice(0, twice).forEach((s) => (s.rejections = 2));
  byRejections.slice(twice, twice + Math.round(closed.length * 0.15)).forEach((s) => (s.rejections = 1));
  some(closed, Math.round(closed.length * 0.15), (s) => (s.extended = true));
  some(closed, Math.round(closed.length * 0.1), (s) => (s.supervisions = random.chance(0.25) ? 2 : 1));
  some(closed, Math.max(2, Math.round(closed.length * 0.07)), (s) => (s.reopened = true));

  for (const [status, n] of counts) {
    const list = group(status, n);
    if (status === 'rectifying') {
      // How it is back in (or still in) rectification: reopened, rejected, or never reported.
      const routes = random.shuffle(list);
      const reopened = Math.max(1, Math.round(n * 0.08));
      const rejectedTwice = Math.max(1, Math.round(n * 0.05));
      const rejectedOnce = Math.round(n * 0.1);
      routes.slice(0, reopened).forEach((s) => (s.reopened = true));
      routes.slice(reopened, reopened + rejectedTwice).forEach((s) => (s.rejections = 2));
      routes.slice(reopened + rejectedTwice, reopened + rejectedTwice + rejectedOnce).forEach((s) => (s.rejections = 1));
      const firstRound = routes.slice(reopened + rejectedTwice + rejectedOnce);
      const onTime = Math.round(firstRound.length * 0.2);
      for (const s of firstRound.slice(onTime)) {
        s.overdue = true;
        if (random.chance(0.85)) s.supervisions = random.chance(0.3) ? 2 : 1;
      }
      some(list, Math.round(n * 0.2), (s) => (s.extended = true));
    }
    if (status === 'awaiting_verification') {
      some(list, Math.round(n * 0.25), (s) => (s.rejections = 1));
      some(list, Math.round(n * 0.15), (s) => (s.extended = true));
      some(list, Math.round(n * 0.15), (s) => (s.supervisions = 1));
    }
    if (status === 'verified') {
      some(list, Math.round(n * 0.2), (s) => (s.rejections = 1));
      some(list, Math.round(n * 0.1), (s) => (s.extended = true));
    }
    if (status === 'assigned') {
      const order = random.shuffle(list);
      const overdue = Math.round(n * 0.35);
      for (const s of order.slice(0, overdue)) {
        s.overdue = true;
        s.supervisions = random.chance(0.7) ? 1 : 0;
      }
      if (n - overdue >= 3) order.at(-1)!.deadlineSet = false;
    }
  }
  return random.shuffle(all);
}

const d = simDay;

/** When a problem with this scenario is first tried to be raised (it moves earlier if it does not fit). */
export function preferredRaiseWindow(random: Random, s: Scenario): [SimDay, SimDay] {
  switch (s.status) {
    case 'raised':
      return [d('2020-12-01'), d('2020-12-30')];
    case 'assigned':
      return s.overdue ? [d('2020-04-01'), d('2020-10-31')] : [d('2020-11-23'), d('2020-12-29')];
    case 'rectifying':
      if (s.reopened) return [d('2019-03-01'), d('2020-06-30')];
      if (s.rejections > 0) return [d('2020-03-01'), d('2020-11-15')];
      if (!s.overdue) return [d('2020-09-01'), d('2020-12-18')];
      return random.chance(0.25) ? [d('2019-06-01'), d('2019-12-31')] : [d('2020-01-02'), d('2020-11-10')];
    case 'awaiting_verification':
      return [d('2020-09-15'), d('2020-12-10')];
    case 'verified':
      return [d('2020-09-01'), d('2020-12-01')];
    case 'closed':
      return [DEMO_START, s.reopened ? d('2020-04-30') : d('2020-10-31')];
    default:
      return assertNever(s.status);
  }
}
