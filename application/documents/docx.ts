import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  type IFontAttributesProperties,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import { type Block, type Cell, type DocumentTable, type OfficialNotice, chineseDate, textWidth } from './notice.js';

/** The typefaces of a 通报, by role; Chinese names, as Word and WPS list them on a Chinese system. */
export type NoticeFonts = {
  /** 发文机关标志 and 标题: 小标宋. */
  title: string;
  /** 正文: 仿宋. */
  body: string;
  /** 一级标题 and table captions: 黑体. */
  heading: string;
  /** 二级标题: 楷体. */
  subheading: string;
  /** Latin letters and digits. */
  latin: string;
};

/** GB/T 9704-2012's typefaces (方正小标宋简体 is the one most offices install; see `fontTable` for the fallback). */
export const officeFonts: NoticeFonts = {
  title: '方正小标宋简体',
  body: '仿宋',
  heading: '黑体',
  subheading: '楷体',
  latin: 'Times New Roman',
};

/** Chinese font sizes (字号) in half-points, as docx counts them. */
const SIZE = { er: 44, san: 32, si: 28, xiaosi: 24, wu: 21 } as const;
/** Twips per millimetre. */
const MM = 1440 / 25.4;
/** A4, with GB/T 9704's margins: 37 mm top, 35 mm bottom, 28 mm left, 26 mm right. */
const PAGE = {
  width: 11906,
  height: 16838,
  top: Math.round(37 * MM),
  bottom: Math.round(35 * MM),
  left: Math.round(28 * MM),
  right: Math.round(26 * MM),
};
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
/** 28 pt lines: 22 lines of 三号 text to the page, as the standard asks. */
const LINE = { line: 560, lineRule: LineRuleType.EXACT } as const;
const RED = 'FF0000';

/**
 * The East Asian font on the run (`w:eastAsia`), so Word and WPS set Chinese text in it and the
 * Latin font for digits and letters; the hint says the run is East Asian text.
 */
function font(chinese: string, fonts: NoticeFonts): IFontAttributesProperties {
  return { eastAsia: chinese, ascii: fonts.latin, hAnsi: fonts.latin, cs: fonts.latin, hint: 'eastAsia' };
}

function run(text: string, chinese: string, size: number, fonts: NoticeFonts, extra: { bold?: boolean; color?: string } = {}) {
  return new TextRun({ text, font: font(chinese, fonts), size, language: { eastAsia: 'zh-CN' }, ...extra });
}

/** 正文 paragraph: 仿宋 三号, two characters' first-line indent (首行缩进2字符), justified. */
function bodyParagraph(text: string, fonts: NoticeFonts, chinese = fonts.body): Paragraph {
  return new Paragraph({
    children: [run(text, chinese, SIZE.san, fonts)],
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLineChars: 200, firstLine: 2 * 320 },
    spacing: LINE,
  });
}

const blank = () => new Paragraph({ spacing: LINE, children: [] });

/** The width (in characters, CJK counting two) the spreadsheet and the grid share when a column gives none. */
function columnChars(table: DocumentTable, i: number): number {
  const column = table.columns[i]!;
  if (column.width) return column.width;
  const longest = Math.max(
    textWidth(column.header),
    ...table.rows.slice(0, 200).map((row) => textWidth(row[i] == null ? '' : String(row[i]))),
  );
  return Math.min(Math.max(longest + 2, 6), 40);
}

const cellBorder = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;
const borders = { top: cellBorder, bottom: cellBorder, left: cellBorder, right: cellBorder };

function tableCell(value: Cell, width: number, fonts: NoticeFonts, header: boolean, numeric: boolean): TableCell {
  const text = value == null ? '' : String(value);
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    borders,
    verticalAlign: VerticalAlignTable.CENTER,
    margins: { left: 80, right: 80, top: 40, bottom: 40 },
    children: [
      new Paragraph({
        alignment: header || numeric ? AlignmentType.CENTER : AlignmentType.LEFT,
        children: [run(text, header ? fonts.heading : fonts.body, SIZE.wu, fonts)],
      }),
    ],
  });
}

/** A table with its caption (表题, 黑体) above and its note below; the header row repeats on every page. */
function table(t: DocumentTable, fonts: NoticeFonts): (Paragraph | Table)[] {
  const chars = t.columns.map((_, i) => columnChars(t, i));
  const total = chars.reduce((a, b) => a + b, 0);
  const widths = chars.map((c) => Math.floor((c / total) * TEXT_WIDTH));
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: t.columns.map((c, i) => tableCell(c.header, widths[i]!, fonts, true, false)),
  });
  const rows = t.rows.map(
    (row) =>
      new TableRow({
        cantSplit: true,
        children: t.columns.map((c, i) => tableCell(row[i] ?? null, widths[i]!, fonts, false, c.numeric === true)),
      }),
  );
  const out: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: LINE,
      keepNext: true,
      children: [run(t.caption, fonts.heading, SIZE.si, fonts)],
    }),
    new Table({ width: { size: TEXT_WIDTH, type: WidthType.DXA }, columnWidths: widths, rows: [header, ...rows] }),
  ];
  if (t.note) out.push(new Paragraph({ spacing: { before: 60 }, children: [run(`注：${t.note}`, fonts.body, SIZE.wu, fonts)] }));
  out.push(blank());
  return out;
}

function block(b: Block, fonts: NoticeFonts): (Paragraph | Table)[] {
  switch (b.kind) {
    case 'paragraph':
      return [bodyParagraph(b.text, fonts)];
    case 'heading':
      return [bodyParagraph(b.text, fonts, b.level === 1 ? fonts.heading : fonts.subheading)];
    case 'table':
      return table(b.table, fonts);
    default: {
      const never: never = b;
      throw new Error(`Unknown block ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The red header (版头): 发文机关标志 in red 小标宋, centred, as large as fits one line; the 文号
 * centred under it; the red separating line (红色分隔线) drawn as the 文号 paragraph's bottom border.
 */
function header(notice: OfficialNotice, fonts: NoticeFonts): Paragraph[] {
  const mark = notice.issuerMark ?? `${notice.issuer}文件`;
  // Up to 36 pt, smaller when a long name would not fit one line (text width ≈ 440 pt).
  const points = Math.min(36, Math.floor(440 / Math.max(mark.length, 1)));
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 480 },
      children: [run(mark, fonts.title, points * 2, fonts, { color: RED })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 120 },
      border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 8 } },
      children: [run(notice.documentNumber, fonts.body, SIZE.san, fonts)],
    }),
    blank(),
  ];
}

/** 落款 and 成文日期, right-aligned with four characters' room; then the 版记 (抄送, 印发) between black lines. */
function closing(notice: OfficialNotice, fonts: NoticeFonts): Paragraph[] {
  const right = (text: string) =>
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      indent: { right: 4 * 320 },
      spacing: LINE,
      children: [run(text, fonts.body, SIZE.san, fonts)],
    });
  const out = [blank(), right(notice.signature ?? notice.issuer), right(chineseDate(notice.date)), blank()];
  const line = { style: BorderStyle.SINGLE, size: 8, color: '000000', space: 4 } as const;
  if (notice.copyTo)
    out.push(
      new Paragraph({
        border: { top: line },
        indent: { left: 320, right: 320 },
        children: [run(`抄送：${notice.copyTo}。`, fonts.body, SIZE.si, fonts)],
      }),
    );
  out.push(
    new Paragraph({
      border: { top: line, bottom: line },
      indent: { left: 320, right: 320 },
      tabStops: [{ type: 'right', position: TEXT_WIDTH - 640 }],
      children: [
        run(notice.printedBy ?? notice.issuer, fonts.body, SIZE.si, fonts),
        run(`\t${chineseDate(notice.date)}印发`, fonts.body, SIZE.si, fonts),
      ],
    }),
  );
  return out;
}

/**
 * The font table Word and WPS read to stand in for a typeface the machine lacks: each Chinese face
 * with its alternative (方正小标宋简体 → 宋体, 仿宋 → FangSong …) and the GB2312 character set, so a
 * missing 小标宋 becomes 宋体 rather than a Latin default.
 */
function fontTable(fonts: NoticeFonts): string {
  const alternatives: Record<string, string> = {
    [fonts.title]: '宋体',
    [fonts.body]: 'FangSong',
    [fonts.heading]: 'SimHei',
    [fonts.subheading]: 'KaiTi',
    宋体: 'SimSun',
  };
  const entries = Object.entries(alternatives)
    .map(
      ([name, alt]) =>
        `<w:font w:name="${escapeXml(name)}"><w:altName w:val="${escapeXml(alt)}"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>`,
    )
    .join('');
  const latin = `<w:font w:name="${escapeXml(fonts.latin)}"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${entries}${latin}</w:fonts>`;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/**
 * The notice as a Word document laid out as a county office issues a 通报 (GB/T 9704-2012, 党政机关公文格式):
 * A4 with the standard's margins; the red header and 文号; the title in 二号小标宋; the 主送 line;
 * the body in 三号仿宋 on 28 pt lines with a two-character first-line indent; tables with borders,
 * captions and a repeating header row; the signature and date; the 版记; page numbers "— 1 —".
 */
export async function renderDocx(notice: OfficialNotice, fonts: NoticeFonts = officeFonts): Promise<Buffer> {
  const title = new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { line: 700, lineRule: LineRuleType.EXACT, after: 320 },
    children: [run(notice.title, fonts.title, SIZE.er, fonts)],
  });
  const recipients = notice.recipients
    ? [new Paragraph({ spacing: LINE, children: [run(`${notice.recipients}：`, fonts.body, SIZE.san, fonts)] })]
    : [];
  const footer = new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: font('宋体', fonts), size: SIZE.si })],
      }),
    ],
  });
  const document = new Document({
    creator: notice.issuer,
    title: notice.title,
    description: notice.documentNumber,
    styles: {
      default: {
        document: { run: { font: font(fonts.body, fonts), size: SIZE.san, language: { eastAsia: 'zh-CN' } } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, footer: Math.round(20 * MM) },
          },
        },
        footers: { default: footer },
        children: [
          ...header(notice, fonts),
          title,
          ...recipients,
          ...notice.body.flatMap((b) => block(b, fonts)),
          ...closing(notice, fonts),
        ],
      },
    ],
  });
  return Packer.toBuffer(document, false, [{ path: 'word/fontTable.xml', data: fontTable(fonts) }]);
}
