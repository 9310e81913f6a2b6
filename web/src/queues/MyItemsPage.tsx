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

/** 配合: open items another unit leads and this unit helps on (it reports progress on its part). */
const helping = (i: LedgerItem, unitId: string) => i.status !== 'closed' && i.coResponsibleUnits.some((u) => u.id === unitId);

/** 我的事项: the signed-in unit head's unit's items, by what needs doing. */
export function MyItemsPage() {
  const { t } = useI18n();
  const user = useUser();
  const unitId = user.unitId;
  const items = useAsync(() => (unitId ? fetchLedger({ unitId }) : Promise.resolve([])), [unitId]);
  // The unit's own items (牵头) by what needs doing; those it helps on (配合) in their own group.
  const leads = (listed: LedgerItem[]) => listed.filter((i) => i.responsibleUnit?.id === unitId);
  const all = leads(items.data ?? []);
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
          {(listed) => (
            <>
              {/* A found answer raises a problem of the unit: the queues below reload to show it. */}
              <PendingSweeps onAnswered={items.reload} />
              {/* 自查上报: a problem the unit found in itself lands in the queues below (waiting, acknowledged). */}
              <SelfReport onDone={items.reload} />
              <QueueList
                id="coResponsible"
                title="mine.coResponsible"
                hint="mine.coResponsibleHint"
                items={listed.filter((i) => helping(i, unitId))}
              />
              <QueueList
                id="supervision"
                title="mine.supervision"
                hint="mine.supervisionHint"
                items={leads(listed).filter(myGroups.supervision)}
              />
              <QueueList id="overdue" title="mine.overdue" items={leads(listed).filter(myGroups.overdue)} />
              <QueueList id="dueSoon" title="mine.dueSoon" items={leads(listed).filter(myGroups.dueSoon)} />
              <QueueList id="rejected" title="mine.rejected" hint="mine.rejectedHint" items={leads(listed).filter(myGroups.rejected)} />
              <QueueList id="waiting" title="mine.waiting" hint="mine.waitingHint" items={leads(listed).filter(myGroups.waiting)} />
            </>
          )}
        </Loaded>
      )}
    </section>
  );
}
