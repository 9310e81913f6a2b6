import { type StreamHead, byStreamId, headLeaf, merkleRoot } from './merkle.js';

type Head = { revision: number; hash: string; position: number; leaf: Buffer | undefined };

/**
 * Every stream's head as the log is walked, with what a checkpoint needs: the Merkle root over
 * all heads (leaves cached, streams kept in order) and the heads that moved after a position.
 */
export class StreamHeads {
  private readonly heads = new Map<string, Head>();
  private sorted: string[] = [];
  private added: string[] = [];
  private reorder = false;
  /** Events applied, across all streams. */
  eventCount = 0;

  get streamCount(): number {
    return this.heads.size;
  }

  get(streamId: string): StreamHead | undefined {
    const head = this.heads.get(streamId);
    return head && { streamId, revision: head.revision, hash: head.hash };
  }

  /** Moves a stream's head; returns the head it replaced so the move can be undone. */
  apply(streamId: string, revision: number, hash: string, position: number): Head | undefined {
    const previous = this.heads.get(streamId);
    if (!previous) this.added.push(streamId);
    this.heads.set(streamId, { revision, hash, position, leaf: undefined });
    this.eventCount += 1;
    return previous;
  }

  /** Puts back the head `apply` replaced. */
  undo(streamId: string, previous: Head | undefined): void {
    if (previous) this.heads.set(streamId, previous);
    else {
      this.heads.delete(streamId);
      this.reorder = true;
    }
    this.eventCount -= 1;
  }

  root(): string {
    if (this.reorder) {
      this.sorted = [...this.heads.keys()].sort();
      this.reorder = false;
    } else if (this.added.length > 0) {
      this.sorted = mergeSorted(this.sorted, this.added.filter((id) => this.heads.has(id)).sort());
    }
    this.added = [];
    const leaves = this.sorted.map((streamId) => {
      const head = this.heads.get(streamId)!;
      head.leaf ??= headLeaf({ streamId, revision: head.revision, hash: head.hash });
      return head.leaf;
    });
    return merkleRoot(leaves);
  }

  /** Heads whose last event is after `position`, sorted by streamId. */
  movedAfter(position: number): StreamHead[] {
    const moved: StreamHead[] = [];
    for (const [streamId, head] of this.heads)
      if (head.position > position) moved.push({ streamId, revision: head.revision, hash: head.hash });
    return moved.sort(byStreamId);
  }
}

function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
