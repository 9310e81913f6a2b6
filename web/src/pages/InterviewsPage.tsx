import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { gql } from '../api';
import { ErrorMessage } from '../errors';
import { useI18n } from '../i18n';
import { LedgerNumbers } from '../LedgerNumberLink';
import { useAsync } from '../useAsync';

type Level = 'reminder' | 'supervision' | 'interview';
type Trigger = {
  id: string;
  rule: string;
  level: Level;
  escalations: number;
  since: string;
  summary: string;
  ledgerNumbers: string[];
  unit: { id: string; name: string } | null;
  resolved: boolean;
  resolvedBy: { interviewee: string; interviewer: string; heldOn: string; outcome: string } | null;
};

const TRIGGERS = `query($resolved: Boolean) {
  interviewTriggers(includeResolved: $resolved) {
    id rule level escalations since summary ledgerNumbers unit { id name } resolved
    resolvedBy { interviewee interviewer heldOn outcome }
  }
}`;

/** 约谈: the triggers with their level, unit, rule and evidence; the office records the interview held. */
export function InterviewsPage() {
  const { t } = useI18n();
  const [showResolved, setShowResolved] = useState(false);
  const triggers = useAsync(() => gql<{ interviewTriggers: Trigger[] }>(TRIGGERS, { resolved: showResolved }).then((d) => d.interviewTriggers), [showResolved]);
  const [recording, setRecording] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const record = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await gql(
        `mutation($id: ID!, $ee: String!, $er: String!, $on: String, $out: String!) {
          recordInterview(triggerId: $id, interviewee: $ee, interviewer: $er, heldOn: $on, outcome: $out) { replayed }
        }`,
        {
          id: recording,
          ee: String(form.get('interviewee') ?? ''),
          er: String(form.get('interviewer') ?? ''),
          on: String(form.get('heldOn') ?? '') || null,
          out: String(form.get('outcome') ?? ''),
        },
      );
      setRecording(null);
      triggers.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section>
      <div className="page-head">
        <h1>{t('interview.title')}</h1>
        <label>
          <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} /> {t('interview.showResolved')}
        </label>
      </div>
      <ErrorMessage error={triggers.error} />
      {!triggers.data ? (
        <p className="muted">{t('common.loading')}</p>
      ) : triggers.data.length === 0 ? (
        <p className="empty">{t('interview.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('interview.level')}</th>
                <th>{t('field.unit')}</th>
                <th>{t('interview.rule')}</th>
                <th className="wide">{t('interview.summary')}</th>
                <th>{t('interview.evidence')}</th>
                <th>{t('interview.since')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {triggers.data.map((x) => (
                <tr key={x.id} data-trigger={x.rule} data-level={x.level}>
                  <td>
                    <span className={`badge level-${x.level}`}>{t(`level.${x.level}`)}</span>
                    {x.escalations > 0 && <div className="muted">{t('interview.escalated', { n: x.escalations })}</div>}
                  </td>
                  <td className="unit">{x.unit && <Link to={`/ledger?unitId=${x.unit.id}`}>{x.unit.name}</Link>}</td>
                  <td>{t(`irule.${x.rule}` as never)}</td>
                  <td>
                    {x.summary}
                    {x.resolvedBy && (
                      <div className="ok">
                        {t('interview.held', { on: x.resolvedBy.heldOn, who: x.resolvedBy.interviewee, by: x.resolvedBy.interviewer })}: {x.resolvedBy.outcome}
                      </div>
                    )}
                    {recording === x.id && (
                      <form className="action-form" onSubmit={(e) => void record(e)} data-form="interview">
                        <label>
                          {t('interview.interviewee')}
                          <input name="interviewee" required autoFocus />
                        </label>
                        <label>
                          {t('interview.interviewer')}
                          <input name="interviewer" required />
                        </label>
                        <label>
                          {t('interview.heldOn')}
                          <input name="heldOn" type="date" />
                        </label>
                        <label>
                          {t('interview.outcome')}
                          <textarea name="outcome" required />
                        </label>
                        <ErrorMessage error={error} />
                        <div className="form-buttons">
                          <button type="submit" className="primary">
                            {t('common.submit')}
                          </button>
                          <button type="button" onClick={() => setRecording(null)}>
                            {t('common.cancel')}
                          </button>
                        </div>
                      </form>
                    )}
                  </td>
                  <td>
                    <LedgerNumbers numbers={x.ledgerNumbers} />
                  </td>
                  <td className="nowrap">{x.since}</td>
                  <td>
                    {!x.resolved && recording !== x.id && (
                      <button type="button" onClick={() => setRecording(x.id)} data-record={x.id}>
                        {t('interview.record')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
