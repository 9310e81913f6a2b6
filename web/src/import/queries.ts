import { gqlWithFile } from '../shared/api';
import { SIMILAR_FIELDS, type SimilarProblem } from '../similar/SimilarProblems';

export type Issue = { row: number; column: string; columnLetter: string; code: string; message: string; value: string | null };
export type Preview = {
  fileName: string;
  contentHash: string;
  newRows: number;
  alreadyImported: number;
  issues: Issue[];
  rows: {
    row: number;
    source: string;
    category: string;
    description: string;
    unitName: string | null;
    /** 配合单位: the other units the row names, found by name; assigned as co-responsible beside the lead unit. */
    coResponsibleUnits: { id: string; name: string }[];
    responsiblePerson: string | null;
    deadline: string | null;
    alreadyImported: boolean;
    /** 举一反三: the existing problems this new row resembles (at most 3, best first). */
    similar: SimilarProblem[];
    /** 迁移导入: the state its 整改状态 means, its 销号时间, the deadline as written in words. */
    raisedOn: string | null;
    migratedStatus: 'open' | 'rectifying' | 'closed' | null;
    closedOn: string | null;
    deadlineTerm: string | null;
  }[];
  /** Group headings (一、…) and notes (合计, 填报人 …) left out. */
  skipped: { row: number; reason: string; text: string }[];
};
export type Result = { created: number; alreadyImported: number; problems: { id: string; ledgerNumber: string }[] };

const PREVIEW = `mutation Preview($file: File!) {
  previewImport(file: $file) {
    fileName contentHash newRows alreadyImported
    issues { row column columnLetter code message value }
    rows { row source category description unitName coResponsibleUnits { id name } responsiblePerson deadline alreadyImported similar { ${SIMILAR_FIELDS} }
      raisedOn migratedStatus closedOn deadlineTerm }
    skipped { row reason text }
  }
}`;
const COMMIT = `mutation Import($file: File!) {
  importProblems(file: $file) { created alreadyImported problems { id ledgerNumber } }
}`;

/** Checks a spreadsheet without importing it: every bad cell, or the rows it would add. */
export const previewImport = async (file: File): Promise<Preview> =>
  (await gqlWithFile<{ previewImport: Preview }>(PREVIEW, 'file', file)).previewImport;

/** Imports it whole, or nothing. */
export const commitImport = async (file: File): Promise<Result> =>
  (await gqlWithFile<{ importProblems: Result }>(COMMIT, 'file', file)).importProblems;
