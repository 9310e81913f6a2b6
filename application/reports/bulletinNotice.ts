import { type Light, countyDay } from '../../domain/index.js';
import type { BulletinFigure } from '../../projections/bulletin.js';
import type { BulletinView } from '../bulletin.js';
import { type DocumentTable, type OfficialNotice, chineseDate, documentNumber } from '../documents/index.js';
import type { Issuers } from './notices.js';

/*
 * 月通报 as the office issues it: the month's bulletin (projections/bulletin.ts), published or draft,
 * written as a 通报 of the county's supervision office (督查办). Every number in it is read off the
 * bulletin as served (`BulletinView`), so the document says what the page and the API say.
 */

const RECIPIENTS = '各乡镇党委、政府，县直各有关单位';
const shortName = (county: string) => county.replace(/(县|市|区)$/, '').slice(0, 1) || '县';

/** "2020年12月" */
export const monthLabel = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

/** 按期销号率 as the document prints it: "85.7%", "—" when nothing was closed. */
export const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** A count's change from last month in words: 比上月增加2项 / 比上月减少1项 / 与上月持平. */
export function changeWords(change: number, unit = '项'): string {
  if (change > 0) return `比上月增加${change}${unit}`;
  if (change < 0) return `比上月减少${-change}${unit}`;
  return '与上月持平';
}

/** The on-time rate's change in percentage points, or why there is none. */
function rateWords(now: number | null, previous: number | null, change: number | null): string {
  if (now === null) return '本月无销号事项';
  if (previous === null || change === null) return '上月无销号事项，无从比较';
  const points = Math.abs(change * 100).toFixed(1);
  if (change > 0) return `比上月提高${points}个百分点`;
  if (change < 0) return `比上月下降${points}个百分点`;
  return '与上月持平';
}

/** The change column of a table: "+2", "-1", "0". */
export const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

export const lightWord: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' };

/** A figure with its ledger numbers in brackets, when there are any: "3项（HS-2020-0001、…）". */
const withNumbers = (f: BulletinFigure, unit = '项') =>
  f.ledgerNumbers.length > 0 ? `${f.count}${unit}（${f.ledgerNumbers.join('、')}）` : `${f.count}${unit}`;

/** 附表1's columns: each unit's line and rank. */
export const RANKING_HEADER = ['名次', '单位', '新增', '销号', '按期销号', '按期销号率', '月末逾期', '逾期较上月', '灯色'];
/** 附表2's columns: the items overdue longest. */
export const OVERDUE_HEADER = ['序号', '台账编号', '责任单位', '整改时限', '逾期起始日', '逾期天数'];
/** 附表3's columns: the other figures with their ledger numbers. */
export const OTHER_HEADER = ['项目', '数量', '台账编号'];

/** The month's bulletin as a 通报; a draft says so in its title (草稿) and in its data note. */
export function bulletinNotice(view: BulletinView, issuers: Issuers, today: string): OfficialNotice {
  const { bulletin: b, published } = view;
  const label = monthLabel(b.month);
  const c = b.county;
  const f = c.figures;
  const draft = published === null;
  const date = published ? countyDay(published.at) : today;

  const ranking: DocumentTable = {
    caption: `附表1 ${label}各单位问题整改情况排名`,
    sheetName: `${b.month}各单位排名`,
    columns: [
      { header: RANKING_HEADER[0]!, numeric: true, width: 6 },
      { header: RANKING_HEADER[1]!, width: 22 },
      { header: RANKING_HEADER[2]!, numeric: true, width: 6 },
      { header: RANKING_HEADER[3]!, numeric: true, width: 6 },
      { header: RANKING_HEADER[4]!, numeric: true, width: 8 },
      { header: RANKING_HEADER[5]!, numeric: true, width: 10 },
      { header: RANKING_HEADER[6]!, numeric: true, width: 8 },
      { header: RANKING_HEADER[7]!, numeric: true, width: 10 },
      { header: RANKING_HEADER[8]!, width: 6 },
    ],
    rows: b.units.map((u) => [
      u.rank,
      u.name,
      u.figures.raised.count,
      u.figures.closed.count,
      u.figures.closedOnTime.count,
      percent(u.figures.onTimeClosureRate),
      u.figures.overdue.count,
      signed(u.change.overdue),
      lightWord[u.light],
    ]),
    note: '排名依次按月末逾期事项少、本月按期销号率高（本月无销号的列后）、本月销号多；三项相同的并列。',
  };
  const overdue: DocumentTable = {
    caption: `附表2 ${label}末逾期时间最长的事项`,
    sheetName: `${b.month}逾期最长事项`,
    columns: [
      { header: OVERDUE_HEADER[0]!, numeric: true, width: 6 },
      { header: OVERDUE_HEADER[1]!, width: 16 },
      { header: OVERDUE_HEADER[2]!, width: 20 },
      { header: OVERDUE_HEADER[3]!, width: 12 },
      { header: OVERDUE_HEADER[4]!, width: 12 },
      { header: OVERDUE_HEADER[5]!, numeric: true, width: 8 },
    ],
    rows: b.longestOverdue.map((i, n) => [n + 1, i.ledgerNumber, i.unitName ?? '未交办', i.deadline, i.overdueSince, i.daysOverdue]),
    note: `逾期天数截至${chineseDate(b.through)}，含逾期首日。`,
  };
  const others: [string, BulletinFigure][] = [
    ['督办下发', b.supervision.issued],
    ['督办回复', b.supervision.answered],
    ['约谈', b.interviews.held],
    ['12317举报收到', b.hotline.received],
    ['其中：受理', b.hotline.accepted],
    ['其中：不予受理', b.hotline.dismissed],
    ['其中：尚待处理', b.hotline.pending],
    ['问题反弹：新发现', b.recurrences.raised],
    ['问题反弹：销号后重新打开', b.recurrences.reopened],
  ];
  const other: DocumentTable = {
    caption: `附表3 ${label}督办、约谈、举报和反弹情况`,
    sheetName: `${b.month}督办约谈举报反弹`,
    columns: [
      { header: OTHER_HEADER[0]!, width: 24 },
      { header: OTHER_HEADER[1]!, numeric: true, width: 6 },
      { header: OTHER_HEADER[2]!, width: 50 },
    ],
    rows: others.map(([name, figure]) => [name, figure.count, figure.ledgerNumbers.join('、')]),
  };

  const red =
    b.redUnits.length > 0
      ? `${b.redUnits.map((r) => r.name).join('、')}共${b.redUnits.length}个单位月末亮红灯。其中，${b.redUnits
          .map((r) => `${r.name}红灯事项${withNumbers(r.red)}`)
          .join('；')}。请以上单位主要负责同志亲自研究、限期整改。`
      : '本月末无亮红灯单位。';
  const interviewed = [...new Set(b.interviews.list.map((i) => i.unitName))];
  const h = b.hotline;
  const r = b.recurrences;
  return {
    issuer: `${issuers.county}脱贫攻坚督查办公室`,
    documentNumber: documentNumber(`${shortName(issuers.county)}督办`, Number(b.month.slice(0, 4)), Number(b.month.slice(5, 7))),
    date,
    title: `关于${label}全县问题整改工作情况的通报${draft ? '（草稿）' : ''}`,
    recipients: RECIPIENTS,
    body: [
      {
        kind: 'paragraph',
        text: `按照“月调度、季督查”工作要求，现将${label}全县问题整改工作情况通报如下${b.complete ? '' : `（本月尚未结束，数据截至${chineseDate(b.through)}）`}。`,
      },
      { kind: 'heading', level: 1, text: '一、总体情况' },
      {
        kind: 'paragraph',
        text: `本月全县新增问题${f.raised.count}项，${changeWords(c.change.raised)}；销号${f.closed.count}项，${changeWords(c.change.closed)}，其中按期销号${f.closedOnTime.count}项，按期销号率${percent(f.onTimeClosureRate)}，${rateWords(f.onTimeClosureRate, c.previous.onTimeClosureRate, c.change.onTimeClosureRate)}；月末逾期未整改${f.overdue.count}项，${changeWords(c.change.overdue)}。`,
      },
      { kind: 'heading', level: 1, text: '二、各单位排名' },
      { kind: 'paragraph', text: `参加排名单位${b.units.length}个，各单位本月整改情况和名次见附表1。` },
      { kind: 'table', table: ranking },
      { kind: 'heading', level: 1, text: '三、红灯单位' },
      { kind: 'paragraph', text: red },
      { kind: 'heading', level: 1, text: '四、逾期时间最长的事项' },
      {
        kind: 'paragraph',
        text:
          b.longestOverdue.length > 0
            ? `月末逾期时间最长的${b.longestOverdue.length}项问题见附表2，最长已逾期${b.longestOverdue[0]!.daysOverdue}天。`
            : '本月末无逾期事项。',
      },
      ...(b.longestOverdue.length > 0 ? [{ kind: 'table' as const, table: overdue }] : []),
      { kind: 'heading', level: 1, text: '五、督办、约谈、举报和反弹情况' },
      {
        kind: 'paragraph',
        text: `本月下发督办${withNumbers(b.supervision.issued, '件')}，收到督办回复${b.supervision.answered.count}件。约谈${b.interviews.held.count}次${interviewed.length > 0 ? `（${interviewed.join('、')}）` : ''}。收到12317举报${h.received.count}件，其中受理${h.accepted.count}件、不予受理${h.dismissed.count}件、尚待处理${h.pending.count}件。问题反弹${r.raised.count + r.reopened.count}项，其中新发现反弹${r.raised.count}项、销号后重新打开${r.reopened.count}项。所涉台账编号见附表3。`,
      },
      { kind: 'table', table: other },
      { kind: 'heading', level: 1, text: '六、工作要求' },
      {
        kind: 'paragraph',
        text: '各单位要对照通报逐项整改：逾期事项限期办结，红灯单位主要负责同志要亲自研究部署，督办事项按时答复，反弹问题查明原因、举一反三，整改情况及时录入台账。',
      },
      { kind: 'heading', level: 1, text: '七、数据说明' },
      {
        kind: 'paragraph',
        text: published
          ? `本通报数据取自整改台账，截至${chineseDate(countyDay(b.asOf))}，于${chineseDate(countyDay(published.at))}印发时冻结（台账日志位置${published.position}，考核办法第${b.policyVersion}版，校验值${published.hash.slice(0, 16)}），${view.reproduced ? '已据台账日志复核一致' : '据台账日志复核不一致，请核查'}。印发后补录的情况不改变本通报。`
          : `本通报为草稿，数据取自整改台账，截至${chineseDate(b.through)}（考核办法第${b.policyVersion}版），印发前随台账变化。`,
      },
    ],
    copyTo: '县委、县政府主要负责同志',
  };
}
