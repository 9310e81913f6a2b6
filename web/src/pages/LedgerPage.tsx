import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '../errors';
import { exportLedger } from '../exportLedger';
import { type MessageKey, useI18n } from '../i18n';
import { CATEGORIES, type LedgerFilter, type LedgerItem, SOURCES, STATUSES, fetchLedger, fetchUnits } from '../model';
import { StatusBadge } from '../StatusBadge';
import { useAsync } from '../useAsync';

type SortKey = 'ledgerNumber' | 'source' | 'category' | 'unit' | 'deadline' | 'status' | 'closedOn';
const COLUMNS: { key: SortKey | null; label: MessageKey; className?: string }[] = [
  { key: 'ledgerNumber', label: 'field.ledgerNumber', className: 'nowrap' },
  { key: 'source', label: 'field.source' },
  { key: 'category', label: 'field.category' },
  { key: null, label: 'field.description', className: 'wide' },
  { key: 'unit', label: 'field.unit', className: 'unit' },
  { key: null, label: 'field.person' },
  { key: 'deadline', label: 'field.deadline', className: 'nowrap' },
  { key: 'status', label: 'field.status' },
  { key: 'closedOn', label: 'field.closedOn', className: 'nowrap' },
];

const sortValue: Record<SortKey, (i: LedgerItem) => string | number> = {
  ledgerNumber: (i) => i.ledgerNumber,
  source: (i) => SOURCES.indexOf(i.source),
  category: (i) => CATEGORIES.indexOf(i.category),
  unit: (i) => i.responsibleUnit?.name ?? '\uffff',
  deadline: (i) => i.deadline ?? '9999',
  status: (i) => STATUSES.indexOf(i.status),
  closedOn: (i) => i.closedOn ?? '9999',
};

/** 整改台账: every problem, filtered (the filters live in the address, so a view can be linked), sorted, exported. */
export function LedgerPage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const filter: LedgerFilter = useMemo(
    () => ({
      ...(params.get('source') ? { source: params.get('source') as LedgerFilter['source'] } : {}),
      ...(params.get('category') ? { category: params.get('category') as LedgerFilter['category'] } : {}),
      ...(params.get('unitId') ? { unitId: params.get('unitId')! } : {}),
      ...(params.get('status') ? { status: params.get('status') as LedgerFilter['status'] } : {}),
      ...(params.get('overdue') ? { overdue: params.get('overdue') === 'true' } : {}),
    }),
    [params],
  );
  const sortKey = (params.get('sort') as SortKey | null) ?? 'ledgerNumber';
  const descending = params.get('dir') === 'desc';
  const ledger = useAsync(() => fetchLedger(filter), [JSON.stringify(filter)]);
  const units = useAsync(fetchUnits, []);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const rows = useMemo(() => {
    const value = sortValue[sortKey] ?? sortValue.ledgerNumber;
    const sorted = [...(ledger.data ?? [])].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
      return order !== 0 ? order : a.ledgerNumber.localeCompare(b.ledgerNumber);
    });
    return descending ? sorted.reverse() : sorted;
  }, [ledger.data, sortKey, descending]);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const sortBy = (key: SortKey) => {
    const next = new URLSearchParams(params);
    next.set('sort', key);
    next.set('dir', key === sortKey && !descending ? 'desc' : 'asc');
    setParams(next, { replace: true });
  };
  const runExport = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await exportLedger(rows, t);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section aria-labelledby="ledger-title">
      <div className="page-head">
        <h1 id="ledger-title">{t('ledger.title')}</h1>
        <p className="muted" aria-live="polite" data-testid="ledger-count">
          {ledger.data ? t('ledger.count', { n: rows.length }) : t('common.loading')}
        </p>
        <button type="button" className="primary" onClick={runExport} disabled={!ledger.data || exporting}>
          {exporting ? t('ledger.exporting') : t('ledger.export')}
        </button>
      </div>
      <ErrorMessage error={exportError} />

      <form className="filters" aria-label={t('ledger.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('field.source')}
          <select value={params.get('source') ?? ''} onChange={(e) => setParam('source', e.target.value)} name="source">
            <option value="">{t('common.all')}</option>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`source.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.category')}
          <select value={params.get('category') ?? ''} onChange={(e) => setParam('category', e.target.value)} name="category">
            <option value="">{t('common.all')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.unit')}
          <select value={params.get('unitId') ?? ''} onChange={(e) => setParam('unitId', e.target.value)} name="unitId">
            <option value="">{t('common.all')}</option>
            {(units.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.status')}
          <select value={params.get('status') ?? ''} onChange={(e) => setParam('status', e.target.value)} name="status">
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.overdue')}
          <select value={params.get('overdue') ?? ''} onChange={(e) => setParam('overdue', e.target.value)} name="overdue">
            <option value="">{t('ledger.filter.overdue.any')}</option>
            <option value="true">{t('ledger.filter.overdue.yes')}</option>
            <option value="false">{t('ledger.filter.overdue.no')}</option>
          </select>
        </label>
        <button type="button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
          {t('ledger.clear')}
        </button>
      </form>

      <ErrorMessage error={ledger.error} />
      <div className="table-wrap" tabIndex={0} aria-label={t('ledger.title')}>
        <table className="ledger" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.label}
                  scope="col"
                  className={c.className}
                  aria-sort={c.key === sortKey ? (descending ? 'descending' : 'ascending') : undefined}
                >
                  {c.key ? (
                    <button type="button" className="sort" onClick={() => sortBy(c.key!)} title={t('ledger.sortBy', { col: t(c.label) })}>
                      {t(c.label)}
                      <span aria-hidden="true">{c.key === sortKey ? (descending ? ' ▼' : ' ▲') : ''}</span>
                    </button>
                  ) : (
                    t(c.label)
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((item) => (
              <tr key={item.id} data-ledger-number={item.ledgerNumber}>
                <td className="nowrap">
                  <Link to={`/problems/${item.id}`}>{item.ledgerNumber}</Link>
                </td>
                <td>{t(`source.${item.source}`)}</td>
                <td>{t(`category.${item.category}`)}</td>
                <td className="wide">
                  <span className="clamp" title={item.description}>
                    {item.description}
                  </span>
                </td>
                <td className="unit">{item.responsibleUnit?.name ?? t('common.none')}</td>
                <td>{item.responsiblePerson ?? t('common.none')}</td>
                <td className="nowrap">{item.deadline ?? t('common.none')}</td>
                <td data-col="status">
                  <StatusBadge status={item.status} overdue={item.overdue} />
                </td>
                <td className="nowrap">{item.closedOn ?? t('common.none')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {ledger.data && rows.length === 0 && <p className="empty">{t('ledger.empty')}</p>}
      </div>
    </section>
  );
}
