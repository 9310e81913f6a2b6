import { fetchLedger } from '../ledger/queries';
import { useI18n } from '../shared/i18n';
import { Loaded } from '../shared/Loaded';
import { QueueList } from '../shared/QueueList';
import { useAsync } from '../shared/useAsync';

/**
 * 待验收: items reported fixed that the signed-in verifier may verify — the server's word
 * (`availableActions`), which leaves out their own unit's (a unit never verifies its own work).
 */
export function VerifyPage() {
  const { t } = useI18n();
  const items = useAsync(() => fetchLedger({ status: 'awaiting_verification' }), []);
  return (
    <section aria-labelledby="verify-title">
      <div className="page-head">
        <h1 id="verify-title">{t('verify.title')}</h1>
      </div>
      <Loaded state={items} isEmpty={() => false}>
        {(all) => (
          <QueueList
            id="verify"
            title="verify.queue"
            hint="verify.hint"
            items={all.filter((i) => i.availableActions.includes('passVerification'))}
          />
        )}
      </Loaded>
    </section>
  );
}
