import type ExcelJS from 'exceljs';
import { textWidth } from './notice.js';
import type { DocumentTable } from './notice.js';

/** exceljs, imported at its first use: loading it (and what it pulls in) took about 0.16 s of every start (issue 12). */
export const excel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;

/** Characters Excel refuses in a sheet name, and its length limit. */
const SHEET_NAME_FORBIDDEN = /[\\/?*[\]:]/g;
const SHEET_NAME_MAX = 31;

/** The sheet names of the tables, in order: the table's `sheetName` or its caption, cleaned, cut to 31 characters, made unique. */
export function sheetNames(tables: DocumentTable[]): string[] {
  const used = new Set<string>();
  return tables.map((t, i) => {
    const base = (t.sheetName ?? t.caption).replace(SHEET_NAME_FORBIDDEN, ' ').trim().slice(0, SHEET_NAME_MAX) || `表${i + 1}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base.slice(0, SHEET_NAME_MAX - String(n).length - 1)}_${n}`;
    used.add(name.toLowerCase());
    return name;
  });
}

/**
 * The tables of a notice as one workbook, a sheet per table: the header row bold on grey with borders,
 * frozen, filterable; columns as wide as the table says (or its longest cell); numbers kept numbers;
 * the caption printed as the page header and the note under the rows.
 */
export async function renderXlsx(tables: DocumentTable[], options: { creator?: string; title?: string } = {}): Promise<Buffer> {
  const workbook = new (await excel()).Workbook();
  workbook.creator = options.creator ?? '台账 taizhang';
  if (options.title) workbook.title = options.title;
  const names = sheetNames(tables);
  tables.forEach((t, i) => {
    const sheet = workbook.addWorksheet(names[i]!, {
      views: [{ state: 'frozen', ySplit: 1 }],
      pageSetup: {
        paperSize: 9,
        orientation: t.columns.length > 6 ? 'landscape' : 'portrait',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
      },
      headerFooter: { oddHeader: `&C&"黑体"${t.caption.replace(/&/g, '&&')}`, oddFooter: '&C第 &P 页，共 &N 页' },
    });
    sheet.columns = t.columns.map((c, j) => ({
      header: c.header,
      width: c.width ?? Math.min(Math.max(textWidth(c.header), ...t.rows.map((r) => textWidth(r[j] == null ? '' : String(r[j])))) + 2, 60),
      style: { alignment: { vertical: 'middle', horizontal: c.numeric ? 'right' : 'left', wrapText: true } },
    }));
    for (const row of t.rows) sheet.addRow(t.columns.map((_, j) => row[j] ?? null));
    const head = sheet.getRow(1);
    head.font = { bold: true, name: '黑体' };
    head.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    head.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9D9D9' } };
      cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    });
    if (t.rows.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + t.rows.length, column: t.columns.length } };
    // After an empty row, outside the filtered range: a reader of the table stops at the blank.
    if (t.note) {
      sheet.addRow([]);
      sheet.addRow([`注：${t.note}`]).font = { italic: true };
    }
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
