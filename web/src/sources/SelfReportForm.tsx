import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { useI18n } from '../shared/i18n';
import { useSubmit } from '../shared/useSubmit';
import { TermSelect, useVocabulary } from '../shared/vocabulary';
import { FixedOnTheSpotFields, countyToday, evidenceOf, raisedOnOf } from './fields';
import { type Raised, selfReportProblem } from './queries';

/**
 * 自查上报: on 我的事项, the unit head reports a problem their unit found in itself (自查自纠). The
 * unit is the signed-in head's own (from the token); it lands acknowledged, in the unit's queue, or
 * reported fixed when fixed on the spot (立行立改). `onDone` reloads the queues to show it.
 */
export function SelfReport({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const words = useVocabulary();
  const [open, setOpen] = useState(false);
  const [reported, setReported] = useState<Raised | null>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  const { busy, error, submit } = useSubmit(async (form) => {
    const problem = await selfReportProblem({
      category: String(form.get('category') ?? ''),
      description: String(form.get('description') ?? '').trim(),
      responsiblePerson: String(form.get('person') ?? '').trim(),
      raisedOn: raisedOnOf(form),
      fixedOnTheSpot: await evidenceOf(form, setUploading),
    });
    setReported(problem);
    setOpen(false);
    onDone();
  });
  const prefix = words.sources.find((s) => s.value === 'unit_self_report')?.code ?? '';
  return (
    <section className="self-report" aria-label={t('selfReport.title')}>
      <div className="action-buttons">
        <button type="button" data-action="self-report" aria-expanded={open} onClick={() => setOpen(!open)}>
          {t('selfReport.open')}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {reported && (
          <p className="ok" data-reported={reported.ledgerNumber}>
            {t('selfReport.done')} <Link to={`/problems/${reported.id}`}>{reported.ledgerNumber}</Link>
          </p>
        )}
      </div>
      {open && (
        <form className="action-form raise-form" onSubmit={submit} data-form="self-report" aria-labelledby="self-report-title">
          <h2 id="self-report-title">{t('selfReport.title')}</h2>
          <p className="muted">{t('selfReport.help', { code: prefix })}</p>
          <label>
            {t('field.category')}
            <TermSelect
              kind="categories"
              name="category"
              required
              defaultValue=""
              autoFocus
              first={{ label: t('raise.choose'), disabled: true }}
            />
          </label>
          <label>
            {t('field.description')}
            <textarea name="description" required rows={4} maxLength={5000} />
          </label>
          <label>
            {t('input.person')}
            <input name="person" required />
          </label>
          <label>
            {t('selfReport.foundOn')}
            <input type="date" name="raisedOn" max={countyToday()} />
            <span className="muted">{t('selfReport.foundOnHint')}</span>
          </label>
          <FixedOnTheSpotFields uploading={uploading} />
          <ErrorMessage error={error} />
          <FormButtons busy={busy} onCancel={() => setOpen(false)} />
        </form>
      )}
    </section>
  );
}
