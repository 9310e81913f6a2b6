import type { Checkpoint, IntegrityBreak, LedgerVerification } from '../../application/integrity.js';
import { builder } from './builder.js';

const BreakKindEnum = builder.enumType('IntegrityBreakKind', {
  description: 'What kind of break verification found.',
  values: {
    missing_hash: { description: 'An event carries no hash (written before the chain, or the hash was removed).' },
    hash_mismatch: { description: 'An event’s content no longer matches the hash it was written with.' },
    prev_hash_mismatch: { description: 'An event does not link to the event before it in its stream.' },
    revision_gap: { description: 'A stream’s revisions do not run on from 0: an event is missing or out of place.' },
    checkpoint_mismatch: {
      description: 'The stream heads at a checkpoint’s position are not what it recorded (a stream or its last events deleted).',
    },
    exported_checkpoint_mismatch: {
      description: 'The log no longer holds what an exported checkpoint covered (truncated, or rewritten with its checkpoints).',
    },
  } as const,
});

const IntegrityBreakRef = builder.objectRef<IntegrityBreak>('IntegrityBreak').implement({
  description: 'The first place where the log is not what was written.',
  fields: (t) => ({
    kind: t.field({ type: BreakKindEnum, description: 'What kind of break.', resolve: (b) => b.kind }),
    streamId: t.exposeString('streamId', { nullable: true, description: 'The stream that broke, when one can be named.' }),
    revision: t.exposeInt('revision', { nullable: true, description: 'The revision in that stream where it broke.' }),
    position: t.field({
      type: 'Float',
      nullable: true,
      description: 'Global position of the event where it shows.',
      resolve: (b) => b.position,
    }),
    ledgerNumber: t.exposeString('ledgerNumber', {
      nullable: true,
      description: 'The problem’s ledger number (台账编号), for a problem’s stream.',
    }),
    checkpoint: t.exposeInt('checkpoint', { nullable: true, description: 'The number of the checkpoint that caught it.' }),
    message: t.exposeString('message', { description: 'What is wrong, in words.' }),
  }),
});

export const CheckpointRef = builder.objectRef<Checkpoint>('Checkpoint').implement({
  description: 'A checkpoint: the Merkle root over every stream’s head at a position of the log.',
  fields: (t) => ({
    number: t.exposeInt('number', { description: 'Checkpoint number, from 1.' }),
    position: t.field({ type: 'Float', description: 'The last global position it covers.', resolve: (c) => c.position }),
    eventCount: t.exposeInt('eventCount', { description: 'Events it covers.' }),
    streamCount: t.exposeInt('streamCount', { description: 'Streams it covers.' }),
    merkleRoot: t.exposeString('merkleRoot', { description: 'SHA-256 Merkle root (hex) over the stream heads.' }),
    reason: t.exposeString('reason', { description: 'Why it was recorded: events, time, finalized, manual or migration.' }),
    recordedAt: t.exposeString('recordedAt', { description: 'When it was recorded (ISO-8601).' }),
  }),
});

const LedgerVerificationRef = builder.objectRef<LedgerVerification>('LedgerVerification').implement({
  description: 'The outcome of walking the whole log and recomputing its hash chain and checkpoints.',
  fields: (t) => ({
    intact: t.exposeBoolean('intact', { description: 'True when every hash, link and checkpoint holds.' }),
    eventCount: t.exposeInt('eventCount', { description: 'Events checked (all of them when intact).' }),
    streamCount: t.exposeInt('streamCount', { description: 'Streams seen.' }),
    latestCheckpoint: t.field({
      type: CheckpointRef,
      nullable: true,
      description: 'The newest checkpoint found intact.',
      resolve: (r) => r.latestCheckpoint,
    }),
    heldCheckpoint: t.int({
      nullable: true,
      description: 'The number of the exported checkpoint held against the log, if one was given.',
      resolve: (r) => r.held?.number ?? null,
    }),
    firstBreak: t.field({
      type: IntegrityBreakRef,
      nullable: true,
      description: 'The first break, when not intact.',
      resolve: (r) => r.firstBreak,
    }),
    summary: t.exposeString('summary', { description: 'The report in words, as `npm run verify` prints it.' }),
  }),
});

builder.queryField('verifyLedger', (t) =>
  t.field({
    type: LedgerVerificationRef,
    description: 'Walks the whole log and checks it has not been altered since it was written (admins only).',
    args: {
      checkpoint: t.arg({
        type: 'JSON',
        required: false,
        description: 'An exported checkpoint file (its JSON) to hold against the log.',
      }),
    },
    resolve: (_root, args, ctx) => ctx.services.integrity.verifyLedger(args.checkpoint),
  }),
);
