import { useI18n } from './i18n';
import { LedgerNumberLink } from './LedgerNumberLink';

export type Light = 'red' | 'yellow' | 'green';
/** A count with its ledger numbers: the drill-down behind it (对账销号). */
export type Count = { count: number; ledgerNumbers: string[] };

/*
 * The tiles of the wall and the bulletin: a headline count, coloured by its light, that opens its
 * ledger numbers (TileDrill) when it is a button.
 */

type TileProps = {
  label: string;
  value: string | number;
  light?: Light | undefined;
  /** A line under the value. */
  detail?: string | undefined;
  /** A count that drills down: the value is a button opening its ledger numbers (TileDrill). */
  onToggle?: () => void;
  open?: boolean;
  name?: string;
};

export function Tile({ label, value, light, detail, onToggle, open = false, name }: TileProps) {
  return (
    <div className={`tile ${light ?? ''}`} data-tile={name}>
      <dt>{label}</dt>
      <dd>
        {onToggle ? (
          <button type="button" className="tile-open" aria-expanded={open} onClick={onToggle}>
            {value}
          </button>
        ) : (
          value
        )}
      </dd>
      {detail && <dd className="tile-detail">{detail}</dd>}
    </div>
  );
}

/** A tile's ledger numbers, each linking to its item; those also in `late` (past their 办结时限 or 回头看 day) marked `lateLabel`. */
export function TileDrill({
  title,
  count,
  late,
  lateLabel,
  name,
}: {
  title: string;
  count: Count;
  late?: Count;
  lateLabel?: string;
  name: string;
}) {
  const { t } = useI18n();
  const overdue = new Set(late?.ledgerNumbers ?? []);
  return (
    <div className="drill card" data-drill={name}>
      <h3>
        {title} · {count.count}
      </h3>
      {count.ledgerNumbers.length === 0 ? (
        <p className="empty">{t('common.none')}</p>
      ) : (
        <ul className="inline-list">
          {count.ledgerNumbers.map((n) => (
            <li key={n} data-late={overdue.has(n) || undefined}>
              <LedgerNumberLink ledgerNumber={n} />
              {overdue.has(n) && <span className="badge overdue">{lateLabel}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
