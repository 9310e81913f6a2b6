import { describe, expect, it } from 'vitest';
import {
  type OfficialNotice,
  chineseDate,
  documentNumber,
  renderDocx,
  renderXlsx,
  sheetNames,
  tablesOf,
} from '../../application/documents/index.js';
import { docxTables, docxText, xlsxSheets, zipEntry } from '../support/officeFiles.js';

const notice: OfficialNotice = {
  issuer: '霍山县脱贫攻坚领导小组办公室',
  documentNumber: documentNumber('霍脱贫办', 2020, 3),
  date: '2020-01-05',
  title: '关于2019年第四季度督查情况的通报',
  recipients: '各乡镇党委、政府，县直各单位',
  body: [
    { kind: 'paragraph', text: '现将督查情况通报如下。' },
    { kind: 'heading', level: 1, text: '一、总体情况' },
    {
      kind: 'table',
      table: {
        caption: '附表1 各单位督查情况',
        columns: [{ header: '单位' }, { header: '检查事项', numeric: true }, { header: '台账编号' }],
        rows: [
          ['磨子潭镇', 3, 'GJ-2019-001 SJ-2019-001'],
          ['县扶贫局', 0, null],
        ],
        note: '检查事项按季度内在整改的事项计。',
      },
    },
    { kind: 'heading', level: 2, text: '（一）逾期事项' },
    { kind: 'table', table: { caption: '附表2 逾期事项', columns: [{ header: '台账编号' }], rows: [['SJ-2019-001']] } },
  ],
  copyTo: '县委办、县政府办',
};

describe('the document layer (通报)', () => {
  it('writes a document number and a date as a county office does', () => {
    expect(documentNumber('霍督办', 2026, 12)).toBe('霍督办〔2026〕12号');
    expect(chineseDate('2020-01-05')).toBe('2020年1月5日');
    expect(() => chineseDate('2020-1-5')).toThrow(RangeError);
  });

  it('renders a .docx that reads back with its header, title, body, tables and signature', async () => {
    const docx = await renderDocx(notice);
    const text = await docxText(docx);
    for (const expected of [
      '霍山县脱贫攻坚领导小组办公室文件',
      '霍脱贫办〔2020〕3号',
      '关于2019年第四季度督查情况的通报',
      '各乡镇党委、政府，县直各单位：',
      '现将督查情况通报如下。',
      '附表1 各单位督查情况',
      '注：检查事项按季度内在整改的事项计。',
      '2020年1月5日',
      '抄送：县委办、县政府办。',
      '2020年1月5日印发',
    ])
      expect(text).toContain(expected);
    expect(text.indexOf('文件')).toBeLessThan(text.indexOf('〔2020〕'));
    expect(text.indexOf('〔2020〕')).toBeLessThan(text.indexOf('关于2019年'));
    const tables = await docxTables(docx);
    expect(tables).toEqual([
      [
        ['单位', '检查事项', '台账编号'],
        ['磨子潭镇', '3', 'GJ-2019-001 SJ-2019-001'],
        ['县扶贫局', '0', ''],
      ],
      [['台账编号'], ['SJ-2019-001']],
    ]);
  });

  it('lays the .docx out with Chinese fonts on the runs, a red header, indented body and bordered tables', async () => {
    const xml = zipEntry(await renderDocx(notice), 'word/document.xml');
    // East Asian font names on the runs: Word and WPS set Chinese text in them.
    expect(xml).toMatch(/w:eastAsia="方正小标宋简体"/);
    expect(xml).toMatch(/w:eastAsia="仿宋"/);
    expect(xml).toMatch(/w:eastAsia="黑体"/);
    expect(xml).toMatch(/w:eastAsia="楷体"/);
    // The issuer in red, the red line under the 文号.
    expect(xml).toMatch(/<w:color w:val="FF0000"\/>/);
    expect(xml).toMatch(/<w:bottom w:val="single" w:color="FF0000"/);
    // 首行缩进2字符, and borders on the table cells.
    expect(xml).toMatch(/w:firstLineChars="200"/);
    expect(xml).toMatch(/<w:tcBorders>/);
    // A missing 小标宋 stands in as 宋体 (the font table's alternative, GB2312).
    const fonts = zipEntry(await renderDocx(notice), 'word/fontTable.xml');
    expect(fonts).toContain('<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/><w:charset w:val="86"/>');
  });

  it('renders the same tables as an .xlsx, one sheet per table with its header row and widths', async () => {
    const xlsx = await renderXlsx(tablesOf(notice));
    const sheets = await xlsxSheets(xlsx);
    expect(sheets.map((s) => s.name)).toEqual(['附表1 各单位督查情况', '附表2 逾期事项']);
    expect(sheets[0]!.rows).toEqual([
      ['单位', '检查事项', '台账编号'],
      ['磨子潭镇', 3, 'GJ-2019-001 SJ-2019-001'],
      ['县扶贫局', 0],
    ]);
    const styles = zipEntry(xlsx, 'xl/worksheets/sheet1.xml');
    expect(styles).toMatch(/<col min="3" max="3" width="2\d/);
    expect(styles).toMatch(/<pane[^>]*ySplit="1"/);
  });

  it('names sheets as Excel allows: no forbidden characters, at most 31 characters, unique', () => {
    const table = (caption: string) => ({ caption, columns: [], rows: [] });
    expect(sheetNames([table('a/b:c'), table('a/b:c'), table('很'.repeat(40))])).toEqual(['a b c', 'a b c_2', '很'.repeat(31)]);
  });
});
