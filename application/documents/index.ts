/**
 * The office's document formats (公文): an official notice (通报) described plainly
 * (`OfficialNotice`), rendered as a Word document laid out as GB/T 9704 asks (`renderDocx`) and its
 * tables as a workbook (`renderXlsx`). General on purpose: the annual assessment report, the
 * quarterly inspection report and the monthly bulletin are all notices.
 */
export { type NoticeFonts, officeFonts, renderDocx, textWidth } from './docx.js';
export {
  type Block,
  type Cell,
  type Column,
  type DocumentTable,
  type OfficialNotice,
  chineseDate,
  documentNumber,
  tablesOf,
} from './notice.js';
export { renderXlsx, sheetNames } from './xlsx.js';

/** A rendered file: its bytes, its name and its media type. */
export type RenderedFile = { name: string; contentType: string; data: Buffer };

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
