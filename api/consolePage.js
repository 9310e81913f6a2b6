// The console page (GraphiQL, every asset inlined by @graphql-yoga/render-graphiql: a 9 MB module) rendered in a
// worker thread (api/server.ts starts it): loading that module and hashing its script held a starting server's event
// loop ~0.1 s (issue 12, aim 3). Plain JavaScript: a worker thread runs plain Node, without the TypeScript loader the
// server and the tests have. Posts back the page and the SHA-256 (base64) of its one inline script, for the CSP.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const html = renderGraphiQL(workerData.consolePage);
const start = html.indexOf('<script>') + '<script>'.length;
const script = html.slice(start, html.lastIndexOf('</script>'));
parentPort.postMessage({ html, scriptHash: createHash('sha256').update(script).digest('base64') });
