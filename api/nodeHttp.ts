import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One step of a request's handling on Node's own request and response: Express takes these as middleware, and the
 * GraphQL endpoint runs them without Express (`inOrder`). Express gives every request and response it handles its own
 * prototypes (`Object.setPrototypeOf`), after which V8 no longer finds their properties fast anywhere, in Node's HTTP code
 * and in yoga's alike: a command over GraphQL cost the server's main thread × 1.2 with one client and × 1.3–1.4 with 32
 * when Express routed it (side by side, issue 12's thirty-fourth round; docs/benchmarks-history.md).
 */
export type Step = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Runs `steps` in order and then `last`; an error a step passes on (or throws) goes to `failed`, the rest is skipped. */
export function inOrder(
  steps: readonly Step[],
  last: (req: IncomingMessage, res: ServerResponse) => void,
  failed: (error: unknown, req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let i = 0;
    const next = (error?: unknown) => {
      if (error !== undefined && error !== null) return failed(error, req, res);
      const step = steps[i++];
      try {
        if (step) step(req, res, next);
        else last(req, res);
      } catch (thrown) {
        failed(thrown, req, res);
      }
    };
    next();
  };
}

/** A request header as one string (Node joins a repeated one with ", ", as Express's `req.get` gives it). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A JSON answer, as Express's `res.status(…).json(…)` writes it. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
