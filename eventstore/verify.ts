import { CHECKPOINT_STREAM, type Checkpoint, type ExportedCheckpoint, checkpointFrom, isCheckpoint } from './checkpoints.js';
import { GENESIS_HASH, eventHash, rawStore, storedHash } from './hashChain.js';
import type { EventStore, RecordedEvent } from './port.js';
import { type StreamHead, byStreamId } from './merkle.js';
import { StreamHeads } from './streamHeads.js';

export type BreakKind =
  | 'missing_hash'
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'revision_gap'
  | 'checkpoint_mismatch'
  | 'exported_checkpoint_mismatch';

/** The first place where the log is not what it was written as. */
export type IntegrityBreak = {
  kind: BreakKind;
  streamId: string | null;
  revision: number | null;
  /** Global position of the event where the break shows (null when it is about what is missing). */
  position: number | null;
  /** The ledger number of the problem whose stream broke, when it is a problem's stream. */
  ledgerNumber: string | null;
  /** The checkpoint that caught it, when one did. */
  checkpoint: number | null;
  message: string;
};

export type VerifyReport = {
  intact: boolean;
  /** Events read (all of them when intact). */
  eventCount: number;
  streamCount: number;
  latestCheckpoint: Checkpoint | null;
  /** The exported checkpoint held against the store, when one was given. */
  held: ExportedCheckpoint | null;
  firstBreak: IntegrityBreak | null;
};

/** Names streams in a report: from an event, the [streamId, label] pairs it reveals (ledger numbers). */
export type StreamLabeler = (event: RecordedEvent) => ReadonlyArray<readonly [string, string]>;

/** An event applied to the heads since the last checkpoint, with what it replaced. */
type Undo = { position: number; streamId: string; revision: number; hash: string; previous: ReturnType<StreamHeads['apply']> };

/** Undo entries kept without a checkpoint in between; a checkpoint lagging further cannot be checked. */
const MAX_UNDO = 200_000;

class Broken extends Error {
  constructor(readonly found: Omit<IntegrityBreak, 'ledgerNumber'>) {
    super(found.message);
  }
}

const short = (hash: string) => hash.slice(0, 12);

/**
 * Walks the whole log as stored, in batches: recomputes every event's hash, checks that each
 * stream's revisions run from 0 without a gap and that each event links to the one before, and at
 * every checkpoint recomputes the stream heads at its position (the heads that moved since the
 * previous one, the counts, and for the latest the Merkle root). Given an exported checkpoint, also proves the log still holds
 * exactly what that checkpoint covered. Stops at the first break.
 */
export async function verifyLog(
  store: EventStore,
  { labeler, held, batchSize = 10_000 }: { labeler?: StreamLabeler; held?: ExportedCheckpoint; batchSize?: number } = {},
): Promise<VerifyReport> {
  const raw = rawStore(store);
  const heads = new StreamHeads();
  const labels = new Map<string, string>();
  let recent: Undo[] = [];
  let latest: Checkpoint | null = null;
  let heldPending = held !== undefined;
  let heldEventSeen = false;
  let position = -1;
  let found: Omit<IntegrityBreak, 'ledgerNumber'> | null = null;
  /** Every event after this position is in `recent`. */
  let undoFloor = -1;

  /** Heads as they stood at `at`, for `check`: undo what came after, check, redo. */
  const atPosition = (at: number, check: () => void) => {
    const after = recent.filter((u) => u.position > at);
    for (let i = after.length - 1; i >= 0; i--) heads.undo(after[i]!.streamId, after[i]!.previous);
    try {
      check();
    } finally {
      for (const u of after) heads.apply(u.streamId, u.revision, u.hash, u.position);
    }
  };

  const checkHeld = (exported: ExportedCheckpoint) => {
    heldPending = false;
    const fail = (message: string) => {
      throw new Broken({
        kind: 'exported_checkpoint_mismatch',
        streamId: null,
        revision: null,
        position: null,
        checkpoint: exported.number,
        message,
      });
    };
    if (position < exported.position && heads.eventCount < exported.eventCount)
      fail(
        `The log is truncated: it ends at position ${position} with ${heads.eventCount} events, but exported checkpoint #${exported.number} covered ${exported.eventCount} events up to position ${exported.position}.`,
      );
    if (heads.eventCount !== exported.eventCount || heads.streamCount !== exported.streamCount)
      fail(
        `Up to position ${exported.position} the log now holds ${heads.eventCount} events in ${heads.streamCount} streams; exported checkpoint #${exported.number} covered ${exported.eventCount} events in ${exported.streamCount} streams.`,
      );
    const root = heads.root();
    if (root !== exported.merkleRoot)
      fail(
        `The stream heads at position ${exported.position} have Merkle root ${short(root)}…, not ${short(exported.merkleRoot)}… as exported checkpoint #${exported.number} recorded: a stream was rewritten.`,
      );
  };

  /**
   * The heads that moved after the checkpoint's previous position, with the heads at its position.
   * Usually that is the checkpoint before it, whose later events are all in `recent`: then only
   * those streams are looked at, not every stream in the log.
   */
  const movedSince = (checkpoint: Checkpoint): StreamHead[] => {
    const floor = latest?.position ?? -1;
    if (checkpoint.previousPosition !== floor || undoFloor !== floor) return heads.movedAfter(checkpoint.previousPosition);
    const streams = new Set<string>();
    for (const u of recent) if (u.position <= checkpoint.position) streams.add(u.streamId);
    return [...streams].map((id) => heads.get(id)!).sort(byStreamId);
  };

  const checkCheckpoint = (event: RecordedEvent, checkpoint: Checkpoint) => {
    const fail = (streamId: string | null, revision: number | null, message: string) => {
      throw new Broken({ kind: 'checkpoint_mismatch', streamId, revision, position: null, checkpoint: checkpoint.number, message });
    };
    if (checkpoint.position >= event.position || checkpoint.position < (latest?.position ?? -1))
      fail(
        CHECKPOINT_STREAM,
        null,
        `Checkpoint #${checkpoint.number} covers position ${checkpoint.position}, out of order at position ${event.position}.`,
      );
    if (checkpoint.position < undoFloor)
      fail(
        CHECKPOINT_STREAM,
        null,
        `Checkpoint #${checkpoint.number} covers position ${checkpoint.position}, too far behind its own position ${event.position} to check.`,
      );
    atPosition(checkpoint.position, () => {
      const actual = movedSince(checkpoint);
      const recorded = checkpoint.moved;
      for (let i = 0, j = 0; i < actual.length || j < recorded.length; ) {
        const a = actual[i];
        const r = recorded[j];
        if (r && (!a || r[0] < a.streamId)) {
          const now = heads.get(r[0]);
          fail(
            r[0],
            now ? now.revision + 1 : 0,
            now
              ? `Stream ${r[0]} ends at revision ${now.revision} at position ${checkpoint.position}, but checkpoint #${checkpoint.number} recorded its head at revision ${r[1]}: events were removed.`
              : `Stream ${r[0]} is missing: checkpoint #${checkpoint.number} recorded it with ${r[1] + 1} events (head revision ${r[1]}).`,
          );
        }
        if (a && (!r || a.streamId < r[0]))
          fail(
            a.streamId,
            a.revision,
            `Stream ${a.streamId} at revision ${a.revision} is not in checkpoint #${checkpoint.number}, which covers its position.`,
          );
        if (a && r) {
          if (a.revision < r[1])
            fail(
              a.streamId,
              a.revision + 1,
              `Stream ${a.streamId} ends at revision ${a.revision} at position ${checkpoint.position}, but checkpoint #${checkpoint.number} recorded its head at revision ${r[1]}: its last events were removed.`,
            );
          if (a.revision !== r[1] || a.hash !== r[2])
            fail(
              a.streamId,
              Math.min(a.revision, r[1]),
              `Stream ${a.streamId} has head revision ${a.revision} (hash ${short(a.hash)}…) at position ${checkpoint.position}, but checkpoint #${checkpoint.number} recorded revision ${r[1]} (hash ${short(r[2])}…): the stream was rewritten.`,
            );
          i++;
          j++;
        }
      }
      if (heads.eventCount !== checkpoint.eventCount || heads.streamCount !== checkpoint.streamCount)
        fail(
          null,
          null,
          `At position ${checkpoint.position} the log holds ${heads.eventCount} events in ${heads.streamCount} streams; checkpoint #${checkpoint.number} recorded ${checkpoint.eventCount} events in ${checkpoint.streamCount} streams.`,
        );
    });
    if (held && checkpoint.number === held.number) {
      heldEventSeen = true;
      if (checkpoint.eventId !== held.checkpointEventId || checkpoint.hash !== held.checkpointHash)
        throw new Broken({
          kind: 'exported_checkpoint_mismatch',
          streamId: CHECKPOINT_STREAM,
          revision: checkpoint.number - 1,
          position: event.position,
          checkpoint: held.number,
          message: `Checkpoint #${held.number} in the store (hash ${short(checkpoint.hash)}…) is not the one exported (hash ${short(held.checkpointHash)}…): the checkpoints were rewritten.`,
        });
    }
    latest = checkpoint;
    recent = recent.filter((u) => u.position > checkpoint.position);
    undoFloor = checkpoint.position;
  };

  /**
   * The root is checked at the latest checkpoint (and at a held one) only: at every other one the
   * moved heads and counts are checked exactly, which pins the same heads the root commits to,
   * without rehashing every stream's leaf per checkpoint.
   */
  const checkRoot = (checkpoint: Checkpoint) =>
    atPosition(checkpoint.position, () => {
      const root = heads.root();
      if (root !== checkpoint.merkleRoot)
        throw new Broken({
          kind: 'checkpoint_mismatch',
          streamId: null,
          revision: null,
          position: null,
          checkpoint: checkpoint.number,
          message: `At position ${checkpoint.position} the Merkle root is ${short(root)}…, not ${short(checkpoint.merkleRoot)}… as checkpoint #${checkpoint.number} recorded.`,
        });
    });

  const verifyEvent = (event: RecordedEvent) => {
    const at = { position: event.position, checkpoint: null };
    const hash = storedHash(event);
    if (hash === undefined)
      throw new Broken({
        ...at,
        kind: 'missing_hash',
        streamId: event.streamId,
        revision: event.revision,
        message: `${event.streamId} revision ${event.revision} has no hash: it was written before the hash chain, or its hash was removed.`,
      });
    const head = heads.get(event.streamId);
    const expected = head ? head.revision + 1 : 0;
    if (event.revision !== expected)
      throw new Broken({
        ...at,
        kind: 'revision_gap',
        streamId: event.streamId,
        revision: expected,
        message:
          event.revision > expected
            ? `${event.streamId} revision ${expected} is missing or out of place: the next event found is revision ${event.revision} at position ${event.position}.`
            : `${event.streamId} revision ${expected} is out of place: revision ${event.revision} appears again at position ${event.position}.`,
      });
    const prevHash = head?.hash ?? GENESIS_HASH;
    if (event.metadata.prevHash !== prevHash)
      throw new Broken({
        ...at,
        kind: 'prev_hash_mismatch',
        streamId: event.streamId,
        revision: event.revision,
        message: `${event.streamId} revision ${event.revision} does not link to the event before it (its previous hash is ${short(String(event.metadata.prevHash))}…, the previous event's hash is ${short(prevHash)}…).`,
      });
    const recomputed = eventHash(event, prevHash);
    if (recomputed !== hash)
      throw new Broken({
        ...at,
        kind: 'hash_mismatch',
        streamId: event.streamId,
        revision: event.revision,
        message: `${event.streamId} revision ${event.revision} was altered: its content hashes to ${short(recomputed)}…, not the ${short(hash)}… it was written with.`,
      });
    if (heldPending && event.position > held!.position) checkHeld(held!);
    const previous = heads.apply(event.streamId, event.revision, hash, event.position);
    recent.push({ position: event.position, streamId: event.streamId, revision: event.revision, hash, previous });
    if (recent.length > MAX_UNDO) {
      const dropped = recent.splice(0, MAX_UNDO / 2);
      undoFloor = dropped.at(-1)!.position;
    }
    if (isCheckpoint(event)) checkCheckpoint(event, checkpointFrom(event));
  };

  try {
    for (;;) {
      const batch = await raw.readAll({ after: position, maxCount: batchSize });
      for (const event of batch) {
        if (labeler) for (const [streamId, label] of labeler(event)) labels.set(streamId, label);
        verifyEvent(event);
        position = event.position;
      }
      if (batch.length < batchSize) break;
    }
    if (heldPending) checkHeld(held!);
    if (latest) checkRoot(latest);
    if (held && !heldEventSeen)
      throw new Broken({
        kind: 'exported_checkpoint_mismatch',
        streamId: CHECKPOINT_STREAM,
        revision: held.number - 1,
        position: null,
        checkpoint: held.number,
        message: `Exported checkpoint #${held.number} is no longer in the log: the log was cut back to before it.`,
      });
  } catch (error) {
    if (!(error instanceof Broken)) throw error;
    found = error.found;
  }

  if (found && labeler && found.streamId && !labels.has(found.streamId)) {
    // The label may be recorded later in the log than the break (a stream whose first events are gone).
    for (let after = position; ; ) {
      const batch = await raw.readAll({ after, maxCount: batchSize });
      for (const event of batch) for (const [streamId, label] of labeler(event)) labels.set(streamId, label);
      if (batch.length < batchSize) break;
      after = batch.at(-1)!.position;
    }
  }

  return {
    intact: found === null,
    eventCount: heads.eventCount,
    streamCount: heads.streamCount,
    latestCheckpoint: latest,
    held: held ?? null,
    firstBreak: found && { ...found, ledgerNumber: (found.streamId && labels.get(found.streamId)) || null },
  };
}

/** The report as a person reads it (what `npm run verify` prints). */
export function describeReport(report: VerifyReport): string {
  const lines: string[] = [];
  const b = report.firstBreak;
  if (b) {
    const where = [
      b.streamId && `stream ${b.streamId}`,
      b.revision !== null && `revision ${b.revision}`,
      b.ledgerNumber && `ledger number ${b.ledgerNumber}`,
      b.position !== null && `position ${b.position}`,
      b.checkpoint !== null && `checkpoint #${b.checkpoint}`,
    ].filter(Boolean);
    lines.push(`BROKEN (${b.kind}) at ${where.join(', ') || 'the log as a whole'}`);
    lines.push(b.message);
    lines.push(`${report.eventCount} events before the break were intact.`);
  } else {
    lines.push(`intact: ${report.eventCount} events in ${report.streamCount} streams`);
    const c = report.latestCheckpoint;
    lines.push(
      c
        ? `latest checkpoint #${c.number}: position ${c.position}, ${c.eventCount} events, ${c.streamCount} streams, Merkle root ${c.merkleRoot}, recorded ${c.recordedAt}`
        : 'no checkpoint yet: a deleted stream or a truncated log cannot be detected until one is recorded',
    );
    if (report.held)
      lines.push(
        `exported checkpoint #${report.held.number} holds: the log still contains exactly the ${report.held.eventCount} events in ${report.held.streamCount} streams it covered up to position ${report.held.position}`,
      );
  }
  return lines.join('\n');
}
