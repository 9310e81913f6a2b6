import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../application/demo/index.js';
import { Ledger } from '../../application/ledger.js';
import { type PolicyDocument, ProblemSource, defaultPolicy, domainEventDefinitions } from '../../domain/index.js';
import { MemoryEventStore } from '../../eventstore/memory.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import {
  type Trigger,
  completesStepOn,
  escalatingTriggers,
  escalatingTriggersOn,
  interviewTriggers,
} from '../../projections/interviewTriggers.js';
import { type PolicyChoice, policyInForce } from '../../projections/policyInForce.js';
import { type FactsState, problemFacts } from '../../projections/problemFacts.js';
import { plusDays } from '../../projections/time.js';

/**
 * The scheduler asks at each county midnight only for the triggers completing an escalation step
 * (`escalatingTriggers`, which settles only the candidates that can); the answer must be the full
 * evaluation's, filtered. Checked day by day over the demo county (2019–2021), under the policy in
 * force and under one whose every rule is on and whose steps are 3 days, with partial interviews
 * (约谈 on part of a trigger's items, which restart its clock) recorded along the way.
 */
let log: RecordedEvent[] = [];

beforeAll(async () => {
  const store = new MemoryEventStore(schemaCodec(domainEventDefinitions));
  await loadDemoData(new Ledger(store));
  for (let after = -1; ; ) {
    const batch = await store.readAll({ after, maxCount: 1000 });
    if (batch.length === 0) break;
    log.push(...batch);
    after = batch.at(-1)!.position;
  }
  // The demo writes its log in the order of its instants, which the day-by-day fold below relies on.
  log = log.toSorted((a, b) => Date.parse(a.metadata.occurredAt) - Date.parse(b.metadata.occurredAt));
}, 120_000);

const everyRuleOften: PolicyDocument = {
  ...defaultPolicy,
  interviews: {
    escalateAfterDays: 3,
    rules: {
      ...defaultPolicy.interviews.rules,
      item_long_overdue: { enabled: true, level: 'reminder', days: 10 },
      unit_many_overdue: { enabled: true, level: 'reminder', count: 2 },
      rejected_repeatedly: { enabled: true, level: 'reminder', rejections: 1 },
      recurrence: { enabled: true, level: 'reminder' },
      problem_found: { enabled: true, level: 'reminder', sources: [...ProblemSource.options] },
      year_end_unfinished: { enabled: true, level: 'supervision' },
      supervision_unanswered: { enabled: true, level: 'reminder' },
    },
  },
};

/** A partial interview (约谈 on the trigger's first item only), held on the day at its midnight. */
function partialInterview(facts: FactsState, t: Trigger, day: string, n: number): void {
  const instant = `${day}T00:00:00+08:00`;
  problemFacts.apply(facts, {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    streamId: `interviews-${t.unitId}`,
    revision: n,
    position: Number.MAX_SAFE_INTEGER,
    type: 'InterviewHeld',
    data: {
      interviewId: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
      triggerId: t.id,
      rule: t.rule,
      level: t.level,
      unitId: t.unitId,
      problemIds: t.problemIds.slice(0, 1),
      ledgerNumbers: t.ledgerNumbers.slice(0, 1),
      interviewee: '镇党委书记',
      interviewer: '县委副书记',
      heldOn: day,
      outcome: '部分整改',
    },
    metadata: { actor: { userId: 'test', name: 'test', roles: [] }, commandId: `interview-${n}`, occurredAt: instant },
  } as unknown as RecordedEvent);
}

describe('the triggers completing an escalation step at a midnight (what the scheduler asks)', () => {
  it('are those of the full evaluation, day by day over the demo county, under two policies and with partial interviews', async () => {
    const facts = problemFacts.initial();
    const steps = { inForce: 0, everyRuleOften: 0, afterPartialInterview: 0 };
    let next = 0;
    let interviews = 0;
    for (let day = '2019-01-01'; day <= '2021-03-31'; day = plusDays(day, 1)) {
      const instant = `${day}T00:00:00+08:00`;
      const ms = Date.parse(instant);
      while (next < log.length && Date.parse(log[next]!.metadata.occurredAt) <= ms) problemFacts.apply(facts, log[next++]!);
      const at = { instant, day };
      for (const [name, policy] of [
        ['inForce', policyInForce(facts, instant)],
        ['everyRuleOften', { version: 0, document: everyRuleOften }],
      ] as [keyof typeof steps, PolicyChoice][]) {
        const every = policy.document.interviews.escalateAfterDays;
        const all = interviewTriggers(facts, at, policy);
        const expected = all.filter((t) => completesStepOn(t, day, every));
        expect(await escalatingTriggers(facts, at, policy), `${name} on ${day}`).toEqual(expected);
        steps[name] += expected.length;
        steps.afterPartialInterview += expected.filter((t) => t.earlierInterviews.length > 0).length;
        // Now and then an interview on part of a trigger's items: its clock restarts from that day.
        const partial = all.find((t) => t.problemIds.length > 1 && !facts.interviews.has(t.id));
        if (name === 'everyRuleOften' && partial && day.endsWith('-05')) partialInterview(facts, partial, day, ++interviews);
      }
    }
    expect(next).toBe(log.length);
    // The comparison is not vacuous: steps were completed under each policy, some on a clock a partial interview restarted.
    expect(steps.inForce).toBeGreaterThan(50);
    expect(steps.everyRuleOften).toBeGreaterThan(steps.inForce);
    expect(interviews).toBeGreaterThan(5);
    expect(steps.afterPartialInterview).toBeGreaterThan(0);
  }, 120_000);

  it('given the same facts, when several midnights are asked at once (a catch-up after days down), then each gets what it gets asked alone', async () => {
    // The demo county folded to mid-December 2020; its midnights asked from then past the year's end (year-end lines).
    const facts = problemFacts.initial();
    const until = Date.parse('2020-12-10T00:00:00+08:00');
    for (const event of log) if (Date.parse(event.metadata.occurredAt) <= until) problemFacts.apply(facts, event);
    const instants: { at: { instant: string; day: string }; policy: PolicyChoice }[] = [];
    for (let day = '2020-12-10'; day <= '2021-02-10'; day = plusDays(day, 1)) {
      const instant = `${day}T00:00:00+08:00`;
      // The two policies by turns: each midnight judged under its own.
      const policy = instants.length % 2 === 0 ? policyInForce(facts, instant) : { version: 0, document: everyRuleOften };
      instants.push({ at: { instant, day }, policy });
    }

    const together = await escalatingTriggersOn(facts, instants);

    expect(together).toHaveLength(instants.length);
    let found = 0;
    for (const [k, { at, policy }] of instants.entries()) {
      expect(together[k], at.day).toEqual(await escalatingTriggers(facts, at, policy));
      found += together[k]!.length;
    }
    // Not vacuous: steps were completed on several of those midnights, year-end lines among them.
    expect(found).toBeGreaterThan(10);
    expect(together.flat().some((t) => t.rule === 'year_end_unfinished')).toBe(true);
  }, 120_000);
});
