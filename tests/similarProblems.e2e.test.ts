import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * 举一反三 over real HTTP: `similarProblems` finds the problems of other units that resemble one
 * (by its id, or by a text being written), with why; the office links a later problem to an earlier
 * one as its recurrence (复发) or as related (相关), across units, and both problems show the link;
 * bad requests are refused with a stable code and nothing appended; a unit head reads the similar
 * problems of every unit but cannot link.
 */
let server: TestServer;
const now = { value: '2019-03-01T09:00:00+08:00' };
const as = { office: '', admin: '', head: '' };
const ids: Record<string, string> = {};
const logins = new Map<keyof typeof as, string>();

/** Moves the server's clock; sign-ins expire with it, so everyone signs in again. */
async function clockAt(instant: string) {
  now.value = instant;
  for (const [who, login] of logins) as[who] = await logIn(server, login);
}

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = as.office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

const refused = (query: string, variables: Record<string, unknown>, token = as.office) => server.refused(query, variables, bearer(token));

async function raise(category: string, description: string, unitId: string, day: string): Promise<string> {
  await clockAt(`${day}T09:00:00+08:00`);
  const p = (
    await ok(
      `mutation($c: ProblemCategory!, $d: String!) { raiseProblem(source: county_self_check, category: $c, description: $d) { problem { id } } }`,
      {
        c: category,
        d: description,
      },
    )
  ).raiseProblem.problem.id as string;
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任") { problem { id } } }`,
    {
      p,
      u: unitId,
    },
  );
  return p;
}

const SIMILAR = `query($p: ID, $t: String, $c: ProblemCategory, $l: Int) { similarProblems(problemId: $p, text: $t, category: $c, limit: $l) {
  problem { id ledgerNumber status responsibleUnit { name } } score textSimilarity sharedWords sameCategory sameSource link } }`;
const LINK = `mutation($p: ID!, $e: ID!, $k: ProblemLinkKind!) { linkProblem(problemId: $p, earlierProblemId: $e, kind: $k) {
  problem { recurrenceOf { id } links { kind direction problem { id } } } events { type data } } }`;
const LINKS = `query($p: ID!) { problem(id: $p) { recurrenceOf { id } links { kind direction problem { id } linkedBy } } }`;

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.value, notifications: false });
  logins.set('admin', (await addUser(server, { roles: ['admin'] })).login);
  await clockAt(now.value);
  const unit = async (name: string) =>
    (await ok(`mutation($n: String!) { registerUnit(name: $n, kind: township) { unit { id } } }`, { n: name }, as.admin)).registerUnit.unit
      .id;
  ids.T1 = await unit('磨子潭镇');
  ids.T2 = await unit('诸佛庵镇');
  logins.set('office', (await addUser(server, { roles: ['office'] })).login);
  logins.set('head', (await addUser(server, { roles: ['unit_head'], unitId: ids.T2 })).login);
  await clockAt(now.value);
  ids.housing1 = await raise('housing', '磨子潭镇柳树村2户贫困户仍居住在危房中，危房改造未完成', ids.T1!, '2019-03-01');
  ids.water = await raise('drinking_water', '磨子潭镇集中供水点水质浑浊，饮水不安全', ids.T1!, '2019-03-02');
  ids.housing2 = await raise('housing', '诸佛庵镇石桥村贫困户住房为危房，危房改造至今未实施', ids.T2!, '2019-08-01');
  ids.subsidy = await raise('housing', '诸佛庵镇危房改造补助资金未及时兑付到户', ids.T2!, '2019-08-02');
});
afterAll(() => server.stop());

describe('similarProblems (举一反三)', () => {
  it('finds the problem of another unit that resembles one, with the words they share and the same category', async () => {
    const found = (await ok(SIMILAR, { p: ids.housing2 })).similarProblems as any[];
    expect(found.map((m) => m.problem.id)).toEqual([ids.housing1, ids.subsidy]);
    expect(found[0]).toMatchObject({
      problem: { responsibleUnit: { name: '磨子潭镇' }, status: 'assigned' },
      sameCategory: true,
      sameSource: true,
      link: null,
    });
    expect(found[0].sharedWords).toEqual(expect.arrayContaining(['危', '房', '改造', '贫困']));
    expect(found[0].score).toBeCloseTo(found[0].textSimilarity + 0.2, 10);
  });

  it('answers a text being written, with the category it will have; a unit head reads every unit’s', async () => {
    const found = (await ok(SIMILAR, { t: '自来水水质浑浊，饮水不达标', c: 'drinking_water' }, as.head)).similarProblems as any[];
    expect(found.map((m) => m.problem.id)).toEqual([ids.water]);
    expect(found[0]).toMatchObject({ sameCategory: true, sameSource: false });
  });

  it('refuses neither or both of problemId and text, an unknown problem and a limit out of range', async () => {
    expect(await refused(SIMILAR, {})).toMatchObject({ code: 'VALIDATION_FAILED', field: 'problemId' });
    expect(await refused(SIMILAR, { p: ids.water, t: '水' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'text' });
    expect(await refused(SIMILAR, { p: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ code: 'PROBLEM_NOT_FOUND' });
    expect(await refused(SIMILAR, { p: ids.water, l: 0 })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
  });
});

describe('linking problems (复发 / 相关)', () => {
  it('the office links a problem to an earlier one of another unit as its recurrence; both show it', async () => {
    const linked = (await ok(LINK, { p: ids.housing2, e: ids.housing1, k: 'recurrence' })).linkProblem;
    expect(linked.events).toEqual([
      { type: 'ProblemLinked', data: { problemId: ids.housing2, earlierProblemId: ids.housing1, kind: 'recurrence' } },
    ]);
    expect(linked.problem.recurrenceOf).toEqual({ id: ids.housing1 });
    const earlier = (await ok(LINKS, { p: ids.housing1 })).problem;
    expect(earlier.links).toEqual([
      { kind: 'recurrence', direction: 'later', problem: { id: ids.housing2 }, linkedBy: expect.any(String) },
    ]);
    const found = (await ok(SIMILAR, { p: ids.housing2 })).similarProblems as any[];
    expect(found.find((m) => m.problem.id === ids.housing1).link).toBe('recurrence');
  });

  it('links as related too; the same link again appends nothing', async () => {
    const first = (await ok(LINK, { p: ids.subsidy, e: ids.housing2, k: 'related' })).linkProblem;
    expect(first.events).toHaveLength(1);
    expect((await ok(LINK, { p: ids.subsidy, e: ids.housing2, k: 'related' })).linkProblem.events).toEqual([]);
    expect(first.problem.links).toEqual([{ kind: 'related', direction: 'earlier', problem: { id: ids.housing2 } }]);
  });

  it('refuses a second recurrence, a later problem, itself and an unknown one, appending nothing; a unit head may not link', async () => {
    expect(await refused(LINK, { p: ids.housing2, e: ids.water, k: 'recurrence' })).toMatchObject({ code: 'RECURRENCE_ALREADY_LINKED' });
    expect(await refused(LINK, { p: ids.housing1, e: ids.housing2, k: 'related' })).toMatchObject({
      code: 'LINK_TO_LATER_PROBLEM',
      field: 'earlierProblemId',
    });
    expect(await refused(LINK, { p: ids.water, e: ids.water, k: 'related' })).toMatchObject({ code: 'LINK_TO_ITSELF' });
    expect(await refused(LINK, { p: ids.water, e: '00000000-0000-4000-8000-000000000000', k: 'related' })).toMatchObject({
      code: 'PROBLEM_NOT_FOUND',
      field: 'earlierProblemId',
    });
    expect(await refused(LINK, { p: ids.subsidy, e: ids.housing1, k: 'related' }, as.head)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a raise naming the problem it repeats records the same link', async () => {
    await clockAt('2019-09-01T09:00:00+08:00');
    const raised = (
      await ok(
        `mutation($e: ID!) { raiseProblem(source: county_self_check, category: housing, description: "柳树村危房再次出现", recurrenceOf: $e) {
        problem { id recurrenceOf { id } } events { type } } }`,
        { e: ids.housing1 },
      )
    ).raiseProblem;
    expect(raised.events.map((e: { type: string }) => e.type)).toEqual(['ProblemRaised', 'ProblemLinked']);
    expect(raised.problem.recurrenceOf).toEqual({ id: ids.housing1 });
    expect((await ok(LINKS, { p: ids.housing1 })).problem.links.map((l: any) => l.problem.id)).toEqual([ids.housing2, raised.problem.id]);
  });
});
