import { isDeepStrictEqual } from 'node:util';
import type { NewEvent, ReadStreamOptions, RecordedEvent } from './port.js';

/**
 * An append whose event ids are all stored already is a retry: it is a no-op when they are the
 * same events, stored consecutively in this stream, and an error otherwise.
 */
export function sameEvents(streamId: string, events: readonly NewEvent[], stored: readonly (RecordedEvent | undefined)[]) {
  return stored.every(
    (s, i) =>
      s !== undefined &&
      s.streamId === streamId &&
      s.type === events[i]!.type &&
      (i === 0 || s.revision === stored[i - 1]!.revision + 1) &&
      isDeepStrictEqual(JSON.parse(JSON.stringify(s.data)), JSON.parse(JSON.stringify(events[i]!.data))),
  );
}

/** Applies read options to a stream held in memory, in revision order. */
export function selectFromStream(stream: readonly RecordedEvent[], options: ReadStreamOptions): RecordedEvent[] {
  const { direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER } = options;
  if (direction === 'forwards') {
    const from = options.fromRevision ?? 0;
    return stream.slice(from, from + maxCount);
  }
  const from = Math.min(options.fromRevision ?? stream.length - 1, stream.length - 1);
  return stream.slice(Math.max(0, from - maxCount + 1), from + 1).reverse();
}
