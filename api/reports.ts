import express from 'express';
import { TaizhangError, ValidationError } from '../domain/index.js';
import type { Accounts } from '../application/accounts.js';
import type { RenderedFile } from '../application/documents/index.js';
import type { ReportFormat, Reports } from '../application/reports/index.js';
import type { SourceDocuments } from '../application/sourceDocuments.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { authenticate } from './authentication.js';
import { permits } from './authz.js';
import type { TokenIssuer } from './tokens.js';

/** The GraphQL field each download answers like: it is authorized by that field's rule in api/authz.ts. */
export const reportFields = {
  assessment: 'Query.assessmentReport',
  inspection: 'Query.inspectionReport',
  bulletin: 'Query.bulletin',
  reconciliation: 'Query.reconciliation',
} as const;

const FILE = /^(.+)\.(docx|xlsx)$/;

/** HTTP status of an expected failure, by its kind. */
const STATUS: Record<TaizhangError['kind'], number> = {
  validation: 400,
  illegal_state: 409,
  not_found: 404,
  concurrency: 409,
  forbidden: 403,
  unauthenticated: 401,
};

type Deps = { reports: Reports; tokens: TokenIssuer; runner: ProjectionRunner; accounts: Accounts; sourceDocuments?: SourceDocuments };

/**
 * Report downloads (通报): `GET /reports/assessment/<year>.docx|.xlsx`,
 * `GET /reports/inspection/<YYYY-Qn>.docx|.xlsx`, `GET /reports/bulletin/<YYYY-MM>.docx|.xlsx`
 * (the published bulletin, else the draft) and `GET /reports/reconciliation/<documentId>.xlsx` (对账), with the same
 * sign-in and rule as their GraphQL fields. Transport only: the report is built and rendered by the application (application/reports/).
 */
export function reportsRouter({ reports, tokens, runner, accounts, sourceDocuments }: Deps): express.Router {
  const router = express.Router();
  const route = (kind: keyof typeof reportFields, build: (subject: string, format: ReportFormat) => Promise<RenderedFile>) =>
    router.get(`/${kind}/:file`, async (req, res, next) => {
      try {
        const auth = await authenticate(req.headers.authorization, { tokens, runner, accounts });
        if (auth.kind !== 'signed_in') {
          const [reason, message] =
            auth.kind === 'rejected' ? [auth.reason, auth.message] : ['NO_TOKEN', 'Log in first: send "Authorization: Bearer <token>".'];
          res.status(401).json({ error: { code: 'UNAUTHENTICATED', reason, message } });
          return;
        }
        if (!permits(reportFields[kind], auth.user, null)) {
          res.status(403).json({
            error: {
              code: 'FORBIDDEN',
              reason: 'ROLE_NOT_ALLOWED',
              message: `The ${kind} report is not for your role (${auth.user.roles.join(', ')}).`,
            },
          });
          return;
        }
        const match = FILE.exec(req.params.file);
        if (!match) {
          res.status(400).json({ error: { code: 'BAD_FORMAT', message: 'Ask for the report as .docx or .xlsx.' } });
          return;
        }
        const file = await build(match[1]!, match[2] as ReportFormat);
        res.setHeader('Content-Type', file.contentType);
        res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
        res.setHeader('Cache-Control', 'private, no-store');
        res.send(file.data);
      } catch (error) {
        if (error instanceof TaizhangError) {
          res.status(STATUS[error.kind]).json({ error: { code: error.code, message: error.message } });
          return;
        }
        next(error);
      }
    });
  route('assessment', (year, format) => {
    if (!/^\d{4}$/.test(year))
      throw new ValidationError('BAD_YEAR', `"${year}" is not a year: ask for the report as e.g. /reports/assessment/2019.docx.`);
    return reports.assessmentFile(Number(year), format);
  });
  route('inspection', (quarter, format) => reports.inspectionFile(quarter, format));
  route('bulletin', (month, format) => reports.bulletinFile(month, format));
  // 对账: a source document's reconciliation, in the superior's columns; a spreadsheet only.
  if (sourceDocuments)
    route('reconciliation', async (documentId, format) => {
      if (format !== 'xlsx')
        throw new ValidationError('BAD_FORMAT', 'The reconciliation is downloaded as .xlsx: /reports/reconciliation/<documentId>.xlsx.');
      return sourceDocuments.reconciliationFile(documentId);
    });
  return router;
}
