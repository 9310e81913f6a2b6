import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type ImportIssue, contentOf, readTable } from '../application/imports/spreadsheet.js';

/**
 * A list imported before the ledger columns (序号, 文号, 整改状态 …) were read hashes as it did then, so
 * importing it again still adds nothing: the hash is of the first seven columns under their exact headers.
 */
async function workbook(header: string[], rows: unknown[][]): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('问题清单');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

async function hashOf(bytes: Uint8Array): Promise<string> {
  const issues: ImportIssue[] = [];
  const table = await readTable(bytes, issues);
  expect(issues).toEqual([]);
  return contentOf(table!);
}

describe('a list’s content (its hash)', () => {
  it('is the same with or without columns it did not read then (序号, 配合单位, 整改状态)', async () => {
    const plain = await workbook(
      ['问题来源', '问题类别', '问题描述', '责任单位', '责任人', '整改时限'],
      [['国家反馈', '住房安全', '黄河村3户危房未改造', '磨子潭镇', '王镇长', '2019-06-30']],
    );
    const wider = await workbook(
      ['问题来源', '问题类别', '问题描述', '责任单位', '责任人', '整改时限', '序号', '配合单位', '整改状态'],
      [['国家反馈', '住房安全', '黄河村3户危房未改造', '磨子潭镇', '王镇长', '2019-06-30', 1, '县住建局', '未整改']],
    );
    expect(await hashOf(wider)).toBe(await hashOf(plain));
    expect(await hashOf(plain)).toBe(
      JSON.stringify([[2, '国家反馈', '住房安全', '黄河村3户危房未改造', '磨子潭镇', '王镇长', '2019-06-30']]),
    );
  });

  it('counts 交办日期 when the sheet has it, as since it was read', async () => {
    const dated = await workbook(['问题来源', '问题类别', '问题描述', '交办日期'], [['审计', '资金使用', '资金拨付滞后', '2019-02-20']]);
    expect(await hashOf(dated)).toBe(JSON.stringify([[2, '审计', '资金使用', '资金拨付滞后', '', '', '', '2019-02-20']]));
  });
});
