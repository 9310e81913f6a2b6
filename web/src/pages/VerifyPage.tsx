import { ErrorMessage } from '../errors';
import { useI18n } from '../i18n';
import { fetchLedger } from '../model';
import { QueueList } from '../QueueList';
import { useUser } from '../session';
import { useAsync } from '../useAsync';

/** 待验收: items reported fixed, of every unit but the verifier's own (a unit never verifies its own work). */
export function VerifyPage() {
  const { t } = useI18n();
  const user = useUser();
  const items = useAsync(() => fetchLedger({ status: 'awaiting_verification' }), []);
  const queue = (items.data ?? []).filter((i) => i.responsibleUnit?.id !== user.unitId);
  return (
    <section aria-labelledby="verify-title">
      <div className="page-head">
        <h1 id="verify-title">{t('verify.title')}</h1>
      </div>
      <ErrorMessage error={items.error} />
      {items.data ? <QueueList id="verify" title="verify.queue" hint="verify.hint" items={queue} /> : <p className="muted">{t('common.loading')}</p>}
    </section>
  );
}
