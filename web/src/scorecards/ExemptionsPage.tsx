import { useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FileList } from '../item/ProblemPage';
import { ErrorMessage } from '../shared/errors';
import { useI18n } from '../shared/i18n';
import { LedgerNumberLink } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { useSubmit } from '../shared/useSubmit';
import { useVocabulary } from '../shared/vocabulary';
import { type QueuedApplication, decideExemptionApplication, fetchApplications } from './queries';
import { ApplicationNote } from './ReviewForms';

/** 容错纠错审核: the committee's queue of applications, each with the deduction, the claim, the evidence, and approve / refuse. */
export function ExemptionsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const year = Number(params.get('year')) || new Date().getFullYear();
  const [all, setAll] = useState(false);
  const applications = useAsync(() => fetchApplications(year, all), [year, all]);
  return (
    <section>
      <div className="page-head">
        <h1>{t('review.queueTitle', { year })}</h1>
        <label className="as-of">
          {t('score.year')}
          <input
            type="number"
            min={2000}
            max={2100}
            value={year}
            onChange={(e) => Number(e.target.value) && setParams({ year: e.target.value })}
          />
        </label>
        <label>
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('review.showAll')}
        </label>
      </div>
      <Loaded state={applications} empty="review.queueEmpty">
        {(list) => (
          <ul className="queue">
            {list.map((a) => (
              <QueuedItem key={a.id} application={a} year={year} onDone={applications.reload} />
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

function QueuedItem({ application: a, year, onDone }: { application: QueuedApplication; year: number; onDone: () => void }) {
  const { t, lang } = useI18n();
  const words = useVocabulary();
  // Which of the two submit buttons was pressed: set on its click, read by the submission that follows.
  const chosen = useRef<'approve' | 'refuse'>('approve');
  const { busy, error, submit } = useSubmit(async (form) => {
    const trigger = String(form.get('trigger') ?? '');
    const decision = chosen.current;
    await decideExemptionApplication({
      year,
      applicationId: a.id,
      decision,
      reasons: String(form.get('reasons') ?? ''),
      decidedBy: String(form.get('decidedBy') ?? ''),
      resolveTriggerId: decision === 'approve' && trigger ? trigger : null,
    });
    onDone();
  });
  return (
    <li data-application-id={a.id} data-unit={a.unit?.name}>
      <p>
        <strong>{a.unit && <Link to={`/scorecards/${a.unit.id}?year=${year}`}>{a.unit.name}</Link>}</strong> · {t('review.deduction')}:{' '}
        {words.label('scoreRules', a.rule)} {a.points} {a.problem && <LedgerNumberLink ledgerNumber={a.problem.ledgerNumber} />} ·{' '}
        {t('review.applicant')}: {a.appliedBy}
      </p>
      <ApplicationNote application={a} />
      <p className="statement">{a.statement}</p>
      <FileList files={a.files} />
      {a.availableActions.includes('decideExemptionApplication') && (
        <form className="action-form" onSubmit={(e) => void submit(e)} data-form="decide-exemption">
          <label>
            {t('review.reasons')}
            <textarea name="reasons" required />
          </label>
          <label>
            {t('review.decidedBy')}
            <input name="decidedBy" required />
          </label>
          {a.triggers.length > 0 && (
            <label>
              {t('review.resolveTrigger')}
              <select name="trigger" defaultValue="">
                <option value="">{t('review.noTrigger')}</option>
                {a.triggers.map((tr) => (
                  <option key={tr.id} value={tr.id}>
                    {tr.summaryLabel[lang]}
                  </option>
                ))}
              </select>
            </label>
          )}
          <ErrorMessage error={error} />
          <div className="form-buttons">
            <button type="submit" className="primary" disabled={busy} onClick={() => (chosen.current = 'approve')} data-approve>
              {t('review.approve')}
            </button>
            <button type="submit" disabled={busy} onClick={() => (chosen.current = 'refuse')} data-refuse>
              {t('review.refuse')}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}
