import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { type MessageKey, type Translate, useI18n } from './i18n';
import type { LedgerItem } from './ledgerItem';
import { StatusBadge } from './StatusBadge';
import { type Words, useVocabulary } from './vocabulary';

/** A column a list of ledger items can show: its heading, its cell, and the cell's class. */
export type LedgerColumn = { label: MessageKey; className?: string; cell: (item: LedgerItem, t: Translate, words: Words) => ReactNode };

const orNone = (value: string | null, t: Translate) => value ?? t('common.none');

export type LedgerColumnKey =
  | 'ledgerNumber'
  | 'source'
  | 'category'
  | 'description'
  | 'unit'
  | 'person'
  | 'deadline'
  | 'deadlineDue'
  | 'status'
  | 'closedOn'
  | 'recheckDue';

export const ledgerColumns: Record<LedgerColumnKey, LedgerColumn> = {
  ledgerNumber: {
    label: 'field.ledgerNumber',
    className: 'nowrap',
    cell: (item) => <Link to={`/problems/${item.id}`}>{item.ledgerNumber}</Link>,
  },
  source: { label: 'field.source', cell: (item, _t, words) => words.label('sources', item.source) },
  category: { label: 'field.category', cell: (item, _t, words) => words.label('categories', item.category) },
  description: {
    label: 'field.description',
    className: 'wide',
    cell: (item) => (
      <span className="clamp" title={item.description}>
        {item.description}
      </span>
    ),
  },
  unit: { label: 'field.unit', className: 'unit', cell: (item, t) => item.responsibleUnit?.name ?? t('common.none') },
  person: { label: 'field.person', cell: (item, t) => orNone(item.responsiblePerson, t) },
  deadline: { label: 'field.deadline', className: 'nowrap', cell: (item, t) => orNone(item.deadline, t) },
  /** The deadline with the days left while it is ahead (the work queues). */
  deadlineDue: {
    label: 'field.deadline',
    className: 'nowrap',
    cell: (item, t) => (
      <>
        {orNone(item.deadline, t)}
        {item.daysLeft !== null && item.daysLeft >= 0 && !item.overdue && (
          <span className="muted"> · {t('queue.daysLeft', { n: item.daysLeft })}</span>
        )}
      </>
    ),
  },
  status: {
    label: 'field.status',
    cell: (item) => <StatusBadge status={item.status} overdue={item.overdue} consolidation={item.consolidation} />,
  },
  closedOn: { label: 'field.closedOn', className: 'nowrap', cell: (item, t) => orNone(item.closedOn, t) },
  /** The day the 回头看 falls due, marked once past (the 回头看 queue). */
  recheckDue: {
    label: 'field.recheckDueOn',
    className: 'nowrap',
    cell: (item, t) => (
      <>
        {orNone(item.recheckDueOn, t)}
        {item.recheckOverdue && (
          <>
            {' '}
            <span className="badge overdue" data-recheck-overdue>
              {t('queue.recheckOverdue')}
            </span>
          </>
        )}
      </>
    ),
  },
};

/** One ledger item as a table row of the given columns; its ledger number opens the item page. */
export function LedgerRow({ item, columns }: { item: LedgerItem; columns: readonly LedgerColumnKey[] }) {
  const { t } = useI18n();
  const words = useVocabulary();
  return (
    <tr data-ledger-number={item.ledgerNumber}>
      {columns.map((key) => {
        const column = ledgerColumns[key];
        return (
          <td key={key} className={column.className} data-col={key}>
            {column.cell(item, t, words)}
          </td>
        );
      })}
    </tr>
  );
}
