import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One table of figures: a title and rows whose keys are the column headings, in order. */
export type FigureTable = { title: string; rows: Record<string, string | number>[]; notes?: string[] };

/** What every bench module exports: it measures, cleans up after itself and returns its figures. */
export type BenchModule = { run: () => Promise<FigureTable | FigureTable[]> };

export function markdownTable({ title, rows, notes = [] }: FigureTable): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | undefined) => (value === undefined ? '' : typeof value === 'number' ? formatNumber(value) : value);
  const numeric = columns.map((c) => rows.every((r) => typeof r[c] === 'number'));
  return [
    `#### ${title}`,
    '',
    `| ${columns.join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((c) => cell(row[c])).join(' | ')} |`),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}

/** Whole numbers with thousands separators; ratios and other small figures with two decimals. */
export function formatNumber(value: number): string {
  if (Math.abs(value) >= 10 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

/** Lets a bench module run alone (`npx tsx bench/store.ts`) as well as under bench/run.ts. */
export async function runIfMain(moduleUrl: string, run: BenchModule['run']): Promise<void> {
  const entry = process.argv[1];
  if (!entry || realpathSync(entry) !== realpathSync(fileURLToPath(moduleUrl))) return;
  const figures = await run();
  for (const table of [figures].flat()) console.log(`${markdownTable(table)}\n`);
}
