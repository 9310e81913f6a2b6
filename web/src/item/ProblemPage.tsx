import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { type StoredFile, fileUrl, gql, uploadFile } from '../shared/api';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { type MessageKey, eventLabel, formatInstant, useI18n } from '../shared/i18n';
import { type Unit, fetchUnits } from '../shared/ledgerItem';
import { Loaded } from '../shared/Loaded';
import { StatusBadge } from '../shared/StatusBadge';
import { useAsync } from '../shared/useAsync';
import { useSubmit } from '../shared/useSubmit';
import { useVocabulary } from '../shared/vocabulary';
import { type ActionDef, VARIABLE_TYPES, offeredActions } from './actions';
import { SimilarList, similarToProblem } from '../similar/SimilarProblems';
import { type LedgerEvent, type ProblemDetail, type ProblemLink, type SupervisionOrder, fetchProblem } from './queries';
import { ItemSweeps } from '../sweeps/SweepsPage';
import { UnitOptions } from '../shared/UnitOptions';

/** One item: its facts, plan, progress and evidence, every event with who and when, and what can be done next. */
export function ProblemPage() {
  const { id = '' } = useParams();
  const problem = useAsync(() => fetchProblem(id), [id]);
  return (
    <Loaded state={problem} empty="common.notFound">
      {(p) => <Problem p={p} reload={problem.reload} />}
    </Loaded>
  );
}

function Problem({ p, reload }: { p: ProblemDetail; reload: () => void }) {
  const { t } = useI18n();
  const words = useVocabulary();
  const units = useAsync(fetchUnits, []);
  const [done, setDone] = useState<MessageKey | null>(null);
  const evidence = p.history.filter((e) => e.type === 'RectificationReported');

  return (
    <article className="item" aria-labelledby="item-title">
      <p>
        <Link to="/ledger">← {t('common.back')}</Link>
      </p>
      <div className="page-head">
        <h1 id="item-title">
          <span className="nowrap">{p.ledgerNumber}</span>
        </h1>
        <StatusBadge status={p.status} overdue={p.overdue} consolidation={p.consolidation} />
        {p.extensionRequestPending && (
          <span className="badge" data-extension-pending>
            {t('extension.pending')}
          </span>
        )}
        {p.migratedFrom && <span className="badge migrated"> {t('item.migrated')}</span>}
      </div>
      <p className="description">{p.description}</p>
      {p.migratedFrom && <p className="muted migrated-note">{t('item.migratedNote')}</p>}

      <div className="item-grid">
        <div className="item-main">
          <section aria-labelledby="facts">
            <h2 id="facts">{t('item.facts')}</h2>
            <dl className="facts">
              <Fact label="field.source" value={words.label('sources', p.source)} />
              <Fact label="field.category" value={words.label('categories', p.category)} />
              <Fact label="field.raisedOn" value={p.raisedOn} />
              <Fact label="field.leadUnit" value={p.responsibleUnit?.name} />
              {p.coResponsibleUnits.length > 0 && <Fact label="field.coUnits" value={p.coResponsibleUnits.map((u) => u.name).join('、')} />}
              <Fact label="field.person" value={p.responsiblePerson} />
              <Fact label="field.leadingOfficial" value={p.leadingOfficial} />
              <Fact label="field.deadline" value={p.deadline} />
              <Fact label="field.extensions" value={String(p.extensionCount)} />
              {p.extensionRequest && (
                <Fact
                  label="field.extensionRequest"
                  value={`${t(`extension.${p.extensionRequest.status}` as MessageKey)} · ${p.extensionRequest.proposedDeadline} · ${p.extensionRequest.reason}${p.extensionRequest.refusal ? ` · ${p.extensionRequest.refusal}` : ''}`}
                />
              )}
              <Fact label="field.rejections" value={String(p.rejectionCount)} />
              <Fact label="field.supervisions" value={String(p.supervisionCount)} />
              <Fact label="field.reopens" value={String(p.reopenCount)} />
              <Fact label="field.closedOn" value={p.closedOn} />
              {p.recheckDueOn && (
                <Fact
                  label="field.recheckDueOn"
                  value={p.recheckOverdue ? `${p.recheckDueOn} · ${t('queue.recheckOverdue')}` : p.recheckDueOn}
                />
              )}
            </dl>
            <Links links={p.links} />
            {p.transfers.length > 0 && (
              <>
                <h3>{t('item.transfers')}</h3>
                <ol className="transfers">
                  {p.transfers.map((tr) => (
                    <li key={tr.eventId} data-transfer>
                      {t('item.transfer', {
                        from: tr.fromUnit?.name ?? '',
                        to: tr.toUnit?.name ?? '',
                        reason: tr.reason,
                        by: tr.transferredBy,
                      })}
                    </li>
                  ))}
                </ol>
              </>
            )}
          </section>

          <SimilarSection p={p} onLinked={reload} />

          <section aria-labelledby="plan">
            <h2 id="plan">{t('item.plan')}</h2>
            <p className="prose">{p.measures ?? t('common.none')}</p>
            <h3>{t('item.latestProgress')}</h3>
            <p className="prose">{p.latestProgress ?? t('common.none')}</p>
          </section>

          <section aria-labelledby="supervision">
            <h2 id="supervision">{t('item.supervision')}</h2>
            {p.supervisionOrders.length === 0 ? (
              <p className="muted">{t('item.noSupervision')}</p>
            ) : (
              <ol className="supervision-orders">
                {p.supervisionOrders.map((o) => (
                  <SupervisionOrderBlock key={o.eventId} order={o} />
                ))}
              </ol>
            )}
          </section>

          <ItemSweeps problemId={p.id} />

          <section aria-labelledby="evidence">
            <h2 id="evidence">{t('item.evidence')}</h2>
            {evidence.length === 0 ? (
              <p className="muted">{t('item.noEvidence')}</p>
            ) : (
              evidence.map((e) => <EvidenceBlock key={e.id} event={e} />)
            )}
          </section>

          <section aria-labelledby="timeline">
            <h2 id="timeline">{t('item.timeline')}</h2>
            <ol className="timeline">
              {timeline(p).map((e) => (
                <TimelineEntry key={e.id} event={e} units={units.data ?? []} links={p.links} />
              ))}
            </ol>
          </section>
        </div>

        <aside className="item-actions" aria-labelledby="actions">
          <h2 id="actions">{t('item.actions')}</h2>
          {done && (
            <p className="ok" role="status">
              {t('action.done', { action: t(done) })}
            </p>
          )}
          <Actions
            problem={p}
            units={units.data ?? []}
            onDone={(action) => {
              setDone(action.label);
              reload();
            }}
          />
        </aside>
      </div>
    </article>
  );
}

/** 复发 / 相关: this problem's links, to earlier problems and from later ones. */
function Links({ links }: { links: ProblemLink[] }) {
  const { t } = useI18n();
  if (links.length === 0) return null;
  return (
    <>
      <h3>{t('links.title')}</h3>
      <ul className="links">
        {links.map((l) => (
          <li key={`${l.eventId}-${l.direction}`} data-link={l.kind} data-direction={l.direction}>
            <Link to={`/problems/${l.problem.id}`}>{linkText(t, l)}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}

const linkText = (t: ReturnType<typeof useI18n>['t'], l: ProblemLink) =>
  t(`links.${l.kind}.${l.direction}` as MessageKey, { n: l.problem.ledgerNumber });

/** 举一反三: problems of every unit that resemble this one; the office links the earlier ones from here. */
function SimilarSection({ p, onLinked }: { p: ProblemDetail; onLinked: () => void }) {
  const { t } = useI18n();
  const similar = useAsync(() => similarToProblem(p.id), [p.id, p.links.length]);
  const mayLink = p.availableActions.includes('linkProblem');
  return (
    <section aria-labelledby="similar">
      <h2 id="similar">{t('similar.title')}</h2>
      <p className="muted">{t('similar.hint')}</p>
      <Loaded state={similar}>
        {(items) => <SimilarList items={items} linkFrom={mayLink ? { problemId: p.id, raisedOn: p.raisedOn } : null} onLinked={onLinked} />}
      </Loaded>
    </section>
  );
}

/**
 * The problem's own events, and the links later problems made to it (those events are on the later
 * problem's stream), in time order: a link shows on the timelines of both problems.
 */
function timeline(p: ProblemDetail): LedgerEvent[] {
  const fromLater: LedgerEvent[] = p.links
    .filter((l) => l.direction === 'later')
    .map((l) => ({
      id: `${l.eventId}-later`,
      type: 'ProblemLinked',
      occurredAt: l.linkedAt,
      actor: { name: l.linkedBy, role: 'office', unitId: null },
      data: { linkEventId: l.eventId },
    }));
  return [...p.history, ...fromLater].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}

function Fact({ label, value }: { label: MessageKey; value: string | null | undefined }) {
  const { t } = useI18n();
  return (
    <div>
      <dt>{t(label)}</dt>
      <dd>{value ?? t('common.none')}</dd>
    </div>
  );
}

type EvidenceData = { evidence: { description: string; files: StoredFile[] } };

function EvidenceBlock({ event }: { event: LedgerEvent }) {
  const { t, lang } = useI18n();
  // Another unit's evidence is withheld from a unit head (the server sends `withheld` instead).
  if ('withheld' in event.data) return <p className="muted">{t('item.withheld')}</p>;
  const { evidence } = event.data as unknown as EvidenceData;
  return (
    <div className="evidence">
      <p className="muted">{formatInstant(event.occurredAt, lang)}</p>
      <p className="prose">{evidence.description}</p>
      <FileList files={evidence.files} />
    </div>
  );
}

function SupervisionOrderBlock({ order }: { order: SupervisionOrder }) {
  const { t, lang } = useI18n();
  const { reply } = order;
  return (
    <li className="supervision-order" data-supervision={order.supervisionCount} data-answered={reply !== null}>
      <p>
        <strong>#{order.supervisionCount}</strong>{' '}
        <span className="muted">
          {formatInstant(order.orderedAt, lang)} · {order.orderedBy}
        </span>
        {order.finishBy && <span className="detail"> {t('item.finishBy', { day: order.finishBy })}</span>}
      </p>
      <p className="prose">{order.instruction}</p>
      {reply === null ? (
        <p className={order.overdue ? 'badge overdue' : 'muted'}>{t(order.overdue ? 'item.replyOverdue' : 'item.unanswered')}</p>
      ) : (
        <div className="supervision-reply">
          <p className="muted">{t('item.replied', { who: reply.repliedBy, day: reply.repliedOn })}</p>
          <p className="prose">{reply.reply}</p>
          <FileList files={reply.files} />
        </div>
      )}
    </li>
  );
}

/** Files stored under /files (evidence, a 督办 reply's), each a link with its size; nothing when there are none. */
export function FileList({ files }: { files: { name: string; sha256: string; size: number }[] }) {
  const { t } = useI18n();
  if (files.length === 0) return null;
  return (
    <ul className="files" aria-label={t('item.files')}>
      {files.map((f) => (
        <li key={f.sha256}>
          <a href={fileUrl(f)} target="_blank" rel="noreferrer">
            {f.name}
          </a>{' '}
          <span className="muted">({formatSize(f.size)})</span>
        </li>
      ))}
    </ul>
  );
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What an event says beyond its type, in a line. */
function eventDetail(event: LedgerEvent, units: Unit[], t: ReturnType<typeof useI18n>['t'], links: ProblemLink[]): string | null {
  const d = event.data as Record<string, unknown>;
  const unitName = (id: unknown) => units.find((u) => u.id === id)?.name ?? String(id);
  // A deadline given in working days (工作日) shows the count beside the day it came to.
  const counted = d.workingDays != null ? ` (${t('item.workingDays', { n: String(d.workingDays) })})` : '';
  switch (event.type) {
    case 'ProblemAssigned':
      return `${unitName(d.responsibleUnitId)} · ${String(d.responsiblePerson)}${d.leadingOfficial ? ` · ${String(d.leadingOfficial)}` : ''}`;
    case 'AssignmentAcknowledged':
      return String(d.acknowledgedBy);
    case 'DeadlineSet':
      return `${String(d.deadline)}${counted}`;
    case 'DeadlineExtended':
      return `${String(d.previousDeadline)} → ${String(d.deadline)}${counted}: ${String(d.reason)}`;
    case 'RectificationPlanSubmitted':
      return String(d.measures);
    case 'ProgressReported':
      return `${d.unitId ? `${unitName(d.unitId)}: ` : ''}${String(d.progress)}${d.percentComplete != null ? ` (${String(d.percentComplete)}%)` : ''}`;
    case 'RectificationReported':
      return d.evidence ? (d.evidence as EvidenceData['evidence']).description : null;
    case 'VerificationPassed':
      return `${unitName(d.verifierUnitId)}: ${String(d.opinion)}`;
    case 'VerificationRejected':
      return `${unitName(d.verifierUnitId)}: ${String(d.reasons)}`;
    case 'ProblemClosed':
      return String(d.closedOn);
    case 'ProblemReopened':
      return String(d.reason);
    case 'SupervisionOrdered':
      return `${String(d.instruction)}${d.finishBy ? ` (${String(d.finishBy)})` : ''}`;
    case 'SupervisionReplied':
      return d.reply === undefined ? null : String(d.reply);
    case 'ConsolidationConfirmed':
      return String(d.opinion);
    case 'CoResponsibleUnitsChanged':
      return (d.coResponsibleUnitIds as string[]).map(unitName).join('、') || t('common.none');
    case 'ProblemTransferred':
      return `${unitName(d.fromUnitId)} → ${unitName(d.toUnitId)} · ${String(d.responsiblePerson)}: ${String(d.reason)}`;
    case 'ExtensionRequested':
      return `${String(d.currentDeadline)} → ${String(d.proposedDeadline)}: ${String(d.reason)}`;
    case 'ExtensionRequestRefused':
      return String(d.reason);
    case 'CommentPosted':
      // Withheld from another unit's head (the server sends `withheld` instead).
      if (d.text === undefined) return null;
      return `${t(d.kind === 'answer' ? 'comment.answer' : 'comment.instruction', { n: String(d.commentNumber), to: String(d.replyTo) })}: ${String(d.text)}`;
    case 'ProblemLinked':
    case 'ProblemRaised': {
      // A link, on this problem's stream (to an earlier one) or on a later problem's (to this one).
      const link = links.find((l) =>
        d.linkEventId ? l.eventId === d.linkEventId && l.direction === 'later' : l.eventId === event.id && l.direction === 'earlier',
      );
      return link ? linkText(t, link) : null;
    }
    default:
      return null;
  }
}

function TimelineEntry({ event, units, links }: { event: LedgerEvent; units: Unit[]; links: ProblemLink[] }) {
  const i18n = useI18n();
  const { t, lang, has } = i18n;
  const roleKey = `role.${event.actor.role}`;
  const detail = eventDetail(event, units, t, links);
  const files = event.type === 'CommentPosted' ? ((event.data as { files?: StoredFile[] }).files ?? []) : [];
  return (
    <li data-event-type={event.type} data-comment={event.type === 'CommentPosted' ? String(event.data.kind) : undefined}>
      <time dateTime={event.occurredAt}>{formatInstant(event.occurredAt, lang)}</time>
      <strong>{eventLabel(i18n, event.type)}</strong>
      <span className="muted">{t('item.by', { who: event.actor.name, role: has(roleKey) ? t(roleKey) : event.actor.role })}</span>
      {detail && <span className="detail">{detail}</span>}
      <FileList files={files} />
    </li>
  );
}

function Actions({ problem, units, onDone }: { problem: ProblemDetail; units: Unit[]; onDone: (action: ActionDef) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<ActionDef['key'] | null>(null);
  const actions = offeredActions(problem.availableActions);
  if (actions.length === 0) return <p className="muted">{t('item.noActions')}</p>;
  return (
    <div className="actions">
      <div className="action-buttons">
        {actions.map((a) => (
          <button
            key={a.key}
            type="button"
            aria-expanded={open === a.key}
            data-action={a.key}
            onClick={() => setOpen(open === a.key ? null : a.key)}
          >
            {t(a.label)}
          </button>
        ))}
      </div>
      {actions
        .filter((a) => a.key === open)
        .map((a) => (
          <ActionForm
            key={`${a.key}-${problem.history.length}`}
            action={a}
            problem={problem}
            units={units}
            onCancel={() => setOpen(null)}
            onDone={() => {
              setOpen(null);
              onDone(a);
            }}
          />
        ))}
    </div>
  );
}

function ActionForm({
  action,
  problem,
  units,
  onCancel,
  onDone,
}: {
  action: ActionDef;
  problem: ProblemDetail;
  units: Unit[];
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  // What a submission is doing while it runs: uploading a file, then sending the command.
  const [step, setStep] = useState<string | null>(null);
  // A retried submission after a network failure reuses the command id, so nothing is done twice.
  const [commandId] = useState(() => crypto.randomUUID());
  const { busy, error, submit } = useSubmit(async (form) => {
    setStep(null);
    const variables: Record<string, unknown> = { problemId: problem.id, commandId };
    const upload = async () => {
      const files: StoredFile[] = [];
      for (const file of form.getAll('files')) {
        if (!(file instanceof File) || file.size === 0) continue;
        setStep(t('input.uploading', { name: file.name }));
        files.push(await uploadFile(file));
      }
      return files;
    };
    if (action.key === 'rectified') {
      variables.evidence = { description: String(form.get('description') ?? ''), files: await upload() };
    } else if (action.key === 'reply') {
      // 督办回复: the text exactly as typed, and the files uploaded to /files like evidence.
      variables.reply = String(form.get('reply') ?? '');
      variables.files = await upload();
    } else if (action.key === 'instruct' || action.key === 'answer') {
      // 批示 / 回复: the same, text kept exactly as typed.
      variables.text = String(form.get('text') ?? '');
      variables.files = await upload();
    } else {
      for (const field of action.fields) {
        const raw = String(form.get(field.name) ?? '').trim();
        if (field.kind === 'units') variables[field.name] = form.getAll(field.name).map(String);
        else if (field.kind === 'number') variables[field.name] = raw === '' ? null : Number(raw);
        else variables[field.name] = raw === '' && !field.required ? null : raw;
      }
    }
    setStep(null);
    const names = Object.keys(variables);
    const declarations = names.map((n) => `$${n}: ${n === 'commandId' ? 'ID' : VARIABLE_TYPES[n]}`).join(', ');
    const call = action.mutation.replace(/\)$/, ', commandId: $commandId)');
    await gql(`mutation Act(${declarations}) { ${call} { problem { id } } }`, variables);
    onDone();
  });
  const confirmThenSubmit = (event: FormEvent<HTMLFormElement>) => {
    if (action.confirm && !window.confirm(t(action.confirm))) return event.preventDefault();
    void submit(event);
  };

  return (
    <form className="action-form" onSubmit={confirmThenSubmit} data-form={action.key} aria-label={t(action.label)}>
      <h3>{t(action.label)}</h3>
      {action.fields.map((f) => (
        // biome-ignore lint/a11y/noLabelWithoutControl: the control is one of the inputs below, chosen by the field's kind
        <label key={f.name}>
          <span>
            {t(f.label)}
            {f.required && <span aria-hidden="true"> *</span>}
          </span>
          {f.kind === 'textarea' ? (
            <textarea name={f.name} required={f.required} rows={3} maxLength={5000} />
          ) : f.kind === 'unit' ? (
            <select name={f.name} required={f.required} defaultValue="">
              <option value="" disabled>
                {t('input.chooseUnit')}
              </option>
              <UnitOptions units={units.filter((u) => u.status === 'active')} />
            </select>
          ) : f.kind === 'units' ? (
            <select name={f.name} multiple size={Math.min(6, units.length)}>
              <UnitOptions units={units.filter((u) => u.status === 'active' && u.id !== problem.responsibleUnit?.id)} />
            </select>
          ) : f.kind === 'files' ? (
            <input type="file" name={f.name} multiple />
          ) : f.kind === 'date' ? (
            <input
              type="date"
              name={f.name}
              required={f.required}
              min={f.name === 'proposedDeadline' && problem.deadline ? problem.deadline : problem.raisedOn}
            />
          ) : f.kind === 'number' ? (
            <input type="number" name={f.name} min={f.min ?? 0} max={f.max ?? 100} step={1} />
          ) : (
            <input type="text" name={f.name} required={f.required} maxLength={50} />
          )}
        </label>
      ))}
      <ErrorMessage error={error} />
      {busy && (
        <p className="muted" role="status">
          {step ?? t('common.loading')}
        </p>
      )}
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}
