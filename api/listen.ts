import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../application/config.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import type { EventStore } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { sendJson } from './nodeHttp.js';

/** The error body every route of the server uses (the GraphQL shape), with a stable code. */
export const errorBody = (message: string, code: string, extra: Record<string, unknown> = {}) => ({
  errors: [{ message, extensions: { code, ...extra } }],
});

/** The server listening before the application is built, and how the application takes it over. */
export type Listening = {
  server: Server;
  url: string;
  store: EventStore;
  /** Where the read models stand while they catch up (-1 until they start), and what else the start is doing, if anything (said in every answer). */
  following: (position: () => number, doing?: string) => void;
  /** The application's handler answers everything from now on. */
  handOver: (handler: (req: IncomingMessage, res: ServerResponse) => void) => void;
  /** Closes the server and the store (a start that failed). */
  abandon: () => Promise<void>;
};

/**
 * Opens the store and listens, before the rest of the server is so much as imported (this module
 * pulls in nothing of HTTP, GraphQL or the read models): `npm start` answers within a second whatever
 * the log's size. Until the application takes over, /healthz says "starting" with the progress, /readyz
 * answers 503 with it, and everything else 503 CATCHING_UP (nothing stale is served).
 */
export async function listenCatchingUp(config: Pick<Config, 'store' | 'port' | 'host'>): Promise<Listening> {
  const store = await openEventStore(config.store, schemaCodec(domainEventDefinitions));
  let position = () => -1;
  let doing: string | undefined;
  let handle = (req: IncomingMessage, res: ServerResponse) => {
    store.headPosition().then(
      (head) => {
        const at = position();
        const path = new URL(req.url ?? '/', 'http://server').pathname;
        const progress = { position: at, head, ...(doing ? { doing } : {}) };
        const body =
          path === '/healthz'
            ? { status: 'starting', ready: false, ...progress }
            : path === '/readyz'
              ? { status: 'catching_up', ready: false, ...progress }
              : errorBody(
                  `The server is starting: ${doing ?? `its read models have read the log up to ${at} of ${head}`}. Try again shortly.`,
                  'CATCHING_UP',
                  progress,
                );
        sendJson(res, path === '/healthz' ? 200 : 503, body, { 'retry-after': '1' });
      },
      () => {
        res.writeHead(503).end();
      },
    );
  };
  const server = createServer((req, res) => handle(req, res));
  server.listen(config.port, config.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${config.host}:${port}`,
    store,
    following: (at, what) => {
      position = at;
      doing = what;
    },
    handOver: (handler) => {
      handle = handler;
    },
    abandon: async () => {
      server.close();
      server.closeAllConnections();
      await store.close();
    },
  };
}
