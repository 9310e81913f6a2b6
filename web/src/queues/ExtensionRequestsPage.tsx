import { useState } from 'react';
import { gql } from '../shared/api';
import { ErrorMessage } from '../shared/errors';
import { useI18n } from '../shared/i18n';
import { LedgerNumberLink } from '../shared/LedgerNumberLink';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { useSubmit } from '../shared/useSubmit';

/** An item whose lead unit asks for a later deadline (延期申请待审). */
type Request = {
  id: string;
  ledgerNumber: string;
  description: string;
  deadline: string | null;
  responsibleUnit: { name: string } | null;
  extensionRequest: { proposedDeadline: string; reason: string; requestedAt: string | null; requestedBy: string | null };
};

async function fetchRequests(): Promise<Request[]> {
  return (
    await gql<{ extensionRequests: Request[] }>(
      `query ExtensionRequests { extensionRequests { id ledgerNumber description deadline responsibleUnit { name }
        extensionRequest { proposedDeadline reason requestedAt requestedBy } } }`,
    )
  ).extensionRequests;
}

/** 延期申请: the office's queue of pending extension requests, each approved (the deadline moves) or refused with a reason. */
export function ExtensionRequestsPage() {
  const { t } = useI18n();
  const requests = useAsync(fetchRequests, []);
  return (
    <section aria-labelledby="requests-title">
      <div className="page-head">
        <h1 id="requests-title">{t('extension.queueTitle')}</h1>
        <p className="muted" aria-live="polite">
          {requests.data ? t('queue.count', { n: requests.data.length }) : t('common.loading')}
        </p>
      </div>
      <p className="muted help">{t('extension.queueHint')}</p>
      <Loaded state={requests} empty="extension.queueEmpty">
        {(list) => (
          <ul className="extension-requests">
            {list.map((r) => (
              <RequestRow key={r.id} request={r} onDecided={requests.reload} />
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

function RequestRow({ request: r, onDecided }: { request: Request; onDecided: () => void }) {
  const { t } = useI18n();
  const [refusing, setRefusing] = useState(false);
  const [commandId] = useState(() => crypto.randomUUID());
  const { busy, error, submit } = useSubmit(async (form) => {
    const refusal = form.get('refusal');
    if (refusal === null) {
      await gql('mutation Approve($p: ID!, $c: ID) { approveExtensionRequest(problemId: $p, commandId: $c) { problem { id } } }', {
        p: r.id,
        c: commandId,
      });
    } else {
      await gql(
        'mutation Refuse($p: ID!, $r: String!, $c: ID) { refuseExtensionRequest(problemId: $p, reason: $r, commandId: $c) { problem { id } } }',
        {
          p: r.id,
          r: String(refusal),
          c: commandId,
        },
      );
    }
    onDecided();
  });
  return (
    <li data-request={r.ledgerNumber}>
      <p>
        <LedgerNumberLink ledgerNumber={r.ledgerNumber} /> · {r.responsibleUnit?.name} · {r.description}
      </p>
      <p>
        {t('extension.asked', {
          from: r.deadline ?? '',
          to: r.extensionRequest.proposedDeadline,
          by: r.extensionRequest.requestedBy ?? '',
        })}
      </p>
      <p className="prose">{r.extensionRequest.reason}</p>
      <form onSubmit={submit} aria-label={t('extension.decide')}>
        {refusing && (
          <label>
            <span>{t('input.refusal')} *</span>
            <textarea name="refusal" required rows={2} maxLength={2000} />
          </label>
        )}
        <ErrorMessage error={error} />
        {refusing ? (
          <button type="submit" data-decision="refuse" disabled={busy}>
            {t('action.refuseExtension')}
          </button>
        ) : (
          <>
            <button type="submit" data-decision="approve" disabled={busy}>
              {t('action.approveExtension')}
            </button>
            <button type="button" onClick={() => setRefusing(true)} data-decision="startRefusal">
              {t('action.refuseExtension')}
            </button>
          </>
        )}
      </form>
    </li>
  );
}
