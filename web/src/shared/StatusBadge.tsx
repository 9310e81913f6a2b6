import { useI18n } from './i18n';
import type { Consolidation, Status } from './ledgerItem';

export function StatusBadge({ status, overdue, consolidation = null }: { status: Status; overdue: boolean; consolidation?: Consolidation | null }) {
  const { t } = useI18n();
  return (
    <span className="badges">
      <span className={`badge status-${status}`} data-status={status}>
        {t(`status.${status}`)}
      </span>
      {overdue && <span className="badge overdue">{t('field.overdue')}</span>}
      {consolidation && (
        <span className={`badge consolidation-${consolidation}`} data-consolidation={consolidation}>
          {t(`consolidation.${consolidation}`)}
        </span>
      )}
    </span>
  );
}
