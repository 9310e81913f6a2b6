import { type FormEvent, Fragment, useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../shared/errors';
import { useI18n } from '../shared/i18n';
import { useVocabulary } from '../shared/vocabulary';
import { SimilarList } from '../similar/SimilarProblems';
import { type Issue, type Preview, type Result, commitImport, previewImport } from './queries';

/** 导入问题清单: check a spreadsheet, show every bad cell, and import it whole or not at all. */
export function ImportPage() {
  const { t, has } = useI18n();
  const words = useVocabulary();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState<'checking' | 'importing' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const check = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy('checking');
    setError(null);
    setResult(null);
    setPreview(null);
    try {
      setPreview(await previewImport(file));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const commit = async () => {
    if (!file) return;
    setBusy('importing');
    setError(null);
    try {
      setResult(await commitImport(file));
      setPreview(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const resembling = preview?.rows.filter((r) => r.similar.length > 0).length ?? 0;
  const issueText = (issue: Issue) => {
    const key = `issue.${issue.code}`;
    return has(key) ? t(key, { column: issue.column, value: issue.value ?? '' }) : issue.message;
  };

  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">{t('import.title')}</h1>
      <p className="muted help">{t('import.help')}</p>
      <form className="import-form" onSubmit={check}>
        <label>
          {t('import.file')}
          <input
            type="file"
            name="file"
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            required
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setPreview(null);
              setResult(null);
            }}
          />
        </label>
        <button type="submit" className="primary" disabled={!file || busy !== null}>
          {busy === 'checking' ? t('import.checking') : t('import.preview')}
        </button>
      </form>
      <ErrorMessage error={error} />

      {preview && preview.issues.length > 0 && (
        <div className="issues" role="alert" data-testid="import-issues">
          <p>{t('import.issues', { n: preview.issues.length })}</p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('import.row')}</th>
                  <th scope="col">{t('import.column')}</th>
                  <th scope="col">{t('import.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.issues.map((issue, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: an issue has no identity of its own; the list is never reordered
                  <tr key={i} data-row={issue.row} data-column={issue.column} data-code={issue.code}>
                    <td>{issue.row === 0 ? t('import.fileLevel') : issue.row}</td>
                    <td>
                      {issue.column}
                      {issue.columnLetter && ` (${issue.columnLetter})`}
                    </td>
                    <td>{issueText(issue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}

      {preview && preview.issues.length === 0 && (
        <div className="preview" data-testid="import-preview">
          <p role="status">
            {preview.newRows === 0 ? t('import.nothingNew') : t('import.ok', { n: preview.newRows, m: preview.alreadyImported })}
          </p>
          {resembling > 0 && <p className="muted">{t('import.similarRows', { n: resembling })}</p>}
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('import.row')}</th>
                  <th scope="col">{t('field.source')}</th>
                  <th scope="col">{t('field.category')}</th>
                  <th scope="col" className="wide">
                    {t('field.description')}
                  </th>
                  <th scope="col" className="unit">
                    {t('field.unit')}
                  </th>
                  <th scope="col">{t('field.person')}</th>
                  <th scope="col">{t('field.deadline')}</th>
                  <th scope="col">{t('field.raisedOn')}</th>
                  <th scope="col">{t('import.state')}</th>
                  <th scope="col">{t('field.closedOn')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => (
                  <Fragment key={r.row}>
                    <tr>
                      <td>{r.row}</td>
                      <td>{words.label('sources', r.source)}</td>
                      <td>{words.label('categories', r.category)}</td>
                      <td className="wide">
                        <span className="clamp">{r.description}</span>
                      </td>
                      <td className="unit">
                        {r.unitName ?? t('common.none')}
                        {r.coResponsibleUnits.length > 0 && (
                          // 配合单位 beside the lead unit (牵头单位).
                          <small className="muted co-units" data-co-units={r.row}>
                            <br />
                            {t('import.coUnits', { units: r.coResponsibleUnits.map((u) => u.name).join('、') })}
                          </small>
                        )}
                      </td>
                      <td>{r.responsiblePerson ?? t('common.none')}</td>
                      <td className="nowrap">
                        {r.deadline ?? t('common.none')}
                        {r.deadlineTerm && ` (${r.deadlineTerm})`}
                      </td>
                      <td className="nowrap">{r.raisedOn ?? t('common.none')}</td>
                      <td>{r.migratedStatus ? t(`import.state.${r.migratedStatus}`) : t('common.none')}</td>
                      <td className="nowrap">{r.closedOn ?? t('common.none')}</td>
                      <td>{r.alreadyImported ? t('import.already') : t('import.new')}</td>
                    </tr>
                    {r.similar.length > 0 && (
                      // 举一反三: the existing problems this row resembles, to check for a recurrence before importing it.
                      <tr className="import-similar" data-similar-row={r.row}>
                        <td />
                        <td colSpan={10}>
                          <p className="muted">{t('import.similar', { n: r.similar.length })}</p>
                          <SimilarList items={r.similar} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
          {preview.skipped.length > 0 && (
            <p className="muted" data-testid="import-skipped">
              {t('import.skipped', { n: preview.skipped.length, rows: preview.skipped.map((r) => r.row).join('、') })}
            </p>
          )}
          <button type="button" className="primary" onClick={commit} disabled={busy !== null}>
            {busy === 'importing' ? t('import.importing') : t('import.commit')}
          </button>
        </div>
      )}

      {result && (
        <div className="ok" role="status" data-testid="import-result">
          <p>{t('import.done', { n: result.created, m: result.alreadyImported })}</p>
          <ul className="inline-list">
            {result.problems.map((p) => (
              <li key={p.id}>
                <Link to={`/problems/${p.id}`}>{p.ledgerNumber}</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
