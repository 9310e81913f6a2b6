import { type Translate, translate } from '../shared/i18n';
import type { LedgerItem } from '../shared/ledgerItem';
import type { Words } from '../shared/vocabulary';

/** The county ledger's columns (整改台账), in its order, with widths in characters. */
const COLUMNS = [
  { header: '序号', width: 6 },
  { header: '问题来源', width: 12 },
  { header: '问题描述', width: 50 },
  { header: '责任单位', width: 22 },
  { header: '责任人', width: 10 },
  { header: '整改措施', width: 40 },
  { header: '整改时限', width: 12 },
  { header: '整改进展', width: 40 },
  { header: '整改状态', width: 12 },
  { header: '销号时间', width: 12 },
  // Not a county column: kept last so a row can be traced back to its item (对账销号).
  { header: '台账编号', width: 14 },
] as const;

/**
 * Writes the rows as shown (filtered and sorted) into an .xlsx in the county's format and hands it
 * to the browser as a download. The sheet is the county's document, so it is always in Chinese.
 */
const zh = (key: Parameters<Translate>[0]) => translate('zh', key);

export async function exportLedger(rows: LedgerItem[], t: Translate, words: Words): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '台账 taizhang';
  const sheet = workbook.addWorksheet('整改台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  rows.forEach((item, index) => {
    sheet.addRow([
      index + 1,
      words.zh('sources', item.source),
      item.description,
      item.responsibleUnit?.name ?? '',
      item.responsiblePerson ?? '',
      item.measures ?? '',
      item.deadline ?? '',
      item.latestProgress ?? '',
      // 已销号（待回头看） until the 回头看 confirms 巩固.
      words.zh('problemStatuses', item.status) +
        (item.overdue ? `（${zh('field.overdue')}）` : '') +
        (item.consolidation ? `（${zh(`consolidation.${item.consolidation}`)}）` : ''),
      item.closedOn ?? '',
      item.ledgerNumber,
    ]);
  });
  sheet.eachRow((row) => {
    row.alignment = { vertical: 'top', wrapText: true };
  });
  const buffer = await workbook.xlsx.writeBuffer();
  const blob = new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${t('ledger.fileName')}-${new Date().toISOString().slice(0, 10)}.xlsx`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
