import { randomUUID } from 'node:crypto';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { schema } from '../api/schema/index.js';
import { addUnit, bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * Every argument of every query and mutation, given values of the wrong type, out of range, not in
 * the enum, the wrong shape — and bodies that are not GraphQL requests at all, as JSON and as
 * multipart. Whatever a caller sends: no 5xx, never INTERNAL_SERVER_ERROR (that is for our
 * mistakes), nothing logged, nothing appended. The caller holds every role, so no request stops at
 * the authorization layer before reaching what is tested.
 */
let server: TestServer;
let token: string;
const unitId = { value: '' };

beforeAll(async () => {
  server = await startTestServer({ limits: { hotlineReportsPerIpPerHour: 100_000, hotlineLookupsPerIpPerMinute: 100_000 } });
  unitId.value = await addUnit(server, '磨子潭镇');
  token = await tokenFor(server, ['office', 'admin', 'committee'], null);
});
afterAll(() => server.stop());

/** A value that fits the type: the arguments not under test. */
function wellFormed(type: GraphQLInputType): unknown {
  const named = getNamedType(type);
  let value: unknown;
  if (isEnumType(named)) value = named.getValues()[0]!.value;
  else if (isInputObjectType(named))
    value = Object.fromEntries(
      Object.values(named.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, wellFormed(f.type)]),
    );
  else
    value = (
      { String: '模糊测试', Int: 1, Float: 1, Boolean: true, ID: unitId.value, JSON: {}, File: 'not a file' } as Record<string, unknown>
    )[named.name];
  const bare = isNonNullType(type) ? type.ofType : type;
  return isListType(bare) ? [value] : value;
}

/** Values that no variable of this type accepts. */
function illFitting(type: GraphQLInputType): unknown[] {
  const bare = isNonNullType(type) ? type.ofType : type;
  const named = getNamedType(type);
  const wrong: unknown[] = [];
  if (isNonNullType(type)) wrong.push(null);
  if (isListType(bare))
    return [
      ...wrong,
      ...illFitting(bare.ofType)
        .filter((v) => v !== null)
        .map((v) => [v]),
    ];
  if (isEnumType(named)) return [...wrong, 'closd', 'NOT_A_VALUE', 5, { value: 1 }, ['a', 'b']];
  if (isInputObjectType(named)) return [...wrong, 'a string', 7, { ...(wellFormed(named) as object), notAField: 1 }];
  const byScalar: Record<string, unknown[]> = {
    Int: ['abc', 1.5, 2 ** 40, -(2 ** 40), true, { n: 1 }, ['1', '2']],
    Float: ['abc', true, { n: 1 }],
    String: [5, true, { s: 'x' }, ['a', 'b']],
    ID: [true, 1.5, { id: 1 }, ['a', 'b']],
    Boolean: ['yes', 1, { b: true }],
    File: ['a string', 5, { name: 'x.csv' }],
  };
  return [...wrong, ...(byScalar[named.name] ?? [])];
}

const fields = (['Query', 'Mutation'] as const).flatMap((root) => {
  const type = root === 'Query' ? schema.getQueryType()! : schema.getMutationType()!;
  return Object.values(type.getFields()).map((field) => [root, field] as const);
});

function operation(root: 'Query' | 'Mutation', field: GraphQLField<unknown, unknown>) {
  const args = field.args as readonly GraphQLArgument[];
  const declared = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const keyword = root === 'Query' ? 'query' : 'mutation';
  return `${keyword}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`;
}

type Outcome = { status: number; body: { errors?: { message: string; extensions?: { code?: string } }[] } };

async function post(body: BodyInit, headers: Record<string, string>): Promise<Outcome> {
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', body, headers: { ...bearer(token), ...headers } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

/** What a caller's mistake may not be answered with. */
function problemsWith(label: string, outcome: Outcome): string[] {
  const found: string[] = [];
  if (outcome.status >= 500) found.push(`${label}: HTTP ${outcome.status}`);
  for (const error of outcome.body.errors ?? [])
    if (error.extensions?.code === 'INTERNAL_SERVER_ERROR' || error.extensions?.code === undefined)
      found.push(`${label}: ${error.extensions?.code ?? 'no code'} (${error.message})`);
  return found;
}

/** Runs the requests with the error logs watched (the server's JSON log and the console): a caller's mistake writes nothing there. */
async function quietly(work: () => Promise<string[]>): Promise<string[]> {
  const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
  const mark = server.errorLog.length;
  try {
    const found = await work();
    return [
      ...found,
      ...spy.mock.calls.map((c) => `logged: ${c.map(String).join(' ').slice(0, 200)}`),
      ...server.errorLog.slice(mark).map((line) => `logged: ${line.slice(0, 200)}`),
    ];
  } finally {
    spy.mockRestore();
  }
}

describe('arguments of the wrong type, range, enum or shape', () => {
  it.each(fields.map(([root, field]) => [`${root}.${field.name}`, root, field] as const).filter(([, , f]) => f.args.length > 0))(
    '%s',
    async (_, root, field) => {
      const query = operation(root, field);
      await server.settled();
      const head = await server.store.headPosition();
      const found = await quietly(async () => {
        const found: string[] = [];
        for (const arg of field.args) {
          const others = Object.fromEntries(field.args.map((a) => [a.name, wellFormed(a.type)]));
          for (const wrong of illFitting(arg.type)) {
            const variables = { ...others, [arg.name]: wrong };
            const label = `${arg.name} = ${JSON.stringify(wrong)}`;
            const outcome = await post(JSON.stringify({ query, variables }), { 'content-type': 'application/json' });
            found.push(...problemsWith(label, outcome));
            if (outcome.body.errors?.[0]?.extensions?.code !== 'BAD_USER_INPUT')
              found.push(`${label}: ${JSON.stringify(outcome.body.errors?.[0])}`);
          }
        }
        return found;
      });
      expect(found).toEqual([]);
      expect(await server.store.headPosition()).toBe(head);
    },
    60_000,
  );
});

describe('bodies that are not GraphQL requests', () => {
  const JSON_BODIES = [
    '',
    '{',
    '[]',
    '[{"query": "{ me { login } }"}]',
    'null',
    '"a string"',
    '5',
    '{}',
    '{"query": 5}',
    '{"query": null}',
    '{"query": "{ me { login } }", "variables": 5}',
    '{"query": "{ me { login } }", "variables": "{}"}',
    '{"query": "{ me { login } }", "operationName": 5}',
    '{"query": "{ me { login } }", "operationName": "Nope"}',
    '{"query": "{ me { login } }", "extensions": 5}',
    '{"query": "{ me { "}',
    '{"query": "mutation { logout }", "operationName": null, "variables": null}'.replace('logout', 'nope'),
    '{"query": "query($a: Int) { me { login } }", "variables": {"a": "x"}}',
    `{"query": "${'{ me '.repeat(500)}"}`,
  ];

  it.each(JSON_BODIES)('JSON %j', async (body) => {
    await server.settled();
    const head = await server.store.headPosition();
    const found = await quietly(async () => problemsWith(body.slice(0, 40), await post(body, { 'content-type': 'application/json' })));
    expect(found).toEqual([]);
    expect(await server.store.headPosition()).toBe(head);
  });

  const IMPORT = 'mutation($file: File!) { previewImport(file: $file) { __typename } }';
  const MULTIPART: [string, Record<string, string | Blob>][] = [
    ['no fields', {}],
    ['operations only, the file missing', { operations: JSON.stringify({ query: IMPORT, variables: { file: null } }) }],
    ['operations not JSON', { operations: '{', map: '{}' }],
    ['map not JSON', { operations: JSON.stringify({ query: IMPORT, variables: { file: null } }), map: '{' }],
    ['map of numbers', { operations: JSON.stringify({ query: IMPORT, variables: { file: null } }), map: '{"0": 5}', 0: new Blob(['x']) }],
    [
      'map to a missing part',
      { operations: JSON.stringify({ query: IMPORT, variables: { file: null } }), map: '{"0": ["variables.file"]}' },
    ],
    [
      'map into __proto__',
      { operations: JSON.stringify({ query: IMPORT, variables: { file: null } }), map: '{"0": ["__proto__.x"]}', 0: new Blob(['x']) },
    ],
    [
      'a file for a String',
      {
        operations: JSON.stringify({
          query: 'mutation($n: String!) { registerUnit(name: $n, kind: township) { __typename } }',
          variables: { n: null },
        }),
        map: '{"0": ["variables.n"]}',
        0: new Blob(['x']),
      },
    ],
    [
      'a file for an ID inside a list',
      {
        operations: JSON.stringify({ query: 'query($u: ID) { problems(unitId: $u) { __typename } }', variables: { u: null } }),
        map: '{"0": ["variables.u"]}',
        0: new Blob(['x']),
      },
    ],
    [
      'a file that is not a spreadsheet',
      {
        operations: JSON.stringify({ query: IMPORT, variables: { file: null } }),
        map: '{"0": ["variables.file"]}',
        0: new Blob([new Uint8Array([0, 159, 146, 150, 255])]),
      },
    ],
  ];

  it.each(MULTIPART)('multipart: %s', async (_, parts) => {
    await server.settled();
    const head = await server.store.headPosition();
    const form = new FormData();
    for (const [name, value] of Object.entries(parts))
      typeof value === 'string' ? form.append(name, value) : form.append(name, value, '问题清单.csv');
    const found = await quietly(async () => problemsWith(_, await post(form, {})));
    expect(found).toEqual([]);
    expect(await server.store.headPosition()).toBe(head);
  });

  it('a multipart body that is not multipart', async () => {
    const found = await quietly(async () =>
      problemsWith('garbage', await post('garbage', { 'content-type': 'multipart/form-data; boundary=x' })),
    );
    expect(found).toEqual([]);
  });

  it('a GET with unreadable parameters', async () => {
    const found = await quietly(async () => {
      const found: string[] = [];
      for (const params of [
        'query={ me { login } }&variables={',
        'query={ me { login } }&extensions={',
        'query=',
        'variables={}',
        `query=${randomUUID()}`,
      ]) {
        const response = await fetch(`${server.url}/graphql?${encodeURI(params)}`, {
          headers: { ...bearer(token), accept: 'application/json' },
        });
        const text = await response.text();
        found.push(...problemsWith(params, { status: response.status, body: text ? JSON.parse(text) : {} }));
      }
      return found;
    });
    expect(found).toEqual([]);
  });
});
