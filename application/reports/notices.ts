import { countyDay, gradeLabel } from '../../domain/index.js';
import { type DocumentTable, type OfficialNotice, chineseDate, documentNumber } from '../documents/index.js';
import type { AssessmentReport } from './assessment.js';
import { FIGURES, type InspectionReport, type InspectionRow, figureLabel } from './inspection.js';

/** Who issues the county's reports: named after the county (the registered unit of kind county). */
export type Issuers = { county: string };

const RECIPIENTS = '各乡镇党委、政府，县直各有关单位';
/** The county's short name for document numbers: 霍山县 → 霍. */
const shortName = (county: string) => county.replace(/(县|市|区)$/, '').slice(0, 1) || '县';

/** The annual assessment report as a 通报 of the assessment committee (考核委员会). */
export function assessmentNotice(report: AssessmentReport, issuers: Issuers): OfficialNotice {
  const { year, finalization } = report;
  const issuer = `${issuers.county}脱贫攻坚考核委员会`;
  const counts = report.gradeCounts.map((g) => `${gradeLabel[g.grade]}${g.count}个`).join('、');
  const ranking: DocumentTable = {
    caption: `附表1 ${year}年度考核结果排名`,
    sheetName: `${year}年度考核排名`,
    columns: [
      { header: '名次', numeric: true, width: 6 },
      { header: '单位', width: 28 },
      { header: '平时', numeric: true, width: 10 },
      { header: '集中考核', numeric: true, width: 10 },
      { header: '总分', numeric: true, width: 10 },
      { header: '等次', width: 8 },
      { header: '一票否决', width: 10 },
    ],
    rows: report.ranking.map((r) => [
      r.rank,
      r.unitName,
      r.ordinaryScore,
      r.yearEndScore,
      r.score,
      gradeLabel[r.grade],
      r.veto ? '是' : '否',
    ]),
  };
  const vetoed: DocumentTable = {
    caption: `附表2 ${year}年度一票否决单位`,
    sheetName: '一票否决',
    columns: [
      { header: '单位', width: 28 },
      { header: '总分', numeric: true, width: 10 },
      { header: '等次', width: 8 },
    ],
    rows: report.vetoed.map((r) => [r.unitName, r.score, gradeLabel[r.grade]]),
    note: '被一票否决的单位，其领导班子和领导干部当年不得评先评优，一年内不得提拔重用。',
  };
  const exemptions: DocumentTable = {
    caption: `附表3 ${year}年度容错纠错情况`,
    sheetName: '容错纠错',
    columns: [
      { header: '单位', width: 28 },
      { header: '台账编号', width: 14 },
      { header: '扣分事项', width: 18 },
      { header: '免除扣分', numeric: true, width: 10 },
      { header: '容错理由', width: 40 },
      { header: '审批人', width: 12 },
      { header: '批准日期', width: 12 },
    ],
    rows: report.exemptions.map((e) => [e.unitName, e.ledgerNumber, e.rule, e.points, e.reason, e.approvedBy, e.grantedOn]),
  };
  const vetoText =
    report.vetoed.length > 0
      ? `${report.vetoed.map((r) => r.unitName).join('、')}共${report.vetoed.length}个单位考核等次为较差，实行一票否决（见附表2）。`
      : '本年度无一票否决单位。';
  const exemptionText =
    report.exemptions.length > 0
      ? `经县考核委员会审批，对${report.exemptions.length}项扣分予以容错纠错，不计入考核得分（见附表3）。`
      : '本年度未予容错纠错。';
  return {
    issuer,
    documentNumber: documentNumber(`${shortName(issuers.county)}考委`, year + 1, 1),
    date: countyDay(finalization.occurredAt),
    title: `关于${year}年度脱贫攻坚工作考核结果的通报`,
    recipients: RECIPIENTS,
    body: [
      {
        kind: 'paragraph',
        text: `根据考核办法（第${finalization.policyVersion}版），县考核委员会对${year}年度各乡镇、县直部门脱贫攻坚工作进行了考核，并于${chineseDate(countyDay(finalization.occurredAt))}定档。现将考核结果通报如下。`,
      },
      { kind: 'heading', level: 1, text: '一、考核结果' },
      { kind: 'paragraph', text: `共考核${report.ranking.length}个单位，其中${counts}。各单位得分、名次和等次见附表1。` },
      { kind: 'table', table: ranking },
      { kind: 'heading', level: 1, text: '二、一票否决' },
      { kind: 'paragraph', text: vetoText },
      ...(report.vetoed.length > 0 ? [{ kind: 'table' as const, table: vetoed }] : []),
      { kind: 'heading', level: 1, text: '三、容错纠错' },
      { kind: 'paragraph', text: exemptionText },
      ...(report.exemptions.length > 0 ? [{ kind: 'table' as const, table: exemptions }] : []),
      { kind: 'heading', level: 1, text: '四、数据说明' },
      {
        kind: 'paragraph',
        text: `本通报各项数据取自定档时冻结的考核结果（台账日志位置${finalization.position}，校验值${finalization.cardsHash.slice(0, 16)}），${report.reproduced ? '已据台账日志复核一致' : '据台账日志复核不一致，请核查'}。`,
      },
    ],
    copyTo: '县委、县政府主要负责同志，县纪委监委',
  };
}

/** The ledger numbers behind a unit's figures, figure by figure. */
const numbers = (row: InspectionRow) =>
  FIGURES.filter((f) => f !== 'inspected' && row[f].count > 0)
    .map((f) => `${figureLabel[f]}：${row[f].ledgerNumbers.join('、')}`)
    .join('；');

/** The quarterly inspection report (季督查) as a 通报 of the county's poverty-alleviation office. */
export function inspectionNotice(report: InspectionReport, issuers: Issuers): OfficialNotice {
  const { quarter, totals } = report;
  const label = `${quarter.year}年第${'一二三四'[quarter.quarter - 1]}季度`;
  const summary: DocumentTable = {
    caption: `附表1 ${label}各单位督查情况`,
    sheetName: `${quarter.id}督查情况`,
    columns: [{ header: '责任单位', width: 24 }, ...FIGURES.map((f) => ({ header: figureLabel[f], numeric: true, width: 8 }))],
    rows: [...report.rows, totals].map((r) => [r.unitName, ...FIGURES.map((f) => r[f].count)]),
    note: report.rule,
  };
  const items: DocumentTable = {
    caption: `附表2 ${label}督查事项台账编号`,
    sheetName: `${quarter.id}台账编号`,
    columns: [
      { header: '责任单位', width: 24 },
      { header: '检查事项', width: 40 },
      { header: '其中', width: 60 },
    ],
    rows: report.rows.map((r) => [r.unitName, r.inspected.ledgerNumbers.join('、'), numbers(r)]),
  };
  const finding = (f: (typeof FIGURES)[number], text: string) =>
    totals[f].count > 0 ? `${text}${totals[f].count}项（${totals[f].ledgerNumbers.join('、')}）` : null;
  const findings = [
    finding('overdue', '逾期未整改'),
    finding('reopened', '销号后重新打开'),
    finding('rechecksOverdue', '回头看逾期'),
  ].filter((t) => t !== null);
  return {
    issuer: `${issuers.county}扶贫开发领导小组办公室`,
    documentNumber: documentNumber(`${shortName(issuers.county)}扶办`, quarter.year, quarter.quarter),
    date: report.day,
    title: `关于${label}脱贫攻坚问题整改督查情况的通报`,
    recipients: RECIPIENTS,
    body: [
      {
        kind: 'paragraph',
        text: `按照“月调度、季督查”制度，县扶贫开发领导小组办公室对${label}各单位问题整改情况进行了督查${report.complete ? '' : `（本季度尚未结束，数据截至${chineseDate(report.day)}）`}。现将有关情况通报如下。`,
      },
      { kind: 'heading', level: 1, text: '一、总体情况' },
      {
        kind: 'paragraph',
        text: `本季度共督查${report.rows.length}个单位的问题${totals.inspected.count}项，新增${totals.raised.count}项，销号${totals.closed.count}项；回头看到期${totals.rechecksDue.count}项，巩固${totals.rechecksConfirmed.count}项。各单位情况见附表1，所涉台账编号见附表2。`,
      },
      { kind: 'table', table: summary },
      { kind: 'heading', level: 1, text: '二、存在问题' },
      { kind: 'paragraph', text: findings.length > 0 ? `${findings.join('；')}。` : '本季度未发现逾期、反弹或回头看逾期事项。' },
      { kind: 'table', table: items },
      { kind: 'heading', level: 1, text: '三、工作要求' },
      {
        kind: 'paragraph',
        text: '各单位要对照通报事项逐项整改，逾期事项限期办结，重新打开和回头看逾期的事项要查明原因、举一反三，整改情况及时录入台账。',
      },
    ],
  };
}
