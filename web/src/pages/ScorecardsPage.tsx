import { type FormEvent, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { gql } from '../api';
import { ErrorMessage } from '../errors';
import { exportScorecards } from '../exportScorecards';
import { useI18n } from '../i18n';
import { LedgerNumberLink } from '../LedgerNumberLink';
import { useUser } from '../session';
import { useAsync } from '../useAsync';

export type Grade = 'good' | 'fairly_good' | 'average' | 'poor';
export type Card = {
  unit: { id: string; name: string } | null;
  year: number;
  rank: number;
  score: number;
  ordinaryScore: number;
  yearEndScore: number;
  grade: Grade;
  gradeLabel: string;
  veto: boolean;
  frozen: boolean;
  provisional: boolean;
  policyVersion: number;
};
export type ScoreRule =
  | 'base'
  | 'problem_found'
  | 'verification_rejected'
  | 'deadline_extended'
  | 'supervision_ordered'
  | 'problem_reopened'
  | 'recurrence'
  | 'interview_held'
  | 'closed_on_time'
  | 'finished_late'
  | 'unfinished_at_year_end';
export type ScoreLine = {
  id: string;
  part: 'base' | 'ordinary' | 'year_end';
  partLabel: string;
  rule: ScoreRule;
  points: number;
  contribution: number;
  ledgerNumber: string | null;
  eventIds: string[];
  explanation: string;
  exempted: boolean;
  exemption: { reason: string; approvedBy: string } | null;
};
export type CardDetail = Card & { lines: ScoreLine[] };

const CARD = 'unit { id name } year rank score ordinaryScore yearEndScore grade gradeLabel veto frozen provisional policyVersion';
const LINES = 'lines { id part partLabel rule points contribution ledgerNumber eventIds explanation exempted exemption { reason approvedBy } }';

/** The year in the address (?year=2019), this year when none is given. */
function useYear(): [number, (year: number) => void] {
  const [params, setParams] = useSearchParams();
  const year = Number(params.get('year')) || new Date().getFullYear();
  return [year, (next) => setParams({ year: String(next) })];
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

type Reproduction = { verified: boolean; summary: string; checkpoint: { number: number } | null };

/** 年度考核: the year's ranking with grades and the one-vote veto; finalize; export. */
export function ScorecardsPage() {
  const { t } = useI18n();
  const user = useUser();
  const [year, setYear] = useYear();
  const cards = useAsync(() => gql<{ scorecards: Card[] }>(`query($y: Int!) { scorecards(year: $y) { ${CARD} } }`, { y: year }).then((d) => d.scorecards), [year]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const committee = user.roles.includes('committee');
  const frozen = cards.data?.some((c) => c.frozen) ?? false;
  const mayVerify = committee || user.roles.includes('admin');
  // A finalized year is recomputed from its pinned log position and held against its checkpoint (issue 6).
  const reproduction = useAsync(
    () =>
      frozen && mayVerify
        ? gql<{ verifyAssessment: Reproduction }>(`query($y: Int!) { verifyAssessment(year: $y) { verified summary checkpoint { number } } }`, { y: year }).then(
            (d) => d.verifyAssessment,
          )
        : Promise.resolve(null),
    [year, frozen, mayVerify],
  );

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const finalize = () =>
    run(async () => {
      if (!window.confirm(t('score.confirmFinalize', { year }))) return;
      await gql(`mutation($y: Int!) { finalizeAssessment(year: $y) { replayed } }`, { y: year });
      cards.reload();
    });
  const download = () =>
    run(async () => {
      const data = await gql<{ scorecards: CardDetail[] }>(`query($y: Int!) { scorecards(year: $y) { ${CARD} ${LINES} } }`, { y: year });
      await exportScorecards(year, data.scorecards, data.scorecards);
    });

  return (
    <section>
      <div className="page-head">
        <h1>{t('score.title', { year })}</h1>
        <label className="as-of">
          {t('score.year')}
          <input type="number" min={2000} max={2100} value={year} onChange={(e) => Number(e.target.value) && setYear(Number(e.target.value))} />
        </label>
        <button type="button" onClick={() => void download()} disabled={busy || !cards.data?.length} data-export-scorecards>
          {t('score.export')}
        </button>
        {committee && !frozen && (
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
      <ErrorMessage error={error ?? cards.error} />
      {!cards.data ? (
        <p className="muted">{t('common.loading')}</p>
      ) : cards.data.length === 0 ? (
        <p className="empty">{t('score.empty')}</p>
      ) : (
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
              {cards.data.map((c) => (
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
                      {t(`grade.${c.grade}`)}
                    </span>
                  </td>
                  <td>{c.veto && <span className="badge overdue" data-veto>{t('score.vetoMark')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cards.data?.some((c) => c.provisional) && <p className="muted">{t('score.provisional')}</p>}
    </section>
  );
}

/** One unit's card: every point and the events and ledger numbers behind it; exemptions. */
export function ScorecardPage() {
  const { t } = useI18n();
  const user = useUser();
  const { unitId = '' } = useParams();
  const [year] = useYear();
  const card = useAsync(
    () => gql<{ scorecard: CardDetail | null }>(`query($u: ID!, $y: Int!) { scorecard(unitId: $u, year: $y) { ${CARD} ${LINES} } }`, { u: unitId, y: year }).then((d) => d.scorecard),
    [unitId, year],
  );
  const [exempting, setExempting] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const mayExempt = user.roles.includes('committee') && card.data && !card.data.frozen;

  const grant = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await gql(`mutation($u: ID!, $y: Int!, $l: String!, $r: String!, $a: String!) { grantExemption(unitId: $u, year: $y, lineId: $l, reason: $r, approvedBy: $a) { replayed } }`, {
        u: unitId,
        y: year,
        l: exempting,
        r: String(form.get('reason') ?? ''),
        a: String(form.get('approvedBy') ?? ''),
      });
      setExempting(null);
      card.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  if (card.error) return <ErrorMessage error={card.error} />;
  if (!card.data) return <p className="muted">{card.loading ? t('common.loading') : t('score.noCard')}</p>;
  const c = card.data;
  return (
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
            {t(`grade.${c.grade}`)}
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
      <p className="muted">{t(c.frozen ? 'score.frozen' : c.provisional ? 'score.provisional' : 'score.computed', { version: c.policyVersion })}</p>
      <ErrorMessage error={error} />
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
                <td>{t(`part.${l.part}`)}</td>
                <td>{t(`rule.${l.rule}`)}</td>
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
                  {exempting === l.id && (
                    <form className="action-form" onSubmit={(e) => void grant(e)} data-form="exempt">
                      <label>
                        {t('score.reason')}
                        <textarea name="reason" required autoFocus />
                      </label>
                      <label>
                        {t('score.approvedBy')}
                        <input name="approvedBy" required />
                      </label>
                      <div className="form-buttons">
                        <button type="submit" className="primary">
                          {t('common.submit')}
                        </button>
                        <button type="button" onClick={() => setExempting(null)}>
                          {t('common.cancel')}
                        </button>
                      </div>
                    </form>
                  )}
                </td>
                <td className="events">
                  {l.eventIds.map((id) => (
                    <code key={id}>{id.slice(0, 8)}</code>
                  ))}
                </td>
                <td>
                  {mayExempt && l.points < 0 && !l.exempted && exempting !== l.id && (
                    <button type="button" onClick={() => setExempting(l.id)} data-exempt={l.id}>
                      {t('score.exempt')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
