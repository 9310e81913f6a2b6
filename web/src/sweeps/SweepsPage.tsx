import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { useI18n } from '../shared/i18n';
import { fetchUnits } from '../shared/ledgerItem';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { useSubmit } from '../shared/useSubmit';
import { useVocabulary } from '../shared/vocabulary';
import {
  type Sweep,
  answerSweep,
  closeSweep,
  fetchItemSweeps,
  fetchOverdueSweeps,
  fetchPendingSweeps,
  fetchSweep,
  fetchSweeps,
  orderSweep,
} from './queries';

/** A sweep in one line: where it came from, by when, how far the answers are. */
function SweepSummary({ sweep }: { sweep: Sweep }) {
  const { t } = useI18n();
  return (
    <span>
      <Link to={`/sweeps/${sweep.id}`}>{t('sweep.from', { n: sweep.originLedgerNumber })}</Link>{' '}
      <span className="muted">
        {t('sweep.answerBy')} {sweep.answerBy} ·{' '}
        {t('sweep.progress', { a: sweep.answeredCount, n: sweep.units.length, f: sweep.foundCount })}
      </span>
      {sweep.overdueCount > 0 && <span className="badge overdue"> {t('sweep.overdueCount', { n: sweep.overdueCount })}</span>}
      {sweep.closed && <span className="muted"> · {t('sweep.closed', { day: sweep.closedOn ?? '' })}</span>}
    </span>
  );
}

/** 举一反三 on the item page: the sweep that raised it, the sweeps ordered from it, and the office's button to order one. */
export function ItemSweeps({ problemId }: { problemId: string }) {
  const { t } = useI18n();
  const state = useAsync(() => fetchItemSweeps(problemId), [problemId]);
  const [open, setOpen] = useState(false);
  const item = state.data;
  return (
    <section aria-labelledby="sweeps" data-sweeps>
      <h2 id="sweeps">{t('sweep.section')}</h2>
      <Loaded state={state} isEmpty={() => false}>
        {(s) => (
          <>
            {s.raisedBySweep && (
              <p>
                <Link to={`/sweeps/${s.raisedBySweep.id}`}>{t('sweep.raisedBy', { n: s.raisedBySweep.originLedgerNumber })}</Link>
              </p>
            )}
            {s.sweeps.length === 0 ? (
              <p className="muted">{t('sweep.none')}</p>
            ) : (
              <ul>
                {s.sweeps.map((sweep) => (
                  <li key={sweep.id} data-sweep={sweep.id}>
                    <SweepSummary sweep={sweep} />
                  </li>
                ))}
              </ul>
            )}
            {s.canOrderSweep && !open && (
              <button type="button" data-order-sweep onClick={() => setOpen(true)}>
                {t('sweep.order')}
              </button>
            )}
            {item && open && (
              <OrderSweepForm problemId={problemId} excludeUnitId={item.responsibleUnit?.id ?? null} onCancel={() => setOpen(false)} />
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

/** 发起举一反三排查: the townships (all but the item's own unit checked), the answer-by day and the instruction. */
function OrderSweepForm({ problemId, excludeUnitId, onCancel }: { problemId: string; excludeUnitId: string | null; onCancel: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const units = useAsync(fetchUnits, []);
  const [commandId] = useState(() => crypto.randomUUID());
  const { busy, error, submit } = useSubmit(async (form) => {
    const sweep = await orderSweep({
      originProblemId: problemId,
      unitIds: form.getAll('unitIds').map(String),
      answerBy: String(form.get('answerBy') ?? ''),
      instruction: String(form.get('instruction') ?? ''),
      commandId,
    });
    navigate(`/sweeps/${sweep.id}`);
  });
  const townships = (units.data ?? []).filter((u) => u.kind === 'township' && u.status === 'active');
  return (
    <form className="action-form" data-form="orderSweep" aria-label={t('sweep.order')} onSubmit={(e) => void submit(e)}>
      <h3>{t('sweep.order')}</h3>
      <fieldset>
        <legend>{t('sweep.units')}</legend>
        <p className="muted">{t('sweep.unitsHint')}</p>
        {townships.map((u) => (
          <label key={u.id} className="check">
            <input type="checkbox" name="unitIds" value={u.id} defaultChecked={u.id !== excludeUnitId} /> {u.name}
          </label>
        ))}
      </fieldset>
      <label>
        <span>
          {t('sweep.answerBy')}
          <span aria-hidden="true"> *</span>
        </span>
        {/* No min from this browser's clock: the server's county day judges a day past (SWEEP_ANSWER_BY_PAST). */}
        <input type="date" name="answerBy" required />
      </label>
      <label>
        <span>
          {t('sweep.instruction')}
          <span aria-hidden="true"> *</span>
        </span>
        <textarea name="instruction" required rows={3} maxLength={2000} />
      </label>
      <ErrorMessage error={error} />
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** A unit head's answer: found (what, raised as the unit's self-check problem) or none (the head's signed statement). */
export function AnswerSweepForm({ sweep, onDone }: { sweep: Sweep; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const [answer, setAnswer] = useState<'found' | 'none' | null>(null);
  const [commandId] = useState(() => crypto.randomUUID());
  const { busy, error, submit } = useSubmit(async (form) => {
    if (!answer) return;
    const result = await answerSweep({ sweepId: sweep.id, answer, text: String(form.get('text') ?? ''), commandId });
    onDone(result.problem ? t('sweep.problem', { n: result.problem.ledgerNumber }) : t('sweep.answered'));
  });
  return (
    <div className="actions" data-answer-sweep={sweep.id}>
      <div className="action-buttons">
        {(['found', 'none'] as const).map((a) => (
          <button key={a} type="button" aria-pressed={answer === a} data-answer={a} onClick={() => setAnswer(a)}>
            {t(a === 'found' ? 'sweep.answer.found' : 'sweep.answer.none')}
          </button>
        ))}
      </div>
      {answer && (
        <form className="action-form" data-form={`answer-${answer}`} aria-label={t('sweep.answerTitle')} onSubmit={(e) => void submit(e)}>
          <label>
            <span>
              {t(answer === 'found' ? 'sweep.foundText' : 'sweep.noneText')}
              <span aria-hidden="true"> *</span>
            </span>
            <textarea name="text" required rows={3} maxLength={5000} />
          </label>
          <ErrorMessage error={error} />
          <FormButtons busy={busy} onCancel={() => setAnswer(null)} />
        </form>
      )}
    </div>
  );
}

/** 举一反三排查待反馈: the unit head's pending sweeps, each with its two answers (on 我的事项). */
export function PendingSweeps({ onAnswered }: { onAnswered?: () => void }) {
  const { t } = useI18n();
  const pending = useAsync(fetchPendingSweeps, []);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section className="queue" data-queue="sweeps" aria-labelledby="queue-sweeps">
      <h2 id="queue-sweeps">
        {t('sweep.pendingTitle')} <span className="count">{t('queue.count', { n: pending.data?.length ?? 0 })}</span>
      </h2>
      <p className="muted help">{t('sweep.pendingHint')}</p>
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      <Loaded state={pending} empty="queue.empty">
        {(sweeps) => (
          <ul className="pending-sweeps">
            {sweeps.map((s) => (
              <li key={s.id} data-pending-sweep={s.id}>
                <SweepSummary sweep={s} />
                <p className="prose">{s.instruction}</p>
                {s.canAnswer && (
                  <AnswerSweepForm
                    sweep={s}
                    onDone={(message) => {
                      setDone(message);
                      pending.reload();
                      onAnswered?.();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

/** One sweep: its instruction, every unit asked with its answer, and the office's close. */
export function SweepPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const words = useVocabulary();
  const sweep = useAsync(() => fetchSweep(id), [id]);
  const [done, setDone] = useState<string | null>(null);
  return (
    <Loaded state={sweep} empty="sweep.notFound">
      {(s) => (
        <article className="item" aria-labelledby="sweep-title" data-sweep-page={s.id}>
          <p>
            <Link to="/sweeps">← {t('sweep.list')}</Link>
          </p>
          <div className="page-head">
            <h1 id="sweep-title">{t('sweep.title', { n: s.originLedgerNumber })}</h1>
            {s.closed && <span className="badge">{t('sweep.closed', { day: s.closedOn ?? '' })}</span>}
          </div>
          <p className="prose">{s.instruction}</p>
          <dl className="facts">
            <div>
              <dt>{t('sweep.origin')}</dt>
              <dd>{s.originProblem ? <Link to={`/problems/${s.originProblem.id}`}>{s.originLedgerNumber}</Link> : s.originLedgerNumber}</dd>
            </div>
            <div>
              <dt>{t('field.category')}</dt>
              <dd>{words.label('categories', s.category)}</dd>
            </div>
            <div>
              <dt>{t('sweep.answerBy')}</dt>
              <dd>{s.answerBy}</dd>
            </div>
            <div>
              <dt>{t('sweep.orderedBy', { who: s.orderedBy, day: s.orderedOn })}</dt>
              <dd>{t('sweep.progress', { a: s.answeredCount, n: s.units.length, f: s.foundCount })}</dd>
            </div>
          </dl>
          {done && (
            <p className="ok" role="status">
              {done}
            </p>
          )}
          {s.canAnswer && (
            <section aria-label={t('sweep.answerTitle')}>
              <h2>{t('sweep.answerTitle')}</h2>
              <AnswerSweepForm
                sweep={s}
                onDone={(message) => {
                  setDone(message);
                  sweep.reload();
                }}
              />
            </section>
          )}
          <section aria-labelledby="sweep-units">
            <h2 id="sweep-units">{t('sweep.units')}</h2>
            <table className="ledger">
              <thead>
                <tr>
                  <th>{t('field.unit')}</th>
                  <th>{t('sweep.answerTitle')}</th>
                  <th>{t('sweep.text')}</th>
                </tr>
              </thead>
              <tbody>
                {s.units.map((u) => (
                  <tr
                    key={u.unit?.id ?? ''}
                    data-unit-row={u.unit?.name}
                    data-answer={u.answer?.answer ?? (u.overdue ? 'overdue' : 'pending')}
                  >
                    <td>{u.unit?.name}</td>
                    <td>
                      {u.answer ? (
                        <>
                          {t(u.answer.answer === 'found' ? 'sweep.answer.found' : 'sweep.answer.none')}{' '}
                          <span className="muted">{u.answer.answeredOn}</span>
                          {u.answer.late && <span className="badge overdue"> {t('sweep.late')}</span>}
                        </>
                      ) : (
                        <span className={u.overdue ? 'badge overdue' : 'muted'}>{t(u.overdue ? 'sweep.overdue' : 'sweep.unanswered')}</span>
                      )}
                    </td>
                    <td>
                      {u.answer && (
                        <>
                          <span className="prose">{u.answer.text}</span>{' '}
                          <span className="muted">{t('sweep.signedBy', { who: u.answer.signedBy })}</span>
                          {u.answer.problem && (
                            <>
                              {' · '}
                              <Link to={`/problems/${u.answer.problem.id}`}>
                                {t('sweep.problem', { n: u.answer.problem.ledgerNumber })}
                              </Link>
                            </>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {s.canClose && <CloseSweepForm sweepId={s.id} onDone={sweep.reload} />}
        </article>
      )}
    </Loaded>
  );
}

function CloseSweepForm({ sweepId, onDone }: { sweepId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [commandId] = useState(() => crypto.randomUUID());
  const { busy, error, submit } = useSubmit(async (form) => {
    const reason = String(form.get('reason') ?? '').trim();
    await closeSweep(sweepId, reason === '' ? null : reason, commandId);
    onDone();
  });
  if (!open)
    return (
      <button type="button" data-close-sweep onClick={() => setOpen(true)}>
        {t('sweep.close')}
      </button>
    );
  return (
    <form className="action-form" data-form="closeSweep" aria-label={t('sweep.close')} onSubmit={(e) => void submit(e)}>
      <label>
        <span>{t('sweep.closeReason')}</span>
        <textarea name="reason" rows={2} maxLength={2000} />
      </label>
      <ErrorMessage error={error} />
      <FormButtons busy={busy} onCancel={() => setOpen(false)} />
    </form>
  );
}

/** Every sweep, newest first (the office's list). */
export function SweepsPage() {
  const { t } = useI18n();
  const sweeps = useAsync(fetchSweeps, []);
  return (
    <section aria-labelledby="sweeps-title">
      <div className="page-head">
        <h1 id="sweeps-title">{t('sweep.list')}</h1>
      </div>
      <Loaded state={sweeps} empty="sweep.listEmpty">
        {(list) => (
          <ul>
            {list.map((s) => (
              <li key={s.id} data-sweep={s.id}>
                <SweepSummary sweep={s} />
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

/** On the wall: per unit, the sweeps past their answer-by day it has not answered; a unit's count opens its sweeps. */
export function OverdueSweepsCard({ asOf }: { asOf: string | null }) {
  const { t } = useI18n();
  const overdue = useAsync(() => fetchOverdueSweeps(asOf), [asOf]);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="card" data-overdue-sweeps>
      <h2>{t('sweep.wallTitle')}</h2>
      <Loaded state={overdue} empty="sweep.wallNone">
        {(rows) => (
          <ul className="inline-list">
            {rows.map((r) => (
              <li key={r.unit?.id ?? ''} data-unit={r.unit?.name}>
                {r.unit?.name}{' '}
                <button
                  type="button"
                  className="tile-open"
                  aria-expanded={open === r.unit?.id}
                  onClick={() => setOpen(open === r.unit?.id ? null : (r.unit?.id ?? null))}
                >
                  {r.count}
                </button>
                {open === r.unit?.id && (
                  <ul>
                    {r.sweeps.map((s) => (
                      <li key={s.id}>
                        <Link to={`/sweeps/${s.id}`}>{t('sweep.from', { n: s.originLedgerNumber })}</Link>{' '}
                        <span className="muted">
                          {t('sweep.answerBy')} {s.answerBy}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}
