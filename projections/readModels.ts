import { isCheckpoint } from '../eventstore/checkpoints.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { type CalendarVersion, calendarInForce, calendarView } from './calendarInForce.js';
import { problemEventDefinitions } from '../domain/index.js';
import { type BattleMap, BattleMapAccumulator, type BattleMapItem, battleMap, mapItem, putSliced, slicedBattleMap } from './battleMap.js';
import { type WallCell, type WallMonth, wallCells, wallMonths } from './battleMapWall.js';
import { type Trigger, type TriggerFilter, interviewTriggers } from './interviewTriggers.js';
import { type At, type PolicyChoice, policyInForce, policyVersion } from './policyInForce.js';
import { FactsHistory, REPLAY_SLICE, ownProblem, stateFrom } from './factsHistory.js';
import { yieldToEventLoop } from './slices.js';
import type { SnapshotStore } from './snapshots.js';
import { type FactsState, countsAsOf, problemFacts } from './problemFacts.js';
import type { ProjectionRunner } from './runner.js';
import { ScorecardAccumulator, scorecards } from './scorecards/accumulator.js';
import type { Scorecard } from './scorecards/card.js';
import { cardsHash } from './scorecards/finalized.js';
import { dayOf, instantMs, plusDays } from './time.js';
import { sweepDaysPassed } from './sweeps.js';

/**
 * A replay in progress or done, kept to continue from: `owned` names the problems copied from the snapshot it started from
 * (null: from the start); `answers` are those computed from its state (`cached`).
 */
type Replay = { state: FactsState; scanned: number; owned: Set<string> | null; ready: Promise<void>; answers: Map<string, unknown> };

/** A change on the battle map: the item an event changed, its light now, and the triggers of its unit it newly raised. */
export type BattleMapUpdate = { position: number; occurredAt: string; eventType: string; item: BattleMapItem; newTriggers: Trigger[] };

/** A problem's own events, and the scheduler's DeadlinePassed: at the county's midnight a light turns red with no one acting. */
const problemEvents = new Set<string>([...problemEventDefinitions.map((d) => d.type), 'DeadlinePassed']);

/** A live county map, kept current event by event; `building` while `prepareBattleMap` is still putting the county on it. */
type LiveMap = { facts: FactsState; accumulator: BattleMapAccumulator; building?: boolean };

/** How many past instants (and past positions) keep their replayed state in memory. */
const REPLAYS_KEPT = 2;

/** Positions between two snapshots of the as-of history: an as-of replay reads at most about this many events (till it is thinned). */
export const HISTORY_EVERY = 25_000;

/**
 * The battle map, interview triggers and scorecards, live or as of any instant. Live answers read
 * the runner's state; an as-of answer replays the log keeping only events whose `occurredAt` is at
 * or before the instant (a late entry recorded afterwards but dated before it is included), and
 * migrated facts (迁移导入) whose business day is on or before its county day (`countsAsOf`: "as of"
 * is the ledger by its business dates); `knownOn` keeps, besides, only what was recorded by that
 * instant ("as known on"). The replay is kept to continue from when the log grows. Answers are
 * cached per state, change count, day and arguments. While every event is dated by its record (no
 * migrated fact, no `knownOn`), a replay starts from the nearest snapshot of the history
 * (`FactsHistory`) and skips blocks dated after the instant; otherwise it reads the whole log and
 * keeps what counts. Either way it reads in slices, yielding to the event loop between them.
 */
export class ReadModels {
  private readonly byInstant = new Map<string, Replay>();
  private readonly byPosition = new Map<number, Replay>();
  /** Replays up to a position and as of an instant (a published bulletin's basis), keyed `position|ms`. */
  private readonly byPositionAsOf = new Map<string, Replay>();
  /**
   * The answers computed from the live facts (those of a replay are kept with it). Held by whatever holds their facts, not
   * in a WeakMap keyed by the facts: V8 marks what a WeakMap's entries hold in the final pause of a major collection
   * (issue 12: up to 40 ms of one pause at a million events, the cached county maps).
   */
  private liveAnswers: { facts: FactsState; answers: Map<string, unknown> } | null = null;
  /** The live county maps of the last days asked about, kept current event by event, per day and policy version. */
  private readonly liveMaps = new Map<string, LiveMap>();
  /** The live cards of the years asked about, kept current event by event, per policy version and side of 31 December. */
  private readonly liveCards = new Map<string, { facts: FactsState; accumulator: ScorecardAccumulator }>();

  private readonly mapSlice: number | undefined;
  /** Snapshots of the facts every HISTORY_EVERY positions (thinned as they grow), which as-of replays start from. */
  private readonly history: FactsHistory;

  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    {
      historyEvery = HISTORY_EVERY,
      historyRecords,
      mapSlice,
      snapshots,
    }: {
      historyEvery?: number;
      historyRecords?: number;
      mapSlice?: number;
      /** Where the as-of history is saved after the runner saves the read models' snapshots, and restored from (the runner's). */
      snapshots?: SnapshotStore;
    } = {},
  ) {
    this.mapSlice = mapSlice;
    this.history = new FactsHistory(store, runner, () => this.live, historyEvery, historyRecords, snapshots);
    if (snapshots) runner.onSnapshot(() => this.history.save());
    runner.onApplied((event) => {
      // A checkpoint changes no read model, and its data is parsed only when read (eventstore/sqlite.ts: 13 MB for the
      // first at a million events, read here at every cold start before).
      if (isCheckpoint(event)) return;
      for (const [key, cards] of this.liveCards) if (!cards.accumulator.follow(event)) this.liveCards.delete(key);
      const problemId = (event.data as { problemId?: unknown } | null)?.problemId;
      if (typeof problemId !== 'string') return;
      for (const live of this.liveMaps.values()) {
        const facts = live.facts.problems.get(problemId);
        if (facts) live.accumulator.put(facts);
      }
    });
  }

  /** Resolves once the history has been folded up to the runner (it then follows the runner). */
  historyReady(): Promise<void> {
    return this.history.ready;
  }

  /** Stops folding the history (before the store closes). */
  stop(): void {
    this.history.stop();
  }

  get live(): FactsState {
    return this.runner.state(problemFacts);
  }

  /**
   * The facts as they stood at an instant by their business dates, as known on `knownOn` (everything
   * recorded when not given): the live state when nothing later has been recorded. A business date
   * is never after the day it is recorded, so the live state answers any instant after the last record.
   */
  async factsAsOf(instant: string, knownOn: string | null = null): Promise<FactsState> {
    const ms = instantMs(instant);
    const knownOnMs = knownOn === null ? null : instantMs(knownOn);
    const live = this.live;
    if (live.latestMs <= Math.min(ms, knownOnMs ?? ms)) return live;
    if (knownOnMs === null && this.history.datedByRecord) return this.replay(this.byInstant, `${ms}`, ms, this.runner.position);
    // As known on `knownOn` too (the scheduler's midnights ask both at once): while every event counts on the day it was
    // recorded, that keeps exactly the events dated at or before the earlier of the two, the answer as of that instant,
    // from the history's nearest snapshot (a full replay per midnight held a start for minutes at 1M events). The
    // history's first fold is waited for, once: it reads the log once, as the full replay would for every instant.
    if (knownOnMs !== null) {
      await this.history.ready;
      const known = Math.min(ms, knownOnMs);
      if (this.history.datedByRecord) return this.replay(this.byInstant, `${known}`, known, this.runner.position);
    }
    const asOf = { ms, day: dayOf(instant) };
    const keep = (e: RecordedEvent) => countsAsOf(e, asOf, knownOnMs);
    return this.replay(this.byInstant, `${ms}|${knownOnMs}|business`, null, this.runner.position, keep);
  }

  /** The facts after the event at `position` and none later (what a finalization was computed from). */
  async factsAtPosition(position: number): Promise<FactsState> {
    if (position === this.runner.position) return this.live;
    return this.replay(this.byPosition, position, null, position);
  }

  /**
   * The facts after the event at `position` and none later, keeping only the events that occurred
   * at or before `instant`: what a monthly bulletin is published from. Always a replay, never the
   * live state, so it does not move while the answer is being built.
   */
  async factsAtPositionAsOf(position: number, instant: string): Promise<FactsState> {
    const ms = instantMs(instant);
    if (this.history.datedByRecord) return this.replay(this.byPositionAsOf, `${position}|${ms}`, ms, position);
    const asOf = { ms, day: dayOf(instant) };
    return this.replay(this.byPositionAsOf, `${position}|${ms}|business`, null, position, (e) => countsAsOf(e, asOf, null));
  }

  /**
   * Folds the events up to `until` dated at or before `ms` (every one when null), from the nearest
   * snapshot whose events all qualify, in slices of REPLAY_SLICE events with a yield between them.
   */
  private async replay<K>(
    cache: Map<K, Replay>,
    key: K,
    ms: number | null,
    until: number,
    keep?: (e: RecordedEvent) => boolean,
  ): Promise<FactsState> {
    let entry = cache.get(key);
    if (!entry) {
      // A snapshot holds every event up to its position: of no use when `keep` may leave one out.
      const snapshot = keep ? undefined : this.history.nearest(until, ms);
      const started: Replay = snapshot
        ? { state: problemFacts.initial(), scanned: snapshot.position, owned: new Set(), ready: Promise.resolve(), answers: new Map() }
        : { state: problemFacts.initial(), scanned: -1, owned: null, ready: Promise.resolve(), answers: new Map() };
      if (snapshot)
        started.ready = stateFrom(snapshot).then((state) => {
          started.state = state;
        });
      entry = started;
      cache.set(key, entry);
      if (cache.size > REPLAYS_KEPT) cache.delete(cache.keys().next().value!);
    }
    const e = entry;
    e.ready = e.ready.then(async () => {
      while (e.scanned < until) {
        if (ms !== null) e.scanned = Math.min(until, this.history.skip(e.scanned + 1, ms) - 1);
        if (e.scanned >= until) break;
        const batch = await this.store.readAll({ after: e.scanned, maxCount: REPLAY_SLICE });
        if (batch.length === 0) break;
        for (const event of batch) {
          if (event.position > until) {
            e.scanned = until;
            break;
          }
          // A checkpoint changes no fact; its data and metadata are read from the file only when asked (the first's 13 MB
          // at a million events: a business-day replay from the log's start parsed them to look for a migrated day).
          if (!isCheckpoint(event) && (keep ? keep(event) : ms === null || instantMs(event.metadata.occurredAt) <= ms)) {
            if (e.owned) ownProblem(e.state, e.owned, event);
            problemFacts.apply(e.state, event);
          }
          e.scanned = event.position;
        }
        await yieldToEventLoop();
      }
    });
    await e.ready;
    return e.state;
  }

  private cached<T>(state: FactsState, key: string, compute: () => T): T {
    const answers = this.answersOf(state);
    const full = `${state.changes}|${key}`;
    if (answers?.has(full)) return answers.get(full) as T;
    if (answers && answers.size > 32) answers.clear();
    const value = compute();
    answers?.set(full, value);
    return value;
  }

  /** Where the answers of `state` are kept: with the live facts, or with the replay it is the state of; none for another. */
  private answersOf(state: FactsState): Map<string, unknown> | undefined {
    if (state === this.live) {
      if (this.liveAnswers?.facts !== state) this.liveAnswers = { facts: state, answers: new Map() };
      return this.liveAnswers.answers;
    }
    for (const cache of [this.byInstant, this.byPosition, this.byPositionAsOf])
      for (const replay of cache.values()) if (replay.state === state) return replay.answers;
    return undefined;
  }

  /**
   * The facts and the instant for a question "as of `asOf`" (now when not given), by business dates,
   * "as known on `knownOn`" (everything recorded when not given).
   */
  async at(asOf: string | null | undefined, now: string, knownOn: string | null = null): Promise<{ facts: FactsState; at: At }> {
    const instant = asOf ?? now;
    const facts = asOf || knownOn ? await this.factsAsOf(instant, knownOn) : this.live;
    return { facts, at: { instant, day: dayOf(instant) } };
  }

  /** The live county map of a day and policy, ready to read: null while it is still being built. */
  private liveMap(facts: FactsState, key: string, policy: PolicyChoice): LiveMap | null {
    const live = this.liveMaps.get(key);
    return live && !live.building && live.facts === facts && live.accumulator.policy.document === policy.document ? live : null;
  }

  /** A live county map of an earlier day under the same policy, the latest: it can move on to `day`. */
  private earlierLiveMap(facts: FactsState, day: string, policy: PolicyChoice): string | undefined {
    let earlier: string | undefined;
    for (const [k, m] of this.liveMaps)
      if (!m.building && m.facts === facts && m.accumulator.policy.document === policy.document && m.accumulator.day < day)
        if (earlier === undefined || m.accumulator.day > this.liveMaps.get(earlier)!.accumulator.day) earlier = k;
    return earlier;
  }

  private keepLiveMap(key: string, live: LiveMap): void {
    this.liveMaps.delete(key);
    this.liveMaps.set(key, live);
    if (this.liveMaps.size > 2) this.liveMaps.delete(this.liveMaps.keys().next().value!);
  }

  /**
   * Builds in slices, yielding to the event loop between them, what `battleMap` would otherwise
   * build in one block (issue 12): the first live county map of a policy, or a past map. Call it
   * before `battleMap` where a request may wait; `battleMap` then finds the map ready.
   */
  async prepareBattleMap(facts: FactsState, at: At, unitId: string | null): Promise<void> {
    const policy = policyInForce(facts, at.instant);
    if (facts === this.live && unitId === null) {
      const key = `${at.day}|${policy.version}`;
      if (this.liveMap(facts, key, policy) || this.earlierLiveMap(facts, at.day, policy) !== undefined) return;
      // Kept among the live maps at once, so the events applied between slices are put on it too.
      const live: LiveMap = { facts, accumulator: new BattleMapAccumulator(at.day, policy, null), building: true };
      this.keepLiveMap(key, live);
      await putSliced(live.accumulator, facts.problems.values(), this.mapSlice);
      live.building = false;
      return;
    }
    const key = `map|${at.day}|${unitId}|${policy.version}`;
    if (this.answersOf(facts)?.has(`${facts.changes}|${key}`)) return;
    const changes = facts.changes;
    const map = await slicedBattleMap(facts, at, policy, unitId, this.mapSlice);
    // A replay that went on meanwhile changed the facts: `battleMap` computes the map of what they are now.
    if (facts.changes === changes) this.cached(facts, key, () => map);
  }

  battleMap(facts: FactsState, at: At, unitId: string | null): BattleMap {
    const policy = policyInForce(facts, at.instant);
    if (facts === this.live && unitId === null) {
      const key = `${at.day}|${policy.version}`;
      let live = this.liveMap(facts, key, policy);
      if (!live) {
        // A map of an earlier day under the same policy moves on to this day: only what the days between change is put again.
        const earlier = this.earlierLiveMap(facts, at.day, policy);
        if (earlier !== undefined) {
          live = this.liveMaps.get(earlier)!;
          this.liveMaps.delete(earlier);
          live.accumulator.advanceTo(at.day, (id) => facts.problems.get(id));
        } else {
          const accumulator = new BattleMapAccumulator(at.day, policy, null);
          for (const f of facts.problems.values()) accumulator.put(f);
          live = { facts, accumulator };
        }
        this.keepLiveMap(key, live);
      }
      return live.accumulator.result(at.instant);
    }
    const map = this.cached(facts, `map|${at.day}|${unitId}|${policy.version}`, () => battleMap(facts, at, policy, unitId));
    return map.asOf === at.instant ? map : { ...map, asOf: at.instant };
  }

  /** The wall's units × categories grid of a map, from the facts at its instant (replays are cached). */
  async wallCells(map: BattleMap): Promise<WallCell[]> {
    return wallCells(map, await this.factsAsOf(map.asOf, map.knownOn ?? null));
  }

  /** The problems a map shows, opened and closed per month. */
  async wallMonths(map: BattleMap): Promise<WallMonth[]> {
    return wallMonths(map, await this.factsAsOf(map.asOf, map.knownOn ?? null));
  }

  /**
   * Follows the live map: for every problem event (of one unit's problems, or all) applied from now
   * on, `push` gets the item's light as of `now()` and the triggers of its unit that were not open
   * before (those open when following began are not news). Returns the way to stop.
   */
  followBattleMap(unitId: string | null, now: () => string, push: (update: BattleMapUpdate) => void): () => void {
    const known = new Set<string>();
    const seen = new Set<string>();
    const triggersOf = (unit: string) => {
      const instant = now();
      return this.triggers(this.live, { instant, day: dayOf(instant) }, { unitId: unit });
    };
    const remember = (unit: string) => {
      if (seen.has(unit)) return;
      seen.add(unit);
      for (const t of triggersOf(unit)) known.add(t.id);
    };
    for (const unit of this.live.problemsByUnit.keys()) if (!unitId || unit === unitId) remember(unit);
    return this.runner.onApplied((event) => {
      if (!problemEvents.has(event.type)) return;
      const live = this.live;
      const f = live.problems.get((event.data as { problemId: string }).problemId);
      if (!f || (unitId && f.unitId !== unitId)) return;
      const instant = now();
      const day = dayOf(instant);
      const rules = policyInForce(live, instant).document.lights;
      const item = mapItem(f, day, plusDays(day, rules.dueSoonDays), rules);
      let newTriggers: Trigger[] = [];
      if (f.unitId) {
        remember(f.unitId);
        newTriggers = triggersOf(f.unitId).filter((t) => !known.has(t.id));
        for (const t of newTriggers) known.add(t.id);
      }
      push({
        position: event.position,
        occurredAt: event.metadata.occurredAt,
        eventType: event.type,
        item,
        newTriggers,
      });
    });
  }

  triggers(facts: FactsState, at: At, filter: TriggerFilter): Trigger[] {
    const policy = policyInForce(facts, at.instant);
    return this.cached(
      facts,
      `triggers|${at.day}|${filter.unitId}|${filter.level}|${filter.includeResolved}|${policy.version}|${instantMs(at.instant)}`,
      () => interviewTriggers(facts, at, policy, filter),
    );
  }

  /**
   * The county calendar (工作日历) in force at an instant, null when none was adopted by then: what
   * `addWorkingDays` counts on (reminders in working days, for one). Live: the runner's state.
   */
  calendar(instant: string): CalendarVersion | null {
    return calendarInForce(this.runner.state(calendarView), instant);
  }

  /**
   * The policy asked for, or the one in force at the instant. A version is looked up among all the
   * versions adopted (the live facts), so one adopted after the instant is said to be not yet in force.
   */
  policy(facts: FactsState, at: At, version: number | null | undefined): PolicyChoice {
    return version == null ? policyInForce(facts, at.instant) : policyVersion(this.live, version, at.instant);
  }

  scorecards(facts: FactsState, year: number, at: At, policy: PolicyChoice): Scorecard[] {
    // A card depends on the instant only through whether the year is over, and which sweeps' answer-by days have passed.
    const over = at.day > `${year}-12-31`;
    const sweepDays = sweepDaysPassed(facts.sweeps.values(), at.day);
    if (facts === this.live) {
      const key = `${year}|${policy.version}|${over}|${sweepDays}`;
      let live = this.liveCards.get(key);
      if (live?.facts !== facts || live.accumulator.policy.document !== policy.document) {
        live = { facts, accumulator: new ScorecardAccumulator(facts, year, over, policy, at.day) };
        this.liveCards.set(key, live);
        if (this.liveCards.size > 4) this.liveCards.delete(this.liveCards.keys().next().value!);
      }
      const accumulator = live.accumulator;
      return this.cached(facts, `cards|${key}`, () => accumulator.result(at.instant)).map((c) =>
        c.asOf === at.instant ? c : { ...c, asOf: at.instant },
      );
    }
    const cards = this.cached(facts, `cards|${year}|${policy.version}|${over}|${sweepDays}`, () => scorecards(facts, year, at, policy));
    return cards[0]?.asOf === at.instant ? cards : cards.map((c) => ({ ...c, asOf: at.instant }));
  }

  /**
   * The finalized cards of a year, recomputed from the log up to the finalization's position, as of
   * its instant, under its policy version; `reproduced` says whether they hash to what was frozen.
   */
  async frozenCards(year: number, facts: FactsState = this.live): Promise<{ cards: Scorecard[]; reproduced: boolean } | null> {
    const finalization = facts.finalizations.get(year);
    if (!finalization) return null;
    const atPosition = await this.factsAtPosition(finalization.position);
    const at = { instant: finalization.asOf, day: dayOf(finalization.asOf) };
    const cards = this.cached(atPosition, `frozen|${year}|${finalization.position}`, () =>
      scorecards(atPosition, year, at, policyVersion(atPosition, finalization.policyVersion)),
    );
    return { cards, reproduced: cardsHash(cards) === finalization.cardsHash };
  }
}
