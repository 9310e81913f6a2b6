import {
  BulletinCommand,
  type Month,
  NotFoundError,
  bulletinDecider,
  bulletinStreamId,
  checkMonth,
  countyDay,
  monthDays,
  monthEndInstant,
  previousMonth,
} from '../domain/index.js';
import { type CommandContext, type CommandResult, commandFingerprint, handleCommand } from '../eventstore/commandHandler.js';
import type { EventStore } from '../eventstore/port.js';
import {
  type Bulletin,
  type MapOf,
  buildBulletin,
  bulletinHash,
  countyLightsSliced,
  monthEndAt,
  rebuildBulletin,
} from '../projections/bulletin.js';
import { type BulletinDifferenceEntry, bulletinDifference } from '../projections/bulletinDifference.js';
import type { PublicationFacts } from '../projections/problemFacts.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { dayOf } from '../projections/time.js';
import type { Checkpoint, Integrity } from './integrity.js';
import { parseOrThrow } from './validation.js';

export type { Bulletin } from '../projections/bulletin.js';
export type { BulletinDifferenceEntry } from '../projections/bulletinDifference.js';

/** 印发: who published a month's bulletin, when, and what it pinned. */
export type BulletinPublication = {
  at: string;
  by: string;
  position: number;
  hash: string;
  policyVersion: number;
  eventId: string;
};

/**
 * A month's bulletin as served: the published one (built again at its pinned position; `reproduced`
 * says it hashes to what was published) when there is one, else the draft built now.
 */
export type BulletinView = { bulletin: Bulletin; published: BulletinPublication | null; reproduced: boolean | null };

/** A published bulletin built again from the raw log and held against its hash and the checkpoint covering its publication. */
export type BulletinReproduction = {
  month: Month;
  position: number;
  publishedHash: string;
  recomputedHash: string;
  identical: boolean;
  checkpoint: Checkpoint | null;
  chainIntact: boolean;
  /** identical and chainIntact: the bulletin is what the untouched log gives. */
  verified: boolean;
  summary: string;
  /** What the log as it now stands tells differently about the month: beside the bulletin, never inside it. */
  difference: BulletinDifferenceEntry[];
};

const publicationOf = (p: PublicationFacts): BulletinPublication => ({
  at: p.occurredAt,
  by: p.publishedBy,
  position: p.position,
  hash: p.bulletinHash,
  policyVersion: p.policyVersion,
  eventId: p.eventId,
});

/**
 * 月通报: the county's monthly bulletin, drafted from the log, published (frozen) by the office or
 * by the scheduler at the month's end, and verified against the log it was built from.
 */
export class Bulletins {
  /** The county day of the log's first event, once there is one (it never changes after). */
  private firstDay: string | null = null;

  /**
   * A basis's county lights: the live county map of the day when the facts are the live ones (kept event by event, as the
   * battle map's queries get it), else the lights alone of the replayed facts, in slices (issue 12: no block over 50 ms,
   * and no whole past map built for a published month).
   */
  private readonly mapOf: MapOf = async (facts, at) => {
    if (facts !== this.readModels.live) return countyLightsSliced(facts, at);
    await this.readModels.prepareBattleMap(facts, at, null);
    return this.readModels.battleMap(facts, at, null);
  };

  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly readModels: ReadModels,
    private readonly integrity: Integrity,
    private readonly clock: () => string,
  ) {}

  /** The month asked about, checked: MONTH_MALFORMED, MONTH_IN_FUTURE, MONTH_BEFORE_FIRST_EVENT. */
  async month(month: string, now: string = this.clock()): Promise<Month> {
    if (this.firstDay === null) {
      const [first] = await this.store.readAll({ maxCount: 1 });
      if (first) this.firstDay = dayOf(first.metadata.occurredAt);
    }
    return checkMonth(month, countyDay(now), this.firstDay);
  }

  /** The month's bulletin: the published one when it was published, else the draft as the log now tells it. */
  async bulletin(input: string): Promise<BulletinView> {
    const month = await this.month(input);
    const publication = this.readModels.live.publications.get(month);
    if (!publication) return { bulletin: await this.draft(month), published: null, reproduced: null };
    const bulletin = await this.pinned(month, publication.position);
    return { bulletin, published: publicationOf(publication), reproduced: (await bulletinHash(bulletin)) === publication.bulletinHash };
  }

  /** Every month published so far (印发), the latest first: the page's list of bulletins. */
  publications(): { month: Month; published: BulletinPublication }[] {
    return [...this.readModels.live.publications.entries()]
      .map(([month, p]) => ({ month: month as Month, published: publicationOf(p) }))
      .sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0));
  }

  /** What the log as it now stands tells differently from the published bulletin; null when the month is not published. */
  async difference(view: BulletinView): Promise<BulletinDifferenceEntry[] | null> {
    return view.published ? bulletinDifference(view.bulletin, await this.draft(view.bulletin.month)) : null;
  }

  /**
   * The draft built now: a month that is over as of its last instant, the month under way as of now
   * (its figures so far), each beside the month before as of that month's last instant.
   */
  async draft(month: Month, now: string = this.clock()): Promise<Bulletin> {
    const complete = countyDay(now) > monthDays(month).last;
    const instant = complete ? monthEndInstant(month) : now;
    const before = monthEndAt(previousMonth(month));
    const previous = { facts: await this.readModels.factsAsOf(before.instant), at: before };
    const { facts, at } = await this.readModels.at(instant, now);
    return buildBulletin(month, { facts, at }, previous, complete, this.mapOf);
  }

  /** The month's bulletin built from the log up to `position` (replays, which do not move while it is built). */
  private async pinned(month: Month, position: number): Promise<Bulletin> {
    const current = monthEndAt(month);
    const before = monthEndAt(previousMonth(month));
    const previous = await this.readModels.factsAtPositionAsOf(position, before.instant);
    const facts = await this.readModels.factsAtPositionAsOf(position, current.instant);
    return buildBulletin(month, { facts, at: current }, { facts: previous, at: before }, true, this.mapOf);
  }

  /**
   * Publishes (印发) the month's bulletin as the log stands now, pinning the position, the policy
   * version and the hash. A month already published is answered as it was: nothing is appended.
   */
  async publish(input: string, context: CommandContext): Promise<{ result: CommandResult<unknown> | null; view: BulletinView }> {
    const now = context.now();
    const month = await this.month(input, now);
    if (this.readModels.live.publications.has(month)) return { result: null, view: await this.bulletin(month) };
    const position = this.runner.position;
    const bulletin = await this.pinned(month, position);
    const hash = await bulletinHash(bulletin);
    const command = parseOrThrow(BulletinCommand, {
      type: 'PublishBulletin',
      data: {
        month,
        policyVersion: bulletin.policyVersion,
        asOf: bulletin.asOf,
        position,
        bulletinHash: hash,
        county: {
          raised: bulletin.county.figures.raised.count,
          closed: bulletin.county.figures.closed.count,
          overdue: bulletin.county.figures.overdue.count,
          onTimeClosureRate: bulletin.county.figures.onTimeClosureRate,
        },
      },
    });
    // The bulletin is built now: a retry is the same month asked for.
    const fingerprint = commandFingerprint(context.actor.userId, command.type, { month });
    const result = await handleCommand(
      this.store,
      bulletinStreamId(month),
      bulletinDecider,
      command,
      { ...context, now: () => now },
      { fingerprint },
    );
    await this.runner.waitForEvents(result.events);
    // The bulletin just built and hashed is the one published, unless another process published the month first: not built
    // and hashed again (issue 12: each of the scheduler's publications, whose answer it discards, was built twice).
    const publication = this.readModels.live.publications.get(month);
    if (publication?.position === position && publication.bulletinHash === hash)
      return { result, view: { bulletin, published: publicationOf(publication), reproduced: true } };
    return { result, view: await this.bulletin(month) };
  }

  /**
   * Builds the published bulletin again from the raw log up to its pinned position, checks the hash,
   * holds the whole log against the checkpoint covering the publication, and lists what the log as it
   * now stands tells differently.
   */
  async verify(input: string): Promise<BulletinReproduction> {
    const month = await this.month(input);
    const publication = this.readModels.live.publications.get(month);
    if (!publication) throw new NotFoundError('BULLETIN_NOT_PUBLISHED', `The bulletin of ${month} is not published.`, { field: 'month' });
    const { bulletin, hash } = await rebuildBulletin(await this.integrity.eventsUpTo(publication.position), publication);
    const published = (await this.store.readStream(bulletinStreamId(month))).find((e) => e.id === publication.eventId);
    const checkpoint = published ? await this.integrity.checkpointCovering(published.position) : null;
    const chainIntact = await this.integrity.holdsAgainst(checkpoint);
    const identical = hash === publication.bulletinHash;
    return {
      month,
      position: publication.position,
      publishedHash: publication.bulletinHash,
      recomputedHash: hash,
      identical,
      checkpoint,
      chainIntact,
      verified: identical && chainIntact,
      summary: !identical
        ? `The ${month} bulletin built again differs from the published one.`
        : !checkpoint
          ? `Reproduced, but no checkpoint covers position ${publication.position} yet.`
          : chainIntact
            ? `verified against checkpoint ${checkpoint.number}`
            : `Reproduced, but the log does not hold against checkpoint ${checkpoint.number}.`,
      difference: bulletinDifference(bulletin, await this.draft(month)),
    };
  }
}
