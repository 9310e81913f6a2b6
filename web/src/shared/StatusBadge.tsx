import { useI18n } from './i18n';
import type { Consolidation } from './ledgerItem';
import { useVocabulary } from './vocabulary';

/** A problem's status, labelled from the server's vocabulary, whether it is overdue, and after 销号 its 回头看 state. */
export function StatusBadge({
  status,
  overdue,
  consolidation = null,
}: {
  status: string;
  overdue: boolean;
  consolidation?: Consolidation | null;
}) {
  const { t } = useI18n();
  const words = useVocabulary();
  return (
    <span className="badges">
      <span className={`badge status-${status}`} data-status={status}>
        {words.label('problemStatuses', status)}
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
