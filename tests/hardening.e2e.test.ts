import { createHash } from 'node:crypto';
import { get, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, addUser, bearer, logIn, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * The console must not be a way to knock the server over: each abuse is refused quickly, with a
 * clear error and a code, while other users' requests keep being served.
 */
let server: TestServer;
let office: string;

beforeAll(async () => {
  server = await startTestServer();
  office = await tokenFor(server, ['office']);
  await addUnit(server, '磨子潭镇');
});
afterAll(() => server.stop());

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('documents that ask too much', () => {
  it('a query 20 levels deep', async () => {
    let selection = 'name';
    for (let i = 0; i < 19; i++) selection = `parent { ${selection} }`;
    const { result, ms } = await timed(() => server.gql(`{ units { ${selection} } }`, {}, bearer(office)));
    // Its cost is over the limit too, but depth is checked first: the clearer reason.
    expect(result.errors?.[0]?.message).toBe('Syntax Error: Query depth limit of 10 exceeded, found 21.');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.data).toBeUndefined();
    expect(ms).toBeLessThan(1000);
  });

  it('a query with 1,000 aliases', async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: units { id }`).join(' ');
    const { result, ms } = await timed(() => server.gql(`{ ${aliases} }`, {}, bearer(office)));
    // Refused while parsing, before the document is even built.
    expect(result.errors?.[0]?.message).toBe('Syntax Error: Token limit of 2000 exceeded.');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(ms).toBeLessThan(1000);
  });

  it('16 aliases, within the token limit, are refused by the alias limit', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: me { login }`).join(' ');
    const result = await server.gql(`{ ${aliases} }`, {}, bearer(office));
    expect(result.errors?.[0]?.message).toBe('Syntax Error: Aliases limit of 15 exceeded, found 16.');
  });

  it('an expensive query (a wide page of nested problems) is refused by the cost limit', async () => {
    const fields = 'id ledgerNumber status description deadline responsibleUnit { id name parent { id name parent { id name } } }';
    const result = await server.gql(
      `{ a: problems(first: 100) { edges { node { ${fields} recurrenceOf { ${fields} recurrenceOf { ${fields} recurrenceOf { ${fields} } } } } } } }`,
      {},
      bearer(office),
    );
    expect(result.errors?.[0]?.message).toMatch(/^Syntax Error: Query Cost limit of 20000 exceeded, found [\d.]+\.$/);
  });

  it('a 5 MB body, before it is read', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const { result, ms } = await timed(async () => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(office) },
        body: JSON.stringify({ query: '{ me { login } }', variables: { padding: 'x'.repeat(5 * 1024 * 1024) } }),
      });
      return { status: response.status, body: (await response.json()) as any };
    });
    expect(result.status).toBe(413);
    expect(result.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(ms).toBeLessThan(2000);
    expect(await server.store.headPosition()).toBe(head);
  });
});

describe('guessing passwords', () => {
  it('50 wrong passwords in a row: five are checked, the rest refused at once, while another user is served throughout', async () => {
    const victim = await addUser(server, { roles: ['office'] });
    const bystander = await tokenFor(server, ['unit_head'], await addUnit(server, '佛子岭镇'));

    let guessing = true;
    const served: number[] = [];
    const bystanderLoop = (async () => {
      while (guessing) {
        const { result, ms } = await timed(() => server.gql<any>('{ me { login } units { name } }', {}, bearer(bystander)));
        expect(result.errors).toBeUndefined();
        served.push(ms);
      }
    })();

    const codes: string[] = [];
    const lockedTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const { result, ms } = await timed(() =>
        server.gql(`mutation { login(login: "${victim.login}", password: "wrong-guess-${i}") { token } }`),
      );
      const code = String(result.errors?.[0]?.extensions?.code);
      codes.push(code);
      if (code === 'ACCOUNT_LOCKED') lockedTimes.push(ms);
    }
    guessing = false;
    await bystanderLoop;

    expect(codes.slice(0, 5)).toEqual(Array(5).fill('INVALID_CREDENTIALS'));
    expect(codes.slice(5)).toEqual(Array(45).fill('ACCOUNT_LOCKED'));
    // Refused before any password is hashed.
    expect(Math.max(...lockedTimes)).toBeLessThan(500);
    expect(served.length).toBeGreaterThan(5);

    // Locked means locked: the right password is refused too, with a time to wait…
    const right = await server.gql(`mutation { login(login: "${victim.login}", password: "${victim.password}") { token } }`);
    expect(right.errors?.[0]?.extensions?.code).toBe('ACCOUNT_LOCKED');
    expect(right.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(800);
    expect(right.errors?.[0]?.message).toMatch(/^This account is locked after 5 wrong passwords in a row; try again in \d+ seconds/);
    // …other accounts still log in from the same address (the per-address limit is higher)…
    const other = await addUser(server, { roles: ['committee'] });
    expect(await logIn(server, other.login)).toMatch(/^ey/);
    // …and an admin's reset lifts the lock.
    const admin = await tokenFor(server, ['admin']);
    const reset = await server.gql(
      `mutation($u: ID!) { resetPassword(userId: $u, password: "reset-by-admin-1") { user { login } } }`,
      { u: victim.userId },
      bearer(admin),
    );
    expect(reset.errors).toBeUndefined();
    expect(await logIn(server, victim.login, 'reset-by-admin-1')).toMatch(/^ey/);
  }, 60_000);

  it('many failures from one address, over many accounts, lock the address out', async () => {
    const strict = await startTestServer({ limits: { loginFailuresPerIp: 8 } });
    try {
      const user = await addUser(strict, { roles: ['office'] });
      const codes: string[] = [];
      for (let i = 0; i < 10; i++) {
        const result = await strict.gql(`mutation { login(login: "nobody-${i}", password: "wrong-password") { token } }`);
        codes.push(String(result.errors?.[0]?.extensions?.code));
      }
      expect(codes).toEqual([...Array(8).fill('INVALID_CREDENTIALS'), 'TOO_MANY_LOGIN_ATTEMPTS', 'TOO_MANY_LOGIN_ATTEMPTS']);
      const right = await strict.gql(`mutation { login(login: "${user.login}", password: "${user.password}") { token } }`);
      expect(right.errors?.[0]?.extensions?.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    } finally {
      await strict.stop();
    }
  });
});

describe('the console in production and on the network', () => {
  it('introspection and field suggestions are off in production…', async () => {
    const production = await startTestServer({ production: true });
    try {
      const token = await tokenFor(production, ['office']);
      const introspection = await production.gql('{ __schema { types { name } } }', {}, bearer(token));
      expect(introspection.errors?.[0]?.message).toBe(
        'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
      );
      const typo = await production.gql('{ problemz { id } }', {}, bearer(token));
      expect(typo.errors?.[0]?.message).toBe('Cannot query field "problemz" on type "Query". [Suggestion hidden]');
    } finally {
      await production.stop();
    }
  });

  it('…unless switched on (GRAPHQL_INTROSPECTION=on)', async () => {
    const production = await startTestServer({ production: true, introspection: true });
    try {
      const result = await production.gql<any>('{ __schema { queryType { name } } }');
      expect(result.data.__schema.queryType.name).toBe('Query');
      const typo = await production.gql('{ problemz { id } }');
      expect(typo.errors?.[0]?.message).toBe('Cannot query field "problemz" on type "Query". Did you mean "problem" or "problems"?');
    } finally {
      await production.stop();
    }
  });

  it('CORS is closed unless an origin is named', async () => {
    const preflight = (url: string) =>
      fetch(`${url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://elsewhere.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    expect((await preflight(server.url)).headers.get('access-control-allow-origin')).toBeNull();
    const open = await startTestServer({ corsOrigins: ['https://elsewhere.example'] });
    try {
      expect((await preflight(open.url)).headers.get('access-control-allow-origin')).toBe('https://elsewhere.example');
    } finally {
      await open.stop();
    }
  });

  it('sends security headers, and a console page that needs nothing from the internet', async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const csp = response.headers.get('content-security-policy')!;
    // One policy, the page's own (fetch would join two headers with a comma).
    expect(csp).not.toContain(',');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    // No CDN: no script, stylesheet or worker is fetched from anywhere else.
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).not.toContain('unpkg.com');
    // The one inline script is allowed by its hash, and nothing else inline is.
    const script = html.slice(html.indexOf('<script>') + 8, html.lastIndexOf('</script>'));
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    // Only the console page allows it: every other answer's policy allows the server's own scripts alone.
    const other = (await fetch(`${server.url}/healthz`)).headers.get('content-security-policy')!;
    expect(other).toContain("script-src 'self';");
    expect(other).not.toContain('sha256-');
    expect(html).not.toMatch(/<script[^>]*\bsrc=/);
    expect(html).toContain('login(login: $login, password: $password)');
    // Sent as UTF-8 with an ETag: a browser that has the page already gets 304 and no 9 MB body again.
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('vary')).toContain('Accept');
    expect(html).toContain('台账 · Taizhang console');
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{43}"$/);
    // As a browser revalidates (fetch would add "Cache-Control: no-cache" to a conditional request).
    const again = await new Promise<{ status: number; body: string }>((resolve, reject) =>
      get(`${server.url}/graphql`, { headers: { accept: 'text/html', 'if-none-match': etag } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      }).on('error', reject),
    );
    expect(again).toEqual({ status: 304, body: '' });
    // Anything else than a page asked for is the endpoint's: a GET query still answers JSON.
    const query = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers a GraphQL POST (served without Express) as the rest of the server: its headers, its refusals', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'hardening-1', ...bearer(office) },
      body: JSON.stringify({ query: '{ me { login } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-request-id')).toBe('hardening-1');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(((await response.json()) as any).data.me.login).toBeTruthy();
    // A body past the limit sent without a length (chunked) is refused while it is read, in the same words.
    const chunked = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const sent = request(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }));
      });
      sent.on('error', reject);
      sent.write('{"query": "{ __typename }", "variables": { "padding": "');
      sent.end(`${'x'.repeat(2 * 1024 * 1024)}" } }`);
    });
    expect(chunked.status).toBe(413);
    expect(chunked.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    // The console page: a HEAD has its headers and no body; a revalidation that asks past the cache gets the page again.
    const head = await fetch(`${server.url}/graphql`, { method: 'HEAD', headers: { accept: 'text/html' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await head.text()).toBe('');
    const etag = head.headers.get('etag')!;
    const past = await fetch(`${server.url}/graphql`, {
      headers: { accept: 'text/html', 'if-none-match': etag, 'cache-control': 'no-cache' },
    });
    expect(past.status).toBe(200);
    expect(await past.text()).toContain('台账 · Taizhang console');
  });

  /** A console page of the test's own, its one script's hash as the CSP needs it. */
  const testPage = (text: string) => {
    const script = `console.log(${JSON.stringify(text)})`;
    const page = Buffer.from(`<html><body>${text}<script>${script}</script></body></html>`);
    return { page, etag: `"${text}"`, scriptHash: createHash('sha256').update(script).digest('base64') };
  };
  const askForConsole = (url: string) => fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });

  it('a console page that could not be rendered is said so with when to ask again, the API still answers, and it is rendered again after that time', async () => {
    let renders = 0;
    // The render's clock, moved by hand: the test does not depend on how fast this machine starts a server.
    let now = 0;
    const flaky = await startTestServer({
      consolePage: {
        retryMs: 30_000,
        now: () => now,
        render: async () => {
          renders += 1;
          if (renders === 1) throw new Error('the worker ran out of memory');
          return testPage('rendered the second time');
        },
      },
    });
    try {
      const refused = await askForConsole(flaky.url);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('30');
      const [error] = ((await refused.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors;
      expect(error!.extensions.code).toBe('CONSOLE_UNAVAILABLE');
      expect(error!.message).toContain('ask again in 30 s');
      // The reason is the log's, not the asker's.
      expect(error!.message).not.toContain('out of memory');
      expect(flaky.errorLog.join('\n')).toContain('the worker ran out of memory');
      // Asks before the retry time start no render, and are told the time left; GraphQL itself answers as usual.
      now += 20_500;
      const again = await askForConsole(flaky.url);
      expect(again.status).toBe(503);
      expect(again.headers.get('retry-after')).toBe('10');
      expect(renders).toBe(1);
      expect(((await flaky.gql<{ __typename: string }>('{ __typename }')).data as { __typename: string }).__typename).toBe('Query');
      now += 9_500;
      const rendered = await askForConsole(flaky.url);
      expect(rendered.status).toBe(200);
      expect(await rendered.text()).toContain('rendered the second time');
      expect(rendered.headers.get('content-security-policy')).toContain(`'sha256-${testPage('rendered the second time').scriptHash}'`);
      expect(renders).toBe(2);
    } finally {
      await flaky.stop();
    }
  });

  it('a console page whose render hangs is given up after its time: the asks waiting are answered, and its render is told to stop', async () => {
    let stopped: AbortSignal | undefined;
    const hung = await startTestServer({
      consolePage: {
        // Long enough for the asks below to come while the render started by createApp still runs, on a loaded machine too.
        timeoutMs: 3_000,
        render: (signal) => {
          stopped = signal;
          return new Promise(() => {});
        },
      },
    });
    try {
      const asked = Date.now();
      const answers = await Promise.all([askForConsole(hung.url), askForConsole(hung.url)]);
      expect(answers.map((a) => a.status)).toEqual([503, 503]);
      expect(Date.now() - asked).toBeLessThan(10_000);
      expect(((await answers[0]!.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        'CONSOLE_UNAVAILABLE',
      );
      expect(stopped?.aborted).toBe(true);
      expect(hung.errorLog.join('\n')).toContain('longer than 3000 ms');
    } finally {
      await hung.stop();
    }
  });

  it('masks unexpected errors: no stack trace, no internals', async () => {
    const result = await server.gql(`{ problem(id: "not-a-uuid") { id } }`, {}, bearer(office));
    expect(result.errors).toBeUndefined();
    const broken = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    const body = (await broken.json()) as any;
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
