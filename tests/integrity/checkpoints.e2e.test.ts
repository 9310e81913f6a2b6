import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEventDefinitions } from '../../domain/index.js';
import { type App, createApp } from '../../api/server.js';
import { CHECKPOINT_STREAM, checkpointFrom, exportCheckpoint } from '../../eventstore/checkpoints.js';
import { rawStore } from '../../eventstore/hashChain.js';
import { openEventStore } from '../../eventstore/index.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { TEST_PASSWORD, addUser } from '../support/accounts.js';
import { contextAt } from './sampleLedger.js';

let app: App;
let server: Server;
let url: string;
/** verifyLedger is for admins. */
let adminToken = '';

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions: { code: string } }[] };
}

async function checkpoints(count: number) {
  for (let i = 0; i < 200; i++) {
    const events = await rawStore(app.store).readStream(CHECKPOINT_STREAM);
    if (events.length >= count) return events.map(checkpointFrom);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${count} checkpoints were recorded`);
}

const VERIFY = `query ($checkpoint: JSON) { verifyLedger(checkpoint: $checkpoint) {
  intact eventCount streamCount heldCheckpoint summary
  latestCheckpoint { number position eventCount streamCount reason merkleRoot }
  firstBreak { kind streamId revision ledgerNumber message } } }`;

beforeAll(async () => {
  const store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  app = await createApp(store, {
    clock: () => '2019-12-31T08:00:00.000Z',
    checkpoints: { everyEvents: 4, everySeconds: 3600, triggerTypes: ['AssessmentFinalized'] },
  });
  server = createServer(app.handler).listen(0);
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Positions 0-3: two units, then a raise (reservation + ProblemRaised): four events call for checkpoint #1.
  const county = app.ledger.unitIdFor('unit-county');
  await app.ledger.unitCommand(
    { type: 'RegisterUnit', data: { unitId: county, name: '霍山县', kind: 'county' } },
    contextAt('unit-county', '2019-01-02T01:00:00.000Z'),
  );
  await app.ledger.unitCommand(
    {
      type: 'RegisterUnit',
      data: { unitId: app.ledger.unitIdFor('unit-mozitan'), name: '磨子潭镇', kind: 'township', parentUnitId: county },
    },
    contextAt('unit-mozitan', '2019-01-02T02:00:00.000Z'),
  );
  await app.ledger.raiseProblem(
    { source: 'national_feedback', category: 'data_mismatch', description: '数据不一致' },
    contextAt('raise-1', '2019-03-01T02:00:00.000Z'),
  );
  await checkpoints(1);
  // Position 5: the committee finalizes a year, which calls for checkpoint #2 at once.
  await app.store.appendToStream(
    'assessment-2019',
    [
      {
        id: 'finalize-2019',
        type: 'AssessmentFinalized',
        data: { year: 2019, policyVersion: 0, asOf: '2020-01-15T10:00:00+08:00', position: 4, cardsHash: 'a'.repeat(64), cards: [] },
        metadata: {
          ...(contextAt('f', '').actor && { actor: contextAt('f', '').actor }),
          commandId: 'f',
          correlationId: 'f',
          causationId: 'f',
          occurredAt: '2020-01-15T02:00:00.000Z',
          schemaVersion: 1,
        },
      },
    ],
    'no_stream',
  );
  await checkpoints(2);
  // Position 7: the admin's account (after both checkpoints, so they are as described above).
  const admin = await addUser(app, { roles: ['admin'] });
  const login = await graphql(`mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }`, {
    l: admin.login,
    p: TEST_PASSWORD,
  });
  adminToken = login.data!.login.token;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await app.close();
});

describe('checkpoints recorded by the follower', () => {
  it('records one after every N events and one at every AssessmentFinalized', async () => {
    const [first, second] = await checkpoints(2);
    expect(first).toMatchObject({ number: 1, position: 3, eventCount: 4, streamCount: 4, previousPosition: -1, reason: 'events', at: 4 });
    expect(first!.moved.map(([, revision]) => revision)).toEqual([0, 0, 0, 0]);
    expect(second).toMatchObject({
      number: 2,
      position: 5,
      eventCount: 6,
      streamCount: 6,
      previousPosition: 3,
      reason: 'finalized',
      at: 6,
    });
    // Moved since position 3: the checkpoints stream (its #1) and the assessment stream.
    expect(second!.moved.map(([streamId, revision]) => [streamId, revision])).toEqual([
      ['assessment-2019', 0],
      ['checkpoints', 0],
    ]);
  });
});

describe('verifyLedger over HTTP', () => {
  it('says intact with the event count and the latest checkpoint', async () => {
    const { data, errors } = await graphql(VERIFY);
    expect(errors).toBeUndefined();
    expect(data!.verifyLedger).toMatchObject({
      intact: true,
      eventCount: 8,
      streamCount: 7,
      heldCheckpoint: null,
      firstBreak: null,
      latestCheckpoint: { number: 2, position: 5, eventCount: 6, streamCount: 6, reason: 'finalized' },
    });
    expect(data!.verifyLedger.summary).toContain('intact: 8 events in 7 streams');
  });

  it('holds an exported checkpoint against the log', async () => {
    const [first] = await checkpoints(1);
    const { data, errors } = await graphql(VERIFY, { checkpoint: exportCheckpoint(first!) });
    expect(errors).toBeUndefined();
    expect(data!.verifyLedger).toMatchObject({ intact: true, heldCheckpoint: 1 });
  });

  it('names the break when the held checkpoint is not the one in the log', async () => {
    const [first] = await checkpoints(1);
    const forged = { ...exportCheckpoint(first!), merkleRoot: 'a'.repeat(64) };
    const { data } = await graphql(VERIFY, { checkpoint: forged });
    expect(data!.verifyLedger).toMatchObject({ intact: false, firstBreak: { kind: 'exported_checkpoint_mismatch' } });
    expect(data!.verifyLedger.firstBreak.message).toContain('not aaaaaaaaaaaa… as exported checkpoint #1 recorded');
  });

  it('rejects a checkpoint file that is not one, with a code', async () => {
    const { errors } = await graphql(VERIFY, { checkpoint: { number: 1 } });
    expect(errors![0]!.extensions.code).toBe('VALIDATION_FAILED');
  });
});
