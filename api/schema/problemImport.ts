import { ValidationError } from '../../domain/index.js';
import type { ImportIssue, ImportPreview, ImportResult, ImportRow, SkippedRow } from '../../application/imports/index.js';
import { type UploadedFile, builder } from './builder.js';
import { commandContext } from './mutations.js';
import { ProblemCategoryEnum, ProblemRef, ProblemSourceEnum } from './problem.js';
import { SimilarProblemRef } from './similarProblems.js';
import { unitRow } from './args.js';
import { UnitRef } from './unit.js';

/** Largest problem list accepted; the request body limit of /graphql applies as well. */
const IMPORT_FILE_LIMIT_BYTES = 1024 * 1024;

const ImportIssueRef = builder.objectRef<ImportIssue>('ImportIssue').implement({
  description: 'One thing wrong in a problem list: where (row and column) and why.',
  fields: (t) => ({
    row: t.exposeInt('row', { description: 'Row number as the spreadsheet shows it (header counted); 0 for the file as a whole.' }),
    column: t.exposeString('column', { description: 'The column’s header, e.g. 责任单位; empty for the file as a whole.' }),
    columnLetter: t.exposeString('columnLetter', {
      description: 'The spreadsheet’s column letter, e.g. D; empty when the column is missing.',
    }),
    code: t.exposeString('code', { description: 'Stable code, e.g. UNKNOWN_UNIT, BAD_DATE, REQUIRED.' }),
    message: t.exposeString('message', { description: 'What is wrong, in words.' }),
    value: t.exposeString('value', { nullable: true, description: 'The cell’s content as read.' }),
  }),
});

const ImportRowRef = builder.objectRef<ImportRow>('ImportRow').implement({
  description: 'A row of a problem list that passed every check, and what importing it will do.',
  fields: (t) => ({
    row: t.exposeInt('row', { description: 'Row number as the spreadsheet shows it.' }),
    source: t.field({ type: ProblemSourceEnum, description: '问题来源', resolve: (r) => r.source }),
    category: t.field({ type: ProblemCategoryEnum, description: '问题类别', resolve: (r) => r.category }),
    description: t.exposeString('description', { description: '问题描述' }),
    unitId: t.exposeID('unitId', { nullable: true, description: 'The responsible unit found by its name, if a name was given.' }),
    unitName: t.exposeString('unitName', { nullable: true, description: '责任单位, as written.' }),
    responsiblePerson: t.exposeString('responsiblePerson', { nullable: true, description: '责任人' }),
    deadline: t.exposeString('deadline', { nullable: true, description: '整改时限, YYYY-MM-DD.' }),
    alreadyImported: t.exposeBoolean('alreadyImported', {
      description: 'This row of this file, or its item (文号 + 原编号) from any list, was imported before; it adds nothing.',
    }),
    similar: t.field({
      type: [SimilarProblemRef],
      description:
        '举一反三: the existing problems of any unit, open or closed, whose description resembles this row’s, best first (at most 3, as `similarProblems` ranks them); none for a row imported before.',
      resolve: (r) => r.similar.map((m) => ({ ...m, row: m.problem, link: null })),
    }),
    raisedOn: t.exposeString('raisedOn', { nullable: true, description: '交办日期, YYYY-MM-DD; the day of the import when not given.' }),
    originalNumber: t.exposeString('originalNumber', { nullable: true, description: '原编号 in the document named by 文号.' }),
    migratedStatus: t.exposeString('status', {
      nullable: true,
      description: '迁移导入: the state its 整改状态 means (open, rectifying, closed; see importTerms); null without that column.',
    }),
    closedOn: t.exposeString('closedOn', { nullable: true, description: '销号时间 of a closed row.' }),
    otherUnits: t.exposeString('otherUnits', {
      nullable: true,
      description: 'The other units the row names (配合单位, and those after the first in 责任单位), as written.',
    }),
    coResponsibleUnits: t.field({
      type: [UnitRef],
      description:
        '配合单位: the other units the row names (those after the first in 责任单位, then 配合单位), found by their names; assigned as co-responsible beside the lead unit.',
      resolve: (r, _a, ctx) =>
        r.coResponsibleUnitIds.flatMap((id) => {
          const unit = unitRow(ctx, id);
          return unit ? [unit] : [];
        }),
    }),
    deadlineTerm: t.exposeString('deadlineTerm', {
      nullable: true,
      description: '整改时限 as written in words (长期坚持, 6月底前, 3天), read by the rules of importTerms.',
    }),
  }),
});

const SkippedRowRef = builder.objectRef<SkippedRow>('ImportSkippedRow').implement({
  description: 'A row under the header that is no item: a group heading (一、…) or a note (合计, 填报人 …).',
  fields: (t) => ({
    row: t.exposeInt('row', { description: 'Row number as the spreadsheet shows it.' }),
    reason: t.exposeString('reason', { description: 'group_heading or note.' }),
    text: t.exposeString('text', { description: 'Its first cell.' }),
  }),
});

const ImportPreviewRef = builder.objectRef<ImportPreview>('ImportPreview').implement({
  description: 'What importing a problem list would do. Nothing is imported while any issue remains.',
  fields: (t) => ({
    fileName: t.exposeString('fileName', { description: 'The file’s name as sent.' }),
    contentHash: t.exposeString('contentHash', {
      description: 'SHA-256 of the list’s content (cells, not bytes): the same list imported twice adds nothing, even saved again.',
    }),
    rows: t.field({ type: [ImportRowRef], description: 'Rows that passed every check.', resolve: (p) => p.rows }),
    issues: t.field({ type: [ImportIssueRef], description: 'Every problem found, by row and column.', resolve: (p) => p.issues }),
    skipped: t.field({ type: [SkippedRowRef], description: 'Rows left out as no items.', resolve: (p) => p.skipped }),
    newRows: t.int({ description: 'Rows that importing would add.', resolve: (p) => p.rows.filter((r) => !r.alreadyImported).length }),
    alreadyImported: t.int({
      description: 'Rows imported before from this same file.',
      resolve: (p) => p.rows.filter((r) => r.alreadyImported).length,
    }),
  }),
});

const ImportResultRef = builder.objectRef<ImportResult>('ImportResult').implement({
  description: 'A problem list imported: every row, or (on any issue) none.',
  fields: (t) => ({
    created: t.exposeInt('created', { description: 'Problems raised by this import.' }),
    alreadyImported: t.exposeInt('alreadyImported', { description: 'Rows found already imported from this same file.' }),
    problems: t.field({ type: [ProblemRef], description: 'The problems of every row, in row order.', resolve: (r) => r.problems }),
  }),
});

/** The uploaded list's bytes, refused when larger than an import takes. */
async function bytesOf(file: UploadedFile): Promise<Uint8Array> {
  if (file.size > IMPORT_FILE_LIMIT_BYTES)
    throw new ValidationError(
      'FILE_TOO_LARGE',
      `The file is ${file.size} bytes; at most ${IMPORT_FILE_LIMIT_BYTES} bytes are imported at once.`,
    );
  return new Uint8Array(await file.arrayBuffer());
}

builder.mutationField('previewImport', (t) =>
  t.field({
    type: ImportPreviewRef,
    description:
      'Check a problem list (.xlsx or .csv; columns 问题来源, 问题类别, 问题描述, 责任单位, 责任人, 整改时限) and say what importing it would do. Appends nothing.',
    args: { file: t.arg({ type: 'File', required: true, description: 'The problem list.' }) },
    resolve: async (_root, args, ctx): Promise<ImportPreview> => ctx.services.imports.preview(await bytesOf(args.file), args.file.name),
  }),
);

builder.mutationField('importProblems', (t) =>
  t.field({
    type: ImportResultRef,
    description:
      'Import a problem list: all rows or none (IMPORT_REFUSED names every issue). A row with a unit is raised, assigned and given its deadline. Importing the same file again adds nothing.',
    args: { file: t.arg({ type: 'File', required: true, description: 'The problem list.' }) },
    resolve: async (_root, args, ctx) => {
      const { actor, now } = commandContext(ctx, null);
      return ctx.services.imports.commit(await bytesOf(args.file), args.file.name, { actor, now });
    },
  }),
);
