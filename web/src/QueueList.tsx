import { Link } from 'react-router';
import { type MessageKey, useI18n } from './i18n';
import type { LedgerItem } from './model';
import { StatusBadge } from './StatusBadge';

/**
 * One group of a work queue (my items, the verification queue): a heading with its count, then the
 * items as a table whose ledger numbers open the item page, where the actions are.
 */
export function QueueList({ id, title, hint, items }: { id: string; title: MessageKey; hint?: MessageKey; items: LedgerItem[] }) {
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
        <div className="table-wrap" tabIndex={0} aria-label={t(title)}>
          <table className="ledger" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
            <thead>
              <tr>
                <th scope="col" className="nowrap">{t('field.ledgerNumber')}</th>
                <th scope="col">{t('field.category')}</th>
                <th scope="col" className="wide">{t('field.description')}</th>
                <th scope="col" className="unit">{t('field.unit')}</th>
                <th scope="col" className="nowrap">{t('field.deadline')}</th>
                <th scope="col">{t('field.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id} data-ledger-number={item.ledgerNumber}>
                  <td className="nowrap">
                    <Link to={`/problems/${item.id}`}>{item.ledgerNumber}</Link>
                  </td>
                  <td>{t(`category.${item.category}`)}</td>
                  <td className="wide">
                    <span className="clamp" title={item.description}>
                      {item.description}
                    </span>
                  </td>
                  <td className="unit">{item.responsibleUnit?.name ?? t('common.none')}</td>
                  <td className="nowrap">
                    {item.deadline ?? t('common.none')}
                    {item.daysLeft !== null && item.daysLeft >= 0 && !item.overdue && (
                      <span className="muted"> · {t('queue.daysLeft', { n: item.daysLeft })}</span>
                    )}
                  </td>
                  <td>
                    <StatusBadge status={item.status} overdue={item.overdue} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
