import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';

/**
 * One file out of a .docx or .xlsx (a zip), read with node's zlib alone: the tests look at the XML
 * the renderers wrote (fonts, indents, colours) without trusting the library that wrote it.
 */
export function zipEntry(zip: Buffer, name: string): string {
  // The end of central directory record: its signature, searched from the end.
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('Not a zip file');
  let at = zip.readUInt32LE(end + 16);
  const count = zip.readUInt16LE(end + 10);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const entry = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (entry === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 0 ? data : inflateRawSync(data)).toString('utf8');
    }
    at += 46 + nameLength + extra + comment;
  }
  throw new Error(`No ${name} in the zip`);
}

/** The .docx's text as mammoth reads it (what Word would show, without layout). */
export async function docxText(docx: Buffer): Promise<string> {
  return (await mammoth.extractRawText({ buffer: docx })).value;
}

/** The .docx as HTML, as mammoth reads it: tables come back as <table>, so cells can be compared. */
export async function docxHtml(docx: Buffer): Promise<string> {
  return (await mammoth.convertToHtml({ buffer: docx })).value;
}

/** The rows of a .docx's tables as mammoth reads them, each table a list of rows of cell texts. */
export async function docxTables(docx: Buffer): Promise<string[][][]> {
  const html = await docxHtml(docx);
  const text = (cell: string) =>
    cell
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .trim();
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) =>
    [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => text(c[1]!)),
    ),
  );
}

/** Every sheet of an .xlsx as read back by exceljs: its name and its rows of values (header first), up to the first empty row. */
export async function xlsxSheets(xlsx: Buffer): Promise<{ name: string; rows: unknown[][] }[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: unknown[][] = [];
    for (let r = 1; r <= sheet.rowCount; r++) {
      const values = sheet.getRow(r).values as unknown[];
      if (!Array.isArray(values) || values.length === 0) break;
      rows.push(values.slice(1).map((v) => v ?? null));
    }
    return { name: sheet.name, rows };
  });
}
