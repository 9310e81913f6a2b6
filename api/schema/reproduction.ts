import { NotFoundError, assessmentStreamId } from '../../domain/index.js';
import { CHECKPOINT_STREAM, type Checkpoint, checkpointFrom, exportCheckpoint } from '../../eventstore/checkpoints.js';
import { rawStore } from '../../eventstore/hashChain.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { verifyLog } from '../../eventstore/verify.js';
import { recomputeFinalized } from '../../projections/scorecards/finalized.js';
import { builder } from './builder.js';
import { CheckpointRef } from './ledgerVerification.js';

type Reproduction = {
  year: number;
  position: number;
  finalizedHash: string;
  recomputedHash: string;
  identical: boolean;
  checkpoint: Checkpoint | null;
  chainIntact: boolean;
};

/** The events at or before `position`, in order. */
async function eventsUpTo(store: EventStore, position: number): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = -1; after < position; ) {
    const batch = await store.readAll({ after, maxCount: 5000 });
    if (batch.length === 0) break;
    for (const e of batch) if (e.position <= position) events.push(e);
    after = batch[batch.length - 1]!.position;
  }
  return events;
}

/** The first checkpoint covering `position` (the one the follower records at a finalization). */
async function checkpointCovering(store: EventStore, position: number): Promise<Checkpoint | null> {
  for (const event of await rawStore(store).readStream(CHECKPOINT_STREAM)) {
    const checkpoint = checkpointFrom(event);
    if (checkpoint.position >= position) return checkpoint;
  }
  return null;
}

const ReproductionRef = builder.objectRef<Reproduction>('AssessmentReproduction').implement({
  description:
    'A finalized year’s cards computed again from the log up to the pinned position, as of the pinned instant, under the pinned policy, and held against the frozen hash; the log itself checked against the checkpoint covering the finalization.',
  fields: (t) => ({
    year: t.exposeInt('year', { description: 'Assessment year.' }),
    position: t.field({ type: 'Float', description: 'The log position the cards were finalized at (and recomputed from).', resolve: (r) => r.position }),
    finalizedHash: t.exposeString('finalizedHash', { description: 'The cardsHash recorded when the year was finalized.' }),
    recomputedHash: t.exposeString('recomputedHash', { description: 'SHA-256 of the cards computed again now, serialized the same way.' }),
    identical: t.exposeBoolean('identical', { description: 'The recomputed cards hash to exactly what was finalized.' }),
    checkpoint: t.field({
      type: CheckpointRef,
      nullable: true,
      description: 'The checkpoint covering the finalization (recorded right after it); null while none is recorded yet.',
      resolve: (r) => r.checkpoint,
    }),
    chainIntact: t.exposeBoolean('chainIntact', {
      description: 'The whole log’s hash chain holds and it still contains exactly what that checkpoint covered (false without a checkpoint).',
    }),
    verified: t.boolean({ description: 'identical and chainIntact: the cards are what the untouched log gives.', resolve: (r) => r.identical && r.chainIntact }),
    summary: t.string({
      description: 'In words, e.g. “verified against checkpoint 3”.',
      resolve: (r) =>
        !r.identical
          ? `The recomputed ${r.year} cards differ from the finalized ones.`
          : !r.checkpoint
            ? `Reproduced, but no checkpoint covers position ${r.position} yet.`
            : r.chainIntact
              ? `verified against checkpoint ${r.checkpoint.number}`
              : `Reproduced, but the log does not hold against checkpoint ${r.checkpoint.number}.`,
    }),
  }),
});

builder.queryField('verifyAssessment', (t) =>
  t.field({
    type: ReproductionRef,
    description:
      'Recomputes a finalized year’s cards from the log at the finalization’s pinned position and checks the log against the checkpoint covering it (committee and admins; walks the whole log).',
    args: { year: t.arg.int({ required: true, description: 'The finalized assessment year, e.g. 2019.' }) },
    resolve: async (_root, args, ctx) => {
      const finalization = ctx.readModels.live.finalizations.get(args.year);
      if (!finalization) throw new NotFoundError('NOT_FINALIZED', `The ${args.year} assessment is not finalized.`);
      const { hash } = recomputeFinalized(await eventsUpTo(ctx.store, finalization.position), finalization);
      const finalizedEvent = (await ctx.store.readStream(assessmentStreamId(args.year))).find((e) => e.id === finalization.eventId);
      const checkpoint = finalizedEvent ? await checkpointCovering(ctx.store, finalizedEvent.position) : null;
      const chainIntact = checkpoint ? (await verifyLog(ctx.store, { held: exportCheckpoint(checkpoint) })).intact : false;
      return {
        year: args.year,
        position: finalization.position,
        finalizedHash: finalization.cardsHash,
        recomputedHash: hash,
        identical: hash === finalization.cardsHash,
        checkpoint,
        chainIntact,
      };
    },
  }),
);
