import { hash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';

/** A stream's last event: what a checkpoint commits to for every stream. */
export type StreamHead = { streamId: string; revision: number; hash: string };

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** SHA-256(0x00 || canonical JSON of [streamId, revision, hash]): RFC 6962's leaf, over one head. */
export function headLeaf(head: StreamHead): Buffer {
  return hash('sha256', Buffer.concat([LEAF, Buffer.from(canonicalJson([head.streamId, head.revision, head.hash]))]), 'buffer');
}

/**
 * SHA-256(0x01 || left || right): RFC 6962's inner node. One-shot `crypto.hash` rather than a Hash
 * object per node: each Hash object is a native handle the collector must finalise, which made the
 * scavenges after a first start's checkpoints spend hundreds of ms in "external" time.
 */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE, left, right]), 'buffer');
}

/**
 * The Merkle tree hash of RFC 6962 (certificate transparency) over leaves already in order:
 * SHA-256 of nothing for none, the leaf itself for one, else SHA-256(0x01 || left || right) split
 * at the largest power of two below the count. Hex.
 */
export function merkleRoot(leaves: readonly Buffer[]): string {
  if (leaves.length === 0) return hash('sha256', '', 'hex');
  return subtree(leaves, 0, leaves.length).toString('hex');
}

function subtree(leaves: readonly Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return leaves[from]!;
  let split = 1;
  while (split * 2 < n) split *= 2;
  return nodeHash(subtree(leaves, from, from + split), subtree(leaves, from + split, to));
}

/** Sorts by streamId in UTF-16 code-unit order (JavaScript's default, RFC 8785's key order). */
export const byStreamId = (a: { streamId: string }, b: { streamId: string }) =>
  a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;

/** The root over a set of stream heads, sorted by streamId. */
export const headsRoot = (heads: readonly StreamHead[]): string => merkleRoot([...heads].sort(byStreamId).map(headLeaf));
