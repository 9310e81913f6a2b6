import { isDeepStrictEqual } from 'node:util';
import {
  DuplicateEventIdError,
  type EventCodec,
  type EventStore,
  type NewEvent,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
} from './port.js';

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

/** One append cannot carry the same id twice: the second event would be a retry of the first. */
export function assertDistinctIds(events: readonly NewEvent[]): void {
  const seen = new Set<string>();
  for (const { id } of events) {
    if (seen.has(id)) throw new DuplicateEventIdError(id);
    seen.add(id);
  }
}

/** The parts of one multi-stream append: each stream once, each id once across them all. */
export function assertDistinctParts(parts: readonly StreamAppend[]): void {
  const streams = new Set<string>();
  for (const { streamId } of parts) {
    if (streams.has(streamId)) throw new Error(`Stream ${streamId} appears twice in one appendMany: give it one part.`);
    streams.add(streamId);
  }
  assertDistinctIds(parts.flatMap((p) => p.events));
}

/** The error for a retry that does not match what is stored, naming the first id found stored. */
export function duplicateIdError(events: readonly NewEvent[], stored: readonly (RecordedEvent | undefined)[]) {
  const index = Math.max(
    0,
    stored.findIndex((s) => s !== undefined),
  );
  return new DuplicateEventIdError(events[index]!.id);
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

/**
 * The events an append wrote, through the codec, for its result (`AppendResult.events`); undefined when
 * one of them does not fit its schema, so the caller reads them back and meets the codec's error there.
 */
export function decodedOrNothing(events: readonly RecordedEvent[], codec: EventCodec): RecordedEvent[] | undefined {
  try {
    return events.map(codec);
  } catch {
    return undefined;
  }
}

/**
 * A checkpoint's data (or metadata) read and parsed when first asked for, the same value at every read after (issue 12):
 * the log's first checkpoint names every stream's head (108,000 at a million events, ~13 MB of JSON: reading the row held
 * the event loop 80 ms and parsing it 39 ms on the shared machine), and the read models that follow the log, the as-of
 * replays and the checkpointer (which reads links, the newest checkpoint's too at its start) never read its data; a
 * snapshot's check of the event at its position reads neither. SQLite reads the text when asked; PostgreSQL sends it
 * as text, parsed when asked.
 */
export function parsedWhenAsked(event: object, key: 'data' | 'metadata', text: () => string): void {
  let parsed: { value: unknown } | undefined;
  // Let go once parsed: the text (13 MB for the first checkpoint at a million events) need not live as long as the event.
  let unparsed: (() => string) | undefined = text;
  Object.defineProperty(event, key, {
    enumerable: true,
    get: () => {
      if (!parsed) {
        parsed = { value: JSON.parse(unparsed!()) };
        unparsed = undefined;
      }
      return parsed.value;
    },
  });
}

/** The whole log as the store has it now, a page of up to `pageSize` events at a time, in order (a short page is the last). */
export async function* logInPages(store: Pick<EventStore, 'readAll'>, pageSize: number): AsyncGenerator<RecordedEvent[]> {
  for (let after = -1; ; ) {
    const page = await store.readAll({ after, maxCount: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.position;
  }
}
