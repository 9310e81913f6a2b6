import { useSearchParams } from 'react-router';
import { downloadReport, gql } from '../shared/api';
import { ErrorMessage } from '../shared/errors';
import { type MessageKey, useI18n } from '../shared/i18n';
import { LedgerNumbers } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { useAction } from '../shared/useSubmit';

const FIGURES = ['inspected', 'raised', 'closed', 'overdue', 'reopened', 'rechecksDue', 'rechecksConfirmed', 'rechecksOverdue'] as const;
type FigureName = (typeof FIGURES)[number];
type Figure = { count: number; ledgerNumbers: string[] };
type Row = { unitName: string; unit: { id: string } | null } & Record<FigureName, Figure>;
type Report = {
  quarter: string;
  firstDay: string;
  lastDay: string;
  complete: boolean;
  asOf: string;
  rule: string;
  rows: Row[];
  totals: Row;
  docx: string;
  xlsx: string;
};

const ROW = `unitName unit { id } ${FIGURES.map((f) => `${f} { count ledgerNumbers }`).join(' ')}`;
const fetchReport = (quarter: string) =>
  gql<{ inspectionReport: Report }>(
    `query($q: String!) { inspectionReport(quarter: $q) { quarter firstDay lastDay complete asOf rule docx xlsx rows { ${ROW} } totals { ${ROW} } } }`,
    { q: quarter },
  ).then((d) => d.inspectionReport);

/** The last quarter that has ended, as YYYY-Qn: the report one usually wants. */
function lastQuarter(): string {
  const now = new Date();
  const q = Math.floor(now.getMonth() / 3);
  return q === 0 ? `${now.getFullYear() - 1}-Q4` : `${now.getFullYear()}-Q${q}`;
}

/** 季督查: the quarter's inspection per responsible unit, every figure with its ledger numbers, and the 通报 to download. */
export function InspectionPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const quarter = params.get('quarter') ?? lastQuarter();
  const [year, q] = quarter.split('-Q');
  const report = useAsync(() => fetchReport(quarter), [quarter]);
  const { busy, error, run } = useAction();
  const choose = (nextYear: string, nextQ: string) => setParams({ quarter: `${nextYear}-Q${nextQ}` });

  return (
    <section>
      <div className="page-head">
        <h1>{t('inspection.title', { quarter })}</h1>
        <label className="as-of">
          {t('inspection.year')}
          <input type="number" min={2000} max={2100} value={year} onChange={(e) => e.target.value && choose(e.target.value, q ?? '1')} />
        </label>
        <label className="as-of">
          {t('inspection.quarter')}
          <select value={q} onChange={(e) => choose(year ?? '', e.target.value)} data-quarter>
            {['1', '2', '3', '4'].map((n) => (
              <option key={n} value={n}>
                {t('inspection.q', { n })}
              </option>
            ))}
          </select>
        </label>
        {report.data && (
          <>
            <button type="button" onClick={() => void run(() => downloadReport(report.data!.docx))} disabled={busy} data-download="docx">
              {t('inspection.downloadDocx')}
            </button>
            <button type="button" onClick={() => void run(() => downloadReport(report.data!.xlsx))} disabled={busy} data-download="xlsx">
              {t('inspection.downloadXlsx')}
            </button>
          </>
        )}
      </div>
      <ErrorMessage error={error} />
      <Loaded state={report}>
        {(r) => (
          <>
            <p className="muted">
              {r.complete ? t('inspection.period', { from: r.firstDay, to: r.lastDay }) : t('inspection.running', { from: r.firstDay })}
            </p>
            <p className="muted" data-rule>
              {t('inspection.rule')}
            </p>
            {r.rows.length === 0 ? (
              <p className="empty">{t('inspection.empty')}</p>
            ) : (
              <div className="table-wrap">
                <table data-inspection>
                  <thead>
                    <tr>
                      <th>{t('field.unit')}</th>
                      {FIGURES.map((f) => (
                        <th key={f}>{t(`inspection.${f}` as MessageKey)}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {[...r.rows, r.totals].map((row) => (
                      <tr key={row.unit?.id ?? row.unitName} data-unit={row.unitName}>
                        <td className="unit">{row.unitName}</td>
                        {FIGURES.map((f) => (
                          <td key={f} data-figure={f}>
                            <strong>{row[f].count}</strong>
                            {row !== r.totals && row[f].count > 0 && (
                              <div className="muted">
                                <LedgerNumbers numbers={row[f].ledgerNumbers} />
                              </div>
                            )}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
