import { Navigate, useParams } from 'react-router';
import { Link } from 'react-router';
import { gql } from './api';
import { ErrorMessage } from './errors';
import { useI18n } from './i18n';
import { useAsync } from './useAsync';

/**
 * A ledger number as a link to its item. The projections name items by ledger number (the
 * drill-down behind every count), so the link goes through /items/:ledgerNumber, which looks the
 * item up and opens its page.
 */
export function LedgerNumberLink({ ledgerNumber }: { ledgerNumber: string }) {
  return (
    <Link to={`/items/${encodeURIComponent(ledgerNumber)}`} className="nowrap" data-ledger-number={ledgerNumber}>
      {ledgerNumber}
    </Link>
  );
}

export function LedgerNumbers({ numbers }: { numbers: string[] }) {
  const { t } = useI18n();
  if (numbers.length === 0) return <span className="muted">{t('common.none')}</span>;
  return (
    <span className="inline-list">
      {numbers.map((n) => (
        <LedgerNumberLink key={n} ledgerNumber={n} />
      ))}
    </span>
  );
}

/** /items/:ledgerNumber: finds the item and opens its page. */
export function ItemByNumber() {
  const { t } = useI18n();
  const { ledgerNumber = '' } = useParams();
  const found = useAsync(
    () => gql<{ problem: { id: string } | null }>('query($n: String) { problem(ledgerNumber: $n) { id } }', { n: ledgerNumber }),
    [ledgerNumber],
  );
  if (found.error) return <ErrorMessage error={found.error} />;
  if (found.loading || !found.data) return <p className="muted">{t('common.loading')}</p>;
  if (!found.data.problem) return <p className="empty">{t('common.notFound')}</p>;
  return <Navigate to={`/problems/${found.data.problem.id}`} replace />;
}
