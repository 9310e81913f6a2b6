import { type StoredFile, gql } from '../shared/api';

/** 来源文件: a superior's document listing problems, registered by the office. */
export type SourceDocument = {
  id: string;
  /** 发文机关 */
  issuingBody: string;
  /** 文件标题 */
  title: string;
  /** 文号, e.g. 国开发〔2019〕1号 */
  documentNumber: string;
  /** 成文日期: no item of it is raised before. */
  issuedOn: string;
};

/** 对账: one item of a document beside its ledger entry. */
export type ReconciliationItem = {
  originalNumber: string | null;
  ledgerNumber: string;
  description: string;
  raisedOn: string;
  unitName: string | null;
  status: string;
  deadline: string | null;
  closedOn: string | null;
  overdue: boolean;
};
export type Reconciliation = {
  document: SourceDocument;
  asOf: string;
  items: ReconciliationItem[];
  total: number;
  closed: number;
  overdue: number;
  byStatus: { status: string; count: number }[];
};

/** A raised problem, as the forms link to it. */
export type Raised = { id: string; ledgerNumber: string };

/** 整改佐证 of a fix made on the spot (立行立改). */
export type Evidence = { description: string; files: StoredFile[] };

const DOCUMENT = 'id issuingBody title documentNumber issuedOn';

export const fetchSourceDocuments = async (): Promise<SourceDocument[]> =>
  (await gql<{ sourceDocuments: SourceDocument[] }>(`query Documents { sourceDocuments { ${DOCUMENT} } }`)).sourceDocuments;

export const fetchReconciliation = async (documentId: string): Promise<Reconciliation> =>
  (
    await gql<{ reconciliation: Reconciliation }>(
      `query Reconciliation($id: ID!) { reconciliation(documentId: $id) {
        document { ${DOCUMENT} } asOf total closed overdue byStatus { status count }
        items { originalNumber ledgerNumber description raisedOn unitName status deadline closedOn overdue }
      } }`,
      { id: documentId },
    )
  ).reconciliation;

/** The .xlsx of a document's reconciliation, in the superior's columns (downloaded with `downloadReport`). */
export const reconciliationXlsx = (documentId: string) => `/reports/reconciliation/${encodeURIComponent(documentId)}.xlsx`;

export const registerSourceDocument = async (input: Omit<SourceDocument, 'id'>): Promise<SourceDocument> =>
  (
    await gql<{ registerSourceDocument: { document: SourceDocument } }>(
      `mutation Register($issuingBody: String!, $title: String!, $documentNumber: String!, $issuedOn: String!) {
        registerSourceDocument(issuingBody: $issuingBody, title: $title, documentNumber: $documentNumber, issuedOn: $issuedOn) {
          document { ${DOCUMENT} }
        }
      }`,
      input,
    )
  ).registerSourceDocument.document;

export type RaiseInput = {
  source: string;
  category: string;
  description: string;
  /** 交办日期 (YYYY-MM-DD); null for today. */
  raisedOn: string | null;
  sourceDocumentId: string | null;
  /** 原编号: the item's number in its document. */
  originalNumber: string | null;
  responsibleUnitId: string | null;
  responsiblePerson: string | null;
  /** 立行立改: the evidence of the fix already made (with the unit). */
  fixedOnTheSpot: Evidence | null;
};

/** 登记问题: the office raises a problem, assigned at once when it names the unit. */
export const raiseProblem = async (input: RaiseInput): Promise<Raised> =>
  (
    await gql<{ raiseProblem: { problem: Raised } }>(
      `mutation Raise($source: ProblemSource!, $category: ProblemCategory!, $description: String!, $raisedOn: String,
        $sourceDocumentId: ID, $originalNumber: String, $responsibleUnitId: ID, $responsiblePerson: String, $fixedOnTheSpot: EvidenceInput) {
        raiseProblem(source: $source, category: $category, description: $description, raisedOn: $raisedOn,
          sourceDocumentId: $sourceDocumentId, originalNumber: $originalNumber, responsibleUnitId: $responsibleUnitId,
          responsiblePerson: $responsiblePerson, fixedOnTheSpot: $fixedOnTheSpot) { problem { id ledgerNumber } }
      }`,
      input,
    )
  ).raiseProblem.problem;

export type SelfReportInput = {
  category: string;
  description: string;
  responsiblePerson: string;
  raisedOn: string | null;
  fixedOnTheSpot: Evidence | null;
};

/** 自查上报: a unit head reports a problem of their own unit (the unit comes from the sign-in). */
export const selfReportProblem = async (input: SelfReportInput): Promise<Raised> =>
  (
    await gql<{ selfReportProblem: { problem: Raised } }>(
      `mutation SelfReport($category: ProblemCategory!, $description: String!, $responsiblePerson: String!, $raisedOn: String,
        $fixedOnTheSpot: EvidenceInput) {
        selfReportProblem(category: $category, description: $description, responsiblePerson: $responsiblePerson, raisedOn: $raisedOn,
          fixedOnTheSpot: $fixedOnTheSpot) { problem { id ledgerNumber } }
      }`,
      input,
    )
  ).selfReportProblem.problem;
