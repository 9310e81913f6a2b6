import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, domainEventDefinitions } from '../../domain/index.js';
import { openEventStore } from '../../eventstore/index.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { schemaCodec } from '../../eventstore/schemaCodec.js';
import { recomputeFinalized } from '../../projections/scorecards/finalized.js';
import { addUser, bearer, logIn } from '../support/accounts.js';
import { type TestServer, startTestServer } from '../support/httpServer.js';
import { scenario } from './scenario.js';

const s = scenario();
const { P3, P4 } = s.problems;
let now = '2020-01-15T10:00:00+08:00';
let server: TestServer;
let store: EventStore;
const tokens = { office: '', committee: '', admin: '' };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
type Answer = { data: any; errors?: { message: string; extensions?: { code?: string } }[] };
const as =
  (who: keyof typeof tokens) =>
  async (query: string, variables: Record<string, unknown> = {}) =>
    (await server.gql(query, variables, bearer(tokens[who]))) as Answer;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const VERIFY = `{ verifyAssessment(year: 2019) { year identical verified chainIntact finalizedHash recomputedHash summary checkpoint { number position merkleRoot reason } } }`;

async function allEvents(): Promise<RecordedEvent[]> {
  return store.readAll({ after: -1, maxCount: 100_000 });
}

/** Asks until the checkpointer (which follows the log) has recorded the checkpoint at the finalization. */
async function verifyOnceCheckpointed(who: keyof typeof tokens): Promise<Answer> {
  for (let i = 0; ; i++) {
    const answer = await as(who)(VERIFY);
    if (answer.errors || answer.data.verifyAssessment.checkpoint || i === 50) return answer;
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  for (const { streamId, event } of s.builder.entries) await store.appendToStream(streamId, [event], 'any');
  server = await startTestServer({ store, clock: () => now, tokenTtlSeconds: 365 * 24 * 3600 });
  for (const [who, role, displayName] of [
    ['office', 'office', '县督查办'],
    ['committee', 'committee', '县考核委员会'],
    ['admin', 'admin', '系统管理员'],
  ] as const) {
    const user = await addUser(server, { roles: [role], displayName });
    tokens[who] = await logIn(server, user.login, user.password);
  }
});
afterAll(async () => {
  await server.stop();
});

describe('reproducible scorecards', () => {
  it('a finalized year recomputed from its pinned position gives byte-identical cards after later events, verified against its checkpoint', async () => {
    const notYet = await as('committee')(VERIFY);
    expect(notYet.errors?.[0]?.extensions?.code).toBe('NOT_FINALIZED');

    const finalized = await as('committee')(`mutation { finalizeAssessment(year: 2019, policyVersion: 0) { events { type data } } }`);
    expect(finalized.errors).toBeUndefined();
    const pin = finalized.data.finalizeAssessment.events[0].data as {
      year: number;
      policyVersion: number;
      asOf: string;
      position: number;
      cardsHash: string;
    };
    expect(pin).toMatchObject({ year: 2019, policyVersion: 0, asOf: '2020-01-15T10:00:00+08:00' });
    const atFinalization = recomputeFinalized(await allEvents(), pin);
    // The canonical string is what the frozen hash was taken over.
    expect(sha256(atFinalization.canonical)).toBe(pin.cardsHash);
    expect(atFinalization.canonical.startsWith('["')).toBe(true);

    // Later: a problem reopened, a new problem event, a stricter policy adopted.
    now = '2020-02-01T10:00:00+08:00';
    const reopened = await as('office')(
      `mutation($p: ID!) { reopenProblem(problemId: $p, reason: "回头看发现反弹") { problem { status } } }`,
      { p: P3.problemId },
    );
    expect(reopened.errors).toBeUndefined();
    const strict = {
      ...defaultPolicy,
      name: '2019年度从严考核办法',
      scoring: { ...defaultPolicy.scoring, grades: { good: 99, fairlyGood: 98, average: 97 } },
    };
    const adopted = await as('admin')(`mutation($d: JSON!) { adoptPolicy(document: $d, reason: "从严考核") { policy { version } } }`, {
      d: strict,
    });
    expect(adopted.data.adoptPolicy.policy).toEqual({ version: 1 });

    const later = await allEvents();
    expect(later.length).toBeGreaterThan(pin.position + 3);
    const again = recomputeFinalized(later, pin);
    expect(again.canonical).toBe(atFinalization.canonical);
    expect(again.hash).toBe(pin.cardsHash);

    // Tampering with a copy of the log before the pinned position (dropping P4's events) breaks the reproduction.
    const tampered = later.filter((e) => (e.data as { problemId?: string } | null)?.problemId !== P4.problemId);
    expect(tampered.length).toBeLessThan(later.length);
    const broken = recomputeFinalized(tampered, pin);
    expect(broken.canonical).not.toBe(atFinalization.canonical);
    expect(broken.hash).not.toBe(pin.cardsHash);

    // Over HTTP: identical, and verified against the checkpoint the follower recorded at the finalization.
    const answer = await verifyOnceCheckpointed('committee');
    expect(answer.errors).toBeUndefined();
    const v = answer.data.verifyAssessment;
    expect(v).toMatchObject({
      year: 2019,
      identical: true,
      chainIntact: true,
      verified: true,
      finalizedHash: pin.cardsHash,
      recomputedHash: pin.cardsHash,
    });
    expect(v.checkpoint.reason).toBe('finalized');
    expect(v.checkpoint.position).toBeGreaterThan(pin.position);
    expect(v.checkpoint.merkleRoot).toMatch(/^[0-9a-f]{64}$/);
    expect(v.summary).toBe(`verified against checkpoint ${v.checkpoint.number}`);

    const byAdmin = await as('admin')(VERIFY);
    expect(byAdmin.data.verifyAssessment.identical).toBe(true);
    const byOffice = await as('office')(VERIFY);
    expect(byOffice.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
