import { useState } from 'react';
import { Link } from 'react-router';
import { SimilarAsTyped } from '../similar/SimilarProblems';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { formatInstant, useI18n } from '../shared/i18n';
import { type Unit, fetchUnits } from '../shared/ledgerItem';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { useSubmit } from '../shared/useSubmit';
import { TermSelect, useVocabulary } from '../shared/vocabulary';
import { type ProblemRef, type Report, assignProblem, dismissReport, fetchReports, triageReport } from './queries';
import { UnitOptions } from '../shared/UnitOptions';

/** 12317 举报: the office's in-tray — each report entered into the ledger as a problem, or set aside with a reason. */
export function HotlinePage() {
  const { t } = useI18n();
  const [status, setStatus] = useState('received');
  const reports = useAsync(() => fetchReports(status || null), [status]);
  const units = useAsync(fetchUnits, []);
  const [done, setDone] = useState<{ receiptCode: string; problem: ProblemRef | null } | null>(null);
  const finished = (receiptCode: string, problem: ProblemRef | null) => {
    setDone({ receiptCode, problem });
    reports.reload();
  };
  return (
    <section aria-labelledby="hotline-title">
      <div className="page-head">
        <h1 id="hotline-title">{t('hotline.title')}</h1>
        <p className="muted" aria-live="polite">
          {reports.data ? t('queue.count', { n: reports.data.length }) : t('common.loading')}
        </p>
      </div>
      <form className="filters" aria-label={t('ledger.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('hotline.status')}
          <TermSelect kind="hotlineReportStatuses" name="status" value={status} onChange={setStatus} first={{ label: t('common.all') }} />
        </label>
      </form>
      <div role="status" aria-live="polite">
        {done && (
          <p className="ok" data-done={done.receiptCode}>
            {done.problem ? (
              <>
                {t('hotline.triaged')} <Link to={`/problems/${done.problem.id}`}>{done.problem.ledgerNumber}</Link>
              </>
            ) : (
              t('hotline.dismissed')
            )}
          </p>
        )}
      </div>
      <Loaded state={reports} empty="hotline.empty">
        {(list) => (
          <ul className="reports">
            {list.map((r) => (
              <ReportCard key={r.id} report={r} units={units.data ?? []} onDone={finished} />
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

function ReportCard({
  report,
  units,
  onDone,
}: {
  report: Report;
  units: Unit[];
  onDone: (receiptCode: string, problem: ProblemRef | null) => void;
}) {
  const { t, lang } = useI18n();
  const words = useVocabulary();
  const [open, setOpen] = useState<'triage' | 'dismiss' | null>(null);
  return (
    <li className="report" data-report={report.receiptCode} data-report-status={report.status}>
      <p className="report-head">
        <span className={`badge report-${report.status}`}>{words.label('hotlineReportStatuses', report.status)}</span>{' '}
        <span className="muted">
          {t('hotline.receipt')} {report.receiptCode} · <time dateTime={report.submittedAt}>{formatInstant(report.submittedAt, lang)}</time>
        </span>
      </p>
      <p className="prose">{report.text}</p>
      <dl className="facts">
        <dt>{t('hotline.unit')}</dt>
        <dd>{report.unit?.name ?? t('common.none')}</dd>
        <dt>{t('hotline.contact')}</dt>
        <dd>{report.contact ?? t('common.none')}</dd>
        {report.problem && (
          <>
            <dt>{t('field.ledgerNumber')}</dt>
            <dd>
              <Link to={`/problems/${report.problem.id}`}>{report.problem.ledgerNumber}</Link>
            </dd>
          </>
        )}
        {report.dismissalReason && (
          <>
            <dt>{t('hotline.reason')}</dt>
            <dd>{report.dismissalReason}</dd>
          </>
        )}
      </dl>
      {report.status === 'received' && (
        <>
          <div className="action-buttons">
            <button
              type="button"
              data-action="triage"
              aria-expanded={open === 'triage'}
              onClick={() => setOpen(open === 'triage' ? null : 'triage')}
            >
              {t('hotline.triage')}
            </button>
            <button
              type="button"
              data-action="dismiss"
              aria-expanded={open === 'dismiss'}
              onClick={() => setOpen(open === 'dismiss' ? null : 'dismiss')}
            >
              {t('hotline.dismiss')}
            </button>
          </div>
          {open === 'triage' && <TriageForm report={report} units={units} onDone={onDone} onCancel={() => setOpen(null)} />}
          {open === 'dismiss' && <DismissForm report={report} onDone={onDone} onCancel={() => setOpen(null)} />}
        </>
      )}
    </li>
  );
}

type FormProps = { report: Report; onDone: (receiptCode: string, problem: ProblemRef | null) => void; onCancel: () => void };

/**
 * 受理: the report becomes a problem (source hotline). Naming a unit and person also assigns it, as the
 * office's next step would; that is a second request, so if it fails the problem stays, unassigned, and says so.
 */
function TriageForm({ report, units, onDone, onCancel }: FormProps & { units: Unit[] }) {
  const { t } = useI18n();
  const [unitId, setUnitId] = useState(report.unit?.id ?? '');
  const [raised, setRaised] = useState<ProblemRef | null>(null);
  // 举一反三: what the problem will say, for the similar problems shown as it is typed.
  const [description, setDescription] = useState(report.text);
  const [category, setCategory] = useState('');
  const { busy, error, submit } = useSubmit(async (form) => {
    let problem = raised;
    if (!problem) {
      problem = await triageReport(report.id, String(form.get('category') ?? ''), String(form.get('description') ?? '').trim() || null);
      setRaised(problem);
    }
    if (unitId) await assignProblem(problem.id, unitId, String(form.get('person') ?? '').trim());
    onDone(report.receiptCode, problem);
  });
  return (
    <form className="action-form" onSubmit={submit} data-form="triage" aria-label={t('hotline.triage')}>
      <h3>{t('hotline.triage')}</h3>
      <label>
        {t('field.category')}
        <TermSelect
          kind="categories"
          name="category"
          required
          defaultValue=""
          autoFocus
          onChange={setCategory}
          first={{ label: t('hotline.choose'), disabled: true }}
        />
      </label>
      <label>
        {t('field.description')}
        <textarea
          name="description"
          defaultValue={report.text}
          rows={3}
          disabled={raised !== null}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <SimilarAsTyped text={description} category={category || null} />
      <label>
        {t('hotline.assignTo')}
        <select name="unitId" value={unitId} onChange={(e) => setUnitId(e.target.value)}>
          <option value="">{t('hotline.assignLater')}</option>
          <UnitOptions units={units} />
        </select>
      </label>
      {unitId && (
        <label>
          {t('input.person')}
          <input name="person" required />
        </label>
      )}
      {raised && (
        <p className="error" role="alert">
          {t('hotline.raisedNotAssigned', { n: raised.ledgerNumber })}
        </p>
      )}
      <ErrorMessage error={error} />
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** 不予受理: set aside with a reason the office keeps (the reporter sees only “dismissed”). */
function DismissForm({ report, onDone, onCancel }: FormProps) {
  const { t } = useI18n();
  const { busy, error, submit } = useSubmit(async (form) => {
    await dismissReport(report.id, String(form.get('reason') ?? '').trim());
    onDone(report.receiptCode, null);
  });
  return (
    <form className="action-form" onSubmit={submit} data-form="dismiss" aria-label={t('hotline.dismiss')}>
      <h3>{t('hotline.dismiss')}</h3>
      <label>
        {t('hotline.reason')}
        {/* biome-ignore lint/a11y/noAutofocus: the form opens on the user's click and takes the focus, so it works from the keyboard alone */}
        <textarea name="reason" required rows={3} autoFocus />
      </label>
      <ErrorMessage error={error} />
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}
