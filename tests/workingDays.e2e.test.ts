import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/** Deadlines in working days (工作日) over real HTTP: counted on the adopted county calendar, recorded with the day. */
let server: TestServer;
let township: string;
const as = { office: '', committee: '', admin: '' };
const now = { value: '2019-09-25T09:00:00+08:00' };

/** 国庆 2019 as published (国办发明电〔2018〕15号): 1–7 October rested, 29 September and 12 October worked. */
const autumn2019 = {
  name: '2019年国庆节假日安排',
  years: [2019],
  holidays: ['2019-10-01', '2019-10-02', '2019-10-03', '2019-10-04', '2019-10-05', '2019-10-06', '2019-10-07'],
  workingWeekends: ['2019-09-29', '2019-10-12'],
  source: '国务院办公厅关于2019年部分节假日安排的通知（国办发明电〔2018〕15号）',
  marked: 'published schedule',
};

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = as.office): Promise<T> {
  const response = await server.gql<T>(query, variables, bearer(token));
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

async function assignedProblem(): Promise<string> {
  const raised = await ok(
    `mutation { raiseProblem(source: county_self_check, category: housing, description: "危房改造未完成") { problem { id } } }`,
  );
  const id = raised.raiseProblem.problem.id as string;
  await ok(
    `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "储") { problem { id } } }`,
    { p: id, u: township },
  );
  return id;
}

/** Runs `body` with the clock at `instant`, signed in afresh (a token's lifetime follows the clock). */
async function at(instant: string, body: () => Promise<void>) {
  const before = { clock: now.value, office: as.office };
  now.value = instant;
  as.office = await tokenFor(server, ['office']);
  try {
    await body();
  } finally {
    now.value = before.clock;
    as.office = before.office;
  }
}

const DEADLINE_FIELDS = 'problem { deadline } events { type data } warnings';

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.value, notifications: false });
  as.admin = await tokenFor(server, ['admin']);
  township = (await ok(`mutation { registerUnit(name: "磨子潭镇", kind: township) { unit { id } } }`, {}, as.admin)).registerUnit.unit.id;
  as.office = await tokenFor(server, ['office']);
  as.committee = await tokenFor(server, ['committee']);
});
afterAll(() => server.stop());

describe('deadlines in working days (工作日)', () => {
  it('before any calendar: none in force, and working days count Monday to Friday, with a warning', async () => {
    expect((await ok(`{ calendarInForce { name } }`)).calendarInForce).toBeNull();
    const p = await assignedProblem();
    const data = await ok(`mutation($p: ID!) { setDeadline(problemId: $p, workingDays: 15) { ${DEADLINE_FIELDS} } }`, { p });
    // Monday to Friday from Wednesday 2019-09-25: 9/26, 9/27, 9/30, 10/1–10/4, 10/7–10/11, 10/14–10/16.
    expect(data.setDeadline.problem.deadline).toBe('2019-10-16');
    expect(data.setDeadline.warnings).toHaveLength(1);
    expect(data.setDeadline.warnings[0]).toMatch(/No county calendar/);
  });

  it('the committee adopts the calendar; it is in force', async () => {
    const adopted = await ok(
      `mutation($d: JSON!) { adoptCalendar(document: $d, reason: "国务院办公厅通知") { calendar { version name years marked adoptedBy } events { type } } }`,
      { d: autumn2019 },
      as.committee,
    );
    expect(adopted.adoptCalendar.events.map((e: { type: string }) => e.type)).toEqual(['CalendarAdopted']);
    expect(adopted.adoptCalendar.calendar).toMatchObject({
      version: 1,
      name: autumn2019.name,
      years: [2019],
      marked: 'published schedule',
    });
    const inForce = await ok(`{ calendarInForce { version holidays workingWeekends source } }`);
    expect(inForce.calendarInForce).toEqual({
      version: 1,
      holidays: autumn2019.holidays,
      workingWeekends: autumn2019.workingWeekends,
      source: autumn2019.source,
    });
  });

  it('setDeadline with workingDays records the day it comes to and the count', async () => {
    const p = await assignedProblem();
    const data = await ok(`mutation($p: ID!) { setDeadline(problemId: $p, workingDays: 15) { ${DEADLINE_FIELDS} } }`, { p });
    // From Wednesday 2019-09-25: 9/26, 9/27, 9/29 (worked Sunday), 9/30, then after 国庆 10/8–10/11, 10/12 (worked Saturday), 10/14–10/18, 10/21.
    expect(data.setDeadline.problem.deadline).toBe('2019-10-21');
    expect(data.setDeadline.events).toEqual([{ type: 'DeadlineSet', data: { problemId: p, deadline: '2019-10-21', workingDays: 15 } }]);
    expect(data.setDeadline.warnings).toEqual([]);
    const history = await ok(`query($p: ID) { problem(id: $p) { history { type data } } }`, { p });
    expect(history.problem.history.at(-1).data).toEqual({ problemId: p, deadline: '2019-10-21', workingDays: 15 });

    // Extended on 2019-10-21 by 5 working days: 10/22, 10/23, 10/24, 10/25, 10/28.
    await at('2019-10-21T10:00:00+08:00', async () => {
      const extended = await ok(
        `mutation($p: ID!) { extendDeadline(problemId: $p, workingDays: 5, reason: "汛期道路中断") { ${DEADLINE_FIELDS} } }`,
        { p },
      );
      expect(extended.extendDeadline.events[0].data).toMatchObject({
        previousDeadline: '2019-10-21',
        deadline: '2019-10-28',
        workingDays: 5,
        extensionCount: 1,
      });
    });
  });

  it('a deadline given as a day records workingDays null', async () => {
    const p = await assignedProblem();
    const data = await ok(`mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-12-31") { ${DEADLINE_FIELDS} } }`, { p });
    expect(data.setDeadline.events[0].data).toEqual({ problemId: p, deadline: '2019-12-31', workingDays: null });
  });

  it('warns when the count runs past the years the calendar covers', async () => {
    await at('2019-12-27T09:00:00+08:00', async () => {
      const p = await assignedProblem();
      // Friday 2019-12-27: 12/30 (1), 12/31 (2), 2020-01-01 (3) — 元旦 2020 is not in this calendar.
      const data = await ok(`mutation($p: ID!) { setDeadline(problemId: $p, workingDays: 3) { ${DEADLINE_FIELDS} } }`, { p });
      expect(data.setDeadline.problem.deadline).toBe('2020-01-01');
      expect(data.setDeadline.warnings[0]).toMatch(/covers 2019/);
    });
  });

  describe('refused, with the field named and nothing appended', () => {
    const refused = (query: string, p: string) => server.refused(query, { p }, bearer(as.office));

    it('both a day and working days', async () => {
      const p = await assignedProblem();
      const error = await refused(
        `mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-10-31", workingDays: 10) { problem { id } } }`,
        p,
      );
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'workingDays' });
      expect(error.message).toMatch(/not both/);
    });

    it('neither', async () => {
      const p = await assignedProblem();
      const error = await refused(`mutation($p: ID!) { setDeadline(problemId: $p) { problem { id } } }`, p);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'deadline' });
      await ok(`mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-10-31") { problem { id } } }`, { p });
      const extension = await refused(`mutation($p: ID!) { extendDeadline(problemId: $p, reason: "需要更多时间") { problem { id } } }`, p);
      expect(extension).toMatchObject({ code: 'VALIDATION_FAILED', field: 'deadline' });
    });

    it('working days out of range', async () => {
      const p = await assignedProblem();
      const error = await refused(`mutation($p: ID!) { setDeadline(problemId: $p, workingDays: 400) { problem { id } } }`, p);
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [{ field: 'workingDays', message: 'must be at most 365' }],
      });
    });

    it('a calendar whose make-up working day is a weekday', async () => {
      await server.settled();
      const head = await server.store.headPosition();
      const response = await server.gql(
        `mutation($d: JSON!) { adoptCalendar(document: $d, reason: "错误") { calendar { version } } }`,
        { d: { ...autumn2019, workingWeekends: ['2019-10-08'] } },
        bearer(as.office),
      );
      expect(response.errors![0]!.extensions?.code).toBe('VALIDATION_FAILED');
      expect(response.errors![0]!.message).toMatch(/2019-10-08 is not a Saturday or Sunday/);
      expect(await server.store.headPosition()).toBe(head);
    });
  });
});
