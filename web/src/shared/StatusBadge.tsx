import { useI18n } from './i18n';
import type { Status } from './ledgerItem';

export function StatusBadge({ status, overdue }: { status: Status; overdue: boolean }) {
  const { t } = useI18n();
  return (
    <span className="badges">
      <span className={`badge status-${status}`} data-status={status}>
        {t(`status.${status}`)}
      </span>
      {overdue && <span className="badge overdue">{t('field.overdue')}</span>}
    </span>
  );
}
