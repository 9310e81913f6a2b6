import { NotFoundError, assessmentStreamId, problemStreamId } from '../domain/index.js';
import { CHECKPOINT_STREAM, type Checkpoint, ExportedCheckpoint, checkpointFrom, exportCheckpoint } from '../eventstore/checkpoints.js';
import { rawStore } from '../eventstore/hashChain.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { type StreamLabeler, type VerifyReport, describeReport, verifyLog } from '../eventstore/verify.js';
import type { ReadModels } from '../projections/readModels.js';
import { recomputeFinalized } from '../projections/scorecards/finalized.js';
import { checkYear, parseOrThrow } from './validation.js';

export type { Checkpoint } from '../eventstore/checkpoints.js';
export type { BreakKind, IntegrityBreak } from '../eventstore/verify.js';

/**
 * Names a problem's stream by its ledger number in integrity reports. Both the reservation and the
 * raise carry it, so a problem whose own stream was deleted is still named. The data is read as
 * stored (it may be the tampered part), so nothing here trusts its shape.
 */
export const ledgerNumberLabeler: StreamLabeler = (event) => {
  const data = event.data as {
    problemId?: unknown;
    ledgerNumber?: unknown;
    raised?: { problemId?: unknown; ledgerNumber?: unknown };
  } | null;
  const raised = event.type === 'ProblemRaised' ? data : event.type === 'LedgerNumberReserved' ? data?.raised : undefined;
  if (typeof raised?.problemId === 'string' && typeof raised.ledgerNumber === 'string')
    return [[problemStreamId(raised.problemId), raised.ledgerNumber]];
  return [];
};

/** The whole log checked against its hash chain and checkpoints, with the report in words. */
export type LedgerVerification = VerifyReport & {
  /** The report in words, as `npm run verify` prints it. */
  summary: string;
};

/** A finalized year's cards computed again from the log and held against the frozen hash and the covering checkpoint. */
export type AssessmentReproduction = {
  year: number;
  position: number;
  finalizedHash: string;
  recomputedHash: string;
  identical: boolean;
  checkpoint: Checkpoint | null;
  chainIntact: boolean;
  /** identical and chainIntact: the cards are what the untouched log gives. */
  verified: boolean;
  summary: string;
};

/**
 * The integrity checks (防篡改): the log against its hash chain and checkpoints, and a finalized
 * year's cards (考核定档) against the log they were computed from.
 */
export class Integrity {
  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModels,
  ) {}

  /** Walks the whole log; `held` is an exported checkpoint file (its JSON) to hold against it. */
  async verifyLedger(held?: unknown): Promise<LedgerVerification> {
    const report = await verifyLog(this.store, {
      labeler: ledgerNumberLabeler,
      ...(held != null ? { held: parseOrThrow(ExportedCheckpoint, held) } : {}),
    });
    return { ...report, summary: describeReport(report) };
  }

  /**
   * Recomputes a finalized year's cards from the log up to the finalization's pinned position and
   * checks the whole log against the checkpoint covering the finalization.
   */
  async verifyAssessment(year: number): Promise<AssessmentReproduction> {
    checkYear(year);
    const finalization = this.readModels.live.finalizations.get(year);
    if (!finalization) throw new NotFoundError('NOT_FINALIZED', `The ${year} assessment is not finalized.`);
    const { hash } = recomputeFinalized(await this.eventsUpTo(finalization.position), finalization);
    const finalizedEvent = (await this.store.readStream(assessmentStreamId(year))).find((e) => e.id === finalization.eventId);
    const checkpoint = finalizedEvent ? await this.checkpointCovering(finalizedEvent.position) : null;
    const chainIntact = await this.holdsAgainst(checkpoint);
    const identical = hash === finalization.cardsHash;
    return {
      year,
      position: finalization.position,
      finalizedHash: finalization.cardsHash,
      recomputedHash: hash,
      identical,
      checkpoint,
      chainIntact,
      verified: identical && chainIntact,
      summary: !identical
        ? `The recomputed ${year} cards differ from the finalized ones.`
        : !checkpoint
          ? `Reproduced, but no checkpoint covers position ${finalization.position} yet.`
          : chainIntact
            ? `verified against checkpoint ${checkpoint.number}`
            : `Reproduced, but the log does not hold against checkpoint ${checkpoint.number}.`,
    };
  }

  /** The whole log holds against the checkpoint (false without one). */
  async holdsAgainst(checkpoint: Checkpoint | null): Promise<boolean> {
    return checkpoint ? (await verifyLog(this.store, { held: exportCheckpoint(checkpoint) })).intact : false;
  }

  /** The events at or before `position`, in order (a frozen answer is rebuilt from them). */
  async eventsUpTo(position: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let after = -1; after < position; ) {
      const batch = await this.store.readAll({ after, maxCount: 5000 });
      if (batch.length === 0) break;
      for (const e of batch) if (e.position <= position) events.push(e);
      after = batch[batch.length - 1]!.position;
    }
    return events;
  }

  /** The first checkpoint covering `position` (the one the follower records at a finalization or a publication). */
  async checkpointCovering(position: number): Promise<Checkpoint | null> {
    for (const event of await rawStore(this.store).readStream(CHECKPOINT_STREAM)) {
      const checkpoint = checkpointFrom(event);
      if (checkpoint.position >= position) return checkpoint;
    }
    return null;
  }
}
