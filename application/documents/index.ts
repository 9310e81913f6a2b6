/**
 * The office's document formats (公文): an official notice (通报) described plainly
 * (`OfficialNotice`), rendered as a Word document laid out as GB/T 9704 asks (`renderDocx`) and its
 * tables as a workbook (`renderXlsx`). General on purpose: the annual assessment report, the
 * quarterly inspection report and the monthly bulletin are all notices.
 */
import type { NoticeFonts } from './docx.js';
import type { OfficialNotice } from './notice.js';

export type { NoticeFonts } from './docx.js';
export {
  type Block,
  type Cell,
  type Column,
  type DocumentTable,
  type OfficialNotice,
  chineseDate,
  documentNumber,
  tablesOf,
  textWidth,
} from './notice.js';
export { renderXlsx, sheetNames } from './xlsx.js';

/** A rendered file: its bytes, its name and its media type. */
export type RenderedFile = { name: string; contentType: string; data: Buffer };

/**
 * The notice as a Word document (./docx.js), loaded with the docx package at the first one made: docx is one module of
 * 1 MB whose loading held the event loop 40–55 ms in one block, in every start's first second (issue 12, aim 3).
 */
export async function renderDocx(notice: OfficialNotice, fonts?: NoticeFonts): Promise<Buffer> {
  return (await import('./docx.js')).renderDocx(notice, fonts);
}

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
