import { useState } from 'react';
import { ErrorMessage } from '../shared/errors';
import { FormButtons } from '../shared/FormButtons';
import { type MessageKey, useI18n } from '../shared/i18n';
import { Loaded } from '../shared/Loaded';
import { useAsync } from '../shared/useAsync';
import { useSubmit } from '../shared/useSubmit';
import { useVocabulary } from '../shared/vocabulary';
import { countyToday } from '../sources/fields';
import { type UnitLeader, type UnitWithLeaders, appointUnitLeader, fetchUnitsWithLeaders, recordUnitLeaderLeft } from './queries';

/** The order units are listed in, by kind (the server's UnitKind values). */
const KINDS = ['county', 'township', 'department', 'village', 'work_team', 'assisting_unit'] as const;

/**
 * 单位与领导班子: the units by kind, with their parent, each with its leaders in post on a chosen day
 * (today unless another is chosen) and its other records; the office appoints (任职) and records a
 * leader's last day (离任). Who is in post on the day is the server's answer (`leaders(on:)`).
 */
export function UnitsPage() {
  const { t } = useI18n();
  const [on, setOn] = useState(countyToday);
  const units = useAsync(() => fetchUnitsWithLeaders(on), [on]);
  return (
    <section aria-labelledby="units-title">
      <div className="page-head">
        <h1 id="units-title">{t('units.title')}</h1>
        <label>
          {t('units.on')}{' '}
          <input type="date" value={on} required onChange={(e) => e.target.value && setOn(e.target.value)} data-field="on" />
        </label>
      </div>
      <p className="muted">{t('units.hint')}</p>
      <Loaded state={units} empty="units.empty">
        {(list) => (
          <>
            {KINDS.map((kind) => {
              const ofKind = list.filter((u) => u.kind === kind);
              return ofKind.length === 0 ? null : (
                <section key={kind} className="unit-kind" data-kind={kind}>
                  <h2>{t(`units.kind.${kind}` as MessageKey)}</h2>
                  {ofKind.map((u) => (
                    <UnitCard key={u.id} unit={u} onChanged={units.reload} />
                  ))}
                </section>
              );
            })}
          </>
        )}
      </Loaded>
    </section>
  );
}

/** One unit: its parent, its leaders in post on the day, its other records, and the office's two forms. */
function UnitCard({ unit, onChanged }: { unit: UnitWithLeaders; onChanged: () => void }) {
  const { t } = useI18n();
  const [appointing, setAppointing] = useState(false);
  const inPost = new Set(unit.inPost.map((l) => l.id));
  const current = unit.leaders.filter((l) => inPost.has(l.id));
  const others = unit.leaders.filter((l) => !inPost.has(l.id));
  return (
    <article className="unit-card" data-unit={unit.name} aria-labelledby={`unit-${unit.id}`}>
      <div className="page-head">
        <h3 id={`unit-${unit.id}`}>
          {unit.name}
          {unit.parent && <span className="muted"> · {t('units.parent', { name: unit.parent.name })}</span>}
          {unit.status === 'merged' && <span className="badge"> {t('units.merged')}</span>}
        </h3>
        {!appointing && (
          <button type="button" data-action="appoint" onClick={() => setAppointing(true)}>
            {t('units.appoint')}
          </button>
        )}
      </div>
      {current.length === 0 ? (
        <p className="muted" data-leaders="none">
          {t('units.noLeader')}
        </p>
      ) : (
        <ul className="leaders" data-leaders="in-post">
          {current.map((l) => (
            <LeaderLine key={l.id} unitId={unit.id} leader={l} onChanged={onChanged} />
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <details>
          <summary>{t('units.others', { n: others.length })}</summary>
          <ul className="leaders" data-leaders="others">
            {others.map((l) => (
              <LeaderLine key={l.id} unitId={unit.id} leader={l} onChanged={onChanged} />
            ))}
          </ul>
        </details>
      )}
      {appointing && (
        <AppointForm
          unitId={unit.id}
          onCancel={() => setAppointing(false)}
          onDone={() => {
            setAppointing(false);
            onChanged();
          }}
        />
      )}
    </article>
  );
}

/** A leader: role, title and name, portfolio, days in post; while no last day is on record, the 离任 action. */
function LeaderLine({ unitId, leader, onChanged }: { unitId: string; leader: UnitLeader; onChanged: () => void }) {
  const { t } = useI18n();
  const words = useVocabulary();
  const [leaving, setLeaving] = useState(false);
  const { busy, error, submit } = useSubmit(async (form) => {
    await recordUnitLeaderLeft({ unitId, leaderId: leader.id, until: String(form.get('until') ?? '') });
    setLeaving(false);
    onChanged();
  });
  const { portfolio } = leader;
  return (
    <li data-leader={leader.name} data-role={leader.role}>
      <strong>{t(leader.role === 'principal' ? 'interview.principal' : 'interview.inCharge')}</strong> {leader.title}
      {leader.name}
      {portfolio && (
        <span className="muted">
          {' '}
          · {portfolio.description}
          {portfolio.categories.length > 0 && `（${portfolio.categories.map((c) => words.label('categories', c)).join('、')}）`}
        </span>
      )}
      <div className="muted" data-days>
        {leader.until ? t('units.served', { from: leader.from, until: leader.until }) : t('units.since', { from: leader.from })}
      </div>
      {leader.until === null && !leaving && (
        <button type="button" data-action="leave" onClick={() => setLeaving(true)}>
          {t('units.leave')}
        </button>
      )}
      {leaving && (
        <form className="action-form" onSubmit={submit} data-form="leave" aria-label={t('units.leave')}>
          <label>
            {t('units.until')}
            {/* biome-ignore lint/a11y/noAutofocus: the form opens on the user's click and takes the focus, so it works from the keyboard alone */}
            <input type="date" name="until" required autoFocus min={leader.from} />
          </label>
          <ErrorMessage error={error} />
          <FormButtons busy={busy} onCancel={() => setLeaving(false)} />
        </form>
      )}
    </li>
  );
}

/** 任职: role, name, title, first day; a leader in charge also the portfolio, in words and as problem categories. */
function AppointForm({ unitId, onDone, onCancel }: { unitId: string; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const words = useVocabulary();
  const [role, setRole] = useState<UnitLeader['role']>('principal');
  const { busy, error, submit } = useSubmit(async (form) => {
    const field = (name: string) => String(form.get(name) ?? '').trim();
    await appointUnitLeader({
      unitId,
      role,
      name: field('name'),
      title: field('title'),
      portfolio: role === 'in_charge' ? { description: field('portfolio'), categories: form.getAll('categories').map(String) } : null,
      from: field('from'),
    });
    onDone();
  });
  return (
    <form className="action-form raise-form" onSubmit={submit} data-form="appoint" aria-label={t('units.appoint')}>
      <h3>{t('units.appoint')}</h3>
      <label>
        {t('units.role')}
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as UnitLeader['role'])}>
          <option value="principal">{t('interview.principal')}</option>
          <option value="in_charge">{t('interview.inCharge')}</option>
        </select>
      </label>
      <label>
        {t('units.name')}
        {/* biome-ignore lint/a11y/noAutofocus: the form opens on the user's click and takes the focus, so it works from the keyboard alone */}
        <input name="name" required autoFocus maxLength={50} />
      </label>
      <label>
        {t('units.leaderTitle')}
        <input name="title" required maxLength={100} placeholder={t('units.titleExample')} />
      </label>
      {role === 'in_charge' && (
        <fieldset>
          <legend>{t('units.portfolio')}</legend>
          <label>
            {t('units.portfolioDescription')}
            <input name="portfolio" required maxLength={200} placeholder={t('units.portfolioExample')} />
          </label>
          {words.categories.map((c) => (
            <label key={c.value} className="check">
              <input type="checkbox" name="categories" value={c.value} /> {words.label('categories', c.value)}
            </label>
          ))}
        </fieldset>
      )}
      <label>
        {t('units.from')}
        <input type="date" name="from" required />
      </label>
      {role === 'principal' && <p className="muted">{t('units.principalHint')}</p>}
      <ErrorMessage error={error} />
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}
