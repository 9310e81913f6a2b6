import { fetchLedger } from '../ledger/queries';
import { useI18n } from '../shared/i18n';
import type { LedgerItem } from '../shared/ledgerItem';
import { Loaded } from '../shared/Loaded';
import { QueueList, RECHECK_COLUMNS } from '../shared/QueueList';
import { useAsync } from '../shared/useAsync';

/** The 回头看 queue's order: past their day first, then by the day it falls due, then by ledger number. */
export function byRecheckDue(a: LedgerItem, b: LedgerItem): number {
  if (a.recheckOverdue !== b.recheckOverdue) return a.recheckOverdue ? -1 : 1;
  return (a.recheckDueOn ?? '').localeCompare(b.recheckDueOn ?? '') || a.ledgerNumber.localeCompare(b.ledgerNumber);
}

/**
 * The verifier's work: 待验收, items reported fixed that the signed-in verifier may verify, and
 * 待回头看, closed items awaiting the 回头看 they may confirm (巩固) — the server's word
 * (`availableActions`), which leaves out their own unit's (a unit never checks its own work).
 */
export function VerifyPage() {
  const { t } = useI18n();
  const items = useAsync(() => fetchLedger({ status: 'awaiting_verification' }), []);
  const rechecks = useAsync(() => fetchLedger({ consolidation: 'awaiting_recheck' }), []);
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
      <Loaded state={rechecks} isEmpty={() => false}>
        {(all) => (
          <QueueList
            id="recheck"
            title="verify.recheck"
            hint="verify.recheckHint"
            columns={RECHECK_COLUMNS}
            items={all.filter((i) => i.availableActions.includes('confirmConsolidation')).sort(byRecheckDue)}
          />
        )}
      </Loaded>
    </section>
  );
}
