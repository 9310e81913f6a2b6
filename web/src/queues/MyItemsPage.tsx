import { fetchLedger } from '../ledger/queries';
import { useI18n } from '../shared/i18n';
import type { LedgerItem } from '../shared/ledgerItem';
import { Loaded } from '../shared/Loaded';
import { QueueList } from '../shared/QueueList';
import { useUser } from '../shared/session';
import { useAsync } from '../shared/useAsync';
import { SelfReport } from '../sources/SelfReportForm';
import { PendingSweeps } from '../sweeps/SweepsPage';

/** How far ahead “due soon” looks, in days. */
const DUE_SOON_DAYS = 7;

/** The groups of a unit head's work; an item may sit in more than one (overdue and rejected, say). */
export const myGroups = {
  dueSoon: (i: LedgerItem) =>
    (i.status === 'assigned' || i.status === 'rectifying') &&
    !i.overdue &&
    i.daysLeft !== null &&
    i.daysLeft >= 0 &&
    i.daysLeft <= DUE_SOON_DAYS,
  overdue: (i: LedgerItem) => i.overdue,
  rejected: (i: LedgerItem) => i.rejectionCount > 0 && i.status === 'rectifying',
  waiting: (i: LedgerItem) => i.status === 'assigned' || (i.status === 'rectifying' && i.measures === null),
  supervision: (i: LedgerItem) => i.openSupervision !== null,
} as const;

/** 我的事项: the signed-in unit head's unit's items, by what needs doing. */
export function MyItemsPage() {
  const { t } = useI18n();
  const user = useUser();
  const unitId = user.unitId;
  const items = useAsync(() => (unitId ? fetchLedger({ unitId }) : Promise.resolve([])), [unitId]);
  const all = items.data ?? [];
  return (
    <section aria-labelledby="mine-title">
      <div className="page-head">
        <h1 id="mine-title">{t('mine.title')}</h1>
        <p className="muted" aria-live="polite">
          {items.data ? t('queue.count', { n: all.filter((i) => Object.values(myGroups).some((g) => g(i))).length }) : t('common.loading')}
        </p>
      </div>
      {!unitId ? (
        <p className="empty">{t('mine.noUnit')}</p>
      ) : (
        <Loaded state={items} isEmpty={() => false}>
          {(mine) => (
            <>
              {/* A found answer raises a problem of the unit: the queues below reload to show it. */}
              <PendingSweeps onAnswered={items.reload} />
              {/* 自查上报: a problem the unit found in itself lands in the queues below (waiting, acknowledged). */}
              <SelfReport onDone={items.reload} />
              <QueueList id="supervision" title="mine.supervision" hint="mine.supervisionHint" items={mine.filter(myGroups.supervision)} />
              <QueueList id="overdue" title="mine.overdue" items={mine.filter(myGroups.overdue)} />
              <QueueList id="dueSoon" title="mine.dueSoon" items={mine.filter(myGroups.dueSoon)} />
              <QueueList id="rejected" title="mine.rejected" hint="mine.rejectedHint" items={mine.filter(myGroups.rejected)} />
              <QueueList id="waiting" title="mine.waiting" hint="mine.waitingHint" items={mine.filter(myGroups.waiting)} />
            </>
          )}
        </Loaded>
      )}
    </section>
  );
}
