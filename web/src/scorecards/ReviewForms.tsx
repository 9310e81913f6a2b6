import { useState } from 'react';
import { FileList } from '../item/ProblemPage';
import { uploadChosen } from '../shared/api';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { useI18n } from '../shared/i18n';
import { useSubmit } from '../shared/useSubmit';
import { TermSelect, useVocabulary } from '../shared/vocabulary';
import { type Application, type ScoreLine, applyForExemption, recordAssessmentItem } from './queries';

/** 容错纠错 beside a deduction: the application's status, its review deadline (overdue or not) and the committee's answer. */
export function ApplicationNote({ application: a }: { application: Application }) {
  const { t } = useI18n();
  const words = useVocabulary();
  return (
    <div className={a.status === 'refused' || a.overdue ? 'error' : a.status === 'approved' ? 'ok' : 'muted'} data-application={a.status}>
      {t('review.status', { status: words.label('exemptionApplicationStatuses', a.status) })}
      {a.byCommittee && ` · ${t('review.byCommittee')}`}
      {a.distinction && ` · ${words.label('exemptionDistinctions', a.distinction)}`}
      {a.status === 'pending' && ` · ${t('review.reviewBy', { day: a.reviewBy })}`}
      {a.overdue && (
        <span className="badge overdue" data-review-overdue>
          {t('review.overdue')}
        </span>
      )}
      {a.decision?.reasons && <div>{t('review.answer', { reasons: a.decision.reasons, by: a.decision.decidedBy ?? '' })}</div>}
    </div>
  );
}

/** A further assessment item's evidence and who entered it, under its line. */
export function ItemNote({ item }: { item: NonNullable<ScoreLine['item']> }) {
  return (
    <div className="muted" data-assessment-item>
      {item.evidence}
      <FileList files={item.files} />
    </div>
  );
}

/** 申请容错纠错: the unit head's form on one deduction — which distinction, a statement, files. */
export function ApplyForm(props: { unitId: string; year: number; lineId: string; onCancel: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [step, setStep] = useState<string | null>(null);
  const { busy, error, submit } = useSubmit(async (form) => {
    const files = await uploadChosen(form, setStep);
    await applyForExemption({
      unitId: props.unitId,
      year: props.year,
      lineId: props.lineId,
      distinction: String(form.get('distinction') ?? ''),
      statement: String(form.get('statement') ?? ''),
      files,
    });
    props.onDone();
  });
  return (
    <form className="action-form" onSubmit={(e) => void submit(e)} data-form="apply-exemption">
      <label>
        {t('review.distinction')}
        <TermSelect kind="exemptionDistinctions" name="distinction" first={{ label: '—', disabled: true }} defaultValue="" required />
      </label>
      <label>
        {t('review.statement')}
        <textarea name="statement" required />
      </label>
      <label>
        {t('review.files')}
        <input type="file" name="files" multiple />
      </label>
      {step && <p className="muted">{t('input.uploading', { name: step })}</p>}
      <ErrorMessage error={error} />
      <FormButtons busy={busy} onCancel={props.onCancel} />
    </form>
  );
}

/** 录入考核事项: the committee's form for a further assessment item on this card. */
export function ItemForm(props: { unitId: string; year: number; onDone: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<string | null>(null);
  const { busy, error, submit } = useSubmit(async (form) => {
    const files = await uploadChosen(form, setStep);
    await recordAssessmentItem({
      unitId: props.unitId,
      year: props.year,
      kind: String(form.get('kind') ?? ''),
      points: Number(form.get('points')),
      title: String(form.get('title') ?? ''),
      evidence: String(form.get('evidence') ?? ''),
      files,
    });
    setOpen(false);
    props.onDone();
  });
  if (!open)
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)} data-record-item>
          {t('assessmentItem.record')}
        </button>
      </p>
    );
  return (
    <form className="action-form" onSubmit={(e) => void submit(e)} data-form="assessment-item">
      <label>
        {t('assessmentItem.kind')}
        <TermSelect kind="assessmentItemKinds" name="kind" first={{ label: '—', disabled: true }} defaultValue="" required />
      </label>
      <label>
        {t('assessmentItem.points')}
        <input name="points" type="number" step="0.1" required />
      </label>
      <label>
        {t('assessmentItem.title')}
        <input name="title" required />
      </label>
      <label>
        {t('assessmentItem.evidence')}
        <textarea name="evidence" required />
      </label>
      <label>
        {t('assessmentItem.files')}
        <input type="file" name="files" multiple />
      </label>
      {step && <p className="muted">{t('input.uploading', { name: step })}</p>}
      <ErrorMessage error={error} />
      <FormButtons busy={busy} onCancel={() => setOpen(false)} />
    </form>
  );
}
