import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../application/demo/index.js';
import { Ledger } from '../application/ledger.js';
import { RecordInterview, defaultPolicy, domainEventDefinitions, interviewDecider, interviewStreamId } from '../domain/index.js';
import { handleCommand } from '../eventstore/commandHandler.js';
import { openEventStore } from '../eventstore/index.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { addUser, bearer, logIn } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { docxTables, docxText, xlsxSheets } from './support/officeFiles.js';

/*
 * The monthly bulletin (月通报) of a demo month over real HTTP. Every figure is checked against a
 * count made here from the raw events of the log, by their types and dates, without the read
 * models: the bulletin is judged by the history it was built from.
 */

/** The demo's last month: what the setup adds at its end (a recurrence, a 督办 reply, 12317 reports, an interview) is history as it would be. */
const MONTH = '2020-12';
const FIRST = '2020-12-01';
const LAST = '2020-12-31';
const END_MS = Date.parse('2020-12-31T23:59:59.999+08:00');
const PREVIOUS = { first: '2020-11-01', last: '2020-11-30', endMs: Date.parse('2020-11-30T23:59:59.999+08:00') };
const setup = { actor: { userId: 'test-setup', name: '测试准备', unitId: null, role: 'office' } };

let now = '2020-12-30T18:00:00+08:00';
let server: TestServer;
let store: EventStore;
const tokens: Record<'office' | 'unitHead' | 'verifier' | 'committee', string> = { office: '', unitHead: '', verifier: '', committee: '' };
let headUnitId = '';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
type Answer = { data: any; errors?: { message: string; extensions?: { code?: string } }[] };
const as =
  (who: keyof typeof tokens) =>
  async (query: string, variables: Record<string, unknown> = {}) =>
    (await server.gql(query, variables, bearer(tokens[who]))) as Answer;

const FIGURE = 'count ledgerNumbers eventIds';
const COUNTS = 'raised closed overdue onTimeClosureRate';
const LINE = `figures { raised { ${FIGURE} } closed { ${FIGURE} } closedOnTime { ${FIGURE} } overdue { ${FIGURE} } onTimeClosureRate } previous { ${COUNTS} } change { ${COUNTS} } light`;
const HOTLINE = `${FIGURE} reportIds`;
const BULLETIN = `month from through asOf complete policyVersion hash
  county { ${LINE} }
  units { unitId name rank mine ${LINE} }
  myLine { unitId mine }
  redUnits { unitId name red { ${FIGURE} } }
  longestOverdue { ledgerNumber unitId deadline overdueSince daysOverdue deadlineEventId }
  supervision { issued { ${FIGURE} } answered { ${FIGURE} } }
  interviews { held { ${FIGURE} } list { interviewId heldOn unitId ledgerNumbers } }
  hotline { received { ${HOTLINE} } accepted { ${HOTLINE} } dismissed { ${HOTLINE} } pending { ${HOTLINE} } }
  recurrences { raised { ${FIGURE} } reopened { ${FIGURE} } }
  published { at by position hash policyVersion eventId }
  reproduced
  difference { path before after added removed }`;
const QUERY = `query($m: String!) { bulletin(month: $m) { ${BULLETIN} } }`;
const VERIFY = `query($m: String!) { verifyBulletin(month: $m) { month position publishedHash recomputedHash identical chainIntact verified summary checkpoint { number } difference { path before after added removed } } }`;

async function readLog(): Promise<RecordedEvent[]> {
  const log: RecordedEvent[] = [];
  for (let after = -1; ; ) {
    const batch = await store.readAll({ after, maxCount: 5000 });
    if (batch.length === 0) return log;
    log.push(...batch);
    after = batch.at(-1)!.position;
  }
}

/** The county day of an instant (+08:00, no daylight saving since 1992), by plain arithmetic. */
const dayOfMs = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
const plusOne = (day: string) => dayOfMs(Date.parse(`${day}T00:00:00+08:00`) + 24 * 3600_000);
const daysFrom = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

type Problem = {
  problemId: string;
  ledgerNumber: string;
  raisedOn: string;
  raisedEventId: string;
  recurrence: boolean;
  unitId: string | null;
  status: string;
  deadline: string | null;
  deadlineEventId: string | null;
  openSince: string;
  rectifiedOn: string | null;
  reworking: boolean;
  closedOn: string | null;
  closedEventId: string | null;
};

/** The month counted from the raw events that occurred by its last instant: what the bulletin must say. */
function count(log: RecordedEvent[], first: string, last: string, endMs: number) {
  const inMonth = (day: string | null | undefined) => !!day && day >= first && day <= last;
  const problems = new Map<string, Problem>();
  const orders: [string, string][] = [];
  const replies: [string, string][] = [];
  const reopened: [string, string][] = [];
  const interviews: { eventId: string; ledgerNumbers: string[] }[] = [];
  const reports = new Map<
    string,
    { submittedOn: string; eventId: string; outcome: string; outcomeEventId: string | null; problemId: string | null }
  >();
  for (const e of log) {
    const ms = Date.parse(e.metadata.occurredAt);
    if (ms > endMs) continue;
    const day = dayOfMs(ms);
    // Raw event data, read by type below.
    const d = e.data as any;
    const p = problems.get(d?.problemId);
    switch (e.type) {
      case 'ProblemRaised':
        problems.set(d.problemId, {
          problemId: d.problemId,
          ledgerNumber: d.ledgerNumber,
          raisedOn: d.raisedOn,
          raisedEventId: e.id,
          recurrence: d.recurrenceOf !== null,
          unitId: null,
          status: 'raised',
          deadline: null,
          deadlineEventId: null,
          openSince: d.raisedOn,
          rectifiedOn: null,
          reworking: false,
          closedOn: null,
          closedEventId: null,
        });
        break;
      case 'ProblemAssigned':
        Object.assign(p!, { unitId: d.responsibleUnitId, status: 'assigned', openSince: day });
        break;
      case 'AssignmentAcknowledged':
        p!.status = 'rectifying';
        break;
      case 'DeadlineSet':
      case 'DeadlineExtended':
        Object.assign(p!, { deadline: d.deadline, deadlineEventId: e.id });
        break;
      case 'RectificationReported':
        Object.assign(p!, { status: 'awaiting_verification', rectifiedOn: day, reworking: false });
        break;
      case 'VerificationPassed':
        p!.status = 'verified';
        break;
      case 'VerificationRejected':
        Object.assign(p!, { status: 'rectifying', reworking: true, openSince: day, rectifiedOn: null });
        break;
      case 'ProblemClosed':
        Object.assign(p!, { status: 'closed', closedOn: d.closedOn, closedEventId: e.id });
        break;
      // 复发: named at the raise by older logs, linked by ProblemLinked since (the raise's recurrenceOf is then null).
      case 'ProblemLinked':
        if (d.kind === 'recurrence') p!.recurrence = true;
        break;
      case 'ProblemReopened':
        Object.assign(p!, { status: 'rectifying', openSince: day, rectifiedOn: null, closedOn: null, closedEventId: null });
        if (inMonth(day)) reopened.push([p!.ledgerNumber, e.id]);
        break;
      case 'SupervisionOrdered':
        if (inMonth(day)) orders.push([p!.ledgerNumber, e.id]);
        break;
      case 'SupervisionReplied':
        if (inMonth(day)) replies.push([p!.ledgerNumber, e.id]);
        break;
      case 'InterviewHeld':
        if (inMonth(d.heldOn)) interviews.push({ eventId: e.id, ledgerNumbers: d.ledgerNumbers });
        break;
      case 'HotlineReportSubmitted':
        reports.set(d.reportId, { submittedOn: d.submittedOn, eventId: e.id, outcome: 'pending', outcomeEventId: null, problemId: null });
        break;
      case 'HotlineReportTriaged':
        Object.assign(reports.get(d.reportId)!, { outcome: 'accepted', outcomeEventId: e.id, problemId: d.problemId });
        break;
      case 'HotlineReportDismissed':
        Object.assign(reports.get(d.reportId)!, { outcome: 'dismissed', outcomeEventId: e.id });
        break;
    }
  }
  const all = [...problems.values()];
  const overdue = (p: Problem) => p.deadline !== null && (p.status === 'assigned' || p.status === 'rectifying') && last > p.deadline;
  const closed = (p: Problem) => p.status === 'closed' && inMonth(p.closedOn);
  const onTime = (p: Problem) => closed(p) && (p.deadline === null || (p.rectifiedOn !== null && p.rectifiedOn <= p.deadline));
  const lineOf = (ps: Problem[]) => {
    const c = ps.filter(closed);
    return {
      raised: ps.filter((p) => inMonth(p.raisedOn)),
      closed: c,
      onTime: ps.filter(onTime),
      overdue: ps.filter(overdue),
      rate: c.length === 0 ? null : ps.filter(onTime).length / c.length,
      red: ps.filter((p) => overdue(p) || (defaultPolicy.lights.redWhenRejected && p.reworking)),
    };
  };
  const byUnit = new Map<string, Problem[]>();
  for (const p of all) if (p.unitId) byUnit.set(p.unitId, [...(byUnit.get(p.unitId) ?? []), p]);
  const received = [...reports.values()].filter((r) => inMonth(r.submittedOn));
  // biome-ignore lint/complexity/useMathMinMax: ISO days compare as strings
  const since = (p: Problem) => (plusOne(p.deadline!) > p.openSince ? plusOne(p.deadline!) : p.openSince);
  return {
    problems,
    county: lineOf(all),
    units: new Map([...byUnit].map(([u, ps]) => [u, lineOf(ps)])),
    longest: all
      .filter(overdue)
      .map((p) => ({ ledgerNumber: p.ledgerNumber, since: since(p), days: daysFrom(since(p), last) + 1 }))
      .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.ledgerNumber < b.ledgerNumber ? -1 : 1))
      .slice(0, 10),
    orders,
    replies,
    reopened,
    recurrences: all.filter((p) => p.recurrence && inMonth(p.raisedOn)),
    interviews,
    received,
  };
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
const numbers = (ps: Problem[]) => sorted(ps.map((p) => p.ledgerNumber));

beforeAll(async () => {
  store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  await loadDemoData(new Ledger(store));
  server = await startTestServer({ store, clock: () => now, tokenTtlSeconds: 3 * 365 * 24 * 3600, notifications: false });
  // In the month, after the demo's last event: 12317 reports (one accepted, one dismissed, one left), an interview with a
  // unit, a problem raised again as a recurrence of a closed one, and a unit's reply to a 督办.
  const context = (commandId: string) => ({ ...setup, commandId, now: () => now });
  const reports = [];
  for (const [i, text] of ['村道损毁无人修', '低保评定不公', '危房改造补助未到位'].entries())
    reports.push(server.hotline.reportIdFor((await server.hotline.submit({ text }, context(`bulletin-report-${i}`))).receiptCode));
  await server.hotline.triage(reports[0]!, { category: 'housing' }, context('bulletin-triage'));
  await server.hotline.dismiss(reports[1]!, '经核实不属实', context('bulletin-dismiss'));
  const facts = server.readModels.live;
  const [unitId, ids] = [...facts.problemsByUnit].find(([, s]) => s.size >= 2)!;
  const covered = [...ids].slice(0, 2).map((id) => facts.problems.get(id)!);
  await handleCommand(
    store,
    interviewStreamId(unitId),
    interviewDecider,
    RecordInterview.schema.parse({
      type: 'RecordInterview',
      data: {
        interviewId: '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b',
        triggerId: `unit_many_overdue:${unitId}`,
        rule: 'unit_many_overdue',
        level: 'interview',
        unitId,
        problemIds: covered.map((f) => f.problemId),
        ledgerNumbers: covered.map((f) => f.ledgerNumber),
        interviewee: '乡镇主要负责人',
        interviewer: '县督查办主任',
        heldOn: '2020-12-30',
        outcome: '限期整改到位',
      },
    }),
    context('bulletin-interview'),
  );
  const closed = [...facts.problems.values()].find((f) => f.status === 'closed')!;
  await server.ledger.raiseProblem(
    { source: 'county_self_check', category: closed.category, description: '回头看发现问题反弹', recurrenceOf: closed.problemId },
    context('bulletin-recurrence'),
  );
  const supervised = [...facts.problems.values()].find((f) => f.openOrder !== null)!;
  await server.ledger.problemCommand(
    {
      type: 'ReplyToSupervision',
      data: { problemId: supervised.problemId, reply: '已按督办要求整改', repliedByUnitId: supervised.unitId },
    },
    context('bulletin-reply'),
  );
  await server.runner.waitFor(await store.headPosition());
  now = '2021-01-10T10:00:00+08:00';
  headUnitId = [...facts.units.values()].find((u) => u.name === '漫水河镇')!.unitId;
  for (const [who, roles, unit] of [
    ['office', ['office'], null],
    ['unitHead', ['unit_head'], headUnitId],
    ['verifier', ['verifier'], [...facts.units.values()].find((u) => u.name === '县扶贫局')!.unitId],
    ['committee', ['committee'], null],
  ] as const) {
    const user = await addUser(server, { roles: [...roles], unitId: unit });
    tokens[who] = await logIn(server, user.login);
  }
}, 120_000);
afterAll(() => server.stop());

describe('the monthly bulletin (月通报)', () => {
  it('gives every figure of a demo month as counted from the raw events, with its ledger numbers', async () => {
    const log = await readLog();
    const month = count(log, FIRST, LAST, END_MS);
    const before = count(log, PREVIOUS.first, PREVIOUS.last, PREVIOUS.endMs);
    const answer = await as('office')(QUERY, { m: MONTH });
    expect(answer.errors).toBeUndefined();
    const b = answer.data.bulletin;
    expect(b).toMatchObject({
      month: MONTH,
      from: FIRST,
      through: LAST,
      complete: true,
      published: null,
      reproduced: null,
      difference: null,
    });

    // The county's line: each figure, its ledger numbers, and the change from February.
    const c = month.county;
    expect(c.raised.length).toBeGreaterThan(0);
    expect(c.closed.length).toBeGreaterThan(0);
    expect(c.overdue.length).toBeGreaterThan(0);
    expect(b.county.figures.raised).toEqual({
      count: c.raised.length,
      ledgerNumbers: numbers(c.raised),
      eventIds: sorted(c.raised.map((p) => p.raisedEventId)),
    });
    expect(b.county.figures.closed).toEqual({
      count: c.closed.length,
      ledgerNumbers: numbers(c.closed),
      eventIds: sorted(c.closed.map((p) => p.closedEventId!)),
    });
    expect(b.county.figures.closedOnTime.ledgerNumbers).toEqual(numbers(c.onTime));
    expect(b.county.figures.overdue).toEqual({
      count: c.overdue.length,
      ledgerNumbers: numbers(c.overdue),
      eventIds: sorted(c.overdue.map((p) => p.deadlineEventId!)),
    });
    expect(b.county.figures.onTimeClosureRate).toBeCloseTo(c.rate!, 10);
    expect(b.county.previous).toEqual({
      raised: before.county.raised.length,
      closed: before.county.closed.length,
      overdue: before.county.overdue.length,
      onTimeClosureRate: before.county.rate,
    });
    expect(b.county.change).toMatchObject({
      raised: c.raised.length - before.county.raised.length,
      closed: c.closed.length - before.county.closed.length,
      overdue: c.overdue.length - before.county.overdue.length,
    });

    // Each unit's line, and the ranking rule: fewer overdue, higher on-time rate (none last), more closed.
    for (const [unitId, u] of month.units) {
      const line = b.units.find((l: { unitId: string }) => l.unitId === unitId);
      expect(line, unitId).toBeDefined();
      expect(line.figures.raised.ledgerNumbers).toEqual(numbers(u.raised));
      expect(line.figures.closed.ledgerNumbers).toEqual(numbers(u.closed));
      expect(line.figures.closedOnTime.ledgerNumbers).toEqual(numbers(u.onTime));
      expect(line.figures.overdue.ledgerNumbers).toEqual(numbers(u.overdue));
      expect(line.figures.onTimeClosureRate).toBe(u.rate);
      const p = before.units.get(unitId);
      expect(line.previous.overdue).toBe(p?.overdue.length ?? 0);
      expect(line.change.closed).toBe(u.closed.length - (p?.closed.length ?? 0));
      const red = u.red.length >= defaultPolicy.lights.unitRedAtRedItems;
      expect(line.light === 'red', line.name).toBe(red);
    }
    const key = (l: { figures: { overdue: { count: number }; closed: { count: number }; onTimeClosureRate: number | null } }) =>
      [l.figures.overdue.count, -(l.figures.onTimeClosureRate ?? -1), -l.figures.closed.count].join('|');
    for (let i = 1; i < b.units.length; i++) {
      const [x, y] = [b.units[i - 1], b.units[i]];
      const [kx, ky] = [
        [x.figures.overdue.count, -(x.figures.onTimeClosureRate ?? -1), -x.figures.closed.count],
        [y.figures.overdue.count, -(y.figures.onTimeClosureRate ?? -1), -y.figures.closed.count],
      ];
      const cmp = kx[0] - ky[0] || kx[1] - ky[1] || kx[2] - ky[2];
      expect(cmp, `${x.name} before ${y.name}`).toBeLessThanOrEqual(0);
      expect(y.rank).toBe(key(x) === key(y) ? x.rank : i + 1);
    }
    expect(b.units[0].rank).toBe(1);

    // The red units, named, with their red items.
    const redUnits = [...month.units].filter(([, u]) => u.red.length >= defaultPolicy.lights.unitRedAtRedItems);
    expect(redUnits.length).toBeGreaterThan(0);
    expect(sorted(b.redUnits.map((r: { unitId: string }) => r.unitId))).toEqual(sorted(redUnits.map(([id]) => id)));
    for (const [unitId, u] of redUnits)
      expect(b.redUnits.find((r: { unitId: string }) => r.unitId === unitId).red.ledgerNumbers).toEqual(numbers(u.red));
    expect(b.redUnits.every((r: { name: string }) => r.name.length > 0)).toBe(true);

    // The items overdue longest.
    expect(
      b.longestOverdue.map((i: { ledgerNumber: string; overdueSince: string; daysOverdue: number }) => [
        i.ledgerNumber,
        i.overdueSince,
        i.daysOverdue,
      ]),
    ).toEqual(month.longest.map((l) => [l.ledgerNumber, l.since, l.days]));

    // 督办, 约谈, 12317, 反弹.
    expect(b.supervision.issued).toEqual({
      count: month.orders.length,
      ledgerNumbers: sorted(month.orders.map(([n]) => n)),
      eventIds: sorted(month.orders.map(([, id]) => id)),
    });
    expect(b.supervision.answered).toEqual({
      count: month.replies.length,
      ledgerNumbers: sorted(month.replies.map(([n]) => n)),
      eventIds: sorted(month.replies.map(([, id]) => id)),
    });
    expect(month.replies.length).toBeGreaterThan(0);
    expect(month.recurrences.length).toBeGreaterThan(0);
    expect(month.interviews).toHaveLength(1);
    expect(b.interviews.held).toEqual({
      count: 1,
      ledgerNumbers: sorted(month.interviews[0]!.ledgerNumbers),
      eventIds: [month.interviews[0]!.eventId],
    });
    expect(b.interviews.list).toHaveLength(1);
    expect(month.received).toHaveLength(3);
    expect(b.hotline.received.count).toBe(3);
    expect(b.hotline.received.eventIds).toEqual(sorted(month.received.map((r) => r.eventId)));
    for (const outcome of ['accepted', 'dismissed', 'pending'] as const) {
      const ended = month.received.filter((r) => r.outcome === outcome);
      expect(b.hotline[outcome].count, outcome).toBe(ended.length);
      expect(ended).toHaveLength(1);
      expect(b.hotline[outcome].eventIds).toEqual(sorted(ended.map((r) => r.outcomeEventId ?? r.eventId)));
    }
    const acceptedProblem = month.problems.get(month.received.find((r) => r.outcome === 'accepted')!.problemId!)!;
    expect(b.hotline.accepted.ledgerNumbers).toEqual([acceptedProblem.ledgerNumber]);
    expect(b.county.figures.raised.ledgerNumbers).toContain(acceptedProblem.ledgerNumber);
    expect(b.recurrences.raised).toEqual({
      count: month.recurrences.length,
      ledgerNumbers: numbers(month.recurrences),
      eventIds: sorted(month.recurrences.map((p) => p.raisedEventId)),
    });
    expect(b.recurrences.reopened).toEqual({
      count: month.reopened.length,
      ledgerNumbers: sorted(month.reopened.map(([n]) => n)),
      eventIds: sorted(month.reopened.map(([, id]) => id)),
    });
  });

  it('is read whole by every role, a unit head finding their own line marked; only the office publishes', async () => {
    const head = await as('unitHead')(QUERY, { m: MONTH });
    expect(head.errors).toBeUndefined();
    const mine = head.data.bulletin.units.filter((l: { mine: boolean }) => l.mine);
    expect(mine.map((l: { unitId: string }) => l.unitId)).toEqual([headUnitId]);
    expect(head.data.bulletin.myLine).toEqual({ unitId: headUnitId, mine: true });
    const office = await as('office')(QUERY, { m: MONTH });
    expect(office.data.bulletin.myLine).toBeNull();
    expect(head.data.bulletin.units.length).toBe(office.data.bulletin.units.length);
    for (const who of ['verifier', 'committee'] as const) expect((await as(who)(QUERY, { m: MONTH })).errors).toBeUndefined();
    expect((await server.gql(QUERY, { m: MONTH })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const head0 = await store.headPosition();
    for (const who of ['unitHead', 'verifier', 'committee'] as const) {
      const refused = await as(who)(`mutation { publishBulletin(month: "${MONTH}") { replayed } }`);
      expect(refused.errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
    }
    expect((await as('unitHead')(VERIFY, { m: MONTH })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await store.headPosition()).toBe(head0);
  });

  it('refuses a malformed month, a month to come, a month before the ledger began, each with its code', async () => {
    for (const [month, code] of [
      ['2020-3', 'MONTH_MALFORMED'],
      ['2020-13', 'MONTH_MALFORMED'],
      ['三月', 'MONTH_MALFORMED'],
      ['2021-02', 'MONTH_IN_FUTURE'],
      ['2018-12', 'MONTH_BEFORE_FIRST_EVENT'],
    ] as const) {
      const answer = await as('office')(QUERY, { m: month });
      expect(answer.errors?.[0]?.extensions?.code, month).toBe(code);
      expect(answer.errors?.[0]?.message).toContain(month);
    }
    const head = await store.headPosition();
    expect((await as('office')(`mutation { publishBulletin(month: "2021-01") { replayed } }`)).errors?.[0]?.extensions?.code).toBe(
      'MONTH_NOT_OVER',
    );
    expect((await as('office')(`mutation { publishBulletin(month: "2021-02") { replayed } }`)).errors?.[0]?.extensions?.code).toBe(
      'MONTH_IN_FUTURE',
    );
    expect((await as('office')(VERIFY, { m: '2020-04' })).errors?.[0]?.extensions?.code).toBe('BULLETIN_NOT_PUBLISHED');
    expect(await store.headPosition()).toBe(head);
    // The month under way: its figures so far.
    const current = await as('office')(QUERY, { m: '2021-01' });
    expect(current.data.bulletin).toMatchObject({ complete: false, through: '2021-01-10', asOf: now });
  });

  it('publishes once, frozen: the same month again appends nothing; it is reproduced from its position; a late event shows beside it', async () => {
    const draft = (await as('office')(QUERY, { m: MONTH })).data.bulletin;
    const published = await as('office')(
      `mutation($m: String!) { publishBulletin(month: $m) { events { type data } replayed bulletin { ${BULLETIN} } } }`,
      { m: MONTH },
    );
    expect(published.errors).toBeUndefined();
    const { events, bulletin } = published.data.publishBulletin;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['BulletinPublished']);
    const pin = events[0].data;
    expect(pin).toMatchObject({ month: MONTH, asOf: '2020-12-31T23:59:59.999+08:00', bulletinHash: draft.hash });
    expect(pin.county).toEqual({
      raised: draft.county.figures.raised.count,
      closed: draft.county.figures.closed.count,
      overdue: draft.county.figures.overdue.count,
      onTimeClosureRate: draft.county.figures.onTimeClosureRate,
    });
    expect(bulletin.published).toMatchObject({ hash: draft.hash, position: pin.position, by: expect.any(String) });
    expect(bulletin.reproduced).toBe(true);
    expect(bulletin.difference).toEqual([]);
    const { published: _p, reproduced: _r, difference: _d, ...frozen } = bulletin;
    const { published: _p2, reproduced: _r2, difference: _d2, ...drafted } = draft;
    expect(frozen).toEqual(drafted);

    // Publishing again, by another command: the same publication, nothing appended.
    const head = await store.headPosition();
    const again = await as('office')(
      `mutation($m: String!) { publishBulletin(month: $m) { events { type } replayed bulletin { published { eventId hash } } } }`,
      { m: MONTH },
    );
    expect(again.data.publishBulletin.events).toEqual([]);
    expect(again.data.publishBulletin.bulletin.published).toEqual({ eventId: bulletin.published.eventId, hash: draft.hash });
    expect(await store.headPosition()).toBe(head);

    // Verified against the checkpoint recorded at the publication.
    let verified: Answer;
    for (let i = 0; ; i++) {
      verified = await as('committee')(VERIFY, { m: MONTH });
      if (verified.errors || verified.data.verifyBulletin.checkpoint || i === 50) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(verified.errors).toBeUndefined();
    // The publication triggers a checkpoint: the wait above ends with one, not by running out of tries.
    expect(verified.data.verifyBulletin.checkpoint).not.toBeNull();
    expect(verified.data.verifyBulletin.checkpoint.number).toEqual(expect.any(Number));
    expect(verified.data.verifyBulletin).toMatchObject({
      identical: true,
      chainIntact: true,
      verified: true,
      publishedHash: draft.hash,
      recomputedHash: draft.hash,
      difference: [],
    });

    // A late entry: a 12317 report recorded now but dated in the month.
    now = '2020-12-31T09:00:00+08:00';
    await server.hotline.submit({ text: '补录：饮水工程停水' }, { ...setup, commandId: 'bulletin-late-report', now: () => now });
    now = '2021-01-10T10:00:00+08:00';
    await server.runner.waitFor(await store.headPosition());
    const after = (await as('office')(QUERY, { m: MONTH })).data.bulletin;
    expect(after.hash).toBe(draft.hash);
    expect(after.hotline.received.count).toBe(3);
    expect(after.reproduced).toBe(true);
    const paths = after.difference.map((d: { path: string }) => d.path);
    expect(after.difference).toContainEqual({ path: 'hotline.received.count', before: '3', after: '4', added: [], removed: [] });
    expect(after.difference).toContainEqual({ path: 'hotline.pending.count', before: '1', after: '2', added: [], removed: [] });
    expect(paths).toContain('hotline.received.reportIds');
    expect(paths.every((p: string) => p.startsWith('hotline.'))).toBe(true);
    const reverified = (await as('office')(VERIFY, { m: MONTH })).data.verifyBulletin;
    expect(reverified).toMatchObject({ identical: true, verified: true, recomputedHash: draft.hash });
    expect(reverified.difference).toEqual(after.difference);
  });
});

/** A report download over HTTP with a role's token (none: anonymous). */
async function download(path: string, who?: keyof typeof tokens) {
  const response = await fetch(`${server.url}${path}`, who ? { headers: bearer(tokens[who]) } : {});
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, disposition: response.headers.get('content-disposition') ?? '', body };
}
const errorOf = (body: Buffer) => (JSON.parse(body.toString('utf8')) as { error: { code: string } }).error.code;
const pct = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const more = (n: number) => (n > 0 ? `比上月增加${n}项` : n < 0 ? `比上月减少${-n}项` : '与上月持平');
const RANKING_HEADER = ['名次', '单位', '新增', '销号', '按期销号', '按期销号率', '月末逾期', '逾期较上月', '灯色'];
const LIGHT = { red: '红灯', yellow: '黄灯', green: '绿灯' } as Record<string, string>;

describe('the bulletin in the office’s formats (通报 .docx, tables .xlsx)', () => {
  it('reads back from the published .docx with the figures the bulletin query gives, the county totals as counted from the raw events', async () => {
    const b = (await as('unitHead')(QUERY, { m: MONTH })).data.bulletin;
    expect(b.published).not.toBeNull();
    // The frozen bulletin: the raw events up to its pinned position (the late 12317 report comes after it).
    const month = count(
      (await readLog()).filter((e) => e.position <= b.published.position),
      FIRST,
      LAST,
      END_MS,
    );
    const c = b.county.figures;
    expect([c.raised.count, c.closed.count, c.overdue.count]).toEqual([
      month.county.raised.length,
      month.county.closed.length,
      month.county.overdue.length,
    ]);

    const file = await download(`/reports/bulletin/${MONTH}.docx`, 'unitHead');
    expect(file.status).toBe(200);
    expect(file.disposition).toContain(encodeURIComponent(`${MONTH}月通报.docx`));
    const text = await docxText(file.body);
    expect(text).toContain('霍山县脱贫攻坚督查办公室文件');
    expect(text).toContain('霍督办〔2020〕12号');
    expect(text).toContain('关于2020年12月全县问题整改工作情况的通报');
    expect(text).not.toContain('草稿');
    // Published on 2021-01-10 (the test's clock when the office published it).
    expect(text).toContain('2021年1月10日');
    // The county's totals and their change from November, in words, as counted from the events.
    const before = count(await readLog(), PREVIOUS.first, PREVIOUS.last, PREVIOUS.endMs).county;
    expect(text).toContain(`本月全县新增问题${month.county.raised.length}项，${more(month.county.raised.length - before.raised.length)}`);
    expect(text).toContain(`销号${month.county.closed.length}项，${more(month.county.closed.length - before.closed.length)}`);
    expect(text).toContain(`其中按期销号${month.county.onTime.length}项，按期销号率${pct(month.county.rate)}`);
    expect(text).toContain(`月末逾期未整改${month.county.overdue.length}项，${more(month.county.overdue.length - before.overdue.length)}`);
    // The red units, named, each with its red items' ledger numbers.
    expect(b.redUnits.length).toBeGreaterThan(0);
    expect(text).toContain(`${b.redUnits.map((r: { name: string }) => r.name).join('、')}共${b.redUnits.length}个单位月末亮红灯`);
    for (const r of b.redUnits) expect(text).toContain(`${r.name}红灯事项${r.red.count}项（${r.red.ledgerNumbers.join('、')}）`);
    // 督办, 约谈, 12317, 反弹 as the query gives them.
    expect(text).toContain(`本月下发督办${b.supervision.issued.count}件`);
    expect(text).toContain(`收到督办回复${b.supervision.answered.count}件`);
    expect(text).toContain(`约谈${b.interviews.held.count}次`);
    const h = b.hotline;
    expect(text).toContain(
      `收到12317举报${h.received.count}件，其中受理${h.accepted.count}件、不予受理${h.dismissed.count}件、尚待处理${h.pending.count}件`,
    );
    const r = b.recurrences;
    expect(text).toContain(
      `问题反弹${r.raised.count + r.reopened.count}项，其中新发现反弹${r.raised.count}项、销号后重新打开${r.reopened.count}项`,
    );
    expect(text).toContain(`台账日志位置${b.published.position}`);
    expect(text).toContain('已据台账日志复核一致');

    const [ranking, overdue, others] = await docxTables(file.body);
    type Line = {
      rank: number;
      name: string;
      light: string;
      change: { overdue: number };
      figures: Record<'raised' | 'closed' | 'closedOnTime' | 'overdue', { count: number }> & { onTimeClosureRate: number | null };
    };
    const rows = (b.units as Line[]).map((u) => [
      u.rank,
      u.name,
      u.figures.raised.count,
      u.figures.closed.count,
      u.figures.closedOnTime.count,
      pct(u.figures.onTimeClosureRate),
      u.figures.overdue.count,
      u.change.overdue > 0 ? `+${u.change.overdue}` : String(u.change.overdue),
      LIGHT[u.light],
    ]);
    expect(ranking).toEqual([RANKING_HEADER, ...rows.map((row) => row.map(String))]);
    type Item = { ledgerNumber: string; overdueSince: string; daysOverdue: number; deadline: string };
    expect(overdue!.slice(1).map((row) => [row[1], row[3], row[4], Number(row[5])])).toEqual(
      month.longest.map((l) => [
        l.ledgerNumber,
        (b.longestOverdue as Item[]).find((i) => i.ledgerNumber === l.ledgerNumber)!.deadline,
        l.since,
        l.days,
      ]),
    );
    expect(others!.find((row) => row[0] === '督办下发')).toEqual([
      '督办下发',
      String(month.orders.length),
      sorted(month.orders.map(([n]) => n)).join('、'),
    ]);
    expect(others!.find((row) => row[0] === '12317举报收到')![1]).toBe(String(month.received.length));

    const xlsx = await download(`/reports/bulletin/${MONTH}.xlsx`, 'office');
    expect(xlsx.status).toBe(200);
    const sheets = await xlsxSheets(xlsx.body);
    expect(sheets.map((s) => s.name)).toEqual([`${MONTH}各单位排名`, `${MONTH}逾期最长事项`, `${MONTH}督办约谈举报反弹`]);
    expect(sheets[0]!.rows).toEqual([RANKING_HEADER, ...rows]);
    expect(sheets[1]!.rows.slice(1).map((row) => [row[1], row[4], row[5]])).toEqual(
      month.longest.map((l) => [l.ledgerNumber, l.since, l.days]),
    );
    expect(sheets[2]!.rows.find((row) => row[0] === '约谈')).toEqual([
      '约谈',
      month.interviews.length,
      sorted(month.interviews[0]!.ledgerNumbers).join('、'),
    ]);
  });

  it('gives a month not published as the draft, marked 草稿 in its title and file name', async () => {
    const november = (await as('office')(QUERY, { m: '2020-11' })).data.bulletin;
    expect(november.published).toBeNull();
    const file = await download('/reports/bulletin/2020-11.docx', 'verifier');
    expect(file.status).toBe(200);
    expect(file.disposition).toContain(encodeURIComponent('2020-11月通报（草稿）.docx'));
    const text = await docxText(file.body);
    expect(text).toContain('关于2020年11月全县问题整改工作情况的通报（草稿）');
    expect(text).toContain('霍督办〔2020〕11号');
    expect(text).toContain(`本月全县新增问题${november.county.figures.raised.count}项`);
    expect(text).toContain('本通报为草稿');
  });

  it('is for everyone signed in; a bad month or format is refused with its code', async () => {
    const anonymous = await download(`/reports/bulletin/${MONTH}.docx`);
    expect([anonymous.status, errorOf(anonymous.body)]).toEqual([401, 'UNAUTHENTICATED']);
    for (const [path, status, code] of [
      ['/reports/bulletin/2020-13.docx', 400, 'MONTH_MALFORMED'],
      ['/reports/bulletin/2021-02.xlsx', 400, 'MONTH_IN_FUTURE'],
      ['/reports/bulletin/2018-12.docx', 400, 'MONTH_BEFORE_FIRST_EVENT'],
      [`/reports/bulletin/${MONTH}.pdf`, 400, 'BAD_FORMAT'],
    ] as const) {
      const refused = await download(path, 'committee');
      expect([refused.status, errorOf(refused.body)], path).toEqual([status, code]);
    }
  });
});
