import { useI18n } from './i18n';

/** A form's submit and cancel buttons; submitting is disabled while the form is being sent. */
export function FormButtons({ busy, onCancel }: { busy: boolean; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="form-buttons">
      <button type="submit" className="primary" disabled={busy}>
        {t('common.submit')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
