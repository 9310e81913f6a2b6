import type { Words } from '../shared/vocabulary';
import type { Card, CardDetail } from './queries';

/** The year's ranking and every line behind it, as an .xlsx the committee files (in Chinese, like the ledger export). */
export async function exportScorecards(year: number, cards: Card[], details: CardDetail[], words: Words): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '台账 taizhang';
  const ranking = workbook.addWorksheet(`${year}年度考核排名`, { views: [{ state: 'frozen', ySplit: 1 }] });
  ranking.columns = [
    { header: '名次', width: 6 },
    { header: '单位', width: 30 },
    { header: '平时', width: 10 },
    { header: '集中考核', width: 10 },
    { header: '总分', width: 10 },
    { header: '等次', width: 8 },
    { header: '一票否决', width: 10 },
    { header: '考核办法版本', width: 12 },
  ];
  ranking.getRow(1).font = { bold: true };
  for (const c of cards)
    ranking.addRow([
      c.rank,
      c.unit?.name ?? '',
      c.ordinaryScore,
      c.yearEndScore,
      c.score,
      words.zh('grades', c.grade),
      c.veto ? '是' : '',
      c.policyVersion,
    ]);
  const lines = workbook.addWorksheet('得分明细', { views: [{ state: 'frozen', ySplit: 1 }] });
  lines.columns = [
    { header: '单位', width: 30 },
    { header: '部分', width: 10 },
    { header: '规则', width: 18 },
    { header: '分值', width: 8 },
    { header: '计入总分', width: 10 },
    { header: '台账编号', width: 14 },
    { header: '说明', width: 60 },
    { header: '容错纠错', width: 30 },
    { header: '事件', width: 40 },
  ];
  lines.getRow(1).font = { bold: true };
  for (const card of details)
    for (const l of card.lines)
      lines.addRow([
        card.unit?.name ?? '',
        words.zh('scoreParts', l.part),
        words.zh('scoreRules', l.rule),
        l.points,
        l.contribution,
        l.ledgerNumber ?? '',
        l.explanation,
        l.exemption ? `${l.exemption.reason}（${l.exemption.approvedBy}）` : '',
        l.eventIds.join(' '),
      ]);
  const buffer = await workbook.xlsx.writeBuffer();
  const url = URL.createObjectURL(new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${year}年度考核.xlsx`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
