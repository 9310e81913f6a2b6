import { useEffect, useRef } from 'react';
import { session } from './api';

/**
 * Follows a GraphQL subscription that the server serves as server-sent events. EventSource cannot
 * send the Authorization header, so this reads the event stream from fetch; it reconnects after a
 * dropped connection and stops when the component goes away or `enabled` turns false. `onOpen` is
 * called each time the stream is (re)connected: what happened while it was not is not sent again.
 */
export function useSubscription<T>(query: string, enabled: boolean, onData: (data: T) => void, onOpen?: () => void): void {
  const handler = useRef(onData);
  handler.current = onData;
  const opened = useRef(onOpen);
  opened.current = onOpen;
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      try {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${session.token() ?? ''}` },
          body: JSON.stringify({ query }),
          signal: abort.signal,
        });
        if (!response.ok || !response.body) throw new Error(`subscription answered ${response.status}`);
        opened.current?.();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = message
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).trimStart())
              .join('\n');
            if (!data) continue;
            const payload = JSON.parse(data) as { data?: T };
            if (payload.data) handler.current(payload.data);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      if (!abort.signal.aborted) retry = setTimeout(() => void connect(), 5000);
    };
    void connect();
    return () => {
      abort.abort();
      clearTimeout(retry);
    };
  }, [query, enabled]);
}
