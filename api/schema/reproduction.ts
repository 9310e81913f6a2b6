import type { AssessmentReproduction } from '../../application/integrity.js';
import { builder } from './builder.js';
import { CheckpointRef } from './ledgerVerification.js';

const ReproductionRef = builder.objectRef<AssessmentReproduction>('AssessmentReproduction').implement({
  description:
    'A finalized year’s cards computed again from the log up to the pinned position, as of the pinned instant, under the pinned policy, and held against the frozen hash; the log itself checked against the checkpoint covering the finalization.',
  fields: (t) => ({
    year: t.exposeInt('year', { description: 'Assessment year.' }),
    position: t.field({
      type: 'Float',
      description: 'The log position the cards were finalized at (and recomputed from).',
      resolve: (r) => r.position,
    }),
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
      description:
        'The whole log’s hash chain holds and it still contains exactly what that checkpoint covered (false without a checkpoint).',
    }),
    verified: t.exposeBoolean('verified', { description: 'identical and chainIntact: the cards are what the untouched log gives.' }),
    summary: t.exposeString('summary', { description: 'In words, e.g. “verified against checkpoint 3”.' }),
  }),
});

builder.queryField('verifyAssessment', (t) =>
  t.field({
    type: ReproductionRef,
    description:
      'Recomputes a finalized year’s cards from the log at the finalization’s pinned position and checks the log against the checkpoint covering it (committee and admins; walks the whole log).',
    args: { year: t.arg.int({ required: true, description: 'The finalized assessment year, e.g. 2019.' }) },
    resolve: (_root, args, ctx) => ctx.services.integrity.verifyAssessment(args.year),
  }),
);
