import type { GraphQLResponse } from './httpServer.js';

/** One event of a server-sent-events answer: `next` (a GraphQL result) or `complete`. */
export type StreamEvent = { event: 'next'; result: GraphQLResponse } | { event: 'complete' };

export type LiveStream = {
  /** The answer's content type (`text/event-stream` for a subscription). */
  contentType: string | null;
  /** The next event, or throws when none comes within `ms` or the connection ends without `complete`. */
  next: (ms?: number) => Promise<StreamEvent>;
  close: () => void;
};

/** Opens a subscription over server-sent events (POST with `Accept: text/event-stream`), as a browser's client does. */
export async function openStream(url: string, query: string, headers: Record<string, string> = {}): Promise<LiveStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const next = async (ms = 5000): Promise<StreamEvent> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = /event: (next|complete)\ndata:(.*)\n\n/.exec(buffer);
      if (match) {
        buffer = buffer.slice(match.index + match[0].length);
        return match[1] === 'next' ? { event: 'next', result: JSON.parse(match[2]!) } : { event: 'complete' };
      }
      pending ??= reader.read();
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now())));
      const read = await Promise.race([pending, timeout]);
      if (read === 'timeout') throw new Error(`no event within ${ms} ms`);
      pending = undefined;
      if (read.done) throw new Error('the stream ended without "complete"');
      buffer += decoder.decode(read.value, { stream: true });
    }
  };
  return { contentType: response.headers.get('content-type'), next, close: () => controller.abort() };
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
