import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, domainEventDefinitions } from '../domain/index.js';
import { openEventStore } from '../eventstore/index.js';
import { schemaCodec } from '../eventstore/schemaCodec.js';
import { bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';
import { docxTables, docxText, xlsxSheets } from './support/officeFiles.js';
import { scenario } from './projections/scenario.js';

/**
 * The office's two reports over real HTTP, on the hand-worked county of tests/projections/scenario.ts
 * with two more facts late in 2019: P1's 回头看 confirmed on 11-01 and P4 reopened on 11-20. The
 * assessment report is checked against the frozen cards as GraphQL serves them; the inspection
 * report against counts worked out by hand below.
 */
const s = scenario();
const { P1, P2, P3, P4, P5 } = s.problems;
s.builder.on(
  P1.problemId,
  'ConsolidationConfirmed',
  { confirmedOn: '2019-11-01', opinion: '回头看未发现反弹', checkedByUnitId: null },
  s.at('2019-11-01'),
);
s.builder.on(P4.problemId, 'ProblemReopened', { reason: '回头看发现反弹', reopenCount: 1 }, s.at('2019-11-20'));

const now = '2020-01-15T10:00:00+08:00';
let server: TestServer;
const tokens = { office: '', committee: '', unitHead: '', admin: '' };

async function download(path: string, token: string) {
  const response = await fetch(`${server.url}${path}`, { headers: bearer(token) });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    disposition: response.headers.get('content-disposition'),
    body: Buffer.from(await response.arrayBuffer()),
  };
}
const errorCode = (body: Buffer) => (JSON.parse(body.toString('utf8')) as { error: { code: string } }).error.code;

beforeAll(async () => {
  const store = await openEventStore({ kind: 'memory', dataDir: '' }, schemaCodec(domainEventDefinitions));
  for (const { streamId, event } of s.builder.entries) await store.appendToStream(streamId, [event], 'any');
  server = await startTestServer({ store, clock: () => now, tokenTtlSeconds: 365 * 24 * 3600 });
  tokens.office = await tokenFor(server, ['office']);
  tokens.committee = await tokenFor(server, ['committee']);
  tokens.unitHead = await tokenFor(server, ['unit_head'], s.units.T1);
  tokens.admin = await tokenFor(server, ['admin']);
});
afterAll(async () => {
  await server.stop();
});

type Card = {
  rank: number;
  score: number;
  ordinaryScore: number;
  yearEndScore: number;
  gradeLabel: string;
  veto: boolean;
  unit: { name: string };
  lines: { id: string; points: number; ledgerNumber: string | null }[];
  exemptions: { lineId: string; reason: string; approvedBy: string; points: number }[];
};
const CARDS = `{ scorecards(year: 2019) { frozen rank score ordinaryScore yearEndScore gradeLabel veto unit { name }
  lines { id points ledgerNumber } exemptions { lineId reason approvedBy points } } }`;

describe('the annual assessment report (年度考核结果通报)', () => {
  it('is refused until the year is finalized, with a clear error, over GraphQL and HTTP', async () => {
    const answer = await server.gql('{ assessmentReport(year: 2019) { year } }', {}, bearer(tokens.committee));
    expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FINALIZED');
    expect(answer.errors?.[0]?.message).toMatch(/not finalized/);
    const file = await download('/reports/assessment/2019.docx', tokens.committee);
    expect(file.status).toBe(409);
    expect(errorCode(file.body)).toBe('NOT_FINALIZED');
  });

  it('gives every figure of the frozen cards in the .docx and the .xlsx: ranking, grades, one-vote veto, exemptions', async () => {
    // An exemption on T1's unfinished item, then the year finalized.
    const t1 = await server.gql(
      `query($u: ID!) { scorecard(unitId: $u, year: 2019) { lines { id rule } } }`,
      { u: s.units.T1 },
      bearer(tokens.committee),
    );
    const unfinished = t1.data!.scorecard.lines.find((l: { rule: string }) => l.rule === 'unfinished_at_year_end');
    const granted = await server.gql(
      `mutation($u: ID!, $l: String!) { grantExemption(unitId: $u, year: 2019, lineId: $l, reason: "汛期道路中断，属客观原因", approvedBy: "县考核委员会") { events { type } } }`,
      { u: s.units.T1, l: unfinished.id },
      bearer(tokens.committee),
    );
    expect(granted.errors).toBeUndefined();
    // Strict grades, so some units are graded 较差 and carry the one-vote veto.
    const strict = {
      ...defaultPolicy,
      name: '从严考核办法',
      scoring: { ...defaultPolicy.scoring, grades: { good: 99, fairlyGood: 98, average: 97 } },
    };
    const adopted = await server.gql(
      'mutation($d: JSON!) { adoptPolicy(document: $d, reason: "从严考核") { policy { version } } }',
      { d: strict },
      bearer(tokens.admin),
    );
    expect(adopted.errors).toBeUndefined();
    const finalized = await server.gql('mutation { finalizeAssessment(year: 2019) { events { type } } }', {}, bearer(tokens.committee));
    expect(finalized.errors).toBeUndefined();

    // The frozen cards as GraphQL serves them: the figures the report must carry.
    const cards = (await server.gql(CARDS, {}, bearer(tokens.committee))).data!.scorecards as (Card & { frozen: boolean })[];
    expect(cards.length).toBeGreaterThan(2);
    expect(cards.every((c) => c.frozen)).toBe(true);
    const ranking = cards.map((c) => [c.rank, c.unit.name, c.ordinaryScore, c.yearEndScore, c.score, c.gradeLabel, c.veto ? '是' : '否']);
    const exemptions = cards.flatMap((c) =>
      c.exemptions.map((e) => [c.unit.name, c.lines.find((l) => l.id === e.lineId)!.ledgerNumber, e.points, e.reason, e.approvedBy]),
    );
    expect(exemptions).toEqual([['磨子潭镇', P2.ledgerNumber, -3, '汛期道路中断，属客观原因', '县考核委员会']]);
    const vetoed = cards.filter((c) => c.veto).map((c) => [c.unit.name, c.score, c.gradeLabel]);
    expect(vetoed.length).toBeGreaterThan(0);
    expect(vetoed.length).toBeLessThan(cards.length);

    for (const token of [tokens.committee, tokens.office]) {
      const docx = await download('/reports/assessment/2019.docx', token);
      expect(docx.status).toBe(200);
      expect(docx.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect(docx.disposition).toContain(encodeURIComponent('2019年度考核结果.docx'));
      const text = await docxText(docx.body);
      expect(text).toContain('霍山县脱贫攻坚考核委员会文件');
      expect(text).toContain('霍考委〔2020〕1号');
      expect(text).toContain('关于2019年度脱贫攻坚工作考核结果的通报');
      expect(text).toContain(`共考核${cards.length}个单位`);
      for (const grade of ['好', '较好', '一般', '较差'])
        expect(text).toContain(`${grade}${cards.filter((c) => c.gradeLabel === grade).length}个`);
      expect(text).toContain('已据台账日志复核一致');
      const tables = await docxTables(docx.body);
      const asText = (rows: unknown[][]) => rows.map((r) => r.map((v) => (v == null ? '' : String(v))));
      expect(tables[0]).toEqual([['名次', '单位', '平时', '集中考核', '总分', '等次', '一票否决'], ...asText(ranking)]);
      const exemptionTable = tables.find((t) => t[0]![0] === '单位' && t[0]![1] === '台账编号')!;
      expect(exemptionTable.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual(asText(exemptions));
      expect(tables[1]).toEqual([['单位', '总分', '等次'], ...asText(vetoed)]);
      expect(text).toContain(`${vetoed.map((v) => v[0]).join('、')}共${vetoed.length}个单位考核等次为较差，实行一票否决`);
    }

    const xlsx = await download('/reports/assessment/2019.xlsx', tokens.committee);
    expect(xlsx.status).toBe(200);
    const sheets = await xlsxSheets(xlsx.body);
    expect(sheets[0]!.name).toBe('2019年度考核排名');
    expect(sheets[0]!.rows).toEqual([['名次', '单位', '平时', '集中考核', '总分', '等次', '一票否决'], ...ranking]);
    const exemptionSheet = sheets.find((sheet) => sheet.name === '容错纠错')!;
    expect(exemptionSheet.rows.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual(exemptions);
    expect(sheets.map((sheet) => sheet.name)).toEqual(['2019年度考核排名', '一票否决', '容错纠错']);
    expect(sheets[1]!.rows).toEqual([['单位', '总分', '等次'], ...vetoed]);

    // The GraphQL field says the same.
    const report = await server.gql(
      '{ assessmentReport(year: 2019) { year reproduced docx ranking { rank unitName score gradeLabel veto } vetoed { unitName } exemptions { ledgerNumber points } } }',
      {},
      bearer(tokens.office),
    );
    expect(report.data!.assessmentReport).toMatchObject({ year: 2019, reproduced: true, docx: '/reports/assessment/2019.docx' });
    expect(report.data!.assessmentReport.ranking.map((r: { score: number }) => r.score)).toEqual(cards.map((c) => c.score));
  });

  it('is for the committee and the office; others and strangers are refused; a bad address says why', async () => {
    expect((await download('/reports/assessment/2019.docx', tokens.unitHead)).status).toBe(403);
    const anonymous = await fetch(`${server.url}/reports/assessment/2019.docx`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    const gql = await server.gql('{ assessmentReport(year: 2019) { year } }', {}, bearer(tokens.unitHead));
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const pdf = await download('/reports/assessment/2019.pdf', tokens.committee);
    expect([pdf.status, errorCode(pdf.body)]).toEqual([400, 'BAD_FORMAT']);
    const year = await download('/reports/assessment/19.docx', tokens.committee);
    expect([year.status, errorCode(year.body)]).toEqual([400, 'BAD_YEAR']);
    // Four digits, but not an assessment year: refused as every other year argument is (2000–2100).
    for (const outside of [1999, 2101]) {
      const refused = await download(`/reports/assessment/${outside}.docx`, tokens.committee);
      expect([outside, refused.status, errorCode(refused.body)]).toEqual([outside, 400, 'VALIDATION_FAILED']);
    }
    const never = await download('/reports/assessment/2018.xlsx', tokens.committee);
    expect([never.status, errorCode(never.body)]).toEqual([409, 'NOT_FINALIZED']);
  });
});

const FIGURE_FIELDS = [
  'inspected',
  'raised',
  'closed',
  'overdue',
  'reopened',
  'rechecksDue',
  'rechecksConfirmed',
  'rechecksOverdue',
] as const;
const ROW = `unitName ${FIGURE_FIELDS.map((f) => `${f} { count ledgerNumbers }`).join(' ')}`;
type Expected = Partial<Record<(typeof FIGURE_FIELDS)[number], string[]>>;

type Row = { unitName: string } & Record<(typeof FIGURE_FIELDS)[number], { count: number; ledgerNumbers: string[] }>;
/** A row as the report should give it: the named figures' ledger numbers, every other figure empty. */
const row = (unitName: string, figures: Expected): Row =>
  ({
    unitName,
    ...Object.fromEntries(
      FIGURE_FIELDS.map((f) => {
        const numbers = [...(figures[f] ?? [])].sort();
        return [f, { count: numbers.length, ledgerNumbers: numbers }];
      }),
    ),
  }) as Row;

describe('the quarterly inspection report (季督查)', () => {
  // Worked out by hand from the scenario's dates (the 回头看 falls due 90 days after 销号: P1 09-23, P3 10-23, P4 11-13, P5 2020-01-13).
  const expected = {
    // Q2 (04-01..06-30): P1 closed 06-25; P2 raised 04-01, overdue since 06-01; P3 raised 05-01; P4 rejected twice, overdue since 05-01.
    '2019-Q2': [
      row('磨子潭镇', {
        inspected: [P1.ledgerNumber, P2.ledgerNumber],
        raised: [P2.ledgerNumber],
        closed: [P1.ledgerNumber],
        overdue: [P2.ledgerNumber],
      }),
      row('磨子潭镇某村', { inspected: [P3.ledgerNumber], raised: [P3.ledgerNumber] }),
      row('县扶贫局', { inspected: [P4.ledgerNumber], overdue: [P4.ledgerNumber] }),
    ],
    // Q3: P1's 回头看 due 09-23 and not done by 09-30; P5 raised 08-01 (deadline 09-30, not yet overdue); P3 closed 07-25, P4 08-15.
    '2019-Q3': [
      row('磨子潭镇', {
        inspected: [P1.ledgerNumber, P2.ledgerNumber, P5.ledgerNumber],
        raised: [P5.ledgerNumber],
        overdue: [P2.ledgerNumber],
        rechecksDue: [P1.ledgerNumber],
        rechecksOverdue: [P1.ledgerNumber],
      }),
      row('磨子潭镇某村', { inspected: [P3.ledgerNumber], closed: [P3.ledgerNumber] }),
      row('县扶贫局', { inspected: [P4.ledgerNumber], closed: [P4.ledgerNumber] }),
    ],
    // Q4: P1's 回头看 confirmed 11-01; P5 closed 10-15; P3's 回头看 due 10-23, never done; P4 reopened 11-20, overdue again (deadline 04-30).
    '2019-Q4': [
      row('磨子潭镇', {
        inspected: [P1.ledgerNumber, P2.ledgerNumber, P5.ledgerNumber],
        closed: [P5.ledgerNumber],
        overdue: [P2.ledgerNumber],
        rechecksConfirmed: [P1.ledgerNumber],
      }),
      row('磨子潭镇某村', { inspected: [P3.ledgerNumber], rechecksDue: [P3.ledgerNumber], rechecksOverdue: [P3.ledgerNumber] }),
      row('县扶贫局', { inspected: [P4.ledgerNumber], reopened: [P4.ledgerNumber], overdue: [P4.ledgerNumber] }),
    ],
  };

  it('counts, per unit, the items inspected, 回头看 outcomes, overdue and reopened items, each with its ledger numbers', async () => {
    for (const [quarter, rows] of Object.entries(expected)) {
      const answer = await server.gql(
        `query($q: String!) { inspectionReport(quarter: $q) { quarter firstDay lastDay complete rule rows { ${ROW} } totals { ${ROW} } } }`,
        { q: quarter },
        bearer(tokens.unitHead),
      );
      expect(answer.errors).toBeUndefined();
      const report = answer.data!.inspectionReport;
      expect(report.complete).toBe(true);
      expect(report.rule).toMatch(/^检查事项为/);
      const sorted = (r: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) =>
            typeof v === 'object' && v
              ? [k, { ...(v as object), ledgerNumbers: [...(v as { ledgerNumbers: string[] }).ledgerNumbers].sort() }]
              : [k, v],
          ),
        );
      expect(report.rows.map(sorted), quarter).toEqual(rows);
      const totals = row(
        '合计',
        Object.fromEntries(FIGURE_FIELDS.map((f) => [f, rows.flatMap((r) => (r[f] as { ledgerNumbers: string[] }).ledgerNumbers)])),
      );
      expect(sorted(report.totals), quarter).toEqual(totals);
    }
  });

  it('reads back from the .docx and the .xlsx with the same figures and ledger numbers', async () => {
    const rows = expected['2019-Q4'];
    const counts = rows.map((r) => [r.unitName, ...FIGURE_FIELDS.map((f) => (r[f] as { count: number }).count)]);
    const totals = ['合计', ...FIGURE_FIELDS.map((_, i) => counts.reduce((sum, c) => sum + (c[i + 1] as number), 0))];
    const header = ['责任单位', '检查事项', '新增', '销号', '逾期', '重新打开', '回头看到期', '回头看巩固', '回头看逾期'];

    const docx = await download('/reports/inspection/2019-Q4.docx', tokens.unitHead);
    expect(docx.status).toBe(200);
    const text = await docxText(docx.body);
    expect(text).toContain('霍山县扶贫开发领导小组办公室文件');
    expect(text).toContain('霍扶办〔2019〕4号');
    expect(text).toContain('关于2019年第四季度脱贫攻坚问题整改督查情况的通报');
    expect(text).toContain(`逾期未整改2项（${[P2.ledgerNumber, P4.ledgerNumber].sort().join('、')}）`);
    expect(text).toContain(`销号后重新打开1项（${P4.ledgerNumber}）`);
    expect(text).toContain(`回头看逾期1项（${P3.ledgerNumber}）`);
    const [summary, numbers] = await docxTables(docx.body);
    expect(summary).toEqual([header, ...[...counts, totals].map((r) => r.map(String))]);
    expect(numbers![1]).toEqual([
      '磨子潭镇',
      [P2.ledgerNumber, P5.ledgerNumber, P1.ledgerNumber].sort().join('、'),
      `销号：${P5.ledgerNumber}；逾期：${P2.ledgerNumber}；回头看巩固：${P1.ledgerNumber}`,
    ]);

    const xlsx = await download('/reports/inspection/2019-Q4.xlsx', tokens.unitHead);
    expect(xlsx.status).toBe(200);
    const sheets = await xlsxSheets(xlsx.body);
    expect(sheets.map((sheet) => sheet.name)).toEqual(['2019-Q4督查情况', '2019-Q4台账编号']);
    expect(sheets[0]!.rows).toEqual([header, ...counts, totals]);
  });

  it('refuses a malformed quarter and one not begun; the running quarter is as of now', async () => {
    for (const [quarter, code] of [
      ['2019-Q5', 'BAD_QUARTER'],
      ['2019Q1', 'BAD_QUARTER'],
      ['2020-Q2', 'QUARTER_IN_FUTURE'],
    ]) {
      const answer = await server.gql(
        'query($q: String!) { inspectionReport(quarter: $q) { quarter } }',
        { q: quarter },
        bearer(tokens.office),
      );
      expect(answer.errors?.[0]?.extensions?.code, quarter).toBe(code);
      const file = await download(`/reports/inspection/${quarter}.docx`, tokens.office);
      expect([file.status, errorCode(file.body)], quarter).toEqual([400, code]);
    }
    const running = await server.gql(
      '{ inspectionReport(quarter: "2020-Q1") { complete asOf totals { inspected { count } } } }',
      {},
      bearer(tokens.office),
    );
    expect(running.data!.inspectionReport).toMatchObject({ complete: false, asOf: now });
    // P2 and P4 still open; P5's 回头看 falls due 2020-01-13 and is overdue by 01-15; P3's 回头看 still overdue.
    expect(running.data!.inspectionReport.totals.inspected.count).toBe(4);
    const docx = await download('/reports/inspection/2020-Q1.docx', tokens.office);
    expect(await docxText(docx.body)).toContain('本季度尚未结束，数据截至2020年1月15日');
  });
});
