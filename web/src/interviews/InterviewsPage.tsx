import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { useI18n } from '../shared/i18n';
import { LedgerNumbers } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { useSubmit } from '../shared/useSubmit';
import { useVocabulary } from '../shared/vocabulary';
import { type Trigger, type TriggerOrder, fetchTriggers, recordInterview } from './queries';

/** 约谈: the triggers with their level, unit, rule and evidence; the office records the interview held. */
export function InterviewsPage() {
  const { t, lang } = useI18n();
  const words = useVocabulary();
  const [showResolved, setShowResolved] = useState(false);
  const triggers = useAsync(() => fetchTriggers(showResolved), [showResolved]);
  const [recording, setRecording] = useState<string | null>(null);
  const {
    busy,
    error,
    submit: record,
  } = useSubmit(async (form) => {
    await recordInterview({
      triggerId: recording!,
      interviewee: String(form.get('interviewee') ?? ''),
      interviewer: String(form.get('interviewer') ?? ''),
      heldOn: String(form.get('heldOn') ?? '') || null,
      outcome: String(form.get('outcome') ?? ''),
    });
    setRecording(null);
    triggers.reload();
  });

  return (
    <section>
      <div className="page-head">
        <h1>{t('interview.title')}</h1>
        <label>
          <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} /> {t('interview.showResolved')}
        </label>
      </div>
      <Loaded state={triggers} empty="interview.empty">
        {(list) => (
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
                {list.map((x) => (
                  <tr key={x.id} data-trigger={x.rule} data-level={x.level}>
                    <td>
                      <span className={`badge level-${x.level}`}>{words.label('interviewLevels', x.level)}</span>
                      {x.escalations > 0 && <div className="muted">{t('interview.escalated', { n: x.escalations })}</div>}
                    </td>
                    <td className="unit">
                      {x.unit && <Link to={`/ledger?unitId=${x.unit.id}`}>{x.unit.name}</Link>}
                      <IntervieweeLine interviewee={x.interviewee} />
                    </td>
                    <td>{words.label('interviewRules', x.rule)}</td>
                    <td>
                      {x.summaryLabel[lang]}
                      {x.resolvedBy && (
                        <div className="ok">
                          {t('interview.held', { on: x.resolvedBy.heldOn, who: x.resolvedBy.interviewee, by: x.resolvedBy.interviewer })}:{' '}
                          {x.resolvedBy.outcome}
                        </div>
                      )}
                      {x.supervisionOrders.length > 0 && (
                        <ul className="trigger-orders">
                          {x.supervisionOrders.map((o) => (
                            <OrderLine key={`${o.ledgerNumber}#${o.supervisionCount}`} order={o} />
                          ))}
                        </ul>
                      )}
                      {x.resolvedBySupervisionOn && (
                        <div className="ok" data-resolved-by-supervision={x.resolvedBySupervisionOn}>
                          {t('interview.resolvedBySupervision', { on: x.resolvedBySupervisionOn })}
                        </div>
                      )}
                      {recording === x.id && (
                        <form className="action-form" onSubmit={(e) => void record(e)} data-form="interview">
                          <label>
                            {t('interview.interviewee')}
                            {/* biome-ignore lint/a11y/noAutofocus: the form opens on the user's click and takes the focus, so it works from the keyboard alone */}
                            <input name="interviewee" required autoFocus defaultValue={personOf(x.interviewee.principal)} />
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
                          <FormButtons busy={busy} onCancel={() => setRecording(null)} />
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
      </Loaded>
    </section>
  );
}

/** One 督办 on a trigger's item: its number, 办结时限 and instruction, and the reply or that none came (overdue past the day). */
function OrderLine({ order }: { order: TriggerOrder }) {
  const { t } = useI18n();
  const { reply } = order;
  return (
    <li data-order={`${order.ledgerNumber}#${order.supervisionCount}`} data-answered={reply !== null} data-overdue={order.overdue}>
      {t('interview.order', { ledgerNumber: order.ledgerNumber, n: order.supervisionCount })}{' '}
      <span className="muted">{order.orderedOn}</span>
      {order.finishBy && <> · {t('item.finishBy', { day: order.finishBy })}</>}
      {order.instruction && <div className="muted">{order.instruction}</div>}
      {reply ? (
        <div className="ok">{t('interview.repliedOn', { day: reply.repliedOn, reply: reply.reply })}</div>
      ) : (
        <div className={order.overdue ? 'badge overdue' : 'muted'}>{t(order.overdue ? 'item.replyOverdue' : 'item.unanswered')}</div>
      )}
    </li>
  );
}

const personOf = (leader: { name: string; title: string } | null) => (leader ? `${leader.title}${leader.name}` : '');

/** 约谈对象: the principal leader in post on the day (the township's, for a village or work team), and the leaders in charge. */
function IntervieweeLine({ interviewee }: { interviewee: Trigger['interviewee'] }) {
  const { t } = useI18n();
  const { principal, inCharge, rolledUp, unit } = interviewee;
  return (
    <div className="interviewee" data-interviewee={principal?.name ?? ''}>
      <span className="muted">{t('interview.toInterview')}：</span>
      {principal ? `${t('interview.principal')} ${personOf(principal)}` : t('interview.noLeader')}
      {inCharge.length > 0 && <> · {`${t('interview.inCharge')} ${inCharge.map(personOf).join('、')}`}</>}
      {rolledUp && unit && <div className="muted">{t('interview.rolledUp', { unit: unit.name })}</div>}
    </div>
  );
}
