import { describe, expect, it } from 'vitest';
import { HashChainedEventStore } from '../eventstore/hashChain.js';
import {
  type AppendResult,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  withWritten,
  writtenBy,
} from '../eventstore/port.js';
import { numberedEvent } from './support/numberedEvent.js';

/**
 * Issue 12's "parse an event once": the chained store hands an append's caller and its followers the events its adapter
 * wrote through the codec once, whichever of them goes on first. An adapter that hands its followers the very events it
 * wrote (as SQLite does), here with the order chosen: the follower before the append's answer, or after it.
 */
function handingAdapter(followerFirst: boolean) {
  let follower: ((event: RecordedEvent) => Promise<void> | void) | undefined;
  let position = 0;
  const heads = new Map<string, number>();
  const write = (streamId: string, events: readonly NewEvent[]): [AppendResult, RecordedEvent[]] => {
    const from = (heads.get(streamId) ?? -1) + 1;
    const written = events.map((e, i) => ({ ...e, streamId, revision: from + i, position: ++position }));
    heads.set(streamId, from + events.length - 1);
    return [withWritten({ nextExpectedRevision: from + events.length - 1, position }, written), written];
  };
  const hand = async (written: RecordedEvent[]) => {
    if (!followerFirst) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const event of written) await follower?.(event);
  };
  const adapter = {
    async appendToStream(streamId: string, events: readonly NewEvent[]) {
      const [result, written] = write(streamId, events);
      const handed = hand(written);
      if (followerFirst) await handed;
      return result;
    },
    async appendMany(parts: readonly StreamAppend[]) {
      const results = parts.map(({ streamId, events }) => write(streamId, events));
      const handed = hand(results.flatMap(([, written]) => written));
      if (followerFirst) await handed;
      return results.map(([result]) => result);
    },
    subscribeToAll(options: SubscribeOptions, onEvent: (event: RecordedEvent) => Promise<void> | void) {
      follower = onEvent;
      return new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve()));
    },
  };
  return adapter as unknown as EventStore;
}

const event = numberedEvent;

describe('the chained store’s codec, once an event', () => {
  for (const followerFirst of [true, false])
    it(`given a follower handed the events ${followerFirst ? 'before' : 'after'} the append's caller, when one stream is appended to and then two together, then each event passes the codec once and both are handed the same decoded event`, async () => {
      const parsed = new Map<string, number>();
      const store = new HashChainedEventStore(handingAdapter(followerFirst), (e) => {
        parsed.set(e.id, (parsed.get(e.id) ?? 0) + 1);
        return { ...e, data: { ...(e.data as object) } };
      });
      const controller = new AbortController();
      const seen: RecordedEvent[] = [];
      const following = store.subscribeToAll({ signal: controller.signal }, (e) => {
        seen.push(e);
      });
      const written: RecordedEvent[] = [];
      written.push(...(writtenBy(await store.appendToStream('a', [event(0), event(1)], 'no_stream')) ?? []));
      const many = await store.appendMany([
        { streamId: 'a', events: [event(2)], expected: 1 },
        { streamId: 'b', events: [event(3)], expected: 'no_stream' },
      ]);
      for (const result of many) written.push(...(writtenBy(result) ?? []));
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      await following;

      expect(written.map((e) => e.data)).toEqual([0, 1, 2, 3].map((n) => ({ n })));
      expect(seen).toHaveLength(4);
      for (const [i, e] of seen.entries()) expect(e).toBe(written[i]);
      expect([...parsed.values()]).toEqual([1, 1, 1, 1]);
    });
});
