import { useI18n } from './i18n';
import { useVocabulary } from './vocabulary';

/** A problem's status, labelled from the server's vocabulary, and whether it is overdue. */
export function StatusBadge({ status, overdue }: { status: string; overdue: boolean }) {
  const { t } = useI18n();
  const words = useVocabulary();
  return (
    <span className="badges">
      <span className={`badge status-${status}`} data-status={status}>
        {words.label('problemStatuses', status)}
      </span>
      {overdue && <span className="badge overdue">{t('field.overdue')}</span>}
    </span>
  );
}
