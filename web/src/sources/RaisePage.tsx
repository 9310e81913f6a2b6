import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { SimilarAsTyped } from '../similar/SimilarProblems';
import { ErrorMessage } from '../shared/errors';
import { useI18n } from '../shared/i18n';
import { fetchUnits } from '../shared/ledgerItem';
import { useAsync } from '../shared/useAsync';
import { useSubmit } from '../shared/useSubmit';
import { TermSelect } from '../shared/vocabulary';
import { FixedOnTheSpotFields, countyToday, evidenceOf, raisedOnOf } from './fields';
import { type Raised, fetchSourceDocuments, raiseProblem } from './queries';
import { UnitOptions } from '../shared/UnitOptions';

/**
 * 登记问题: the office raises a problem — from a superior's document with its 原编号, with its 交办日期
 * (past allowed), assigned at once if it names the unit, or already fixed on the spot (立行立改).
 * `?document=<id>` chooses the document (the reconciliation page links here so).
 */
export function RaisePage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const documents = useAsync(fetchSourceDocuments, []);
  const units = useAsync(fetchUnits, []);
  const [documentId, setDocumentId] = useState(params.get('document') ?? '');
  const [unitId, setUnitId] = useState('');
  // 举一反三: what the problem will say, for the similar problems shown as it is typed.
  const [description, setDescription] = useState('');
  const [category, setCategory] = useState('');
  const [uploading, setUploading] = useState<string | null>(null);
  const [raised, setRaised] = useState<Raised | null>(null);
  // A new form after each raise: its fields (and their state) start empty again.
  const [round, setRound] = useState(0);
  const document = documents.data?.find((d) => d.id === documentId) ?? null;
  const { busy, error, submit } = useSubmit(async (form) => {
    setRaised(null);
    const person = String(form.get('person') ?? '').trim();
    const problem = await raiseProblem({
      source: String(form.get('source') ?? ''),
      category: String(form.get('category') ?? ''),
      description: String(form.get('description') ?? '').trim(),
      raisedOn: raisedOnOf(form),
      sourceDocumentId: documentId || null,
      originalNumber: (documentId && String(form.get('originalNumber') ?? '').trim()) || null,
      responsibleUnitId: unitId || null,
      responsiblePerson: unitId ? person : null,
      fixedOnTheSpot: unitId ? await evidenceOf(form, setUploading) : null,
    });
    setRaised(problem);
    setDescription('');
    setUnitId('');
    setRound((n) => n + 1);
  });
  return (
    <section aria-labelledby="raise-title">
      <h1 id="raise-title">{t('raise.title')}</h1>
      <p className="muted help">{t('raise.help')}</p>
      <div role="status" aria-live="polite">
        {raised && (
          <p className="ok" data-raised={raised.ledgerNumber}>
            {t('raise.done')} <Link to={`/problems/${raised.id}`}>{raised.ledgerNumber}</Link>
          </p>
        )}
      </div>
      <ErrorMessage error={documents.error ?? units.error} />
      <form key={round} className="action-form raise-form" onSubmit={submit} data-form="raise" aria-labelledby="raise-title">
        <label>
          {t('field.source')}
          {/* 县自查 is no longer offered (split in three), and 自查上报 is the unit head's own form (selfReportProblem). */}
          <TermSelect
            kind="sources"
            name="source"
            required
            defaultValue=""
            only={(term) => term.value !== 'unit_self_report' && term.offered !== false}
            first={{ label: t('raise.choose'), disabled: true }}
          />
        </label>
        <label>
          {t('field.category')}
          <TermSelect
            kind="categories"
            name="category"
            required
            defaultValue=""
            onChange={setCategory}
            first={{ label: t('raise.choose'), disabled: true }}
          />
        </label>
        <label>
          {t('field.description')}
          <textarea name="description" required rows={4} maxLength={5000} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <SimilarAsTyped text={description} category={category || null} />
        <label>
          {t('raise.document')}
          <select name="sourceDocumentId" value={documentId} onChange={(e) => setDocumentId(e.target.value)}>
            <option value="">{t('raise.noDocument')}</option>
            {(documents.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {t('raise.documentOption', { number: d.documentNumber, title: d.title, day: d.issuedOn })}
              </option>
            ))}
          </select>
        </label>
        {documentId && (
          <label>
            {t('raise.originalNumber')}
            <input name="originalNumber" required />
          </label>
        )}
        <label>
          {t('raise.raisedOn')}
          <input type="date" name="raisedOn" min={document?.issuedOn} max={countyToday()} />
          <span className="muted">{t('raise.raisedOnHint')}</span>
        </label>
        <label>
          {t('raise.assignTo')}
          <select name="unitId" value={unitId} onChange={(e) => setUnitId(e.target.value)}>
            <option value="">{t('raise.assignLater')}</option>
            <UnitOptions units={units.data ?? []} />
          </select>
        </label>
        {unitId && (
          <>
            <label>
              {t('input.person')}
              <input name="person" required />
            </label>
            <FixedOnTheSpotFields uploading={uploading} />
          </>
        )}
        <ErrorMessage error={error} />
        <div className="form-buttons">
          <button type="submit" className="primary" disabled={busy}>
            {t('common.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
