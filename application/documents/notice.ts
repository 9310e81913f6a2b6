/**
 * An official notice (通报) as a plain description: what the office writes, not how it is laid out.
 * The renderers (`renderDocx`, `renderXlsx`) turn it into the formats the office files; the reports
 * (application/reports/) build one from the log. Nothing here knows about problems or scorecards.
 */

/** A table cell: text, a number (kept a number in the spreadsheet), or empty. */
export type Cell = string | number | null;

export type Column = {
  header: string;
  /** Width in characters (a CJK character counts as two), for the spreadsheet and the Word table's grid. */
  width?: number;
  /** Numbers: centred in Word, right-aligned in the spreadsheet. */
  numeric?: boolean;
};

/** A table of a notice (附表): its caption, columns and rows, the same in the .docx and as one sheet of the .xlsx. */
export type DocumentTable = {
  /** 表题, e.g. "2019年度考核结果排名". */
  caption: string;
  /** The sheet's name in the .xlsx (at most 31 characters); the caption's start when omitted. */
  sheetName?: string;
  columns: Column[];
  rows: Cell[][];
  /** A line under the table (注: how a figure is counted). */
  note?: string;
};

/** A piece of the body (正文), in order. */
export type Block =
  | { kind: 'paragraph'; text: string }
  /** 一级标题 (黑体, "一、…") or 二级标题 (楷体, "（一）…"): the numbering is part of the text. */
  | { kind: 'heading'; text: string; level: 1 | 2 }
  | { kind: 'table'; table: DocumentTable };

export type OfficialNotice = {
  /** 发文机关: the issuing body's full name, e.g. "霍山县脱贫攻坚领导小组办公室". */
  issuer: string;
  /** 发文机关标志, the red header; `${issuer}文件` when omitted. */
  issuerMark?: string;
  /** 发文字号 (文号), e.g. "霍督办〔2020〕3号" (see `documentNumber`). */
  documentNumber: string;
  /** 成文日期, a calendar day (YYYY-MM-DD); written "2020年1月15日". */
  date: string;
  /** 标题, e.g. "关于2019年度脱贫攻坚考核结果的通报". */
  title: string;
  /** 主送机关, e.g. "各乡镇党委、政府，县直各单位"; the colon is added. */
  recipients?: string;
  body: Block[];
  /** 落款 (the signing body); the issuer when omitted. */
  signature?: string;
  /** 抄送. */
  copyTo?: string;
  /** 印发机关 for the 版记 line; the issuer when omitted. */
  printedBy?: string;
};

/** 发文字号: the issuer's code, the year in hexagonal brackets 〔〕 and the serial, e.g. `documentNumber('霍督办', 2020, 3)` = "霍督办〔2020〕3号". */
export function documentNumber(code: string, year: number, serial: number): string {
  return `${code}〔${year}〕${serial}号`;
}

/** A calendar day as a Chinese document writes it (GB/T 9704: Arabic numerals, no leading zeros): "2020年1月5日". */
export function chineseDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new RangeError(`Not a calendar day: ${day}`);
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

/** The tables of a notice, in the order they appear. */
export function tablesOf(notice: OfficialNotice): DocumentTable[] {
  return notice.body.flatMap((block) => (block.kind === 'table' ? [block.table] : []));
}

/** Display width in characters: CJK and full-width characters count two. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\uffff]/.test(ch) ? 2 : 1;
  return width;
}
