import { gql } from '../shared/api';

export type Report = {
  id: string;
  receiptCode: string;
  text: string;
  contact: string | null;
  unit: { id: string; name: string } | null;
  /** A value of the server's vocabulary (hotlineReportStatuses): received, accepted or dismissed. */
  status: string;
  submittedAt: string;
  problem: { id: string; ledgerNumber: string } | null;
  dismissalReason: string | null;
};
export type ProblemRef = { id: string; ledgerNumber: string };

export const fetchReports = async (status: string | null) =>
  (
    await gql<{ hotlineReports: Report[] }>(
      `query Hotline($status: HotlineReportStatus) {
        hotlineReports(status: $status) { id receiptCode text contact unit { id name } status submittedAt problem { id ledgerNumber } dismissalReason }
      }`,
      { status },
    )
  ).hotlineReports;

/** 受理: the report becomes a problem of the hotline source, in this category. */
export const triageReport = async (reportId: string, category: string, description: string | null): Promise<ProblemRef> =>
  (
    await gql<{ triageHotlineReport: ProblemRef }>(
      `mutation Triage($reportId: ID!, $category: ProblemCategory!, $description: String) {
        triageHotlineReport(reportId: $reportId, category: $category, description: $description) { id ledgerNumber }
      }`,
      { reportId, category, description },
    )
  ).triageHotlineReport;

export const assignProblem = async (problemId: string, unitId: string, person: string): Promise<void> => {
  await gql(
    `mutation Assign($problemId: ID!, $unitId: ID!, $person: String!) {
      assignProblem(problemId: $problemId, responsibleUnitId: $unitId, responsiblePerson: $person) { problem { id } }
    }`,
    { problemId, unitId, person },
  );
};

/** 不予受理, with the reason the office keeps. */
export const dismissReport = async (reportId: string, reason: string): Promise<void> => {
  await gql(`mutation Dismiss($reportId: ID!, $reason: String!) { dismissHotlineReport(reportId: $reportId, reason: $reason) { id } }`, {
    reportId,
    reason,
  });
};
