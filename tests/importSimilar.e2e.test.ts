import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/**
 * 举一反三 when a problem list is imported, over real HTTP: the preview names, beside each new row,
 * the existing problems of any unit its description resembles (ledger number, unit, state, score,
 * shared words), and none beside a row about something else; a row imported before has none; the
 * preview still appends nothing.
 */
let server: TestServer;
let office: string;
const ids: Record<string, string> = {};

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

/** A GraphQL multipart request with a CSV problem list, as the web app sends it. */
async function upload(query: string, csv: string) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { f: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', new Blob([Buffer.from(csv, 'utf8')]), 'list.csv');
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', body: form, headers: bearer(office) });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const PREVIEW = `mutation($f: File!) { previewImport(file: $f) { rows { row alreadyImported similar {
  problem { ledgerNumber status responsibleUnit { name } } score textSimilarity sharedWords sameCategory sameSource link } } } }`;

const HEADER = '问题来源,问题类别,问题描述,责任单位,责任人,整改时限\n';
const HOUSING_ROW = '国家反馈,住房安全,单龙寺镇贫困户仍居住在危房中，危房改造未完成,,,\n';
const UNRELATED_ROW = '审计,资金使用,光伏电站收益分配台账缺失,,,\n';

beforeAll(async () => {
  server = await startTestServer({ clock: () => '2019-03-01T09:00:00+08:00', notifications: false });
  const admin = await logIn(server, (await addUser(server, { roles: ['admin'] })).login);
  ids.T1 = (await ok(`mutation { registerUnit(name: "磨子潭镇", kind: township) { unit { id } } }`, {}, admin)).registerUnit.unit.id;
  office = await logIn(server, (await addUser(server, { roles: ['office'] })).login);
  const raise = async (category: string, description: string) => {
    const p = (
      await ok(
        `mutation($c: ProblemCategory!, $d: String!) { raiseProblem(source: county_self_check, category: $c, description: $d) { problem { id } } }`,
        { c: category, d: description },
      )
    ).raiseProblem.problem.id as string;
    await ok(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "王主任") { problem { id } } }`,
      {
        p,
        u: ids.T1,
      },
    );
    return p;
  };
  ids.housing = await raise('housing', '磨子潭镇柳树村2户贫困户仍居住在危房中，危房改造未完成'); // XZ-2019-001
  ids.water = await raise('drinking_water', '磨子潭镇集中供水点水质浑浊，饮水不安全'); // XZ-2019-002
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('the import preview shows the existing problems each new row resembles', () => {
  it('names the housing problem beside the housing row, and nothing beside an unrelated row; appends nothing', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const { previewImport } = await upload(PREVIEW, HEADER + HOUSING_ROW + UNRELATED_ROW);
    expect(await server.store.headPosition()).toBe(head);
    const [housing, unrelated] = previewImport.rows;
    expect(housing.row).toBe(2);
    expect(housing.alreadyImported).toBe(false);
    // Only the housing problem resembles it: the water problem shares no word with it.
    expect(housing.similar.map((m: { problem: unknown }) => m.problem)).toEqual([
      { ledgerNumber: 'XZ-2019-001', status: 'assigned', responsibleUnit: { name: '磨子潭镇' } },
    ]);
    const [match] = housing.similar;
    // Same category (住房安全), another source (国家反馈 against 县自查): score = text similarity + 0.15.
    expect(match).toMatchObject({ sameCategory: true, sameSource: false, link: null });
    expect(match.score).toBeCloseTo(match.textSimilarity + 0.15, 10);
    expect(match.textSimilarity).toBeGreaterThan(0.3);
    expect(match.sharedWords).toEqual(expect.arrayContaining(['居住', '改造', '未完成']));
    expect(match.sharedWords).not.toContain('磨子潭镇');

    expect(unrelated).toMatchObject({ row: 3, alreadyImported: false, similar: [] });
  });

  it('shows at most three, best first, and none for a row imported before', async () => {
    for (const village of ['黄河村', '东山村', '柳树村']) {
      await upload(
        'mutation($f: File!) { importProblems(file: $f) { created } }',
        `${HEADER}县自查,住房安全,${village}贫困户住房为危房，危房改造未实施,,,\n`,
      );
    }
    const { previewImport } = await upload(PREVIEW, HEADER + HOUSING_ROW);
    const scores = previewImport.rows[0].similar.map((m: { score: number }) => m.score);
    // Five problems exist, four about 危房: the preview keeps the three closest, best first.
    expect(scores).toHaveLength(3);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(previewImport.rows[0].similar.map((m: { problem: { ledgerNumber: string } }) => m.problem.ledgerNumber)).not.toContain(
      'XZ-2019-002',
    );

    const again = await upload(PREVIEW, `${HEADER}县自查,住房安全,柳树村贫困户住房为危房，危房改造未实施,,,\n`);
    expect(again.previewImport.rows).toEqual([{ row: 2, alreadyImported: true, similar: [] }]);
  });
});
