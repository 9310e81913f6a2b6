import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * A caller's mistake (a variable of the wrong type, an unknown enum value, a bad page size or
 * cursor, unreadable parameters, a file where a string goes) is answered as the caller's mistake:
 * the GraphQL-over-HTTP status, a message that says what is wrong and a code, never "Unexpected
 * error." — and nothing in the log, which anyone could otherwise flood. In production no message
 * suggests a name ("Did you mean …?").
 */
let server: TestServer;
let production: TestServer;
let office: string;
let productionOffice: string;

beforeAll(async () => {
  [server, production] = await Promise.all([startTestServer(), startTestServer({ production: true })]);
  [office, productionOffice] = await Promise.all([tokenFor(server, ['office']), tokenFor(production, ['office'])]);
});
afterAll(() => Promise.all([server.stop(), production.stop()]));

type Answer = { status: number; body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };

async function post(target: TestServer, token: string, body: unknown, accept = 'application/json'): Promise<Answer> {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, ...bearer(token) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function multipart(
  target: TestServer,
  token: string,
  operations: string,
  map: string | null,
  files: Record<string, Blob> = {},
): Promise<Answer> {
  const form = new FormData();
  form.append('operations', operations);
  if (map !== null) form.append('map', map);
  for (const [key, blob] of Object.entries(files)) form.append(key, blob, '问题清单.csv');
  const response = await fetch(`${target.url}/graphql`, { method: 'POST', body: form, headers: bearer(token) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const PAGE =
  'query($first: Int, $after: String, $status: ProblemStatus) { problems(first: $first, after: $after, status: $status) { edges { cursor } } }';

/** Runs `work` and returns what it wrote to the servers' error log. */
async function logged(work: () => Promise<void>): Promise<string[]> {
  const marks = [server.errorLog.length, production.errorLog.length];
  await work();
  return [...server.errorLog.slice(marks[0]), ...production.errorLog.slice(marks[1])];
}

describe('a variable that does not fit its type', () => {
  it.each([
    ['a string for an Int', { first: 'abc' }, 'Variable "$first" got invalid value "abc"; Int cannot represent non-integer value: "abc"'],
    [
      'an Int out of range',
      { first: 2 ** 40 },
      'Variable "$first" got invalid value 1099511627776; Int cannot represent non 32-bit signed integer value: 1099511627776',
    ],
    [
      'an unknown enum value',
      { status: 'closd' },
      'Variable "$status" got invalid value "closd"; Value "closd" does not exist in "ProblemStatus" enum. Did you mean the enum value "closed"?',
    ],
  ])('%s: BAD_USER_INPUT, 400 under graphql-response+json and 200 under json, nothing logged', async (_, variables, message) => {
    const log = await logged(async () => {
      const strict = await post(server, office, { query: PAGE, variables }, 'application/graphql-response+json');
      expect(strict.status).toBe(400);
      expect(strict.body.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT' } })]);
      expect(strict.body.data).toBeUndefined();
      const legacy = await post(server, office, { query: PAGE, variables });
      expect(legacy.status).toBe(200);
      expect(legacy.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
    expect(log).toEqual([]);
  });

  it('a file sent for a String: says a file was sent, not the file object', async () => {
    const operations = JSON.stringify({
      query: 'mutation($n: String!) { registerUnit(name: $n, kind: township) { __typename } }',
      variables: { n: null },
    });
    const log = await logged(async () => {
      const answer = await multipart(server, office, operations, JSON.stringify({ 0: ['variables.n'] }), { 0: new Blob(['x']) });
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.[0]).toMatchObject({
        message: 'Variable "$n" got invalid value a file; String cannot represent a non string value: a file',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
    expect(log).toEqual([]);
  });
});

describe('a command id', () => {
  it('with half of a surrogate pair (JSON lets "\\ud800" through) is refused as the caller’s mistake, and nothing is appended', async () => {
    const name = `磨子潭镇 ${Date.now()}`;
    const admin = await tokenFor(server, ['admin']);
    const register = (commandId: string) =>
      post(server, admin, {
        query: 'mutation($n: String!, $c: ID) { registerUnit(name: $n, kind: township, commandId: $c) { __typename } }',
        variables: { n: name, c: commandId },
      });
    const log = await logged(async () => {
      for (const commandId of ['retry-\ud800', 'retry-\udfff']) {
        const answer = await register(commandId);
        expect(answer.body.errors?.[0]).toMatchObject({
          message: expect.stringContaining('commandId holds a broken character'),
          extensions: { code: 'VALIDATION_FAILED' },
        });
      }
    });
    expect(log).toEqual([]);
    const units = await post(server, office, { query: '{ units { name } }' });
    expect((units.body.data as { units: { name: string }[] }).units.map((u) => u.name)).not.toContain(name);
  });
});

describe('paging arguments', () => {
  it.each([
    ['first: -1', { first: -1 }, 'Argument "first" must be a non-negative integer'],
    [
      'a cursor this server never gave',
      { after: 'zzz' },
      "The cursor is not one this server gave: pass a page's `endCursor` as `after` (or `startCursor` as `before`).",
    ],
    [
      'a base64 cursor of something else',
      { after: Buffer.from('nonsense').toString('base64') },
      "The cursor is not one this server gave: pass a page's `endCursor` as `after` (or `startCursor` as `before`).",
    ],
  ])('%s: BAD_USER_INPUT on the field, nothing logged', async (_, variables, message) => {
    const log = await logged(async () => {
      const answer = await post(server, office, { query: PAGE, variables });
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ message, path: ['problems'], extensions: { code: 'BAD_USER_INPUT' } }),
      ]);
    });
    expect(log).toEqual([]);
  });
});

describe('requests that cannot be read', () => {
  it("invalid JSON in a GET request's variables: 400 BAD_REQUEST", async () => {
    const query = encodeURIComponent('{ me { login } }');
    const log = await logged(async () => {
      const response = await fetch(`${server.url}/graphql?query=${query}&variables=%7Bbad`, {
        headers: { ...bearer(office), accept: 'application/graphql-response+json' },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ message: 'The "variables" parameter is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }],
      });
    });
    expect(log).toEqual([]);
  });

  it.each([
    ['no "operations"', '', '{}', 'Missing multipart form field "operations"'],
    ['"operations" not JSON', '{x', '{}', 'Multipart form field "operations" must be a valid JSON string'],
    ['"map" not JSON', '{"query": "{ me { login } }"}', '{x', 'Multipart form field "map" must be a valid JSON string'],
    [
      '"map" not lists of paths',
      '{"query": "{ me { login } }"}',
      '{"0": 5}',
      'The request could not be read: see the GraphQL-over-HTTP and GraphQL multipart request specifications.',
    ],
  ])('a multipart request with %s: 400 BAD_REQUEST', async (_, operations, map, message) => {
    const log = await logged(async () => {
      const answer = await multipart(server, office, operations, map);
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ message, extensions: { code: 'BAD_REQUEST' } }]);
    });
    expect(log).toEqual([]);
  });
});

describe('unexpected errors stay masked and logged', () => {
  it('a failure inside a resolver is "Unexpected error." with one log entry', async () => {
    const original = server.runner.state;
    const spy = vi.spyOn(server.runner, 'state').mockImplementation(() => {
      throw new Error('the read model is on fire');
    });
    try {
      const log = await logged(async () => {
        const answer = await post(server, office, { query: '{ problems { edges { cursor } } }' });
        expect(answer.body.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
        expect(JSON.stringify(answer.body)).not.toContain('fire');
      });
      expect(log).toHaveLength(1);
    } finally {
      spy.mockRestore();
      expect(server.runner.state).toBe(original);
    }
  });
});

describe('production suggests nothing', () => {
  it('an enum value given in the document', async () => {
    const answer = await post(production, productionOffice, { query: '{ problems(status: closd) { edges { cursor } } }' });
    expect(answer.body.errors?.[0]).toMatchObject({
      message: 'Value "closd" does not exist in "ProblemStatus" enum.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('an enum value given in a variable', async () => {
    const answer = await post(production, productionOffice, { query: PAGE, variables: { status: 'closd' } });
    expect(answer.body.errors?.[0]?.message).toBe(
      'Variable "$status" got invalid value "closd"; Value "closd" does not exist in "ProblemStatus" enum.',
    );
  });

  it('an argument or an input field misspelled', async () => {
    const argument = await post(production, productionOffice, { query: '{ problems(statu: closed) { edges { cursor } } }' });
    expect(argument.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const field = await post(production, productionOffice, { query: 'query($f: Int) { problems(firts: $f) { edges { cursor } } }' });
    expect(field.body.errors?.map((e) => e.message).join(' ')).not.toMatch(/Did you mean/);
  });

  it('…while development still suggests', async () => {
    const answer = await post(server, office, { query: '{ problems(status: closd) { edges { cursor } } }' });
    expect(answer.body.errors?.[0]?.message).toBe(
      'Value "closd" does not exist in "ProblemStatus" enum. Did you mean the enum value "closed"?',
    );
  });
});
