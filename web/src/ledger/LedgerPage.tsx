import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../shared/errors';
import { type MessageKey, useI18n } from '../shared/i18n';
import { type Consolidation, type LedgerItem, fetchUnits } from '../shared/ledgerItem';
import { type LedgerColumnKey, LedgerRow, ledgerColumns } from '../shared/LedgerRow';
import { useAsync } from '../shared/useAsync';
import { type Kind, type Words, TermSelect, useVocabulary } from '../shared/vocabulary';
import { exportLedger } from './exportLedger';
import { type LedgerFilter, fetchLedger } from './queries';
import { UnitOptions } from '../shared/UnitOptions';

type SortKey = 'ledgerNumber' | 'source' | 'category' | 'unit' | 'deadline' | 'status' | 'closedOn';
/** The columns in the county ledger's order; those with a sort key sort the table. */
const COLUMNS: { column: LedgerColumnKey; sort: SortKey | null }[] = [
  { column: 'ledgerNumber', sort: 'ledgerNumber' },
  { column: 'source', sort: 'source' },
  { column: 'category', sort: 'category' },
  { column: 'description', sort: null },
  { column: 'unit', sort: 'unit' },
  { column: 'person', sort: null },
  { column: 'deadline', sort: 'deadline' },
  { column: 'status', sort: 'status' },
  { column: 'closedOn', sort: 'closedOn' },
];

const COLUMN_KEYS = COLUMNS.map((c) => c.column);

const sortValue: Record<SortKey, (i: LedgerItem, words: Words) => string | number> = {
  ledgerNumber: (i) => i.ledgerNumber,
  source: (i, words) => words.rank('sources', i.source),
  category: (i, words) => words.rank('categories', i.category),
  unit: (i) => i.responsibleUnit?.name ?? '\uffff',
  deadline: (i) => i.deadline ?? '9999',
  status: (i, words) => words.rank('problemStatuses', i.status),
  closedOn: (i) => i.closedOn ?? '9999',
};

const isConsolidation = (v: string | null): boolean => v === 'awaiting_recheck' || v === 'confirmed';

/** 整改台账: every problem, filtered (the filters live in the address, so a view can be linked), sorted, exported. */
export function LedgerPage() {
  const { t, lang } = useI18n();
  const words = useVocabulary();
  const [params, setParams] = useSearchParams();
  const filter: LedgerFilter = useMemo(
    () => ({
      ...(params.get('source') ? { source: params.get('source')! } : {}),
      ...(params.get('category') ? { category: params.get('category')! } : {}),
      ...(params.get('unitId') ? { unitId: params.get('unitId')! } : {}),
      ...(params.get('status') ? { status: params.get('status') as LedgerFilter['status'] } : {}),
      ...(params.get('overdue') ? { overdue: params.get('overdue') === 'true' } : {}),
      ...(isConsolidation(params.get('consolidation')) ? { consolidation: params.get('consolidation') as Consolidation } : {}),
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
      const x = value(a, words);
      const y = value(b, words);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
      return order !== 0 ? order : a.ledgerNumber.localeCompare(b.ledgerNumber);
    });
    return descending ? sorted.reverse() : sorted;
  }, [ledger.data, sortKey, descending, words]);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  /** A filter on one of the ledger's words (来源, 类别, 状态), kept in the address under its name. */
  const termFilter = (kind: Kind, name: string, label: MessageKey) => (
    <label>
      {t(label)}
      <TermSelect
        kind={kind}
        name={name}
        value={params.get(name) ?? ''}
        onChange={(v) => setParam(name, v)}
        first={{ label: t('common.all') }}
      />
    </label>
  );
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
      await exportLedger(rows, t, words);
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
        {termFilter('sources', 'source', 'field.source')}
        {termFilter('categories', 'category', 'field.category')}
        <label>
          {t('field.unit')}
          <select value={params.get('unitId') ?? ''} onChange={(e) => setParam('unitId', e.target.value)} name="unitId">
            <option value="">{t('common.all')}</option>
            <UnitOptions units={units.data ?? []} />
          </select>
        </label>
        {termFilter('problemStatuses', 'status', 'field.status')}
        <label>
          {t('field.overdue')}
          <select value={params.get('overdue') ?? ''} onChange={(e) => setParam('overdue', e.target.value)} name="overdue">
            <option value="">{t('ledger.filter.overdue.any')}</option>
            <option value="true">{t('ledger.filter.overdue.yes')}</option>
            <option value="false">{t('ledger.filter.overdue.no')}</option>
          </select>
        </label>
        <label>
          {t('field.recheck')}
          <select
            value={params.get('consolidation') ?? ''}
            onChange={(e) => setParam('consolidation', e.target.value)}
            name="consolidation"
          >
            <option value="">{t('common.all')}</option>
            <option value="awaiting_recheck">{t('consolidation.awaiting_recheck')}</option>
            <option value="confirmed">{t('consolidation.confirmed')}</option>
          </select>
        </label>
        <button type="button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
          {t('ledger.clear')}
        </button>
      </form>

      <ErrorMessage error={ledger.error} />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling table must take keyboard focus to scroll (WCAG 2.1.1) */}
      <section className="table-wrap" tabIndex={0} aria-label={t('ledger.title')}>
        <table className="ledger" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
          <thead>
            <tr>
              {COLUMNS.map(({ column, sort }) => {
                const { label, className } = ledgerColumns[column];
                return (
                  <th
                    key={column}
                    scope="col"
                    className={className}
                    aria-sort={sort === sortKey ? (descending ? 'descending' : 'ascending') : undefined}
                  >
                    {sort ? (
                      <button type="button" className="sort" onClick={() => sortBy(sort)} title={t('ledger.sortBy', { col: t(label) })}>
                        {t(label)}
                        <span aria-hidden="true">{sort === sortKey ? (descending ? ' ▼' : ' ▲') : ''}</span>
                      </button>
                    ) : (
                      t(label)
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((item) => (
              <LedgerRow key={item.id} item={item} columns={COLUMN_KEYS} />
            ))}
          </tbody>
        </table>
        {ledger.data && rows.length === 0 && <p className="empty">{t('ledger.empty')}</p>}
      </section>
    </section>
  );
}
