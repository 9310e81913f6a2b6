// The console page (GraphiQL, every asset inlined by @graphql-yoga/render-graphiql: a 9 MB module) rendered in a
// worker thread (api/server.ts starts it): loading that module and hashing its script held a starting server's event
// loop ~0.1 s (issue 12, aim 3). Plain JavaScript: a worker thread runs plain Node, without the TypeScript loader the
// server and the tests have. Posts back the page as UTF-8 bytes, moved and not copied (the page is a 9 MB string of two-byte
// characters: posted as a string, its copy held the receiving event loop 78 ms), its ETag (the SHA-256 of those bytes) and
// the SHA-256 (base64) of its one inline script, for the CSP.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const html = renderGraphiQL(workerData.consolePage);
const start = html.indexOf('<script>') + '<script>'.length;
const script = html.slice(start, html.lastIndexOf('</script>'));
const page = new TextEncoder().encode(html);
parentPort.postMessage(
  {
    page,
    etag: `"${createHash('sha256').update(page).digest('base64url')}"`,
    scriptHash: createHash('sha256').update(script).digest('base64'),
  },
  [page.buffer],
);
