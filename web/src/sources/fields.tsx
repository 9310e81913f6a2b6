import { useState } from 'react';
import { uploadChosen } from '../shared/api';
import { useI18n } from '../shared/i18n';
import type { Evidence } from './queries';

/**
 * Today in the county (Asia/Shanghai), as YYYY-MM-DD: the latest 交办日期 a date input offers. The
 * server's clock decides (RAISED_ON_IN_FUTURE); this only keeps the picker from offering the future.
 */
export const countyToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** A form's optional date field (name `raisedOn`): empty means today, so it is sent as null. */
export const raisedOnOf = (form: FormData) => String(form.get('raisedOn') ?? '').trim() || null;

/**
 * 立行立改: a box that, ticked, asks for the evidence of the fix made on the spot (a description and
 * files, uploaded to /files when the form is sent by `evidenceOf`).
 */
export function FixedOnTheSpotFields({ uploading }: { uploading: string | null }) {
  const { t } = useI18n();
  const [fixed, setFixed] = useState(false);
  return (
    <fieldset className="fixed-on-the-spot">
      <label className="check">
        <input type="checkbox" name="fixedOnTheSpot" checked={fixed} onChange={(e) => setFixed(e.target.checked)} />
        {t('raise.fixedOnTheSpot')}
      </label>
      {fixed && (
        <>
          <p className="muted">{t('raise.fixedHint')}</p>
          <label>
            {t('raise.evidence')}
            <textarea name="evidence" required rows={3} />
          </label>
          <label>
            {t('input.files')}
            <input type="file" name="files" multiple />
          </label>
          {uploading && <p className="muted">{t('input.uploading', { name: uploading })}</p>}
        </>
      )}
    </fieldset>
  );
}

/** The 立行立改 evidence of a sent form (its files uploaded first), or null when the box is not ticked. */
export async function evidenceOf(form: FormData, onStep: (name: string | null) => void): Promise<Evidence | null> {
  if (!form.get('fixedOnTheSpot')) return null;
  return { description: String(form.get('evidence') ?? '').trim(), files: await uploadChosen(form, onStep) };
}
