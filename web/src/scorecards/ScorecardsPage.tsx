import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { downloadReport } from '../shared/api';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { useI18n } from '../shared/i18n';
import { LedgerNumberLink } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { useAction, useSubmit } from '../shared/useSubmit';
import { useVocabulary } from '../shared/vocabulary';
import { exportScorecards } from './exportScorecards';
import {
  type ScorecardAction,
  fetchCard,
  fetchCards,
  fetchCardsWithLines,
  finalizeAssessment,
  grantExemption,
  verifyAssessment,
  withdrawExemptionApplication,
} from './queries';
import { ApplicationNote, ApplyForm, ItemForm, ItemNote } from './ReviewForms';

/** The year in the address (?year=2019), this year when none is given. */
function useYear(): [number, (year: number) => void] {
  const [params, setParams] = useSearchParams();
  const year = Number(params.get('year')) || new Date().getFullYear();
  return [year, (next) => setParams({ year: String(next) })];
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

/** 年度考核: the year's ranking with grades and the one-vote veto; finalize; export. */
export function ScorecardsPage() {
  const { t } = useI18n();
  const [year, setYear] = useYear();
  const words = useVocabulary();
  const cards = useAsync(() => fetchCards(year), [year]);
  const { busy, error, run } = useAction();
  const frozen = cards.data?.some((c) => c.frozen) ?? false;
  // What the signed-in user may do with the year, as the server says (Scorecard.availableActions).
  const may = (action: ScorecardAction) => cards.data?.some((c) => c.availableActions.includes(action)) ?? false;
  const mayFinalize = may('finalizeAssessment');
  const mayVerify = may('verifyAssessment');
  // A finalized year is recomputed from its pinned log position and held against its checkpoint (issue 6).
  const reproduction = useAsync(() => (frozen && mayVerify ? verifyAssessment(year) : Promise.resolve(null)), [year, frozen, mayVerify]);

  const finalize = () =>
    run(async () => {
      if (!window.confirm(t('score.confirmFinalize', { year }))) return;
      await finalizeAssessment(year);
      cards.reload();
    });
  const download = () =>
    run(async () => {
      const details = await fetchCardsWithLines(year);
      await exportScorecards(year, details, details, words);
    });

  return (
    <section>
      <div className="page-head">
        <h1>{t('score.title', { year })}</h1>
        <label className="as-of">
          {t('score.year')}
          <input
            type="number"
            min={2000}
            max={2100}
            value={year}
            onChange={(e) => Number(e.target.value) && setYear(Number(e.target.value))}
          />
        </label>
        <button type="button" onClick={() => void download()} disabled={busy || !cards.data?.length} data-export-scorecards>
          {t('score.export')}
        </button>
        {/* The 通报 of a finalized year, off its frozen cards (GET /reports/assessment/<year>.docx|.xlsx). */}
        {frozen &&
          (['docx', 'xlsx'] as const).map((format) => (
            <button
              key={format}
              type="button"
              onClick={() => void run(() => downloadReport(`/reports/assessment/${year}.${format}`))}
              disabled={busy}
              data-assessment-report={format}
            >
              {t(format === 'docx' ? 'report.assessmentDocx' : 'report.assessmentXlsx')}
            </button>
          ))}
        {mayFinalize && (
          <button type="button" className="primary" onClick={() => void finalize()} disabled={busy || !cards.data?.length} data-finalize>
            {t('score.finalize')}
          </button>
        )}
      </div>
      {frozen && <p className="ok">{t('score.frozen')}</p>}
      {reproduction.data && (
        <p className={reproduction.data.verified ? 'ok' : 'error'} data-reproduction>
          {reproduction.data.verified && reproduction.data.checkpoint
            ? t('score.verified', { n: reproduction.data.checkpoint.number })
            : t('score.unverified', { summary: reproduction.data.summary })}
        </p>
      )}
      <ErrorMessage error={error} />
      <Loaded state={cards} empty="score.empty">
        {(list) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('score.rank')}</th>
                  <th>{t('field.unit')}</th>
                  <th>{t('score.ordinary')}</th>
                  <th>{t('score.yearEnd')}</th>
                  <th>{t('score.score')}</th>
                  <th>{t('score.grade')}</th>
                  <th>{t('score.veto')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.unit?.id} data-card={c.unit?.name}>
                    <td>{c.rank}</td>
                    <td className="unit">{c.unit && <Link to={`/scorecards/${c.unit.id}?year=${year}`}>{c.unit.name}</Link>}</td>
                    <td>{fmt(c.ordinaryScore)}</td>
                    <td>{fmt(c.yearEndScore)}</td>
                    <td>
                      <strong>{fmt(c.score)}</strong>
                    </td>
                    <td>
                      <span className={`badge grade-${c.grade}`} data-grade={c.grade}>
                        {words.label('grades', c.grade)}
                      </span>
                    </td>
                    <td>
                      {c.veto && (
                        <span className="badge overdue" data-veto>
                          {t('score.vetoMark')}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      {cards.data?.some((c) => c.provisional) && <p className="muted">{t('score.provisional')}</p>}
    </section>
  );
}

/** One unit's card: every point and the events and ledger numbers behind it; exemptions. */
export function ScorecardPage() {
  const { t } = useI18n();
  const { unitId = '' } = useParams();
  const [year] = useYear();
  const words = useVocabulary();
  const card = useAsync(() => fetchCard(unitId, year), [unitId, year]);
  const [exempting, setExempting] = useState<string | null>(null);
  // 容错纠错: the deduction the unit head is applying on, if the form is open.
  const [applying, setApplying] = useState<string | null>(null);
  const withdrawing = useAction();

  const {
    busy,
    error,
    submit: grant,
  } = useSubmit(async (form) => {
    await grantExemption({
      unitId,
      year,
      lineId: exempting!,
      reason: String(form.get('reason') ?? ''),
      approvedBy: String(form.get('approvedBy') ?? ''),
    });
    setExempting(null);
    card.reload();
  });

  return (
    <Loaded state={card} empty="score.noCard">
      {(c) => (
        <section>
          <p>
            <Link to={`/scorecards?year=${year}`}>{t('score.back')}</Link>
          </p>
          <div className="page-head">
            <h1>
              {c.unit?.name} · {t('score.title', { year })}
            </h1>
          </div>
          <dl className="tiles">
            <div className="tile">
              <dt>{t('score.score')}</dt>
              <dd data-score>{fmt(c.score)}</dd>
            </div>
            <div className={`tile ${c.veto ? 'red' : ''}`}>
              <dt>{t('score.grade')}</dt>
              <dd data-grade={c.grade}>
                {words.label('grades', c.grade)}
                {c.veto && ` · ${t('score.vetoMark')}`}
              </dd>
            </div>
            <div className="tile">
              <dt>{t('score.rank')}</dt>
              <dd>{c.rank}</dd>
            </div>
            <div className="tile">
              <dt>{t('score.ordinary')}</dt>
              <dd>{fmt(c.ordinaryScore)}</dd>
            </div>
            <div className="tile">
              <dt>{t('score.yearEnd')}</dt>
              <dd>{fmt(c.yearEndScore)}</dd>
            </div>
          </dl>
          <p className="muted">
            {t(c.frozen ? 'score.frozen' : c.provisional ? 'score.provisional' : 'score.computed', { version: c.policyVersion })}
          </p>
          <ErrorMessage error={error} />
          <ErrorMessage error={withdrawing.error} />
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('score.part')}</th>
                  <th>{t('score.rule')}</th>
                  <th>{t('score.points')}</th>
                  <th>{t('score.contribution')}</th>
                  <th>{t('field.ledgerNumber')}</th>
                  <th className="wide">{t('score.explanation')}</th>
                  <th>{t('score.events')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {c.lines.map((l) => (
                  <tr key={l.id} data-line={l.rule} className={l.exempted ? 'exempted' : ''}>
                    <td>{words.label('scoreParts', l.part)}</td>
                    <td>{words.label('scoreRules', l.rule)}</td>
                    <td className={l.points < 0 ? 'minus' : ''}>{fmt(l.points)}</td>
                    <td>{fmt(l.contribution)}</td>
                    <td>{l.ledgerNumber && <LedgerNumberLink ledgerNumber={l.ledgerNumber} />}</td>
                    <td>
                      {l.explanation}
                      {l.exemption && (
                        <div className="ok" data-exemption>
                          {t('score.exempted', { reason: l.exemption.reason, by: l.exemption.approvedBy })}
                        </div>
                      )}
                      {l.application && <ApplicationNote application={l.application} />}
                      {l.item && <ItemNote item={l.item} />}
                      {applying === l.id && (
                        <ApplyForm
                          unitId={unitId}
                          year={year}
                          lineId={l.id}
                          onCancel={() => setApplying(null)}
                          onDone={() => {
                            setApplying(null);
                            card.reload();
                          }}
                        />
                      )}
                      {exempting === l.id && (
                        <form className="action-form" onSubmit={(e) => void grant(e)} data-form="exempt">
                          <label>
                            {t('score.reason')}
                            {/* biome-ignore lint/a11y/noAutofocus: the form opens on the user's click and takes the focus, so it works from the keyboard alone */}
                            <textarea name="reason" required autoFocus />
                          </label>
                          <label>
                            {t('score.approvedBy')}
                            <input name="approvedBy" required />
                          </label>
                          <FormButtons busy={busy} onCancel={() => setExempting(null)} />
                        </form>
                      )}
                    </td>
                    <td className="events">
                      {l.eventIds.map((id) => (
                        <code key={id}>{id.slice(0, 8)}</code>
                      ))}
                    </td>
                    <td>
                      {l.availableActions.includes('grantExemption') && exempting !== l.id && (
                        <button type="button" onClick={() => setExempting(l.id)} data-exempt={l.id}>
                          {t('score.exempt')}
                        </button>
                      )}
                      {l.availableActions.includes('applyForExemption') && applying !== l.id && (
                        <button type="button" onClick={() => setApplying(l.id)} data-apply={l.id}>
                          {t('review.apply')}
                        </button>
                      )}
                      {l.application && l.availableActions.includes('withdrawExemptionApplication') && (
                        <button
                          type="button"
                          disabled={withdrawing.busy}
                          onClick={() =>
                            void withdrawing.run(async () => {
                              await withdrawExemptionApplication(year, l.application!.id);
                              card.reload();
                            })
                          }
                          data-withdraw={l.id}
                        >
                          {t('review.withdraw')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {c.availableActions.includes('recordAssessmentItem') && <ItemForm unitId={unitId} year={year} onDone={card.reload} />}
        </section>
      )}
    </Loaded>
  );
}
