import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, addUser, bearer, logIn, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/** The 12317 hotline from the public's side and the office's, and the audit trail. */
let server: TestServer;
let office: string;
let township: string;
const now = { value: '2019-08-12T10:30:00+08:00' };

const submit = (text: string, extra = '') =>
  server.gql<any>(`mutation($t: String!) { submitHotlineReport(text: $t${extra}) { receiptCode } }`, { t: text });
const statusOf = (code: string) => server.gql<any>(`query($c: String!) { hotlineReportStatus(receiptCode: $c) }`, { c: code });

beforeAll(async () => {
  // The clock moves over days here: sign-ins last a month.
  server = await startTestServer({ clock: () => now.value, limits: { hotlineReportsPerIpPerHour: 6 }, tokenTtlSeconds: 30 * 86_400 });
  township = await addUnit(server, '磨子潭镇');
  office = await tokenFor(server, ['office']);
});
afterAll(() => server.stop());

describe('a member of the public reports to the hotline', () => {
  it('gets a receipt code, and with it only the status', async () => {
    const response = await submit('村干部优亲厚友，把低保给了亲戚', `, contact: "138****0000", unitId: "${township}"`);
    expect(response.errors).toBeUndefined();
    const code: string = response.data.submitHotlineReport.receiptCode;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect((await statusOf(code)).data.hotlineReportStatus).toBe('received');
    // Typed back in lower case, without dashes: still found.
    expect((await statusOf(code.toLowerCase().replace(/-/g, ' '))).data.hotlineReportStatus).toBe('received');
  });

  it('a code that does not exist says so, and nothing more', async () => {
    const response = await statusOf('AAAA-BBBB-CCCC');
    expect(response.errors?.[0]?.extensions?.code).toBe('RECEIPT_NOT_FOUND');
    expect(response.errors?.[0]?.message).toBe('No hotline report has this receipt code; check the code.');
  });

  it('an empty report is refused and nothing is appended', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const response = await submit('   ');
    expect(response.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(await server.store.headPosition()).toBe(head);
  });
});

describe('the office triages', () => {
  it('into a hotline problem linked to the report; the reporter then sees "accepted"', async () => {
    const code = (await submit('危房改造补助被截留')).data.submitHotlineReport.receiptCode;
    const tray = await server.gql<any>(`{ hotlineReports(status: received) { id receiptCode text } }`, {}, bearer(office));
    const report = tray.data.hotlineReports.find((r: { receiptCode: string }) => r.receiptCode === code);
    expect(report.text).toBe('危房改造补助被截留');
    const triaged = await server.gql<any>(
      `mutation($r: ID!) { triageHotlineReport(reportId: $r, category: fund_misuse, commandId: "triage-1") { id ledgerNumber source description history { type data } } }`,
      { r: report.id },
      bearer(office),
    );
    expect(triaged.errors).toBeUndefined();
    const problem = triaged.data.triageHotlineReport;
    expect(problem).toMatchObject({ ledgerNumber: 'RX-2019-001', source: 'hotline', description: '危房改造补助被截留' });
    expect(problem.history[0].data.hotlineReportId).toBe(report.id);
    expect((await statusOf(code)).data.hotlineReportStatus).toBe('accepted');
    const linked = await server.gql<any>(
      `{ hotlineReports(status: accepted) { receiptCode problem { ledgerNumber } } }`,
      {},
      bearer(office),
    );
    expect(linked.data.hotlineReports).toEqual([{ receiptCode: code, problem: { ledgerNumber: 'RX-2019-001' } }]);

    // Retried with the same command id: the same problem, nothing new.
    await server.settled();
    const head = await server.store.headPosition();
    const again = await server.gql<any>(
      `mutation($r: ID!) { triageHotlineReport(reportId: $r, category: fund_misuse, commandId: "triage-1") { ledgerNumber } }`,
      { r: report.id },
      bearer(office),
    );
    expect(again.data.triageHotlineReport.ledgerNumber).toBe('RX-2019-001');
    expect(await server.store.headPosition()).toBe(head);
    // A second triage (another command) is refused, and raises no second problem.
    const second = await server.gql(
      `mutation($r: ID!) { triageHotlineReport(reportId: $r, category: fund_misuse) { ledgerNumber } }`,
      { r: report.id },
      bearer(office),
    );
    expect(second.errors?.[0]?.extensions?.code).toBe('HOTLINE_REPORT_TRIAGED');
    expect(await server.store.headPosition()).toBe(head);
  });

  it('or dismisses it with a reason the reporter does not see', async () => {
    const code = (await submit('邻居家的狗太吵')).data.submitHotlineReport.receiptCode;
    const reportId = server.hotline.reportIdFor(code);
    const dismissed = await server.gql<any>(
      `mutation($r: ID!) { dismissHotlineReport(reportId: $r, reason: "不属于扶贫领域") { status dismissalReason } }`,
      { r: reportId },
      bearer(office),
    );
    expect(dismissed.data.dismissHotlineReport).toEqual({ status: 'dismissed', dismissalReason: '不属于扶贫领域' });
    expect(await statusOf(code)).toEqual({ data: { hotlineReportStatus: 'dismissed' } });
  });

  it('limits reports per address', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) codes.push(String((await submit(`第${i}次举报`)).errors?.[0]?.extensions?.code ?? 'ok'));
    // Six per hour in this server; four were made above (the empty one counts too).
    expect(codes).toEqual(['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('the audit trail', () => {
  it('lists who did what and when, filtered by actor, unit and time; never the data', async () => {
    const head = await addUser(server, { roles: ['unit_head'], unitId: township, displayName: '储镇长' });
    const headToken = await logIn(server, head.login);
    const admin = await tokenFor(server, ['admin']);
    now.value = '2019-08-13T09:00:00+08:00';
    const raised = await server.gql<any>(
      `mutation { raiseProblem(source: county_self_check, category: roads, description: "道路未硬化") { problem { id } } }`,
      {},
      bearer(office),
    );
    const problemId = raised.data.raiseProblem.problem.id;
    await server.gql(
      `mutation($p: ID!, $u: ID!) { assignProblem(problemId: $p, responsibleUnitId: $u, responsiblePerson: "储") { problem { id } } }`,
      { p: problemId, u: township },
      bearer(office),
    );
    now.value = '2019-08-14T09:00:00+08:00';
    const ack = await server.gql(
      `mutation($p: ID!) { acknowledgeAssignment(problemId: $p, acknowledgedBy: "储") { problem { id } } }`,
      { p: problemId },
      bearer(headToken),
    );
    expect(ack.errors).toBeUndefined();

    const audit = async (args: string, token = office) => {
      const response = await server.gql<any>(
        `{ auditLog(${args}) { type streamId occurredAt actor { name role unitId } } }`,
        {},
        bearer(token),
      );
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      return response.data.auditLog;
    };
    expect(await audit(`actorUserId: "${head.userId}"`)).toEqual([
      {
        type: 'AssignmentAcknowledged',
        streamId: `problem-${problemId}`,
        occurredAt: '2019-08-14T09:00:00+08:00',
        actor: { name: '储镇长', role: 'unit_head', unitId: township },
      },
    ]);
    expect((await audit(`unitId: "${township}"`)).map((e: { type: string }) => e.type)).toEqual(['AssignmentAcknowledged']);
    expect(
      (await audit(`from: "2019-08-13T00:00:00+08:00", to: "2019-08-14T00:00:00+08:00"`, admin)).map((e: { type: string }) => e.type),
    ).toEqual(['ProblemAssigned', 'ProblemRaised', 'LedgerNumberReserved']);
    const malformed = await server.gql(`{ auditLog(from: "yesterday") { type } }`, {}, bearer(office));
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'from' });
  });
});
