import { Fragment, useState } from 'react';
import { Link, useParams } from 'react-router';
import { downloadReport } from '../shared/api';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { useI18n } from '../shared/i18n';
import { LedgerNumberLink } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { useUser } from '../shared/session';
import { StatusBadge } from '../shared/StatusBadge';
import { useAsync } from '../shared/useAsync';
import { useAction, useSubmit } from '../shared/useSubmit';
import { useVocabulary } from '../shared/vocabulary';
import { countyToday } from './fields';
import { type SourceDocument, fetchReconciliation, fetchSourceDocuments, reconciliationXlsx, registerSourceDocument } from './queries';

/** 来源文件: the superiors' documents registered, each with its 对账; the office registers more. */
export function SourceDocumentsPage() {
  const { t } = useI18n();
  const user = useUser();
  const documents = useAsync(fetchSourceDocuments, []);
  const [open, setOpen] = useState(false);
  const [registered, setRegistered] = useState<SourceDocument | null>(null);
  return (
    <section aria-labelledby="documents-title">
      <div className="page-head">
        <h1 id="documents-title">{t('documents.title')}</h1>
        {user.roles.includes('office') && (
          <button type="button" data-action="register-document" aria-expanded={open} onClick={() => setOpen(!open)}>
            {t('documents.register')}
          </button>
        )}
      </div>
      <div role="status" aria-live="polite">
        {registered && (
          <p className="ok" data-registered={registered.id}>
            {t('documents.registered', { n: registered.documentNumber })}
          </p>
        )}
      </div>
      {open && (
        <RegisterForm
          onCancel={() => setOpen(false)}
          onDone={(d) => {
            setRegistered(d);
            setOpen(false);
            documents.reload();
          }}
        />
      )}
      <Loaded state={documents} empty="documents.empty">
        {(list) => (
          <div className="table-wrap">
            <table data-documents>
              <thead>
                <tr>
                  <th scope="col">{t('documents.documentNumber')}</th>
                  <th scope="col" className="wide">
                    {t('documents.docTitle')}
                  </th>
                  <th scope="col">{t('documents.issuingBody')}</th>
                  <th scope="col">{t('documents.issuedOn')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.id} data-document={d.documentNumber}>
                    <td className="nowrap">{d.documentNumber}</td>
                    <td className="wide">{d.title}</td>
                    <td>{d.issuingBody}</td>
                    <td className="nowrap">{d.issuedOn}</td>
                    <td>
                      <Link to={`/documents/${encodeURIComponent(d.id)}`}>{t('documents.reconcile')}</Link>
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

/** 登记来源文件: 发文机关, title, 文号 and 成文日期 (not after today); the same 文号 again changes nothing. */
function RegisterForm({ onDone, onCancel }: { onDone: (document: SourceDocument) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const { busy, error, submit } = useSubmit(async (form) => {
    const field = (name: string) => String(form.get(name) ?? '').trim();
    onDone(
      await registerSourceDocument({
        issuingBody: field('issuingBody'),
        title: field('title'),
        documentNumber: field('documentNumber'),
        issuedOn: field('issuedOn'),
      }),
    );
  });
  return (
    <form className="action-form raise-form" onSubmit={submit} data-form="register-document" aria-label={t('documents.register')}>
      <h2>{t('documents.register')}</h2>
      <label>
        {t('documents.issuingBody')}
        {/* biome-ignore lint/a11y/noAutofocus: the form opens on the user's click and takes the focus, so it works from the keyboard alone */}
        <input name="issuingBody" required autoFocus />
      </label>
      <label>
        {t('documents.docTitle')}
        <input name="title" required />
      </label>
      <label>
        {t('documents.documentNumber')}
        <input name="documentNumber" required placeholder="国开发〔2019〕1号" />
      </label>
      <label>
        {t('documents.issuedOn')}
        <input type="date" name="issuedOn" required max={countyToday()} />
      </label>
      <ErrorMessage error={error} />
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}

/**
 * 对账: a document's items in 原编号 order beside their ledger number, unit, state, deadline and 销号
 * date, with the totals, as the ledger is recorded now; and its .xlsx in the superior's columns.
 */
export function ReconciliationPage() {
  const { t } = useI18n();
  const words = useVocabulary();
  const user = useUser();
  const { id = '' } = useParams();
  const reconciliation = useAsync(() => fetchReconciliation(id), [id]);
  const download = useAction();
  return (
    <section aria-labelledby="recon-title">
      <p>
        <Link to="/documents">{t('recon.back')}</Link>
      </p>
      <Loaded state={reconciliation}>
        {(r) => (
          <>
            <div className="page-head">
              <h1 id="recon-title">{t('recon.title', { n: r.document.documentNumber })}</h1>
              <button
                type="button"
                data-download="xlsx"
                disabled={download.busy}
                onClick={() => void download.run(() => downloadReport(reconciliationXlsx(id)))}
              >
                {t('recon.download')}
              </button>
              {user.roles.includes('office') && <Link to={`/raise?document=${encodeURIComponent(id)}`}>{t('documents.raiseFrom')}</Link>}
            </div>
            <p>{t('recon.document', { body: r.document.issuingBody, title: r.document.title, day: r.document.issuedOn })}</p>
            <p className="muted">{t('recon.asOf', { day: r.asOf })}</p>
            <ErrorMessage error={download.error} />
            <dl className="facts" data-totals>
              <dt>{t('recon.total')}</dt>
              <dd data-total="items">{r.total}</dd>
              <dt>{t('recon.closed')}</dt>
              <dd data-total="closed">{r.closed}</dd>
              <dt>{t('recon.overdue')}</dt>
              <dd data-total="overdue">{r.overdue}</dd>
              {r.byStatus
                .filter((s) => s.count > 0)
                .map((s) => (
                  <Fragment key={s.status}>
                    <dt>{words.label('problemStatuses', s.status)}</dt>
                    <dd data-total={s.status}>{s.count}</dd>
                  </Fragment>
                ))}
            </dl>
            {r.items.length === 0 ? (
              <p className="empty">{t('recon.empty')}</p>
            ) : (
              <div className="table-wrap">
                <table data-reconciliation>
                  <thead>
                    <tr>
                      <th scope="col">{t('raise.originalNumber')}</th>
                      <th scope="col">{t('field.ledgerNumber')}</th>
                      <th scope="col" className="wide">
                        {t('field.description')}
                      </th>
                      <th scope="col" className="unit">
                        {t('field.unit')}
                      </th>
                      <th scope="col">{t('raise.raisedOn')}</th>
                      <th scope="col">{t('field.status')}</th>
                      <th scope="col">{t('field.deadline')}</th>
                      <th scope="col">{t('field.closedOn')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.items.map((i) => (
                      <tr key={i.ledgerNumber} data-original-number={i.originalNumber ?? ''} data-ledger-number={i.ledgerNumber}>
                        <td>{i.originalNumber ?? t('common.none')}</td>
                        <td>
                          <LedgerNumberLink ledgerNumber={i.ledgerNumber} />
                        </td>
                        <td className="wide">
                          <span className="clamp">{i.description}</span>
                        </td>
                        <td className="unit">{i.unitName ?? t('common.none')}</td>
                        <td className="nowrap">{i.raisedOn}</td>
                        <td>
                          <StatusBadge status={i.status} overdue={i.overdue} />
                        </td>
                        <td className="nowrap">{i.deadline ?? t('common.none')}</td>
                        <td className="nowrap">{i.closedOn ?? t('common.none')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
