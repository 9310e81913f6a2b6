import { type MessageKey, useI18n } from './i18n';
import type { LedgerItem } from './ledgerItem';
import { type LedgerColumnKey, LedgerRow, ledgerColumns } from './LedgerRow';

const COLUMNS: readonly LedgerColumnKey[] = ['ledgerNumber', 'category', 'description', 'unit', 'deadlineDue', 'status'];
/** The 回头看 queue's: the day it falls due in place of the deadline. */
export const RECHECK_COLUMNS: readonly LedgerColumnKey[] = ['ledgerNumber', 'category', 'description', 'unit', 'closedOn', 'recheckDue'];

/**
 * One group of a work queue (my items, the verification queue): a heading with its count, then the
 * items as a table whose ledger numbers open the item page, where the actions are.
 */
export function QueueList({
  id,
  title,
  hint,
  items,
  columns = COLUMNS,
}: {
  id: string;
  title: MessageKey;
  hint?: MessageKey;
  items: LedgerItem[];
  columns?: readonly LedgerColumnKey[];
}) {
  const { t, lang } = useI18n();
  return (
    <section className="queue" data-queue={id} aria-labelledby={`queue-${id}`}>
      <h2 id={`queue-${id}`}>
        {t(title)} <span className="count">{t('queue.count', { n: items.length })}</span>
      </h2>
      {hint && <p className="muted help">{t(hint)}</p>}
      {items.length === 0 ? (
        <p className="empty">{t('queue.empty')}</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling table must take keyboard focus to scroll (WCAG 2.1.1)
        <section className="table-wrap" tabIndex={0} aria-label={t(title)}>
          <table className="ledger" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
            <thead>
              <tr>
                {columns.map((key) => (
                  <th key={key} scope="col" className={ledgerColumns[key].className}>
                    {t(ledgerColumns[key].label)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <LedgerRow key={item.id} item={item} columns={columns} />
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
