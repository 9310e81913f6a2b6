import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FEEDBACK_DOCUMENT, loadDemoData } from '../application/demo/index.js';
import { domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { addUnit, bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { xlsxSheets } from './support/officeFiles.js';

/**
 * Source documents (来源文件), 交办日期, 自查上报 and 立行立改 over real HTTP, each role in turn; and the
 * reconciliation (对账) of the demo's national-feedback document, against a count made here from the
 * log, event by event, without the code under test.
 */

const errorCode = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;

describe('the demo’s national-feedback document, reconciled (对账)', () => {
  const NOW = '2021-01-04T09:00:00+08:00';
  let server: TestServer;
  let office: string;

  beforeAll(async () => {
    server = await startTestServer({
      store: await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions)),
      clock: () => NOW,
      notifications: false,
    });
    await loadDemoData(server.ledger, { problems: 120 });
    await server.runner.waitFor(await server.store.headPosition(), 60_000);
    office = await tokenFor(server, ['office']);
  }, 120_000);
  afterAll(() => server.stop());

  /** Each item of the document, folded here by hand from its own events: state, deadline, 销号 day. */
  async function countedFromTheLog(documentId: string) {
    const log: RecordedEvent[] = [];
    for (let after = -1; ; ) {
      const batch = await server.store.readAll({ after, maxCount: 1000 });
      if (batch.length === 0) break;
      log.push(...batch);
      after = batch.at(-1)!.position;
    }
    const items = new Map<
      string,
      { originalNumber: string; ledgerNumber: string; status: string; deadline: string | null; closedOn: string | null }
    >();
    const statusAfter: Record<string, string> = {
      ProblemAssigned: 'assigned',
      AssignmentAcknowledged: 'rectifying',
      RectificationReported: 'awaiting_verification',
      VerificationPassed: 'verified',
      VerificationRejected: 'rectifying',
      ProblemClosed: 'closed',
      ProblemReopened: 'rectifying',
    };
    for (const event of log) {
      const data = event.data as Record<string, string>;
      if (event.type === 'ProblemRaised' && data.sourceDocumentId === documentId)
        items.set(data.problemId!, {
          originalNumber: data.originalNumber!,
          ledgerNumber: data.ledgerNumber!,
          status: 'raised',
          deadline: null,
          closedOn: null,
        });
      const item = items.get(data.problemId ?? '');
      if (!item) continue;
      if (statusAfter[event.type]) item.status = statusAfter[event.type]!;
      if (event.type === 'DeadlineSet' || event.type === 'DeadlineExtended') item.deadline = data.deadline!;
      if (event.type === 'ProblemClosed') item.closedOn = data.closedOn!;
      if (event.type === 'ProblemReopened') item.closedOn = null;
    }
    return [...items.values()].sort((a, b) => Number(a.originalNumber) - Number(b.originalNumber));
  }

  it('lists every item of the document with its state, deadline and 销号 date, and totals that match a count of the log', async () => {
    const documents = await server.gql(`{ sourceDocuments { id documentNumber issuedOn } }`, {}, bearer(office));
    const document = documents.data!.sourceDocuments.find(
      (d: { documentNumber: string }) => d.documentNumber === DEMO_FEEDBACK_DOCUMENT.documentNumber,
    );
    expect(document).toMatchObject({ issuedOn: '2019-01-02' });
    const counted = await countedFromTheLog(document.id);
    expect(counted.length).toBeGreaterThan(5);

    const answer = await server.gql(
      `query($id: ID!) { reconciliation(documentId: $id) { asOf total closed overdue byStatus { status count }
         items { originalNumber ledgerNumber status deadline closedOn overdue } } }`,
      { id: document.id },
      bearer(office),
    );
    expect(answer.errors).toBeUndefined();
    const r = answer.data!.reconciliation;
    expect(r.asOf).toBe('2021-01-04');
    expect(r.items.map((i: Record<string, unknown>) => [i.originalNumber, i.ledgerNumber, i.status, i.deadline, i.closedOn])).toEqual(
      counted.map((c) => [c.originalNumber, c.ledgerNumber, c.status, c.deadline, c.closedOn]),
    );
    const overdue = counted.filter(
      (c) => c.deadline !== null && c.deadline < '2021-01-04' && (c.status === 'assigned' || c.status === 'rectifying'),
    );
    expect(r.total).toBe(counted.length);
    expect(r.closed).toBe(counted.filter((c) => c.status === 'closed').length);
    expect(r.overdue).toBe(overdue.length);
    for (const { status, count } of r.byStatus) expect(count).toBe(counted.filter((c) => c.status === status).length);
  });

  it('exports the same items as .xlsx in the superior’s columns, closed items with their 销号时间', async () => {
    const { data } = await server.gql(`{ sourceDocuments { id documentNumber } }`, {}, bearer(office));
    const documentId = data!.sourceDocuments[0].id as string;
    const counted = await countedFromTheLog(documentId);
    const response = await fetch(`${server.url}/reports/reconciliation/${documentId}.xlsx`, { headers: bearer(office) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(encodeURIComponent('对账表.xlsx'));
    const [sheet] = await xlsxSheets(Buffer.from(await response.arrayBuffer()));
    const [header, ...rows] = sheet!.rows;
    expect(header).toEqual(['序号', '原编号', '问题描述', '责任单位', '整改时限', '整改状态', '销号时间', '台账编号']);
    expect(rows).toHaveLength(counted.length);
    expect(rows.map((row) => [row[0], row[1], row[6] ?? null, row[7]])).toEqual(
      counted.map((c, i) => [i + 1, c.originalNumber, c.closedOn, c.ledgerNumber]),
    );
    expect(rows.filter((row) => String(row[5]).startsWith('已销号'))).toHaveLength(counted.filter((c) => c.status === 'closed').length);
  });

  it('is downloaded by everyone signed in, not without a token; an unknown document is 404', async () => {
    const { data } = await server.gql(`{ sourceDocuments { id } }`, {}, bearer(office));
    const path = `${server.url}/reports/reconciliation/${data!.sourceDocuments[0].id}.xlsx`;
    expect((await fetch(path, { headers: bearer(await tokenFor(server, ['committee'])) })).status).toBe(200);
    expect((await fetch(path)).status).toBe(401);
    const missing = await fetch(`${server.url}/reports/reconciliation/00000000-0000-4000-8000-000000000000.xlsx`, {
      headers: bearer(office),
    });
    expect(missing.status).toBe(404);
    expect((await fetch(path.replace('.xlsx', '.docx'), { headers: bearer(office) })).status).toBe(400);
  });
});

describe('raising items of a document, on their own dates; 自查上报 and 立行立改', () => {
  const NOW = '2019-03-01T09:00:00+08:00';
  let server: TestServer;
  let township: string;
  let otherTownship: string;
  const token = { office: '', unitHead: '', otherHead: '', verifier: '', committee: '' };
  let documentId: string;

  const RAISE = `mutation($source: ProblemSource!, $d: String!, $on: String, $doc: ID, $no: String, $unit: ID, $person: String, $fix: EvidenceInput, $c: ID) {
    raiseProblem(source: $source, category: housing, description: $d, raisedOn: $on, sourceDocumentId: $doc, originalNumber: $no,
                 responsibleUnitId: $unit, responsiblePerson: $person, fixedOnTheSpot: $fix, commandId: $c) {
      problem { id ledgerNumber raisedOn status responsibleUnit { id } } events { type } } }`;
  const SELF_REPORT = `mutation($d: String!, $on: String, $fix: EvidenceInput) {
    selfReportProblem(category: roads, description: $d, responsiblePerson: "储", raisedOn: $on, fixedOnTheSpot: $fix) {
      problem { id ledgerNumber source status responsibleUnit { id } } events { type } } }`;

  beforeAll(async () => {
    server = await startTestServer({ clock: () => NOW, notifications: false });
    township = await addUnit(server, '磨子潭镇');
    otherTownship = await addUnit(server, '诸佛庵镇');
    const bureau = await addUnit(server, '县住建局', 'department');
    token.office = await tokenFor(server, ['office']);
    token.unitHead = await tokenFor(server, ['unit_head'], township);
    token.otherHead = await tokenFor(server, ['unit_head'], otherTownship);
    token.verifier = await tokenFor(server, ['verifier'], bureau);
    token.committee = await tokenFor(server, ['committee']);
    const registered = await server.gql(
      `mutation { registerSourceDocument(issuingBody: "国务院扶贫开发领导小组", title: "关于反馈考核发现问题的通知",
         documentNumber: "国开发〔2019〕3号", issuedOn: "2019-02-15") { document { id documentNumber } events { type } } }`,
      {},
      bearer(token.office),
    );
    expect(registered.errors).toBeUndefined();
    documentId = registered.data!.registerSourceDocument.document.id;
  });
  afterAll(() => server.stop());

  it('a document is registered once by its 文号; another one under the same 文号 is refused', async () => {
    const again = await server.gql(
      `mutation { registerSourceDocument(issuingBody: "国务院扶贫开发领导小组", title: "关于反馈考核发现问题的通知",
         documentNumber: "国开发〔２０１９〕3号", issuedOn: "2019-02-15") { document { id } events { type } } }`,
      {},
      bearer(token.office),
    );
    expect(again.data!.registerSourceDocument).toEqual({ document: { id: documentId }, events: [] });
    const other = await server.gql(
      `mutation { registerSourceDocument(issuingBody: "省扶贫办", title: "另一份", documentNumber: "国开发〔2019〕3号", issuedOn: "2019-02-15") { document { id } } }`,
      {},
      bearer(token.office),
    );
    expect(errorCode(other)).toBe('DOCUMENT_NUMBER_TAKEN');
    const future = await server.gql(
      `mutation { registerSourceDocument(issuingBody: "省扶贫办", title: "明天的", documentNumber: "皖开办〔2019〕9号", issuedOn: "2019-03-02") { document { id } } }`,
      {},
      bearer(token.office),
    );
    expect(errorCode(future)).toBe('DOCUMENT_DATE_IN_FUTURE');
  });

  it('an item of the document is raised on its own past day, in that day’s sequence, and only once (文号 + 原编号)', async () => {
    const first = await server.gql(
      RAISE,
      { source: 'national_feedback', d: '黄河村危房未改造', on: '2019-02-20', doc: documentId, no: '1', unit: township, person: '储' },
      bearer(token.office),
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.raiseProblem.problem).toMatchObject({ ledgerNumber: 'GJ-2019-001', raisedOn: '2019-02-20', status: 'assigned' });
    await server.settled();
    const head = await server.store.headPosition();
    for (const no of ['1', '１', ' 1 ']) {
      const again = await server.gql(
        RAISE,
        { source: 'national_feedback', d: '黄河村危房未改造（再录）', doc: documentId, no, on: '2019-02-21' },
        bearer(token.office),
      );
      expect(errorCode(again)).toBe('SOURCE_ITEM_ALREADY_RAISED');
    }
    expect(await server.store.headPosition()).toBe(head);
    // The deadline of an item raised in the past may be before today, not before its raise day.
    const problemId = first.data!.raiseProblem.problem.id;
    const before = await server.gql(
      `mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-02-19") { problem { deadline } } }`,
      { p: problemId },
      bearer(token.office),
    );
    expect(errorCode(before)).toBe('DEADLINE_BEFORE_RAISE_DATE');
    const past = await server.gql(
      `mutation($p: ID!) { setDeadline(problemId: $p, deadline: "2019-02-28") { problem { deadline } } }`,
      { p: problemId },
      bearer(token.office),
    );
    expect(past.data!.setDeadline.problem.deadline).toBe('2019-02-28');
  });

  it('a raise day in the future, before the document’s date, or a 原编号 without its document is refused, appending nothing', async () => {
    await server.settled();
    const head = await server.store.headPosition();
    const cases: [Record<string, unknown>, string][] = [
      [{ on: '2019-03-02' }, 'RAISED_ON_IN_FUTURE'],
      [{ on: '2019-02-14', doc: documentId, no: '2' }, 'RAISED_BEFORE_DOCUMENT'],
      [{ no: '2' }, 'ORIGINAL_NUMBER_WITHOUT_DOCUMENT'],
      [{ doc: '00000000-0000-4000-8000-000000000000', no: '2' }, 'SOURCE_DOCUMENT_NOT_FOUND'],
    ];
    for (const [vars, code] of cases) {
      const r = await server.gql(RAISE, { source: 'national_feedback', d: '饮水工程未通水', ...vars }, bearer(token.office));
      expect(errorCode(r), code).toBe(code);
    }
    expect(await server.store.headPosition()).toBe(head);
  });

  it('an item of last year is numbered in last year’s sequence', async () => {
    const r = await server.gql(RAISE, { source: 'audit', d: '2018年审计发现资金滞留', on: '2018-12-20' }, bearer(token.office));
    expect(r.data!.raiseProblem.problem).toMatchObject({ ledgerNumber: 'AU-2018-001', raisedOn: '2018-12-20', status: 'raised' });
  });

  it('自查上报: a unit head reports a problem of their own unit; it is theirs and taken on at once', async () => {
    const r = await server.gql(SELF_REPORT, { d: '组通组道路硬化未完成' }, bearer(token.unitHead));
    expect(r.errors).toBeUndefined();
    expect(r.data!.selfReportProblem.problem).toMatchObject({
      ledgerNumber: 'ZC-2019-001',
      source: 'unit_self_report',
      status: 'rectifying',
      responsibleUnit: { id: township },
    });
    expect(r.data!.selfReportProblem.events.map((e: { type: string }) => e.type)).toEqual([
      'ProblemRaised',
      'ProblemAssigned',
      'AssignmentAcknowledged',
    ]);
  });

  it('自查上报 is the unit head’s alone: the office, a verifier and the committee are refused; the office cannot raise one for a unit', async () => {
    for (const role of [token.office, token.verifier, token.committee]) {
      expect((await server.refused(SELF_REPORT, { d: '道路破损' }, bearer(role))).code).toBe('FORBIDDEN');
    }
    await server.settled();
    const head = await server.store.headPosition();
    const byOffice = await server.gql(RAISE, { source: 'unit_self_report', d: '代报', unit: township, person: '储' }, bearer(token.office));
    expect(errorCode(byOffice)).toBe('SELF_REPORT_OF_ANOTHER_UNIT');
    const byHead = await server.gql(
      RAISE,
      { source: 'unit_self_report', d: '代报', unit: otherTownship, person: '储' },
      bearer(token.unitHead),
    );
    expect(errorCode(byHead)).toBe('FORBIDDEN');
    expect(await server.store.headPosition()).toBe(head);
  });

  it('立行立改: an item fixed on the spot lands reported fixed, and closes only after another unit verifies it', async () => {
    const fix = { description: '暗访当场督促补发到户，附回单', files: [] };
    const raised = await server.gql(
      RAISE,
      { source: 'unannounced_visit', d: '暗访发现补助未发放到户', unit: township, person: '储', fix },
      bearer(token.office),
    );
    expect(raised.errors).toBeUndefined();
    const problem = raised.data!.raiseProblem.problem;
    expect(problem).toMatchObject({ ledgerNumber: 'AF-2019-001', status: 'awaiting_verification' });
    const p = { p: problem.id };
    expect(
      errorCode(await server.gql(`mutation($p: ID!) { closeProblem(problemId: $p) { problem { status } } }`, p, bearer(token.office))),
    ).toBe('VERIFICATION_REQUIRED');
    const passed = await server.gql(
      `mutation($p: ID!) { passVerification(problemId: $p, opinion: "核实已发放") { problem { status } } }`,
      p,
      bearer(token.verifier),
    );
    expect(passed.data!.passVerification.problem.status).toBe('verified');
    const closed = await server.gql(`mutation($p: ID!) { closeProblem(problemId: $p) { problem { status } } }`, p, bearer(token.office));
    expect(closed.data!.closeProblem.problem.status).toBe('closed');
    // 立行立改 without the unit that fixed it is refused.
    const noUnit = await server.gql(RAISE, { source: 'county_inspection', d: '当场整改', fix }, bearer(token.office));
    expect(errorCode(noUnit)).toBe('VALIDATION_FAILED');
  });

  it('a unit head’s self-report fixed on the spot waits for a verifier of another unit', async () => {
    const r = await server.gql(
      SELF_REPORT,
      { d: '村部公示栏信息过期', fix: { description: '已当场更新公示', files: [] } },
      bearer(token.unitHead),
    );
    expect(r.data!.selfReportProblem.problem.status).toBe('awaiting_verification');
    expect(r.data!.selfReportProblem.events.map((e: { type: string }) => e.type)).toEqual([
      'ProblemRaised',
      'ProblemAssigned',
      'AssignmentAcknowledged',
      'RectificationReported',
    ]);
  });

  it('the reconciliation of the document lists its item beside its ledger number and state', async () => {
    const r = await server.gql(
      `query($id: ID!) { reconciliation(documentId: $id) { total closed overdue items { originalNumber ledgerNumber unitName status deadline overdue } } }`,
      { id: documentId },
      bearer(token.unitHead),
    );
    expect(r.data!.reconciliation).toEqual({
      total: 1,
      closed: 0,
      overdue: 1,
      items: [
        {
          originalNumber: '1',
          ledgerNumber: 'GJ-2019-001',
          unitName: '磨子潭镇',
          status: 'assigned',
          deadline: '2019-02-28',
          overdue: true,
        },
      ],
    });
  });
});
